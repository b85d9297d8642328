"""Group C claims: each reaches its expected outcome, and each check fails on a wrong variant."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from kronconv.catalogue import PROOFS as CATALOGUE_PROOFS
from kronconv.claims import load_claims, run_claim
from kronconv.kronecker import dof
from kronconv.receptive_field import dependency as cov
from kronconv.receptive_field import gridding as grid
from kronconv.receptive_field import recursion as rf
from kronconv.specs import Cascade

PROOFS = CATALOGUE_PROOFS / "group_c.py"
EXPECTED = {"rf-plain-linear": "confirmed", "rf-dilated-exponential": "confirmed",
            "rf-general": "confirmed", "rf-coverage": "qualified",
            "params-log-vs-linear": "confirmed", "rank1-same-parameters": "refuted",
            "cascade-constraint": "confirmed"}
FAST = ["rf-plain-linear", "rf-coverage", "rank1-same-parameters"]


@pytest.fixture(scope="module")
def claims() -> dict:
    return {c.id: c for c in load_claims([PROOFS])}


def test_group_c_is_complete(claims: dict) -> None:
    assert sorted(claims) == sorted(EXPECTED)
    assert all(c.group == "C" and c.expected == EXPECTED[c.id] for c in claims.values())


@pytest.mark.parametrize("claim_id", FAST)
def test_fast_claims_reach_their_outcome(claims: dict, claim_id: str) -> None:
    result = run_claim(claims[claim_id])
    assert result.status == EXPECTED[claim_id], result.error


@pytest.mark.slow
@pytest.mark.parametrize("claim_id", sorted(set(EXPECTED) - set(FAST)))
def test_slow_claims_reach_their_outcome(claims: dict, claim_id: str) -> None:
    result = run_claim(claims[claim_id])
    assert result.status == EXPECTED[claim_id], result.error


def test_rank1_numbers(claims: dict) -> None:
    result = run_claim(claims["rank1-same-parameters"])
    refuting = next(e for e in result.evidence if e.verdict == "refutes")
    assert refuting.kind == "counterexample" and refuting.rechecked_by
    assert refuting.data["rank1"] == {"parameters": 54, "dof": 53}
    assert refuting.data["kronecker"] == {"parameters": 27, "dof": 25}


# -- wrong variants: each makes the claim failed (a check finds its statement false and raises
# AssertionError: disproved, not crashed) ---------------------------------------------------
def test_off_by_one_plain_formula(claims: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rf, "plain_linear_rf", lambda layer, k: layer * k + 1)
    assert run_claim(claims["rf-plain-linear"]).status == "failed"


def test_wrong_exponential_formula(claims: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rf, "exponential_rf", lambda i: 2 ** (i + 2) + 1)
    assert run_claim(claims["rf-dilated-exponential"]).status == "failed"


def test_wrong_dilation_in_propagation(claims: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    original = cov._spread
    monkeypatch.setattr(cov, "_spread", lambda m, axis, step, count: original(
        m, axis, step + (step > 1), count))  # dilation d > 1 read as d + 1
    assert run_claim(claims["rf-plain-linear"]).status == "confirmed"  # d = 1 only
    assert run_claim(claims["rf-coverage"]).status == "failed"


def test_corrupted_closed_form_step(claims: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    original = rf.step

    def padded_wrong(field, node, axis):  # type: ignore[no-untyped-def]
        f = original(field, node, axis)
        return rf.AxisField(f.receptive_field, f.effective_stride, f.effective_padding + 1)

    monkeypatch.setattr(rf, "step", padded_wrong)
    assert run_claim(claims["rf-plain-linear"]).status == "confirmed"  # r only, P unchecked
    result = run_claim(claims["rf-general"])
    assert result.status == "failed" and "closed form" in result.error


def test_hdc_claim_fails_if_hdc_were_exact(claims: dict,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    # A wrong "exact" coverage that agrees with HDC everywhere must make the check raise.
    def agreeing(dilations, kernel_size=3):  # type: ignore[no-untyped-def]
        rates = tuple(dilations)
        m2 = grid.wang_m2(rates)
        ok = m2 <= kernel_size and rates[0] == 1
        return grid.HdcVerdict(rates, m2, True, rates[0] == 1, ok, 0 if ok else 1)

    monkeypatch.setattr(grid, "hdc_condition", agreeing)
    assert run_claim(claims["rf-coverage"]).status == "failed"


def test_dof_claims_catch_a_wrong_rank(claims: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    original = dof.rank_mod_p
    monkeypatch.setattr(dof, "rank_mod_p", lambda m, p=dof.PRIME: original(m, p) - 1)
    assert run_claim(claims["rank1-same-parameters"]).status == "failed"


def test_jacobian_columns_are_derivatives() -> None:
    # Finite check of J against the composite itself: C(K + e_tau) - C(K) = J e_tau for the
    # multilinear map (exact, integers).
    shape = Cascade.from_schedule([2, 3], [1, 2], dims=1)
    rng = np.random.default_rng(0)
    kernels = [rng.integers(-5, 6, layer.sizes).astype(object) for layer in shape.layers]
    jac = dof.jacobian(shape, kernels)

    def composite(ks):  # type: ignore[no-untyped-def]
        out = np.ones(1, dtype=object)
        for k, layer in zip(ks, shape.layers, strict=True):
            out = dof._full_conv(out, dof._dilate(k, layer.dilations), None)
        return out

    base = composite(kernels)
    column = 0
    for layer, k in enumerate(kernels):
        for tau in range(k.size):
            bumped = [x.copy() for x in kernels]
            bumped[layer][tau] += 1
            assert list(composite(bumped) - base) == list(jac[:, column])
            column += 1


def _check(claims: dict, claim_id: str, name: str):  # type: ignore[no-untyped-def]
    """One check function of a claim, to run it alone (fast) against a wrong variant."""
    return next(c.function for c in claims[claim_id].checks if c.function.__name__ == name)


def test_rank1_refutation_needs_different_counts(claims: dict,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    # If rank-1 27x27 kernels really had 27 parameters (and as many dof) the check must not
    # produce a refutation.
    monkeypatch.setattr(Cascade, "parameters", property(lambda self: 27))
    monkeypatch.setattr(dof, "dof_upper_bound", lambda cascade: 27)
    monkeypatch.setattr(dof, "rank_mod_p", lambda m, p=dof.PRIME: 27)
    with pytest.raises(AssertionError):
        _check(claims, "rank1-same-parameters", "rank1_counterexample")()


def test_rank1_second_engine_is_independent_of_the_jacobian(
        claims: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    # A wrong Jacobian (three columns zeroed) fools the modular rank but not the re-check, which
    # builds its columns through the convolution engine and which the runner runs.
    original = dof.jacobian

    def broken(shape, kernels, modulus=None):  # type: ignore[no-untyped-def]
        jac = original(shape, kernels, modulus)
        jac[:, :3] = 0
        return jac

    monkeypatch.setattr(dof, "jacobian", broken)
    cascades = [Cascade.from_schedule([(27, 1), (1, 27)], [(1, 1), (1, 1)], dims=2),
                Cascade.from_schedule([3, 3, 3], [1, 3, 9], dims=2)]

    def sizes(cascade: Cascade) -> tuple[tuple[int, ...], ...]:
        return tuple(layer.sizes for layer in cascade.layers)

    wrong = {sizes(c): dof.modular_rank(c, seed=27).rank for c in cascades}
    assert sorted(wrong.values()) != [25, 53]  # the corruption changes a rank
    # Bounds lowered to the broken ranks, so that the modular ranks look proved.
    monkeypatch.setattr(dof, "dof_upper_bound", lambda cascade: wrong[sizes(cascade)])
    evidence = _check(claims, "rank1-same-parameters", "rank1_counterexample")()
    assert evidence.recheck is not None and evidence.recheck() is False
    single = replace(claims["rank1-same-parameters"], checks=tuple(
        c for c in claims["rank1-same-parameters"].checks if c.name == "rank1_counterexample"))
    result = run_claim(single)
    assert result.status == "error" and "did not confirm" in result.error


@pytest.mark.parametrize("wrong", ["kron_linear", "low_log"])
def test_params_asymptotics_reject_wrong_counts(claims: dict, monkeypatch: pytest.MonkeyPatch,
                                                wrong: str) -> None:
    import sympy

    if wrong == "kron_linear":  # a Kronecker count linear in n
        monkeypatch.setattr(dof, "kronecker_parameters", lambda a, n: a**2 * n)
    else:  # a low-rank count logarithmic in n
        monkeypatch.setattr(dof, "low_rank_parameters", lambda r, n: 2 * r * sympy.log(n))
    with pytest.raises(AssertionError):
        _check(claims, "params-log-vs-linear", "params_asymptotics")()


def test_cascade_constraint_rejects_a_wrong_bound(claims: dict,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    # Forgetting the L scale ambiguities (bound P instead of P - L) must be caught.
    monkeypatch.setattr(dof, "dof_upper_bound",
                        lambda cascade: min(cascade.parameters, int(np.prod(cascade.extent))))
    with pytest.raises(AssertionError):
        _check(claims, "cascade-constraint", "constraint_symbolic")()
    with pytest.raises(AssertionError):
        _check(claims, "cascade-constraint", "constraint_large")()


def test_exponential_impulse_rejects_a_wrong_composite(claims: dict,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    # The impulse engine loses the last layer: the 1D 20-layer extent no longer matches.
    check = _check(claims, "rf-dilated-exponential", "exponential_impulse")
    original = check.__globals__["composite_kernel"]
    monkeypatch.setitem(check.__globals__, "composite_kernel",
                        lambda kernels, dilations: original(kernels[:-1], dilations[:-1]))
    with pytest.raises(AssertionError):
        check()
