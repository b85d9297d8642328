"""How results display themselves in a notebook: ``_repr_html_`` (a small table) and
``_repr_latex_`` (one MathJax display) for the results of identity, rf and equivariance and for a
claims report. Import-light (no SymPy): the result classes import this module only when asked.

MathJax, not pdflatex, renders ``_repr_latex_``: words go into ``\\text{...}`` with the only
characters it treats specially there (backslash and braces) left out.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kronconv.equivariance.analysis import EquivarianceResult
    from kronconv.kronecker.result import IdentityResult
    from kronconv.receptive_field.report import RFReport
    from kronconv.render.report import ClaimsReport

#: Status colours of the claims table (background, in the spirit of leanblueprint).
STATUS_COLOURS = {"confirmed": "#9cec8b", "refuted": "#a3c4f3", "qualified": "#f6e58d",
                  "failed": "#f4a7a7", "error": "#e06666", "skipped": "#dddddd"}
VERDICT_COLOURS = {"respected": STATUS_COLOURS["confirmed"],
                   "not-respected": STATUS_COLOURS["failed"],
                   "unknown": STATUS_COLOURS["skipped"]}


# -- HTML --------------------------------------------------------------------------------------
def html_table(header: Sequence[str], rows: Iterable[Sequence[object]], *,
               caption: str = "", row_styles: Sequence[str] = ()) -> str:
    """A plain HTML table; every cell is escaped; ``row_styles[i]`` styles row i."""
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = []
    for i, row in enumerate(rows):
        style = f' style="{row_styles[i]}"' if i < len(row_styles) and row_styles[i] else ""
        cells = "".join(f"<td>{html.escape(str(cell))}</td>" for cell in row)
        body.append(f"<tr{style}>{cells}</tr>")
    title = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    return (f'<table class="kronconv">{title}<thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(body)}</tbody></table>")


def axes(values: Sequence[object] | None) -> str:
    return "-" if values is None else "\u00d7".join(str(v) for v in values)


def identity_html(result: IdentityResult) -> str:
    verdict = "holds" if result.holds else "does not hold"
    rows = [("verdict", verdict), ("evidence", f"{result.evidence_kind}: {result.detail}"),
            ("engine", result.engine), ("composite extent", axes(result.kernel_extent)),
            ("Kronecker product extent", axes(result.predicted_extent)),
            ("comparison", result.comparison)]
    return html_table(("quantity", "value"), rows, caption=f"Kronecker identity {verdict}")


def rf_html(report: RFReport) -> str:
    header = ("layer", "op", "rf", "stride", "padding", "centre", "holes", "params")
    rows = [(r.id, r.op, axes(r.receptive_field), axes(r.effective_stride),
             axes(r.effective_padding), axes(r.center), r.holes, r.parameters)
            for r in report.layers]
    top = report.top
    caption = (f"output {report.output}: receptive field {axes(top.receptive_field)}, "
               f"effective stride {axes(top.effective_stride)}, "
               + ("dense" if top.dense else f"{top.holes} holes"))
    return html_table(header, rows, caption=caption)


def equivariance_html(result: EquivarianceResult) -> str:
    verdicts = sorted(result.verdicts, key=lambda v: v.shift)
    rows = [(axes(v.shift), v.status, axes(v.output_shift), v.evidence) for v in verdicts]
    styles = [f"background:{VERDICT_COLOURS[v.status]}" for v in verdicts]
    caption = (f"{result.name or 'architecture'}: {len(result.respected)} of "
               f"{math.prod(result.size)} cyclic shifts respected ({result.question_text})")
    return html_table(("shift v", "status", "output shift u", "evidence"), rows,
                      caption=caption, row_styles=styles)


def claims_html(report: ClaimsReport) -> str:
    rows = [(r.claim.id, r.status, r.claim.expected,
             ", ".join(sorted({e.kind for e in r.evidence})) or "-", f"{r.seconds:.2f}")
            for r in report.results]
    styles = [f"background:{STATUS_COLOURS.get(r.status, '#ffffff')}" for r in report.results]
    counts = ", ".join(f"{n} {s}" for s, n in report.summary().items() if s != "total")
    return html_table(("id", "status", "expected", "evidence", "seconds"), rows,
                      caption=f"{len(report.results)} claims: {counts}", row_styles=styles)


# -- LaTeX (MathJax) ---------------------------------------------------------------------------
def words(value: object) -> str:
    """``\\text{...}`` of a value, without the characters MathJax's text mode treats specially."""
    return r"\text{" + "".join(c for c in str(value) if c not in "\\{}") + "}"


def tuple_tex(values: Sequence[object] | None) -> str:
    return "-" if values is None else r"\times ".join(str(v) for v in values)


def array(rows: Sequence[Sequence[str]]) -> str:
    columns = "l" * max(len(r) for r in rows)
    body = r" \\ ".join(" & ".join(row) for row in rows)
    return rf"$$\begin{{array}}{{{columns}}} {body} \end{{array}}$$"


def identity_latex(result: IdentityResult) -> str:
    """``C = K_L kron ... kron K_0`` (or ``\neq``), the extents and the evidence's label."""
    relation = "=" if result.holds else r"\neq"
    return (rf"$$C {relation} K_L \otimes \cdots \otimes K_0 \qquad "
            rf"{tuple_tex(result.kernel_extent)} \text{{ vs }} "
            rf"{tuple_tex(result.predicted_extent)} \qquad {words(result.evidence_kind)}$$")


def rf_latex(report: RFReport) -> str:
    header = [words(h) for h in ("layer", "op")] + ["r", "S", "P", words("holes")]
    rows = [[words(r.id), words(r.op), tuple_tex(r.receptive_field),
             tuple_tex(r.effective_stride), tuple_tex(r.effective_padding), str(r.holes)]
            for r in report.layers]
    return array([header, *rows])


def shift_tex(shift: Sequence[int]) -> str:
    """A shift as ``2`` (one axis) or ``(0,4)``."""
    return str(shift[0]) if len(shift) == 1 else "(" + ",".join(map(str, shift)) + ")"


def equivariance_latex(result: EquivarianceResult) -> str:
    """The respected pairs v -> u, the first 16 of them."""
    pairs = ", ".join(f"{shift_tex(v)} \\mapsto {shift_tex(u)}"
                      for v, u in sorted(result.respected.items())[:16])
    more = r", \dots" if len(result.respected) > 16 else ""
    return (rf"$$\{{v \mapsto u : f(T_v x) = T_u f(x) \text{{ for all }} x\}} = "
            rf"\{{{pairs}{more}\}}$$")


def claims_latex(report: ClaimsReport) -> str:
    rows = [[words("id"), words("status"), words("statement")]]
    rows += [[words(r.claim.id), words(r.status), r.claim.statement] for r in report.results]
    return array(rows)
