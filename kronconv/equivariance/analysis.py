"""Which cyclic shifts an architecture respects, exactly, with the output shift of each.

Setting: an input of N entries per axis on the circular domain Z_N^d, the shift
(T_v x)[i] = x[i - v]. A shift v is *respected* with output shift u when f(T_v x) = T_u f(x)
for every input x. Two questions, never mixed up:

- ``all-weights`` (``weights="symbolic"``): for every choice of weights -- the architecture's
  property; proofs use z3 with symbolic weights, counterexamples are one weight draw and one
  input;
- ``these-weights`` (``weights="random"`` with a seed, or explicit weights): for one network.

Method. (1) Screening, exact arithmetic: for every v, the set U(v) of output shifts u with
f(T_v x) = T_u f(x) on a random input and on every basis impulse, for two weight draws (or the
given weights). (2) Every v with U(v) empty gets a minimal counterexample (an impulse if one
works, else the random input) re-checked by the naive reference engine, with no output shift
at all matching. (3) The pairs (v, u) respected form a subgroup of Z_N^d x Z_M^d (compose the
two equalities), so z3 proves f(T_v x) = T_u f(x) for symbolic x (``unsat`` of the negation)
for a generating set of the screened shifts only, and the group they generate is proved.
Anything neither proved nor refuted is reported ``unknown``.

The shift calculus gives the expected rule: v must keep every node's grid, i.e. v n_k / N is an
integer for the size n_k of every node k feeding the output, and then u = v M / N. Per axis,
that is v a multiple of the total stride S = lcm_k N / gcd(N, n_k).
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import product
from typing import Any

import numpy as np

from kronconv.engines.smt import SmtResult
from kronconv.equivariance.smt import prove_shift
from kronconv.errors import check_choice
from kronconv.semantics.backends import Backend, get_backend
from kronconv.semantics.evaluate import evaluate
from kronconv.semantics.reference import reference_evaluate
from kronconv.semantics.shapes import node_sizes
from kronconv.semantics.weights import Weights, random_weights
from kronconv.specs.architecture import Architecture

Shift = tuple[int, ...]
WEIGHT_MODES = ("symbolic", "random")
METHODS = ("generators", "each")
QUESTION = {"symbolic": "all-weights", "random": "these-weights", "given": "these-weights"}
FLOAT_TOLERANCE = 1e-9  # relative; see numeric_backend
MAX_FAILED_PROOFS = 2


@dataclass(frozen=True)
class Counterexample:
    """An input x (C, *N) and weights for which f(T_v x) equals no cyclic shift of f(x)."""

    shift: Shift
    input: np.ndarray
    output: np.ndarray  # f(x)
    shifted_output: np.ndarray  # f(T_v x)
    expected_output: np.ndarray | None  # T_u f(x) for the rule's u, when there is one
    weights_seed: int | None
    weights: Weights | None = None
    rechecked_by: str = "reference (naive loops, Python numbers)"


@dataclass(frozen=True)
class ShiftVerdict:
    shift: Shift
    status: str  # respected | not-respected | unknown
    output_shift: Shift | None = None
    evidence: str = ""
    counterexample: Counterexample | None = None
    region: np.ndarray | None = None  # screened agreement mask (output grid) for the rule's u


@dataclass(frozen=True)
class EquivarianceResult:
    name: str
    size: Shift
    output_size: Shift
    question: str
    weights: str
    seed: int | None
    total_stride: Shift
    verdicts: tuple[ShiftVerdict, ...]
    generators: tuple[tuple[Shift, Shift], ...] = ()
    proofs: tuple[SmtResult, ...] = ()
    seconds: float = 0.0
    notes: tuple[str, ...] = field(default_factory=tuple)

    def with_status(self, status: str) -> list[ShiftVerdict]:
        return [v for v in self.verdicts if v.status == status]

    @property
    def respected(self) -> dict[Shift, Shift]:
        return {v.shift: v.output_shift for v in self.with_status("respected")
                if v.output_shift is not None}

    def rule_shifts(self) -> set[Shift]:
        return {v for v in all_shifts(self.size)
                if all(a % s == 0 for a, s in zip(v, self.total_stride, strict=True))}

    @property
    def question_text(self) -> str:
        if self.question == "all-weights":
            return "respected for every choice of weights (symbolic weights in z3)"
        seed = f" (random, seed {self.seed})" if self.seed is not None else ""
        return "respected by these weights" + seed

    def _repr_html_(self) -> str:
        from kronconv.render.notebook import equivariance_html

        return equivariance_html(self)

    def _repr_latex_(self) -> str:
        from kronconv.render.notebook import equivariance_latex

        return equivariance_latex(self)


def _plain(a: np.ndarray) -> Any:
    return np.vectorize(_scalar, otypes=[object])(a).tolist() if a.size else []


def _scalar(v: Any) -> Any:
    if isinstance(v, float | np.floating):
        return float(v)
    if hasattr(v, "denominator") and v.denominator != 1:
        return str(v)
    return int(v)


def region_json(mask: np.ndarray) -> dict[str, Any]:
    """An agreement mask as a count and, when it is a product of per-axis sets, those sets."""
    axes = [sorted({int(i[a]) for i in zip(*np.nonzero(mask), strict=True)})
            for a in range(mask.ndim)]
    is_product = mask.sum() == math.prod(len(a) for a in axes)
    out: dict[str, Any] = {"positions": int(mask.sum()), "of": int(mask.size),
                           "evidence": "screened: every position outside differs on a sample "
                                       "(certain); positions inside agreed on every sample"}
    if is_product:
        out["per_axis"] = axes
    else:
        out["positions_list"] = [list(map(int, i)) for i in zip(*np.nonzero(mask), strict=True)]
    return out


def all_shifts(size: Sequence[int]) -> list[Shift]:
    return [tuple(v) for v in product(*(range(n) for n in size))]


def total_stride(arch: Architecture, sizes: dict[str, Shift]) -> Shift:
    """Per axis lcm over the nodes feeding the output of N / gcd(N, n_k) (module doc)."""
    feeding = arch.ancestors()[arch.output]
    n = sizes[arch.input.id]
    return tuple(math.lcm(*(n[a] // math.gcd(n[a], sizes[k][a]) for k in feeding))
                 for a in range(arch.dims))


def numeric_backend(arch: Architecture) -> Backend:
    """Exact arithmetic unless tanh/sigmoid: then float64, and outputs are compared with a
    relative tolerance of 1e-9: the shifted and the unshifted computation apply the same
    operations to the same numbers, so they differ at most by libm's last-bit differences,
    while a genuine violation on integer inputs differs by far more."""
    uses_float = any(node.op in ("tanh", "sigmoid") for node in arch.nodes)
    return get_backend("float" if uses_float else "exact")


def _close(a: np.ndarray, b: np.ndarray, exact: bool) -> np.ndarray:
    """Elementwise agreement of two output batches."""
    if exact:
        return np.asarray(a == b, dtype=bool)
    scale = 1.0 + max(float(np.abs(a).max(initial=0)), float(np.abs(b).max(initial=0)))
    return np.abs(a.astype(float) - b.astype(float)) <= FLOAT_TOLERANCE * scale


# -- the analysis ------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Draw:
    """One weight choice with its screening evaluations (exact arithmetic)."""

    weights: Weights
    seed: int | None
    x: np.ndarray  # a random input (C, *N)
    rolled: np.ndarray  # f(T_v x) for every v, in the order of all_shifts (V, C', *M)
    impulses: np.ndarray  # f(e_(c, p)) for every channel c and position p (C N^d, C', *M)


def analyze_equivariance(arch: Architecture, size: int | Sequence[int], *,
                         weights: str = "symbolic", seed: int = 0,
                         given: Weights | None = None, method: str = "generators",
                         timeout: float = 60.0, name: str = "") -> EquivarianceResult:
    """Every cyclic shift of a ``size`` input: respected (proved), not (counterexample) or
    unknown; ``weights`` picks the question (module doc), ``given`` fixes explicit weights."""
    start = time.perf_counter()
    check_choice("weights", weights, WEIGHT_MODES)
    check_choice("method", method, METHODS)
    # 1. Sizes (one clear error for a bad size) and the rule of the shift calculus.
    sizes = node_sizes(arch, size)
    n, m = sizes[arch.input.id], sizes[arch.output]
    stride = total_stride(arch, sizes)
    mode = "given" if given is not None else weights
    backend = numeric_backend(arch)
    # 2. Screening: the candidate output shifts U(v) of every shift v.
    if mode == "symbolic":
        draws = _live_draws(arch, n, seed, backend)
    else:
        draws = [_screen(arch, n, given if given is not None else random_weights(arch, seed),
                         None if given is not None else seed, backend)]
    shifts = all_shifts(n)
    candidates = {v: _candidates(draws, v, m, backend.exact) for v in shifts}
    # 3. Proofs for a generating set of the screened shifts.
    rule = {v: _rule_shift(v, n, m, stride) for v in shifts}
    chosen: dict[Shift, Shift] = {}
    for v, us in candidates.items():
        if us:
            best = rule[v]
            chosen[v] = best if best is not None and best in us else min(us)
    proof_weights = None if mode == "symbolic" else draws[0].weights
    proved, gens, proofs = _prove(arch, n, m, chosen, proof_weights, method, timeout)
    # 4. A verdict for every shift.
    verdicts = []
    references: dict[bytes, np.ndarray] = {}
    for v in shifts:
        if v in proved:
            how = "z3 unsat for this shift" if method == "each" or v in dict(gens) else \
                "z3 unsat for the generators " + ", ".join(str(list(g)) for g, _ in gens)
            verdicts.append(ShiftVerdict(v, "respected", proved[v], "proof: " + how))
        elif candidates[v]:
            verdicts.append(ShiftVerdict(v, "unknown", chosen[v], "screening found output "
                                         "shift(s) " + str([list(u) for u in candidates[v]])
                                         + " but z3 did not prove one"))
        else:
            cx = _counterexample(arch, draws, v, m, rule[v], backend, references)
            region = _region(draws, v, rule[v]) if rule[v] is not None or m == n else None
            if cx is None:
                verdicts.append(ShiftVerdict(v, "unknown", None, "no sample matched any output "
                                             "shift, but no single input refutes every one",
                                             region=region))
            else:
                verdicts.append(ShiftVerdict(v, "not-respected", None, "counterexample, "
                                             "re-checked by " + cx.rechecked_by, cx, region))
    return EquivarianceResult(name, n, m, QUESTION[mode], mode,
                              seed if given is None else None, stride, tuple(verdicts),
                              tuple(gens), tuple(proofs), time.perf_counter() - start)


def _live_draws(arch: Architecture, n: Shift, seed: int, backend: Backend,
                count: int = 2, tries: int = 12) -> list[_Draw]:
    """``count`` weight draws whose output depends on the input (a draw whose ReLUs all die
    makes f constant, and a constant respects every shift: useless for screening). Seeds
    seed, seed + 1, ...; even offsets draw positive weights (ReLUs stay alive on positive
    inputs), odd offsets signed ones."""
    draws: list[_Draw] = []
    for k in range(tries):
        weights = random_weights(arch, seed + k)
        if k % 2 == 0:
            weights = {node: {name: np.abs(a) + 1 for name, a in params.items()}
                       for node, params in weights.items()}
        draw = _screen(arch, n, weights, seed + k, backend)
        flat = draw.impulses.reshape(draw.impulses.shape[0], -1)
        if not (flat == flat[:1]).all():
            draws.append(draw)
        if len(draws) == count:
            break
    return draws or [_screen(arch, n, random_weights(arch, seed), seed, backend)]


def _rule_shift(v: Shift, n: Shift, m: Shift, stride: Shift) -> Shift | None:
    if any(a % s for a, s in zip(v, stride, strict=True)):
        return None
    return tuple(a * mo // no for a, mo, no in zip(v, m, n, strict=True))


def _screen(arch: Architecture, n: Shift, weights: Weights, seed: int | None,
            backend: Backend) -> _Draw:
    rng = np.random.default_rng(seed if seed is not None else 0)
    x = rng.integers(-5, 6, (arch.in_channels, *n))
    axes = tuple(range(1, 1 + arch.dims))
    rolled_inputs = np.stack([np.roll(x, v, axis=axes) for v in all_shifts(n)])
    count = arch.in_channels * math.prod(n)
    impulses = np.eye(count, dtype=np.int64).reshape(count, arch.in_channels, *n)
    return _Draw(weights, seed, x, evaluate(arch, backend.asarray(rolled_inputs), weights,
                                            backend),
                 evaluate(arch, backend.asarray(impulses), weights, backend))


def _all_rolls(y: np.ndarray, m: Shift) -> tuple[list[Shift], np.ndarray]:
    """Every cyclic shift of y (C', *M): T_u y for u in all_shifts(m), stacked."""
    axes = tuple(range(1, y.ndim))
    us = all_shifts(m)
    return us, np.stack([np.roll(y, u, axis=axes) for u in us])


def _matching(y: np.ndarray, z: np.ndarray, m: Shift, exact: bool) -> list[Shift]:
    """Every u with T_u y = z."""
    us, rolls = _all_rolls(y, m)
    ok = np.asarray(_close(rolls, z[None], exact)).reshape(len(us), -1).all(axis=1)
    return [u for u, good in zip(us, list(ok.flat), strict=True) if good]


def _impulses_shifted(draw: _Draw, v: Shift) -> np.ndarray:
    """f(T_v e_p) = f(e_(p + v)) for every impulse p, from the impulse responses."""
    count = draw.impulses.shape[0]
    index = np.arange(count).reshape(draw.x.shape)
    axes = tuple(range(1, draw.x.ndim))
    return draw.impulses[np.roll(index, tuple(-a for a in v), axis=axes).ravel()]


def _agree(draw: _Draw, v: Shift, u: Shift, exact: bool) -> np.ndarray:
    """Output positions where f(T_v x) = T_u f(x) on the random input and every impulse."""
    dims = draw.x.ndim - 1
    index = all_shifts(draw.x.shape[1:]).index(v)
    random_ok = _close(draw.rolled[index],
                       np.roll(draw.rolled[0], u, axis=tuple(range(1, 1 + dims))),
                       exact).all(axis=0)
    impulse_ok = _close(_impulses_shifted(draw, v),
                        np.roll(draw.impulses, u, axis=tuple(range(2, 2 + dims))),
                        exact).all(axis=(0, 1))
    return np.asarray(random_ok & impulse_ok)


def _candidates(draws: Sequence[_Draw], v: Shift, m: Shift, exact: bool) -> list[Shift]:
    first = draws[0]
    index = all_shifts(first.x.shape[1:]).index(v)
    us = _matching(first.rolled[0], first.rolled[index], m, exact)
    return [u for u in us if all(_agree(d, v, u, exact).all() for d in draws)]


def _region(draws: Sequence[_Draw], v: Shift, u: Shift | None) -> np.ndarray:
    shift = u if u is not None else v
    masks = [_agree(d, v, shift, True) for d in draws]
    return np.logical_and.reduce(masks)


def _counterexample(arch: Architecture, draws: Sequence[_Draw], v: Shift, m: Shift,
                    rule: Shift | None, backend: Backend,
                    cache: dict[bytes, np.ndarray]) -> Counterexample | None:
    """The first impulse (else the random input, else one of a few more random inputs) of the
    first draw for which no u matches. The extra inputs matter when every screened input
    matches SOME output shift, each a different one (ties of ReLU zeros and maxima)."""
    axes = tuple(range(1, 1 + arch.dims))
    exact = backend.exact
    for draw in draws:
        shifted = _impulses_shifted(draw, v)
        inputs = np.eye(draw.impulses.shape[0], dtype=np.int64).reshape(-1, *draw.x.shape)
        tries: Iterable[tuple[np.ndarray, np.ndarray, np.ndarray]] = (
            *((inputs[p], draw.impulses[p], shifted[p]) for p in range(len(inputs))),
            (draw.x, draw.rolled[0], draw.rolled[all_shifts(draw.x.shape[1:]).index(v)]),
            *_extra_tries(arch, draw, v, backend))
        for x, y, z in tries:
            if _matching(y, z, m, exact):
                continue
            # Re-check with the naive reference engine, independently of the fast one.
            ref_y = _reference(arch, x, draw.weights, cache)
            ref_z = _reference(arch, np.roll(x, v, axis=axes), draw.weights, cache)
            if _matching(ref_y, ref_z, m, exact) or not _close(ref_y, y, exact).all():
                raise AssertionError(f"the reference engine disagrees on shift {list(v)}")
            expected = None if rule is None else np.roll(y, rule, axis=axes)
            return Counterexample(v, x, y, z, expected, draw.seed, draw.weights)
    return None


def _extra_tries(arch: Architecture, draw: _Draw, v: Shift, backend: Backend,
                 count: int = 8) -> Iterable[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """(x, f(x), f(T_v x)) for ``count`` more seeded random integer inputs (lazily)."""
    rng = np.random.default_rng(1000 + (draw.seed or 0))
    axes = tuple(range(1, 1 + arch.dims))
    for _ in range(count):
        x = rng.integers(-20, 21, draw.x.shape)
        both = evaluate(arch, backend.asarray(np.stack([x, np.roll(x, v, axis=axes)])),
                        draw.weights, backend)
        yield x, both[0], both[1]


def _reference(arch: Architecture, x: np.ndarray, weights: Weights,
               cache: dict[bytes, np.ndarray]) -> np.ndarray:
    key = x.tobytes() + str(x.shape).encode()
    if key not in cache:
        cache[key] = reference_evaluate(arch, x, weights)
    return cache[key]


def _prove(arch: Architecture, n: Shift, m: Shift, chosen: dict[Shift, Shift],
           weights: Weights | None, method: str, timeout: float,
           ) -> tuple[dict[Shift, Shift], list[tuple[Shift, Shift]], list[SmtResult]]:
    """z3 for a generating set (or each shift); returns the proved pairs (v, u)."""
    zero = tuple(0 for _ in n)
    order = sorted((v for v in chosen if v != zero),
                   key=lambda v: (sum(min(a, k - a) for a, k in zip(v, n, strict=True)), v))
    gens: list[tuple[Shift, Shift]] = []
    proofs: list[SmtResult] = []
    group = {zero: tuple(0 for _ in m)}  # f(T_0 x) = T_0 f(x): nothing to prove
    for v in order:
        if method == "generators" and v in group:
            continue
        if sum(not r.proved for r in proofs) >= MAX_FAILED_PROOFS:
            break  # the rest stays unknown: do not spend the time limit again and again
        result = prove_shift(arch, n, v, chosen[v], weights, timeout=timeout)
        proofs.append(result)
        if result.proved:
            gens.append((v, chosen[v]))
            group = _generate(gens, n, m) if method == "generators" else {**group, v: chosen[v]}
    return group, gens, proofs


def _generate(gens: Sequence[tuple[Shift, Shift]], n: Shift, m: Shift) -> dict[Shift, Shift]:
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


# -- the shift calculus, refined -------------------------------------------------------------
def derived_shifts(arch: Architecture, size: int | Sequence[int]) -> dict[Shift, Shift]:
    """The respected shifts predicted by propagating a cyclic shift node by node (per axis):

    - pointwise ops keep the shift w;
    - a conv that stays cyclic (circular padding of total d (k - 1), or a 1-tap window) and a
      pooling without padding map w to w / s when s | w, else nothing (the strided grid moves);
      a conv that reads zero padding (or shrinks the domain) keeps only w = 0;
    - a pooling whose single window covers its whole input (n = s = k) maps EVERY w to 0: a
      max or mean over a whole cyclic domain is invariant (the exception to 'multiples of the
      total stride'); the maxunpool of such a pooling keeps only s | w (argmax ties break by
      position, and a rotation reorders them);
    - maxunpool restores the shift of its pooling node's input; upsample by f gives w f;
      add and concat need the same shift on every input.

    Returns v -> u for every v the calculus keeps (a prediction, compared with the proofs of
    :func:`analyze_equivariance` by :func:`kronconv.equivariance.consistency.small_sweep`)."""
    sizes = node_sizes(arch, size)
    n = sizes[arch.input.id]
    out = {}
    for v in all_shifts(n):
        shifts = _propagate(arch, sizes, v)
        if shifts is not None:
            out[v] = shifts
    return out


def _propagate(arch: Architecture, sizes: dict[str, Shift], v: Shift) -> Shift | None:
    zero = tuple(0 for _ in v)
    shift: dict[str, Shift | None] = {arch.input.id: v}
    for node in arch.nodes[1:]:
        incoming = [shift[i] for i in node.inputs]
        w = incoming[0] if all(s == incoming[0] for s in incoming) else None
        if w is not None and node.op in ("conv", "maxpool", "avgpool"):
            w = _window_shift(node, sizes[node.inputs[0]], w, zero)
        elif w is not None and node.op == "maxunpool":
            assert node.indices is not None
            pool = arch.node(node.indices)
            before = shift[pool.inputs[0]]
            kept = before is not None and all(a % s == 0 for a, s in zip(before, pool.stride,
                                                                          strict=True))
            w = before if kept and shift[pool.id] == w else None
        elif w is not None and node.op == "upsample":
            w = tuple(a * f for a, f in zip(w, node.scale_factor, strict=True))
        shift[node.id] = None if w is None else tuple(
            a % m for a, m in zip(w, sizes[node.id], strict=True))
    return shift[arch.output]


def _window_shift(node: Any, n: Shift, w: Shift, zero: Shift) -> Shift | None:
    pads = [before + after for before, after in node.padding]
    if node.op == "conv":
        cyclic = all(p == d * (k - 1) for p, d, k in zip(pads, node.dilation, node.kernel_size,
                                                         strict=True))
        if not cyclic or (node.padding_mode != "circular" and _reads_padding(node, n)):
            return zero if w == zero else None
    elif any(pads):
        return zero if w == zero else None
    out = []
    for a, length, s, k in zip(w, n, node.stride, node.kernel_size, strict=True):
        if node.op != "conv" and length == s == k:
            out.append(0)  # one window over the whole cyclic axis: invariant along it
        elif a % s:
            return None
        else:
            out.append(a // s)
    return tuple(out)


def _reads_padding(node: Any, n: Shift) -> bool:
    """Does some tap of some computed (strided) output read a padded position? A zero-padded
    conv that never does computes what the circular one computes."""
    for length, s, k, d, (before, _) in zip(n, node.stride, node.kernel_size, node.dilation,
                                            node.padding, strict=True):
        count = (length + sum(node.padding[0]) - d * (k - 1) - 1) // s + 1
        taps = {s * i - before + d * j for i in range(count) for j in range(k)}
        if min(taps) < 0 or max(taps) >= length:
            return True
    return False
