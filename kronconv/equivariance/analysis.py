"""Which cyclic shifts an architecture respects, exactly, at any size: the shift calculus first.

Setting: an input of N entries per axis on the circular domain Z_N^d, the shift
(T_v x)[i] = x[i - v]. A shift v is *respected* with output shift u when f(T_v x) = T_u f(x)
for every input x. Two questions, never mixed up:

- ``all-weights`` (``weights="symbolic"``): for every choice of weights -- the architecture's
  property; it never rests on one draw (several live draws, symbolic weights in z3);
- ``these-weights`` (``weights="random"`` with a seed, or ``given`` weights): for one network.

Method (the answer comes from the calculus; the rest backs it or refutes it):

1. The shift calculus (:mod:`kronconv.equivariance.shifts`, each rule proved for a symbolic N by
   :mod:`kronconv.equivariance.lemmas`) gives the respected group H = prod_a g_a Z_{N_a} with
   the output shift of each member. The other shifts fall into the cosets ("classes") of H.
2. Numeric check at the requested size, exact arithmetic: on every weight draw (``draws`` live
   ones for the architecture's question; the given weights otherwise) and one seeded random
   integer input per draw, f(T_v x) = T_u f(x) for the generators of H and two random members.
   A failure means the calculus (or the semantics) is wrong: an error, never a verdict.
3. z3 at small sizes (or on request): each generator proved for symbolic inputs (and symbolic
   weights for the architecture's question), bounded by ``rlimit``; then H is proved at this
   size. Running out of ``rlimit`` is reported inconclusive, never as a finding.
4. Each other class gets a counterexample at its smallest member v: an input and weights with
   f(T_v x) != T_u f(x) for EVERY u (no output shift matches), found by fast screening and
   re-checked by the naive reference engine (within the ``recheck`` budget, stated; the
   others are exact counterexamples of the fast engine, labelled as not re-checked). A class is
   respected exactly when its representative is (H is a group), so one counterexample refutes
   the whole class. Its agreement region (zero padding) is where f(T_v x) = T_u f(x) on
   every sample (the random inputs, and every impulse when that is cheap) for the
   natural u = v M / N: certain outside; inside proved by z3 with ``prove="always"``, else
   sampled. When screening every class would exceed ``SCREEN_WORK`` (N^d classes of an
   N^d-sized evaluation: N^(2d)), only one class per subgroup of prime order of the classes is
   screened (``ShiftGroup.lines``: 3 at 256 x 256 with H = {0}) and every other class is
   refuted by the group law from one of them (``ShiftGroup.prime_multiples``), named in its
   evidence; it has no counterexample of its own. Every answer then rests on the screened
   counterexamples, so ``recheck="auto"`` re-checks all of them by the reference while that
   costs at most ``LINE_RECHECK_WORK`` multiply-adds (else they are listed as not re-checked;
   ``recheck="all"`` does them).

Wide networks (an exact evaluation of every channel beyond ``RESTRICT_WORK`` multiply-adds,
e.g. DeepLabV3's 40 million weights), for "every choice of weights" and without z3: the
samples, checks and counterexamples are those of the one-channel restriction
(:mod:`kronconv.equivariance.narrow`): its weights, embedded by zeros, are weights of the
architecture, and its counterexamples are the architecture's (the restriction lemma). The
evidence says so.

For these weights, a class the calculus does not keep may still be respected (every ReLU dead
makes f constant): then no counterexample exists, and z3 (small sizes) proves it for these
weights, or it stays ``unknown``.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import chain
from typing import Any

import numpy as np

from kronconv.engines.smt import COUNTEREXAMPLE, SmtResult
from kronconv.equivariance.exhaustive import QUESTION, REFERENCE, extra_tries, recheck
from kronconv.equivariance.narrow import Restriction, restriction
from kronconv.equivariance.results import Counterexample, EquivarianceResult, ShiftVerdict
from kronconv.equivariance.screening import close, live_weights, matching_shifts, numeric_backend
from kronconv.equivariance.shifts import (
    Shift,
    ShiftGroup,
    all_shifts,
    calculus,
    derived_shifts,
    describe,
    scaled,
    total_stride,
)
from kronconv.equivariance.smt import DEFAULT_RLIMIT, prove_shift
from kronconv.errors import check_choice, check_int, check_work
from kronconv.semantics.backends import Backend
from kronconv.semantics.evaluate import evaluate
from kronconv.semantics.shapes import node_sizes
from kronconv.semantics.weights import Weights, random_weights
from kronconv.specs.architecture import Architecture
from kronconv.specs.shapes import check_tensor_budget

WEIGHT_MODES = ("symbolic", "random")
PROVE_MODES = ("auto", "always", "never")
RECHECK_MODES = ("auto", "all", "none")
PROVE_SIZE = 256  # "auto": z3 when C N^d is at most this (16 x 16, one channel)
IMPULSE_SIZE = 1024  # impulses tried (regions, counterexamples) when C N^d is at most this
IMPULSE_WORK = 200_000_000  # ... and their evaluations take at most this many multiply-adds
RECHECK_WORK = 1_000_000  # "auto": reference evaluations while their multiply-adds fit (~1 s)
LINE_RECHECK_WORK = 5_000_000  # "auto": all the screened lines' counterexamples while this fits
SCREEN_WORK = 1_000_000_000  # every class screened while classes x draws x work fit, else lines
RESTRICT_WORK = 100_000_000  # wider: the one-channel restriction (Python integers: minutes)
BATCH = 16  # inputs evaluated at once
# The calculus walks every shift of every axis through every node in Python (about 1 us a
# step): 10^7 steps keep it within seconds (512 x 512 through 100 nodes is 10^5), and refuse a
# 1D size of 10^8 that the memory budget alone would let run for minutes.
CALCULUS_STEPS = 10**7
INPUT_RANGE = 5  # random inputs are integers in [-5, 5]


@dataclass(frozen=True)
class _Sample:
    """One weight draw, one random input, f of it."""

    seed: int | None
    weights: Weights
    x: np.ndarray  # (C, *N)
    y: np.ndarray  # f(x) (C', *M)


def analyze_equivariance(arch: Architecture, size: int | Sequence[int], *,
                         weights: str = "symbolic", seed: int = 0,
                         given: Weights | None = None, prove: str = "auto",
                         rlimit: int = DEFAULT_RLIMIT, draws: int = 3, recheck_mode: str = "auto",
                         regions: bool = True, name: str = "") -> EquivarianceResult:
    """Every cyclic shift of a ``size`` input, by class: respected, not (counterexample) or
    unknown (module doc); ``weights`` picks the question, ``given`` fixes explicit weights;
    ``regions=False`` skips the agreement regions (and the impulses they need when small)."""
    start = time.perf_counter()
    check_choice("weights", weights, WEIGHT_MODES)
    check_choice("prove", prove, PROVE_MODES)
    check_choice("recheck", recheck_mode, RECHECK_MODES)
    rlimit = check_int("rlimit", rlimit, minimum=1)
    mode = "given" if given is not None else weights
    draws = check_int("draws", draws, minimum=2 if mode == "symbolic" else 1, maximum=12)
    # 1. Sizes (one clear error for a bad size), the budget (before the calculus walks every
    # shift of an axis, and before any input or weight is drawn), the calculus' group H.
    sizes = node_sizes(arch, size)
    check_tensor_budget(arch, sizes)
    check_work(f"the shift calculus over {len(arch.nodes)} nodes",
               sum(sizes[arch.input.id]) * len(arch.nodes), limit=CALCULUS_STEPS)
    group = calculus(arch, size)
    n, m = group.size, group.output_size
    small = prove == "always" or (prove == "auto"
                                  and arch.in_channels * math.prod(n) <= PROVE_SIZE)
    narrow = _restriction(arch, n, mode, small)
    evaluated = narrow.arch if narrow is not None else arch
    backend = numeric_backend(evaluated)
    samples = _samples(evaluated, n, mode, seed, given, draws, backend)
    notes = [] if len(samples) >= (2 if mode == "symbolic" else 1) else [
        f"only {len(samples)} of 12 weight draws keep the output input-dependent: the classes "
        "outside H cannot be refuted with them"]
    if narrow is not None:
        notes.append(RESTRICTED)
    # 2. H checked exactly at this size, 3. and proved by z3 when small (or asked).
    checked = _check_group(evaluated, group, samples, seed, backend)
    proof_weights = None if mode == "symbolic" else samples[0].weights
    proofs = [_prove(arch, n, v, u, proof_weights, rlimit) for v, u in group.generators()] \
        if small else []
    verdicts = [ShiftVerdict(tuple(0 for _ in n), "respected", tuple(0 for _ in m),
                             _group_evidence(group, samples, checked, proofs, small, backend,
                                             narrow is not None),
                             period=group.period, members=group.order)]
    # 4. Every other class: a counterexample, or (these weights) a proof, or unknown.
    screened = _screened(evaluated, group, len(samples))
    budget = _recheck_budget(recheck_mode, evaluated, node_sizes(evaluated, n),
                             len(screened) if screened == group.lines() else 0)
    verdicts += _other_classes(evaluated, group, samples, backend, proof_weights, small, rlimit,
                               prove == "always", budget, mode, regions, screened)
    respected = _respected(group, verdicts)
    checks = {"calculus": describe(group),
              "rules": "each op's rule proved for a symbolic size (kronconv.equivariance.lemmas)",
              "numeric": {"draws": [s.seed for s in samples], "arithmetic": backend.name,
                          "inputs": f"one random integer input in [-{INPUT_RANGE}, "
                                    f"{INPUT_RANGE}] per draw (seed {seed})",
                          "respected_shifts_checked": [list(v) for v in checked]},
              "z3_at_this_size": small, "rlimit": rlimit,
              "rechecked_by_reference": _rechecks(verdicts, budget),
              "evaluated_on": "the one-channel restriction (kronconv.equivariance.narrow)"
              if narrow is not None else "the architecture"}
    return EquivarianceResult(
        name, n, m, QUESTION[mode], mode, seed if given is None else None,
        total_stride(arch, sizes), tuple(verdicts), respected, "calculus",
        tuple(group.generators()), tuple(proofs), checks, time.perf_counter() - start,
        tuple(notes))


RESTRICTED = ("evaluated on the one-channel restriction (kronconv.equivariance.narrow): every "
              "conv narrowed to one output channel; its weights and inputs, embedded by zeros, "
              "are the architecture's, so its counterexamples are the architecture's (the "
              "restriction lemma); the exact check of H covers those weights only")


def _restriction(arch: Architecture, n: Shift, mode: str, small: bool) -> Restriction | None:
    """The one-channel restriction, for "every choice of weights" without z3, when an exact
    evaluation of every channel would exceed RESTRICT_WORK multiply-adds (and the lemma
    applies)."""
    if mode != "symbolic" or small or _work(arch, node_sizes(arch, n)) <= RESTRICT_WORK:
        return None
    return restriction(arch)


def _samples(arch: Architecture, n: Shift, mode: str, seed: int, given: Weights | None,
             draws: int, backend: Backend) -> list[_Sample]:
    if mode == "symbolic":
        picked: list[tuple[int | None, Weights]] = list(live_weights(arch, n, seed, draws,
                                                                     backend))
    else:
        picked = [(None, given) if given is not None else (seed, random_weights(arch, seed))]
    rng = np.random.default_rng(seed)
    out = []
    for draw_seed, w in picked:
        x = rng.integers(-INPUT_RANGE, INPUT_RANGE + 1, (arch.in_channels, *n))
        out.append(_Sample(draw_seed, w, x, evaluate(arch, backend.asarray(x[None]), w,
                                                     backend)[0]))
    return out


def _shifted_outputs(arch: Architecture, sample: _Sample, shifts: Sequence[Shift],
                     backend: Backend) -> Iterator[np.ndarray]:
    """f(T_v x) for every v, evaluated ``BATCH`` inputs at a time."""
    axes = tuple(range(1, 1 + arch.dims))
    for first in range(0, len(shifts), BATCH):
        batch = np.stack([np.roll(sample.x, v, axis=axes) for v in shifts[first:first + BATCH]])
        yield from evaluate(arch, backend.asarray(batch), sample.weights, backend)


def _check_group(arch: Architecture, group: ShiftGroup, samples: Sequence[_Sample], seed: int,
                 backend: Backend) -> list[Shift]:
    """The generators of H and two seeded random members, exactly, on every sample."""
    rng = np.random.default_rng(seed + 1)
    members = [tuple(int(rng.integers(0, n // g)) * g for n, g in zip(group.size, group.period,
                                                                       strict=True))
               for _ in range(2)]
    shifts = [v for v, _ in group.generators()] + [v for v in members if any(v)]
    axes = tuple(range(1, 1 + arch.dims))
    for sample in samples:
        for v, z in zip(shifts, _shifted_outputs(arch, sample, shifts, backend), strict=True):
            u = group.output_shift(v)
            assert u is not None
            if not close(z, np.roll(sample.y, u, axis=axes), backend.exact).all():
                raise AssertionError(f"the shift calculus says shift {list(v)} is respected "
                                     f"with output shift {list(u)}, but exact arithmetic "
                                     f"disagrees (weights seed {sample.seed})")
    return shifts


def _prove(arch: Architecture, n: Shift, v: Shift, u: Shift, weights: Weights | None,
           rlimit: int) -> SmtResult:
    result = prove_shift(arch, n, v, u, weights, rlimit=rlimit)
    if result.status == COUNTEREXAMPLE:
        raise AssertionError(f"z3 refutes the shift calculus: shift {list(v)} -> {list(u)}")
    return result


def _group_evidence(group: ShiftGroup, samples: Sequence[_Sample], checked: Sequence[Shift],
                    proofs: Sequence[SmtResult], small: bool, backend: Backend,
                    restricted: bool) -> str:
    gens = ", ".join(f"{list(v)}->{list(u)}" for v, u in group.generators()) or "none"
    on = " of the one-channel restriction" if restricted else ""
    text = (f"shift calculus (rules proved for every size): the {group.order} multiples of "
            f"the period {list(group.period)}, generators {gens}; exact check ({backend.name}) "
            f"of {len(checked)} of them on {len(samples)} weight draw(s){on} x 1 random input")
    if not group.generators():
        return text + "; only the zero shift (nothing to prove)"
    if not small:
        return text + "; z3 not run at this size (randomized check only)"
    if all(r.proved for r in proofs):
        return text + "; proof: z3 unsat for every generator at this size"
    return text + "; z3 INCONCLUSIVE at this size (" + "; ".join(
        r.reason for r in proofs if not r.proved) + "): not proved here"


def _rechecks(verdicts: Sequence[ShiftVerdict], budget: int) -> dict[str, Any]:
    """Exactly which counterexamples the naive reference re-checked, which it did not (exact
    counterexamples of the fast engine only), and how many refuted classes have none of
    their own (refuted by the group law)."""
    refuted = [v for v in verdicts if v.status == "not-respected"]
    examples = [v for v in refuted if v.counterexample is not None]
    return {"budget": "all" if budget >= 1 << 62 else budget,
            "rechecked": [list(v.shift) for v in examples if v.counterexample
                          and v.counterexample.rechecked_by],
            "not_rechecked": [list(v.shift) for v in examples if v.counterexample
                              and not v.counterexample.rechecked_by],
            "classes_without_own_counterexample": len(refuted) - len(examples)}


def _recheck_budget(mode: str, arch: Architecture, sizes: dict[str, Shift], lines: int) -> int:
    """How many counterexamples the naive reference re-checks: all, none, or ("auto") as many
    as fit in RECHECK_WORK multiply-adds (each costs about one evaluation; f(x) is shared),
    and at least the ``lines`` screened ones when every other class rests on them (the group
    law) and re-checking them all costs at most LINE_RECHECK_WORK: then every counterexample is
    re-checked. Past that (a wide network at 16 x 16, DeepLabV3 at 256 x 256: seconds of naive
    Python loops each) the report lists them as not re-checked; ``recheck="all"`` does them."""
    if mode == "all":
        return 1 << 62
    if mode == "none":
        return 0
    work = _work(arch, sizes)
    forced = lines if (lines + 1) * work <= LINE_RECHECK_WORK else 0
    return max(0, RECHECK_WORK // work - 1, forced)


def _screened(arch: Architecture, group: ShiftGroup, draws: int) -> list[Shift]:
    """The class representatives screened one by one: every class while classes x draws x
    one evaluation fit in SCREEN_WORK multiply-adds, else one per subgroup of prime order
    (``ShiftGroup.lines``; the others follow by the group law)."""
    reps = [v for v in group.classes() if any(v)]
    if len(reps) * draws * _work(arch, node_sizes(arch, group.size)) <= SCREEN_WORK:
        return reps
    return group.lines()


def _work(arch: Architecture, sizes: dict[str, Shift]) -> int:
    """Multiply-adds (or comparisons) of one evaluation of ``arch``, roughly."""
    channels = arch.channels()
    total = 0
    for node in arch.nodes[1:]:
        per_output = math.prod(node.kernel_size) if node.op in ("conv", "maxpool",
                                                               "avgpool") else 1
        if node.op == "conv":
            per_output *= channels[node.inputs[0]] // node.groups
        total += per_output * channels[node.id] * math.prod(sizes[node.id])
    return max(total, 1)


def _other_classes(arch: Architecture, group: ShiftGroup, samples: Sequence[_Sample],
                   backend: Backend, proof_weights: Weights | None, small: bool, rlimit: int,
                   prove_regions: bool, budget: int, mode: str,
                   with_regions: bool, screened: Sequence[Shift]) -> list[ShiftVerdict]:
    reps = [v for v in group.classes() if any(v)]
    members = group.order
    axes = tuple(range(1, 1 + arch.dims))
    exact = backend.exact
    # Screening: f(T_v x) on every sample for every screened representative (every class, or
    # one per subgroup of prime order when that is too much work), the matching output shifts.
    found: dict[Shift, Counterexample] = {}
    matched: dict[Shift, set[Shift] | None] = {v: None for v in screened}
    regions: dict[Shift, np.ndarray] = {}
    impulses = _impulse_responses(arch, samples, backend) if with_regions else None
    for k, sample in enumerate(samples):
        todo = [v for v in screened if v not in found]
        for v, z in zip(todo, _shifted_outputs(arch, sample, todo, backend), strict=True):
            u = scaled(v, group.size, group.output_size)
            agree = np.asarray(close(z, np.roll(sample.y, u, axis=axes), exact).all(axis=0))
            if impulses is not None:
                agree &= close(_impulses_shifted(impulses[k], sample.x.shape, v),
                               np.roll(impulses[k], u, axis=tuple(a + 1 for a in axes)),
                               exact).all(axis=(0, 1))
            if with_regions:
                regions[v] = agree if v not in regions else regions[v] & agree
            us = set(matching_shifts(sample.y, z, exact))
            if not us:
                found[v] = Counterexample(v, sample.x, sample.y, z,
                                          np.roll(sample.y, u, axis=axes), sample.seed,
                                          sample.weights)
            else:
                before = matched[v]
                matched[v] = us if before is None else before & us
    # More inputs for the classes not yet refuted: impulses (small sizes), random inputs.
    for v in screened:
        if v not in found:
            if impulses is None:
                impulses = _impulse_responses(arch, samples, backend)
            cx = _more_tries(arch, v, samples, backend, group, impulses)
            if cx is not None:
                found[v] = cx
    cache: dict[bytes, np.ndarray] = {}
    verdicts = []
    rechecked = 0
    for v in reps:
        region = regions.get(v)
        u = scaled(v, group.size, group.output_size)
        if v not in matched:  # not screened: the group law, from a refuted subgroup
            verdicts.append(_by_group_law(group, v, found))
            continue
        if v in found:
            cx = found[v]
            if rechecked < budget:
                cx = recheck(arch, cx, exact, cache)
                rechecked += 1
            how = f"re-checked by {REFERENCE}" if cx.rechecked_by else \
                f"exact (fast engine), not re-checked by the reference (its budget: {budget})"
            evidence = (f"counterexample at the class representative ({how}); the class is "
                        f"v = {list(v)} mod {list(group.period)}: not respected, as the "
                        "calculus says")
            if region is not None and prove_regions and region.any():
                proof = prove_shift(arch, group.size, v, u, proof_weights, positions=region,
                                    rlimit=rlimit)
                evidence += f"; agreement region {'proved' if proof.proved else proof.status} " \
                            "by z3 inside, refuted by samples outside"
            verdicts.append(ShiftVerdict(v, "not-respected", None, evidence, cx, region,
                                         group.period, members, u))
            continue
        candidates = sorted(matched[v] or ())
        if mode != "symbolic" and small and candidates:
            proof = prove_shift(arch, group.size, v, candidates[0], proof_weights, rlimit=rlimit)
            if proof.proved:
                verdicts.append(ShiftVerdict(v, "respected", candidates[0], "proof: z3 unsat "
                                             "for these weights (not for every weight: the "
                                             "calculus does not keep this class)", None, None,
                                             group.period, members))
                continue
        verdicts.append(ShiftVerdict(v, "unknown", candidates[0] if candidates else None,
                                     "the calculus does not keep this class, but no sample "
                                     "refutes it (every input tried matched output shift(s) "
                                     f"{[list(c) for c in candidates]})", None, region,
                                     group.period, members, u))
    return verdicts


def _by_group_law(group: ShiftGroup, v: Shift, found: dict[Shift, Counterexample]
                  ) -> ShiftVerdict:
    """A class that was not screened: refuted when one of its prime-order multiples was (were
    v respected, so would be every multiple of v), else unknown."""
    refuted = [w for w in group.prime_multiples(v) if w in found]
    if not refuted:
        return ShiftVerdict(v, "unknown", None, "not screened (more than SCREEN_WORK "
                            "multiply-adds for every class), and none of its prime-order "
                            f"multiples {[list(w) for w in group.prime_multiples(v)]} is "
                            "refuted", period=group.period, members=group.order)
    w = refuted[0]
    k = next(k for k in range(1, group.order_of(v)) if tuple(
        a * k % g for a, g in zip(v, group.period, strict=True)) == w)
    return ShiftVerdict(v, "not-respected", None, f"group law: were v = {list(v)} respected, "
                        f"so would be {k} v = {list(w)} mod {list(group.period)}, whose class "
                        "has a counterexample; this class was not screened itself (more than "
                        "SCREEN_WORK multiply-adds for every class), so it has no "
                        "counterexample of its own", None, None, group.period, group.order)


def _impulse_responses(arch: Architecture, samples: Sequence[_Sample],
                       backend: Backend) -> list[np.ndarray] | None:
    """f(e_p) for every impulse p (C N^d of them), per sample, when C N^d <= IMPULSE_SIZE and
    the evaluations fit in IMPULSE_WORK."""
    shape = samples[0].x.shape if samples else ()
    count = math.prod(shape)
    if not samples or count > IMPULSE_SIZE or \
            count * len(samples) * _work(arch, node_sizes(arch, shape[1:])) > IMPULSE_WORK:
        return None
    eye = np.eye(count, dtype=np.int64).reshape(count, *shape)
    return [np.concatenate(list(_batched(arch, s.weights, eye, backend))) for s in samples]


def _batched(arch: Architecture, weights: Weights, inputs: np.ndarray,
             backend: Backend) -> Iterator[np.ndarray]:
    for first in range(0, len(inputs), BATCH * 16):
        yield evaluate(arch, backend.asarray(inputs[first:first + BATCH * 16]), weights, backend)


def _impulses_shifted(responses: np.ndarray, shape: Sequence[int], v: Shift) -> np.ndarray:
    """f(T_v e_p) = f(e_(p + v)) for every impulse p, from the impulse responses."""
    index = np.arange(responses.shape[0]).reshape(shape)
    axes = tuple(range(1, len(shape)))
    return responses[np.roll(index, tuple(-a for a in v), axis=axes).ravel()]


def _more_tries(arch: Architecture, v: Shift, samples: Sequence[_Sample], backend: Backend,
                group: ShiftGroup, impulses: list[np.ndarray] | None) -> Counterexample | None:
    """Impulses (when small) and a few more random inputs, per sample, until no output shift
    matches."""
    axes = tuple(range(1, 1 + arch.dims))
    u = scaled(v, group.size, group.output_size)
    for k, sample in enumerate(samples):
        tries: Iterable[tuple[np.ndarray, np.ndarray, np.ndarray]] = extra_tries(
            arch, sample.weights, sample.seed, sample.x.shape, v, backend)  # lazily
        if impulses is not None:
            count = impulses[k].shape[0]
            eye = np.eye(count, dtype=np.int64).reshape(count, *sample.x.shape)
            shifted = _impulses_shifted(impulses[k], sample.x.shape, v)
            tries = chain(((eye[p], impulses[k][p], shifted[p]) for p in range(count)), tries)
        for x, y, z in tries:
            if not matching_shifts(y, z, backend.exact):
                return Counterexample(v, x, y, z, np.roll(y, u, axis=axes), sample.seed,
                                      sample.weights)
    return None


def _respected(group: ShiftGroup, verdicts: Sequence[ShiftVerdict]) -> dict[Shift, Shift]:
    """Every respected shift with its output shift: H, and (these weights) the extra classes
    r + H with output shift u_r + u(h)."""
    h = group.members()
    out = dict(h)
    for verdict in verdicts:
        if verdict.status == "respected" and any(verdict.shift):
            assert verdict.output_shift is not None
            for v, u in h.items():
                out[tuple((a + b) % k for a, b, k in zip(verdict.shift, v, group.size,
                                                           strict=True))] = tuple(
                    (a + b) % k for a, b, k in zip(verdict.output_shift, u, group.output_size,
                                                   strict=True))
    return out


__all__ = ["PROVE_MODES", "RECHECK_MODES", "WEIGHT_MODES", "all_shifts", "analyze_equivariance",
           "derived_shifts", "numeric_backend", "total_stride"]
