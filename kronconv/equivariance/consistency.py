"""Randomized shift checks at large sizes, the shift-consistency measurement, and the
exhaustive sweep of a small domain of architectures.

- :func:`randomized_equivariance`: one random network (integer weights from ``seed``), one random
  integer input, ``count`` random shifts v uniform on Z_N^d; for each, exact int64 arithmetic
  decides whether f(T_v x) = T_u f(x) with the calculus' output shift u
  (:mod:`kronconv.equivariance.shifts`). Evidence kind: randomized (a sample, not a proof).
- :func:`shift_consistency` (in the spirit of the anti-aliasing literature, Zhang 2019): how
  often random shifts leave the output consistent -- the fraction of shifts with
  f(T_v x) = T_u f(x) exactly (u = floor(v M / N)), and the mean fraction of output positions
  whose argmax over channels agrees -- for comparing pooling choices; it takes any
  Architecture (an imported PyTorch model too), and :func:`compare_with_consistency` puts it
  beside the exact answer.
- :func:`small_sweep`: every architecture of :data:`SMALL_DOMAIN` at every size of it, every
  cyclic shift decided without the calculus (:mod:`kronconv.equivariance.exhaustive`: proved
  respected by z3 with symbolic weights, or refuted by a counterexample re-checked by the naive
  reference), the respected set compared with the shift calculus
  (:func:`~kronconv.equivariance.shifts.derived_shifts`) and with the 'multiples of the total
  stride' rule.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import product
from typing import Any

import numpy as np

from kronconv.equivariance.exhaustive import exhaustive_equivariance
from kronconv.equivariance.results import EquivarianceResult
from kronconv.equivariance.screening import numeric_backend
from kronconv.equivariance.shifts import calculus, derived_shifts, scaled, total_stride
from kronconv.equivariance.smt import DEFAULT_RLIMIT
from kronconv.errors import InvalidParameterError, check_int
from kronconv.semantics.evaluate import evaluate
from kronconv.semantics.shapes import node_sizes
from kronconv.semantics.weights import random_weights
from kronconv.specs.architecture import Architecture, parse_architecture


def dilated_stack(dilations: Sequence[int], *, dims: int = 2, padding_mode: str = "circular",
                  nonlinearity: str = "relu") -> Architecture:
    """Single-channel 3-tap dilated convolutions with 'same' padding and a nonlinearity after
    each."""
    layers: list[dict[str, Any]] = []
    for d in dilations:
        layers += [{"op": "conv", "kernel_size": 3, "dilation": d, "padding": d,
                    "padding_mode": padding_mode, "out_channels": 1}, {"op": nonlinearity}]
    return parse_architecture({"dims": dims, "layers": layers}, source="<dilated stack>")


def _setup(arch: Architecture, size: int | Sequence[int], seed: int) -> tuple[Any, ...]:
    sizes = node_sizes(arch, size)
    n, m = sizes[arch.input.id], sizes[arch.output]
    rng = np.random.default_rng(seed)
    weights = random_weights(arch, seed)
    backend = numeric_backend(arch)
    x = rng.integers(-5, 6, (1, arch.in_channels, *n))
    return n, m, rng, weights, backend, backend.asarray(x)


def randomized_equivariance(arch: Architecture, size: int | Sequence[int], *, count: int,
                            seed: int) -> dict[str, Any]:
    """``count`` random shifts of one random network and input: does f(T_v x) = T_u f(x) hold
    exactly, with u the calculus' output shift (``held``), or not (``failed``, with whether the
    calculus keeps v)?"""
    n, _, rng, weights, backend, x = _setup(arch, size, seed)
    group = calculus(arch, n)
    y = evaluate(arch, x, weights, backend)
    axes = tuple(range(2, 2 + arch.dims))
    held: list[dict[str, Any]] = []
    failed: list[dict[str, Any]] = []
    for _ in range(count):
        v = tuple(int(rng.integers(0, k)) for k in n)
        u = group.output_shift(v)
        z = evaluate(arch, np.roll(x, v, axis=axes), weights, backend)
        ok = u is not None and bool(np.array_equal(z, np.roll(y, u, axis=axes)))
        (held if ok else failed).append({"shift": list(v), "rule": u is not None})
    return {"size": list(n), "count": count, "seed": seed, "held": held, "failed": failed,
            "arithmetic": backend.name,
            "total_stride": list(total_stride(arch, node_sizes(arch, n)))}


@dataclass(frozen=True)
class Consistency:
    """The shift-consistency measurement of one random network (module doc)."""

    size: tuple[int, ...]
    count: int
    seed: int
    exact_consistency: float  # fraction of sampled shifts with f(T_v x) = T_u f(x) exactly
    position_consistency: float  # mean fraction of output positions that agree
    argmax_consistency: float | None  # mean fraction whose argmax over channels agrees


def shift_consistency(arch: Architecture, size: int | Sequence[int], *, count: int,
                      seed: int) -> Consistency:
    """Sampled consistency of ``arch`` (any Architecture, an imported PyTorch model included):
    ``count`` uniform random shifts v, u = floor(v M / N), one random integer network and
    input from ``seed``."""
    count = check_int("count", count, minimum=1)
    n, m, rng, weights, backend, x = _setup(arch, size, seed)
    y = evaluate(arch, x, weights, backend)
    axes = tuple(range(2, 2 + arch.dims))
    exact, agreement, positions = 0, [], []
    shifts = [tuple(int(rng.integers(0, k)) for k in n) for _ in range(count)]
    outputs = evaluate(arch, backend.asarray(np.concatenate([np.roll(x, v, axis=axes)
                                                             for v in shifts])),
                       weights, backend)
    for v, z in zip(shifts, outputs, strict=True):
        target = np.roll(y, scaled(v, n, m), axis=axes)
        z = z[None]
        exact += bool(np.array_equal(z, target))
        positions.append(float(np.mean((z == target).all(axis=1))))
        agreement.append(float(np.mean(_argmax(z) == _argmax(target))))
    return Consistency(n, count, seed, exact / count, float(np.mean(positions)),
                       float(np.mean(agreement)) if y.shape[1] > 1 else None)


def _argmax(y: np.ndarray) -> np.ndarray:
    """Per output position, the first channel with the largest value."""
    return np.argmax(y[0].astype(float), axis=0)


@dataclass(frozen=True)
class SideBySide:
    """The exact answer next to the sampled measurement: the fraction of all shifts respected
    (exact) and the fraction of sampled shifts that came out consistent."""

    exact_fraction: float
    respected: int
    total: int
    sampled: Consistency


def compare_with_consistency(arch: Architecture, result: EquivarianceResult, *, count: int,
                             seed: int) -> SideBySide:
    """The sampled consistency of ``arch`` at the result's size, beside the exact answer."""
    total = math.prod(result.size)
    return SideBySide(len(result.respected) / total, len(result.respected), total,
                      shift_consistency(arch, result.size, count=count, seed=seed))


# -- the exhaustive sweep of a small domain ----------------------------------------------------
SMALL_DOMAIN = ("1D, one channel: conv (kernel 1-3, dilation 1-2 (1 for kernel 1), stride 1-2, "
                "padding d (k - 1) split PyTorch-style, padding mode zeros or circular), then "
                "ReLU or not, then maxpool 2, avgpool 2 or no pooling (120 architectures); "
                "N in {4, 8}; every cyclic shift of each")


def small_architectures() -> Iterator[tuple[str, Architecture]]:
    """The architectures of :data:`SMALL_DOMAIN`, each with a readable name."""
    for k, d, s, mode, relu, pool in product((1, 2, 3), (1, 2), (1, 2), ("zeros", "circular"),
                                             (False, True), (None, "maxpool", "avgpool")):
        if k == 1 and d == 2:
            continue  # a 1-tap kernel has no dilation
        span = d * (k - 1)
        layers: list[dict[str, Any]] = [{"op": "conv", "kernel_size": k, "dilation": d,
                                         "stride": s, "padding": [[span // 2, span - span // 2]],
                                         "padding_mode": mode, "out_channels": 1}]
        layers += [{"op": "relu"}] if relu else []
        layers += [{"op": pool, "kernel_size": 2, "stride": 2}] if pool else []
        name = (f"conv k={k} d={d} s={s} {mode}" + (" relu" if relu else "")
                + (f" {pool} 2" if pool else ""))
        yield name, parse_architecture({"dims": 1, "layers": layers}, source=name)


def small_sweep(sizes: Sequence[int] = (4, 8),
                rule: Callable[[Architecture, int], dict] = derived_shifts,
                architectures: Iterable[tuple[str, Architecture]] | None = None,
                rlimit: int = DEFAULT_RLIMIT) -> dict[str, Any]:
    """Every architecture and size of :data:`SMALL_DOMAIN` (or of ``architectures``): the exact
    respected set, decided shift by shift without the calculus (every shift proved by z3 or
    refuted, none unknown), against ``rule`` (the shift calculus by default); sizes the rule
    rejects (strides that do not divide) are skipped."""
    checked, skipped, exceptions = 0, 0, []
    mismatches: list[dict[str, Any]] = []
    for name, arch in architectures if architectures is not None else small_architectures():
        for n in sizes:
            try:
                expected = rule(arch, n)
            except InvalidParameterError:
                skipped += 1
                continue
            result = exhaustive_equivariance(arch, n, rlimit=rlimit)
            checked += 1
            if result.with_status("unknown") or result.respected != expected:
                mismatches.append({"architecture": name, "size": n,
                                   "respected": sorted(result.respected.items()),
                                   "expected": sorted(expected.items()),
                                   "unknown": len(result.with_status("unknown"))})
            elif set(result.respected) != result.rule_shifts():
                exceptions.append({"architecture": name, "size": n,
                                   "respected": sorted(result.respected.items()),
                                   "total_stride": list(result.total_stride)})
    return {"domain": SMALL_DOMAIN, "checked": checked, "skipped_sizes": skipped,
            "mismatches": mismatches, "not_multiples_of_total_stride": exceptions}
