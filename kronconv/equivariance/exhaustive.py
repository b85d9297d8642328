"""Every cyclic shift decided one by one at a small size, independently of the shift calculus:
the second opinion the calculus is cross-checked against.

Method. (1) Screening, exact arithmetic: for every v, the set U(v) of output shifts u with
f(T_v x) = T_u f(x) on a random input and on every basis impulse, for two live weight draws (or
the given weights); :func:`~kronconv.equivariance.screening.matching_shifts` finds U(v) in time
linear in the output size. (2) Every v with U(v) empty gets a counterexample (an impulse if one
works, else a random input) re-checked by the naive reference engine: no output shift at all
matches. (3) The respected pairs (v, u) form a subgroup, so z3 proves f(T_v x) = T_u f(x) for
symbolic x (symbolic weights for the question "every choice of weights") for a generating set
of the screened shifts only; the group they generate is proved. Anything neither proved nor
refuted is ``unknown`` -- also every shift whose proof ran out of its resource limit.

Cost: N^d evaluations of f per draw (batched) and one z3 query per generator: small sizes only.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from functools import partial
from itertools import chain

import numpy as np

from kronconv.engines.smt import SmtResult
from kronconv.equivariance.results import Counterexample, EquivarianceResult, ShiftVerdict
from kronconv.equivariance.screening import (
    close,
    live_weights,
    matching_shifts,
    numeric_backend,
)
from kronconv.equivariance.shifts import Shift, all_shifts, scaled, total_stride
from kronconv.equivariance.smt import DEFAULT_RLIMIT, prove_shift
from kronconv.errors import check_choice, check_int
from kronconv.parallel import Serial, ordered_map
from kronconv.semantics.backends import Backend
from kronconv.semantics.evaluate import evaluate
from kronconv.semantics.reference import reference_evaluate
from kronconv.semantics.shapes import node_sizes
from kronconv.semantics.weights import Weights, random_weights
from kronconv.specs.architecture import Architecture
from kronconv.specs.shapes import check_tensor_budget

WEIGHT_MODES = ("symbolic", "random")
METHODS = ("generators", "each")
QUESTION = {"symbolic": "all-weights", "random": "these-weights", "given": "these-weights"}
MAX_FAILED_PROOFS = 2
REFERENCE = "reference (naive loops, Python numbers)"


@dataclass(frozen=True)
class Draw:
    """One weight choice with its screening evaluations."""

    weights: Weights
    seed: int | None
    x: np.ndarray  # a random input (C, *N)
    rolled: np.ndarray  # f(T_v x) for every v, in the order of all_shifts (V, C', *M)
    impulses: np.ndarray  # f(e_(c, p)) for every channel c and position p (C N^d, C', *M)


def exhaustive_equivariance(arch: Architecture, size: int | Sequence[int], *,
                            weights: str = "symbolic", seed: int = 0,
                            given: Weights | None = None, method: str = "generators",
                            rlimit: int = DEFAULT_RLIMIT, name: str = "",
                            pool: Executor | None = None) -> EquivarianceResult:
    """Every cyclic shift of a ``size`` input: respected (proved), not (counterexample) or
    unknown; ``weights`` picks the question, ``given`` fixes explicit weights; ``pool`` runs
    the per-shift proofs of method "each" (see :mod:`kronconv.parallel`)."""
    start = time.perf_counter()
    check_choice("weights", weights, WEIGHT_MODES)
    check_choice("method", method, METHODS)
    rlimit = check_int("rlimit", rlimit, minimum=1)
    # 1. Sizes (one clear error for a bad size).
    sizes = node_sizes(arch, size)
    check_tensor_budget(arch, sizes)  # before any input or weight is drawn
    n, m = sizes[arch.input.id], sizes[arch.output]
    mode = "given" if given is not None else weights
    backend = numeric_backend(arch)
    # 2. Screening: the candidate output shifts U(v) of every shift v.
    if mode == "symbolic":
        picked = live_weights(arch, n, seed, 2, backend) or [(seed, random_weights(arch, seed))]
        draws = [screen(arch, n, w, s, backend) for s, w in picked]
    else:
        draws = [screen(arch, n, given if given is not None else random_weights(arch, seed),
                        None if given is not None else seed, backend)]
    shifts = all_shifts(n)
    candidates = {v: _candidates(draws, i, v, backend.exact) for i, v in enumerate(shifts)}
    # 3. Proofs for a generating set of the screened shifts.
    chosen = {v: min(us) for v, us in candidates.items() if us}
    proof_weights = None if mode == "symbolic" else draws[0].weights
    proved, gens, proofs = _prove(arch, n, m, chosen, proof_weights, method, rlimit,
                                  pool or Serial())
    # 4. A verdict for every shift.
    verdicts = []
    cache: dict[bytes, np.ndarray] = {}
    for i, v in enumerate(shifts):
        if v in proved:
            how = "z3 unsat for this shift" if method == "each" or v in dict(gens) else \
                "z3 unsat for the generators " + ", ".join(str(list(g)) for g, _ in gens)
            verdicts.append(ShiftVerdict(v, "respected", proved[v], "proof: " + how))
        elif candidates[v]:
            verdicts.append(ShiftVerdict(v, "unknown", chosen[v], "screening found output "
                                         "shift(s) " + str([list(u) for u in candidates[v]])
                                         + " but z3 did not prove one"))
        else:
            u = scaled(v, n, m)
            cx = _counterexample(arch, draws, i, v, u, backend, cache)
            region = np.logical_and.reduce([_agree(d, i, v, u, True) for d in draws])
            if cx is None:
                verdicts.append(ShiftVerdict(v, "unknown", None, "no sample matched any output "
                                             "shift, but no single input refutes every one",
                                             region=region, region_shift=u))
            else:
                verdicts.append(ShiftVerdict(v, "not-respected", None, "counterexample, "
                                             "re-checked by " + cx.rechecked_by, cx, region,
                                             region_shift=u))
    return EquivarianceResult(
        name, n, m, QUESTION[mode], mode, seed if given is None else None,
        total_stride(arch, sizes), tuple(verdicts), proved, "exhaustive", tuple(gens),
        tuple(proofs), {"draws": [d.seed for d in draws], "rlimit": rlimit},
        time.perf_counter() - start)


def screen(arch: Architecture, n: Shift, weights: Weights, seed: int | None,
           backend: Backend) -> Draw:
    """f on every shift of a seeded random input and on every impulse."""
    rng = np.random.default_rng(seed if seed is not None else 0)
    x = rng.integers(-5, 6, (arch.in_channels, *n))
    axes = tuple(range(1, 1 + arch.dims))
    rolled_inputs = np.stack([np.roll(x, v, axis=axes) for v in all_shifts(n)])
    count = arch.in_channels * math.prod(n)
    impulses = np.eye(count, dtype=np.int64).reshape(count, arch.in_channels, *n)
    return Draw(weights, seed, x, evaluate(arch, backend.asarray(rolled_inputs), weights,
                                           backend),
                evaluate(arch, backend.asarray(impulses), weights, backend))


def _impulses_shifted(draw: Draw, v: Shift) -> np.ndarray:
    """f(T_v e_p) = f(e_(p + v)) for every impulse p, from the impulse responses."""
    index = np.arange(draw.impulses.shape[0]).reshape(draw.x.shape)
    axes = tuple(range(1, draw.x.ndim))
    return draw.impulses[np.roll(index, tuple(-a for a in v), axis=axes).ravel()]


def _agree(draw: Draw, i: int, v: Shift, u: Shift, exact: bool) -> np.ndarray:
    """Output positions where f(T_v x) = T_u f(x) on the random input and every impulse."""
    dims = draw.x.ndim - 1
    random_ok = close(draw.rolled[i], np.roll(draw.rolled[0], u, axis=tuple(range(1, 1 + dims))),
                      exact).all(axis=0)
    impulse_ok = close(_impulses_shifted(draw, v),
                       np.roll(draw.impulses, u, axis=tuple(range(2, 2 + dims))),
                       exact).all(axis=(0, 1))
    return np.asarray(random_ok & impulse_ok)


def _candidates(draws: Sequence[Draw], i: int, v: Shift, exact: bool) -> list[Shift]:
    first = draws[0]
    us = matching_shifts(first.rolled[0], first.rolled[i], exact)
    return [u for u in us if all(_agree(d, i, v, u, exact).all() for d in draws)]


def _counterexample(arch: Architecture, draws: Sequence[Draw], i: int, v: Shift, u: Shift,
                    backend: Backend, cache: dict[bytes, np.ndarray]) -> Counterexample | None:
    """The first impulse (else the random input, else one of a few more random inputs) of the
    first draw for which no output shift matches, re-checked by the reference engine."""
    axes = tuple(range(1, 1 + arch.dims))
    exact = backend.exact
    for draw in draws:
        shifted = _impulses_shifted(draw, v)
        inputs = np.eye(draw.impulses.shape[0], dtype=np.int64).reshape(-1, *draw.x.shape)
        tries: Iterable[tuple[np.ndarray, np.ndarray, np.ndarray]] = chain(
            ((inputs[p], draw.impulses[p], shifted[p]) for p in range(len(inputs))),
            [(draw.x, draw.rolled[0], draw.rolled[i])],
            extra_tries(arch, draw.weights, draw.seed, draw.x.shape, v, backend))  # lazily
        for x, y, z in tries:
            if matching_shifts(y, z, exact):
                continue
            return recheck(arch, Counterexample(v, x, y, z, np.roll(y, u, axis=axes), draw.seed,
                                                draw.weights), exact, cache)
    return None


def extra_tries(arch: Architecture, weights: Weights, seed: int | None, shape: Sequence[int],
                v: Shift, backend: Backend, count: int = 8,
                ) -> Iterable[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """(x, f(x), f(T_v x)) for ``count`` more seeded random integer inputs (lazily): they matter
    when every screened input matches SOME output shift, each a different one (ties)."""
    rng = np.random.default_rng(1000 + (seed or 0))
    axes = tuple(range(1, 1 + arch.dims))
    for _ in range(count):
        x = rng.integers(-20, 21, shape)
        both = evaluate(arch, backend.asarray(np.stack([x, np.roll(x, v, axis=axes)])), weights,
                        backend)
        yield x, both[0], both[1]


def recheck(arch: Architecture, cx: Counterexample, exact: bool,
            cache: dict[bytes, np.ndarray]) -> Counterexample:
    """The counterexample re-computed by the naive reference engine (independent of the fast
    one): it must give the same f(x) and again no matching output shift."""
    assert cx.weights is not None
    axes = tuple(range(1, 1 + arch.dims))
    ref_y = _reference(arch, cx.input, cx.weights, cache)
    ref_z = _reference(arch, np.roll(cx.input, cx.shift, axis=axes), cx.weights, cache)
    if matching_shifts(ref_y, ref_z, exact) or not close(ref_y, cx.output, exact).all():
        raise AssertionError(f"the reference engine disagrees on shift {list(cx.shift)}")
    return Counterexample(cx.shift, cx.input, cx.output, cx.shifted_output, cx.expected_output,
                          cx.weights_seed, cx.weights, REFERENCE)


def _reference(arch: Architecture, x: np.ndarray, weights: Weights,
               cache: dict[bytes, np.ndarray]) -> np.ndarray:
    key = x.tobytes() + str(x.shape).encode() + str(id(weights)).encode()
    if key not in cache:
        cache[key] = reference_evaluate(arch, x, weights)
    return cache[key]


def _prove(arch: Architecture, n: Shift, m: Shift, chosen: dict[Shift, Shift],
           weights: Weights | None, method: str, rlimit: int, pool: Executor,
           ) -> tuple[dict[Shift, Shift], list[tuple[Shift, Shift]], list[SmtResult]]:
    """z3 for a generating set (or each shift); returns the proved pairs (v, u)."""
    zero = tuple(0 for _ in n)
    order = sorted((v for v in chosen if v != zero),
                   key=lambda v: (sum(min(a, k - a) for a, k in zip(v, n, strict=True)), v))
    gens: list[tuple[Shift, Shift]] = []
    proofs: list[SmtResult] = []
    group = {zero: tuple(0 for _ in m)}  # f(T_0 x) = T_0 f(x): nothing to prove
    # Each shift's proof is independent under method "each": all run on the pool up front
    # (then read in the serial order below, so the verdicts are the serial ones).
    ahead = iter(ordered_map(pool, partial(_prove_pair, arch, n, weights, rlimit),
                             [(v, chosen[v]) for v in order])) if method == "each" else None
    for v in order:
        if method == "generators" and v in group:
            continue
        if sum(not r.proved for r in proofs) >= MAX_FAILED_PROOFS:
            break  # the rest stays unknown: do not spend the resource limit again and again
        result = next(ahead) if ahead is not None else prove_shift(arch, n, v, chosen[v],
                                                                   weights, rlimit=rlimit)
        proofs.append(result)
        if result.proved:
            gens.append((v, chosen[v]))
            group = generate(gens, n, m) if method == "generators" else {**group, v: chosen[v]}
    return group, gens, proofs


def _prove_pair(arch: Architecture, n: Shift, weights: Weights | None, rlimit: int,
                pair: tuple[Shift, Shift]) -> SmtResult:
    return prove_shift(arch, n, pair[0], pair[1], weights, rlimit=rlimit)


def generate(gens: Sequence[tuple[Shift, Shift]], n: Shift, m: Shift) -> dict[Shift, Shift]:
    """The subgroup of Z_N x Z_M generated by the pairs (v, u), as v -> u (breadth first)."""
    zero = tuple(0 for _ in n)
    group: dict[Shift, Shift] = {zero: tuple(0 for _ in m)}
    frontier = [zero]
    while frontier:
        nxt = []
        for v in frontier:
            for g, h in gens:
                w = tuple((a + b) % k for a, b, k in zip(v, g, n, strict=True))
                if w not in group:
                    group[w] = tuple((a + b) % k for a, b, k in zip(group[v], h, m, strict=True))
                    nxt.append(w)
        frontier = nxt
    return group
