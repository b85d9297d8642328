"""Tests that pin behaviour of the specs (cascade, architecture loader, tensor shapes) which
mutation testing (`make mutation`, issue 11) showed unpinned: exact derived quantities, both sides
of every bound, every field's default, and the exact numbers in each error message."""

from __future__ import annotations

import itertools
import json
import math
import random
from pathlib import Path
from typing import Any

import pytest

from kronconv.errors import ArchitectureError, InvalidParameterError
from kronconv.specs import Cascade, Layer
from kronconv.specs.architecture import (
    MAX_FIELD_INT,
    MAX_ID_LENGTH,
    Architecture,
    Node,
    load_architecture,
    parse_architecture,
    plain_stack,
)
from kronconv.specs.shapes import (
    check_branch_shapes,
    check_tensor_budget,
    tensor_shapes,
    window_length,
)


# -- cascade.py --------------------------------------------------------------------------------
def test_layer_broadcasts_and_derives_span_and_parameters() -> None:
    """span = 1 + d (a - 1) per axis, parameters = prod(a) C_in C_out; dims 1 to 3 only."""
    layer = Layer(dims=2, kernel_size=(3, 2), dilation=(2, 5), in_channels=2, out_channels=3)
    assert (layer.sizes, layer.dilations, layer.span) == ((3, 2), (2, 5), (5, 6))
    assert layer.parameters == 36
    cube = Layer(dims=3, kernel_size=2, dilation=3)
    assert (cube.sizes, cube.dilations, cube.span, cube.parameters) == \
        ((2, 2, 2), (3, 3, 3), (4, 4, 4), 8)
    assert Layer(dims=1).sizes == (3,) and Layer().sizes == (3, 3)
    for bad, match in ((dict(dims=4), "dims=4 is invalid: expected an integer from 1 to 3"),
                       (dict(dims=0), "dims=0"), (dict(kernel_size=0), "kernel_size=0"),
                       (dict(dilation=(1, 0)), r"dilation\[1\]=0"),
                       (dict(in_channels=0), "in_channels=0"),
                       (dict(out_channels=0), "out_channels=0"),
                       (dict(nonlinearity="elu"), "nonlinearity='elu'"),
                       (dict(convention="x"), "convention='x'"),
                       (dict(boundary="x"), "boundary='x'")):
        with pytest.raises(InvalidParameterError, match=match):
            Layer(**bad)  # type: ignore[arg-type]


def test_cascade_refuses_empty_foreign_and_mismatched_layers() -> None:
    with pytest.raises(InvalidParameterError, match=r"layers=\[\] is invalid: expected at least"):
        Cascade(())
    with pytest.raises(InvalidParameterError, match=r"layers\[1\]=3 is invalid: expected a "):
        Cascade((Layer(), 3))  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match=r"layers\[1\]\.dims=1 is invalid: expected "
                                                    r"the same dims as layer 0 \(2\)"):
        Cascade((Layer(), Layer(dims=1)))
    with pytest.raises(InvalidParameterError, match=r"layers\[2\]\.in_channels=3 is invalid: "
                                                    r"expected layer 1's out_channels \(2\)"):
        Cascade((Layer(), Layer(out_channels=2), Layer(in_channels=3)))
    first = Cascade((Layer(in_channels=5, out_channels=2), Layer(in_channels=2)))
    assert (first.max_channels, first.is_single_channel, first.parameters) == (5, False, 108)


def test_exponential_schedule_and_its_extent() -> None:
    """Layer l of size a dilated by a^l: extent 1 + sum (a - 1) a^l = a^L."""
    c = Cascade.exponential(3, 3, dims=1)
    assert [layer.dilations for layer in c.layers] == [(1,), (3,), (9,)]
    assert (c.extent, len(c), c.dims, c.parameters) == ((27,), 3, 1, 9)
    assert Cascade.exponential(2, 1).extent == (2, 2)
    with pytest.raises(InvalidParameterError, match="kernel_size=0"):
        Cascade.exponential(0, 2)
    with pytest.raises(InvalidParameterError, match="layers=0"):
        Cascade.exponential(2, 0)


def test_from_schedule_places_each_field_on_each_layer() -> None:
    c = Cascade.from_schedule([2, (3, 1)], [(1, 4), 2], dims=2, channels=2,
                              nonlinearity="relu", convention="correlation", boundary="same")
    assert [layer.sizes for layer in c.layers] == [(2, 2), (3, 1)]
    assert [layer.dilations for layer in c.layers] == [(1, 4), (2, 2)]
    assert [layer.nonlinearity for layer in c.layers] == ["relu", "none"]
    assert all(layer.convention == "correlation" and layer.boundary == "same"
               and layer.in_channels == layer.out_channels == 2 for layer in c.layers)
    assert c.extent == (1 + 1 + 4, 1 + 4 + 0) and not c.is_linear and c.max_channels == 2
    three = Cascade.from_schedule([2, 2, 2], [1, 1, 1], nonlinearity="tanh")
    assert [layer.nonlinearity for layer in three.layers] == ["tanh", "tanh", "none"]
    assert Cascade.from_schedule([2], [1], nonlinearity="relu").is_linear


@pytest.mark.parametrize(("args", "match"), [
    (([2, 2], [1]), r"dilations=\[1\] is invalid: expected one dilation per layer \(2 kernel"),
    (([2], [1, 1]), r"dilations=\[1, 1\] is invalid: expected one dilation per layer \(1 kernel"),
    (([2, 0], [1, 1]), r"kernel_sizes\[1\]=0 is invalid"),
    (([2, 2], [1, 0]), r"dilations\[1\]=0 is invalid"),
    (([(2, 2)], [1]), r"kernel_sizes\[0\]=\(2, 2\) is invalid: expected an integer or 1 "),
    (([(2, 2)], [1], "2"), r"dims='2' is invalid: expected an integer from 1 to 3"),
    (([2], [1], 4), r"dims=4 is invalid"),
])
def test_from_schedule_errors_name_the_list_entry(args: tuple[Any, ...], match: str) -> None:
    """Every argument is checked where it enters (dims before the entries it sizes)."""
    kernel_sizes, dilations, dims = (*args, 1) if len(args) == 2 else args
    with pytest.raises(InvalidParameterError, match=match):
        Cascade.from_schedule(kernel_sizes, dilations, dims=dims)


def test_channels_and_with_dilations() -> None:
    with pytest.raises(InvalidParameterError, match="channels=0"):
        Cascade.from_schedule([2], [1], channels=0)
    c = Cascade.from_schedule([3, 2], [1, 1], dims=1)
    assert c.is_linear and c.is_single_channel and c.max_channels == 1
    wider = c.with_dilations([2, 5])
    assert [layer.dilations for layer in wider.layers] == [(2,), (5,)]
    assert wider.extent == (1 + 4 + 5,) and c.extent == (4,)
    with pytest.raises(InvalidParameterError, match=r"dilations=\[1\] is invalid: expected 2 "):
        c.with_dilations([1])
    out_wide = Cascade((Layer(out_channels=4), Layer(in_channels=4)))
    assert out_wide.max_channels == 4 and not out_wide.is_single_channel


# -- architecture.py: the derived quantities ---------------------------------------------------
GRAPH: dict[str, Any] = {"dims": 2, "in_channels": 3, "output": "out", "nodes": [
    {"id": "out", "op": "concat", "inputs": ["bn", "up"]},
    {"id": "x", "op": "input"},
    {"id": "c", "op": "conv", "inputs": ["x"], "kernel_size": [3, 2], "out_channels": 6,
     "groups": 3},
    {"id": "t", "op": "conv_transpose", "inputs": ["c"], "kernel_size": 2, "stride": 2,
     "out_channels": 4, "bias": False},
    {"id": "p", "op": "maxpool", "inputs": ["t"], "kernel_size": 2},
    {"id": "u", "op": "maxunpool", "inputs": ["p"], "indices": "p"},
    {"id": "up", "op": "upsample", "inputs": ["c"], "scale_factor": 2},
    {"id": "bn", "op": "batchnorm", "inputs": ["u"]},
]}


def test_channels_parameters_ancestors_of_a_graph() -> None:
    """conv 3 -> 6 (groups 3, kernel 3x2): 6 * 1 * 6 + 6 = 42; conv_transpose 6 -> 4 (2x2, no
    bias): 4 * 6 * 4 = 96; batchnorm 2 * 4; concat 4 + 6 channels. Listed out of order, sorted
    topologically with ties in listing order."""
    arch = parse_architecture(GRAPH)
    assert [n.id for n in arch.nodes] == ["x", "c", "t", "p", "u", "up", "bn", "out"]
    assert arch.channels() == {"x": 3, "c": 6, "t": 4, "p": 4, "u": 4, "bn": 4, "up": 6,
                               "out": 10}
    assert arch.parameters() == {"x": 0, "c": 42, "t": 96, "p": 0, "u": 0, "bn": 8, "up": 0,
                                 "out": 0}
    assert all(type(count) is int for count in arch.parameters().values())
    ancestors = arch.ancestors()
    assert ancestors["u"] == {"x", "c", "t", "p", "u"}
    assert ancestors["out"] == {"x", "c", "t", "p", "u", "bn", "up", "out"}
    assert ancestors["x"] == {"x"}
    assert arch.input.id == "x" and not arch.is_chain and arch.output == "out"
    assert arch.node("t").out_channels == 4 and arch.node("t").bias is False
    assert plain_stack([2, 2]).is_chain


def test_node_lookup_names_the_ids() -> None:
    arch = plain_stack([2])
    with pytest.raises(ArchitectureError, match=r"node 'nope' does not exist; nodes: "
                                                r"'input, conv0'"):
        arch.node("nope")
    with pytest.raises(ArchitectureError, match="node 3 does not exist"):
        arch.node(3)  # type: ignore[arg-type]


def test_node_span_is_the_dilated_window() -> None:
    node = Node("c", "conv", ("x",), kernel_size=(3, 1, 4), dilation=(2, 7, 1))
    assert node.span == (5, 1, 4)
    assert Node("r", "relu", ("x",)).span == ()


# -- architecture.py: parsing each op's fields -------------------------------------------------
def _one(layer: dict[str, Any], dims: int = 1) -> Node:
    return parse_architecture({"dims": dims, "layers": [layer]}).nodes[1]


def test_field_defaults_follow_pytorch() -> None:
    conv = _one({"op": "conv", "kernel_size": 3}, dims=2)
    assert (conv.id, conv.inputs, conv.stride, conv.dilation, conv.padding) == \
        ("conv0", ("input",), (1, 1), (1, 1), ((0, 0), (0, 0)))
    assert (conv.padding_mode, conv.out_channels, conv.groups, conv.bias) == \
        ("zeros", None, 1, True)
    pool = _one({"op": "maxpool", "kernel_size": [2, 3]}, dims=2)
    assert (pool.stride, pool.ceil_mode) == ((2, 3), False)
    avg = _one({"op": "avgpool", "kernel_size": 2})
    assert (avg.stride, avg.ceil_mode, avg.count_include_pad) == ((2,), False, True)
    avg = _one({"op": "avgpool", "kernel_size": 2, "ceil_mode": True,
                "count_include_pad": False, "stride": 1})
    assert (avg.stride, avg.ceil_mode, avg.count_include_pad) == ((1,), True, False)
    t = _one({"op": "conv_transpose", "kernel_size": 2})
    assert (t.output_padding, t.out_channels, t.groups, t.bias, t.stride) == \
        ((0,), None, 1, True, (1,))
    t = _one({"op": "conv_transpose", "kernel_size": 2, "output_padding": 1, "out_channels": 2,
              "bias": False, "stride": 2})
    assert (t.output_padding, t.out_channels, t.bias, t.stride) == ((1,), 2, False, (2,))
    up = _one({"op": "upsample", "scale_factor": [2, 3]}, dims=2)
    assert (up.scale_factor, up.mode) == ((2, 3), "nearest")
    assert _one({"op": "upsample", "scale_factor": 2, "mode": "linear"}).mode == "linear"
    assert _one({"op": "leaky_relu"}).negative_slope == 0.01
    assert _one({"op": "leaky_relu", "negative_slope": -2}).negative_slope == -2.0
    assert _one({"op": "pointwise", "function": "erf"}).function == "erf"
    circ = _one({"op": "conv", "kernel_size": 3, "padding_mode": "circular", "groups": 1,
                 "bias": False, "out_channels": 1})
    assert (circ.padding_mode, circ.bias, circ.out_channels) == ("circular", False, 1)


@pytest.mark.parametrize(("padding", "kernel", "dilation", "dims", "expected"), [
    ("same", 4, 1, 1, ((1, 2),)),
    ("same", 3, 2, 1, ((2, 2),)),
    ("same", [2, 5], [3, 1], 2, ((1, 2), (2, 2))),
    ("valid", 3, 1, 2, ((0, 0), (0, 0))),
    (2, 3, 1, 2, ((2, 2), (2, 2))),
    (0, 3, 1, 1, ((0, 0),)),
    ([1, 2], 3, 1, 1, ((1, 2),)),
    ([1, 2], 3, 1, 2, ((1, 1), (2, 2))),
    ([[0, 1], 3], 3, 1, 2, ((0, 1), (3, 3))),
    ([[1, 0]], 3, 1, 1, ((1, 0),)),
    ([MAX_FIELD_INT, 0], 3, 1, 1, ((MAX_FIELD_INT, 0),)),
])
def test_padding_forms(padding: Any, kernel: Any, dilation: Any, dims: int,
                       expected: tuple[tuple[int, int], ...]) -> None:
    """'same' splits d (k - 1) with the smaller half first; pairs, per-axis ints, 1D pair."""
    node = _one({"op": "conv", "kernel_size": kernel, "dilation": dilation, "padding": padding},
                dims=dims)
    assert node.padding == expected


@pytest.mark.parametrize(("layer", "dims", "message"), [
    ({"op": "conv", "kernel_size": 3, "padding": "same", "stride": 2}, 1,
     "field 'padding': 'same' is invalid: expected a number: 'same' needs stride 1"),
    ({"op": "conv", "kernel_size": 3, "padding": "same", "stride": [1, 2]}, 2,
     "field 'padding': 'same' is invalid: expected a number: 'same' needs stride 1"),
    ({"op": "conv", "kernel_size": 3, "padding": "full"}, 2,
     "field 'padding': 'full' is invalid: expected an integer, 'same', 'valid', 2 values (one "
     "per axis) or 2 [before, after] pairs"),
    ({"op": "conv", "kernel_size": 3, "padding": [1, 2, 3]}, 2, "field 'padding': [1, 2, 3]"),
    ({"op": "conv", "kernel_size": 3, "padding": [[1, 2, 3], 1]}, 2,
     "field 'padding': [[1, 2, 3], 1] is invalid"),
    ({"op": "conv", "kernel_size": 3, "padding": [[1], 2]}, 2,
     "field 'padding': [[1], 2] is invalid: expected an integer, 'same', 'valid', 2 values"),
    ({"op": "conv", "kernel_size": 3, "padding": [2, []]}, 2, "field 'padding': [2, []] is inv"),
    ({"op": "conv", "kernel_size": 3, "padding": -1}, 1,
     f"field 'padding': -1 is invalid: expected an integer from 0 to {MAX_FIELD_INT}"),
    ({"op": "conv", "kernel_size": 3, "padding": [[0, -1]]}, 1, "field 'padding': -1"),
    ({"op": "conv", "kernel_size": 3, "padding": [[-1, 0]]}, 1, "field 'padding': -1"),
    ({"op": "conv", "kernel_size": 3, "padding": 1.5}, 1, "field 'padding': 1.5"),
    ({"op": "conv", "kernel_size": 0}, 1,
     f"node 'conv0': field 'kernel_size': 0 is invalid: expected an integer from 1 to "
     f"{MAX_FIELD_INT}"),
    ({"op": "conv", "kernel_size": MAX_FIELD_INT + 1}, 1, f"{MAX_FIELD_INT + 1} is invalid"),
    ({"op": "conv", "kernel_size": True}, 1, "field 'kernel_size': True is invalid"),
    ({"op": "conv", "kernel_size": [2, 2]}, 1,
     "field 'kernel_size': [2, 2] is invalid: expected an integer or 1 integers (one per axis)"),
    ({"op": "conv", "kernel_size": [2, 0]}, 2, "field 'kernel_size': 0 is invalid"),
    ({"op": "conv", "kernel_size": 2, "stride": 0}, 1, "field 'stride': 0"),
    ({"op": "conv", "kernel_size": 2, "dilation": 0}, 1, "field 'dilation': 0"),
    ({"op": "conv", "kernel_size": 2, "out_channels": 0}, 1, "field 'out_channels': 0"),
    ({"op": "conv", "kernel_size": 2, "groups": 0}, 1, "field 'groups': 0"),
    ({"op": "conv", "kernel_size": 2, "bias": 1}, 1,
     "field 'bias': 1 is invalid: expected true or false"),
    ({"op": "conv", "kernel_size": 2, "padding_mode": "reflect"}, 1,
     "field 'padding_mode': 'reflect' is invalid: expected one of 'zeros', 'circular'"),
    ({"op": "conv_transpose", "kernel_size": 2, "output_padding": -1}, 1,
     "field 'output_padding': -1"),
    ({"op": "conv_transpose", "kernel_size": 2, "groups": 0}, 1, "field 'groups': 0"),
    ({"op": "conv_transpose", "kernel_size": 2, "out_channels": 0}, 1, "field 'out_channels'"),
    ({"op": "conv_transpose", "kernel_size": 2, "bias": "no"}, 1, "field 'bias': 'no'"),
    ({"op": "maxpool", "kernel_size": 2, "ceil_mode": 0}, 1, "field 'ceil_mode': 0 is invalid"),
    ({"op": "avgpool", "kernel_size": 2, "count_include_pad": None}, 1,
     "field 'count_include_pad': None is invalid: expected true or false"),
    ({"op": "upsample", "scale_factor": 0}, 1, "field 'scale_factor': 0"),
    ({"op": "upsample", "scale_factor": 2, "mode": "cubic"}, 1,
     "field 'mode': 'cubic' is invalid: expected one of 'nearest', 'linear'"),
    ({"op": "pointwise", "function": ""}, 1,
     "field 'function': '' is invalid: expected a non-empty name of the function"),
    ({"op": "pointwise", "function": 3}, 1, "field 'function': 3 is invalid"),
    ({"op": "leaky_relu", "negative_slope": 1e6 + 1}, 1,
     "field 'negative_slope': 1000001.0 is invalid: expected a finite number from -1e6 to 1e6"),
    ({"op": "leaky_relu", "negative_slope": -1e6 - 1}, 1, "field 'negative_slope': -1000001.0"),
    ({"op": "leaky_relu", "negative_slope": float("nan")}, 1, "field 'negative_slope': nan"),
    ({"op": "relu", "kernel_size": 2}, 1,
     "node 'relu0': field 'kernel_size': 2 is invalid: expected no such field for op 'relu'; "
     "allowed: id, inputs, op"),
    ({"op": "conv"}, 1, "node 'conv0': field 'kernel_size': missing: it is required for op "
                        "'conv'"),
    ({"kernel_size": 2}, 1, "node 'layers[0]': field 'op': missing: one of input, conv, "),
    ({"op": "dense"}, 1, "node 'layers[0]': field 'op': 'dense' is invalid: expected one of "),
    ({"op": "relu", "id": ""}, 1, "node #0: field 'id': '' is invalid: expected a non-empty "
                                  f"string of at most {MAX_ID_LENGTH} characters"),
    ({"op": "relu", "id": "x" * (MAX_ID_LENGTH + 1)}, 1, "node #0: field 'id'"),
    ({"op": "relu", "id": 7}, 1, "node #0: field 'id': 7 is invalid"),
    ({"op": "relu", "inputs": ["input"]}, 1,
     "node #0: field 'inputs': not allowed in the 'layers' form"),
    ({"op": "input"}, 1, "node #0: field 'op': 'input' is added automatically in the 'layers' "
                         "form"),
    ({"op": "maxunpool", "indices": "p"}, 1,
     "node 'maxunpool0': field 'indices': 'p' is invalid: expected the id of a maxpool node "
     "(there is none)"),
])
def test_layer_field_errors_name_node_field_value_and_range(layer: dict[str, Any], dims: int,
                                                            message: str) -> None:
    with pytest.raises(ArchitectureError) as caught:
        parse_architecture({"dims": dims, "layers": [layer]}, source="f.json")
    assert str(caught.value).startswith("f.json: ") and message in str(caught.value)


def test_bounds_are_inclusive() -> None:
    """The largest field integer, the longest id, slopes of +-1e6 and a padding of 0 are taken."""
    assert _one({"op": "conv", "kernel_size": MAX_FIELD_INT}).kernel_size == (MAX_FIELD_INT,)
    assert _one({"op": "conv", "kernel_size": 1}).kernel_size == (1,)
    assert _one({"op": "relu", "id": "y" * MAX_ID_LENGTH}).id == "y" * MAX_ID_LENGTH
    assert _one({"op": "relu", "id": "y"}).id == "y"
    assert _one({"op": "leaky_relu", "negative_slope": 1e6}).negative_slope == 1e6
    assert _one({"op": "leaky_relu", "negative_slope": -1e6}).negative_slope == -1e6
    assert _one({"op": "conv_transpose", "kernel_size": 1, "output_padding": 0}).output_padding \
        == (0,)


def test_maxunpool_reads_its_pools_geometry_unless_given() -> None:
    arch = parse_architecture({"dims": 2, "nodes": [
        {"id": "u", "op": "maxunpool", "inputs": ["p"], "indices": "p"},
        {"id": "x", "op": "input"},
        {"id": "p", "op": "maxpool", "inputs": ["x"], "kernel_size": [3, 2], "stride": [2, 1],
         "padding": [1, 0], "dilation": [1, 2]},
        {"id": "v", "op": "maxunpool", "inputs": ["u"], "indices": "p", "kernel_size": 2,
         "stride": 3, "padding": 1}], "output": "v"})
    u, v = arch.node("u"), arch.node("v")
    assert (u.kernel_size, u.stride, u.padding, u.dilation, u.indices) == \
        ((3, 2), (2, 1), ((1, 1), (0, 0)), (1, 2), "p")
    assert (v.kernel_size, v.stride, v.padding, v.dilation) == \
        ((2, 2), (3, 3), ((1, 1), (1, 1)), (1, 2))
    same = parse_architecture({"dims": 1, "layers": [
        {"op": "maxpool", "kernel_size": 3, "stride": 1, "dilation": 2, "id": "p"},
        {"op": "maxunpool", "indices": "p", "padding": "same"}]})
    assert same.nodes[-1].padding == ((1, 1),)  # unpooling has no dilation: total k - 1 = 2
    with pytest.raises(ArchitectureError, match="field 'indices': 'q' is invalid: expected the "
                                                "id of a maxpool node: p"):
        parse_architecture({"dims": 1, "layers": [{"op": "maxpool", "kernel_size": 2, "id": "p"},
                                                  {"op": "maxunpool", "indices": "q"}]})
    with pytest.raises(ArchitectureError, match="field 'indices': 3 is invalid: expected the id"):
        parse_architecture({"dims": 1, "layers": [{"op": "maxunpool", "indices": 3}]})


@pytest.mark.parametrize(("op", "count", "message"), [
    ("sub", 3, "exactly 2 input node ids for op 'sub'"),
    ("sub", 1, "exactly 2 input node ids for op 'sub'"),
    ("concat", 1, "at least 2 input node ids for op 'concat'"),
    ("mul", 1, "at least 2 input node ids for op 'mul'"),
    ("add", 1, "at least 2 input node ids for op 'add'"),
    ("relu", 2, "exactly 1 input node ids for op 'relu'"),
    ("relu", 0, "exactly 1 input node ids"),
])
def test_input_counts_per_op_are_refused_outside_their_range(op: str, count: int,
                                                             message: str) -> None:
    nodes = [{"id": "x", "op": "input"}, {"id": "m", "op": op, "inputs": ["x"] * count}]
    with pytest.raises(ArchitectureError, match=f"node 'm': field 'inputs': .* is invalid: "
                                                f"expected {message}"):
        parse_architecture({"dims": 1, "nodes": nodes, "output": "m"})


def test_input_counts_per_op_are_accepted_inside_their_range() -> None:
    """sub exactly 2, add / mul / concat 2 or more; one string is one input."""
    for op, count in (("sub", 2), ("add", 2), ("add", 3), ("mul", 4), ("concat", 3)):
        nodes = [{"id": "x", "op": "input"}, {"id": "m", "op": op, "inputs": ["x"] * count}]
        arch = parse_architecture({"dims": 1, "nodes": nodes, "output": "m"})
        assert arch.node("m").inputs == ("x",) * count
    arch = parse_architecture({"dims": 1, "output": "r", "nodes": [
        {"id": "x", "op": "input"}, {"id": "r", "op": "relu", "inputs": "x"}]})
    assert arch.node("r").inputs == ("x",)


@pytest.mark.parametrize(("data", "message"), [
    ([], "<architecture>: list is invalid: expected an object with 'dims'"),
    ({"dims": 0, "layers": []}, "field 'dims': 0 is invalid: expected an integer from 1 to 3"),
    ({"dims": 4, "layers": []}, "field 'dims': 4 is invalid"),
    ({"dims": True, "layers": []}, "field 'dims': True is invalid"),
    ({"dims": 1, "in_channels": 0, "layers": []},
     "field 'in_channels': 0 is invalid: expected an integer >= 1"),
    ({"dims": 1, "in_channels": True, "layers": []}, "field 'in_channels': True"),
    ({"dims": 1, "layers": [], "extra": 1, "zz": 2},
     "field 'extra': unknown top-level field; allowed: dims, layers | nodes"),
    ({"dims": 1}, "field 'layers': give exactly one of 'layers'"),
    ({"dims": 1, "layers": [{"op": "relu"}], "nodes": []}, "give exactly one of"),
    ({"dims": 1, "layers": []}, "field 'layers': [] is invalid: expected a non-empty list"),
    ({"dims": 1, "layers": {"op": "relu"}}, "field 'layers': {'op': 'relu'} is invalid"),
    ({"dims": 1, "layers": [3]}, "node #0: 3 is invalid: expected an object with 'op'"),
    ({"dims": 1, "layers": [{"op": "relu", "id": "a"}, {"op": "relu", "id": "a"}]},
     "node 'a': field 'id': duplicate id"),
    ({"dims": 1, "layers": [{"op": "relu", "id": "input"}]}, "node 'input': field 'id': dup"),
    ({"dims": 1, "nodes": [{"id": "x", "op": "input"}]},
     "field 'output': missing: expected the id of the output node"),
    ({"dims": 1, "nodes": [{"id": "x", "op": "input"}], "output": "y"},
     "field 'output': 'y' is invalid: expected the id of a node"),
    ({"dims": 1, "nodes": [{"id": "x", "op": "input"}], "output": 3}, "field 'output': 3"),
    ({"dims": 1, "nodes": [{"id": "x", "op": "input"}], "output": "x"},
     "field 'output': 'x' is the input node: expected a node computed from it"),
    ({"dims": 1, "nodes": [{"id": "r", "op": "relu", "inputs": ["r"]}], "output": "r"},
     "field 'nodes': 0 nodes have op 'input': expected exactly one"),
    ({"dims": 1, "nodes": [{"id": "x", "op": "input"}, {"id": "y", "op": "input"}],
      "output": "y"}, "field 'nodes': 2 nodes have op 'input'"),
    ({"dims": 1, "nodes": [{"id": "x", "op": "input"}, {"id": "x", "op": "relu",
                                                        "inputs": ["x"]}], "output": "x"},
     "node 'x': field 'id': duplicate id"),
    ({"dims": 1, "nodes": [{"id": "x", "op": "input"}, {"id": "r", "op": "relu",
                                                        "inputs": ["q"]}], "output": "r"},
     "node 'r': field 'inputs': 'q' is not a node id"),
    ({"dims": 1, "nodes": [{"id": "x", "op": "input"}, {"id": "r", "op": "relu",
                                                        "inputs": [3]}], "output": "r"},
     "node 'r': field 'inputs': [3] is invalid: expected a list of node ids"),
    ({"dims": 1, "nodes": [{"id": "x", "op": "input"}, {"id": "r", "op": "relu",
                                                        "inputs": 3}], "output": "r"},
     "field 'inputs': 3 is invalid"),
    ({"dims": 1, "in_channels": 2, "nodes": [
        {"id": "x", "op": "input"}, {"id": "c", "op": "conv", "inputs": ["x"], "kernel_size": 1,
                                     "out_channels": 3},
        {"id": "m", "op": "add", "inputs": ["x", "c"]}], "output": "m"},
     "node 'm': field 'inputs': channel counts differ: x=2, c=3"),
    ({"dims": 1, "in_channels": 4, "layers": [{"op": "conv", "kernel_size": 1, "groups": 3}]},
     "node 'conv0': field 'groups': 3 is invalid: expected a divisor of in channels (4) and "
     "out_channels (4)"),
    ({"dims": 1, "in_channels": 4, "layers": [{"op": "conv_transpose", "kernel_size": 1,
                                               "groups": 2, "out_channels": 3}]},
     "field 'groups': 2 is invalid: expected a divisor of in channels (4) and out_channels (3)"),
])
def test_architecture_errors(data: Any, message: str) -> None:
    with pytest.raises(ArchitectureError) as caught:
        parse_architecture(data)
    assert message in str(caught.value), str(caught.value)


def test_cycles_are_named_in_data_flow_order() -> None:
    nodes = [{"id": "x", "op": "input"},
             {"id": "a", "op": "relu", "inputs": ["c"]},
             {"id": "b", "op": "relu", "inputs": ["a"]},
             {"id": "c", "op": "add", "inputs": ["b", "x"]},
             {"id": "d", "op": "relu", "inputs": ["c"]}]
    with pytest.raises(ArchitectureError) as caught:
        parse_architecture({"dims": 1, "nodes": nodes, "output": "d"}, source="g")
    assert str(caught.value) == ("g: node 'a': field 'inputs': the graph has a cycle: "
                                 "a -> b -> c -> a")
    self_loop = [{"id": "x", "op": "input"}, {"id": "r", "op": "relu", "inputs": ["r"]}]
    with pytest.raises(ArchitectureError, match=r"a cycle: r -> r$"):
        parse_architecture({"dims": 1, "nodes": self_loop, "output": "r"})
    unknown_pool = [{"id": "x", "op": "input"},
                    {"id": "p", "op": "maxpool", "inputs": ["x"], "kernel_size": 2}]
    bad = Node("u", "maxunpool", ("p",), indices="q")
    from kronconv.specs.architecture import _toposort
    with pytest.raises(ArchitectureError, match="node 'u': field 'indices': 'q' is not a node id"):
        _toposort([*(Node(n["id"], n["op"], tuple(n.get("inputs", ())))
                     for n in unknown_pool), bad], "s")


def test_topological_order_keeps_the_listing_among_ready_nodes() -> None:
    """Kahn's algorithm with a heap of listing positions: independent branches stay in listing
    order; a node waits for all its distinct parents (repeated inputs count once)."""
    nodes = [{"id": "m", "op": "add", "inputs": ["b", "a", "b"]},
             {"id": "b", "op": "relu", "inputs": ["x"]},
             {"id": "x", "op": "input"},
             {"id": "a", "op": "tanh", "inputs": ["x"]},
             {"id": "z", "op": "relu", "inputs": ["m"]},
             {"id": "y", "op": "relu", "inputs": ["x"]}]
    arch = parse_architecture({"dims": 1, "nodes": nodes, "output": "z"})
    assert [n.id for n in arch.nodes] == ["x", "b", "a", "m", "z", "y"]


@pytest.mark.parametrize(("arch_kwargs", "message"), [
    (dict(dims=0), "field 'dims': 0 is invalid: expected an integer from 1 to 3"),
    (dict(dims=4), "field 'dims': 4"), (dict(dims=True), "field 'dims': True"),
    (dict(nodes=()), "field 'nodes': the first node must have op 'input'"),
    (dict(nodes=(Node("r", "relu", ()),)), "the first node must have op 'input'"),
    (dict(nodes=(Node("x", "input", ()), Node("x", "relu", ("x",)))),
     "node 'x': field 'id': duplicate id"),
    (dict(nodes=(Node("x", "input", ()), Node("r", "dense", ("x",)))),
     "node 'r': field 'op': 'dense' is invalid: expected one of input, conv"),
    (dict(nodes=(Node("x", "input", ()), Node("y", "input", ()))),
     "node 'y': field 'op': only one input node is allowed"),
    (dict(nodes=(Node("x", "input", ()), Node("r", "relu", ("s",)))),
     "node 'r': field 'inputs': 's' is not an earlier node"),
    (dict(nodes=(Node("x", "input", ()), Node("r", "relu", ("x",)),
                 Node("u", "maxunpool", ("r",), indices="r"))),
     "node 'u': field 'indices': 'r' is not an earlier maxpool node"),
    (dict(nodes=(Node("x", "input", ()), Node("c", "conv", ("x",), kernel_size=(2, 2),
                                              stride=(1,)))),
     "node 'c': field 'stride': (1,) is invalid: expected 2 values (one per axis)"),
    (dict(output="q"), "field 'output': 'q' is not a node"),
])
def test_constructed_architectures_are_validated(arch_kwargs: dict[str, Any],
                                                 message: str) -> None:
    base: dict[str, Any] = dict(dims=2, output="r", nodes=(Node("x", "input", ()),
                                                          Node("r", "relu", ("x",))))
    base.update(arch_kwargs)
    if "nodes" in arch_kwargs and "output" not in arch_kwargs:
        base["output"] = arch_kwargs["nodes"][-1].id if arch_kwargs["nodes"] else "r"
    with pytest.raises(ArchitectureError) as caught:
        Architecture(**base)
    assert message in str(caught.value), str(caught.value)


def test_a_valid_constructed_architecture_with_every_per_axis_field() -> None:
    nodes = (Node("x", "input", ()),
             Node("c", "conv", ("x",), kernel_size=(2, 1), stride=(1, 1), dilation=(1, 1),
                  padding=((0, 0), (1, 1))),
             Node("p", "maxpool", ("c",), kernel_size=(2, 2), stride=(2, 2), dilation=(1, 1),
                  padding=((0, 0), (0, 0))),
             Node("u", "maxunpool", ("p",), kernel_size=(2, 2), stride=(2, 2), dilation=(1, 1),
                  padding=((0, 0), (0, 0)), indices="p"),
             Node("t", "conv_transpose", ("u",), kernel_size=(1, 1), stride=(1, 1),
                  dilation=(1, 1), padding=((0, 0), (0, 0)), output_padding=(0, 0)),
             Node("s", "upsample", ("t",), scale_factor=(1, 2)))
    arch = Architecture(dims=2, nodes=nodes, output="s")
    assert arch.node("u").indices == "p" and arch.output == "s"


# -- loading files and plain stacks -----------------------------------------------------------
def test_files_are_read_by_suffix_and_errors_name_the_file(tmp_path: Path) -> None:
    data = {"dims": 1, "layers": [{"op": "conv", "kernel_size": 2}]}
    (tmp_path / "a.JSON").write_text(json.dumps(data))
    (tmp_path / "b.toml").write_text('dims = 1\n[[layers]]\nop = "conv"\nkernel_size = 2\n')
    assert load_architecture(tmp_path / "a.JSON") == load_architecture(str(tmp_path / "b.toml"))
    cases = {
        "c.yaml": ("x", "c.yaml: file type '.yaml' is invalid: expected .json or .toml"),
        "d.json": (b"\xff\xfe{", "d.json: not valid JSON: byte 0 is not UTF-8 text"),
        "e.json": ("[" * 100000 + "]" * 100000, "e.json: not valid JSON: nested too deeply"),
        "f.toml": ("dims = ", "f.toml: not valid TOML: "),
        "g.json": ("{\"dims\": 1, \"layers\": [{\"op\": \"conv\"}]}",
                   "g.json: node 'conv0': field 'kernel_size': missing"),
        "h.json": ("", "h.json: not valid JSON: Expecting value: line 1 column 1 (char 0)"),
    }
    for name, (content, message) in cases.items():
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)
        with pytest.raises(ArchitectureError) as caught:
            load_architecture(path)
        assert str(caught.value).startswith(str(tmp_path)) and message in str(caught.value), \
            str(caught.value)
    with pytest.raises(ArchitectureError, match=r"missing\.json: cannot be read: No such file"):
        load_architecture(tmp_path / "missing.json")


def test_an_integer_past_pythons_digit_limit_is_a_clean_error(tmp_path: Path) -> None:
    """The decoder's ValueError (first line) is quoted after the file name and format."""
    path = tmp_path / "digits.json"
    path.write_text('{"dims": ' + "1" * 5000 + "}")
    with pytest.raises(ArchitectureError) as caught:
        load_architecture(path)
    assert str(caught.value) == (f"{path}: not valid JSON: Exceeds the limit (4300 digits) for "
                                 "integer string conversion: value has 5000 digits; use "
                                 "sys.set_int_max_str_digits() to increase the limit")


def test_plain_stack_fills_each_column() -> None:
    arch = plain_stack([3, 2], [1, 4], strides=[2, 1], paddings=[1, 0], dims=2)
    convs = arch.nodes[1:]
    assert [(n.kernel_size, n.dilation, n.stride, n.padding) for n in convs] == [
        ((3, 3), (1, 1), (2, 2), ((1, 1), (1, 1))), ((2, 2), (4, 4), (1, 1), ((0, 0), (0, 0)))]
    assert all(n.out_channels == 1 and n.bias is False for n in convs)
    assert [n.id for n in arch.nodes] == ["input", "conv0", "conv1"] and arch.dims == 2
    only = plain_stack([2], strides=[3])
    assert (only.nodes[1].stride, only.nodes[1].dilation, only.nodes[1].padding) == \
        ((3,), (1,), ((0, 0),))
    for column in ("dilation", "stride", "padding"):
        with pytest.raises(ArchitectureError, match=rf"<plain stack>: field '{column}s': \[1\] is "
                                                    r"invalid: expected 2 values \(one per"):
            plain_stack([2, 2], **{f"{column}s" if column != "dilation" else "dilations": [1]})


# -- shapes.py ---------------------------------------------------------------------------------
def test_window_length_counts_the_windows_that_fit() -> None:
    """floor((n + p + p' - span) / s) + 1 against counting the starts s j with s j + span <=
    n + p + p' directly."""
    for n, k, s, d, p, q in itertools.product(range(1, 7), (1, 2, 3), (1, 2, 3), (1, 2),
                                              (0, 1), (0, 2)):
        span = d * (k - 1) + 1
        if n + p + q < span:
            continue
        count = sum(1 for j in range(n + p + q) if s * j + span <= n + p + q)
        assert window_length(n, k, s, d, p, q) == count, (n, k, s, d, p, q)


def test_tensor_shapes_per_op() -> None:
    """conv 3 (pad 1, stride 2) on 9x8: 5x4; maxpool 2: 2x2; upsample (2, 3): 4x6; unpool back to
    the pool's input 5x4; relu keeps; channels follow the convs."""
    arch = parse_architecture({"dims": 2, "in_channels": 2, "nodes": [
        {"id": "x", "op": "input"},
        {"id": "c", "op": "conv", "inputs": ["x"], "kernel_size": 3, "padding": 1, "stride": 2,
         "out_channels": 4},
        {"id": "p", "op": "maxpool", "inputs": ["c"], "kernel_size": 2},
        {"id": "s", "op": "upsample", "inputs": ["p"], "scale_factor": [2, 3]},
        {"id": "u", "op": "maxunpool", "inputs": ["p"], "indices": "p"},
        {"id": "r", "op": "relu", "inputs": ["u"]}], "output": "r"})
    assert tensor_shapes(arch, (9, 8)) == {"x": (2, 9, 8), "c": (4, 5, 4), "p": (4, 2, 2),
                                           "s": (4, 4, 6), "u": (4, 5, 4), "r": (4, 5, 4)}
    assert tensor_shapes(arch, 4)["p"] == (4, 1, 1)


def test_too_small_inputs_name_the_node_its_entries_span_and_padding() -> None:
    arch = plain_stack([5, 3], [1, 2], paddings=[1, 0])
    assert tensor_shapes(arch, 7) == {"input": (1, 7), "conv0": (1, 5), "conv1": (1, 1)}
    with pytest.raises(ArchitectureError) as caught:
        tensor_shapes(arch, 6)
    assert str(caught.value) == ("size=[6] is invalid: expected a larger input: node 'conv1' "
                                 "(conv) gets 4 entries on axis 0, fewer than its window span 5 "
                                 "minus its padding 0")
    first = plain_stack([5], paddings=[1])
    assert tensor_shapes(first, 3)["conv0"] == (1, 1)  # 3 + 2 = 5 = span: fits exactly
    with pytest.raises(ArchitectureError, match=r"node 'conv0' .* gets 2 entries on axis 0, fewer "
                                                "than its window span 5 minus its padding 2"):
        tensor_shapes(first, 2)
    with pytest.raises(InvalidParameterError, match="size=0"):
        tensor_shapes(arch, 0)


def _merge(op: str, second: dict[str, Any], dims: int = 1) -> Architecture:
    return parse_architecture({"dims": dims, "nodes": [
        {"id": "x", "op": "input"},
        {"id": "a", "op": "conv", "inputs": ["x"], "kernel_size": 3, "padding": 1,
         "out_channels": 2},
        {"id": "b", "op": "conv", "inputs": ["x"], **second},
        {"id": "m", "op": op, "inputs": ["a", "b"]}], "output": "m"})


def test_merge_mismatches_show_both_shapes() -> None:
    arch = _merge("add", {"kernel_size": 2, "out_channels": 2})
    with pytest.raises(ArchitectureError) as caught:
        tensor_shapes(arch, 8)
    assert str(caught.value) == ("node 'm' (add): its inputs have shapes 2x8 from 'a' and 2x7 "
                                 "from 'b'; PyTorch cannot add them")
    cat = _merge("concat", {"kernel_size": 1, "stride": 2}, dims=2)
    with pytest.raises(ArchitectureError, match=r"shapes 2x8x8 from 'a' and 1x4x4 from 'b'; "
                                                r"PyTorch cannot concatenate them \(only the "):
        tensor_shapes(cat, 8)
    fine = _merge("concat", {"kernel_size": 1})
    assert tensor_shapes(fine, 5)["m"] == (3, 5)


def test_unpooling_indices_of_another_shape_are_refused() -> None:
    arch = parse_architecture({"dims": 1, "nodes": [
        {"id": "x", "op": "input"},
        {"id": "p", "op": "maxpool", "inputs": ["x"], "kernel_size": 2},
        {"id": "c", "op": "conv", "inputs": ["p"], "kernel_size": 2},
        {"id": "u", "op": "maxunpool", "inputs": ["c"], "indices": "p"}], "output": "u"})
    with pytest.raises(ArchitectureError) as caught:
        tensor_shapes(arch, 8)
    assert str(caught.value) == ("node 'u' (maxunpool): its inputs have shapes 1x3 from 'c' and "
                                 "1x4 from 'p'; PyTorch cannot unpool: the indices come from a "
                                 "tensor of another shape")


def test_branch_shapes_for_every_input_size() -> None:
    """Without a size, a merge is refused only when no input size makes its inputs agree:
    a 2-tap branch is always one shorter (refused, shown at size 64), a padded 3-tap branch
    always equal; a strided branch grows at another rate, so only a given size can refuse it."""
    shorter = _merge("add", {"kernel_size": 2, "out_channels": 2})
    with pytest.raises(ArchitectureError) as caught:
        check_branch_shapes(shorter)
    assert str(caught.value) == ("node 'm' (add): its inputs have shapes 2x64 from 'a' and 2x63 "
                                 "from 'b'; PyTorch cannot add them (input 64); no input size "
                                 "makes them equal on axis 0")
    check_branch_shapes(_merge("add", {"kernel_size": 3, "padding": 1, "out_channels": 2}))
    strided = _merge("add", {"kernel_size": 1, "stride": 2, "out_channels": 2})
    check_branch_shapes(strided)
    check_branch_shapes(strided, 1)  # 1 and 1 entries: equal at this size
    with pytest.raises(ArchitectureError, match="PyTorch cannot add them"):
        check_branch_shapes(strided, 8)


def test_branch_shapes_that_agree_only_at_some_phase_are_accepted() -> None:
    """Pool 2 then upsample 2 against the identity: equal for even sizes, so accepted; the same
    with pool 3 / upsample 3 too (sizes divisible by 3); a branch that starts at size 70 (a
    69-tap window, padded to keep its size) is reported at size 70, past the default 64."""
    for k in (2, 3):
        arch = parse_architecture({"dims": 2, "nodes": [
            {"id": "x", "op": "input"},
            {"id": "p", "op": "maxpool", "inputs": ["x"], "kernel_size": k},
            {"id": "u", "op": "upsample", "inputs": ["p"], "scale_factor": k},
            {"id": "m", "op": "add", "inputs": ["x", "u"]}], "output": "m"})
        check_branch_shapes(arch)
        with pytest.raises(ArchitectureError, match="cannot add them"):
            check_branch_shapes(arch, k + 1)
    big = _merge("add", {"kernel_size": 69, "padding": 34, "dilation": 1, "out_channels": 2})
    check_branch_shapes(big)
    odd = _merge("add", {"kernel_size": 71, "out_channels": 2})
    with pytest.raises(ArchitectureError, match=r"2x71 from 'a' and 2x1 from 'b'.*\(input 71\); "
                                                r"no input size makes them equal on axis 0"):
        check_branch_shapes(odd)


def test_unpooling_graphs_are_checked_for_every_size() -> None:
    arch = parse_architecture({"dims": 1, "nodes": [
        {"id": "x", "op": "input"},
        {"id": "p", "op": "maxpool", "inputs": ["x"], "kernel_size": 2},
        {"id": "c", "op": "conv", "inputs": ["p"], "kernel_size": 2},
        {"id": "u", "op": "maxunpool", "inputs": ["c"], "indices": "p"}], "output": "u"})
    with pytest.raises(ArchitectureError, match="PyTorch cannot unpool"):
        check_branch_shapes(arch)
    chain = plain_stack([3, 3], strides=[2, 2])
    check_branch_shapes(chain)  # no merge: nothing to check, for any size


def test_tensor_budget_counts_outputs_padding_and_weights(monkeypatch: pytest.MonkeyPatch) -> None:
    """Entries = parameters + per node channels x max(output entries, padded input entries):
    conv 3 (padding 2, 1 -> 2 channels, bias) on 5: output 7, padded input 9, 2 * 9 = 18, and
    8 weights; the input node 1 * 5. Refused past the memory limit with the given bytes."""
    from kronconv.specs import shapes

    calls: list[tuple[str, int, int]] = []
    monkeypatch.setattr(shapes, "check_memory",
                        lambda what, entries, size: calls.append((what, entries, size)))
    arch = parse_architecture({"dims": 1, "layers": [
        {"op": "conv", "kernel_size": 3, "padding": 2, "out_channels": 2}]})
    sizes = {"input": (5,), "conv0": (7,)}
    check_tensor_budget(arch, sizes)
    check_tensor_budget(arch, sizes, 4, "checking")
    assert calls == [("evaluating the tensors and weights of 2 nodes", 5 + 18 + 8, 8),
                     ("checking of 2 nodes", 31, 4)]
    calls.clear()
    shrink = parse_architecture({"dims": 2, "layers": [{"op": "maxpool", "kernel_size": 2},
                                                       {"op": "relu"}]})
    check_tensor_budget(shrink, {"input": (4, 6), "maxpool0": (2, 3), "relu1": (2, 3)})
    assert calls[0][1] == 24 + 24 + 6


def test_tensor_budget_refuses_before_allocating() -> None:
    from kronconv.errors import ResourceLimitError

    arch = plain_stack([1])
    huge = (2**30,)
    with pytest.raises(ResourceLimitError):
        check_tensor_budget(arch, {"input": huge, "conv0": huge})
    check_tensor_budget(arch, {"input": (2**26,), "conv0": (2**26,)})


@pytest.mark.parametrize("seed", range(3))
def test_tensor_shapes_match_pytorch(seed: int) -> None:
    """Random 1D/2D chains of conv / pooling / upsampling against the shapes PyTorch computes."""
    torch = pytest.importorskip("torch")
    rng = random.Random(f"shapes:{seed}")
    for _ in range(6):
        dims = rng.choice((1, 2))
        layers: list[dict[str, Any]] = []
        modules = []
        for _ in range(rng.randint(1, 3)):
            op = rng.choice(("conv", "maxpool", "avgpool", "upsample"))
            if op == "upsample":
                u = rng.randint(1, 3)
                layers.append({"op": op, "scale_factor": u})
                modules.append(torch.nn.Upsample(scale_factor=u))
                continue
            k, s, d, p = rng.randint(1, 3), rng.randint(1, 2), rng.randint(1, 2), rng.randint(0, 1)
            if op != "conv":
                d, p = 1, min(p, k // 2)
            layers.append({"op": op, "kernel_size": k, "stride": s, "dilation": d, "padding": p})
            cls = {"conv": [torch.nn.Conv1d, torch.nn.Conv2d],
                   "maxpool": [torch.nn.MaxPool1d, torch.nn.MaxPool2d],
                   "avgpool": [torch.nn.AvgPool1d, torch.nn.AvgPool2d]}[op][dims - 1]
            if op == "conv":
                modules.append(cls(1, 1, k, stride=s, dilation=d, padding=p))
            elif op == "maxpool":
                modules.append(cls(k, stride=s, padding=p, dilation=d))
            else:
                modules.append(cls(k, stride=s, padding=p))
        arch = parse_architecture({"dims": dims, "layers": layers})
        n = rng.randint(6, 12)
        expected = list(tensor_shapes(arch, n).values())[-1]
        with torch.no_grad():
            out = torch.nn.Sequential(*modules)(torch.zeros((1, 1) + (n,) * dims))
        assert tuple(out.shape[1:]) == expected, (layers, n)
        assert math.prod(expected) > 0


def _graph(nodes: list[dict[str, Any]], output: str = "m", dims: int = 1) -> Architecture:
    return parse_architecture({"dims": dims, "nodes": [{"id": "x", "op": "input"}, *nodes],
                               "output": output})


def test_growth_rates_follow_upsampling_and_unpooling() -> None:
    """Rates decide whether the period argument applies: pool 2, upsample 2 then a 2-tap conv
    grows like the identity (rate 1) but is always one or two shorter: refused; unpooling
    restores its pool's input rate: against a 2-tap conv of x it is always one longer:
    refused; a stride-2 branch against a 5-tap one (rates 1/2 and 1) agrees only at size 8, past
    one period after the first fitting size 5, and is not refused."""
    up = _graph([{"id": "p", "op": "maxpool", "inputs": ["x"], "kernel_size": 2},
                 {"id": "u", "op": "upsample", "inputs": ["p"], "scale_factor": 2},
                 {"id": "c", "op": "conv", "inputs": ["u"], "kernel_size": 2},
                 {"id": "m", "op": "add", "inputs": ["c", "x"]}])
    with pytest.raises(ArchitectureError, match=r"1x63 from 'c' and 1x64 from 'x'.*\(input 64\)"):
        check_branch_shapes(up)
    unpool = _graph([{"id": "p", "op": "maxpool", "inputs": ["x"], "kernel_size": 2},
                     {"id": "u", "op": "maxunpool", "inputs": ["p"], "indices": "p"},
                     {"id": "c", "op": "conv", "inputs": ["x"], "kernel_size": 2},
                     {"id": "m", "op": "add", "inputs": ["u", "c"]}])
    with pytest.raises(ArchitectureError, match=r"1x64 from 'u' and 1x63 from 'c'"):
        check_branch_shapes(unpool)
    late = _graph([{"id": "a", "op": "conv", "inputs": ["x"], "kernel_size": 1, "stride": 2},
                   {"id": "b", "op": "conv", "inputs": ["x"], "kernel_size": 5},
                   {"id": "m", "op": "add", "inputs": ["a", "b"]}])
    check_branch_shapes(late)
    check_branch_shapes(late, 8)
    with pytest.raises(ArchitectureError, match="cannot add them"):
        check_branch_shapes(late, 7)


def test_the_first_fitting_size_is_searched_up_to_2_to_the_62() -> None:
    """A window of span (2^31 - 1)(2^31 - 2) + 1, between 2^61 and 2^62, against the identity:
    the search finds that first fitting size (the doubling reaches 2^62) and the merge is
    refused there."""
    k = MAX_FIELD_INT
    span = k * (k - 1) + 1
    assert 2**61 < span < 2**62
    arch = _graph([{"id": "c", "op": "conv", "inputs": ["x"], "kernel_size": k, "dilation": k},
                   {"id": "m", "op": "add", "inputs": ["c", "x"]}])
    with pytest.raises(ArchitectureError, match=rf"1x1 from 'c' and 1x{span} from 'x'.*"
                                                rf"\(input {span}\)"):
        check_branch_shapes(arch)


def test_the_every_size_check_is_skipped_past_its_work_limit(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """period x nodes evaluations: two stride-3 branches (period 3 * 3, the product of every
    stride) in a graph of 4 nodes need 36 (here ceil(n / 3) against ceil(n / 3) - 1: never
    equal); at a limit of 36 it is still checked (and refused), at 35 skipped (a given size is
    then needed)."""
    from kronconv.specs import shapes

    arch = _graph([{"id": "a", "op": "conv", "inputs": ["x"], "kernel_size": 1, "stride": 3},
                   {"id": "b", "op": "conv", "inputs": ["x"], "kernel_size": 4, "stride": 3},
                   {"id": "m", "op": "add", "inputs": ["a", "b"]}])
    with pytest.raises(ArchitectureError, match="no input size makes them equal"):
        check_branch_shapes(arch)
    monkeypatch.setattr(shapes, "MAX_CHECK_WORK", 36)
    with pytest.raises(ArchitectureError, match="no input size makes them equal"):
        check_branch_shapes(arch)
    monkeypatch.setattr(shapes, "MAX_CHECK_WORK", 35)
    check_branch_shapes(arch)


def test_architecture_files_up_to_16_mib_are_read(tmp_path: Path) -> None:
    """The file-size limit is 16 MiB = 16777216 bytes (a file padded with spaces to exactly that
    is read, one byte more is refused with both numbers)."""
    text = '{"dims": 1, "layers": [{"op": "relu"}]}'
    file = tmp_path / "big.json"
    file.write_text(text + " " * (16 * 2**20 - len(text)), encoding="utf-8")
    assert load_architecture(file).nodes[-1].op == "relu"
    file.write_text(text + " " * (16 * 2**20 + 1 - len(text)), encoding="utf-8")
    with pytest.raises(ArchitectureError, match="16777217 bytes is invalid: expected at most "
                                                "16777216 bytes"):
        load_architecture(file)


@pytest.mark.parametrize(("op", "verb"), [("add", "add"), ("sub", "subtract"),
                                          ("mul", "multiply")])
def test_elementwise_merges_of_different_shapes_are_refused_by_name(op: str, verb: str) -> None:
    """Every elementwise merge gets the one-line refusal (sub and mul raised a KeyError, an
    internal error, for lack of a verb)."""
    arch = _graph([{"id": "c", "op": "conv", "inputs": ["x"], "kernel_size": 2},
                   {"id": "m", "op": op, "inputs": ["x", "c"]}])
    with pytest.raises(ArchitectureError) as caught:
        tensor_shapes(arch, 5)
    assert str(caught.value) == (f"node 'm' ({op}): its inputs have shapes 1x5 from 'x' and 1x4 "
                                 f"from 'c'; PyTorch cannot {verb} them")
    with pytest.raises(ArchitectureError, match=f"PyTorch cannot {verb} them"):
        check_branch_shapes(arch)


def test_node_and_architecture_defaults() -> None:
    """A node built directly has PyTorch's defaults; an architecture has one input channel."""
    node = Node("r", "relu", ("x",))
    assert (node.kernel_size, node.stride, node.padding, node.dilation, node.scale_factor,
            node.output_padding) == ((), (), (), (), (), ())
    assert (node.padding_mode, node.out_channels, node.groups, node.bias, node.indices) == \
        ("zeros", None, 1, True, None)
    assert (node.negative_slope, node.ceil_mode, node.count_include_pad, node.mode,
            node.function) == (0.01, False, True, "nearest", "")
    arch = Architecture(dims=1, nodes=(Node("x", "input", ()), node), output="r")
    assert arch.in_channels == 1 and arch.channels() == {"x": 1, "r": 1}


def test_past_2_to_the_62_the_every_size_check_gives_up() -> None:
    """Two such windows in a row first fit at 2 span - 1 > 2^62: the search stops at 2^62 (as
    documented) and without a given size nothing is refused; at a given size it is."""
    k = MAX_FIELD_INT
    span = k * (k - 1) + 1
    arch = _graph([{"id": "c", "op": "conv", "inputs": ["x"], "kernel_size": k, "dilation": k},
                   {"id": "d", "op": "conv", "inputs": ["c"], "kernel_size": k, "dilation": k},
                   {"id": "m", "op": "add", "inputs": ["d", "x"]}])
    assert 2 * span - 1 > 2**62
    check_branch_shapes(arch)
    with pytest.raises(ArchitectureError, match=rf"1x1 from 'd' and 1x{2 * span - 1} from 'x'"):
        check_branch_shapes(arch, 2 * span - 1)


def test_a_kernel_of_one_tap_makes_an_exponential_cascade_of_identities() -> None:
    c = Cascade.exponential(1, 3, dims=1)
    assert [layer.dilations for layer in c.layers] == [(1,), (1,), (1,)]
    assert c.extent == (1,) and c.parameters == 3


@pytest.mark.parametrize("padding", [[[1, 1]], [1], [], [1, 2, 3]])
def test_a_2d_padding_list_needs_one_entry_per_axis(padding: list[Any]) -> None:
    """A 2-D node's padding list has exactly 2 entries (values or [before, after] pairs): one,
    none or three are refused naming the field, not padded out or cut."""
    from kronconv.specs.architecture import parse_architecture

    with pytest.raises(ArchitectureError, match=r"field 'padding'.*2 values \(one per axis\)"):
        parse_architecture({"dims": 2, "layers": [
            {"op": "conv", "kernel_size": 3, "padding": padding}]}, source="<test>")
