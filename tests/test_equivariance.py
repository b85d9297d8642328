"""Equivariance: acceptance cases through the CLI, the two questions, the calculus against
shift-by-shift proofs, the rules for every size, corrupted rules and semantics caught, resource
limits never read as findings, bad input as one line."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest

from kronconv.catalogue import ARCHITECTURES, load_example
from kronconv.cli import main
from kronconv.equivariance import analysis as eq
from kronconv.equivariance import shifts
from kronconv.equivariance.consistency import (
    dilated_stack,
    shift_consistency,
    small_architectures,
    small_sweep,
)
from kronconv.equivariance.exhaustive import exhaustive_equivariance, generate
from kronconv.equivariance.lemmas import RULES, check_rules
from kronconv.equivariance.screening import matching_shifts
from kronconv.equivariance.smt import prove_shift
from kronconv.errors import InvalidParameterError
from kronconv.semantics.weights import random_weights
from kronconv.specs.architecture import parse_architecture

EXAMPLES = ARCHITECTURES
MULTIPLES_OF_4 = {(a, b) for a in range(0, 16, 4) for b in range(0, 16, 4)}


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> dict:
    assert main(["equivariance", *argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


# -- the acceptance answers ----------------------------------------------------------------------
def test_dilated_circular_stack_respects_all_256_shifts(capsys: pytest.CaptureFixture) -> None:
    data = _run(capsys, str(EXAMPLES / "dilated4_circular.json"), "--size", "16")
    assert data["question"] == "all-weights" and data["method"] == "calculus"
    assert len(data["equivariant_shifts"]) == 256
    assert all(s["shift"] == s["output_shift"] for s in data["equivariant_shifts"])
    assert data["not_equivariant"] == [] and data["unknown"] == []
    assert [q["status"] for q in data["proof"]["queries"]] == ["proved", "proved"]


def test_encoder_decoder_respects_exactly_multiples_of_four(
        capsys: pytest.CaptureFixture) -> None:
    data = _run(capsys, str(EXAMPLES / "segnet16.json"), "--size", "16")
    respected = {tuple(s["shift"]) for s in data["equivariant_shifts"]}
    assert respected == MULTIPLES_OF_4
    assert {tuple(g["shift"]) for g in data["generators"]} == {(0, 4), (4, 0)}
    assert all(q["status"] == "proved" for q in data["proof"]["queries"])
    refuted = {tuple(e["shift"]): e for e in data["not_equivariant"]}
    assert len(refuted) == 15 and data["unknown"] == []
    assert sum(e["class"]["members"] for e in refuted.values()) == 240
    cx = refuted[(0, 1)]["counterexample"]
    assert cx["shift"] == [0, 1] and cx["output"] != cx["shifted_output"]
    assert np.array(cx["input"]).shape == (1, 16, 16)
    assert cx["rechecked_by"].startswith("reference")


@pytest.mark.parametrize("size", [16, 64])
def test_calculus_answers_agree_with_the_exhaustive_analysis_on_examples(size: int) -> None:
    segnet = load_example("segnet16")
    result = eq.analyze_equivariance(segnet, size)
    assert set(result.respected) == {(a, b) for a in range(0, size, 4)
                                     for b in range(0, size, 4)}
    assert len(result.with_status("not-respected")) == 15 and not result.with_status("unknown")
    if size == 16:
        assert exhaustive_equivariance(segnet, 16).respected == result.respected


# -- the two questions ---------------------------------------------------------------------------
def test_the_two_questions_differ_on_dead_relus() -> None:
    arch = parse_architecture({"dims": 1, "layers": [
        {"op": "conv", "kernel_size": 3, "padding": 1, "out_channels": 1}, {"op": "relu"},
        {"op": "conv", "kernel_size": 3, "padding": 1, "out_channels": 1}]})
    dead = {"conv0": {"weight": np.zeros((1, 1, 3), dtype=np.int64),
                      "bias": np.array([-1])},
            "conv2": {"weight": np.array([[[1, 2, 3]]]), "bias": np.array([4])}}
    for analyze in (eq.analyze_equivariance, exhaustive_equivariance):
        these = analyze(arch, 6, given=dead)
        every = analyze(arch, 6)
        assert these.question == "these-weights" and every.question == "all-weights"
        assert len(these.respected) == 6  # a constant output respects every shift
        assert every.respected == {(0,): (0,)}  # zero padding: only the zero shift


def test_the_architecture_question_never_rests_on_one_draw() -> None:
    with pytest.raises(InvalidParameterError, match="draws=1"):
        eq.analyze_equivariance(dilated_stack([1], dims=1), 8, draws=1)
    result = eq.analyze_equivariance(dilated_stack([1, 2], dims=1, padding_mode="zeros"), 8)
    assert len(result.checks["numeric"]["draws"]) == 3


def test_random_weights_question_is_labelled(capsys: pytest.CaptureFixture) -> None:
    data = _run(capsys, str(EXAMPLES / "dilated4_circular.json"), "--size", "8",
                "--weights", "random", "--seed", "3")
    assert data["question"] == "these-weights" and data["seed"] == 3
    assert "these weights" in data["question_text"]


# -- zero padding: the exact agreement region ----------------------------------------------------
def test_zero_padding_region_is_the_clean_region(capsys: pytest.CaptureFixture,
                                                 tmp_path: Path) -> None:
    n, dilations = 12, [1, 2]
    path = tmp_path / "zeros.json"
    path.write_text(json.dumps({"dims": 1, "layers": [
        {"op": "conv", "kernel_size": 3, "dilation": d, "padding": d, "out_channels": 1}
        for d in dilations]}))
    data = _run(capsys, str(path), "--size", str(n), "--prove", "always")
    assert [tuple(s["shift"]) for s in data["equivariant_shifts"]] == [(0,)]
    clean = set(range(3, n - 3))  # P = Q = 1 + 2
    regions = {e["shift"][0]: e["agreement_region"] for e in data["not_equivariant"]}
    assert sorted(regions) == list(range(1, n))
    for v, region in regions.items():
        expected = [i for i in range(n) if i in clean and (i - v) % n in clean]
        assert region["per_axis"] == [expected] if expected else region["positions"] == 0
        assert region["output_shift"] == [v]
    assert sum(r["positions"] for r in regions.values()) > 0  # an emptied region is caught
    assert all("proved by z3 inside" in e["evidence"] for e in data["not_equivariant"]
               if e["agreement_region"]["positions"])


# -- the calculus against the proofs, and the rules for every size --------------------------------
def test_calculus_matches_shift_by_shift_proofs_on_the_small_domain() -> None:
    sweep = small_sweep()
    assert sweep["checked"] == 240 and sweep["mismatches"] == []


def test_a_corrupted_calculus_disagrees_with_the_proofs(monkeypatch: pytest.MonkeyPatch) -> None:
    # Wrong twin: the whole-window exception dropped -> 'multiples of the stride' only.
    original = shifts.window_shift

    def no_exception(node, axis, length, w):  # type: ignore[no-untyped-def]
        if node.op != "conv" and length == node.stride[axis] == node.kernel_size[axis]:
            return w // node.stride[axis] if w % node.stride[axis] == 0 else None
        return original(node, axis, length, w)

    monkeypatch.setattr(shifts, "window_shift", no_exception)
    cases = [(name, arch) for name, arch in small_architectures()
             if name == "conv k=1 d=1 s=2 circular relu maxpool 2"]
    assert small_sweep((4,), architectures=cases)["mismatches"]


def test_every_rule_holds_for_every_size_and_every_twin_is_rejected() -> None:
    checks = check_rules(twins=True)
    assert [c.rule for c in checks] == list(RULES)
    assert all(c.result.proved for c in checks)
    assert all(not c.twin.proved for c in checks) and all(c.ok for c in checks)


# -- corrupted rules and semantics are caught ------------------------------------------------------
def test_a_corrupted_circular_padding_is_rejected(monkeypatch: pytest.MonkeyPatch) -> None:
    evaluate_module = sys.modules["kronconv.semantics.evaluate"]
    original = evaluate_module.pad
    monkeypatch.setattr(evaluate_module, "pad",
                        lambda x, widths, mode, fill: original(x, widths, "zeros", fill))
    with pytest.raises(AssertionError, match="disagrees"):
        eq.analyze_equivariance(dilated_stack([1, 2], dims=1), 8)
    with pytest.raises(AssertionError, match="reference engine disagrees"):
        exhaustive_equivariance(dilated_stack([1, 2], dims=1), 8)


STRIDED = {"dims": 1, "layers": [{"op": "conv", "kernel_size": 3, "padding": 1,
                                  "padding_mode": "circular", "stride": 2, "out_channels": 1}]}


@pytest.mark.parametrize(("corrupt", "size"), [
    (lambda node, axis, length, w: w, 8),  # respected shift, wrong output shift (v, not v / s)
    (lambda node, axis, length, w: w // node.stride[axis], 8),  # odd shifts wrongly respected
    (lambda node, axis, length, w: w, 512),  # the same, caught at a size z3 does not run at
    (lambda node, axis, length, w: w // node.stride[axis], 512),
])
def test_a_corrupted_rule_is_caught(monkeypatch: pytest.MonkeyPatch, corrupt: object,
                                    size: int) -> None:
    arch = parse_architecture(STRIDED)
    monkeypatch.setattr(shifts, "window_shift", corrupt)
    with pytest.raises(AssertionError, match=r"disagrees|refutes"):
        eq.analyze_equivariance(arch, size)


def test_a_wrong_output_shift_is_rejected_by_z3_and_by_screening() -> None:
    arch = parse_architecture(STRIDED)
    weights = random_weights(arch, 1)
    assert prove_shift(arch, (8,), (2,), (1,), weights).proved
    assert prove_shift(arch, (8,), (2,), (2,), weights).status == "counterexample"
    result = exhaustive_equivariance(arch, 8, weights="random", seed=1)
    assert result.respected == {(v,): (v // 2,) for v in (0, 2, 4, 6)}


def test_matching_shifts_finds_exactly_the_rolls() -> None:
    rng = np.random.default_rng(0)
    y = rng.integers(-3, 4, (2, 12, 10))
    assert matching_shifts(y, np.roll(y, (5, 3), axis=(1, 2)), True) == [(5, 3)]
    assert matching_shifts(y, y + (y == y.max()), True) == []
    periodic = np.tile(rng.integers(0, 9, (1, 3, 10)), (1, 4, 1))
    assert matching_shifts(periodic, periodic, True) == [(0, 0), (3, 0), (6, 0), (9, 0)]
    constant = np.full((1, 4, 4), 7)
    assert len(matching_shifts(constant, constant, True)) == 16


def test_group_closure_needs_every_generator() -> None:
    group = generate([((4, 0), (4, 0))], (16, 16), (16, 16))
    assert set(group) == {(a, 0) for a in range(0, 16, 4)}


# -- resource limits: refused, or inconclusive, never a finding -----------------------------------
@pytest.mark.parametrize("argv", [["--timeout", "0"], ["--rlimit", "0"], ["--rlimit", "-5"]])
def test_a_zero_limit_is_refused(capsys: pytest.CaptureFixture, argv: list[str]) -> None:
    assert main(["equivariance", str(EXAMPLES / "segnet16.json"), "--size", "8", *argv]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and argv[0] in err


def test_a_tiny_limit_is_inconclusive_not_a_finding(capsys: pytest.CaptureFixture) -> None:
    data = _run(capsys, str(EXAMPLES / "segnet16.json"), "--size", "8", "--rlimit", "1")
    assert {q["status"] for q in data["proof"]["queries"]} == {"unknown"}
    assert all("exhausted" in q["reason"] for q in data["proof"]["queries"])
    group = eq.analyze_equivariance(load_example("segnet16"), 8, rlimit=1).verdicts[0]
    assert "INCONCLUSIVE" in group.evidence and "proof:" not in group.evidence
    exhaustive = exhaustive_equivariance(load_example("segnet16"), 8, rlimit=1)
    assert exhaustive.respected == {(0, 0): (0, 0)}  # nothing proved ...
    refuted = {v.shift for v in exhaustive.with_status("not-respected")}
    assert not refuted & {(0, 4), (4, 0), (4, 4)}  # ... and nothing wrongly refuted


# -- sampled consistency beside the exact answer ---------------------------------------------------
def test_consistency_is_printed_beside_the_exact_answer(capsys: pytest.CaptureFixture) -> None:
    data = _run(capsys, str(EXAMPLES / "segnet16.json"), "--size", "16", "--consistency", "8")
    assert data["consistency"]["exact"] == {"respected": 16, "of": 256, "fraction": 16 / 256}
    assert data["consistency"]["sampled"]["count"] == 8
    assert main(["equivariance", str(EXAMPLES / "segnet16.json"), "--size", "16",
                 "--consistency", "8"]) == 0
    assert "sampled consistency on 8 random shifts" in capsys.readouterr().out
    circular = shift_consistency(load_example("dilated4_circular"), 16, count=4, seed=0)
    assert circular.exact_consistency == 1.0


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
