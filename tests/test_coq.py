"""The formal tier: the Coq proofs compile with closed assumptions, refuse what they must, agree
with the engines on small integer kernels, and back cascade-kronecker-identity in the report.

Without coqc the tests skip locally; in CI (CI=true) its absence is a failure (.ci/run installs
Debian's coq and libcoq-mathcomp).
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from optional import missing

from kronconv.catalogue import COQ_SOURCES
from kronconv.cli import main
from kronconv.engines import ExactEngine, coq
from kronconv.errors import CheckSkipped
from kronconv.evidence import Evidence
from kronconv.specs.cascade import MAX_DIMS

pytestmark = pytest.mark.formal
DATA = Path(__file__).resolve().parent / "data" / "coq"
MAIN_THEOREMS = {"index_lemma", "block_lemma", "cascade_kronecker_1d", "composite_kronecker_1d",
                 "cascade_kronecker_2d", "composite_kronecker_2d", "cascade_kronecker_3d",
                 "composite_kronecker_3d"}


def require_coqc() -> None:
    """Skip without coqc locally; in CI (CI=true) its absence is a failure."""
    if not coq.available():
        missing("coqc", ".ci/run installs coq and libcoq-mathcomp")


@pytest.fixture(scope="module")
def proved() -> coq.FormalResult:
    require_coqc()
    return coq.prove()


def test_theorems_compile_with_closed_assumptions(proved: coq.FormalResult) -> None:
    assert set(proved.theorems) >= MAIN_THEOREMS
    assert set(proved.print_assumptions) == set(proved.theorems)
    assert all(text == coq.CLOSED for text in proved.print_assumptions.values())
    assert proved.closed and proved.cpu_seconds > 0
    assert "8." in proved.coqc_version
    statement = proved.theorems["cascade_kronecker_1d"]
    assert "forall (R : comRingType)" in statement and "kron_all" in statement


def test_sources_admit_nothing() -> None:
    for source in COQ_SOURCES:
        coq.check_source(source.name, source.read_text())  # raises on Admitted, Axiom...
        assert "Admitted" not in coq.strip_comments(source.read_text())


@pytest.mark.parametrize("cheat", ["Admitted.", "admit.", "Axiom ax : False.",
                                   "Parameter p : nat."])
def test_admitting_or_assuming_is_refused(cheat: str) -> None:
    text = f"(* Admitted in a comment is fine *)\nLemma l : 1 = 1.\nProof.\n{cheat}\n"
    with pytest.raises(coq.FormalError, match=re.escape(cheat.split()[0].rstrip("."))):
        coq.check_source("Cheat.v", text)
    coq.check_source("Honest.v", "(* Admitted, Axiom *)\nLemma l : 1 = 1.\nProof. by []. Qed.\n")


def test_theorem_statements_are_exposed() -> None:
    assert set(coq.THEOREMS) >= MAIN_THEOREMS
    assert coq.THEOREMS["cascade_kronecker_1d"].startswith("Theorem cascade_kronecker_1d (R")
    assert "dconv 1 (kron_all ks) x" in coq.THEOREMS["cascade_kronecker_1d"]


# (wrong twin, its marked line, the right order): each reverses the Kronecker factors.
TWINS = [("WrongOrder.v", "kron acc k) [:: 1] ks. (* ORDER *)",
          "kron k acc) [:: 1] ks. (* ORDER *)"),
         ("WrongOrder3D.v", "kron3 acc k) [:: [:: [:: 1]]] ks. (* ORDER *)",
          "kron3 k acc) [:: [:: [:: 1]]] ks. (* ORDER *)")]


@pytest.mark.parametrize(("twin", "wrong", "right"), TWINS)
def test_wrong_twin_fails_to_compile_and_its_right_twin_compiles(
        tmp_path: Path, twin: str, wrong: str, right: str) -> None:
    require_coqc()
    with pytest.raises(coq.FormalError, match=re.escape(twin)):
        coq.prove((*COQ_SOURCES, DATA / twin))
    # The twin fails because of the factor order alone: restoring it, the same proof compiles.
    text = (DATA / twin).read_text()
    assert text.count(wrong) == 1
    restored = tmp_path / f"Right{twin}"
    restored.write_text(text.replace(wrong, right))
    assert coq.prove((*COQ_SOURCES, restored)).closed


def coq_list(values: list[int]) -> str:
    return "[:: " + "; ".join(str(v) for v in values) + "]"


def parse_ints(output: str) -> list[int]:
    """Coq's ``= [:: 3%Z; (-4)%Z] : seq int`` as Python ints."""
    body = output.split("=", 1)[1].rsplit(":", 1)[0]
    return [int(v) for v in re.findall(r"-?\d+", body.replace("%Z", ""))]


CASES_1D = [  # (kernels K_0 .. K_L, input x): a = 2, L = 1; a = 3, L = 1; a = 2, L = 2
    ([[1, 2], [3, -4]], [5, 7, -1]),
    ([[2, -1, 3], [1, 4, -2]], [1, -3, 2, 6]),
    ([[1, -1], [2, 3], [-2, 5]], [4, 1]),
]


CASES_2D = [  # a = 2, L = 1 on a 2x3 input; a = 3, L = 1 on a 2x2 input
    ([[[1, 2], [3, -4]], [[2, 0], [-1, 5]]], [[1, -2, 4], [3, 1, -1]]),
    ([[[1, 0, -1], [2, 3, 1], [0, -2, 1]], [[1, 1, 0], [-1, 2, 3], [2, 0, -3]]],
     [[2, -1], [1, 3]]),
]


CASES_3D = [  # a = 2, L = 1 on a 2x1x2 input; a = 2, L = 2 on a 1x2x1 input
    ([[[[1, 2], [3, -4]], [[0, 1], [2, -1]]], [[[2, 1], [-1, 1]], [[1, 0], [3, 2]]]],
     [[[1, 2]], [[-3, 1]]]),
    ([[[[1, -1], [2, 0]], [[0, 3], [1, 1]]], [[[2, 1], [0, -1]], [[1, 1], [-2, 1]]],
      [[[1, 0], [0, 2]], [[-1, 1], [3, 0]]]],
     [[[2], [-1]]]),
]
CASES = {1: CASES_1D, 2: CASES_2D, 3: CASES_3D}


def coq_value(value: list) -> str:
    """A nested Python list of ints as a Coq sequence literal."""
    if value and isinstance(value[0], list):
        return "[:: " + "; ".join(coq_value(v) for v in value) + "]"
    return coq_list(value)


def parse_rows(output: str, shape: tuple[int, ...]) -> list:
    """Coq's output as a nested list of the engine's shape (reshape fails on a wrong count)."""
    return np.array(parse_ints(output)).reshape(shape).tolist()


@pytest.mark.parametrize("dims", [1, 2, 3])
def test_coq_definitions_agree_with_the_engines(dims: int) -> None:
    require_coqc()
    cases = CASES[dims]
    suffix = "" if dims == 1 else str(dims)
    kind = "seq (" * (dims - 1) + "seq int" + ")" * (dims - 1)  # e.g. seq (seq int) in 2D
    commands = []
    for kernels, x in cases:
        ks, a, xs = coq_value(kernels), len(kernels[0]), coq_value(x)
        commands += [f"Compute (kron_all{suffix} {ks} : {kind})",
                     f"Compute (cascade{suffix} {a} {ks} {xs} : {kind})",
                     f"Compute (dconv{suffix} 1 (kron_all{suffix} {ks}) {xs} : {kind})"]
    outputs = coq.evaluate(commands)
    engine = ExactEngine()
    for index, (kernels, x) in enumerate(cases):
        arrays = [np.array(k, dtype=np.int64) for k in kernels]
        dilations = [len(kernels[0]) ** level for level in range(len(arrays))]
        composite = engine.composite(arrays, dilations)
        kron = engine.kron(*reversed(arrays))
        cascade = engine.apply_cascade(np.array(x, dtype=np.int64), arrays, dilations)
        coq_kron, coq_cascade, coq_conv = outputs[3 * index:3 * index + 3]
        assert parse_rows(coq_kron, kron.shape) == kron.tolist() == composite.tolist()
        assert (parse_rows(coq_cascade, cascade.shape) == parse_rows(coq_conv, cascade.shape)
                == cascade.tolist())


def test_formal_evidence_in_verify_json(tmp_path: Path) -> None:
    require_coqc()
    out = tmp_path / "claims.json"
    assert main(["verify", "-k", "cascade-kronecker-identity", "--json", str(out)]) == 0
    (result,) = json.loads(out.read_text())["claims"]
    assert result["status"] == "confirmed" and "skipped" not in result
    (formal,) = [e for e in result["evidence"] if e["tier"] == "formal"]
    assert formal["kind"] == "proof"
    assert set(formal["data"]["theorems"]) >= MAIN_THEOREMS
    assert set(formal["data"]["print_assumptions"].values()) == {coq.CLOSED}
    # 1D, 2D and 3D are every number of axes kronconv handles: the proof is of the whole
    # statement, so the claim rests on no cited theorem.
    assert formal["data"]["dimensions"] == list(range(1, MAX_DIMS + 1))
    assert formal["general"] is True and "1D, 2D, 3D" in formal["detail"]
    assert result["rests_on"] == []


@pytest.mark.parametrize(("theorems", "dims"), [
    (MAIN_THEOREMS, (1, 2, 3)),
    ({"cascade_kronecker_1d", "composite_kronecker_2d", "cascade_kronecker_2d_reversed"}, (1,)),
    ({"index_lemma", "block_lemma"}, ()),
])
def test_dimensions_are_read_from_the_identity_theorems(theorems: set[str],
                                                        dims: tuple[int, ...]) -> None:
    assert coq.dimensions(theorems) == dims


def formal_evidence() -> Evidence:
    """Run the formal check of cascade-kronecker-identity (as the runner would)."""
    from kronconv.catalogue import PROOFS
    from kronconv.claims import load_claims

    (identity,) = [c for c in load_claims([PROOFS / "group_a.py"])
                   if c.id == "cascade-kronecker-identity"]
    (check,) = [c for c in identity.checks if c.tier == "formal"]
    evidence = check.function()
    assert isinstance(evidence, Evidence)
    return evidence


@pytest.mark.parametrize("missing", ["cascade_kronecker_3d", "cascade_kronecker_1d"])
def test_a_proof_missing_a_dimension_is_not_general(monkeypatch: pytest.MonkeyPatch,
                                                    missing: str) -> None:
    """Wrong twin of the general flag: without one dimension's theorem the evidence is a proof
    of part of the statement only, and says which dimensions it covers."""
    names = sorted(MAIN_THEOREMS - {missing})
    partial = coq.FormalResult(theorems={n: n for n in names},
                               print_assumptions={n: coq.CLOSED for n in names},
                               coqc_version="8.16", cpu_seconds=1.0, files=("Cascade1D.v",))
    monkeypatch.setattr(coq, "prove", lambda: partial)
    evidence = formal_evidence()
    assert evidence.kind == "proof" and not evidence.general
    assert "not every number of axes" in evidence.detail
    assert evidence.data["dimensions"] == [n for n in (1, 2, 3) if f"_{n}d" not in missing]
    monkeypatch.setattr(coq, "prove", lambda: replace(partial, theorems={
        n: n for n in MAIN_THEOREMS}, print_assumptions={n: coq.CLOSED for n in MAIN_THEOREMS}))
    assert formal_evidence().general


def test_without_coqc_the_check_is_skipped_locally_and_an_error_in_ci(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from kronconv.catalogue import PROOFS
    from kronconv.claims import load_claims, run_claim

    monkeypatch.setattr(coq, "coqc_path", lambda: None)
    with pytest.raises(CheckSkipped, match="coqc not found"):
        coq.prove()
    (identity,) = [c for c in load_claims([PROOFS / "group_a.py"])
                   if c.id == "cascade-kronecker-identity"]
    formal_only = replace(identity, checks=tuple(c for c in identity.checks
                                                 if c.tier in ("formal", "smt")))
    monkeypatch.delenv("CI", raising=False)
    local = run_claim(formal_only)
    assert local.status == "confirmed" and len(local.skipped) == 1
    assert "coqc not found" in local.skipped[0]
    assert all(e.tier != "formal" for e in local.evidence)
    monkeypatch.setenv("CI", "true")
    ci = run_claim(formal_only)
    assert ci.status == "error" and "coqc not found" in ci.error


def test_the_derivation_shows_the_coq_statements() -> None:
    # The identity's derivation quotes the theorems as the .v files state them (no coqc needed).
    from kronconv.catalogue import PROOFS
    from kronconv.claims import load_sibling

    derivations = load_sibling(PROOFS / "group_a.py", "_derivations_a")
    source = derivations.coq_statements().source
    for name in ("cascade_kronecker_1d", "cascade_kronecker_2d", "cascade_kronecker_3d"):
        assert f"Theorem {name}" in source
    assert all(len(line) <= 64 for line in source.splitlines() if line.startswith("    "))
