"""The cascade Kronecker identity for every kernel size a and depth L: an induction whose index
obligations are discharged by z3 for symbolic sizes.

Notation (per axis; n axes): C_L is the composite kernel of layers 0..L, d_l = a^l the schedule,
(A *_m B)_t = sum_i A_i B_{t - m i} (a dilated convolution), and numpy.kron's order
(A kron B)_{i m + j} = A_i B_j for B of extent m.

    base      C_0 = K_0                                     (delta is the unit)
    extent    ext(C_L) = 1 + sum_{l<=L} (a - 1) a^l = a^{L+1}
    schedule  d_{L+1} = a^{L+1} = ext(C_L)
    block     for B of extent exactly m:  A *_m B = A kron B  (index lemma: t = i m + j is a
              bijection [0,a) x [0,m) -> [0, a m), so each output sums exactly one product)
    step      C_{L+1} = K_{L+1} *_{d_{L+1}} C_L = K_{L+1} kron C_L = K_{L+1} kron ... kron K_0

Wrong variants (wrong factor order, dilations a^{l+1}, an extent off by one) are parameters, so
tests can check that each breaks the proof.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import z3

from kronconv.engines.smt import Formula, SmtResult, prove
from kronconv.errors import check_choice, check_int
from kronconv.evidence import Evidence

FACTOR_ORDERS = ("most-dilated-first", "reversed")


@dataclass(frozen=True)
class Variant:
    """Which statement to prove: the true one, or a deliberately wrong twin."""

    factor_order: str = "most-dilated-first"
    dilation_offset: int = 0  # d_l = a^(l + offset)
    extent_offset: int = 0  # claimed ext(C_L) = a^(L+1) + offset

    def __post_init__(self) -> None:
        check_choice("factor_order", self.factor_order, FACTOR_ORDERS)
        check_int("dilation_offset", self.dilation_offset, minimum=0, maximum=1)
        check_int("extent_offset", self.extent_offset, minimum=-1, maximum=1)


STEP_STATUSES = ("proved", "failed", "unchecked", "cited")


@dataclass(frozen=True)
class ProofStep:
    """One step: a statement (LaTeX), how it is justified, and the z3 results behind it.

    Its status: ``proved`` (every z3 obligation proved), ``failed`` (one was not), ``cited`` (a
    standard theorem, method 'theorem', that no checker here runs) or ``unchecked`` (no checker
    result at all: a step is never proved by default)."""

    id: str
    statement: str
    method: str  # z3 | definition | theorem
    justification: str
    results: tuple[SmtResult, ...] = ()

    @property
    def status(self) -> str:
        if self.results:
            return "proved" if all(result.proved for result in self.results) else "failed"
        return "cited" if self.method == "theorem" else "unchecked"

    @property
    def holds(self) -> bool:
        return self.status == "proved"


@dataclass(frozen=True)
class InductionProof:
    """The induction's steps. It ``holds`` when no checked step failed; what it relies on
    without a checker (cited theorems, unchecked steps) is listed in :attr:`rests_on`."""

    dims: int
    variant: Variant
    steps: tuple[ProofStep, ...] = field(default_factory=tuple)

    @property
    def holds(self) -> bool:
        return not any(step.status == "failed" for step in self.steps)

    @property
    def rests_on(self) -> tuple[str, ...]:
        return tuple(f"{step.id} ({step.status}: {step.justification})" for step in self.steps
                     if step.status in ("cited", "unchecked"))

    @property
    def obligations(self) -> int:
        return sum(len(step.results) for step in self.steps)

    @property
    def failures(self) -> list[SmtResult]:
        return [r for step in self.steps for r in step.results if not r.proved]

    def evidence(self) -> Evidence:
        """The induction as ``proof`` evidence for the whole statement (every a and L), listing
        what it rests on; refused (AssertionError) when a checked step failed."""
        if not self.holds:
            raise AssertionError(f"induction step failed: {self.failures[0]}")
        steps = ", ".join(f"{s.id} ({s.status})" for s in self.steps)
        return Evidence("smt", "proof", f"induction on L for every a >= 1, L >= 0 in "
                        f"{self.dims}D; steps: {steps}; {self.obligations} z3 obligations, each "
                        "proved by unsat of its negation under satisfiable hypotheses",
                        rests_on=self.rests_on, general=True,
                        data={"steps": {s.id: s.status for s in self.steps}})


# -- index obligations (per axis, conjoined over the n axes) -------------------------------------
def _axes(prefix: str, dims: int) -> list[z3.ArithRef]:
    return [z3.Int(f"{prefix}{axis}") for axis in range(dims)]


def _in_box(values: list[z3.ArithRef], bounds: list[z3.ArithRef]) -> z3.BoolRef:
    return z3.And(*[z3.And(v >= 0, v < b) for v, b in zip(values, bounds, strict=True)])


def index_lemma_obligations(dims: int = 1, inner_slack: int = 0) -> dict[str, Formula]:
    """(i, j) -> i m + j maps [0,a) x [0,m) one-to-one onto [0, a m), for symbolic a, m >= 1.

    ``inner_slack`` = 1 lets j range over [0, m], a wrong variant that must fail."""

    def setup() -> tuple[list[z3.ArithRef], list[z3.ArithRef], list[z3.BoolRef]]:
        a, m = _axes("a", dims), _axes("m", dims)
        return a, m, [x >= 1 for x in a + m]

    def domain(i: list[z3.ArithRef], j: list[z3.ArithRef], a: list[z3.ArithRef],
               m: list[z3.ArithRef]) -> z3.BoolRef:
        return z3.And(_in_box(i, a), *[z3.And(y >= 0, y < n + inner_slack)
                                       for y, n in zip(j, m, strict=True)])

    def into() -> tuple[list[z3.BoolRef], z3.BoolRef]:
        a, m, positive = setup()
        i, j = _axes("i", dims), _axes("j", dims)
        images = [x * n + y for x, n, y in zip(i, m, j, strict=True)]
        return [*positive, domain(i, j, a, m)], _in_box(images, [x * n for x, n in zip(a, m,
                                                                                     strict=True)])

    def injective() -> tuple[list[z3.BoolRef], z3.BoolRef]:
        a, m, positive = setup()
        i, j, i2, j2 = (_axes(p, dims) for p in ("i", "j", "k", "l"))
        same = [x * n + y == x2 * n + y2 for x, y, x2, y2, n in zip(i, j, i2, j2, m,
                                                                    strict=True)]
        return ([*positive, domain(i, j, a, m), domain(i2, j2, a, m), *same],
                z3.And(*[x == x2 for x, x2 in zip(i + j, i2 + j2, strict=True)]))

    def onto() -> tuple[list[z3.BoolRef], z3.BoolRef]:
        a, m, positive = setup()
        t = _axes("t", dims)
        quotient = [x / n for x, n in zip(t, m, strict=True)]
        remainder = [x % n for x, n in zip(t, m, strict=True)]
        exact = [q * n + r == x for q, n, r, x in zip(quotient, m, remainder, t, strict=True)]
        return ([*positive, _in_box(t, [x * n for x, n in zip(a, m, strict=True)])],
                z3.And(domain(quotient, remainder, a, m), *exact))

    return {"into": into, "injective": injective, "onto": onto}


def block_lemma_obligations(dims: int, factor_order: str) -> dict[str, Formula]:
    """(A *_m B)_t = sum over {i in [0,a): t - m i in [0,m)} of A_i B_{t - m i} has exactly one
    term, A_{t div m} B_{t mod m} = (A kron B)_t, for t in [0, a m), and none outside.

    With factor_order='reversed' the claimed right side is (B kron A)_t = B_{t div a} A_{t mod a},
    which must fail."""

    def setup() -> tuple[list[z3.ArithRef], ...]:
        return _axes("a", dims), _axes("m", dims), _axes("t", dims), _axes("i", dims)

    def contributor(i: list[z3.ArithRef], t: list[z3.ArithRef], a: list[z3.ArithRef],
                    m: list[z3.ArithRef]) -> z3.BoolRef:
        return z3.And(_in_box(i, a), _in_box([x - n * y for x, n, y in zip(t, m, i,
                                                                         strict=True)], m))

    def positive(a: list[z3.ArithRef], m: list[z3.ArithRef]) -> list[z3.BoolRef]:
        return [x >= 1 for x in a + m]

    def box(a: list[z3.ArithRef], m: list[z3.ArithRef]) -> list[z3.ArithRef]:
        return [x * n for x, n in zip(a, m, strict=True)]

    def one_term() -> tuple[list[z3.BoolRef], z3.BoolRef]:
        # Every contributor i equals the kron index of the claimed factor order.
        a, m, t, i = setup()
        if factor_order == "most-dilated-first":
            same = [z3.And(y == x / n, x - n * y == x % n) for x, n, y in zip(t, m, i,
                                                                            strict=True)]
        else:  # (B kron A)_t reads A at t mod a and B at t div a
            same = [z3.And(y == x % k, x - n * y == x / k) for x, n, y, k in zip(t, m, i, a,
                                                                               strict=True)]
        return [*positive(a, m), contributor(i, t, a, m)], z3.And(*same)

    def exists() -> tuple[list[z3.BoolRef], z3.BoolRef]:
        a, m, t, _ = setup()
        quotient = [x / n for x, n in zip(t, m, strict=True)]
        return [*positive(a, m), _in_box(t, box(a, m))], contributor(quotient, t, a, m)

    def empty_outside() -> tuple[list[z3.BoolRef], z3.BoolRef]:
        a, m, t, i = setup()
        return ([*positive(a, m), z3.Not(_in_box(t, box(a, m)))],
                z3.Not(contributor(i, t, a, m)))

    return {"one-term": one_term, "exists": exists, "empty-outside": empty_outside}


def schedule_obligations(variant: Variant) -> dict[str, Formula]:
    """Extent and schedule, by induction on L, with P standing for a^(L+1).

    base:  ext(C_0) = 1 + (a - 1) d_0 is the claimed a + offset
    step:  ext(C_L) = P + offset  ==>  ext(C_L) + (a - 1) d_{L+1} = a P + offset
    match: d_{L+1} = ext(C_L), so the block lemma applies with m = ext(C_L)."""
    shift, off = variant.dilation_offset, variant.extent_offset

    def variables() -> tuple[z3.ArithRef, z3.ArithRef, list[z3.BoolRef]]:
        a, power = z3.Ints("a P")
        return a, power, [a >= 1, power >= 1]

    def base() -> tuple[list[z3.BoolRef], z3.BoolRef]:
        a, _, facts = variables()
        first_dilation = a if shift else z3.IntVal(1)  # a^(0 + shift)
        return facts, 1 + (a - 1) * first_dilation == a + off

    def step() -> tuple[list[z3.BoolRef], z3.BoolRef]:
        a, power, facts = variables()
        extent = power + off  # induction hypothesis
        dilation = power * a if shift else power  # a^(L+1+shift)
        return facts, extent + (a - 1) * dilation == a * power + off

    def match() -> tuple[list[z3.BoolRef], z3.BoolRef]:
        a, power, facts = variables()
        dilation = power * a if shift else power
        return facts, dilation == power + off

    return {"extent-base": base, "extent-step": step, "dilation-matches-extent": match}


def unit_obligations(dims: int) -> dict[str, Formula]:
    """Base case C_0 = K_0 *_1 delta = K_0: the terms of sum_i K_i delta_{t - i} with t - i = 0
    are exactly i = t for t in [0, a)."""

    def unit() -> tuple[list[z3.BoolRef], z3.BoolRef]:
        a, t, i = _axes("a", dims), _axes("t", dims), _axes("i", dims)
        hyps = [*[x >= 1 for x in a], _in_box(i, a),
                *[x - y == 0 for x, y in zip(t, i, strict=True)]]
        return hyps, z3.And(_in_box(t, a), *[x == y for x, y in zip(i, t, strict=True)])

    return {"delta-unit": unit}


def kron_associativity_obligations() -> dict[str, Formula]:
    """(A kron B) kron C = A kron (B kron C): both index (i, j, k) as (i m1 + j) m2 + k."""

    def associative() -> tuple[list[z3.BoolRef], z3.BoolRef]:
        i, j, k, m1, m2 = z3.Ints("i j k m1 m2")
        return [m1 >= 1, m2 >= 1], (i * m1 + j) * m2 + k == i * (m1 * m2) + (j * m2 + k)

    return {"index": associative}


def z(step_id: str, obligations: dict[str, Formula]) -> tuple[SmtResult, ...]:
    return tuple(prove(f"{step_id}/{name}", formula) for name, formula in obligations.items())


def cascade_identity_proof(dims: int = 2, variant: Variant | None = None) -> InductionProof:
    """Build and check the induction for every a >= 1 and L >= 0 in ``dims`` dimensions."""
    dims = check_int("dims", dims, minimum=1, maximum=3)
    variant = variant or Variant()

    steps = (
        ProofStep("associativity", r"K_{L+1} *_{d} (C_L * F) = (K_{L+1} *_{d} C_L) * F",
                  "theorem", "convolution of finitely supported arrays is associative "
                  r"(the group ring $\mathbb{Z}[\mathbb{Z}^n]$ is a ring); checked symbolically "
                  "at explicit sizes"),
        ProofStep("base", r"C_0 = K_0 *_{1} \delta = K_0", "z3",
                  r"the only term of $\sum_i K_i \delta_{t-i}$ is $i = t$, for $t \in [0, a)$",
                  z("base", unit_obligations(dims))),
        ProofStep("extent", r"\operatorname{ext}(C_L) = 1 + \sum_{l \le L} (a-1) a^l = a^{L+1}",
                  "z3", r"induction on $L$ with $P = a^{L+1}$; $d_{L+1} = \operatorname{ext}(C_L)$",
                  z("extent", schedule_obligations(variant))),
        ProofStep("index-lemma", r"(i, j) \mapsto i m + j:\ [0,a) \times [0,m) \to [0, a m) "
                  r"\text{ is a bijection}", "z3", "into, injective and onto for symbolic $a, m$",
                  z("index-lemma", index_lemma_obligations(dims))),
        ProofStep("block-lemma", r"\operatorname{ext}(B) = m \implies "
                  r"A *_{m} B = A \otimes B", "z3",
                  r"each output is a sum over exactly one pair $(\lfloor t/m \rfloor, t \bmod m)$",
                  z("block-lemma", block_lemma_obligations(dims, variant.factor_order))),
        ProofStep("kron-associativity", r"(A \otimes B) \otimes C = A \otimes (B \otimes C)",
                  "z3", "both index $(i, j, k)$ as $(i m_1 + j) m_2 + k$",
                  z("kron-associativity", kron_associativity_obligations())),
        ProofStep("step", r"C_{L+1} = K_{L+1} *_{a^{L+1}} C_L = K_{L+1} \otimes C_L "
                  r"= K_{L+1} \otimes K_L \otimes \cdots \otimes K_0", "definition",
                  r"block lemma with $m = \operatorname{ext}(C_L) = d_{L+1}$ (extent step), the "
                  r"induction hypothesis, and associativity of $\otimes$"),
    )
    return InductionProof(dims, variant, steps)
