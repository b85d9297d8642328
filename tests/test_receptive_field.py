"""Receptive fields: closed forms against exact dependency sets, alignment, coverage, DOF, CLI."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kronconv.catalogue import ARCHITECTURES
from kronconv.cli import main
from kronconv.errors import ArchitectureError, InvalidParameterError
from kronconv.kronecker import dof
from kronconv.receptive_field import dependency as cov
from kronconv.receptive_field import gridding as grid
from kronconv.receptive_field import recursion as rf
from kronconv.specs import Cascade
from kronconv.specs.architecture import load_architecture, parse_architecture, plain_stack

EXAMPLES = ARCHITECTURES

# (kernel sizes, dilations, strides, paddings) -> (r, S, P), worked by hand from the sums.
CLOSED_FORM_CASES = [
    ([3], [1], [1], [0], (3, 1, 0)),
    ([3, 3, 3], [1, 1, 1], [1, 1, 1], [1, 1, 1], (7, 1, 3)),
    ([3, 3, 3], [1, 2, 4], [1, 1, 1], [0, 0, 0], (15, 1, 0)),
    ([3, 2, 3], [1, 1, 1], [1, 2, 1], [1, 0, 1], (8, 2, 3)),     # 1 + 2 + 1 + 2*2 = 8
    ([7, 3], [1, 1], [2, 2], [3, 1], (11, 4, 5)),
    ([3, 3], [2, 5], [2, 1], [1, 0], (25, 2, 1)),
]


@pytest.mark.parametrize(("ks", "ds", "ss", "ps", "expected"), CLOSED_FORM_CASES)
def test_closed_forms_table(ks, ds, ss, ps, expected) -> None:  # type: ignore[no-untyped-def]
    (field,) = rf.receptive_field(plain_stack(ks, ds, strides=ss, paddings=ps))
    assert (field.receptive_field, field.effective_stride, field.effective_padding) == expected
    assert rf.plain_formula(ks, ds, ss, ps) == expected
    (exact,) = cov.axis_dependency_sets(plain_stack(ks, ds, strides=ss, paddings=ps))
    assert (exact.extent[0], -exact.offset[0]) == (expected[0], expected[2])


def test_vgg16_matches_araujo() -> None:
    arch = load_architecture(EXAMPLES / "vgg16.json")
    fields = rf.receptive_field(arch)
    assert [(f.receptive_field, f.effective_stride, f.effective_padding) for f in fields] \
        == [(212, 32, 90)] * 2
    assert fields[0].center == 15.5
    assert sum(arch.parameters().values()) == 14_714_688  # VGG-16's convolutional weights


layer = st.tuples(st.integers(1, 4), st.integers(1, 3), st.integers(1, 3), st.integers(0, 2))


@settings(max_examples=60, deadline=None)
@given(st.lists(layer, min_size=1, max_size=4), st.integers(0, 3))
def test_closed_forms_equal_exact_sets(layers: list, unit: int) -> None:
    ks, ss, ds, ps = (list(c) for c in zip(*layers, strict=True))
    arch = plain_stack(ks, ds, strides=ss, paddings=ps)
    (field,) = rf.receptive_field(arch)
    (exact,) = cov.axis_dependency_sets(arch, unit=(unit,))
    assert exact.extent[0] == field.receptive_field
    assert exact.offset[0] == field.first + unit * field.effective_stride
    assert exact.positions() == cov.naive_dependency_set(arch, unit=(unit,))


node_op = st.sampled_from(["conv", "maxpool", "relu", "upsample", "add", "unpool"])


@st.composite
def random_graph(draw: st.DrawFn) -> dict:
    """Small random 2D graphs with every op kind; merges only join same-grid nodes."""
    nodes = [{"id": "x", "op": "input"}]
    grid_of = {"x": 0}  # a label of the sampling grid each node lives on
    pools: list[str] = []
    for i in range(draw(st.integers(1, 5))):
        op, name = draw(node_op), f"n{i}"
        src = draw(st.sampled_from([n["id"] for n in nodes]))
        node: dict = {"id": name, "inputs": [src]}
        if op in ("conv", "maxpool"):
            stride = draw(st.integers(1, 2))
            node.update(op=op, kernel_size=[draw(st.integers(1, 3)), draw(st.integers(1, 3))],
                        stride=stride, dilation=draw(st.integers(1, 2)),
                        padding=draw(st.integers(0, 1)))
            grid_of[name] = grid_of[src] if stride == 1 else len(grid_of)
            if op == "maxpool":
                pools.append(name)
        elif op == "upsample":
            node.update(op=op, scale_factor=2)
            grid_of[name] = len(grid_of)
        elif op == "unpool" and pools:
            pool = draw(st.sampled_from(pools))
            node.update(op="maxunpool", inputs=[pool], indices=pool)
            grid_of[name] = len(grid_of)
        elif op == "add":
            partners = [n["id"] for n in nodes if grid_of[n["id"]] == grid_of[src]]
            node.update(op="add", inputs=[src, draw(st.sampled_from(partners))])
            grid_of[name] = grid_of[src]
        else:
            node.update(op="relu")
            grid_of[name] = grid_of[src]
        nodes.append(node)
    return {"dims": 2, "nodes": nodes, "output": nodes[-1]["id"]}


@settings(max_examples=40, deadline=None)
@given(random_graph(), st.tuples(st.integers(0, 2), st.integers(0, 2)))
def test_fast_sets_equal_naive_on_graphs(data: dict, unit: tuple) -> None:
    arch = parse_architecture(data)
    fast = cov.dependency_set(arch, unit=unit, separable=False)
    assert fast.positions() == cov.naive_dependency_set(arch, unit=unit)
    if cov.is_separable(arch):
        assert fast == cov.dependency_set(arch, unit=unit, separable=True)
    field = rf.closed_forms(arch).fields[arch.output]
    if field is not None and unit == (0, 0):
        assert fast.extent == tuple(f.receptive_field for f in field)
        assert fast.offset == tuple(f.first for f in field)


# -- wrong variants are rejected --------------------------------------------------------------
def test_off_by_one_closed_form_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    arch = plain_stack([3, 3], [1, 2])
    original = rf.step
    monkeypatch.setattr(rf, "step", lambda f, n, a: rf.AxisField(
        original(f, n, a).receptive_field + 1, original(f, n, a).effective_stride,
        original(f, n, a).effective_padding))
    (exact,) = cov.axis_dependency_sets(arch)
    assert rf.receptive_field(arch)[0].receptive_field != exact.extent[0]


def test_corrupted_propagation_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    arch = plain_stack([3, 3], [1, 2], dims=2)
    honest = cov.dependency_set(arch, separable=False)
    original = cov._spread
    monkeypatch.setattr(cov, "_spread", lambda m, axis, step, count: original(
        m, axis, step + 1, count))  # wrong dilation
    assert cov.dependency_set(arch, separable=False) != honest
    assert cov.dependency_set(arch, separable=False).positions() \
        != cov.naive_dependency_set(arch)


# -- graphs and alignment ---------------------------------------------------------------------
def test_residual_graph_is_aligned() -> None:
    arch = load_architecture(EXAMPLES / "residual.json")
    report = rf.closed_forms(arch)
    assert report.aligned and len(report.alignments) == 4
    fields = rf.receptive_field(arch)
    assert [(f.receptive_field, f.effective_stride, f.effective_padding) for f in fields] \
        == [(13, 2, 6)] * 2
    assert cov.dependency_set(arch).extent == (13, 13)


def test_misaligned_residual_is_reported() -> None:
    arch = load_architecture(EXAMPLES / "residual_misaligned.json")
    report = rf.closed_forms(arch)
    assert not report.aligned
    message = next(a.message for a in report.alignments if not a.aligned)
    assert "'b2_add'" in message and "disagree" in message and "centre 1" in message


def test_branches_on_different_grids_are_an_error() -> None:
    arch = parse_architecture({"dims": 1, "nodes": [
        {"id": "x", "op": "input"},
        {"id": "s", "op": "conv", "inputs": ["x"], "kernel_size": 1, "stride": 2},
        {"id": "out", "op": "add", "inputs": ["s", "x"]}], "output": "out"})
    with pytest.raises(ArchitectureError, match=r"'out'.*effective stride"):
        rf.closed_forms(arch)


def test_upsampling_stops_closed_forms_but_not_exact_sets() -> None:
    arch = load_architecture(EXAMPLES / "segnet_like.json")
    assert rf.closed_forms(arch).fields["d1"] is None
    with pytest.raises(ArchitectureError, match="do not apply"):
        rf.receptive_field(arch)
    assert cov.dependency_set(arch).dense


# -- gridding ---------------------------------------------------------------------------------
@pytest.mark.parametrize(("rates", "dense", "holes", "hdc", "hdc_r1"), [
    ((1, 2, 5), True, 0, True, True),      # Wang et al.'s own example
    ((1, 2, 9), False, 4, False, False),
    ((2, 2, 2), False, 6, False, False),   # gridding
    ((2, 3), False, 2, True, False),       # passes HDC as written, yet has holes
    ((2, 1), True, 0, True, False),        # dense, but r_1 = 2
    ((1, 3, 1), True, 0, False, False),    # dense, but M_2 = 5 > 3 in this order
    ((1, 1, 3), True, 0, True, True),      # the same layers in another order pass
])
def test_hdc_table(rates: tuple, dense: bool, holes: int, hdc: bool, hdc_r1: bool) -> None:
    v = grid.hdc_condition(rates)
    assert (v.dense, v.holes, v.hdc, v.hdc_with_r1) == (dense, holes, hdc, hdc_r1)


def test_gridding_example_has_the_2d_holes() -> None:
    s = cov.dependency_set(load_architecture(EXAMPLES / "gridding.json"))
    assert s.extent == (13, 13) and s.holes == 13 * 13 - 7 * 7
    assert (-6, -5) in s.hole_positions()


# -- degrees of freedom -----------------------------------------------------------------------
def test_rank1_and_kronecker_degrees_of_freedom() -> None:
    low = dof.modular_rank(Cascade.from_schedule([(27, 1), (1, 27)], [1, 1]))
    kron = dof.modular_rank(Cascade.from_schedule([3, 3, 3], [1, 3, 9], dims=2))
    assert (low.parameters, low.rank, low.proved) == (54, 53, True)
    assert (kron.parameters, kron.rank, kron.proved) == (27, 25, True)


@pytest.mark.parametrize(("cascade", "names"), [
    (Cascade.exponential(2, 2, dims=1, channels=2), "channels=2"),
    (Cascade.exponential(2, 2, dims=1, nonlinearity="relu"), "nonlinearity='relu'")])
def test_dof_takes_single_channel_linear_cascades(cascade: Cascade, names: str) -> None:
    with pytest.raises(InvalidParameterError, match=names):
        dof.modular_rank(cascade)


def test_rank_mod_p_against_known_matrices() -> None:
    assert dof.rank_mod_p(np.array([[1, 2], [2, 4]])) == 1
    assert dof.rank_mod_p(np.eye(5, dtype=np.int64)) == 5
    assert dof.rank_mod_p(np.array([[dof.PRIME, 0], [0, 1]])) == 1  # p is 0 mod p


def test_symbolic_rank_small() -> None:
    result, euler = dof.symbolic_rank(Cascade.from_schedule([2, 2], [1, 2], dims=1))
    assert result.rank == 3 and euler


# -- CLI ---------------------------------------------------------------------------------
def test_cli_plain_stack_json(capsys: pytest.CaptureFixture) -> None:
    assert main(["rf", "--kernel-sizes", "3,3,3", "--dilations", "1,2,4", "--dims", "2",
                 "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    for key in ("receptive_field", "effective_stride", "effective_padding", "dense", "holes",
                "parameters", "layers", "center"):
        assert key in data
    assert data["receptive_field"] == [15, 15] and data["dense"] and data["holes"] == 0
    assert data["parameters"] == 27 and len(data["layers"]) == 3
    assert data["layers"][1]["receptive_field"] == [7, 7]
    assert set(data["layers"][0]) >= {"receptive_field", "effective_stride", "holes"}


def test_cli_gridding_holes(capsys: pytest.CaptureFixture) -> None:
    assert main(["rf", "--kernel-sizes", "3,3", "--dilations", "2,2", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["holes"] == 4 and data["hole_positions"][:2] == [[1], [3]]


def test_cli_vgg_text(capsys: pytest.CaptureFixture) -> None:
    assert main(["rf", str(EXAMPLES / "vgg16.json")]) == 0
    out = capsys.readouterr().out
    assert "receptive field 212x212, effective stride 32x32, effective padding 90x90" in out


@pytest.mark.parametrize(("name", "expected"), [
    ("residual.json", "the branches of b1_add, b2_add are aligned on every axis"),
    ("segnet_like.json", "not checked for skip"),  # closed forms stop after unpooling
])
def test_cli_alignment_lines(name: str, expected: str, capsys: pytest.CaptureFixture) -> None:
    assert main(["rf", str(EXAMPLES / name)]) == 0
    out = capsys.readouterr().out
    assert expected in out
    if name == "segnet_like.json":
        assert "aligned on every axis" not in out


@pytest.mark.parametrize("argv", [
    ["rf"],
    ["rf", "--kernel-sizes", "3,3", "--dilations", "1"],
    ["rf", "--kernel-sizes", "3,0"],
    ["rf", "--kernel-sizes", "3", "--strides", "-1"],
])
def test_cli_bad_flags(argv: list[str], capsys: pytest.CaptureFixture) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "error" in err


def test_unit_must_match_dims() -> None:
    with pytest.raises(InvalidParameterError, match="unit"):
        cov.dependency_set(plain_stack([3], [1]), unit=(0, 0))


def test_cli_reports_misaligned_branches_of_equal_shapes(tmp_path: Path,
                                                        capsys: pytest.CaptureFixture) -> None:
    """Equal shapes (PyTorch runs it) but padding (2, 0) against (1, 1): the centres differ."""
    path = tmp_path / "shifted.json"
    path.write_text(json.dumps({"dims": 1, "nodes": [
        {"id": "x", "op": "input"},
        {"id": "a", "op": "conv", "inputs": ["x"], "kernel_size": 3, "padding": 1},
        {"id": "b", "op": "conv", "inputs": ["x"], "kernel_size": 3, "padding": [2, 0]},
        {"id": "out", "op": "add", "inputs": ["a", "b"]}], "output": "out"}))
    assert main(["rf", str(path), "--size", "16"]) == 0
    assert "'out' axis 0: branches disagree" in capsys.readouterr().out
