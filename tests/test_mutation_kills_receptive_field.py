"""Tests that kill mutants which survived `make mutation` (issue 11) in the receptive fields: the
essay's formulas and the naive dependency set, checked against each other."""

from __future__ import annotations

import itertools
import math
import random
from typing import Any

import numpy as np
import pytest

from kronconv.errors import InvalidParameterError
from kronconv.receptive_field.dependency import (
    AxisSet,
    Support,
    axis_dependency_sets,
    axis_set_table,
    coverage,
    dependency_set,
    is_separable,
    is_translation_covariant,
    naive_dependency_set,
    product_hole_positions,
    union,
)
from kronconv.receptive_field.gridding import (
    HdcVerdict,
    hdc_condition,
    minkowski_coverage,
    wang_m2,
)
from kronconv.specs import Cascade
from kronconv.specs.architecture import Architecture, parse_architecture, plain_stack


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


# -- the exact dependency sets against the naive reference, on seeded random architectures ------
def _random_layer(rng: random.Random, dims: int, ops: tuple[str, ...]) -> dict[str, Any]:
    """One random layer (per-axis fields differ between the axes)."""
    op = rng.choice(ops)
    if op in ("conv", "maxpool", "avgpool", "conv_transpose"):
        layer: dict[str, Any] = {"op": op, "kernel_size": [rng.randint(1, 3) for _ in range(dims)],
                                 "stride": [rng.randint(1, 3) for _ in range(dims)],
                                 "dilation": [rng.randint(1, 3) for _ in range(dims)],
                                 "padding": [[rng.randint(0, 2), rng.randint(0, 1)]
                                             for _ in range(dims)]}
        return layer
    if op == "upsample":
        return {"op": op, "scale_factor": [rng.randint(1, 3) for _ in range(dims)],
                "mode": rng.choice(("nearest", "linear"))}
    return {"op": op}


def _random_chain(rng: random.Random, dims: int, ops: tuple[str, ...]) -> Architecture:
    layers = [_random_layer(rng, dims, ops) for _ in range(rng.randint(1, 4))]
    return parse_architecture({"dims": dims, "layers": layers})


def _random_graph(rng: random.Random, dims: int) -> Architecture:
    """A residual graph: two random branches from one conv, merged by add or concat, then an
    optional maxpool / maxunpool pair (so merges and unpooling both occur)."""
    nodes: list[dict[str, Any]] = [{"id": "x", "op": "input"},
                                   {"id": "c", "op": "conv", "inputs": ["x"], "kernel_size": 2}]
    tips = []
    for branch in ("a", "b"):
        tip = "c"
        for i in range(rng.randint(0, 2)):
            layer = _random_layer(rng, dims, ("conv", "relu", "maxpool"))
            layer.update(id=f"{branch}{i}", inputs=[tip])
            if "stride" in layer:
                layer["stride"] = 1
            nodes.append(layer)
            tip = layer["id"]
        tips.append(tip)
    nodes.append({"id": "m", "op": rng.choice(("add", "concat")), "inputs": tips})
    output = "m"
    if rng.random() < 0.5:
        k, s = rng.randint(1, 3), rng.randint(1, 3)
        nodes += [{"id": "p", "op": "maxpool", "inputs": ["m"], "kernel_size": k, "stride": s,
                   "dilation": rng.randint(1, 2)},
                  {"id": "u", "op": "maxunpool", "inputs": ["p"], "indices": "p"}]
        output = "u"
    return parse_architecture({"dims": dims, "nodes": nodes, "output": output})


def _projection(found: set[tuple[int, ...]], axis: int) -> set[int]:
    return {p[axis] for p in found}


def _expected_axis_set(values: set[int], limit: int) -> AxisSet:
    """An AxisSet computed from a set of integers by its definition."""
    first, last = min(values), max(values)
    box = range(first, last + 1)
    return AxisSet(first, last - first + 1, len(values),
                   tuple(x for x in box if x not in values)[:limit],
                   tuple(x in values for x in box)[:limit])


def _expected_holes(found: set[tuple[int, ...]], limit: int) -> list[tuple[int, ...]]:
    """The positions of the bounding box missing from ``found``, lexicographic, first ``limit``."""
    dims = len(next(iter(found)))
    box = [range(min(p[a] for p in found), max(p[a] for p in found) + 1) for a in range(dims)]
    return [p for p in itertools.product(*box) if p not in found][:limit]


CHAIN_OPS = ("conv", "conv", "maxpool", "avgpool", "relu", "upsample", "conv_transpose")


@pytest.mark.parametrize("seed", range(6))
def test_fast_dependency_sets_equal_the_naive_rules_on_random_chains(seed: int) -> None:
    """For random 1D and 2D chains (strides, dilations, asymmetric padding, upsampling, transposed
    convolutions) and several output units (negative ones too), the per-axis product, the N-D
    propagation and the naive recursion give one set; an unreachable unit has the empty set."""
    rng = random.Random(f"chains:{seed}")
    for _ in range(12):
        dims = rng.choice((1, 2))
        arch = _random_chain(rng, dims, CHAIN_OPS)
        unit = tuple(rng.randint(-2, 3) for _ in range(dims))
        expected = naive_dependency_set(arch, unit=unit)
        full = dependency_set(arch, unit=unit, separable=False)
        assert full.positions() == expected, (arch, unit)
        assert full.count == len(expected)
        if expected:
            assert dependency_set(arch, unit=unit).positions() == expected
            assert dependency_set(arch, unit=unit, separable=True) == full
            assert full.holes == math.prod(full.extent) - len(expected)
            assert full.dense == (full.holes == 0)
            assert full.hole_positions() == _expected_holes(expected, 10**9)
            assert full.hole_positions(3) == _expected_holes(expected, 3)
            parts = axis_dependency_sets(arch, unit=unit)
            for axis, part in enumerate(parts):
                assert part.positions() == {(x,) for x in _projection(expected, axis)}
        else:
            assert full == Support.empty(dims) and full.extent == (0,) * dims
            assert dependency_set(arch, unit=unit) == full
            with pytest.raises(InvalidParameterError, match="a unit that some input position"):
                axis_dependency_sets(arch, unit=unit)


@pytest.mark.parametrize("seed", range(4))
def test_fast_dependency_sets_equal_the_naive_rules_on_random_graphs(seed: int) -> None:
    """Merges and max-unpooling (not separable): the N-D propagation against the naive rules."""
    rng = random.Random(f"graphs:{seed}")
    for _ in range(8):
        dims = rng.choice((1, 2))
        arch = _random_graph(rng, dims)
        assert not is_separable(arch)
        for _ in range(3):
            unit = tuple(rng.randint(-1, 4) for _ in range(dims))
            expected = naive_dependency_set(arch, unit=unit)
            assert dependency_set(arch, unit=unit).positions() == expected, (arch, unit)
            for node in arch.nodes[1:]:
                assert dependency_set(arch, node.id, unit).positions() == \
                    naive_dependency_set(arch, node.id, unit)


@pytest.mark.parametrize("seed", range(6))
def test_every_nodes_axis_sets_in_one_pass_are_the_projections_of_the_naive_set(
        seed: int) -> None:
    """axis_set_table (forward pass, or backward per node with upsampling) gives per node and
    axis the box, size, first holes and head of the naive set's projection; the product's hole
    positions are the naive set's, for limits below and above the number of holes."""
    rng = random.Random(f"table:{seed}")
    for _ in range(10):
        dims = rng.choice((1, 2))
        arch = _random_chain(rng, dims, ("conv", "conv", "maxpool", "relu", "upsample",
                                         "conv_transpose"))
        limit = rng.choice((1, 2, 5, 40))
        table = axis_set_table(arch, limit)
        assert set(table) == {n.id for n in arch.nodes[1:]}
        for node in arch.nodes[1:]:
            found = naive_dependency_set(arch, node.id)
            if not found:  # only a transposed convolution leaves unit 0 unreached
                assert table[node.id] == (AxisSet(0, 0, 0, (), ()),) * dims
                continue
            assert table[node.id] == tuple(_expected_axis_set(_projection(found, a), limit)
                                           for a in range(dims)), (arch, node.id)
            assert product_hole_positions(table[node.id], limit) == \
                _expected_holes(found, limit)


def test_product_holes_of_two_and_three_axes_in_lexicographic_order() -> None:
    """Hand-made per-axis sets: {0, 2} x {5, 6} has holes (1, 5), (1, 6); {0, 1} x {5, 7} has
    (0, 6), (1, 6); both axes holed ({0, 2} x {0, 2}): (0, 1), (1, 0), (1, 1), (1, 2), (2, 1);
    three axes, the first dense; and the limit cuts each list."""
    def axis(values: set[int]) -> AxisSet:
        return _expected_axis_set(values, 10)

    assert product_hole_positions([axis({0, 2}), axis({5, 6})], 10) == [(1, 5), (1, 6)]
    assert product_hole_positions([axis({0, 2}), axis({5, 6})], 1) == [(1, 5)]
    assert product_hole_positions([axis({0, 1}), axis({5, 7})], 10) == [(0, 6), (1, 6)]
    both = [(0, 1), (1, 0), (1, 1), (1, 2), (2, 1)]
    assert product_hole_positions([axis({0, 2}), axis({0, 2})], 10) == both
    assert product_hole_positions([axis({0, 2}), axis({0, 2})], 2) == both[:2]
    three = [axis({3}), axis({0, 1}), axis({0, 2})]
    assert product_hole_positions(three, 10) == [(3, 0, 1), (3, 1, 1)]
    assert product_hole_positions([axis({0, 1}), axis({4})], 10) == []
    assert product_hole_positions([axis({0, 2})], 10) == [(1,)]


def test_support_geometry_of_a_hand_made_set() -> None:
    """A 2D support at offset (-1, 2) with mask [[1, 0, 1], [0, 0, 1]]: extent (2, 3), last
    (0, 4), 3 members, 3 holes in lexicographic order, not dense; equality needs the same
    offset, shape and mask."""
    mask = np.array([[True, False, True], [False, False, True]])
    s = Support((-1, 2), mask)
    assert s.extent == (2, 3) and s.last == (0, 4)
    assert (s.count, s.holes, s.dense) == (3, 3, False)
    assert s.positions() == {(-1, 2), (-1, 4), (0, 4)}
    assert s.hole_positions() == [(-1, 3), (0, 2), (0, 3)]
    assert s.hole_positions(2) == [(-1, 3), (0, 2)]
    assert s.hole_positions(0) == []
    assert s == Support((-1, 2), mask.copy())
    assert s != Support((-1, 3), mask) and s != Support((-1, 2), mask[:, :2])
    assert s != Support((-1, 2), ~mask) and s != mask
    point = Support.point((4, -2))
    assert (point.offset, point.extent, point.count, point.dense) == ((4, -2), (1, 1), 1, True)
    empty = Support.empty(3)
    assert (empty.offset, empty.extent, empty.count, empty.holes) == ((0, 0, 0), (0, 0, 0), 0, 0)


def test_union_of_supports_is_the_union_of_their_positions() -> None:
    """union covers both boxes (offsets apart on both sides); None is the empty set."""
    a = Support((0, 5), np.array([[True, False, True]]))
    b = Support((-2, 6), np.array([[True], [False], [True]]))
    both = union(a, b)
    assert both is not None
    assert both.positions() == a.positions() | b.positions()
    assert both.offset == (-2, 5) and both.extent == (3, 3)
    assert union(a, None) is a and union(None, b) is b and union(None, None) is None


def test_unit_must_have_one_integer_per_axis() -> None:
    """The unit is checked against dims, with the standard message; a per-axis table refuses
    merges; the coverage map is output unit 0's set."""
    arch = plain_stack([3, 2], [1, 2], dims=2)
    with pytest.raises(InvalidParameterError, match=r"unit=\[0\] is invalid: expected 2 integers"):
        dependency_set(arch, unit=[0])
    with pytest.raises(InvalidParameterError, match=r"unit=\[0, 0, 0\] is invalid"):
        naive_dependency_set(arch, unit=[0, 0, 0])
    mask, offset = coverage(arch)
    assert offset == (0, 0) and mask.shape == (5, 5)
    assert {(int(i), int(j)) for i, j in np.argwhere(mask)} == naive_dependency_set(arch)
    graph = parse_architecture({"dims": 1, "nodes": [
        {"id": "x", "op": "input"}, {"id": "a", "op": "relu", "inputs": ["x"]},
        {"id": "m", "op": "add", "inputs": ["x", "a"]}], "output": "m"})
    with pytest.raises(InvalidParameterError, match="a separable architecture"):
        axis_dependency_sets(graph)
    with pytest.raises(InvalidParameterError, match="a separable architecture"):
        dependency_set(graph, separable=True)


@pytest.mark.parametrize(("ops", "separable", "covariant"), [
    (("conv", "relu"), True, True),
    (("conv", "upsample"), True, False),
    (("conv", "conv_transpose"), True, False),
    (("conv", "add"), False, False),
    (("conv", "concat"), False, False),
    (("maxpool", "maxunpool"), False, False),
])
def test_which_architectures_are_separable_and_translation_covariant(
        ops: tuple[str, str], separable: bool, covariant: bool) -> None:
    """Merges and unpooling break the product form; upsampling also breaks covariance."""
    first, second = ops
    nodes: list[dict[str, Any]] = [{"id": "x", "op": "input"},
                                   {"id": "a", "op": first, "inputs": ["x"], "kernel_size": 2}]
    last: dict[str, Any] = {"id": "b", "op": second, "inputs": ["a"]}
    if second in ("add", "concat"):
        last["inputs"] = ["a", "a"]
    elif second == "upsample":
        last["scale_factor"] = 2
    elif second == "maxunpool":
        last["indices"] = "a"
    elif second == "conv_transpose":
        last["kernel_size"] = 2
    arch = parse_architecture({"dims": 1, "nodes": [*nodes, last], "output": "b"})
    assert is_separable(arch) is separable
    assert is_translation_covariant(arch) is covariant


# -- gridding ----------------------------------------------------------------------------------
@pytest.mark.parametrize("seed", range(3))
def test_minkowski_coverage_is_the_set_of_sums(seed: int) -> None:
    """out[x] iff x = sum_l d_l t_l with 0 <= t_l < k_l, against the sums enumerated directly."""
    rng = random.Random(f"minkowski:{seed}")
    for _ in range(20):
        n = rng.randint(0, 4)
        ks = [rng.randint(1, 4) for _ in range(n)]
        ds = [rng.randint(1, 5) for _ in range(n)]
        sums = {sum(d * t for d, t in zip(ds, ts, strict=True))
                for ts in itertools.product(*(range(k) for k in ks))}
        mask = minkowski_coverage(ks, ds)
        assert mask.dtype == bool
        assert set(np.flatnonzero(mask).tolist()) == sums and mask.size == max(sums) + 1


def test_minkowski_coverage_refuses_bad_schedules() -> None:
    with pytest.raises(InvalidParameterError, match=r"dilations=\[1\] is invalid: expected 2"):
        minkowski_coverage([3, 3], [1])
    with pytest.raises(InvalidParameterError, match="kernel_size=0"):
        minkowski_coverage([0], [1])
    with pytest.raises(InvalidParameterError, match="dilation=0"):
        minkowski_coverage([1], [0])
    assert minkowski_coverage([1], [1]).tolist() == [True]


@pytest.mark.parametrize(("rates", "m2"), [
    ((1, 2), 2), ((5, 1), 1), ((1, 2, 5), 2), ((1, 2, 9), 5), ((1, 3, 4), 3),
    ((1, 7, 3), 11), ((2, 2, 2, 2), 2), ((1, 1, 4, 2), 4), ((3, 6, 1), 11), ((1, 5, 7), 5),
])
def test_wang_m2_follows_the_papers_recursion(rates: tuple[int, ...], m2: int) -> None:
    """M_n = r_n, M_i = max(M_{i+1} - 2 r_i, M_{i+1} - 2 (M_{i+1} - r_i), r_i), down to M_2,
    by hand: (1, 2, 9): M_2 = max(9 - 4, 9 - 14, 2) = 5; (1, 7, 3): max(3 - 14, 3 + 8, 7) = 11;
    (1, 1, 4, 2): M_3 = max(2 - 8, 2 + 4, 4) = 6, M_2 = max(6 - 2, 6 - 10, 1) = 4."""
    assert wang_m2(rates) == m2


def test_wang_m2_needs_two_rates() -> None:
    with pytest.raises(InvalidParameterError, match=r"dilations=\[3\] is invalid: expected at "
                                                    r"least 2 rates"):
        wang_m2([3])


@pytest.mark.parametrize(("rates", "k", "m2", "coprime", "one", "dense", "holes"), [
    ((1, 2, 5), 3, 2, True, True, True, 0),
    ((2, 4), 3, 4, False, False, False, 6),
    ((3, 6, 1), 3, 11, True, False, True, 0),
    ((1, 3), 2, 3, True, True, False, 1),
    ((1, 4), 4, 4, True, True, True, 0),
    ((1, 5), 4, 5, True, True, False, 3),
])
def test_hdc_verdict_fields_and_the_exact_answer(rates: tuple[int, ...], k: int, m2: int,
                                                 coprime: bool, one: bool, dense: bool,
                                                 holes: int) -> None:
    """Every field of the verdict; hdc = (M_2 <= K and coprime), at the boundary M_2 = K too."""
    verdict = hdc_condition(rates, kernel_size=k)
    assert verdict == HdcVerdict(rates, m2, coprime, one, dense, holes, k)
    assert verdict.hdc is (m2 <= k and coprime)
    assert verdict.hdc_with_r1 is (m2 <= k and coprime and one)
    with pytest.raises(InvalidParameterError, match="dilation=0"):
        hdc_condition((1, 0))


def test_a_transposed_convolution_in_the_report_has_its_exact_set() -> None:
    """conv_transpose (k 3, s 2, p 1) after a 3-tap conv: output 0 reads transposed input j with
    2 j - 1 + t = 0, i.e. j = 0 (t = 1), hence conv inputs {0, 1, 2} (extent 3), not the span of
    a 3-tap window of stride 2 (extent 5). The one-pass table treated it as a window op."""
    from kronconv.receptive_field.report import rf_report

    arch = parse_architecture({"dims": 1, "layers": [
        {"op": "conv", "kernel_size": 3},
        {"op": "conv_transpose", "kernel_size": 3, "stride": 2, "padding": 1}]})
    assert naive_dependency_set(arch) == {(0,), (1,), (2,)}
    assert axis_set_table(arch, 5)["conv_transpose1"] == (AxisSet(0, 3, 3, (), (True,) * 3),)
    row = rf_report(arch).layers[-1]
    assert (row.receptive_field, row.effective_padding, row.holes) == ((3,), (0,), 0)


def test_a_unit_only_the_bias_reaches_has_the_empty_set_on_both_paths() -> None:
    """conv_transpose (k 1, s 2, p 1), 2D: output (0, 0) reads j with 2 j - 1 = 0, none: the
    empty set from the per-axis product as from the N-D propagation (the product path raised),
    and the report shows extent 0 instead of failing."""
    from kronconv.receptive_field.report import rf_report

    arch = parse_architecture({"dims": 2, "layers": [
        {"op": "conv_transpose", "kernel_size": 1, "stride": 2, "padding": 1}]})
    assert naive_dependency_set(arch) == set()
    assert dependency_set(arch) == Support.empty(2) == dependency_set(arch, separable=False)
    assert dependency_set(arch, unit=(1, 1)).positions() == {(1, 1)}
    row = rf_report(arch).layers[-1]
    assert (row.receptive_field, row.holes) == ((0, 0), 0)


# -- closed forms (recursion.py) ---------------------------------------------------------------
def test_axis_field_interval_and_centre() -> None:
    """Output unit 0 of (r, S, P) sees [-P, -P + r - 1], centre -P + (r - 1) / 2."""
    from fractions import Fraction

    from kronconv.receptive_field.recursion import AxisField

    f = AxisField(5, 2, 1)
    assert (f.first, f.last, f.center) == (-1, 3, Fraction(1))
    g = AxisField(4, 3, 0)
    assert (g.first, g.last, g.center) == (0, 3, Fraction(3, 2))
    h = AxisField(1, 1, 2)
    assert (h.first, h.last, h.center) == (-2, -2, Fraction(-2))


@pytest.mark.parametrize("seed", range(4))
def test_closed_forms_of_random_chains_are_araujos_sums_and_the_exact_box(seed: int) -> None:
    """Per node and axis of random 1D-3D window chains (different fields per axis): (r, S, P)
    equal plain_formula's sums over the chain so far, and the naive set's box is [-P, -P + r - 1]
    (windows leave no gap at the box's ends); pointwise ops keep the field below."""
    from kronconv.receptive_field.recursion import closed_forms, plain_formula, receptive_field

    rng = random.Random(f"closed:{seed}")
    for _ in range(6):
        dims = rng.choice((1, 2, 3))
        arch = _random_chain(rng, dims, ("conv", "maxpool", "avgpool", "relu"))
        report = closed_forms(arch)
        assert report.alignments == () and report.aligned
        windows: list[Any] = []
        for node in arch.nodes[1:]:
            if node.kernel_size:
                windows.append(node)
            fields = report.fields[node.id]
            assert fields is not None
            found = naive_dependency_set(arch, node.id) if dims < 3 else None
            for a, f in enumerate(fields):
                expected = plain_formula([n.kernel_size[a] for n in windows],
                                         [n.dilation[a] for n in windows],
                                         [n.stride[a] for n in windows],
                                         [n.padding[a][0] for n in windows])
                assert (f.receptive_field, f.effective_stride, f.effective_padding) == expected
                if found is not None:
                    assert (f.first, f.last) == (min(p[a] for p in found),
                                                 max(p[a] for p in found))
        assert receptive_field(arch) == report.fields[arch.output]
        assert receptive_field(arch, arch.nodes[1].id) == report.fields[arch.nodes[1].id]


def _residual(branch: dict[str, Any], dims: int = 1) -> Architecture:
    return parse_architecture({"dims": dims, "nodes": [
        {"id": "x", "op": "input"}, {"id": "c", "op": "conv", "inputs": ["x"], **branch},
        {"id": "m", "op": "add", "inputs": ["c", "x"]},
        {"id": "r", "op": "relu", "inputs": ["m"]}], "output": "r"})


def test_merge_unites_the_branches_and_reports_their_centres() -> None:
    """conv 3 (padding 0) + identity: box [0, 2] (r 3, P 0), centres 1 and 0, misaligned; with
    padding 1 the centres coincide at 0 and the box is [-1, 1]; a 2-tap conv's centre is 1/2."""
    from fractions import Fraction

    from kronconv.receptive_field.recursion import AxisField, closed_forms

    report = closed_forms(_residual({"kernel_size": 3}))
    assert report.fields["m"] == (AxisField(3, 1, 0),) == report.fields["r"]
    (alignment,) = report.alignments
    assert (alignment.node, alignment.axis) == ("m", 0)
    assert alignment.centers == {"c": Fraction(1), "x": Fraction(0)}
    assert not alignment.aligned and not report.aligned
    assert alignment.message == (
        "node 'm' axis 0: branches disagree on the centre of output 0's receptive field "
        "('c' centre 1, 'x' centre 0): the merged receptive field is not centred on the "
        "branches' common unit")
    padded = closed_forms(_residual({"kernel_size": 3, "padding": 1}))
    assert padded.fields["m"] == (AxisField(3, 1, 1),)
    assert padded.aligned and padded.alignments[0].message == "node 'm' axis 0: branches aligned"
    half = closed_forms(_residual({"kernel_size": [2, 1]}, dims=2))
    assert [a.aligned for a in half.alignments] == [False, True]
    assert "('c' centre 0.5, 'x' centre 0)" in half.alignments[0].message
    assert half.alignments[1].axis == 1
    shifted = closed_forms(_residual({"kernel_size": 1, "padding": [[1, 0]]}))
    assert "('c' centre -1, 'x' centre 0)" in shifted.alignments[0].message
    assert shifted.fields["m"] == (AxisField(2, 1, 1),)


def test_branches_on_different_grids_name_the_axis_and_strides() -> None:
    from kronconv.errors import ArchitectureError
    from kronconv.receptive_field.recursion import closed_forms

    arch = _residual({"kernel_size": 1, "stride": [1, 2]}, dims=2)
    with pytest.raises(ArchitectureError) as caught:
        closed_forms(arch)
    assert str(caught.value) == (
        "node 'm': field 'inputs': branches disagree on the effective stride along axis 1 "
        "('c' stride 2, 'x' stride 1); a merge needs inputs on the same grid")


@pytest.mark.parametrize("op", ["upsample", "conv_transpose", "maxunpool"])
def test_closed_forms_stop_at_phase_ops_and_after_them(op: str) -> None:
    """The phase-dependent op and every node above it have no closed form; the nodes below
    keep theirs; receptive_field names the node and points to the exact set."""
    from kronconv.errors import ArchitectureError
    from kronconv.receptive_field.recursion import AxisField, closed_forms, receptive_field

    fields: dict[str, Any] = {"upsample": {"scale_factor": 2}, "maxunpool": {"indices": "p"},
                              "conv_transpose": {"kernel_size": 2}}[op]
    arch = parse_architecture({"dims": 1, "nodes": [
        {"id": "x", "op": "input"},
        {"id": "p", "op": "maxpool", "inputs": ["x"], "kernel_size": 2},
        {"id": "u", "op": op, "inputs": ["p"], **fields},
        {"id": "c", "op": "conv", "inputs": ["u"], "kernel_size": 3}], "output": "c"})
    report = closed_forms(arch)
    assert report.fields["p"] == (AxisField(2, 2, 0),)
    assert report.fields["u"] is None and report.fields["c"] is None
    with pytest.raises(ArchitectureError, match=r"node 'c': the closed forms of Araujo et al\. "
                                                r"do not apply after upsample"):
        receptive_field(arch)
    assert receptive_field(arch, "p") == (AxisField(2, 2, 0),)


def test_every_mask_is_budgeted_before_it_is_built(monkeypatch: pytest.MonkeyPatch) -> None:
    """One conv (k 3, d 2, stride 2), output unit 0: the strided placement ([1], 1 byte an
    entry), the spread (length 1 + 2 * 2 = 5 in 3 blocks of 2 = [6]; the bool mask and its int64
    running count, 9 bytes an entry), then the product mask (5 entries); each also counted as
    work. A union of two sets budgets its box ([4] for {0} and {3})."""
    from kronconv.receptive_field import dependency

    calls: list[tuple[str, int, int]] = []
    monkeypatch.setattr(dependency, "check_memory",
                        lambda what, entries, size: calls.append((what, entries, size)))
    monkeypatch.setattr(dependency, "check_work",
                        lambda what, steps: calls.append((what, steps, 0)))
    arch = plain_stack([3], [2], strides=[2])
    assert dependency_set(arch).positions() == {(0,), (2,), (4,)}
    assert calls == [("a coverage mask of shape [1]", 1, 1), ("a coverage mask of shape [1]", 1, 0),
                     ("a coverage mask of shape [6]", 6, 9), ("a coverage mask of shape [6]", 6, 0),
                     ("the coverage mask", 5, 1)]
    calls.clear()
    assert union(Support.point((0,)), Support.point((3,))) == Support((0,), np.array(
        [True, False, False, True]))
    assert calls == [("a coverage mask of shape [4]", 4, 1), ("a coverage mask of shape [4]", 4, 0)]


def test_one_pass_table_serves_a_node_read_twice() -> None:
    """A graph without merges in which the input feeds two convolutions (one a dead branch):
    the input's mask is kept until its last reader has used it."""
    arch = parse_architecture({"dims": 1, "nodes": [
        {"id": "x", "op": "input"},
        {"id": "a", "op": "conv", "inputs": ["x"], "kernel_size": 2},
        {"id": "b", "op": "conv", "inputs": ["x"], "kernel_size": 3, "dilation": 2},
        {"id": "c", "op": "relu", "inputs": ["b"]}], "output": "c"})
    table = axis_set_table(arch, 4)
    assert table["a"] == (AxisSet(0, 2, 2, (), (True, True)),)
    assert table["b"] == table["c"] == (AxisSet(0, 5, 3, (1, 3), (True, False, True, False)),)


def test_a_unit_given_as_numpy_integers_gives_python_int_positions() -> None:
    """The unit is converted where it enters: offsets and positions are Python ints (they go
    into JSON reports), on both paths and in the naive reference."""
    arch = plain_stack([3], [2], strides=[2], dims=2)
    unit = np.array([2, -1])
    for separable in (True, False):
        s = dependency_set(arch, unit=unit, separable=separable)
        assert s.offset == (4, -2) and all(type(o) is int for o in s.offset)
    assert all(type(x) is int for p in naive_dependency_set(arch, unit=unit) for x in p)


def test_an_unreached_unpooling_branch_does_not_hide_the_other_branch() -> None:
    """add(maxunpool(maxpool k 1, s 2), conv 2) at output 1: the unpooling branch reaches no
    input (odd positions hold no pooled value), the conv branch reads inputs 1 and 2; the
    propagation goes on past the empty branch to the nodes listed before it."""
    arch = parse_architecture({"dims": 1, "output": "m", "nodes": [
        {"id": "x", "op": "input"},
        {"id": "c", "op": "conv", "inputs": ["x"], "kernel_size": 2},
        {"id": "p", "op": "maxpool", "inputs": ["x"], "kernel_size": 1, "stride": 2},
        {"id": "u", "op": "maxunpool", "inputs": ["p"], "indices": "p"},
        {"id": "m", "op": "add", "inputs": ["u", "c"]}]})
    assert naive_dependency_set(arch, unit=(1,)) == {(1,), (2,)}
    assert dependency_set(arch, unit=(1,)).positions() == {(1,), (2,)}
    assert dependency_set(arch, "u", (1,)) == Support.empty(1)
