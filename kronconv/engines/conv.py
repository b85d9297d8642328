"""The one fast dilated convolution, generic over the element type.

Every boundary handling is "pad, then a valid correlation" (PyTorch's definition), and the
convolution convention is the correlation with the flipped kernel:

    correlation   out_t = sum_tau k_tau  xpad_{t + d tau}
    convolution   out_t = sum_tau k_tau  xpad_{t + d (A - 1 - tau)}

with D = d (A - 1) zeros split per axis as: full (D, D), valid (0, 0), same and circular
(D // 2, D - D // 2); circular pads by wrapping. The loop runs over kernel offsets only and adds
whole shifted slices, so it works for int64, float64, Python-int and polynomial object arrays
alike. ``reduce`` (e.g. ``x % p``) is applied after each accumulation for modular arithmetic;
it reduces the slice it is given in place (a view of the output) and returns it.

Zero padding is never materialised: with ``before`` zeros in front, tap offset o (per axis)
reads xpad[t + d o] = x[t + d o - before], which is a zero unless 0 <= t + d o - before < n, so
each tap adds one slice of x into the overlapping slice of the output. Only the circular
boundary copies the input (wrap-around padding).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from kronconv.errors import check_choice, check_per_axis, invalid
from kronconv.specs import BOUNDARIES, CONVENTIONS

Array = np.ndarray
Reducer = Callable[[Array], Array]


def zero_like(array: Array) -> Any:
    """The additive zero of the array's element ring (0 for numbers, the zero polynomial...)."""
    if array.dtype != object:
        return array.dtype.type(0)
    zero = array.flat[0] * 0 if array.size else 0
    return zero.item() if isinstance(zero, np.generic) else zero  # Python int, never int64


def one_like(array: Array) -> Any:
    """The multiplicative one of the array's element ring."""
    if array.dtype != object:
        return array.dtype.type(1)
    one = array.flat[0] ** 0 if array.size else 1
    return one.item() if isinstance(one, np.generic) else one


def padding(boundary: str, total: int) -> tuple[int, int]:
    """(before, after) padding of one axis for a dilated kernel spanning ``total + 1`` taps."""
    if boundary == "full":
        return total, total
    if boundary == "valid":
        return 0, 0
    return total // 2, total - total // 2  # same, circular: smaller half first (PyTorch)


def output_length(boundary: str, n: int, total: int) -> int:
    """Length of the output along an axis of length n for a dilated kernel of span total + 1."""
    before, after = padding(boundary, total)
    return n + before + after - total


def check_operands(x: Array, kernel: Array, dilation: int | Sequence[int], boundary: str,
                   convention: str) -> tuple[int, ...]:
    """Validate the operands of a dilated convolution; return the per-axis dilation."""
    check_choice("boundary", boundary, BOUNDARIES)
    check_choice("convention", convention, CONVENTIONS)
    if kernel.ndim != x.ndim:
        raise invalid("kernel.ndim", kernel.ndim, f"the input's number of dimensions ({x.ndim}); "
                      f"input shape {x.shape}, kernel shape {kernel.shape}")
    if x.ndim < 1:
        raise invalid("x.ndim", x.ndim, "at least 1 dimension")
    if 0 in kernel.shape:
        raise invalid("kernel.shape", kernel.shape, "at least one tap per axis")
    if 0 in x.shape:
        raise invalid("x.shape", x.shape, "at least one entry per axis")
    dilations = check_per_axis("dilation", dilation, x.ndim, minimum=1)
    for axis, (n, a, d) in enumerate(zip(x.shape, kernel.shape, dilations, strict=True)):
        if output_length(boundary, n, d * (a - 1)) < 1:
            raise invalid("x.shape", x.shape, f"at least {d * (a - 1) + 1} entries on axis "
                          f"{axis} for a '{boundary}' convolution with kernel size {a} and "
                          f"dilation {d}")
    return dilations


def pad(x: Array, widths: Sequence[tuple[int, int]], boundary: str) -> Array:
    """Zero padding (in the element ring of x), or wrap-around padding for ``circular``."""
    if boundary == "circular":
        return np.pad(x, widths, mode="wrap")
    # Not np.pad: on object arrays it inserts numpy int64 zeros, which would overflow later.
    shape = tuple(n + before + after for n, (before, after) in zip(x.shape, widths, strict=True))
    out = np.full(shape, zero_like(x), dtype=x.dtype)
    out[tuple(slice(before, before + n) for n, (before, _) in zip(x.shape, widths,
                                                                  strict=True))] = x
    return out


def dilated_correlate(x: Array, kernel: Array, dilations: tuple[int, ...], boundary: str,
                      convention: str, reduce: Reducer | None = None) -> Array:
    """The fast dilated convolution or correlation of validated operands (see module doc)."""
    # 1. Output size and per-axis zero padding in front (circular: wrap, then no padding).
    spans = [d * (a - 1) for a, d in zip(kernel.shape, dilations, strict=True)]
    widths = [padding(boundary, s) for s in spans]
    if boundary == "circular":
        x, widths = pad(x, widths, boundary), [(0, 0)] * x.ndim
    out_shape = tuple(n + before + after - s
                      for n, (before, after), s in zip(x.shape, widths, spans, strict=True))
    # 2. The convolution convention reads the kernel backwards.
    taps = kernel if convention == "correlation" else kernel[(slice(None, None, -1),) * kernel.ndim]
    # 3. Accumulate each tap's slice of x into the output slice it overlaps.
    out = np.full(out_shape, zero_like(x), dtype=np.result_type(x, taps))
    for offset in np.ndindex(*taps.shape):
        weight = taps[offset]
        if isinstance(weight, (int, float, np.number)) and weight == 0:
            continue
        windows = [_overlap(d * o - before, n, m) for o, d, (before, _), n, m in
                   zip(offset, dilations, widths, x.shape, out_shape, strict=True)]
        if any(source.start >= source.stop for source, _ in windows):
            continue
        target = tuple(t for _, t in windows)
        out[target] += x[tuple(source for source, _ in windows)] * weight  # array first
        if reduce is not None:
            reduce(out[target])
    return out


def _overlap(shift: int, n: int, m: int) -> tuple[slice, slice]:
    """Input and output slices where out[t] reads x[t + shift], 0 <= t < m, 0 <= t+shift < n."""
    start, stop = max(0, -shift), min(m, n - shift)
    stop = max(start, stop)
    return slice(start + shift, stop + shift), slice(start, stop)


def dilate_kernel(kernel: Array, dilations: Sequence[int]) -> Array:
    """The "diluted" kernel: K spread out with d - 1 zeros between taps, extent d (a - 1) + 1.

    dilate(K, d)_{d i} = K_i and 0 elsewhere, so K *_d f = dilate(K, d) * f."""
    shape = tuple(d * (a - 1) + 1 for a, d in zip(kernel.shape, dilations, strict=True))
    out = np.full(shape, zero_like(kernel), dtype=kernel.dtype)
    out[tuple(slice(None, None, d) for d in dilations)] = kernel
    return out
