"""Derivations: golden LaTeX, every claim renders (and compiles), and the derive CLI's errors.

Golden files live in tests/golden/; regenerate them after an intended change with
``KRONCONV_UPDATE_GOLDEN=1 pytest tests/test_derivation.py`` and review the diff.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from optional import require_pdflatex

import kronconv.latex as tex
from kronconv.catalogue import PROOFS as CATALOGUE_PROOFS
from kronconv.claims import (
    Claim,
    ClaimResult,
    Context,
    Evidence,
    load_claims,
    load_sibling,
    run_claim,
)
from kronconv.cli import main
from kronconv.errors import InvalidParameterError
from kronconv.kronecker.induction import Variant, cascade_identity_proof
from kronconv.render.derivation import (
    check_sizes,
    claim_document,
    claim_section,
    full_document,
)

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden"
GROUP_A = CATALOGUE_PROOFS / "group_a.py"
derivation_a = load_sibling(GROUP_A, "_derivations_a")  # the module the claims' derivations use


def toy_claim() -> tuple[Claim, ClaimResult]:
    """A refuted claim with a counterexample: exercises the generic fallback end to end."""
    claim = Claim(id="toy-refuted", title="A toy claim: 2 x 2 = 5", source="test",
                  statement=r"2 \times 2 = 5", expected="refuted", group="Z",
                  conditions=r"only modulo 1; the truth is $2 \times 2 = 4$")
    evidence = Evidence("exhaustive", "counterexample", "evaluated with exact ints: 4 != 5",
                        verdict="refutes", rechecked_by="float engine",
                        recheck=lambda: 2.0 * 2.0 != 5.0,
                        data={"matrix": [[2, 0], [0, 2]], "value": 4})
    return claim, ClaimResult(claim, "refuted", "refuted", (evidence,), 0.5)


def assert_golden(name: str, source: str) -> None:
    path = GOLDEN / name
    if os.environ.get("KRONCONV_UPDATE_GOLDEN"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(source, encoding="utf-8")
    assert source == path.read_text(encoding="utf-8"), f"{name} differs from its golden file"


# -- golden LaTeX ------------------------------------------------------------------------------
def test_golden_diluted_filter_derivation() -> None:
    source = derivation_a.filter_steps(Context(frozenset({"index-lemma"}), level=2)).source
    assert_golden("dilated-filter-kronecker-steps.tex", source)


def test_golden_index_lemma_instance() -> None:
    assert_golden("index-lemma-instance-2-3.tex", derivation_a.index_instance((2, 3)).source)


def test_golden_generic_section_with_counterexample() -> None:
    claim, result = toy_claim()
    source = claim_section(claim, result, Context(frozenset({claim.id}), level=1)).source
    assert_golden("generic-refuted-section.tex", source)


# -- content -----------------------------------------------------------------------------------
def test_identity_instance_shows_the_expanded_kronecker_entries() -> None:
    claim = next(c for c in load_claims([GROUP_A]) if c.id == "cascade-kronecker-identity")
    source = claim_document(claim, None, (2, 2, 2)).source
    assert r"k_{0,0,0} k_{1,0,0}" in source  # (K_1 kron K_0)[0, 0]
    assert "all 16 entries equal" in source
    assert "The induction holds: 11 z3 obligations, 0 not proved." in source
    assert r"\label{claim:cascade-kronecker-identity}" in source


def test_every_catalogue_claim_carries_a_derivation_that_renders_its_default_instance() -> None:
    for claim in load_claims([CATALOGUE_PROOFS]):
        assert claim.derivation is not None and claim.derivation.sizes is not None, claim.id
        source = claim_document(claim, None, ()).source
        assert "A small instance" in source
        if claim.group == "A":  # B-D texts say "differs" on purpose (their twins
            assert "differ" not in source  # are in test_derivation_bcd.py): engines agreed


def test_a_wrong_claim_renders_its_counterexample() -> None:
    claim, result = toy_claim()
    source = claim_document(claim, result).source
    assert r"\texttt{refuted}" in source
    assert r"\left[\begin{matrix}2 & 0\\0 & 2\end{matrix}\right]" in source
    assert source.count("float engine") == 1  # each piece of evidence is stated once:
    assert source.count("4 != 5") == 1  # in the table; the data part refers to its row
    assert "Evidence 1 (counterexample, refutes):" in source


def test_full_document_cross_references_claims_by_id() -> None:
    claims = load_claims([GROUP_A])
    toy, toy_result = toy_claim()
    source = full_document([*claims, toy], {toy.id: toy_result}).source
    for claim in claims:
        assert source.count(rf"\label{{claim:{claim.id}}}") == 1
        assert rf"\ref{{claim:{claim.id}}}" in source
    assert r"\section{Group A: The Kronecker identity}" in source
    assert r"\section{Z}" in source
    assert r"\texttt{index-\allowbreak{}lemma}~(\S\ref{claim:index-lemma})" in source


@pytest.mark.parametrize(("claim_id", "sizes", "message"), [
    ("index-lemma", (3, 4, 5), "at most 2 integers"),
    ("index-lemma", (0,), "a=0"),
    ("cascade-kronecker-identity", (3, 3), "a^layers <= 9 in 2D"),
    ("toy-refuted", (2,), "has no small instance"),
])
def test_bad_sizes_are_refused(claim_id: str, sizes: tuple[int, ...], message: str) -> None:
    claims = {c.id: c for c in [*load_claims([GROUP_A]), toy_claim()[0]]}
    with pytest.raises(InvalidParameterError, match=re.escape(message)):
        check_sizes(claims[claim_id], sizes)


def test_a_broken_induction_is_shown_broken(monkeypatch) -> None:
    """Render the induction of a deliberately wrong variant: the document must say so."""
    wrong = cascade_identity_proof(2, Variant(factor_order="reversed"))
    monkeypatch.setattr(derivation_a, "induction", lambda dims: wrong)
    source = derivation_a.identity_steps(Context()).source
    assert "The induction does NOT hold" in source
    assert r"\texttt{block-lemma/one-term} & \texttt{counterexample}" in source


# -- compiling ---------------------------------------------------------------------------------
@pytest.mark.latex
def test_the_document_of_every_claim_compiles(tmp_path) -> None:
    """Every claim of every proof script, plus a refuted one (statements and derivations)."""
    require_pdflatex()
    toy, toy_result = toy_claim()
    claims = [*load_claims([CATALOGUE_PROOFS]), toy]
    path = tmp_path / "all.tex"
    path.write_text(full_document(claims, {toy.id: toy_result}).source)
    assert tex.compile_pdf(path, timeout=120).exists()


@pytest.mark.latex
def test_a_single_claim_document_with_evidence_compiles(tmp_path, capsys) -> None:
    require_pdflatex()
    target = tmp_path / "index-lemma.tex"
    assert main(["derive", "index-lemma", "3", "4", "-o", str(target), "--pdf"]) == 0
    assert target.with_suffix(".pdf").exists()
    source = target.read_text()
    assert r"\texttt{confirmed}" in source and r"\texttt{smt}" in source


# -- the CLI -----------------------------------------------------------------------------------
@pytest.fixture(autouse=True)
def in_project_root(monkeypatch) -> None:
    monkeypatch.chdir(ROOT)  # the CLI's default proof directory is ./proofs


def run_cli(args: list[str], capsys) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(("args", "message"), [
    (["derive", "no-such-claim", "--no-run"], "run `kronconv derive --list`"),
    (["derive", "cascade-identity", "--no-run"], "did you mean cascade-kronecker-identity"),
    (["derive", "index-lemma", "1", "2", "3", "--no-run"], "sizes=[1, 2, 3]"),
    (["derive", "index-lemma", "--pdf", "--no-run"], "--pdf=True is invalid"),
    (["derive", "--all", "--no-run"], "-o=None is invalid"),
    (["derive", "--no-run"], "CLAIM-ID=None is invalid"),
    (["derive", "--list", "--proofs", "no/such/dir"], "path='no/such/dir'"),
])
def test_bad_input_is_one_line_and_exit_2(args: list[str], message: str, capsys) -> None:
    code, _, err = run_cli(args, capsys)
    assert code == 2
    assert err.count("\n") == 1 and message in err, err


def test_unwritable_output_is_one_clear_error(tmp_path, capsys) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    for args in (["derive", "--all", "--no-run", "-o", str(blocker / "docs"),
                  "--proofs", str(GROUP_A)],
                 ["derive", "index-lemma", "--no-run", "-o", str(blocker / "x.tex")]):
        code, _, err = run_cli(args, capsys)
        assert code == 2
        assert err.count("\n") == 1 and "cannot be written" in err, err


def test_derive_all_and_list(tmp_path, capsys) -> None:
    code, out, _ = run_cli(["derive", "--all", "--no-run", "-o", str(tmp_path),
                            "--proofs", str(GROUP_A)], capsys)
    assert code == 0 and (tmp_path / "derivations.tex").exists(), out
    code, out, _ = run_cli(["derive", "--list", "--proofs", str(GROUP_A)], capsys)
    assert code == 0 and "cascade-kronecker-identity" in out and "sizes a layers dims" in out


def test_derive_prints_to_stdout_without_output(capsys) -> None:
    code, out, _ = run_cli(["derive", "index-lemma", "2", "2", "--no-run"], capsys)
    assert code == 0 and out.startswith(r"\documentclass") and out.rstrip().endswith(
        r"\end{document}")


def test_run_claim_evidence_reaches_the_document() -> None:
    claim = next(c for c in load_claims([GROUP_A]) if c.id == "index-lemma")
    result = run_claim(claim)
    source = claim_document(claim, result).source
    assert result.status == "confirmed"
    for evidence in result.evidence:
        assert rf"\texttt{{{evidence.kind}}}" in source


# -- long data in evidence stays readable (and honest about what it leaves out) ----------------
def test_long_inline_literals_are_elided_with_a_note() -> None:
    from kronconv.render.derivation import data_value, elide_literals

    array = str([[0] * 9 for _ in range(9)])
    shown, count = elide_literals(f"fails ({{'out': {array}}}) for x = [1, 2]")
    assert count == 1 and "[1, 2]" in shown and "characters elided" in shown
    assert "(" in shown and ")" in shown  # parenthesised prose is kept
    assert elide_literals("$x \\in [" + "1, " * 60 + "]$")[1] == 0  # mathematics is kept
    source = data_value({"big": [[i * j for i in range(30)] for j in range(20)],
                         "exprs": [["1/(1 + E)", "tanh(2)"]], "words": ["same", "valid"]}).source
    assert r"\cdots" in source and r"\vdots" in source
    assert "20x30 array, first 12 x 12 entries shown" in source
    assert r"\tanh" in source and r"\frac{1}{1 + e}" in source
    assert r"\texttt{['same', 'valid']}" in source
