"""The pytest plugin, run with pytester in a fresh project folder, as a user's CI would."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET

import pytest

pytest_plugins = ["pytester"]

SCRIPT = textwrap.dedent('''
    from kronconv import Evidence, claim

    def _check(decl, verdict, kind="proof"):
        @decl.check("symbolic")
        def run():
            if verdict == "crash":
                raise RuntimeError("a bug in the check")
            return Evidence("symbolic", kind, f"a {verdict} check", verdict=verdict,
                            **({"rechecked_by": "an independent engine",
                                "recheck": lambda: True}
                               if kind == "counterexample" else {}))
        return run

    holds = claim("two-plus-two", title="Two plus two", source="arithmetic",
                  statement=r"2 + 2 = 4")
    _check(holds, "supports")
    refuted = claim("source-is-wrong", title="A source's wrong claim", source="folklore",
                    statement=r"2 + 2 = 5", expected="refuted")
    _check(refuted, "refutes", kind="counterexample")
    ''')
WRONG = textwrap.dedent('''
    from kronconv import Evidence, claim

    wrong = claim("expected-but-refuted", title="Expected to hold, refuted", source="test",
                  statement=r"1 = 2")

    @wrong.check("numeric")
    def refute():
        return Evidence("numeric", "counterexample", "1 differs from 2", verdict="refutes",
                        rechecked_by="an independent engine", recheck=lambda: 1 != 2,
                        data={"left": 1, "right": 2})
    ''')


@pytest.fixture(autouse=True)
def _no_xdist_inside(monkeypatch: pytest.MonkeyPatch) -> None:
    """The inner runs are plain pytest sessions, also when the outer one is an xdist worker."""
    for name in ("PYTEST_XDIST_WORKER", "PYTEST_XDIST_WORKER_COUNT", "PYTEST_ADDOPTS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PYTEST_ADDOPTS", "-p no:xdist -p no:cacheprovider")


def _project(pytester: pytest.Pytester, **scripts: str) -> None:
    proofs = pytester.mkdir("proofs")
    for name, text in scripts.items():
        (proofs / f"{name}.py").write_text(text)


def test_claims_run_as_items_and_an_expected_refutation_passes(
        pytester: pytest.Pytester) -> None:
    _project(pytester, mine=SCRIPT)
    result = pytester.runpytest("--kronconv", "proofs/", "-v")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["*two-plus-two PASSED*", "*source-is-wrong PASSED*"])


def test_a_claim_that_misses_its_expectation_fails_the_run_with_its_evidence(
        pytester: pytest.Pytester) -> None:
    _project(pytester, mine=SCRIPT, wrong=WRONG)
    result = pytester.runpytest("--kronconv", "proofs")
    result.assert_outcomes(passed=2, failed=1)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(["*claim expected-but-refuted: status failed, expected "
                                 "confirmed (outcome refuted)*",
                                 "*numeric / counterexample / refutes: 1 differs from 2*",
                                 '*data: {"left": 1, "right": 2}*'])


def test_a_file_path_and_repeated_options(pytester: pytest.Pytester) -> None:
    _project(pytester, mine=SCRIPT, wrong=WRONG)
    result = pytester.runpytest("--kronconv", "proofs/mine.py", "--kronconv",
                                "proofs/wrong.py", "-k", "not expected")
    result.assert_outcomes(passed=2, deselected=1)


def test_junit_xml_carries_the_evidence(pytester: pytest.Pytester) -> None:
    _project(pytester, mine=SCRIPT)
    pytester.runpytest("--kronconv", "proofs", "--junitxml=out.xml").assert_outcomes(passed=2)
    root = ET.parse(pytester.path / "out.xml").getroot()
    cases = {case.get("name"): case for case in root.iter("testcase")}
    props = {p.get("name"): p.get("value")
             for p in cases["source-is-wrong"].iter("property")}
    assert props["status"] == "refuted" and props["expected"] == "refuted"
    assert props["evidence.0"].startswith("symbolic / counterexample / refutes")


def test_tier_markers_select_claims(pytester: pytest.Pytester) -> None:
    _project(pytester, mine=SCRIPT, wrong=WRONG)
    result = pytester.runpytest("--kronconv", "proofs", "-m", "not numeric", "--strict-markers")
    result.assert_outcomes(passed=2, deselected=1)


def test_a_crashing_check_fails_its_item(pytester: pytest.Pytester) -> None:
    _project(pytester, crash=SCRIPT.replace('_check(holds, "supports")',
                                           '_check(holds, "crash")'))
    result = pytester.runpytest("--kronconv", "proofs")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*status error*", "*RuntimeError: a bug in the check*"])


def test_a_bad_path_is_one_usage_error(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--kronconv", "nowhere.py")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--kronconv: path='nowhere.py' is invalid*"])


def test_without_the_option_nothing_is_collected(pytester: pytest.Pytester) -> None:
    _project(pytester, mine=SCRIPT)
    assert pytester.runpytest().ret == pytest.ExitCode.NO_TESTS_COLLECTED


def test_loading_pytest_imports_neither_sympy_nor_z3(tmp_path) -> None:
    code = ("import sys, pytest\n"
            "code = pytest.main(['-q', '-p', 'no:cacheprovider', '--co', '.'])\n"
            "assert 'kronconv.pytest_plugin' in sys.modules, 'the plugin did not load'\n"
            "heavy = sorted(m for m in ('sympy', 'z3') if m in sys.modules)\n"
            "assert not heavy, heavy\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.slow
def test_bare_option_runs_the_catalogue(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--kronconv", "-k", "index-lemma or dilated-definition")
    result.assert_outcomes(passed=2, deselected=23)
