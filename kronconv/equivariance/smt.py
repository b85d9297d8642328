"""z3 formulas for shift equivariance: f(T_v x) = T_u f(x) for a symbolic input x.

Shift convention: (T_v x)[i] = x[i - v] (``numpy.roll(x, v)``), cyclic on every spatial axis.
With symbolic weights the statement is about the architecture (every choice of weights); with
concrete weights it is about those weights. ReLU and max are ``If``-terms, tanh and sigmoid
uninterpreted functions, so an ``unsat`` of the negation proves the equality for every real
input (and every weight, for symbolic weights).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import z3

from kronconv.engines.smt import RLIMIT, SmtResult, prove
from kronconv.semantics.backends import Z3Backend
from kronconv.semantics.evaluate import evaluate
from kronconv.semantics.weights import Weights, symbolic_weights
from kronconv.specs.architecture import Architecture

Shift = tuple[int, ...]


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


def shift_formula(arch: Architecture, size: Sequence[int], shift: Shift, output_shift: Shift,
                  weights: Weights | None, positions: np.ndarray | None = None) -> Any:
    """The formula builder for :func:`kronconv.engines.smt.prove` (built in the child)."""
    axes = tuple(range(2, 2 + arch.dims))

    def formula() -> tuple[list[z3.BoolRef], z3.BoolRef]:
        backend = Z3Backend()
        w = _z3_weights(arch, weights, backend)
        x = symbolic_input(arch, size)
        y = evaluate(arch, x, w, backend)
        shifted = evaluate(arch, np.roll(x, shift, axis=axes), w, backend)
        target = np.roll(y, output_shift, axis=axes)
        where = np.ones(y.shape[2:], dtype=bool) if positions is None else positions
        eqs = [_equal(shifted[(0, c, *i)], target[(0, c, *i)])
               for c in range(y.shape[1]) for i in zip(*np.nonzero(where), strict=True)]
        return [], z3.And(eqs) if eqs else z3.BoolVal(True)

    return formula


def prove_shift(arch: Architecture, size: Sequence[int], shift: Shift, output_shift: Shift,
                weights: Weights | None, *, positions: np.ndarray | None = None,
                rlimit: int = RLIMIT) -> SmtResult:
    """z3: f(T_v x) = T_u f(x) for all x (and all weights if ``weights`` is None), at every
    output position or at ``positions`` (a boolean mask of the output grid)."""
    name = f"shift {list(shift)} -> {list(output_shift)}"
    return prove(name, shift_formula(arch, size, shift, output_shift, weights, positions),
                 rlimit=rlimit)
