"""Claims machinery: honest labels, status logic, loading, selection, reports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kronconv import Evidence, InvalidParameterError, KronconvError
from kronconv.claims import Check, Claim, Disproved, load_claims, run_claim, select
from kronconv.render.report import report_json, report_markdown, table


def _claim(expected: str, *evidence: Evidence, raises: type[Exception] | None = None) -> Claim:
    def produce() -> list[Evidence]:
        if raises:
            raise raises("boom")
        return list(evidence)

    return Claim("demo-claim", "Demo", "test", r"1 = 1", expected,
                 checks=(Check("symbolic", "produce", produce),))


PROOF = Evidence("symbolic", "proof", "identity")
QUALIFY = Evidence("exhaustive", "exhaustive", "holds on part", verdict="qualifies",
                   domain="n <= 3")
REFUTE = Evidence("numeric", "counterexample", "x = 1", verdict="refutes",
                  rechecked_by="reference")


@pytest.mark.parametrize(("expected", "evidence", "status"), [
    ("confirmed", [PROOF], "confirmed"),
    ("confirmed", [PROOF, QUALIFY], "failed"),
    ("qualified", [PROOF, QUALIFY], "qualified"),
    ("refuted", [PROOF, REFUTE], "refuted"),
    ("confirmed", [REFUTE], "failed"),
    ("refuted", [PROOF], "failed"),
])
def test_status_logic(expected: str, evidence: list[Evidence], status: str) -> None:
    assert run_claim(_claim(expected, *evidence)).status == status


def test_a_check_that_crashes_is_an_error() -> None:
    result = run_claim(_claim("confirmed", PROOF, raises=ValueError))
    assert result.status == "error" and "boom" in result.error


@pytest.mark.parametrize("exception", [Disproved, AssertionError])
def test_a_check_that_disproves_makes_the_claim_failed(exception: type[Exception]) -> None:
    result = run_claim(_claim("confirmed", PROOF, raises=exception))
    assert result.status == "failed" and result.outcome is None
    assert result.error.startswith("disproved: produce: ") and "boom" in result.error


def test_a_crash_outweighs_a_disproof() -> None:
    def crash() -> Evidence:
        raise ZeroDivisionError("bug")

    def disprove() -> Evidence:
        raise Disproved("false")

    checks = (Check("numeric", "disprove", disprove), Check("numeric", "crash", crash))
    result = run_claim(Claim("demo-claim", "Demo", "test", "1 = 1", checks=checks))
    assert result.status == "error" and "ZeroDivisionError" in result.error


def test_a_claim_without_checks_is_an_error() -> None:
    assert run_claim(Claim("empty", "t", "s", "x")).status == "error"


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"kind": "randomized"}, "count, a seed and an error bound"),
    ({"kind": "exhaustive"}, "domain"),
    ({"kind": "counterexample"}, "rechecked_by"),
    ({"kind": "proof", "verdict": "refutes"}, "counterexample"),
    ({"kind": "hunch"}, "kind='hunch'"),
    ({"kind": "proof", "tier": "vibes"}, "tier='vibes'"),
])
def test_labels_cannot_be_rounded_up(kwargs: dict, message: str) -> None:
    fields = {"tier": "numeric", "detail": "d", **kwargs}
    with pytest.raises(InvalidParameterError, match=message):
        Evidence(**fields)


def test_claim_ids_are_checked() -> None:
    with pytest.raises(InvalidParameterError, match="id="):
        Claim("Not An Id", "t", "s", "x")
    with pytest.raises(InvalidParameterError, match="expected="):
        Claim("ok-id", "t", "s", "x", expected="true")


SCRIPT = '''
from kronconv import Evidence, claim
c = claim("{id}", title="T", source="test", statement="x", expected="confirmed")

@c.check("symbolic")
def check():
    return Evidence("symbolic", "proof", "trivially")
'''


def test_loading_scripts_and_duplicate_ids(tmp_path: Path) -> None:
    (tmp_path / "one.py").write_text(SCRIPT.format(id="first-claim"))
    (tmp_path / "two.py").write_text(SCRIPT.format(id="second-claim"))
    (tmp_path / "_private.py").write_text("raise SystemExit")
    claims = load_claims([tmp_path])
    assert [c.id for c in claims] == ["first-claim", "second-claim"]
    assert [c.id for c in select(claims, "second")] == ["second-claim"]
    assert [c.id for c in select(claims, "*-claim")] == ["first-claim", "second-claim"]
    (tmp_path / "three.py").write_text(SCRIPT.format(id="first-claim"))
    with pytest.raises(InvalidParameterError, match="unique id"):
        load_claims([tmp_path])


def test_a_broken_script_is_one_clear_error(tmp_path: Path) -> None:
    (tmp_path / "bad.py").write_text("import nonexistent_module_xyz\n")
    with pytest.raises(KronconvError, match=r"bad\.py failed to load"):
        load_claims([tmp_path / "bad.py"])
    with pytest.raises(InvalidParameterError, match=r"path="):
        load_claims([tmp_path / "missing.py"])


def test_reports_have_the_documented_shape() -> None:
    results = [run_claim(_claim("confirmed", PROOF)), run_claim(_claim("refuted", REFUTE))]
    data = report_json(results)
    json.dumps(data)
    claim = data["claims"][1]
    assert {"id", "title", "source", "status", "expected", "evidence"} <= set(claim)
    assert {"tier", "kind", "detail", "seconds"} <= set(claim["evidence"][0])
    assert claim["evidence"][0]["rechecked_by"] == "reference"
    assert "demo-claim" in table(results)
    assert "| `demo-claim` |" in report_markdown(results)


def test_statements_with_control_characters_are_refused() -> None:
    with pytest.raises(InvalidParameterError, match="control characters"):
        Claim("ok-id", "t", "s", "\forall x")  # a form feed: the raw-string mistake
