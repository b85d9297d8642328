"""Numeric engines on NumPy arrays: exact integers, integers modulo a prime, float64.

An equality found at one random point is not a proof. For a polynomial identity P = Q of degree
deg in the kernel entries, Schwartz–Zippel bounds the chance that P != Q yet P(r) = Q(r) at a
uniformly random point r of S^n by deg / |S|; over ``trials`` independent points by
(deg / |S|)^trials. Every engine here reports that bound with its count and seed.
"""

from __future__ import annotations

import math
from dataclasses import replace
from fractions import Fraction

import numpy as np

from kronconv.arith import INT64_SAFE, MODULAR_PRIME
from kronconv.engines.base import Comparison, Engine
from kronconv.engines.conv import Reducer
from kronconv.evidence import Evidence
from kronconv.specs import Cascade


def _degree(cascade: Cascade) -> int:
    """Each side of the identity is multilinear in the L+1 kernels: total degree L+1."""
    return len(cascade.layers)


def _sampled(cascade: Cascade, detail: str, seed: int, set_size: int,
             trials: int = 1) -> Evidence:
    """Randomized evidence: ``trials`` points with entries from a set of ``set_size`` values,
    each wrong with probability <= deg / set_size (Schwartz-Zippel); the bound
    (deg / set_size)^trials is computed by :class:`Evidence`."""
    per_trial = Fraction(_degree(cascade), set_size)
    evidence = Evidence("numeric", "randomized", detail, count=trials, seed=seed,
                        per_trial=per_trial)
    return replace(evidence, detail=f"{detail}; Schwartz-Zippel error bound "
                   f"{evidence.error_bound}")


class ExactEngine(Engine):
    """Exact integer arithmetic: int64 when a bound checked before use allows, else Python ints.

    Kernels have entries drawn uniformly from S = [-R, R), R = 2**31. Overflow bound: every
    entry of the cascade's output is at most |K_L| * ... * |K_0| (entrywise absolute values, no
    cancellation), which with taps_l entries per kernel is at most prod_l taps_l R.
    """

    name = "exact"
    magnitude = 2**31

    def kernels(self, cascade: Cascade, *, seed: int = 0) -> list[np.ndarray]:
        rng = np.random.default_rng(seed)
        dtype = object if not self.fits_int64(cascade) else np.int64
        return [rng.integers(-self.magnitude, self.magnitude, layer.sizes, dtype=np.int64)
                .astype(dtype) for layer in cascade.layers]

    def fits_int64(self, cascade: Cascade, input_bound: int = 1) -> bool:
        bound = input_bound * math.prod(math.prod(layer.sizes) * self.magnitude
                                        for layer in cascade.layers)
        return bound < INT64_SAFE

    def element_bytes(self) -> int:
        return 96  # a Python int object of a few hundred bits plus its pointer

    def evidence(self, cascade: Cascade, seed: int = 0) -> Evidence:
        return _sampled(cascade, "exact integer arithmetic at 1 random point (entries uniform "
                        "in [-2^31, 2^31))", seed, 2 * self.magnitude)


class ModularEngine(Engine):
    """Arithmetic modulo the Mersenne prime p = 2^31 - 1 in int64.

    Residues are < p < 2^31, so a product is < 2^62 and product plus accumulator < 2^63: int64
    never overflows before the reduction that follows every multiply-accumulate.
    """

    name = "modular"
    prime = MODULAR_PRIME

    def __init__(self, trials: int = 2) -> None:
        self.trials = trials

    def kernels(self, cascade: Cascade, *, seed: int = 0) -> list[np.ndarray]:
        rng = np.random.default_rng(seed)
        return [rng.integers(0, self.prime, layer.sizes, dtype=np.int64)
                for layer in cascade.layers]

    def reducer(self) -> Reducer:
        prime = self.prime
        return lambda array: np.remainder(array, prime)

    def evidence(self, cascade: Cascade, seed: int = 0) -> Evidence:
        return _sampled(cascade, f"{self.trials} random point(s) modulo p = 2^31 - 1", seed,
                        self.prime, self.trials)


class FloatEngine(Engine):
    """float64 with a justified tolerance.

    Each computed entry is a sum of products of at most n = sum_l taps_l + L + 1 rounded
    operations along any path, so (standard forward error analysis) its error is at most
    gamma_n |K_L| * ... * |K_0| with gamma_n = n u / (1 - n u), u = 2^-53. Two computations of the
    same exact quantity differ by at most twice that: the tolerance used per entry.
    """

    name = "float"

    def kernels(self, cascade: Cascade, *, seed: int = 0) -> list[np.ndarray]:
        rng = np.random.default_rng(seed)
        return [rng.standard_normal(layer.sizes) for layer in cascade.layers]

    def evidence(self, cascade: Cascade, seed: int = 0) -> Evidence:
        operations = sum(math.prod(layer.sizes) for layer in cascade.layers) + len(cascade.layers)
        return Evidence("numeric", "randomized", "float64 at 1 random point (standard normal "
                        "kernels); entrywise tolerance 2 gamma_n (|K_L| * ... * |K_0|), not an "
                        "exact check", count=1, seed=seed,
                        tolerance=float(self.tolerance(np.ones(()), operations)),
                        tolerance_reason="a float check proves nothing exact: agreement within "
                        f"the a-priori rounding tolerance 2 gamma_{operations}, relative to "
                        "|K_L| * ... * |K_0| entrywise")

    def tolerance(self, magnitude: np.ndarray, operations: int) -> np.ndarray:
        unit = 2.0**-53
        gamma = operations * unit / (1 - operations * unit)
        return 2 * gamma * magnitude

    def compare_within(self, left: np.ndarray, right: np.ndarray, magnitude: np.ndarray,
                       operations: int) -> Comparison:
        if left.shape != right.shape:
            return Comparison(False, f"shapes differ: {left.shape} vs {right.shape}")
        excess = np.abs(left - right) > self.tolerance(magnitude, operations)
        bad = np.argwhere(excess)
        if len(bad):
            first = tuple(int(i) for i in bad[0])
            return Comparison(False, f"{len(bad)} entries outside the tolerance, first at "
                              f"{first}", first)
        return Comparison(True, f"all {left.size} entries within 2 gamma_{operations} "
                          "|K_L| * ... * |K_0|")
