"""Builders for common kinds of evidence, shared by proof scripts."""

from __future__ import annotations

from collections.abc import Mapping

from kronconv.claims.model import Evidence
from kronconv.engines.smt import Formula, prove


def smt_proof(name: str, obligations: Mapping[str, Formula], statement: str, *,
              timeout: float = 30.0) -> Evidence:
    """Discharge every obligation with z3 (unsat of its negation) and return ``proof`` evidence.

    Raises AssertionError, so that the claim is reported as an error, when any obligation is
    not proved (a counterexample model, ``unknown`` or the hard time limit)."""
    results = [prove(f"{name}/{key}", formula, timeout=timeout)
               for key, formula in obligations.items()]
    for result in results:
        if not result.proved:
            raise AssertionError(f"z3 did not prove {result.name}: {result.status} "
                                 f"{result.model or result.reason}")
    return Evidence("smt", "proof", f"z3: {len(results)} obligations ({', '.join(obligations)}) "
                    f"proved by unsat of the negation, for {statement}",
                    data={"obligations": [r.query for r in results]})
