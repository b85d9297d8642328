"""Numeric engines on NumPy arrays: exact integers, integers modulo a prime, float64.

An equality found at one random point is not a proof. For a polynomial identity P = Q of degree
deg in the kernel entries, Schwartz–Zippel bounds the chance that P != Q yet P(r) = Q(r) at a
uniformly random point r of S^n by deg / |S|; over ``trials`` independent points by
(deg / |S|)^trials. Every engine here reports that bound with its count and seed.

The exact engine evaluates at an integer point without big integers: every entry of either side
is bounded a priori by B = prod_l taps_l R (R the kernel magnitude), so it computes both sides
modulo int64 primes p_1..p_m with p_1 ... p_m > 2B. Two integers of absolute value <= B that
agree modulo every p_i differ by a multiple of p_1 ... p_m > 2B, hence are equal (Chinese
remainder theorem): the comparison is exact, only the choice of the point is random.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Sequence
from dataclasses import replace
from fractions import Fraction
from functools import cache

import numpy as np

from kronconv.arith import INT64_SAFE, MODULAR_PRIME
from kronconv.engines.base import Comparison, Engine
from kronconv.engines.conv import Reducer
from kronconv.errors import check_int, invalid
from kronconv.evidence import Evidence
from kronconv.specs import Cascade

RESIDUE_LIMIT = 2**31  # residues below 2^31: a product is < 2^62, plus an accumulator < 2^63


def isprime(n: int) -> bool:
    """Primality, by SymPy (imported here: the engines load without it)."""
    from sympy import isprime as sympy_isprime

    return bool(sympy_isprime(n))


def prevprime(n: int) -> int:
    """The largest prime below n, by SymPy."""
    from sympy import prevprime as sympy_prevprime

    return int(sympy_prevprime(n))


@cache
def crt_primes(bound: int) -> tuple[int, ...]:
    """The largest primes below 2^31, as few as give a product over 2 * bound."""
    primes: list[int] = []
    candidate = RESIDUE_LIMIT
    while math.prod(primes) <= 2 * bound:
        candidate = int(prevprime(candidate))
        primes.append(candidate)
    return tuple(primes)


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


def residues(array: np.ndarray, prime: int) -> np.ndarray:
    """Integers (int64 or Python) reduced into [0, prime) as int64."""
    if array.dtype == object:
        return np.vectorize(lambda v: int(v) % prime, otypes=[np.int64])(array)
    return np.remainder(array, prime).astype(np.int64)


def modular_reducer(prime: int) -> Reducer:
    """x -> x mod p, in place."""
    return lambda array: np.remainder(array, prime, out=array)


class ExactEngine(Engine):
    """Exact integer arithmetic at one random integer point.

    Kernels have entries drawn uniformly from S = [-R, R), R = 2**31. Overflow bound: every
    entry of the cascade's output is at most |K_L| * ... * |K_0| (entrywise absolute values, no
    cancellation), which with taps_l entries per kernel is at most B = prod_l taps_l R. Arrays
    are int64 when B fits, else Python integers; the Kronecker identity is compared modulo
    :func:`crt_primes` (B) in int64 instead (see the module doc), exact either way.
    """

    name = "exact"
    magnitude = 2**31
    modulus: int | None = None  # set on a copy while comparing modulo one of crt_primes(B)

    def kernels(self, cascade: Cascade, *, seed: int = 0) -> list[np.ndarray]:
        rng = np.random.default_rng(seed)
        dtype = object if not self.fits_int64(cascade) else np.int64
        return [rng.integers(-self.magnitude, self.magnitude, layer.sizes, dtype=np.int64)
                .astype(dtype) for layer in cascade.layers]

    def entry_bound(self, sizes: Sequence[Sequence[int]], input_bound: int = 1) -> int:
        """B = input_bound * prod_l taps_l R: no entry of either side exceeds it in size."""
        return input_bound * math.prod(math.prod(s) * self.magnitude for s in sizes)

    def fits_int64(self, cascade: Cascade, input_bound: int = 1) -> bool:
        return self.entry_bound([layer.sizes for layer in cascade.layers],
                                input_bound) < INT64_SAFE

    def reducer(self) -> Reducer | None:
        return None if self.modulus is None else modular_reducer(self.modulus)

    def element_bytes(self, boundary: str = "full") -> int:
        # 'full': the kernels are compared modulo int64 primes, a few int64 arrays at a time
        # (1336 MiB measured at 6561 x 6561, 32 bytes per entry); other boundaries hold Python
        # ints of a few hundred bits plus their pointers.
        return 32 if boundary == "full" else 96

    def compare_kronecker(self, kernels: Sequence[np.ndarray],
                          dilations: Sequence[Sequence[int]], factors: Sequence[np.ndarray],
                          convention: str = "convolution") -> Comparison:
        """Both sides modulo each of crt_primes(B): equal residues everywhere mean equal
        integers (CRT, |entries| <= B); a residue that differs shows the integers differ."""
        bound = self.entry_bound([k.shape for k in kernels])
        primes = crt_primes(bound)
        for prime in primes:
            modular = copy.copy(self)  # this engine's own operations, reduced modulo the prime
            modular.modulus = prime
            comparison = modular.compare(
                modular.composite([residues(k, prime) for k in kernels], dilations, convention),
                modular.kron(*(residues(f, prime) for f in factors)))
            if not comparison.equal:
                return Comparison(False, f"{comparison.detail} (modulo {prime})",
                                  comparison.first_difference)
        return Comparison(True, f"{comparison.detail}: equal modulo {len(primes)} primes < 2^31 "
                          f"whose product exceeds 2B, B = prod_l taps_l 2^31 ~ 2^"
                          f"{bound.bit_length()} (the a-priori bound on every entry): exact "
                          "by the Chinese remainder theorem")

    def evidence(self, cascade: Cascade, seed: int = 0) -> Evidence:
        return _sampled(cascade, "exact integer arithmetic at 1 random point (entries uniform "
                        "in [-2^31, 2^31))", seed, 2 * self.magnitude)


class ModularEngine(Engine):
    """Arithmetic modulo a prime p < 2^31 (default the Mersenne prime 2^31 - 1) in int64.

    Residues are < p < 2^31, so a product is < 2^62 and product plus accumulator < 2^63: int64
    never overflows before the reduction that follows every multiply-accumulate. The identity
    is checked at ``trials`` independent random points (seeds seed, seed + 1, ...).
    """

    name = "modular"
    prime = MODULAR_PRIME

    def __init__(self, trials: int = 2, prime: int | None = None) -> None:
        self.trials = check_int("trials", trials, minimum=1)
        if prime is not None:
            if not 2 <= prime < RESIDUE_LIMIT or not isprime(prime):
                raise invalid("prime", prime, "a prime below 2^31")
            self.prime = prime

    def kernels(self, cascade: Cascade, *, seed: int = 0) -> list[np.ndarray]:
        rng = np.random.default_rng(seed)
        return [rng.integers(0, self.prime, layer.sizes, dtype=np.int64)
                for layer in cascade.layers]

    def residues(self, array: np.ndarray) -> np.ndarray:
        return residues(array, self.prime)

    def reducer(self) -> Reducer:
        return modular_reducer(self.prime)

    def evidence(self, cascade: Cascade, seed: int = 0) -> Evidence:
        p = "2^31 - 1" if self.prime == MODULAR_PRIME else str(self.prime)
        return _sampled(cascade, f"{self.trials} random point(s) modulo p = {p}", seed,
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
