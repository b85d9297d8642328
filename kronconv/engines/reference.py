"""A deliberately naive reference (in the spirit of JAX's ``lax_reference``).

It writes the definitions out with loops over every output index and every kernel offset, and
computes input indices straight from the formulas, with no padding, slicing or flipping. It is
slow and obviously correct; the fast engines are tested against it.

    correlation   out_t = sum_tau k_tau x_{t + d tau - before}
    convolution   out_t = sum_tau k_tau x_{t - d tau + D - before}

with x = 0 outside [0, n) (zero boundaries) or indices taken mod n (circular).
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import product
from typing import Any

import numpy as np

from kronconv.engines.conv import check_operands, output_length, padding, zero_like


def reference_dilated_conv(x: np.ndarray, kernel: np.ndarray, dilation: int | Sequence[int],
                           boundary: str = "full", convention: str = "convolution") -> np.ndarray:
    """Naive dilated convolution/correlation; same contract as :func:`kronconv.dilated_conv`."""
    dilations = check_operands(x, kernel, dilation, boundary, convention)
    totals = [d * (a - 1) for a, d in zip(kernel.shape, dilations, strict=True)]
    befores = [padding(boundary, t)[0] for t in totals]
    out_shape = [output_length(boundary, n, t) for n, t in zip(x.shape, totals, strict=True)]
    out = np.empty(out_shape, dtype=object)
    for t in product(*(range(n) for n in out_shape)):
        total: Any = zero_like(x)
        for tau in product(*(range(a) for a in kernel.shape)):
            index = []
            for axis in range(x.ndim):
                step = dilations[axis] * tau[axis]
                if convention == "correlation":
                    i = t[axis] + step - befores[axis]
                else:
                    i = t[axis] - step + totals[axis] - befores[axis]
                index.append(i)
            value = _read(x, index, boundary)
            if value is not None:
                total = total + kernel[tau] * value
        out[t] = total
    return out if x.dtype == object and kernel.dtype == object else out.astype(
        np.result_type(x, kernel))


def _read(x: np.ndarray, index: list[int], boundary: str) -> Any:
    """x at ``index``; None outside the signal (zero padding), wrapped when circular."""
    if boundary == "circular":
        return x[tuple(i % n for i, n in zip(index, x.shape, strict=True))]
    if all(0 <= i < n for i, n in zip(index, x.shape, strict=True)):
        return x[tuple(index)]
    return None
