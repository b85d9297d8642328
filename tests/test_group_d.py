"""Group D claims: the outcomes the evidence establishes, and checks that fail when the
semantics underneath are wrong."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from kronconv.claims import load_claims, run_claim

PROOFS = Path(__file__).resolve().parent.parent / "proofs" / "group_d.py"
EXPECTED = {"conv-equivariant": "confirmed", "dilated-net-equivariant": "qualified",
            "pooling-breaks-equivariance": "qualified", "strided-conv-equivariance": "qualified"}


@pytest.fixture(scope="module")
def claims() -> dict:
    return {c.id: c for c in load_claims([PROOFS])}


def test_group_d_is_complete(claims: dict) -> None:
    assert sorted(claims) == sorted(EXPECTED)
    assert all(c.group == "D" and c.expected == EXPECTED[c.id] for c in claims.values())


@pytest.mark.parametrize("claim_id", ["conv-equivariant", "strided-conv-equivariance"])
def test_fast_claims(claims: dict, claim_id: str) -> None:
    result = run_claim(claims[claim_id])
    assert result.status == EXPECTED[claim_id], result.error


@pytest.mark.slow
@pytest.mark.parametrize("claim_id", ["dilated-net-equivariant", "pooling-breaks-equivariance"])
def test_slow_claims(claims: dict, claim_id: str) -> None:
    result = run_claim(claims[claim_id])
    assert result.status == EXPECTED[claim_id], result.error
    assert any(e.kind == "proof" for e in result.evidence)


def test_strided_claim_fails_when_the_stride_is_dropped(claims: dict,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    # A corrupted conv that forgets to subsample: the shift sets no longer match the claim.
    module = sys.modules["kronconv.semantics.evaluate"]
    original = module.conv

    def unstrided(node, x, weight, bias, backend):  # type: ignore[no-untyped-def]
        out = original(node, x, weight, bias, backend)
        return np.repeat(out, node.stride[0], axis=2)[:, :, :x.shape[2]] if x.ndim == 3 else out

    monkeypatch.setattr(module, "conv", unstrided)
    assert run_claim(claims["strided-conv-equivariance"]).status == "error"
