"""The command line: JSON output, one-line errors, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kronconv.cli import main


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_identity_symbolic_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "identity", "--kernel-size", "3", "--layers", "3", "--dims", "2",
                        "--engine", "symbolic", "--json")
    data = json.loads(out)
    assert code == 0
    assert data["holds"] is True and data["evidence"]["kind"] == "proof"
    assert data["kernel_extent"] == [27, 27] and data["engine"] == "symbolic"
    assert "seconds" in data


def test_identity_human_output(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "identity", "--kernel-sizes", "2,3", "--dims", "1",
                        "--engine", "exact")
    assert code == 0 and "identity holds" in out


@pytest.mark.parametrize(("argv", "needle"), [
    (["--kernel-size", "0", "--layers", "2"], "kernel_size=0"),
    (["--kernel-size", "3", "--dilations", "0,1"], "dilations[0]=0"),
    (["--kernel-size", "3", "--layers", "3", "--dims", "4"], "--dims"),
    (["--kernel-size", "3", "--layers", "40", "--engine", "exact"], "memory limit"),
    (["--kernel-size", "3", "--layers", "2", "--engine", "sympy"], "--engine"),
    (["--kernel-size", "3", "--dilations", "1,x"], "--dilations"),
])
def test_bad_input_is_one_line_on_stderr(capsys: pytest.CaptureFixture[str], argv: list[str],
                                         needle: str) -> None:
    code, _, err = _run(capsys, "identity", *argv)
    assert code == 2
    assert needle in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


GOOD = '''
from kronconv import Evidence, claim
c = claim("tiny-claim", title="T", source="test", statement="x", expected="{expected}")

@c.check("symbolic")
def check():
    return Evidence("symbolic", "proof", "trivially")
'''


@pytest.mark.parametrize(("expected", "code"), [("confirmed", 0), ("refuted", 1)])
def test_verify_exit_code_and_reports(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                      expected: str, code: int) -> None:
    script = tmp_path / "tiny.py"
    script.write_text(GOOD.format(expected=expected))
    report = tmp_path / "out" / "claims.json"
    markdown = tmp_path / "out" / "claims.md"
    status, out, _ = _run(capsys, "verify", str(script), "--json", str(report), "--markdown",
                          str(markdown), "-q")
    assert status == code
    data = json.loads(report.read_text())
    assert data["claims"][0]["status"] == ("confirmed" if code == 0 else "failed")
    assert "tiny-claim" in out and markdown.exists()


def test_verify_unknown_pattern_and_path(capsys: pytest.CaptureFixture[str],
                                         tmp_path: Path) -> None:
    script = tmp_path / "tiny.py"
    script.write_text(GOOD.format(expected="confirmed"))
    code, _, err = _run(capsys, "verify", str(script), "-k", "nothing-matches")
    assert code == 2 and "matches no claim" in err
    code, _, err = _run(capsys, "verify", str(tmp_path / "nope.py"))
    assert code == 2 and "PATHS=" in err and "cannot be read" in err


def test_verify_report_path_that_cannot_be_written(capsys: pytest.CaptureFixture[str],
                                                   tmp_path: Path) -> None:
    script = tmp_path / "tiny.py"
    script.write_text(GOOD.format(expected="confirmed"))
    blocker = tmp_path / "file"
    blocker.write_text("")
    code, _, err = _run(capsys, "verify", str(script), "-q", "--json", str(blocker / "x.json"))
    assert code == 2 and "cannot be written" in err and len(err.strip().splitlines()) == 1


def test_an_internal_error_is_one_line_unless_debugging(capsys: pytest.CaptureFixture[str],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    import kronconv.commands.identity as identity_command

    def broken(*args: object, **kwargs: object) -> None:
        raise AssertionError("re-check failed")

    monkeypatch.setattr(identity_command, "check_identity", broken)
    code, _, err = _run(capsys, "identity", "--kernel-size", "2", "--layers", "2")
    assert code == 3 and "internal error: AssertionError: re-check failed" in err
    assert len(err.strip().splitlines()) == 1
    monkeypatch.setenv("KRONCONV_DEBUG", "1")
    with pytest.raises(AssertionError):
        main(["identity", "--kernel-size", "2", "--layers", "2"])
