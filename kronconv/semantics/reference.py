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
        elif node.op == "conv_transpose":
            values[node.id] = _conv_transpose(node, grid, size, params)
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
        elif node.op == "upsample" and node.mode == "linear":
            values[node.id] = (_linear(node, grid, size, channels), tuple(
                n * k for n, k in zip(size, node.scale_factor, strict=True)), channels)
        elif node.op == "upsample":
            f = node.scale_factor
            big = tuple(n * k for n, k in zip(size, f, strict=True))
            out = {(c, *p): grid[(c, *(q // k for q, k in zip(p, f, strict=True)))]
                   for c in range(channels) for p in product(*map(range, big))}
            values[node.id] = (out, big, channels)
        elif node.op in ("add", "sub", "mul", "concat"):
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


def _conv_transpose(node: Node, grid: Grid, size: tuple[int, ...],
                    params: Any) -> tuple[Grid, Any, int]:
    """y[o, i] = sum over c, t with s j + d t - p = i of W[c, o, t] x[c, j] (+ bias)."""
    weight, bias = params["weight"], params.get("bias")
    c_in, per_group = weight.shape[:2]
    in_group = c_in // node.groups
    out_size = tuple((n - 1) * s - a - b + d * (k - 1) + 1 + extra for n, s, (a, b), d, k, extra
                     in zip(size, node.stride, node.padding, node.dilation, node.kernel_size,
                            node.output_padding, strict=True))
    out: Grid = {}
    for o in range(per_group * node.groups):
        group = o // per_group
        for i in product(*map(range, out_size)):
            total: Any = _num(bias[o]) if bias is not None else 0
            for c in range(group * in_group, (group + 1) * in_group):
                for t in product(*map(range, node.kernel_size)):
                    j: list[int] = []
                    for ia, ta, s, d, (a, _), n in zip(i, t, node.stride, node.dilation,
                                                        node.padding, size, strict=True):
                        q, r = divmod(ia + a - d * ta, s)
                        if r == 0 and 0 <= q < n:
                            j.append(q)
                    if len(j) == len(i):
                        total = total + _num(weight[(c, o % per_group, *t)]) * grid[(c, *j)]
            out[(o, *i)] = total
    return out, out_size, per_group * node.groups


def _linear(node: Node, grid: Grid, size: tuple[int, ...], channels: int) -> Grid:
    """PyTorch's (bi/tri)linear interpolation, align_corners=False: a product of per-axis
    two-tap weights at the clamped source coordinate q = max((j + 1/2) / u - 1/2, 0)."""
    taps_per_axis = []
    for n, u in zip(size, node.scale_factor, strict=True):
        axis = []
        for j in range(n * u):
            q = max((j + Fraction(1, 2)) / u - Fraction(1, 2), Fraction(0))
            low = math.floor(q)
            axis.append([(low, 1 - (q - low)), (min(low + 1, n - 1), q - low)])
        taps_per_axis.append(axis)
    big = [len(axis) for axis in taps_per_axis]
    out: Grid = {}
    for c in range(channels):
        for p in product(*map(range, big)):
            total: Any = 0
            for taps in product(*(taps_per_axis[a][p[a]] for a in range(len(p)))):
                weight = math.prod(w for _, w in taps)
                value = grid[(c, *(q for q, _ in taps))]
                total = total + (float(weight) * value if isinstance(value, float)
                                 else weight * value)
            out[(c, *p)] = total
    return out


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


def _pool_size(node: Node, size: tuple[int, ...]) -> tuple[int, ...]:
    out = []
    for n, (a, b), k, s, d in zip(size, node.padding, node.kernel_size, node.stride,
                                  node.dilation, strict=True):
        room = n + a + b - d * (k - 1) - 1
        count = -(-room // s) + 1 if node.ceil_mode else room // s + 1
        if node.ceil_mode and (count - 1) * s >= n + a:  # no window starts in the right padding
            count -= 1
        out.append(count)
    return tuple(out)


def _pool(node: Node, grid: Grid, size: tuple[int, ...], channels: int) -> tuple[Grid, Any, Any]:
    out_size = _pool_size(node, size)
    out: Grid = {}
    picks: dict[tuple[int, ...], tuple[int, ...]] = {}
    for c in range(channels):
        for i in product(*map(range, out_size)):
            best, where, total, count = None, None, 0, 0
            for t in product(*map(range, node.kernel_size)):
                p = _source(node, i, t, size, circular=False)
                if node.count_include_pad and all(
                        -a <= s * ia + d * ta - a < n + b for ia, ta, s, d, (a, b), n in zip(
                            i, t, node.stride, node.dilation, node.padding, size, strict=True)):
                    count += 1  # a position of the padded input (PyTorch's default divisor)
                if p is None:
                    continue
                count += 0 if node.count_include_pad else 1
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
    if node.op == "sub":
        grid = {i: parts[0][0][i] - parts[1][0][i] for i in parts[0][0]}
        return grid, size, parts[0][2]
    if node.op == "mul":
        grid = {i: math.prod(p[0][i] for p in parts) for i in parts[0][0]}
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
    if node.op == "gelu":
        return v * 0.5 * (1.0 + math.erf(v / math.sqrt(2.0)))
    if node.op == "silu":
        return v / (1.0 + math.exp(-v))
    if node.op in ("hardswish", "hardsigmoid"):
        gate = min(max(v + 3, 0), 6) / (6.0 if isinstance(v, float) else Fraction(6))
        return gate * v if node.op == "hardswish" else gate
    if node.op == "batchnorm":
        return _num(params["scale"][channel]) * v + _num(params["shift"][channel])
    raise ValueError(node.op)  # pragma: no cover
