"""Architecture descriptions: both forms, PyTorch field semantics, and one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kronconv.catalogue import ARCHITECTURES
from kronconv.cli import main
from kronconv.errors import ArchitectureError
from kronconv.specs.architecture import (
    Architecture,
    Node,
    load_architecture,
    parse_architecture,
    plain_stack,
)

EXAMPLES = ARCHITECTURES
ISSUE_CHAIN = {"dims": 2, "layers": [
    {"op": "conv", "kernel_size": 3, "stride": 1, "padding": 1, "dilation": 1, "out_channels": 64},
    {"op": "relu"}, {"op": "maxpool", "kernel_size": 2, "stride": 2}]}


def graph(*nodes: dict, output: str = "out", dims: int = 2) -> dict:
    return {"dims": dims, "nodes": [{"id": "x", "op": "input"}, *nodes], "output": output}


def test_chain_form_from_the_issue() -> None:
    arch = parse_architecture(ISSUE_CHAIN)
    assert [n.id for n in arch.nodes] == ["input", "conv0", "relu1", "maxpool2"]
    conv = arch.node("conv0")
    assert conv.kernel_size == (3, 3) and conv.padding == ((1, 1), (1, 1))
    assert arch.node("maxpool2").stride == (2, 2)
    assert arch.output == "maxpool2"
    assert arch.parameters()["conv0"] == 64 * 1 * 9 + 64


@pytest.mark.parametrize(("padding", "kernel", "dilation", "expected"), [
    (1, 3, 1, ((1, 1), (1, 1))),
    ([1, 2], 3, 1, ((1, 1), (2, 2))),
    ([[0, 1], [2, 3]], 3, 1, ((0, 1), (2, 3))),
    ("valid", 3, 1, ((0, 0), (0, 0))),
    ("same", 3, 1, ((1, 1), (1, 1))),
    ("same", 4, 1, ((1, 2), (1, 2))),      # PyTorch: the smaller half first
    ("same", 3, 2, ((2, 2), (2, 2))),
    ("same", [4, 2], 3, ((4, 5), (1, 2))),
])
def test_padding_forms(padding, kernel, dilation, expected) -> None:  # type: ignore[no-untyped-def]
    arch = parse_architecture({"dims": 2, "layers": [
        {"op": "conv", "kernel_size": kernel, "dilation": dilation, "padding": padding}]})
    assert arch.node("conv0").padding == expected


def test_one_d_before_after_pair() -> None:
    arch = parse_architecture({"dims": 1, "layers": [{"op": "conv", "kernel_size": 3,
                                                      "padding": [0, 2]}]})
    assert arch.node("conv0").padding == ((0, 2),)


def test_pool_stride_defaults_to_kernel_size_and_unpool_inherits() -> None:
    arch = parse_architecture(graph(
        {"id": "p", "op": "maxpool", "inputs": ["x"], "kernel_size": 3},
        {"id": "out", "op": "maxunpool", "inputs": ["p"], "indices": "p"}))
    assert arch.node("p").stride == (3, 3)
    assert arch.node("out").kernel_size == (3, 3) and arch.node("out").stride == (3, 3)


def test_graph_nodes_in_any_order_are_sorted() -> None:
    arch = parse_architecture(graph(
        {"id": "out", "op": "add", "inputs": ["c", "x"]},
        {"id": "c", "op": "conv", "inputs": ["x"], "kernel_size": 3, "padding": "same"}))
    assert [n.id for n in arch.nodes] == ["x", "c", "out"]
    assert not arch.is_chain


def test_channels_and_parameters_with_concat_groups_batchnorm() -> None:
    arch = parse_architecture({"dims": 2, "in_channels": 4, "nodes": [
        {"id": "x", "op": "input"},
        {"id": "a", "op": "conv", "inputs": ["x"], "kernel_size": 3, "out_channels": 8,
         "groups": 2, "bias": False},
        {"id": "b", "op": "batchnorm", "inputs": ["a"]},
        {"id": "out", "op": "concat", "inputs": ["b", "x"]}], "output": "out"})
    assert arch.channels() == {"x": 4, "a": 8, "b": 8, "out": 12}
    assert arch.parameters() == {"x": 0, "a": 8 * 2 * 9, "b": 16, "out": 0}


def test_plain_stack_and_toml(tmp_path: Path) -> None:
    arch = plain_stack([3, 3], [1, 2], strides=[1, 2], paddings=[0, 1], dims=2)
    assert arch.node("conv1").dilation == (2, 2) and arch.node("conv1").stride == (2, 2)
    file = tmp_path / "a.toml"
    file.write_text('dims = 1\n[[layers]]\nop = "conv"\nkernel_size = 5\ndilation = 2\n')
    assert load_architecture(file).node("conv0").span == (9,)


def test_examples_load() -> None:
    for file in sorted(EXAMPLES.glob("*.json")):
        assert isinstance(load_architecture(file), Architecture)


def test_api_shape_is_stable() -> None:
    node = Node(id="c", op="conv", inputs=("x",), kernel_size=(3,), stride=(1,),
                padding=((1, 1),), dilation=(1,))
    arch = Architecture(dims=1, nodes=(Node("x", "input", ()), node), output="c")
    assert arch.node("c") is node and arch.in_channels == 1


# -- errors: one line, naming node and field -------------------------------------------------
BAD = [
    ("unknown op", {"dims": 2, "layers": [{"op": "convolve", "kernel_size": 3}]},
     ["layers[0]", "'op'", "convolve"]),
    ("missing field", {"dims": 2, "layers": [{"op": "conv", "padding": 1}]},
     ["conv0", "'kernel_size'", "missing"]),
    ("negative stride", {"dims": 2, "layers": [{"op": "conv", "kernel_size": 3, "stride": -2}]},
     ["conv0", "'stride'", "-2"]),
    ("cycle", graph({"id": "a", "op": "relu", "inputs": ["out"]},
                    {"id": "out", "op": "relu", "inputs": ["a"]}),
     ["cycle", "a -> out -> a", "'inputs'"]),
    ("missing input node", graph({"id": "out", "op": "relu", "inputs": ["nope"]}),
     ["'out'", "'inputs'", "'nope'"]),
    ("unknown indices", graph({"id": "out", "op": "maxunpool", "inputs": ["x"],
                               "indices": "p9"}), ["'out'", "'indices'", "p9"]),
    ("per-axis length", {"dims": 2, "layers": [{"op": "conv", "kernel_size": [3, 3, 3]}]},
     ["conv0", "'kernel_size'", "2 integers"]),
    ("unknown field", {"dims": 2, "layers": [{"op": "relu", "kernel_size": 3}]},
     ["relu0", "'kernel_size'", "no such field"]),
    ("same with stride", {"dims": 1, "layers": [{"op": "conv", "kernel_size": 3, "stride": 2,
                                                 "padding": "same"}]}, ["conv0", "'padding'"]),
    ("bad dims", {"dims": 5, "layers": [{"op": "relu"}]}, ["'dims'", "5"]),
    ("add with one input", graph({"id": "out", "op": "add", "inputs": ["x"]}),
     ["'out'", "'inputs'", "at least 2"]),
    ("bad output", {**graph({"id": "c", "op": "relu", "inputs": ["x"]}), "output": "zz"},
     ["'output'", "zz"]),
    ("groups", {"dims": 1, "in_channels": 3, "layers": [{"op": "conv", "kernel_size": 1,
                                                         "groups": 2}]}, ["'groups'"]),
]


@pytest.mark.parametrize(("case", "data", "needles"), BAD, ids=[b[0] for b in BAD])
def test_bad_architectures_are_rejected(case: str, data: dict, needles: list[str]) -> None:
    with pytest.raises(ArchitectureError) as info:
        parse_architecture(data, source="bad.json")
    message = str(info.value)
    assert "\n" not in message and message.startswith("bad.json")
    for needle in needles:
        assert needle in message, (case, message)


@pytest.mark.parametrize(("case", "data", "needles"), BAD[:6], ids=[b[0] for b in BAD[:6]])
def test_cli_prints_one_line_and_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture,
                                         case: str, data: dict, needles: list[str]) -> None:
    file = tmp_path / "bad.json"
    file.write_text(json.dumps(data))
    assert main(["rf", str(file)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("kronconv rf: error:")
    assert all(needle in err for needle in needles)


def test_cli_unreadable_and_invalid_files(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    assert main(["rf", str(broken)]) == 2
    assert "not valid JSON" in capsys.readouterr().err
    assert main(["rf", str(tmp_path / "missing.json")]) == 2
    assert "cannot be read" in capsys.readouterr().err
    assert main(["rf", str(tmp_path / "a.yaml")]) == 2
    assert "'.yaml'" in capsys.readouterr().err


def test_ancestors_follow_inputs_and_pooling_indices() -> None:
    from kronconv.specs import parse_architecture

    arch = parse_architecture({"dims": 1, "nodes": [
        {"id": "x", "op": "input"},
        {"id": "p", "op": "maxpool", "inputs": ["x"], "kernel_size": 2},
        {"id": "c", "op": "conv", "inputs": ["p"], "kernel_size": 1},
        {"id": "u", "op": "maxunpool", "inputs": ["c"], "indices": "p"},
        {"id": "side", "op": "relu", "inputs": ["x"]}], "output": "u"})
    ancestors = arch.ancestors()
    assert ancestors["u"] == {"x", "p", "c", "u"}
    assert ancestors["side"] == {"x", "side"} and ancestors["x"] == {"x"}
