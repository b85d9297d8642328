"""The command line as a tool in pipelines: pinned JSON keys per command, one validation style,
a start-up that imports only the chosen command, `verify --json -`, `--fail-on`, `--tiers`,
`identity --check`, shipped examples by name."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from kronconv.cli import main

HEAVY = ("sympy", "z3", "matplotlib")


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _json(capsys: pytest.CaptureFixture[str], *argv: str) -> Any:
    code, out, _ = _run(capsys, *argv, "--json")
    assert code == 0
    return json.loads(out)


# -- start-up: only the chosen subcommand's modules ---------------------------------------------
def _heavy_modules(argv: list[str]) -> list[str]:
    """The heavy packages imported by one CLI run, in a fresh interpreter."""
    code = ("import sys\nfrom kronconv.cli import main\nmain(sys.argv[1:])\n"
            f"print([m for m in {HEAVY!r} if m in sys.modules])")
    run = subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, text=True,
                         check=True)
    return list(json.loads(run.stdout.strip().splitlines()[-1].replace("'", '"')))


@pytest.mark.parametrize("argv", [
    ["--version"], ["--help"], ["rf", "--kernel-sizes", "3,3,3", "--dilations", "1,2,4"],
    ["rf", "--example", "vgg16", "--json"], ["rf", "--help"]])
def test_light_commands_import_no_sympy_z3_or_matplotlib(argv: list[str]) -> None:
    assert _heavy_modules(argv) == []


def test_the_import_probe_sees_heavy_imports() -> None:
    # The probe's twin: `identity` does need SymPy, and the probe must say so.
    assert "sympy" in _heavy_modules(["identity", "--kernel-size", "2", "--layers", "2"])


# -- one validation style: name=value ---------------------------------------------------------
ARCH = str(Path(__file__).resolve().parent.parent / "kronconv" / "catalogue" / "architectures"
           / "vgg16.json")


@pytest.mark.parametrize(("argv", "needle"), [
    (["identity", "--kernel-size", "3", "--layers", "2", "--convention", "xcorr"],
     "--convention='xcorr' is invalid: expected one of 'convolution', 'correlation'"),
    (["identity", "--kernel-size", "3", "--layers", "2", "--boundary", "reflect"],
     "--boundary='reflect' is invalid: expected one of 'full'"),
    (["identity", "--kernel-size", "3", "--layers", "2", "--dims", "4"],
     "--dims=4 is invalid: expected one of 1, 2, 3"),
    (["identity", "--kernel-size", "3", "--dilations", "1,x"],
     "--dilations='1,x' is invalid: expected a comma-separated list of integers"),
    (["identity", "--kernel-size", "x", "--layers", "2"],
     "--kernel-size='x' is invalid: expected an integer"),
    (["identity", "--kernel-size", "3", "--layers", "2", "--channels", "0"], "--channels=0"),
    (["rf", ARCH, "--dims", "2"], "--dims=2 is invalid: expected no plain-stack flag"),
    (["rf", ARCH, "--dilations", "1,2"], "--dilations=[1, 2] is invalid"),
    (["rf", "--example", "vgg17"], "--example='vgg17' is invalid: expected one of"),
    (["rf", "--example", "vgg16", ARCH], "--example='vgg16' is invalid: expected no "
     "architecture file"),
    (["equivariance", "--example", "nope", "--size", "8"], "'segnet16'"),
    (["equivariance", "--size", "8"], "ARCH=None is invalid"),
    (["figures", "-o", "x", "--only", "nope"], "--only='nope' is invalid: expected one of"),
    (["verify", "--fail-on", "wrong"], "--fail-on='wrong' is invalid: expected one of "
     "'failed', 'refuted', 'qualified'"),
    (["verify", "--tiers", "symbolic,formal2"], "--tiers='formal2' is invalid"),
])
def test_bad_values_are_one_name_value_line(capsys: pytest.CaptureFixture[str],
                                            argv: list[str], needle: str) -> None:
    code, out, err = _run(capsys, *argv)
    assert code == 2 and not out
    assert needle in err, err
    assert len(err.strip().splitlines()) == 1 and "invalid choice" not in err
    assert "argument " not in err  # no argparse-style "argument --x: ..." prefix


# -- pinned JSON keys ------------------------------------------------------------------------------
IDENTITY = ["holds", "engine", "evidence", "kernel_extent", "predicted_extent", "comparison",
            "seconds"]
RF_ROW = ["receptive_field", "effective_stride", "effective_padding", "center",
          "closed_form_matches_exact", "dense", "holes", "hole_positions", "parameters",
          "axis_hole_positions"]


@pytest.mark.parametrize(("argv", "keys"), [
    (["--kernel-size", "3", "--layers", "3"],
     [*IDENTITY, "structure", "structure_detail", "kronecker_rank", "kronecker_rank_detail"]),
    (["--kernel-size", "2", "--dilations", "1,3", "--dims", "1", "--boundary", "same",
      "--engine", "exact"],
     [*IDENTITY, "input_shape", "structure", "structure_detail", "kronecker_rank",
      "kronecker_rank_detail", "counterexample", "boundary"]),
    (["--kernel-size", "2", "--layers", "2", "--dims", "1", "--channels", "2"],
     [*IDENTITY, "structure", "generalised_identity", "counterexample", "tt_ranks"]),
    (["--kernel-size", "2", "--layers", "2", "--dims", "1", "--nonlinearity", "relu"],
     [*IDENTITY, "structure", "counterexample"]),
])
def test_identity_json_keys(capsys: pytest.CaptureFixture[str], argv: list[str],
                            keys: list[str]) -> None:
    data = _json(capsys, "identity", *argv)
    assert list(data) == keys
    assert list(data["evidence"]) in (["kind", "detail"], ["kind", "detail", "error_bound"])
    if "structure_detail" in data:
        assert list(data["structure_detail"]) == ["kind", "extent", "order_inner_to_outer",
                                                  "paddings", "paddings_note"]
        assert list(data["kronecker_rank_detail"]) == [
            "rank", "block", "method", "nearest_kronecker_relative_error", "float_rank",
            "float_rank_rule", "singular_values", "seed", "upper_bound", "generic"]
    if "boundary" in data:
        assert list(data["boundary"]) == ["boundary", "input_shape", "shift",
                                          "agreeing_outputs", "outputs", "bounding_box",
                                          "relation"]
    if data["structure"] == "nonlinear":
        assert list(data["counterexample"]) == ["violates", "kernels", "inputs", "outputs",
                                                "found_by", "rechecked_by"]


def test_rf_json_keys(capsys: pytest.CaptureFixture[str]) -> None:
    data = _json(capsys, "rf", "--kernel-sizes", "3,3", "--dilations", "2,2")
    assert list(data) == ["dims", "output", *RF_ROW, "aligned", "alignment", "layers"]
    assert list(data["layers"][0]) == ["id", "op", *RF_ROW]
    vgg = _json(capsys, "rf", "--example", "vgg16")
    assert (vgg["receptive_field"], vgg["effective_stride"], vgg["effective_padding"]) == (
        [212, 212], [32, 32], [90, 90])


STRIDED = {"name": "strided", "dims": 1, "layers": [
    {"op": "conv", "kernel_size": 3, "stride": 2, "padding": 1, "padding_mode": "circular",
     "out_channels": 1}, {"op": "relu"}]}


def test_equivariance_json_keys(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    arch = tmp_path / "strided.json"
    arch.write_text(json.dumps(STRIDED))
    data = _json(capsys, "equivariance", str(arch), "--size", "4")
    assert list(data) == ["architecture", "size", "output_size", "question", "question_text",
                          "weights", "seed", "shift_convention", "equivariant_shifts",
                          "respected_count", "total_shifts", "total_stride",
                          "matches_total_stride_rule", "not_equivariant", "unknown", "proof",
                          "notes", "seconds", "method", "generators", "checks"]
    refuted = data["not_equivariant"][0]
    assert list(refuted) == ["shift", "status", "evidence", "counterexample", "class",
                             "agreement_region"]
    assert list(refuted["counterexample"]) == ["shift", "input", "output", "shifted_output",
                                               "weights_seed", "rechecked_by", "differs",
                                               "expected_output", "weights"]
    assert list(data["proof"]) == ["kind", "generators", "queries"]
    assert list(data["equivariant_shifts"][0]) == ["shift", "output_shift"]


def test_sweep_json_keys(capsys: pytest.CaptureFixture[str],
                         monkeypatch: pytest.MonkeyPatch) -> None:
    import kronconv.commands.sweep as sweep_command
    from kronconv.kronecker.sweep import DEFAULT, SweepResult

    def tiny(*args: object, **kwargs: object) -> SweepResult:
        result = SweepResult(DEFAULT)
        result.record("structure", "dims 1", "kronecker", "kronecker", {"a": 2})
        return result

    monkeypatch.setattr(sweep_command, "run_sweep", tiny)
    data = _json(capsys, "sweep")
    assert list(data) == ["domain", "ok", "checked", "mismatches", "seconds", "table",
                          "domain_name", "configurations", "exponential"]
    assert list(data["table"][0]) == ["part", "group", "class", "count"]
    assert list(data["exponential"][0]) == ["a", "d", "relation", "closed_form", "extent",
                                            "paddings", "direct", "direct_extent"]


# -- verify in pipelines ---------------------------------------------------------------------
SCRIPT = '''
from fractions import Fraction

from kronconv import Evidence, claim
from kronconv.claims import Disproved

c = claim("tiny-claim", title="T", source="test", statement="x", expected="{expected}")

@c.check("symbolic")
def proof():
    return Evidence("symbolic", "proof", "trivially")

@c.check("numeric")
def sample():
    {numeric}
    return Evidence("numeric", "randomized", "sampled", count=3, seed=1,
                    per_trial=Fraction(1, 10), verdict="{verdict}", data={{"a": [1, 2]}})
'''


def _script(tmp_path: Path, expected: str = "confirmed", verdict: str = "supports",
            numeric: str = "pass") -> str:
    path = tmp_path / "tiny.py"
    path.write_text(SCRIPT.format(expected=expected, verdict=verdict, numeric=numeric))
    return str(path)


def test_verify_json_keys(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, err = _run(capsys, "verify", _script(tmp_path), "-q", "--json", "-")
    data = json.loads(out)
    assert code == 0 and list(data) == ["generated_by", "summary", "claims"]
    assert list(data["claims"][0]) == ["id", "title", "source", "group", "statement", "status",
                                       "expected", "outcome", "seconds", "uses", "tiers",
                                       "rests_on", "evidence"]
    proof, sample = data["claims"][0]["evidence"]
    assert list(proof) == ["tier", "kind", "detail", "verdict", "seconds", "rests_on",
                           "general"]
    assert list(sample) == ["tier", "kind", "detail", "verdict", "seconds", "count", "seed",
                            "error_bound", "per_trial", "data"]
    assert "tiny-claim" in err and "tiny-claim" not in out.split('"claims"')[0]


def test_verify_json_to_stdout_pipes_into_json_tool(tmp_path: Path) -> None:
    verify = subprocess.run([sys.executable, "-m", "kronconv.cli", "verify", _script(tmp_path),
                             "--json", "-"], capture_output=True, text=True)
    tool = subprocess.run([sys.executable, "-m", "json.tool"], input=verify.stdout,
                          capture_output=True, text=True)
    assert verify.returncode == 0 and tool.returncode == 0
    assert json.loads(tool.stdout)["summary"] == {"total": 1, "confirmed": 1}
    assert "[1/1] tiny-claim" in verify.stderr and "status" in verify.stderr  # progress, table
    assert not (tmp_path / "-").exists() and not Path("-").exists()


@pytest.mark.parametrize(("expected", "verdict", "numeric", "fail_on", "code"), [
    ("confirmed", "supports", "pass", None, 0),
    ("qualified", "qualifies", "pass", None, 0),
    ("qualified", "qualifies", "pass", "qualified", 1),
    ("qualified", "qualifies", "pass", "refuted,failed", 0),
    ("confirmed", "qualifies", "pass", None, 1),  # failed: outcome differs from expected
    ("confirmed", "qualifies", "pass", "refuted", 0),
    ("confirmed", "supports", "raise ValueError('crash')", None, 1),  # error counts as failed
    ("confirmed", "supports", "raise ValueError('crash')", "qualified", 0),
])
def test_fail_on(capsys: pytest.CaptureFixture[str], tmp_path: Path, expected: str,
                 verdict: str, numeric: str, fail_on: str | None, code: int) -> None:
    argv = ["verify", _script(tmp_path, expected, verdict, numeric), "-q"]
    assert _run(capsys, *argv, *(["--fail-on", fail_on] if fail_on else []))[0] == code


def test_refuted_claims_fail_the_build_on_request(capsys: pytest.CaptureFixture[str],
                                                  tmp_path: Path) -> None:
    script = tmp_path / "refuted.py"
    script.write_text(SCRIPT.format(expected="refuted", verdict="supports", numeric="pass")
                      .replace('"randomized", "sampled", count=3, seed=1,\n'
                               '                    per_trial=Fraction(1, 10),',
                               '"counterexample", "x", rechecked_by="reference", '
                               'recheck=lambda: True,')
                      .replace('verdict="supports"', 'verdict="refutes"'))
    assert _run(capsys, "verify", str(script), "-q")[0] == 0
    assert _run(capsys, "verify", str(script), "-q", "--fail-on", "refuted")[0] == 1


def test_a_disproof_is_failed_with_its_message(capsys: pytest.CaptureFixture[str],
                                               tmp_path: Path) -> None:
    script = _script(tmp_path, numeric="raise Disproved('2 + 2 = 5 at n = 3')")
    code, out, _ = _run(capsys, "verify", script, "-q", "--json", "-")
    claim = json.loads(out)["claims"][0]
    assert code == 1 and claim["status"] == "failed"
    assert "disproved: sample: Disproved: 2 + 2 = 5 at n = 3" in claim["error"]


def test_tiers_select_checks_and_report_skipped_claims(capsys: pytest.CaptureFixture[str],
                                                       tmp_path: Path) -> None:
    script = _script(tmp_path)
    code, out, _ = _run(capsys, "verify", script, "-q", "--tiers", "numeric", "--json", "-")
    claim = json.loads(out)["claims"][0]
    assert code == 0 and claim["status"] == "confirmed"
    assert [e["tier"] for e in claim["evidence"]] == ["numeric"]
    code, out, err = _run(capsys, "verify", script, "-q", "--tiers", "smt", "--json", "-")
    claim = json.loads(out)["claims"][0]
    assert code == 0 and claim["status"] == "skipped" and claim["evidence"] == []
    assert "no check of the selected tiers (smt)" in claim["error"] and "skipped" in err
    # A skipped claim does not hide a failure elsewhere: the numeric tier alone still fails.
    failing = _script(tmp_path, numeric="raise Disproved('no')")
    assert _run(capsys, "verify", failing, "-q", "--tiers", "numeric")[0] == 1


@pytest.mark.parametrize(("argv", "check", "code"), [
    (["--kernel-size", "3", "--layers", "2", "--dims", "1"], True, 0),
    (["--kernel-size", "3", "--dilations", "1,2", "--dims", "1"], True, 1),
    (["--kernel-size", "3", "--dilations", "1,2", "--dims", "1"], False, 0),
])
def test_identity_check_exit_status(capsys: pytest.CaptureFixture[str], argv: list[str],
                                    check: bool, code: int) -> None:
    assert _run(capsys, "identity", *argv, "--engine", "exact",
                *(["--check"] if check else []))[0] == code


def test_examples_by_name_from_any_directory(capsys: pytest.CaptureFixture[str],
                                             tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, _ = _run(capsys, "rf", "--example", "vgg16")
    assert code == 0 and "receptive field 212x212, effective stride 32x32, effective " \
                         "padding 90x90" in out
    code, out, _ = _run(capsys, "equivariance", "--example", "segnet16", "--size", "8")
    assert code == 0 and out.startswith("segnet16: input [8, 8]")
