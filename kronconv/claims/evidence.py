"""Builders for common kinds of evidence, shared by proof scripts."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import reduce
from typing import Any

import numpy as np

from kronconv.claims.model import Evidence
from kronconv.engines.reference import reference_dilated_conv
from kronconv.engines.smt import RLIMIT, Formula, prove
from kronconv.specs import Cascade


def smt_proof(name: str, obligations: Mapping[str, Formula], statement: str, *,
              rlimit: int = RLIMIT, general: bool = False) -> Evidence:
    """Discharge every obligation with z3 (satisfiable hypotheses, unsat of the negation) and
    return ``proof`` evidence; ``general`` when the obligations state the whole claim.

    Raises AssertionError, so that the claim is not confirmed, when any obligation is not
    proved (a counterexample model, or ``unknown`` at the resource limit); a vacuous obligation
    raises SolverError."""
    results = [prove(f"{name}/{key}", formula, rlimit=rlimit)
               for key, formula in obligations.items()]
    for result in results:
        if not result.proved:
            raise AssertionError(f"z3 did not prove {result.name}: {result.status} "
                                 f"{result.model or result.reason}")
    return Evidence("smt", "proof", f"z3: {len(results)} obligations ({', '.join(obligations)}) "
                    f"proved by unsat of the negation under satisfiable hypotheses (rlimit "
                    f"{rlimit} each), for {statement}", general=general,
                    data={"obligations": [r.query for r in results]})


REFERENCE = "naive reference (kronconv.engines.reference_dilated_conv)"


def reference_cascade(x: np.ndarray, kernels: Sequence[np.ndarray],
                      cascade: Cascade) -> np.ndarray:
    """The linear cascade on x, layer 0 first, computed by the naive reference alone."""
    for kernel, layer in zip(kernels, cascade.layers, strict=True):
        x = reference_dilated_conv(x, kernel, layer.dilations, layer.boundary, layer.convention)
    return x


def kronecker_differs(cascade: Cascade, kernels: Sequence[Any], x: Any) -> Callable[[], bool]:
    """A re-check for a counterexample to the Kronecker identity that shares no code with the
    fast engine: the naive reference applies the cascade and the single convolution with
    numpy.kron(K_L, ..., K_0), and the two outputs must differ (in shape or in an entry)."""
    arrays = [np.array(k, dtype=object) for k in kernels]
    signal = np.array(x, dtype=object)

    def recheck() -> bool:
        layer = cascade.layers[0]
        single = reference_dilated_conv(signal, reduce(np.kron, arrays[::-1]), 1,
                                        layer.boundary, layer.convention)
        left = reference_cascade(signal, arrays, cascade)
        return left.shape != single.shape or bool(np.any(left != single))

    return recheck
