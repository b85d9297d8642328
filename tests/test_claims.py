"""Claims machinery: honest labels, status logic, loading, selection, reports."""

from __future__ import annotations

import json
from dataclasses import replace
from fractions import Fraction
from pathlib import Path

import pytest

from kronconv import Evidence, InvalidParameterError, KronconvError
from kronconv.claims import Check, Claim, Disproved, exhaustive, load_claims, run_claim, select
from kronconv.render.report import report_json, report_markdown, table
from kronconv.serialize import to_json


def _claim(expected: str, *evidence: Evidence, raises: type[Exception] | None = None) -> Claim:
    def produce() -> list[Evidence]:
        if raises:
            raise raises("boom")
        return list(evidence)

    return Claim("demo-claim", "Demo", "test", r"1 = 1", expected,
                 checks=(Check("symbolic", "produce", produce),))


PROOF = Evidence("symbolic", "proof", "identity")
QUALIFY = exhaustive("exhaustive", "holds on part", verdict="qualifies", domain="n <= 3",
                     cases=range(4), check=lambda n: n * n <= 9)
REFUTE = Evidence("numeric", "counterexample", "x = 1", verdict="refutes",
                  rechecked_by="reference", recheck=lambda: 1 + 1 == 2)


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
    ({"kind": "randomized", "per_trial": Fraction(1, 2)}, "count and a seed"),
    ({"kind": "randomized", "count": 3, "seed": 1}, "per-trial error probability"),
    ({"kind": "randomized", "count": 3, "seed": 1, "per_trial": 0.5}, "Fraction"),
    ({"kind": "randomized", "count": 3, "seed": 1, "tolerance": 1e-9}, "tolerance_reason"),
    ({"kind": "randomized", "count": 4, "seed": 1, "cases": 3, "per_trial": Fraction(1, 2)},
     "divisor"),
    ({"kind": "randomized", "count": 3, "seed": 1, "per_trial": Fraction(1, 2),
      "error_bound": "none"}, "error_bound='none'"),
    ({"kind": "exhaustive", "domain": "n <= 3"}, "kronconv.claims.exhaustive"),
    ({"kind": "counterexample", "rechecked_by": "numpy.convolve"}, "recheck=None"),
    ({"kind": "counterexample", "recheck": lambda: True}, "recheck="),
    ({"kind": "exhaustive", "general": True}, "general=True"),
    ({"kind": "proof", "verdict": "refutes"}, "counterexample"),
    ({"kind": "hunch"}, "kind='hunch'"),
    ({"kind": "proof", "tier": "vibes"}, "tier='vibes'"),
])
def test_labels_the_runner_cannot_back_are_refused(kwargs: dict, message: str) -> None:
    fields = {"tier": "numeric", "detail": "d", **kwargs}
    with pytest.raises(InvalidParameterError, match=message):
        Evidence(**fields)


def test_randomized_bounds_are_computed_from_the_count() -> None:
    twenty = Evidence("numeric", "randomized", "d", count=20, seed=7, per_trial=Fraction(2, 19))
    spread = Evidence("numeric", "randomized", "d", count=20, seed=7, cases=20,
                      per_trial=Fraction(2, 19))
    assert "(2/19)^20" in twenty.error_bound and "(2/19)^1 " in spread.error_bound
    spot = Evidence("numeric", "randomized", "d", count=2, seed=0, per_trial=Fraction(1))
    assert spot.error_bound.startswith("none")


def test_exhaustive_comes_only_from_enumerating_every_case() -> None:
    evidence = exhaustive("exhaustive", "squares", domain="n in 0..9", cases=range(10),
                          check=lambda n: n * n >= 0)
    assert evidence.cases == 10 and evidence.detail.startswith("10 cases")
    with pytest.raises(AssertionError, match="case 7"):  # the wrong twin: one case fails
        exhaustive("exhaustive", "small", domain="n in 0..9", cases=range(10),
                   check=lambda n: n < 7)
    with pytest.raises(InvalidParameterError, match="at least one case"):
        exhaustive("exhaustive", "nothing", domain="empty", cases=[], check=lambda n: True)


def test_the_runner_executes_each_counterexample_recheck() -> None:
    calls: list[int] = []

    def recheck() -> bool:
        calls.append(1)
        return True

    good = Evidence("numeric", "counterexample", "x = 1", verdict="refutes",
                    rechecked_by="reference", recheck=recheck)
    result = run_claim(_claim("refuted", good))
    assert result.status == "refuted" and calls == [1] and result.evidence[0].rechecked
    # The wrong twin: a re-check that does not confirm the instance makes the claim an error.
    bad = Evidence("numeric", "counterexample", "x = 1", verdict="refutes",
                   rechecked_by="numpy.convolve", recheck=lambda: False)
    result = run_claim(_claim("refuted", bad))
    assert result.status == "error" and "did not confirm" in result.error


def test_what_a_claim_rests_on() -> None:
    induction = Evidence("smt", "proof", "induction", general=True,
                         rests_on=("associativity (cited)", "step (unchecked)"))
    instance = Evidence("symbolic", "proof", "at explicit sizes")
    formal = Evidence("symbolic", "proof", "the whole statement, every step checked",
                      general=True)
    result = run_claim(_claim("confirmed", induction, instance))
    assert result.rests_on == ("associativity (cited)", "step (unchecked)")
    assert to_json(result)["rests_on"] == list(result.rests_on)
    assert "associativity (cited)" in report_markdown([result])
    assert run_claim(_claim("confirmed", induction, instance, formal)).rests_on == ()


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
    assert claim["evidence"][0]["rechecked"] is True
    assert claim["tiers"] == ["numeric"] and claim["rests_on"] == []
    assert "demo-claim" in table(results)
    assert "| `demo-claim` |" in report_markdown(results)


def test_statements_with_control_characters_are_refused() -> None:
    with pytest.raises(InvalidParameterError, match="control characters"):
        Claim("ok-id", "t", "s", "\forall x")  # a form feed: the raw-string mistake


def test_results_cross_process_boundaries_and_rechecked_is_the_runners() -> None:
    import pickle

    result = run_claim(_claim("qualified", PROOF, QUALIFY, Evidence(
        "numeric", "counterexample", "x", verdict="qualifies", rechecked_by="reference",
        recheck=lambda: True)))
    again = pickle.loads(pickle.dumps(result.evidence))  # the recheck closure is gone
    assert [to_json(e) for e in again] == [to_json(e) for e in result.evidence]
    assert replace(again[1], seconds=1.0).cases == 4  # still a valid exhaustive label
    forged = Evidence("numeric", "counterexample", "x", rechecked_by="reference", rechecked=True)
    assert run_claim(_claim("confirmed", forged)).status == "error"
