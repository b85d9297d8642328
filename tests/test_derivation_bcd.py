"""Derivations of groups B, C and D: each renders its default instance, shows its key formula,
reports an engine disagreement as not holding, and the whole document compiles."""

from __future__ import annotations

import numpy as np
import pytest
from optional import require_pdflatex

from kronconv.catalogue import PROOFS as CATALOGUE_PROOFS
from kronconv.claims import Context, load_claims, load_sibling
from kronconv.cli import main
from kronconv.render.derivation import claim_section

derivation_b = load_sibling(CATALOGUE_PROOFS / "group_b.py", "_derivations_b")

KEY_FORMULAS = {
    "dilation-ne-kernel-size": r"\frac{d^{L+1}-1}{d-1}",
    "general-schedule": r"d_{\pi(k)} \ \ge\ 1 + \sum_{j<k}",
    "kronecker-rank": r"\mathcal{R}_m(B \otimes D)",
    "nonlinearity-breaks-identity": r"R = \{x : \sigma(z_l(x)) = z_l(x)",
    "multichannel-identity": r"K_L[\tau_L] \cdots K_0[\tau_0]",
    "boundary-handling": r"\delta = \sum_l c_l - c",
    "layer-order": r"\sigma([-1]\, x) = 0",
    "rf-plain-linear": r"r_l = l(k-1) + k",
    "rf-dilated-exponential": r"r_i = 2^{i+2} - 1",
    "rf-general": r"r_l = r_{l-1} + (k_l - 1)\, d_l\, S_{l-1}",
    "rf-coverage": r"M_2 \le K",
    "params-log-vs-linear": r"P_{\text{rank } r} = \sum_{i<r} |u_i| + |v_i| = 2rn",
    "rank1-same-parameters": r"\min\big(P - L,\ |C|\big)",
    "cascade-constraint": r"\min\Big(\sum_l |K_l| - L,\ |C|\Big)",
    "conv-equivariant": r"(k *_d f)_{t - v}",
    "dilated-net-equivariant": r"(i - v) \bmod N \in [P, N-1-Q]",
    "pooling-breaks-equivariance": r"S\,\mathbb{Z}_N^d",
    "strided-conv-equivariance": r"T_{v/s} f(x)",
}


@pytest.fixture(scope="module")
def claims() -> dict:
    found = {c.id: c for c in load_claims([CATALOGUE_PROOFS]) if c.group in ("B", "C", "D")}
    assert set(found) == set(KEY_FORMULAS)
    return found


@pytest.mark.parametrize("claim_id", sorted(KEY_FORMULAS))
def test_every_bcd_derivation_renders_with_its_key_formula(claim_id: str, claims: dict) -> None:
    derivation = claims[claim_id].derivation
    assert derivation.instance is not None and derivation.sizes is not None
    source = claim_section(claims[claim_id], None, Context(frozenset(claims))).source
    assert KEY_FORMULAS[claim_id] in source
    assert "No step-by-step derivation" not in source
    instance = derivation.instance(derivation.sizes.defaults).source
    assert instance and "NO" not in instance.split() and "NOT" not in instance


def test_a_disagreeing_engine_is_shown_not_holding(monkeypatch) -> None:
    """Must-fail twin: a wrong extent closed form is detected against the engine."""
    monkeypatch.setattr(derivation_b, "exponential_structure",
                        lambda a, d, layers: ("padded-kronecker", a**layers, [0] * layers))
    source = derivation_b.dilation_instance((2, 3, 2)).source
    assert "does NOT hold" in source


def test_a_wrong_nested_product_is_detected(monkeypatch) -> None:
    real = derivation_b.nested_padded_kronecker
    monkeypatch.setattr(derivation_b, "nested_padded_kronecker",
                        lambda kernels, blocks: real(kernels[::-1], blocks))
    source = derivation_b.dilation_instance((2, 3, 2)).source
    assert "differ" in source


def test_boundary_instance_detects_a_wrong_region(monkeypatch) -> None:
    monkeypatch.setattr(derivation_b, "direct_boundary_agreement",
                        lambda cascade, shape, shift: np.ones(shape, dtype=bool))
    assert "NO" in derivation_b.boundary_instance((3, 2, 12)).source


@pytest.mark.latex
def test_derive_all_compiles(tmp_path, capsys) -> None:
    require_pdflatex()
    code = main(["derive", "--all", "--no-run", "-o", str(tmp_path), "--pdf", "-q"])
    capsys.readouterr()
    assert code == 0
    assert (tmp_path / "derivations.pdf").stat().st_size > 0
