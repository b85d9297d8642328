"""Group B claims: the outcomes the evidence establishes, and, for every claim, a deliberately
wrong variant fed to its check (through the proof script's own names) that must be rejected."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from kronconv import Cascade
from kronconv.catalogue import PROOFS as CATALOGUE_PROOFS
from kronconv.claims import load_claims, run_claim
from kronconv.engines import ExactEngine
from kronconv.kronecker.structure import kronecker_rank, kronecker_rank_bound, natural_block

PROOFS = CATALOGUE_PROOFS / "group_b.py"
EXPECTED = {"dilation-ne-kernel-size": "qualified", "general-schedule": "confirmed",
            "kronecker-rank": "confirmed", "nonlinearity-breaks-identity": "qualified",
            "multichannel-identity": "confirmed", "boundary-handling": "qualified",
            "layer-order": "confirmed"}
FAST = ["dilation-ne-kernel-size", "kronecker-rank", "multichannel-identity",
        "boundary-handling", "layer-order", "nonlinearity-breaks-identity"]


@pytest.fixture(scope="module")
def claims() -> dict:
    return {c.id: c for c in load_claims([PROOFS])}


def _names(claims: dict, claim_id: str) -> dict[str, Any]:
    """The proof script's module namespace (what its checks look names up in)."""
    return claims[claim_id].checks[0].function.__globals__


def _check(claims: dict, claim_id: str, name: str) -> Any:
    return next(c.function for c in claims[claim_id].checks if c.name == name
                or c.function.__name__ == name)


def test_group_b_is_complete(claims: dict) -> None:
    assert sorted(claims) == sorted(EXPECTED)
    assert all(c.group == "B" and c.expected == EXPECTED[c.id] for c in claims.values())


@pytest.mark.parametrize("claim_id", FAST)
def test_claims_reach_their_outcome(claims: dict, claim_id: str) -> None:
    result = run_claim(claims[claim_id])
    assert result.status == EXPECTED[claim_id], result.error


def test_labels_are_honest(claims: dict) -> None:
    for claim_id in FAST:
        for e in run_claim(claims[claim_id]).evidence:
            assert e.kind != "randomized" or (e.count and e.seed is not None and e.error_bound)
            assert e.kind != "counterexample" or e.rechecked_by
            assert e.kind != "exhaustive" or e.domain


# -- one wrong variant per claim ---------------------------------------------------------------
def test_dilation_ne_rejects_a_wrong_closed_form(claims: dict,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    names = _names(claims, "dilation-ne-kernel-size")
    original = names["exponential_table"]

    def off_by_one() -> list[dict]:  # extent 1 too large: the d^l sum read as a^(L+1)
        return [{**r, "extent": r["extent"] + 1} for r in original(range(2, 4), range(2, 4))]

    monkeypatch.setitem(names, "exponential_table", off_by_one)
    with pytest.raises(AssertionError):
        _check(claims, "dilation-ne-kernel-size", "closed_form_against_direct")()


def test_general_schedule_rejects_the_unsorted_condition(claims: dict,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    names = _names(claims, "general-schedule")
    real = names["predict_structure"]

    def literal(cascade: Cascade) -> Any:  # "Kronecker iff every d_l = prod a_j" (no padding)
        structure = real(cascade)
        kind = "not-kronecker" if structure.kind == "padded-kronecker" else structure.kind
        return type(structure)(kind, structure.extent, structure.order, structure.paddings)

    monkeypatch.setitem(names, "predict_structure", literal)
    with pytest.raises(AssertionError):
        _check(claims, "general-schedule", "condition_with_mixed_kernel_sizes")()


def test_kronecker_rank_rejects_a_wrong_block(claims: dict,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    names = _names(claims, "kronecker-rank")
    monkeypatch.setitem(names, "natural_block",
                        lambda cascade: tuple(d - 1 for d in natural_block(cascade)))
    with pytest.raises(AssertionError):
        _check(claims, "kronecker-rank", "ranks_of_examples")()


def test_kronecker_rank_bound_holds_and_a_floor_twin_fails() -> None:
    rng = np.random.default_rng(3)
    floor_violated = False
    for sizes, dilations in (((3, 3), (1, 2)), ((2, 3), (1, 3)), ((3, 2, 2), (1, 2, 5)),
                             ((4, 2), (1, 3)), ((3, 3, 3), (1, 3, 9))):
        cascade = Cascade.from_schedule(list(sizes), list(dilations), dims=2)
        kernels = [rng.integers(-99, 100, (a, a)).astype(object) for a in sizes]
        composite = ExactEngine().composite(kernels, dilations)
        rank = kronecker_rank(composite, natural_block(cascade)).rank
        assert rank == kronecker_rank_bound(cascade)
        inner = 1 + sum((a - 1) * d for a, d in zip(sizes[:-1], dilations[:-1], strict=True))
        floor_violated |= rank > max(inner // dilations[-1], 1) ** 2  # wrong twin: floor
    assert floor_violated


def test_nonlinearity_check_rejects_a_linear_activation(claims: dict,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    names = _names(claims, "nonlinearity-breaks-identity")
    nl = names["nl"]
    monkeypatch.setitem(nl.ACTIVATIONS, "relu", lambda v: v)  # a 'ReLU' that is the identity
    with pytest.raises(AssertionError):
        _check(claims, "nonlinearity-breaks-identity", "counterexamples_per_nonlinearity")()


def test_multichannel_rejects_the_reversed_product(claims: dict,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    mc = _names(claims, "multichannel-identity")["mc"]
    real = mc.matrix_product_prediction

    def reversed_order(kernels: Any, cascade: Any, order: str = "last-layer-left") -> Any:
        return real(kernels, cascade, "reversed" if order == "last-layer-left" else order)

    monkeypatch.setattr(mc, "matrix_product_prediction", reversed_order)
    with pytest.raises(AssertionError):
        _check(claims, "multichannel-identity", "generalised_identity")()


def test_tt_check_rejects_a_rank_deficient_tensorisation(claims: dict,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    mc = _names(claims, "multichannel-identity")["mc"]
    monkeypatch.setattr(mc, "tt_bound", lambda shape, channels: [channels + 1] * (len(shape) - 1))
    with pytest.raises(AssertionError):
        _check(claims, "multichannel-identity", "scalar_identity_fails_and_tt_ranks")()


def test_boundary_check_rejects_a_wrong_circular_shift(claims: dict,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from dataclasses import replace

    names = _names(claims, "boundary-handling")
    real = names["boundary_relation"]
    monkeypatch.setitem(names, "boundary_relation", lambda cascade, shape: replace(
        real(cascade, shape), shift=tuple(s + 1 for s in real(cascade, shape).shift)))
    with pytest.raises(AssertionError):
        _check(claims, "boundary-handling", "same_only_on_interior")()


def test_layer_order_rejects_commuting_channel_matrices(claims: dict,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    mc = _names(claims, "layer-order")["mc"]
    real = mc.composite
    # A corrupted multichannel engine that multiplies in a fixed order whatever the layer order.
    monkeypatch.setattr(mc, "composite", lambda engine, kernels, cascade: real(
        engine, sorted(kernels, key=lambda k: str(k.tolist())), cascade))
    with pytest.raises(AssertionError):
        _check(claims, "layer-order", "nonlinear_and_multichannel_do_not")()
