"""Executable semantics of every op of an architecture description, over any backend.

Arrays are (B, C, *spatial): a batch of B inputs with C channels. The ops (PyTorch's
definitions unless said otherwise; index notation per axis, window offsets t in [0, k)):

- conv: pad (zeros, or wrap-around for ``circular``), then the valid cross-correlation
  y[b, o, i] = sum_{c in group(o), t} W[o, c, t] xpad[b, c, s i + d t] + bias[o]; the strided
  conv is the full-resolution (stride-1) conv subsampled at s i (PyTorch's convention);
- maxpool: max over the window xpad[s i + d t], padding never chosen (PyTorch pads with -inf);
  ties go to the FIRST maximum in row-major order of t (strict > against earlier offsets), and
  the one-hot choice is kept as the pooling indices;
- maxunpool: the decoder value of window i is written at the position its pooling node chose,
  every other position is 0; the output has the pooling node's input size (PyTorch's
  ``output_size``); windows must not overlap (k <= s), so no position is written twice;
- avgpool: sum of the zero-padded window / the number of its positions inside the padded input
  (``count_include_pad``, PyTorch's default) or inside the input; ``ceil_mode`` windows may run
  past the right padding (those positions count for nothing);
- conv_transpose: y[b, o, s j - p + d t] += W[c, o, t] x[b, c, j] (PyTorch's ConvTranspose,
  the crop of ``padding`` on each side, ``output_padding`` extra entries at the end);
- upsample: nearest, each entry repeated ``scale_factor`` times per axis; linear (PyTorch's
  linear/bilinear/trilinear, align_corners=False), per axis q = max((2 j + 1 - u) / (2 u), 0),
  y_j = (1 - l) x_i + l x_min(i + 1, n - 1) with i = floor(q), l = q - i (exact rationals);
- relu, leaky_relu, tanh, sigmoid, gelu, silu, hardswish, hardsigmoid, pointwise: pointwise;
  batchnorm: y_c = scale_c x_c + shift_c;
- add, sub, mul: elementwise; concat: along channels, in the order of ``inputs``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from itertools import product
from typing import Any

import numpy as np

from kronconv.arith import INT64_SAFE
from kronconv.engines.conv import dilated_correlate
from kronconv.errors import invalid
from kronconv.semantics.backends import Array, Backend, to_object
from kronconv.semantics.shapes import node_sizes, transposed_size, window_count
from kronconv.semantics.weights import Weights
from kronconv.specs.architecture import Architecture, Node
from kronconv.specs.shapes import check_tensor_budget


@dataclass(frozen=True)
class PoolIndices:
    """The one-hot choice of a maxpool: ``chosen[t][b, c, i]`` iff offset t won window i."""

    chosen: tuple[Array, ...]


def evaluate(arch: Architecture, x: Array, weights: Weights, backend: Backend,
             *, keep: bool = False) -> Any:
    """The architecture's output for the batch ``x`` (B, C, *N); all node values if ``keep``."""
    # 1. Check the input against the architecture (and the sizes every node gets).
    if x.ndim != arch.dims + 2 or x.shape[1] != arch.in_channels:
        raise invalid("x.shape", x.shape, f"(batch, {arch.in_channels} channels, "
                      f"{arch.dims} spatial axes)")
    check_tensor_budget(arch, node_sizes(arch, x.shape[2:], strict_strides=False))
    # 2. Evaluate the nodes in topological order.
    values: dict[str, Array] = {arch.input.id: x}
    indices: dict[str, PoolIndices] = {}
    for node in arch.nodes[1:]:
        args = [values[i] for i in node.inputs]
        if node.op == "maxpool":
            values[node.id], indices[node.id] = maxpool(node, args[0], backend)
        elif node.op == "maxunpool":
            assert node.indices is not None
            pool = arch.node(node.indices)
            values[node.id] = maxunpool(pool, args[0], indices[pool.id],
                                        values[pool.inputs[0]].shape[2:], backend)
        else:
            values[node.id] = apply(node, args, weights.get(node.id, {}), backend)
    return values if keep else values[arch.output]


def apply(node: Node, args: Sequence[Array], params: Any, backend: Backend) -> Array:
    """Every op without pooling indices."""
    x = args[0]
    if node.op == "conv":
        return conv(node, x, params["weight"], params.get("bias"), backend)
    if node.op == "conv_transpose":
        return conv_transpose(node, x, params["weight"], params.get("bias"), backend)
    if node.op == "avgpool":
        return avgpool(node, x, backend)
    if node.op == "upsample" and node.mode == "linear":
        for axis, factor in enumerate(node.scale_factor):
            x = linear_upsample(x, axis + 2, factor, backend)
        return x
    if node.op == "upsample":
        for axis, factor in enumerate(node.scale_factor):
            x = np.repeat(x, factor, axis=axis + 2)
        return x
    if node.op in ("gelu", "silu", "hardswish", "hardsigmoid"):
        return backend.activation(node.op, x)
    if node.op == "pointwise":
        return backend.activation(node.function, x)
    if node.op == "relu":
        return backend.relu(x)
    if node.op == "leaky_relu":
        return backend.leaky_relu(x, node.negative_slope)
    if node.op == "tanh":
        return backend.tanh(x)
    if node.op == "sigmoid":
        return backend.sigmoid(x)
    if node.op == "batchnorm":
        shape = (1, -1) + (1,) * (x.ndim - 2)
        x = backend.guard(x, _magnitude(x) * _magnitude(params["scale"])
                          + _magnitude(params["shift"]))
        return x * np.reshape(params["scale"], shape) + np.reshape(params["shift"], shape)
    if node.op in ("add", "mul"):
        total = args[0]
        for other in args[1:]:
            total = _sum(total, other, backend) if node.op == "add" \
                else _product(total, other, backend)
        return total
    if node.op == "sub":
        return _sum(args[0], -args[1], backend)
    if node.op == "concat":
        if any(a.dtype == object for a in args):
            args = [to_object(a) for a in args]
        return np.concatenate(args, axis=1)
    raise invalid("op", node.op, "an op with semantics")  # pragma: no cover


def pad(x: Array, widths: Sequence[tuple[int, int]], mode: str, fill: Any) -> Array:
    """Pad the spatial axes of (B, C, *N): wrap-around for ``circular``, else ``fill``."""
    full = [(0, 0), (0, 0), *widths]
    if mode == "circular":
        return np.pad(x, full, mode="wrap")
    shape = tuple(n + a + b for n, (a, b) in zip(x.shape, full, strict=True))
    out = np.full(shape, fill, dtype=x.dtype)
    out[tuple(slice(a, a + n) for n, (a, _) in zip(x.shape, full, strict=True))] = x
    return out


def conv(node: Node, x: Array, weight: Array, bias: Array | None, backend: Backend) -> Array:
    # 1. Exactness: int64 stays int64 only if no sum can overflow.
    bound = _magnitude(x) * _magnitude(weight) * int(np.prod(weight.shape[1:])) \
        + (_magnitude(bias) if bias is not None else 0)
    x = backend.guard(x, bound)
    scale = _common_denominator(x) if weight.dtype == np.int64 else None
    if scale is not None:  # rationals: the integer conv of scale x, divided by scale (linear)
        scaled = np.frompyfunc(lambda v: int(v * scale), 1, 1)(x)
        if max(abs(v) for v in scaled.flat) < INT64_SAFE:
            scaled = scaled.astype(np.int64)  # the recursive call guards the sums again
        shifted = None if bias is None else np.asarray(bias, dtype=object) * scale
        out = conv(node, scaled, weight, shifted, backend)
        return to_object(out) * Fraction(1, scale)
    if x.dtype == object or weight.dtype == object:
        x, weight = to_object(x), to_object(weight)
    # 2. Pad once, then a valid correlation per (output, input) channel pair, batch axis kept
    #    as a kernel axis of size 1.
    padded = pad(x, node.padding, node.padding_mode, backend.zero())
    if padded.dtype != object and weight.dtype != object:
        out = _conv_by_taps(node, padded, weight)
        return out if bias is None else out + np.reshape(bias, (1, -1) + (1,) * (x.ndim - 2))
    c_out, c_group = weight.shape[:2]
    per_group = c_out // node.groups
    outputs = []
    for o in range(c_out):
        first = (o // per_group) * c_group
        total: Array | None = None
        for c in range(c_group):
            term = dilated_correlate(padded[:, first + c], weight[o, c][None],
                                     (1, *node.dilation), "valid", "correlation")
            total = term if total is None else total + term
        assert total is not None
        if bias is not None:
            total = total + bias[o]
        outputs.append(total)
    full = np.stack(outputs, axis=1)
    # 3. Stride: the full-resolution output subsampled at s i.
    return full[(slice(None), slice(None), *(slice(None, None, s) for s in node.stride))]


def _sum(a: Array, b: Array, backend: Backend) -> Array:
    """a + b, leaving int64 when the sum could overflow."""
    return backend.guard(a, _magnitude(a) + _magnitude(b)) + b


def _product(a: Array, b: Array, backend: Backend) -> Array:
    """a * b, leaving int64 when the product could overflow."""
    a = backend.guard(a, _magnitude(a) * max(_magnitude(b), 1))
    return to_object(a) * b if a.dtype == object else a * b


def conv_transpose(node: Node, x: Array, weight: Array, bias: Array | None,
                   backend: Backend) -> Array:
    # 1. Exactness as in conv: every output entry is a sum of at most C_in prod(k) terms.
    bound = _magnitude(x) * _magnitude(weight) * int(np.prod(weight.shape)) \
        + (_magnitude(bias) if bias is not None else 0)
    x = backend.guard(x, bound)
    if x.dtype == object or weight.dtype == object:
        x, weight = to_object(x), to_object(weight)
    # 2. Scatter every tap t of every input position j to s j + d t (uncropped coordinates).
    n = x.shape[2:]
    size = transposed_size(node, n)
    full_size = [max((m - 1) * s + d * (k - 1) + 1, a + o) for m, s, d, k, (a, _), o in zip(
        n, node.stride, node.dilation, node.kernel_size, node.padding, size, strict=True)]
    c_in, per_group = weight.shape[:2]
    in_group = c_in // node.groups
    full = np.full((x.shape[0], per_group * node.groups, *full_size), backend.zero(),
                   dtype=object if x.dtype == object else x.dtype)
    for c in range(c_in):
        for o_local in range(per_group):
            o = (c // in_group) * per_group + o_local
            for t in _windows(node):
                where = (slice(None), o, *(slice(d * ta, d * ta + s * (m - 1) + 1, s)
                                           for ta, d, s, m in zip(t, node.dilation, node.stride,
                                                                  n, strict=True)))
                full[where] = full[where] + x[:, c] * weight[(c, o_local, *t)]
    # 3. Crop ``padding`` at the front, keep the output size, add the bias.
    crop = tuple(slice(a, a + m) for (a, _), m in zip(node.padding, size, strict=True))
    out = full[(slice(None), slice(None), *crop)]
    if bias is not None:
        out = out + np.reshape(bias, (1, -1) + (1,) * len(n))
    return out


def linear_upsample(x: Array, axis: int, factor: int, backend: Backend) -> Array:
    """PyTorch's linear interpolation along one axis (align_corners=False), exact weights."""
    n = x.shape[axis]
    low, high, weight = [], [], []
    for j in range(n * factor):
        q = max(Fraction(2 * j + 1 - factor, 2 * factor), Fraction(0))
        i = math.floor(q)
        low.append(i)
        high.append(min(i + 1, n - 1))
        weight.append(q - i)
    shape = [1] * x.ndim
    shape[axis] = n * factor
    lam = np.reshape(np.array(weight, dtype=object), shape)
    return (_times(np.take(x, low, axis=axis), 1 - lam, backend)
            + _times(np.take(x, high, axis=axis), lam, backend))


def _times(x: Array, coefficients: Array, backend: Backend) -> Array:
    """x times an array of Fractions (broadcast), in the backend's algebra."""
    if not backend.exact:
        return x * coefficients.astype(np.float64)
    return to_object(x) * np.vectorize(backend.fraction, otypes=[object])(coefficients)


def _conv_by_taps(node: Node, padded: Array, weight: Array) -> Array:
    """The same conv for int64 / float64 operands, vectorised over channels: per kernel offset
    t and group, y[b, o, i] += sum_c W[o, c, t] xpad[b, c, s i + d t] (only the strided
    positions are computed). Exact for int64: the caller's magnitude bound rules out overflow."""
    c_out, c_group = weight.shape[:2]
    per_group = c_out // node.groups
    out_size = tuple((n - d * (k - 1) - 1) // s + 1 for n, d, k, s in zip(
        padded.shape[2:], node.dilation, node.kernel_size, node.stride, strict=True))
    out = np.zeros((padded.shape[0], c_out, *out_size), dtype=np.result_type(padded, weight))
    for t in _windows(node):
        window = _window(node, padded, t, out_size)
        for g in range(node.groups):
            index: tuple[Any, ...] = (slice(g * per_group, (g + 1) * per_group), slice(None), *t)
            taps = weight[index]
            block = window[:, g * c_group:(g + 1) * c_group]
            out[:, g * per_group:(g + 1) * per_group] += np.moveaxis(
                np.tensordot(taps, block, axes=([1], [1])), 0, 1)
    return out


def _common_denominator(x: Array) -> int | None:
    """The lcm of the denominators when x holds Python ints and Fractions, some not integers
    (else None: int64, floats, z3 terms)."""
    if x.dtype != object or x.size == 0:
        return None
    if not all(isinstance(v, int | Fraction) for v in x.flat):
        return None
    scale = math.lcm(*(v.denominator for v in x.flat if isinstance(v, Fraction)))
    return scale if scale > 1 else None


def _magnitude(a: Array | None) -> int:
    if a is None or a.dtype != np.int64 or a.size == 0:
        return 0 if a is None or a.dtype != object else 2**63
    return int(np.abs(a).max())


def _windows(node: Node) -> list[tuple[int, ...]]:
    """Kernel offsets t in row-major order (the tie-breaking order of maxpool)."""
    return list(product(*(range(k) for k in node.kernel_size)))


def _window(node: Node, padded: Array, t: Sequence[int], out: Sequence[int]) -> Array:
    """padded[..., s i + d t] for every output position i."""
    return padded[(slice(None), slice(None), *(slice(d * o, d * o + s * (m - 1) + 1, s)
                                              for o, d, s, m in zip(t, node.dilation, node.stride,
                                                                    out, strict=True)))]


def _out_size(node: Node, n: Sequence[int]) -> tuple[int, ...]:
    return tuple(window_count(length, pads, d * (k - 1) + 1, s, node.ceil_mode)
                 for length, pads, k, s, d in zip(n, node.padding, node.kernel_size, node.stride,
                                                  node.dilation, strict=True))


def _pool_padding(node: Node, n: Sequence[int], out: Sequence[int]) -> list[tuple[int, int]]:
    """The pooling's padding, widened at the end for ``ceil_mode`` windows that run past it."""
    return [(a, max(b, (m - 1) * s + d * (k - 1) + 1 - length - a))
            for length, (a, b), m, s, d, k in zip(n, node.padding, out, node.stride,
                                                  node.dilation, node.kernel_size, strict=True)]


def maxpool(node: Node, x: Array, backend: Backend) -> tuple[Array, PoolIndices]:
    out = _out_size(node, x.shape[2:])
    widths = _pool_padding(node, x.shape[2:], out)
    padded = pad(x, widths, "zeros", backend.zero())
    valid = pad(np.ones((1, 1, *x.shape[2:]), dtype=bool), widths, "zeros", False)
    best: Array | None = None
    best_ok: Array | None = None
    chosen: list[Array] = []
    for t in _windows(node):
        value, ok = _window(node, padded, t, out), _window(node, valid, t, out)
        if best is None or best_ok is None:
            take = np.broadcast_to(ok, value.shape)
            best, best_ok = value, ok
        else:
            # First maximum: a later offset wins only if strictly greater (or the best so far
            # is padding).
            beats = backend.logical_and(ok, backend.gt(value, best))
            take = backend.where(best_ok, beats, ok)
            best, best_ok = backend.where(take, value, best), best_ok | ok
        chosen = [backend.logical_and(c, backend.logical_not(take)) for c in chosen]
        chosen.append(take)
    assert best is not None
    return best, PoolIndices(tuple(chosen))


def maxunpool(pool: Node, y: Array, indices: PoolIndices, size: Sequence[int],
              backend: Backend) -> Array:
    out = y.shape[2:]
    full = tuple(n + a + b for n, (a, b) in zip(size, pool.padding, strict=True))
    result = np.full((*y.shape[:2], *full), backend.zero(), dtype=object if y.dtype == object
                     else y.dtype)
    for t, chosen in zip(_windows(pool), indices.chosen, strict=True):
        where = (slice(None), slice(None), *(slice(d * o, d * o + s * (m - 1) + 1, s)
                                            for o, d, s, m in zip(t, pool.dilation, pool.stride,
                                                                  out, strict=True)))
        result[where] = backend.where(chosen, y, result[where])
    crop = tuple(slice(a, a + n) for n, (a, _) in zip(size, pool.padding, strict=True))
    return result[(slice(None), slice(None), *crop)]


def avgpool(node: Node, x: Array, backend: Backend) -> Array:
    out = _out_size(node, x.shape[2:])
    widths = _pool_padding(node, x.shape[2:], out)
    padded = pad(x, widths, "zeros", backend.zero())
    # Positions that count in the divisor: the padded input (count_include_pad) or the input.
    counted = np.ones((1, 1, *x.shape[2:]), dtype=np.int64)
    if node.count_include_pad:
        counted = pad(counted, node.padding, "zeros", 1)
        widths = [(0, b - p) for (_, b), (_, p) in zip(widths, node.padding, strict=True)]
    counted = pad(counted, widths, "zeros", 0)
    total: Array | None = None
    divisor: Array | None = None
    for t in _windows(node):
        value, count = _window(node, padded, t, out), _window(node, counted, t, out)
        total = value if total is None else total + value
        divisor = count if divisor is None else divisor + count
    assert total is not None and divisor is not None
    if len(np.unique(divisor)) == 1:
        return backend.divide(total, int(divisor.flat[0]))
    inverse = np.vectorize(lambda c: Fraction(1, int(c)), otypes=[object])(divisor)
    return _times(total, inverse, backend)
