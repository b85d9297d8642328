"""The derivation PDF as a teacher would hand it out: no overfull box wider than 5 pt (read from
pdflatex's log), no plain-text mathematics or dict dumps, and ``derive --pdf`` leaves only the
.tex and the .pdf."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from optional import require_pdflatex

import kronconv.latex as tex
from kronconv.catalogue import PROOFS as CATALOGUE_PROOFS
from kronconv.claims import Claim, ClaimResult, Evidence, load_claims, run_claims
from kronconv.cli import main
from kronconv.render.derivation import full_document

OVERFULL_LIMIT = 5.0  # pt
PLAIN_TEXT_MATHS = re.compile(r"\bkron\b|->|<=|>=|sum_i|delta_\{|Z\[Z\^n\]")


def wide_counterexample() -> tuple[Claim, ClaimResult]:
    """Evidence at its widest: a long detail with an inline array, a 15x15 array of big
    numbers, a long id."""
    claim = Claim(id="a-very-long-claim-identifier-that-must-still-break-somewhere",
                  title=r"Wide evidence: $K \otimes E_d$ with $d \le a$", source="test",
                  statement="1 = 2", expected="refuted", group="Z")
    big = [[(i * 7919 + j * 104729) % 1000003 for j in range(15)] for i in range(15)]
    evidence = Evidence("numeric", "counterexample", f"differs at {big[0]} and beyond with "
                        "averyveryveryveryverylongwordwithoutanybreakpointsinsideit",
                        verdict="refutes", rechecked_by="the naive reference engine",
                        recheck=lambda: True,
                        data={"composite": big, "shape": [15, 15]})
    return claim, ClaimResult(claim, "refuted", "refuted", (evidence,), 0.1)


def overfull(document: tex.Latex, tmp_path: Path) -> list[float]:
    source = tmp_path / "derivations.tex"
    source.write_text(document.source)
    tex.compile_pdf(source, log_to=tmp_path / "pdflatex.log")
    return tex.overfull_boxes((tmp_path / "pdflatex.log").read_text(errors="replace"))


def check_typesetting(document: tex.Latex, tmp_path: Path) -> None:
    boxes = overfull(document, tmp_path)
    assert max(boxes, default=0.0) <= OVERFULL_LIMIT, f"overfull boxes (pt): {sorted(boxes)}"
    titles = "\n".join(re.findall(r"\\(?:sub)*section\{(.*)\}", document.source))
    assert not PLAIN_TEXT_MATHS.search(titles), PLAIN_TEXT_MATHS.search(titles)
    assert "{'" not in document.source  # no Python dict dumps


@pytest.mark.latex
def test_the_catalogue_document_has_no_overfull_box(tmp_path: Path) -> None:
    require_pdflatex()
    claim, result = wide_counterexample()
    claims = [*load_claims([CATALOGUE_PROOFS]), claim]
    check_typesetting(full_document(claims, {claim.id: result}, graph_file="g.pdf"), tmp_path)


@pytest.mark.latex
def test_the_overfull_check_can_fail(tmp_path: Path) -> None:
    """Must-fail twin: a rule 40 pt wider than the line is caught from the log."""
    require_pdflatex()
    wide = tex.document(tex.text("wide"), tex.raw(r"\noindent\rule{\dimexpr\linewidth+40pt}{1pt}"
                                                  "\n\n"))
    assert max(overfull(wide, tmp_path)) > OVERFULL_LIMIT


@pytest.mark.latex
@pytest.mark.slow
def test_make_docs_derivations_have_no_overfull_box(tmp_path: Path) -> None:
    """What `make docs` builds: every claim run, its evidence in the document."""
    require_pdflatex()
    claims = load_claims([CATALOGUE_PROOFS])
    results = {r.claim.id: r for r in run_claims(claims)}
    check_typesetting(full_document(claims, results, graph_file="g.pdf"), tmp_path)


@pytest.mark.latex
def test_derive_pdf_leaves_only_the_tex_and_the_pdf(tmp_path: Path, capsys) -> None:
    require_pdflatex()
    target = tmp_path / "out" / "index.tex"
    assert main(["derive", "index-lemma", "--no-run", "-o", str(target), "--pdf"]) == 0
    capsys.readouterr()
    assert sorted(p.name for p in target.parent.iterdir()) == ["index.pdf", "index.tex"]
