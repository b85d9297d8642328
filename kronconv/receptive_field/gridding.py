"""Gridding in 1D stacks of dilated convolutions: the exact coverage set and Wang et al.'s
Hybrid Dilated Convolution (HDC) condition, so the two can be compared case by case.

For stride-1 layers with kernel sizes k_l and dilations d_l the coverage of output 0 (up to the
padding shift) is the Minkowski sum { sum_l d_l t_l : 0 <= t_l < k_l }; it does not depend on the
order of the layers, and in N-D with the same schedule on every axis it is the product of the
1D sets, so 1D decides density for every dimension.

Wang et al., "Understanding Convolution for Semantic Segmentation" (WACV 2018), for N layers of
K x K kernels with dilation rates r_1 ... r_n: M_n = r_n,
M_i = max[M_{i+1} - 2 r_i, M_{i+1} - 2 (M_{i+1} - r_i), r_i], design goal M_2 <= K, and the rates
of a group should have no common factor > 1. The "2 r_i" is (K - 1) r_i with K = 3, the case
the paper treats; :func:`hdc_condition` evaluates it exactly as written.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import reduce

import numpy as np

from kronconv.errors import check_int, invalid


def minkowski_coverage(kernel_sizes: Sequence[int], dilations: Sequence[int]) -> np.ndarray:
    """Boolean coverage of a 1D stride-1 stack: out[x] iff x = sum_l d_l t_l, 0 <= t_l < k_l."""
    if len(kernel_sizes) != len(dilations):
        raise invalid("dilations", list(dilations), f"{len(kernel_sizes)} values")
    mask = np.ones(1, dtype=bool)
    for k, d in zip(kernel_sizes, dilations, strict=True):
        check_int("kernel_size", k, minimum=1)
        check_int("dilation", d, minimum=1)
        out = np.zeros(mask.size + d * (k - 1), dtype=bool)
        for t in range(k):
            out[t * d: t * d + mask.size] |= mask
        mask = out
    return mask


def wang_m2(dilations: Sequence[int]) -> int:
    """M_2 of Wang et al.'s recursion (rates r_1 ... r_n in application order, n >= 2)."""
    if len(dilations) < 2:
        raise invalid("dilations", list(dilations), "at least 2 rates (M_2 needs r_2)")
    m = dilations[-1]
    for r in reversed(dilations[1:-1]):
        m = max(m - 2 * r, m - 2 * (m - r), r)
    return m


@dataclass(frozen=True)
class HdcVerdict:
    """Wang et al.'s conditions for one schedule, and the exact answer."""

    dilations: tuple[int, ...]
    m2: int
    coprime: bool
    starts_at_one: bool
    dense: bool
    holes: int
    kernel_size: int = 3

    @property
    def hdc(self) -> bool:
        """The condition as stated: M_2 <= K and no common factor > 1."""
        return self.m2 <= self.kernel_size and self.coprime

    @property
    def hdc_with_r1(self) -> bool:
        """The condition with r_1 = 1 made explicit (Wang et al.'s schedules start at 1)."""
        return self.hdc and self.starts_at_one


def hdc_condition(dilations: Sequence[int], kernel_size: int = 3) -> HdcVerdict:
    """Evaluate Wang et al.'s HDC condition and the exact coverage of one schedule."""
    rates = tuple(check_int("dilation", d, minimum=1) for d in dilations)
    mask = minkowski_coverage([kernel_size] * len(rates), rates)
    return HdcVerdict(rates, wang_m2(rates), reduce(math.gcd, rates) == 1, rates[0] == 1,
                      bool(mask.all()), int((~mask).sum()), kernel_size)
