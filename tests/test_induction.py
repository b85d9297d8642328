"""The z3-checked induction for every a and L, and its wrong twins."""

from __future__ import annotations

import pytest
import z3

from kronconv import Variant, cascade_identity_proof
from kronconv.engines.smt import prove
from kronconv.kronecker.induction import block_lemma_obligations, index_lemma_obligations


@pytest.mark.parametrize("dims", [1, 2, 3])
def test_the_induction_holds(dims: int) -> None:
    proof = cascade_identity_proof(dims)
    assert proof.holds
    assert proof.obligations >= 10
    assert {s.id for s in proof.steps} >= {"base", "extent", "index-lemma", "block-lemma",
                                           "step"}


@pytest.mark.parametrize(("variant", "failing_step"), [
    (Variant(factor_order="reversed"), "block-lemma"),
    (Variant(dilation_offset=1), "extent"),
    (Variant(extent_offset=1), "extent"),
    (Variant(extent_offset=-1), "extent"),
])
def test_wrong_statements_are_not_proved(variant: Variant, failing_step: str) -> None:
    proof = cascade_identity_proof(2, variant)
    assert not proof.holds
    failing = [step.id for step in proof.steps if not step.holds]
    assert failing_step in failing
    assert any(r.status == "counterexample" and r.model for r in proof.failures)


def test_index_lemma_with_a_wrong_range_gets_a_counterexample() -> None:
    results = {name: prove(name, f) for name, f in index_lemma_obligations(1, 1).items()}
    assert results["injective"].status == "counterexample"
    assert results["into"].status == "counterexample"


def test_block_lemma_holds_per_axis() -> None:
    for dims in (1, 2):
        for name, formula in block_lemma_obligations(dims, "most-dilated-first").items():
            assert prove(name, formula).proved, name


def test_the_resource_limit_gives_unknown_not_a_proof() -> None:
    def hard() -> tuple[list, z3.BoolRef]:
        x, y, z = z3.Ints("x y z")  # Fermat n=3 over positive integers: far beyond z3 here
        return [x > 0, y > 0, z > 0], x * x * x + y * y * y != z * z * z

    result = prove("fermat", hard, rlimit=200_000)
    assert result.status == "unknown" and not result.proved
    again = prove("fermat", hard, rlimit=200_000)  # the same answer, after the same work
    assert (again.status, again.reason, again.spent) == (result.status, result.reason,
                                                         result.spent)


def test_vacuous_hypotheses_are_an_error_not_a_proof() -> None:
    from kronconv import SolverError

    def vacuous() -> tuple[list, z3.BoolRef]:
        x = z3.Int("x")
        return [x > 1, x < 0], x == 5

    def honest() -> tuple[list, z3.BoolRef]:  # the twin with satisfiable hypotheses
        x = z3.Int("x")
        return [x > 1, x < 9], x * x > x

    with pytest.raises(SolverError, match="unsatisfiable"):
        prove("vacuous", vacuous)
    assert prove("honest", honest).proved


def test_steps_without_a_checker_are_not_proved() -> None:
    proof = cascade_identity_proof(1)
    status = {step.id: step.status for step in proof.steps}
    assert status["associativity"] == "cited" and status["step"] == "unchecked"
    assert all(status[s] == "proved" for s in ("base", "extent", "index-lemma", "block-lemma"))
    assert not any(step.holds for step in proof.steps if not step.results)
    assert [item.split(" ")[0] for item in proof.rests_on] == ["associativity", "step"]


def test_solver_errors_are_reported() -> None:
    from kronconv import SolverError

    def broken() -> tuple[list, z3.BoolRef]:
        raise RuntimeError("builder failed")

    with pytest.raises(SolverError, match="builder failed"):
        prove("broken", broken)


def test_the_induction_is_one_evidence_listing_what_it_rests_on() -> None:
    evidence = cascade_identity_proof(1).evidence()
    assert (evidence.kind, evidence.general) == ("proof", True)
    assert len(evidence.rests_on) == 2
    with pytest.raises(AssertionError, match="step failed"):  # the wrong twin
        cascade_identity_proof(1, Variant(factor_order="reversed")).evidence()
