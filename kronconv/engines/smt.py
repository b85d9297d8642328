"""SMT engine: z3 queries bounded by a resource limit, with a vacuity guard.

A statement is hypotheses ==> conclusion. It is proved when

1. the hypotheses alone are satisfiable (otherwise the implication holds vacuously and proves
   nothing: that is an error, raised as :class:`~kronconv.errors.SolverError`), and
2. z3 answers ``unsat`` for hypotheses AND NOT conclusion.

``sat`` gives a counterexample model; ``unknown`` (for instance the resource limit reached) is
neither. Each query runs in a fresh z3 context (so earlier queries cannot influence it), is
bounded by z3's ``rlimit`` (a count of solver steps), never by wall-clock time, and uses a fixed
random seed: the same query gets the same answer on any machine, under any load and in any order
(for a given z3 version).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import z3

from kronconv.errors import SolverError, check_int

Formula = Callable[[], tuple[Sequence[z3.BoolRef], z3.BoolRef]]

PROVED, COUNTEREXAMPLE, UNKNOWN = "proved", "counterexample", "unknown"
# z3 resource units per query: ~50x what the catalogue's largest query needs (~0.9e6, block lemma)
RLIMIT = 50_000_000


@dataclass(frozen=True)
class SmtResult:
    """The answer to one query: proved, counterexample (with a model) or unknown."""

    name: str
    status: str
    seconds: float
    query: str = ""
    model: dict[str, str] = field(default_factory=dict)
    reason: str = ""
    rlimit: int = RLIMIT
    spent: int = 0  # z3 resource units used by the query

    @property
    def proved(self) -> bool:
        return self.status == PROVED


def _solver(rlimit: int, context: z3.Context) -> z3.Solver:
    solver = z3.Solver(ctx=context)
    solver.set("rlimit", rlimit)
    solver.set("random_seed", 0)
    return solver


def _spent(solver: z3.Solver) -> int:
    stats = solver.statistics()
    keys = stats.keys()
    return int(stats.get_key_value("rlimit count")) if "rlimit count" in keys else 0


def prove(name: str, formula: Formula, *, rlimit: int = RLIMIT) -> SmtResult:
    """Check that ``formula()``'s hypotheses imply its conclusion, within ``rlimit`` z3 resource
    units per query. Raises SolverError when the hypotheses are unsatisfiable (vacuous)."""
    rlimit = check_int("rlimit", rlimit, minimum=1)
    start = time.perf_counter()
    try:
        hypotheses, conclusion = formula()
    except Exception as exc:  # a broken formula builder is the solver's error, reported as one
        raise SolverError(f"z3 failed on {name}: building the formula raised {exc!r}") from exc
    text = f"{z3.And(*hypotheses)} ==> {conclusion}" if hypotheses else str(conclusion)
    context = z3.Context()
    hypotheses = [h.translate(context) for h in hypotheses]
    conclusion = conclusion.translate(context)
    guard = _solver(rlimit, context)
    guard.add(*hypotheses)
    satisfiable = guard.check()
    if satisfiable == z3.unsat:
        raise SolverError(f"z3 on {name}: hypotheses={text.split(' ==> ')[0][:120]!r} are "
                          "unsatisfiable, so the implication holds vacuously; expected "
                          "satisfiable hypotheses")
    if satisfiable == z3.unknown:
        return SmtResult(name, UNKNOWN, time.perf_counter() - start, text, reason=(
            f"satisfiability of the hypotheses: {guard.reason_unknown()}"), rlimit=rlimit,
            spent=_spent(guard))
    solver = _solver(rlimit, context)
    solver.add(*hypotheses)
    solver.add(z3.Not(conclusion))
    answer = solver.check()
    seconds, spent = time.perf_counter() - start, _spent(solver)
    if answer == z3.unsat:
        return SmtResult(name, PROVED, seconds, text, rlimit=rlimit, spent=spent)
    if answer == z3.sat:
        model = solver.model()
        return SmtResult(name, COUNTEREXAMPLE, seconds, text,
                         {str(d): str(model[d]) for d in model.decls()}, rlimit=rlimit,
                         spent=spent)
    return SmtResult(name, UNKNOWN, seconds, text, reason=solver.reason_unknown(),
                     rlimit=rlimit, spent=spent)
