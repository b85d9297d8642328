"""Group A claims: all confirmed, and each check fails when the engine underneath is wrong."""

from __future__ import annotations

import numpy as np
import pytest

from kronconv.catalogue import PROOFS as CATALOGUE_PROOFS
from kronconv.claims import load_claims, run_claim
from kronconv.engines import SymbolicEngine, conv

PROOFS = CATALOGUE_PROOFS / "group_a.py"
GROUP_A = ["dilated-definition", "dilated-filter-kronecker", "block-lemma", "index-lemma",
           "cascade-kronecker-identity", "cascade-extent", "convention-independence"]


@pytest.fixture(scope="module")
def claims() -> dict:
    return {c.id: c for c in load_claims([PROOFS])}


def test_group_a_is_complete(claims: dict) -> None:
    assert sorted(claims) == sorted(GROUP_A)


@pytest.mark.parametrize("claim_id", GROUP_A)
def test_claim_is_confirmed(claims: dict, claim_id: str) -> None:
    result = run_claim(claims[claim_id])
    assert result.status == "confirmed", result.error
    kinds = {e.kind for e in result.evidence}
    if claim_id in ("index-lemma", "cascade-kronecker-identity"):
        assert any(e.kind == "proof" and e.tier == "smt" for e in result.evidence)
    assert kinds <= {"proof", "exhaustive", "randomized"}


def _corrupt(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every engine's convolution silently drops the last kernel tap."""
    original = conv.dilated_correlate

    def corrupted(x, kernel, dilations, boundary, convention, reduce=None):  # type: ignore[no-untyped-def]
        kernel = kernel.copy()
        kernel.flat[-1] = kernel.flat[-1] * 0
        return original(x, kernel, dilations, boundary, convention, reduce)

    monkeypatch.setattr("kronconv.engines.base.dilated_correlate", corrupted)


@pytest.mark.parametrize("claim_id", ["dilated-definition", "dilated-filter-kronecker",
                                      "block-lemma", "cascade-kronecker-identity",
                                      "convention-independence"])
def test_claim_fails_with_a_corrupted_engine(claims: dict, claim_id: str,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    _corrupt(monkeypatch)
    # The checks run and find the statement false with the corrupted engine: disproved (failed),
    # not crashed (error).
    result = run_claim(claims[claim_id])
    assert result.status == "failed" and result.error.startswith("disproved"), result.error


def test_extent_claim_fails_when_composites_are_padded(claims: dict,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    original = SymbolicEngine.composite

    def padded(self, kernels, dilations, convention="convolution"):  # type: ignore[no-untyped-def]
        out = original(self, kernels, dilations, convention)
        return np.concatenate([out, np.full(1, out.flat[0] * 0, dtype=object)])

    monkeypatch.setattr(SymbolicEngine, "composite", padded)
    # The extent check measures the padded composite and finds the formula false: failed.
    assert run_claim(claims["cascade-extent"]).status == "failed"


def test_index_lemma_fails_on_a_wrong_map(claims: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    import kronconv.kronecker.induction as induction

    original = induction.index_lemma_obligations
    monkeypatch.setattr(induction, "index_lemma_obligations",
                        lambda dims=1, inner_slack=0: original(dims, 1))
    reloaded = {c.id: c for c in load_claims([PROOFS])}
    # z3 finds the wrong map's obligation false: the induction step is disproved (failed).
    assert run_claim(reloaded["index-lemma"]).status == "failed"
