"""SMT engine: z3 queries with a hard time limit.

A statement is proved when z3 answers ``unsat`` for hypotheses AND NOT conclusion. ``sat`` gives
a counterexample model; ``unknown`` (or running out of time) is neither. z3's soft timeout is not
always honoured, so each query runs in a forked child process that is killed at the hard limit.
"""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import z3

from kronconv.errors import SolverError

Formula = Callable[[], tuple[Sequence[z3.BoolRef], z3.BoolRef]]

PROVED, COUNTEREXAMPLE, UNKNOWN = "proved", "counterexample", "unknown"


@dataclass(frozen=True)
class SmtResult:
    """The answer to one query: proved, counterexample (with a model) or unknown."""

    name: str
    status: str
    seconds: float
    query: str = ""
    model: dict[str, str] = field(default_factory=dict)
    reason: str = ""

    @property
    def proved(self) -> bool:
        return self.status == PROVED


def _solve(formula: Formula, soft_ms: int) -> tuple[str, dict[str, str], str, str]:
    hypotheses, conclusion = formula()
    solver = z3.Solver()
    solver.set(timeout=soft_ms)
    solver.add(*hypotheses)
    solver.add(z3.Not(conclusion))
    text = f"{z3.And(*hypotheses)} ==> {conclusion}" if hypotheses else str(conclusion)
    answer = solver.check()
    if answer == z3.unsat:
        return PROVED, {}, text, ""
    if answer == z3.sat:
        model = solver.model()
        return COUNTEREXAMPLE, {str(d): str(model[d]) for d in model.decls()}, text, ""
    return UNKNOWN, {}, text, solver.reason_unknown()


def _child(formula: Formula, soft_ms: int, conn: multiprocessing.connection.Connection) -> None:
    try:
        conn.send(("ok", _solve(formula, soft_ms)))
    except Exception as exc:  # report any failure of the child to the parent
        conn.send(("error", repr(exc)))
    finally:
        conn.close()


def prove(name: str, formula: Formula, *, timeout: float = 30.0) -> SmtResult:
    """Check that ``formula()``'s hypotheses imply its conclusion, within ``timeout`` seconds."""
    start = time.perf_counter()
    context = multiprocessing.get_context("fork")
    parent, child = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(formula, int(timeout * 1000), child))
    process.start()
    child.close()
    ready = parent.poll(timeout)
    if not ready:
        process.kill()
        process.join()
        return SmtResult(name, UNKNOWN, time.perf_counter() - start,
                         reason=f"hard time limit of {timeout:g} s reached")
    kind, payload = parent.recv()
    process.join()
    if kind == "error":
        raise SolverError(f"z3 failed on {name}: {payload}")
    status, model, query, reason = payload
    return SmtResult(name, status, time.perf_counter() - start, query, model, reason)
