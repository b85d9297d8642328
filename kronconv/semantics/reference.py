"""The naive reference semantics: explicit loops over positions, Python numbers, no NumPy
vectorisation and no shared code with :mod:`kronconv.semantics.evaluate` (an independent second
engine for cross-checks and for re-checking counterexamples).

Numbers are Python ints / ``Fraction`` (exact), or floats once tanh or sigmoid is applied.
"""

from __future__ import annotations

import math
from fractions import Fraction
from itertools import product
from typing import Any

import numpy as np

from kronconv.semantics.weights import Weights
from kronconv.specs.architecture import Architecture, Node

Grid = dict[tuple[int, ...], Any]  # (channel, *position) -> number


def reference_evaluate(arch: Architecture, x: np.ndarray, weights: Weights) -> np.ndarray:
    """The output for ONE input x (C, *N), as an object array (C_out, *M)."""
    values: dict[str, tuple[Grid, tuple[int, ...], int]] = {}
    chosen: dict[str, dict[tuple[int, ...], tuple[int, ...]]] = {}
    values[arch.input.id] = ({i: _num(v) for i, v in np.ndenumerate(x)}, x.shape[1:], x.shape[0])
    for node in arch.nodes[1:]:
        grid, size, channels = values[node.inputs[0]]
        params = weights.get(node.id, {})
        if node.op == "conv":
            values[node.id] = _conv(node, grid, size, params)
        elif node.op in ("maxpool", "avgpool"):
            out, out_size, picks = _pool(node, grid, size, channels)
            values[node.id] = (out, out_size, channels)
            chosen[node.id] = picks
        elif node.op == "maxunpool":
            assert node.indices is not None
            pool = arch.node(node.indices)
            target = values[pool.inputs[0]][1]
            out = {(c, *p): 0 for c in range(channels) for p in product(*map(range, target))}
            for (c, *i), value in sorted(grid.items()):
                out[(c, *chosen[pool.id][(c, *i)])] = value
            values[node.id] = (out, target, channels)
        elif node.op == "upsample":
            f = node.scale_factor
            big = tuple(n * k for n, k in zip(size, f, strict=True))
            out = {(c, *p): grid[(c, *(q // k for q, k in zip(p, f, strict=True)))]
                   for c in range(channels) for p in product(*map(range, big))}
            values[node.id] = (out, big, channels)
        elif node.op in ("add", "concat"):
            values[node.id] = _merge(node, [values[i] for i in node.inputs])
        else:
            values[node.id] = ({i: _pointwise(node, v, params, i[0]) for i, v in grid.items()},
                               size, channels)
    final, size, channels = values[arch.output]
    result = np.empty((channels, *size), dtype=object)
    for index, value in final.items():
        result[index] = value
    return result


def _num(v: Any) -> Any:
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, np.floating):
        return float(v)
    return v


def _conv(node: Node, grid: Grid, size: tuple[int, ...], params: Any) -> tuple[Grid, Any, int]:
    weight = params["weight"]
    bias = params.get("bias")
    c_out, c_group = weight.shape[:2]
    per_group = c_out // node.groups
    out_size = tuple((n + a + b - d * (k - 1) - 1) // s + 1 for n, (a, b), k, s, d in zip(
        size, node.padding, node.kernel_size, node.stride, node.dilation, strict=True))
    out: Grid = {}
    for o in range(c_out):
        for i in product(*map(range, out_size)):
            total: Any = _num(bias[o]) if bias is not None else 0
            for c in range(c_group):
                channel = (o // per_group) * c_group + c
                for t in product(*map(range, node.kernel_size)):
                    p = _source(node, i, t, size, circular=node.padding_mode == "circular")
                    if p is not None:
                        total = total + _num(weight[(o, c, *t)]) * grid[(channel, *p)]
            out[(o, *i)] = total
    return out, out_size, c_out


def _source(node: Node, i: tuple[int, ...], t: tuple[int, ...], size: tuple[int, ...],
            circular: bool) -> tuple[int, ...] | None:
    """Input position read by output i at offset t, or None for a zero/-inf padding entry."""
    p = []
    for ia, ta, n, s, d, (before, _) in zip(i, t, size, node.stride, node.dilation,
                                            node.padding, strict=True):
        q = s * ia + d * ta - before
        if circular:
            q %= n
        elif not 0 <= q < n:
            return None
        p.append(q)
    return tuple(p)


def _pool(node: Node, grid: Grid, size: tuple[int, ...], channels: int) -> tuple[Grid, Any, Any]:
    out_size = tuple((n + a + b - d * (k - 1) - 1) // s + 1 for n, (a, b), k, s, d in zip(
        size, node.padding, node.kernel_size, node.stride, node.dilation, strict=True))
    out: Grid = {}
    picks: dict[tuple[int, ...], tuple[int, ...]] = {}
    count = math.prod(node.kernel_size)
    for c in range(channels):
        for i in product(*map(range, out_size)):
            best, where, total = None, None, 0
            for t in product(*map(range, node.kernel_size)):
                p = _source(node, i, t, size, circular=False)
                if p is None:
                    continue
                value = grid[(c, *p)]
                total = total + value
                if best is None or value > best:  # strict: the first maximum wins ties
                    best, where = value, p
            if node.op == "maxpool":
                out[(c, *i)] = best
                assert where is not None
                picks[(c, *i)] = where
            else:
                out[(c, *i)] = total / count if isinstance(total, float) \
                    else Fraction(total, count)
    return out, out_size, picks


def _merge(node: Node, parts: list[tuple[Grid, Any, int]]) -> tuple[Grid, Any, int]:
    size = parts[0][1]
    if node.op == "add":
        grid = {i: sum(p[0][i] for p in parts) for i in parts[0][0]}
        return grid, size, parts[0][2]
    out: Grid = {}
    offset = 0
    for grid, _, channels in parts:
        for (c, *p), value in grid.items():
            out[(c + offset, *p)] = value
        offset += channels
    return out, size, offset


def _pointwise(node: Node, v: Any, params: Any, channel: int) -> Any:
    if node.op == "relu":
        return v if v > 0 else 0
    if node.op == "leaky_relu":
        return v if v > 0 else v * Fraction(str(node.negative_slope))
    if node.op == "tanh":
        return math.tanh(v)
    if node.op == "sigmoid":
        return 1.0 / (1.0 + math.exp(-v))
    if node.op == "batchnorm":
        return _num(params["scale"][channel]) * v + _num(params["shift"][channel])
    raise ValueError(node.op)  # pragma: no cover
