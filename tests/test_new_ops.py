"""The ops added for PyTorch models (conv_transpose, linear upsampling, pooling ceil_mode and
count_include_pad, gelu/silu/hardswish/hardsigmoid, sub/mul) against the naive references, the
per-layer table, and torch staying out of the core. No torch needed."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from typing import Any

import numpy as np
import pytest

from kronconv import parse_architecture
from kronconv.cli import main
from kronconv.errors import ArchitectureError, InvalidParameterError
from kronconv.receptive_field import dependency
from kronconv.receptive_field.dependency import dependency_set, naive_dependency_set
from kronconv.receptive_field.layers import layer_table
from kronconv.receptive_field.recursion import closed_forms, receptive_field
from kronconv.semantics import evaluate, get_backend, random_weights, reference_evaluate
from kronconv.serialize import to_json

evaluate_module = importlib.import_module("kronconv.semantics.evaluate")  # (not the function)

CASES: dict[str, tuple[dict[str, Any], tuple[int, ...]]] = {
    "conv_transpose 1d": ({"dims": 1, "layers": [
        {"op": "conv_transpose", "kernel_size": 3, "stride": 2, "padding": 1,
         "output_padding": 1, "out_channels": 2}]}, (7,)),
    "conv_transpose 2d groups": ({"dims": 2, "in_channels": 2, "layers": [
        {"op": "conv_transpose", "kernel_size": [2, 3], "stride": [2, 1], "dilation": [1, 2],
         "groups": 2, "out_channels": 4}]}, (3, 4)),
    "linear upsample": ({"dims": 2, "layers": [
        {"op": "conv", "kernel_size": 2}, {"op": "upsample", "scale_factor": [2, 3],
                                           "mode": "linear"}]}, (5, 4)),
    "avgpool ceil, no pad count": ({"dims": 1, "layers": [
        {"op": "avgpool", "kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True,
         "count_include_pad": False}]}, (8,)),
    "avgpool ceil": ({"dims": 2, "layers": [
        {"op": "avgpool", "kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True}]},
        (6, 5)),
    "maxpool ceil": ({"dims": 1, "layers": [
        {"op": "maxpool", "kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True}]},
        (8,)),
    "hard activations": ({"dims": 1, "layers": [
        {"op": "conv", "kernel_size": 3}, {"op": "hardswish"}, {"op": "conv", "kernel_size": 1},
        {"op": "hardsigmoid"}]}, (6,)),
    "sub and mul": ({"dims": 1, "nodes": [
        {"id": "x", "op": "input"}, {"id": "a", "op": "conv", "inputs": ["x"], "kernel_size": 3,
                                     "padding": 1},
        {"id": "b", "op": "conv", "inputs": ["x"], "kernel_size": 3, "padding": 2,
         "dilation": 2},
        {"id": "d", "op": "sub", "inputs": ["a", "b"]}, {"id": "m", "op": "mul",
                                                         "inputs": ["d", "a"]}],
        "output": "m"}, (6,)),
}


def _run(name: str) -> tuple[Any, np.ndarray, np.ndarray]:
    raw, size = CASES[name]
    arch = parse_architecture(raw)
    x = np.random.default_rng(1).integers(-4, 5, (1, arch.in_channels, *size))
    weights = random_weights(arch, 2)
    fast = evaluate(arch, x, weights, get_backend("exact"))
    return arch, np.asarray(fast[0], dtype=object), reference_evaluate(arch, x[0], weights)


@pytest.mark.parametrize("name", sorted(CASES))
def test_exact_semantics_equal_the_reference(name: str) -> None:
    _, fast, reference = _run(name)
    assert fast.shape == reference.shape
    assert np.array_equal(fast, reference)


@pytest.mark.parametrize("name", sorted(CASES))
def test_dependency_sets_equal_the_naive_sets(name: str) -> None:
    arch = parse_architecture(CASES[name][0])
    for unit in [(0,) * arch.dims, (3,) * arch.dims, (5,) * arch.dims]:
        naive = naive_dependency_set(arch, unit=unit)
        assert dependency_set(arch, unit=unit, separable=False).positions() == naive
        if dependency.is_separable(arch):
            assert dependency_set(arch, unit=unit, separable=True).positions() == naive


def test_transcendental_activations_in_float_match_the_reference() -> None:
    arch = parse_architecture({"dims": 1, "layers": [
        {"op": "conv", "kernel_size": 3}, {"op": "gelu"}, {"op": "silu"}]})
    x = np.random.default_rng(0).normal(size=(1, 1, 7))
    weights = random_weights(arch, 0)
    fast = evaluate(arch, x, weights, get_backend("float"))
    reference = reference_evaluate(arch, x[0], weights).astype(float)
    assert np.allclose(fast[0], reference, rtol=1e-12, atol=1e-12)
    with pytest.raises(InvalidParameterError, match="gelu"):
        evaluate(arch, x.round().astype(np.int64), weights, get_backend("exact"))


def test_a_wrong_linear_rule_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    """Wrong twin: linear upsampling that forgets its second tap."""
    monkeypatch.setattr(dependency, "linear_sources", lambda j, f: ((2 * j + 1 - f) // (2 * f),))
    arch = parse_architecture(CASES["linear upsample"][0])
    assert dependency_set(arch, unit=(3, 4)).positions() != naive_dependency_set(arch,
                                                                                unit=(3, 4))


def test_a_wrong_linear_semantics_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    """Wrong twin: linear upsampling evaluated as nearest."""
    monkeypatch.setattr(evaluate_module, "linear_upsample",
                        lambda x, axis, factor, backend: np.repeat(x, factor, axis=axis))
    _, fast, reference = _run("linear upsample")
    assert not np.array_equal(fast, reference)


def test_closed_forms_stop_after_conv_transpose() -> None:
    arch = parse_architecture(CASES["conv_transpose 1d"][0])
    assert closed_forms(arch).fields[arch.output] is None
    with pytest.raises(ArchitectureError, match="conv_transpose"):
        receptive_field(arch)


@pytest.mark.parametrize(("raw", "message"), [
    ({"op": "upsample", "scale_factor": 2, "mode": "cubic"}, "mode"),
    ({"op": "maxpool", "kernel_size": 2, "ceil_mode": 1}, "ceil_mode"),
    ({"op": "avgpool", "kernel_size": 2, "count_include_pad": "yes"}, "count_include_pad"),
    ({"op": "pointwise"}, "function"),
    ({"op": "conv_transpose", "kernel_size": 2, "output_padding": -1}, "output_padding"),
])
def test_bad_fields_of_new_ops_give_one_clear_error(raw: dict[str, Any], message: str) -> None:
    with pytest.raises(ArchitectureError, match=message):
        parse_architecture({"dims": 1, "layers": [raw]})


def test_layer_table_rows() -> None:
    arch = parse_architecture(CASES["sub and mul"][0])
    rows = {r.node: r for r in layer_table(arch, (1, 1, 12))}
    assert rows["a"].output_shape == (1, 12) and rows["a"].parameters == 4
    assert rows["b"].receptive_field == (5,) and rows["b"].effective_padding == (2,)
    assert rows["m"].alignment == "aligned" and rows["a"].alignment is None
    assert to_json(rows["m"])["output_shape"] == [1, 12]
    with pytest.raises(InvalidParameterError, match="input-shape"):
        layer_table(arch, (1, 3, 12))


def test_rf_with_input_shape_prints_the_table(tmp_path: Any,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "arch.json"
    path.write_text(json.dumps(CASES["sub and mul"][0]))
    assert main(["rf", str(path), "--input-shape", "1,1,12", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [row["node"] for row in data["table"]] == ["a", "b", "d", "m"]
    assert main(["rf", str(path), "--input-shape", "1,2,12"]) == 2
    assert capsys.readouterr().err.count("\n") == 1


def test_the_core_and_the_cli_never_import_torch() -> None:
    code = ("import sys, kronconv, kronconv.cli, kronconv.receptive_field.layers; "
            "kronconv.cli.main(['rf', '--kernel-sizes', '3,3', '--dilations', '1,2', "
            "'--input-shape', '1,1,16']); kronconv.cli.build_parser(); "
            "assert 'torch' not in sys.modules, 'torch was imported'")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, done.stderr
