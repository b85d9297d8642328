"""The small interface every engine implements.

An engine knows how to make kernels for a cascade (symbols, or seeded random numbers), how to
convolve, take Kronecker products and compare arrays in its arithmetic, and what kind of evidence
an equality it finds amounts to.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from functools import reduce as fold

import numpy as np

from kronconv.engines.conv import (
    Reducer,
    check_operands,
    dilated_correlate,
    one_like,
    zero_like,
)
from kronconv.errors import invalid
from kronconv.evidence import Evidence
from kronconv.specs import Cascade


@dataclass(frozen=True)
class Comparison:
    """Outcome of an exact (or tolerance-bounded) comparison of two arrays."""

    equal: bool
    detail: str
    first_difference: tuple[int, ...] | None = None


class Engine(ABC):
    """Arithmetic for the identity and its relatives; subclasses choose the element ring."""

    name: str = "engine"
    tier: str = "numeric"
    trials: int = 1  # independent random points an identity is checked at (one for a proof)

    # -- what a subclass provides -------------------------------------------------------------
    @abstractmethod
    def kernels(self, cascade: Cascade, *, seed: int = 0) -> list[np.ndarray]:
        """One kernel per layer (single channel), symbolic or drawn from ``seed``."""

    @abstractmethod
    def evidence(self, cascade: Cascade, seed: int = 0) -> Evidence:
        """What an equality of the two sides, computed by this engine from ``seed``, amounts to
        (the one evidence type: its label, and for sampled engines the count, seed and the
        per-trial bound from which the error bound is computed)."""

    def reducer(self) -> Reducer | None:
        """Applied after each accumulation (modular engines reduce mod p)."""
        return None

    def element_bytes(self, boundary: str = "full") -> int:
        """Approximate memory per array entry, for the pre-allocation memory check (of a
        check with this boundary handling)."""
        return 8

    # -- shared operations --------------------------------------------------------------------
    def dilated_conv(self, x: np.ndarray, kernel: np.ndarray, dilation: int | Sequence[int],
                     boundary: str = "full", convention: str = "convolution") -> np.ndarray:
        dilations = check_operands(x, kernel, dilation, boundary, convention)
        return dilated_correlate(x, kernel, dilations, boundary, convention, self.reducer())

    def kron(self, *factors: np.ndarray) -> np.ndarray:
        """numpy.kron's order: (A kron B)[i m + j] = A[i] B[j] for B of length m."""
        check_factors(factors)
        reduce = self.reducer() or (lambda array: array)
        return fold(lambda left, right: reduce(np.kron(left, right)), factors)

    def apply_cascade(self, x: np.ndarray, kernels: Sequence[np.ndarray],
                      dilations: Sequence[int | Sequence[int]], boundary: str = "full",
                      convention: str = "convolution") -> np.ndarray:
        """Layer 0 first: K_L *_{d_L} ( ... (K_0 *_{d_0} x) ... )."""
        if len(kernels) != len(dilations):
            raise invalid("dilations", list(dilations),
                          f"one dilation per kernel ({len(kernels)} kernels)")
        for kernel, dilation in zip(kernels, dilations, strict=True):
            x = self.dilated_conv(x, kernel, dilation, boundary, convention)
        return x

    def composite(self, kernels: Sequence[np.ndarray], dilations: Sequence[int | Sequence[int]],
                  convention: str = "convolution") -> np.ndarray:
        """The single kernel C with cascade(x) = C * x under 'full' boundaries.

        It is the cascade's impulse response; in the correlation convention the response to
        delta is C read backwards, so it is flipped back.
        """
        if not kernels:
            raise invalid("kernels", [], "at least one kernel")
        dims = kernels[0].ndim
        response = self.apply_cascade(self.impulse(kernels[0], dims), kernels, dilations,
                                      "full", convention)
        if convention == "correlation":
            response = response[(slice(None, None, -1),) * dims]
        return response

    def compare_kronecker(self, kernels: Sequence[np.ndarray],
                          dilations: Sequence[Sequence[int]], factors: Sequence[np.ndarray],
                          convention: str = "convolution") -> Comparison:
        """The cascade's composite kernel against numpy.kron of ``factors``, entry by entry."""
        return self.compare(self.composite(kernels, dilations, convention), self.kron(*factors))

    def impulse(self, like: np.ndarray, dims: int) -> np.ndarray:
        """The unit impulse delta (one entry, equal to one) in the ring of ``like``."""
        delta = np.full((1,) * dims, zero_like(like), dtype=like.dtype)
        delta[(0,) * dims] = one_like(like)
        return delta

    def compare(self, left: np.ndarray, right: np.ndarray) -> Comparison:
        """Exact comparison; shapes must match exactly (no trimming of trailing zeros)."""
        if left.shape != right.shape:
            return Comparison(False, f"shapes differ: {left.shape} vs {right.shape}")
        unequal = np.argwhere(~np.asarray(left == right, dtype=bool))
        if len(unequal):
            first = tuple(int(i) for i in unequal[0])
            return Comparison(False, f"{len(unequal)} of {left.size} entries differ, first at "
                              f"{first}", first)
        return Comparison(True, f"all {left.size} entries equal")


def check_factors(factors: Sequence[np.ndarray]) -> None:
    """The factors of a Kronecker product: at least one, all with one number of dimensions."""
    if not factors:
        raise invalid("factors", (), "at least one array")
    if len({f.ndim for f in factors}) != 1:
        raise invalid("factors", [f.shape for f in factors],
                      "arrays with the same number of dimensions")
