"""Tests that kill mutants which survived `make mutation` (issue 11) in the receptive fields: the
essay's formulas and the naive dependency set, checked against each other."""

from __future__ import annotations

from kronconv.specs import Cascade


def test_essay_receptive_field_formulas_match_the_naive_dependency_set() -> None:
    """plain_linear_rf(l, k) = l (k - 1) + k and exponential_rf(i) = 2^(i+2) - 1 against the
    input positions one output unit depends on (naive reference, 1D chains)."""
    from kronconv.receptive_field.dependency import naive_dependency_set
    from kronconv.receptive_field.recursion import exponential_rf, plain_linear_rf
    from kronconv.specs.bridge import cascade_architecture

    def seen(cascade: Cascade) -> int:
        return len(naive_dependency_set(cascade_architecture(cascade)))

    for layer, k in ((0, 3), (1, 3), (2, 2), (3, 4)):
        assert plain_linear_rf(layer, k) == seen(Cascade.from_schedule(
            [k] * (layer + 1), [1] * (layer + 1), dims=1))
    for i in range(4):
        assert exponential_rf(i) == seen(Cascade.from_schedule(
            [3] * (i + 1), [1] + [2**j for j in range(1, i + 1)], dims=1))


def test_linear_upsampling_at_a_sample_point_reads_one_input() -> None:
    """Linear upsampling by 3 (align_corners=False): output 1 sits at source (2 + 1)/6 - 1/2 = 0
    exactly, so it depends on input 0 only; output 0 at -1/3 depends on inputs -1 and 0 (the
    naive reference's rule, as the fast dependency set)."""
    from kronconv.receptive_field.dependency import naive_dependency_set
    from kronconv.specs.architecture import parse_architecture

    arch = parse_architecture({"dims": 1, "layers": [
        {"op": "upsample", "scale_factor": 3, "mode": "linear"}]})
    assert naive_dependency_set(arch, unit=(1,)) == {(0,)}
    assert naive_dependency_set(arch, unit=(0,)) == {(-1,), (0,)}


def test_linear_upsampling_sources_are_pytorchs_source_coordinate() -> None:
    """Output j of linear upsampling by u reads PyTorch's source coordinate (align_corners=False)
    q = (j + 1/2) / u - 1/2: the integer positions floor(q), and floor(q) + 1 when q is not an
    integer (computed here in Fractions), as ints (they index the input)."""
    import math
    from fractions import Fraction

    from kronconv.receptive_field.dependency import linear_sources

    for u in (1, 2, 3, 4):
        for j in range(3 * u):
            q = Fraction(2 * j + 1, 2 * u) - Fraction(1, 2)
            low = math.floor(q)
            expected = (low,) if q == low else (low, low + 1)
            sources = linear_sources(j, u)
            assert sources == expected and all(type(s) is int for s in sources), (u, j)


def test_plain_formula_weighs_each_reach_by_the_product_of_earlier_strides() -> None:
    """Araujo et al.: r = 1 + sum_l d_l (k_l - 1) prod_{i<l} s_i; kernels 4, strides 2:
    r = 1 + 3 + 3 * 2 + 3 * 4 = 22, S = 8, P = 1 + 2 + 4 = 7 (padding 1 each)."""
    from kronconv.receptive_field.recursion import plain_formula

    assert plain_formula([4, 4, 4], [1, 1, 1], [2, 2, 2], [1, 1, 1]) == (22, 8, 7)


def test_hdc_verdict_defaults_to_wang_et_als_3_tap_kernels() -> None:
    """HdcVerdict's kernel size defaults to 3 (Wang et al.'s 3x3), hdc_condition's default:
    rates (1, 2, 5) have M_2 = 2 <= 3 (the condition holds), (1, 2, 9) M_2 = 5 (it fails)."""
    from kronconv.receptive_field.gridding import HdcVerdict, hdc_condition

    for rates in ((1, 2, 5), (1, 2, 9)):
        verdict = hdc_condition(rates)
        default = HdcVerdict(verdict.dilations, verdict.m2, verdict.coprime,
                             verdict.starts_at_one, verdict.dense, verdict.holes)
        assert default == verdict and default.hdc == (verdict.m2 <= 3)
