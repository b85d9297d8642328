"""A deliberately naive reference (in the spirit of JAX's ``lax_reference``).

It writes the definitions out with loops over every output index and every kernel offset, and
computes input indices, the output size and the offset of each boundary handling straight from
the definitions, with no padding, slicing or flipping. It shares no code with the fast engine
(``kronconv.engines.conv``; a test inspects its imports), so a bug there is not confirmed here.

Per axis, with span D = d (a - 1), the FULL convolution has outputs t in [0, n + D):

    full_t = sum_tau k_tau x_{t - d tau}                     (convolution)
    full_t = sum_tau k_tau x_{t + d tau - D}                 (correlation)

with x = 0 outside [0, n). The other boundary handlings read it from an offset c:

    full      c = 0,            length n + D
    valid     c = D,            length n - D  (the outputs whose every term lies inside x)
    same      c = D - floor(D/2), length n    (centred; PyTorch puts the smaller half first)
    circular  as same, with indices of x taken mod n
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import product
from typing import Any

import numpy as np

from kronconv.errors import check_choice, check_per_axis, invalid
from kronconv.specs import BOUNDARIES, CONVENTIONS


def offset_and_length(boundary: str, n: int, span: int) -> tuple[int, int]:
    """(c, output length) of one axis of length n for a dilated kernel of span D (above)."""
    if boundary == "full":
        return 0, n + span
    if boundary == "valid":
        return span, n - span
    return span - span // 2, n


def reference_dilated_conv(x: np.ndarray, kernel: np.ndarray, dilation: int | Sequence[int],
                           boundary: str = "full", convention: str = "convolution") -> np.ndarray:
    """Naive dilated convolution/correlation; same contract as :func:`kronconv.dilated_conv`."""
    dilations = _check(x, kernel, dilation, boundary, convention)
    spans = [d * (a - 1) for a, d in zip(kernel.shape, dilations, strict=True)]
    axes = [offset_and_length(boundary, n, span) for n, span in zip(x.shape, spans, strict=True)]
    sign = 1 if convention == "correlation" else -1
    out = np.empty([length for _, length in axes], dtype=object)
    for t in product(*(range(length) for _, length in axes)):
        total: Any = x.flat[0] * 0
        for tau in product(*(range(a) for a in kernel.shape)):
            index = [t[axis] + axes[axis][0] + sign * dilations[axis] * tau[axis]
                     - (spans[axis] if convention == "correlation" else 0)
                     for axis in range(x.ndim)]
            value = _read(x, index, boundary)
            if value is not None:
                total = total + kernel[tau] * value
        out[t] = total
    return out if x.dtype == object and kernel.dtype == object else out.astype(
        np.result_type(x, kernel))


def _check(x: np.ndarray, kernel: np.ndarray, dilation: int | Sequence[int], boundary: str,
           convention: str) -> tuple[int, ...]:
    check_choice("boundary", boundary, BOUNDARIES)
    check_choice("convention", convention, CONVENTIONS)
    if x.ndim < 1 or kernel.ndim != x.ndim:
        raise invalid("kernel.ndim", kernel.ndim, f"the input's number of dimensions ({x.ndim} "
                      ">= 1)")
    if 0 in kernel.shape or 0 in x.shape:
        raise invalid("shapes", (x.shape, kernel.shape), "at least one entry per axis")
    dilations = check_per_axis("dilation", dilation, x.ndim, minimum=1)
    for axis, (n, a, d) in enumerate(zip(x.shape, kernel.shape, dilations, strict=True)):
        if offset_and_length(boundary, n, d * (a - 1))[1] < 1:
            raise invalid("x.shape", x.shape, f"at least {d * (a - 1) + 1} entries on axis "
                          f"{axis} for a '{boundary}' convolution")
    return dilations


def _read(x: np.ndarray, index: list[int], boundary: str) -> Any:
    """x at ``index``; None outside the signal (zero padding), wrapped when circular."""
    if boundary == "circular":
        return x[tuple(i % n for i, n in zip(index, x.shape, strict=True))]
    if all(0 <= i < n for i, n in zip(index, x.shape, strict=True)):
        return x[tuple(index)]
    return None
