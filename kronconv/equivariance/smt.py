"""z3 formulas for shift equivariance: f(T_v x) = T_u f(x) for a symbolic input x.

Shift convention: (T_v x)[i] = x[i - v] (``numpy.roll(x, v)``), cyclic on every spatial axis.
With symbolic weights the statement is about the architecture (every choice of weights); with
concrete weights it is about those weights. ReLU and max are ``If``-terms, tanh and sigmoid
uninterpreted functions, so an ``unsat`` of the negation proves the equality for every real
input (and every weight, for symbolic weights).

The query is built as z3 terms and handed to the solver as they are (never rendered to text),
and bounded by z3's resource limit ``rlimit`` (a count of solver steps, the same on every
machine), not by wall-clock time: running out of it answers ``unknown`` -- inconclusive, never
a finding.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

import numpy as np
import z3

from kronconv.engines.smt import COUNTEREXAMPLE, PROVED, UNKNOWN, SmtResult
from kronconv.errors import check_int
from kronconv.semantics.backends import Z3Backend
from kronconv.semantics.evaluate import evaluate
from kronconv.semantics.weights import Weights, symbolic_weights
from kronconv.specs.architecture import Architecture

Shift = tuple[int, ...]
DEFAULT_RLIMIT = 20_000_000  # z3 resource units per query (a 16x16 SegNet query needs ~10^6)


def solve(name: str, hypotheses: Sequence[Any], conclusion: Any, rlimit: int) -> SmtResult:
    """hypotheses => conclusion: ``proved`` when z3 answers unsat for its negation within
    ``rlimit`` resource units, ``counterexample`` (with the model) on sat, else ``unknown``."""
    rlimit = check_int("rlimit", rlimit, minimum=1)
    start = time.perf_counter()
    solver = z3.Solver()
    solver.set("rlimit", rlimit)
    solver.add(*hypotheses)
    solver.add(z3.Not(conclusion))
    answer = solver.check()
    seconds = time.perf_counter() - start
    if answer == z3.unsat:
        return SmtResult(name, PROVED, seconds)
    if answer == z3.sat:
        model = solver.model()
        return SmtResult(name, COUNTEREXAMPLE, seconds,
                         model={str(d): str(model[d]) for d in model.decls()})
    reason = solver.reason_unknown()
    if reason in ("canceled", "max. resource limit exceeded"):
        reason = f"resource limit rlimit={rlimit} exhausted (inconclusive)"
    return SmtResult(name, UNKNOWN, seconds, reason=reason)


def symbolic_input(arch: Architecture, size: Sequence[int]) -> np.ndarray:
    """A batch of one input whose entries are the z3 reals x_<c>_<i>_<j>."""
    shape = (1, arch.in_channels, *size)
    x = np.empty(shape, dtype=object)
    for index in np.ndindex(*shape):
        x[index] = z3.Real("x_" + "_".join(map(str, index[1:])))
    return x


def _z3_weights(arch: Architecture, weights: Weights | None, backend: Z3Backend) -> Weights:
    if weights is None:
        return symbolic_weights(arch)
    return {node: {name: backend.asarray(np.asarray(a, dtype=object)) for name, a in p.items()}
            for node, p in weights.items()}


def _equal(a: Any, b: Any) -> Any:
    if isinstance(a, z3.ExprRef) or isinstance(b, z3.ExprRef):
        return a == b
    return z3.BoolVal(bool(a == b))


def _renamed(y: np.ndarray, x: np.ndarray, rolled: np.ndarray) -> np.ndarray:
    """f(T_v x) from the terms y = f(x): the same terms with every input variable x_i replaced
    by (T_v x)_i at once, not a second evaluation. All outputs are substituted in one z3 call
    (as the arguments of one uninterpreted function, so shared subterms are visited once).
    Exact: the terms of f depend on the input only through its variables (every comparison
    with an input entry is a z3 term, so evaluate takes the same branches for any symbolic
    input of this shape)."""
    pairs = [(a, b) for a, b in zip(x.flat, rolled.flat, strict=True) if not a.eq(b)]
    terms = [t if isinstance(t, z3.ExprRef) else z3.RealVal(t) for t in y.flat]
    if not pairs or not terms:
        return y
    bundle = z3.Function("outputs", *[t.sort() for t in terms], z3.BoolSort())
    renamed = z3.substitute(bundle(*terms), *pairs)
    out = np.empty(len(terms), dtype=object)
    out[:] = [renamed.arg(k) for k in range(len(terms))]
    return out.reshape(y.shape)


def shift_statement(arch: Architecture, size: Sequence[int], shift: Shift, output_shift: Shift,
                    weights: Weights | None, positions: np.ndarray | None = None) -> Any:
    """The z3 term f(T_v x) = T_u f(x) at every output position (or at ``positions``)."""
    axes = tuple(range(2, 2 + arch.dims))
    backend = Z3Backend()
    w = _z3_weights(arch, weights, backend)
    x = symbolic_input(arch, size)
    y = evaluate(arch, x, w, backend)
    shifted = _renamed(y, x, np.roll(x, shift, axis=axes))
    target = np.roll(y, output_shift, axis=axes)
    where = np.ones(y.shape[2:], dtype=bool) if positions is None else positions
    eqs = [_equal(shifted[(0, c, *i)], target[(0, c, *i)])
           for c in range(y.shape[1]) for i in zip(*np.nonzero(where), strict=True)]
    return z3.And(eqs) if eqs else z3.BoolVal(True)


def prove_shift(arch: Architecture, size: Sequence[int], shift: Shift, output_shift: Shift,
                weights: Weights | None, *, positions: np.ndarray | None = None,
                rlimit: int = DEFAULT_RLIMIT) -> SmtResult:
    """z3: f(T_v x) = T_u f(x) for all x (and all weights if ``weights`` is None), at every
    output position or at ``positions`` (a boolean mask of the output grid)."""
    rlimit = check_int("rlimit", rlimit, minimum=1)
    name = f"shift {list(shift)} -> {list(output_shift)}"
    statement = shift_statement(arch, size, shift, output_shift, weights, positions)
    return solve(name, [], statement, rlimit)
