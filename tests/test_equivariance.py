"""Equivariance: acceptance cases through the CLI, the two questions, wrong variants rejected,
bad input as one line."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest

from kronconv.catalogue import ARCHITECTURES
from kronconv.cli import main
from kronconv.equivariance import analysis as eq
from kronconv.equivariance.consistency import dilated_stack
from kronconv.equivariance.smt import prove_shift
from kronconv.semantics.weights import random_weights
from kronconv.specs.architecture import parse_architecture

EXAMPLES = ARCHITECTURES


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> dict:
    assert main(["equivariance", *argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_dilated_circular_stack_respects_all_256_shifts(capsys: pytest.CaptureFixture) -> None:
    data = _run(capsys, str(EXAMPLES / "dilated4_circular.json"), "--size", "16")
    assert data["question"] == "all-weights"
    assert len(data["equivariant_shifts"]) == 256
    assert all(s["shift"] == s["output_shift"] for s in data["equivariant_shifts"])
    assert data["not_equivariant"] == [] and data["unknown"] == []


def test_encoder_decoder_respects_exactly_multiples_of_four(
        capsys: pytest.CaptureFixture) -> None:
    data = _run(capsys, str(EXAMPLES / "segnet16.json"), "--size", "16")
    respected = {tuple(s["shift"]) for s in data["equivariant_shifts"]}
    assert respected == {(a, b) for a in range(0, 16, 4) for b in range(0, 16, 4)}
    assert {tuple(g["shift"]) for g in data["proof"]["generators"]} == {(0, 4), (4, 0)}
    refuted = {tuple(e["shift"]): e["counterexample"] for e in data["not_equivariant"]}
    assert len(refuted) == 240 and data["unknown"] == []
    cx = refuted[(0, 1)]
    assert cx["shift"] == [0, 1] and cx["output"] != cx["shifted_output"]
    assert np.array(cx["input"]).shape == (1, 16, 16)


def test_the_two_questions_differ_on_dead_relus() -> None:
    arch = parse_architecture({"dims": 1, "layers": [
        {"op": "conv", "kernel_size": 3, "padding": 1, "out_channels": 1}, {"op": "relu"},
        {"op": "conv", "kernel_size": 3, "padding": 1, "out_channels": 1}]})
    dead = {"conv0": {"weight": np.zeros((1, 1, 3), dtype=np.int64),
                      "bias": np.array([-1])},
            "conv2": {"weight": np.array([[[1, 2, 3]]]), "bias": np.array([4])}}
    these = eq.analyze_equivariance(arch, 6, given=dead)
    every = eq.analyze_equivariance(arch, 6)
    assert these.question == "these-weights" and every.question == "all-weights"
    assert len(these.respected) == 6  # a constant output respects every shift
    assert every.respected == {(0,): (0,)}  # zero padding: only the zero shift for all weights


def test_random_weights_question_is_labelled(capsys: pytest.CaptureFixture) -> None:
    data = _run(capsys, str(EXAMPLES / "dilated4_circular.json"), "--size", "8",
                "--weights", "random", "--seed", "3")
    assert data["question"] == "these-weights" and data["seed"] == 3
    assert "these weights" in data["question_text"]


def test_zero_padding_is_not_claimed_fully_equivariant() -> None:
    result = eq.analyze_equivariance(dilated_stack([1, 2], dims=1, padding_mode="zeros"), 12)
    assert result.respected == {(0,): (0,)}
    assert all(v.counterexample is not None for v in result.with_status("not-respected"))


def test_a_corrupted_circular_padding_is_rejected(monkeypatch: pytest.MonkeyPatch) -> None:
    evaluate_module = sys.modules["kronconv.semantics.evaluate"]
    original = evaluate_module.pad
    monkeypatch.setattr(evaluate_module, "pad",
                        lambda x, widths, mode, fill: original(x, widths, "zeros", fill))
    arch = dilated_stack([1, 2], dims=1)
    with pytest.raises(AssertionError, match="reference engine disagrees"):
        eq.analyze_equivariance(arch, 8)


def test_a_wrong_output_shift_is_rejected() -> None:
    arch = parse_architecture({"dims": 1, "layers": [
        {"op": "conv", "kernel_size": 3, "padding": 1, "padding_mode": "circular",
         "stride": 2, "out_channels": 1}]})
    weights = random_weights(arch, 1)
    assert prove_shift(arch, (8,), (2,), (1,), weights).proved
    wrong = prove_shift(arch, (8,), (2,), (2,), weights)
    assert wrong.status == "counterexample"
    draws = [eq._screen(arch, (8,), weights, 1, eq.numeric_backend(arch))]
    assert eq._candidates(draws, (2,), (4,), True) == [(1,)]


def test_group_closure_needs_every_generator() -> None:
    group = eq._generate([((4, 0), (4, 0))], (16, 16), (16, 16))
    assert set(group) == {(a, 0) for a in range(0, 16, 4)}


@pytest.mark.parametrize(("content", "size", "message"), [
    ({"dims": 2, "layers": [{"op": "conv", "kernel_size": 5}]}, "3", "larger input"),
    ({"dims": 2, "layers": [{"op": "maxpool", "kernel_size": 2}]}, "7", "strides divide"),
    ({"dims": 1, "layers": [{"op": "maxpool", "kernel_size": 2},
                            {"op": "maxunpool", "indices": "nope"}]}, "8", "'indices'"),
])
def test_bad_input_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture, content: dict,
                               size: str, message: str) -> None:
    path = tmp_path / "arch.json"
    path.write_text(json.dumps(content))
    assert main(["equivariance", str(path), "--size", size]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err
