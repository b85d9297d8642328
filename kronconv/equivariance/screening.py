"""Fast screening: which output shifts u make T_u y equal z, weight draws that keep the network
alive, and exact (or tolerance-justified) comparison of outputs.

:func:`matching_shifts` is linear in the output size: every candidate u is tested at a few
positions at once (vectorised), the survivors -- usually one or none, more only for a
periodic output -- compared in full. No
roll of y is built per candidate; a constant y (every u matches when z is that constant) is
answered directly.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from kronconv.equivariance.shifts import Shift
from kronconv.semantics.backends import Backend, get_backend
from kronconv.semantics.evaluate import evaluate
from kronconv.semantics.weights import Weights, random_weights
from kronconv.specs.architecture import INEXACT_OPS, Architecture

FLOAT_TOLERANCE = 1e-9  # relative; see numeric_backend
PROBES = 48  # positions tested before the survivors are compared in full


def numeric_backend(arch: Architecture) -> Backend:
    """Exact arithmetic unless a transcendental op (tanh, sigmoid, gelu, silu): then float64,
    and outputs are compared with a relative tolerance of 1e-9: the shifted and the unshifted
    computation apply the same operations to the same numbers, so they differ at most by libm's
    last-bit differences, while a genuine violation on integer inputs differs by far more."""
    uses_float = any(node.op in INEXACT_OPS for node in arch.nodes)
    return get_backend("float" if uses_float else "exact")


def close(a: np.ndarray, b: np.ndarray, exact: bool) -> np.ndarray:
    """Elementwise agreement of two arrays (exact, or within the float tolerance)."""
    if exact:
        return np.asarray(a == b, dtype=bool)
    scale = 1.0 + max(float(np.abs(a).max(initial=0)), float(np.abs(b).max(initial=0)))
    return np.abs(a.astype(float) - b.astype(float)) <= FLOAT_TOLERANCE * scale


def matching_shifts(y: np.ndarray, z: np.ndarray, exact: bool) -> list[Shift]:
    """Every u with T_u y = z, for y and z of shape (C, *M), in row-major order of u."""
    m = y.shape[1:]
    spatial = tuple(range(1, y.ndim))
    if close(y, y.reshape(y.shape[0], -1)[:, :1].reshape(y.shape[0], *(1,) * len(m)),
             exact).all():  # y constant on the grid: every u or none
        return _all(m) if close(z, y, exact).all() else []
    candidates = np.indices(m).reshape(len(m), -1)  # (d, K): every u
    rng = np.random.default_rng(0)
    for probe in range(PROBES):
        if candidates.shape[1] <= 1:
            break
        q = (np.zeros(len(m), dtype=int) if probe == 0
             else np.array([int(rng.integers(0, k)) for k in m]))
        source = tuple((q[a] - candidates[a]) % m[a] for a in range(len(m)))
        ok = close(y[(slice(None), *source)], z[(slice(None), *q)][:, None], exact).all(axis=0)
        candidates = candidates[:, ok]
    out = []
    for u in candidates.T:
        shift = tuple(int(a) for a in u)
        if close(np.roll(y, shift, axis=spatial), z, exact).all():
            out.append(shift)
    return out


def _all(m: Sequence[int]) -> list[Shift]:
    return [tuple(int(a) for a in u) for u in np.indices(m).reshape(len(m), -1).T]


def positive(weights: Weights) -> Weights:
    """|w| + 1 for every weight: with positive inputs every ReLU stays alive."""
    return {node: {name: np.abs(a) + 1 for name, a in params.items()}
            for node, params in weights.items()}


def live_weights(arch: Architecture, n: Shift, seed: int, count: int, backend: Backend,
                 tries: int = 12) -> list[tuple[int, Weights]]:
    """``count`` weight draws whose output depends on the input (a draw whose ReLUs all die
    makes f constant, and a constant respects every shift: useless as evidence). Seeds seed,
    seed + 1, ...; even offsets positive weights (|w| + 1), odd offsets signed ones in [-3, 3].
    Alive: two seeded random inputs give different outputs."""
    rng = np.random.default_rng(seed)
    probe = backend.asarray(rng.integers(-5, 6, (2, arch.in_channels, *n)))
    draws: list[tuple[int, Weights]] = []
    for k in range(tries):
        signed: Weights = random_weights(arch, seed + k)
        weights = positive(signed) if k % 2 == 0 else signed
        y = evaluate(arch, probe, weights, backend)
        if not close(y[0], y[1], backend.exact).all():
            draws.append((seed + k, weights))
        if len(draws) == count:
            break
    return draws
