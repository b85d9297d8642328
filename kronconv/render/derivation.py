"""Every claim as a derivation a reader can follow, in LaTeX.

A claim's section has, in order: where it comes from and its status; the statement; the claims it
uses; the assumptions; the derivation step by step (the :class:`~kronconv.claims.Derivation` its
proof script attached to it); the expanded entries of a small instance (when the derivation has
one); the evidence table; and, for a refuted or qualified claim, the counterexample data. Any
claim renders: without a derivation the section says so and lets the evidence speak.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from tokenize import TokenError
from typing import Any

import numpy as np
import sympy

import kronconv.latex as tex
from kronconv.claims import Claim, ClaimResult, Context, Evidence
from kronconv.claims.derivation import claim_key
from kronconv.errors import invalid
from kronconv.latex import Latex
from kronconv.render.values import TABLE_LIMIT as MATRIX_LIMIT
from kronconv.render.values import TEXT_LIMIT, elide_literals

GROUP_TITLES = {
    "A": "The Kronecker identity",
    "B": "When the identity fails, and what holds instead",
    "C": "Receptive field and parameters",
    "D": "Translation equivariance",
}
DEFAULT_ASSUMPTIONS = (  # the catalogue's conventions, as prose with $...$ mathematics
    "one channel, no nonlinearity, no bias;",
    "'full' linear convolution of finitely supported signals on the infinite grid "
    "$\\mathbb{Z}^n$;",
    "the convolution convention $(k *_d f)_t = \\sum_\\tau k_\\tau f_{t - d\\tau}$;",
    "numpy.kron's index order: $(A \\otimes B)_{im + j} = A_i B_j$ for $B$ of length $m$;",
    "layers numbered $l = 0, \\dots, L$, layer 0 applied first; the exponential schedule is "
    "$a_l = a$, $d_l = a^l$.",
)
CONVENTIONS_KEY = "conventions"


def _subscripted(name: str) -> str:
    """A size's name as mathematics: a letter keeps its italic, trailing digits become a
    subscript (a0 -> a_{0}), a word is upright text (layers -> \\text{layers})."""
    indexed = re.match(r"^([A-Za-z])(\d*)$", name)
    if indexed:
        return indexed.group(1) + (f"_{{{indexed.group(2)}}}" if indexed.group(2) else "")
    return rf"\text{{{name}}}"


def check_sizes(claim: Claim, sizes: Sequence[int]) -> tuple[int, ...]:
    """Validate instance sizes for a claim; a claim without an instance accepts none."""
    if claim.derivation is None or claim.derivation.sizes is None:
        if sizes:
            raise invalid("sizes", list(sizes), f"none: claim {claim.id!r} has no small "
                          "instance to expand (`kronconv derive --list` shows which claims "
                          "take sizes)")
        return ()
    return claim.derivation.check_sizes(sizes)


# -- the parts of a claim's section --------------------------------------------------------------
def _header(claim: Claim, result: ClaimResult | None) -> Latex:
    parts = [tex.bold(tex.text("Source:")), tex.text(f"{claim.source}."),
             tex.bold(tex.text("Group:")), tex.text(f"{claim.group or '-'}.")]
    if result is None:
        parts += [tex.bold(tex.text("Status:")), tex.text(f"not run (expected {claim.expected}).")]
    else:
        parts += [tex.bold(tex.text("Status:")), tex.texttt(result.status),
                  tex.text(f"(expected {claim.expected}; checks took {result.seconds:.2f} s).")]
    return tex.paragraph(*parts)


def _statement(claim: Claim) -> Latex:
    # Inline display style lets TeX break a long statement at its relations and operators.
    return tex.environment("center", tex.raw(f"$\\displaystyle {tex.math_source(claim.statement)}$"
                                             )) + tex.BLANK


def conventions() -> Latex:
    """The conventions every claim assumes unless its statement says otherwise."""
    body = tex.paragraph(tex.text("Unless the statement says otherwise:"))
    return body + tex.itemize(tex.prose(item) for item in DEFAULT_ASSUMPTIONS)


def _uses(claim: Claim, context: Context) -> Latex:
    """The claims the argument relies on, cross-referenced when they are in the document."""
    if not claim.uses:
        return tex.EMPTY
    return tex.paragraph(tex.bold(tex.text("Uses:")),
                         tex.join((context.ref(used) for used in claim.uses), tex.raw(", "))
                         + tex.text("."))


def _assumptions(claim: Claim, context: Context) -> Latex:
    if context.shared_conventions:
        body = tex.paragraph(tex.raw(f"The conventions of \\S\\ref{{{CONVENTIONS_KEY}}} "
                                     "apply unless the statement says otherwise."))
    else:
        body = conventions()
    if claim.conditions:
        body = body + tex.paragraph(tex.bold(tex.text("Conditions and precise statement.")),
                                    tex.prose(claim.conditions))
    return body


def _detail_text(detail: str) -> Latex:
    shown, elided = elide_literals(detail)
    if elided:
        shown += (f" [{elided} long value{'s' if elided > 1 else ''} elided here; in full in the "
                  "JSON report (kronconv verify --json)]")
    return tex.prose(shown)


def _evidence_detail(evidence: Evidence) -> Latex:
    parts = [_detail_text(evidence.detail)]
    for key in ("domain", "count", "seed", "error_bound", "rechecked_by"):
        value = getattr(evidence, key)
        if value not in ("", None):
            parts.append(tex.emph(tex.text(key.replace("_", " ") + ":")) + tex.raw(" ")
                         + _detail_text(str(value)))
    return tex.join(parts, tex.raw("; "))


def evidence_table(evidence: Sequence[Evidence]) -> Latex:
    """Row number, engine tier / evidence kind / verdict (stacked, so that the words fit their
    column) and detail of every piece of evidence: the one place where each piece is stated
    (the counterexample part refers to its row)."""
    if not evidence:
        return tex.paragraph(tex.text("No evidence was produced."))
    column = r">{\raggedright\arraybackslash}p"
    rows = [[tex.text(index), tex.join((tex.texttt(e.tier), tex.texttt(e.kind),
                                        tex.texttt(e.verdict)), tex.raw(r"\newline ")),
             _evidence_detail(e)] for index, e in enumerate(evidence, 1)]
    header = [tex.bold(tex.text(name)) for name in ("", "tier, kind, verdict", "detail")]
    return tex.table(header, rows, f"r{column}{{0.2\\linewidth}}{column}{{0.66\\linewidth}}")




def _entry(value: Any) -> sympy.Basic | None:
    """A number, or a string SymPy reads as a constant ('1/2', 'tanh(2)'); None otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return sympy.sympify(value)
    if isinstance(value, str) and len(value) <= 60:
        try:
            parsed = sympy.sympify(value.strip(), rational=True)
        except (sympy.SympifyError, SyntaxError, TypeError, AttributeError, ValueError,
                TokenError):
            return None
        # Constants only: a word such as 'same' must stay text, not become a symbol.
        return parsed if isinstance(parsed, sympy.Expr) and not parsed.free_symbols else None
    return None


def _array(value: Any) -> np.ndarray | None:
    """A rectangular (1-3 D) array of numbers or expressions as a SymPy object array."""
    if not isinstance(value, (list, tuple)) or not value:
        return None
    try:
        raw = np.array(value, dtype=object)
    except ValueError:  # ragged
        return None
    if raw.ndim not in (1, 2, 3) or raw.size == 0 or any(
            isinstance(v, (list, tuple)) for v in raw.flat):
        return None
    entries = [_entry(v) for v in raw.flat]
    if any(e is None for e in entries):
        return None
    return np.array(entries, dtype=object).reshape(raw.shape)


def _corner(array: np.ndarray) -> tuple[Latex, str]:
    """A 1-D or 2-D array as a matrix, cut to MATRIX_LIMIT rows/columns with ellipses."""
    table = array.reshape(1, -1) if array.ndim == 1 else array
    rows, columns = table.shape
    keep_r, keep_c = min(rows, MATRIX_LIMIT), min(columns, MATRIX_LIMIT)
    if (rows, columns) == (keep_r, keep_c):
        return tex.matrix(table), ""  # small enough: SymPy prints the whole matrix
    cells = [[tex.sympy_latex(table[i, j]).source for j in range(keep_c)]
             + ([r"\cdots"] if columns > keep_c else []) for i in range(keep_r)]
    if rows > keep_r:
        cells.append([r"\vdots"] * keep_c + ([r"\ddots"] if columns > keep_c else []))
    body = " \\\\ ".join(" & ".join(row) for row in cells)
    shape = "x".join(map(str, array.shape))
    note = f"{shape} array, first {keep_r} x {keep_c} entries shown; in full in the JSON report"
    return tex.raw(rf"\left[\begin{{matrix}}{body}\end{{matrix}}\right]"), note


def _array_value(array: np.ndarray) -> Latex:
    """Matrices (a 3-D array as a row of its 2-D slices), scaled to the line when wide."""
    slices = [array] if array.ndim < 3 else list(array)
    shown = [_corner(s) for s in slices[:MATRIX_LIMIT]]
    body = tex.join((m for m, _ in shown), tex.raw(r",\ "))
    if len(slices) > MATRIX_LIMIT:
        body = body + tex.raw(r",\ \dots")
    columns = sum(min(s.shape[-1], MATRIX_LIMIT + 1) for s in slices[:MATRIX_LIMIT])
    out = tex.display(body, fit=columns > MATRIX_LIMIT)
    notes = sorted({n for _, n in shown if n})
    if len(slices) > MATRIX_LIMIT:
        notes.append(f"first {MATRIX_LIMIT} of {len(slices)} slices shown")
    return out + (tex.paragraph(tex.emph(tex.text("; ".join(notes) + "."))) if notes else tex.EMPTY)


def data_value(value: Any) -> Latex:
    """Counterexample data: arrays as matrices (large ones cut to a corner, with a note),
    mappings as lists, the rest as text (long text elided, with a note)."""
    array = _array(value)
    if array is not None:
        return _array_value(array)
    if isinstance(value, Mapping):
        return tex.itemize(tex.texttt(key) + tex.text(": ") + data_value(item)
                           for key, item in value.items())
    shown = repr(value) if not isinstance(value, str) else value
    shown, elided = elide_literals(shown)
    if len(shown) > TEXT_LIMIT:
        shown, elided = shown[:TEXT_LIMIT] + " ...", elided + 1
    note = " (shortened; in full in the JSON report)" if elided else ""
    return tex.texttt(shown) + tex.text(note)


def counterexamples(evidence: Sequence[Evidence]) -> Latex:
    """The data that exhibits each counterexample (or qualifying evidence), under the number of
    its row in the evidence table, which states it (the detail is not repeated)."""
    parts = []
    for index, item in enumerate(evidence, 1):
        if (item.kind != "counterexample" and item.verdict == "supports") or not item.data:
            continue
        parts.append(tex.paragraph(tex.bold(tex.text(f"Evidence {index} ({item.kind}, "
                                                     f"{item.verdict}):")))
                     + data_value(dict(item.data)) + tex.BLANK)
    return tex.join(parts)


def _derivation_part(claim: Claim, context: Context) -> Latex:
    if claim.derivation is None:
        return tex.paragraph(tex.text("No step-by-step derivation is attached to this claim; "
                                      "its checks below are the argument: each row says which "
                                      "engine produced the evidence and of which kind it is."))
    return claim.derivation.steps(context)


def claim_section(claim: Claim, result: ClaimResult | None, context: Context,
                  sizes: Sequence[int] = ()) -> Latex:
    """The whole section of one claim, labelled ``claim:ID``."""
    body = _header(claim, result) + _statement(claim) + _uses(claim, context)
    body = body + context.heading("Assumptions", _assumptions(claim, context))
    body = body + context.heading("Derivation", _derivation_part(claim, context))
    derivation = claim.derivation
    if derivation is not None and derivation.instance is not None and derivation.sizes:
        chosen = check_sizes(claim, sizes)
        named = ", ".join(f"${_subscripted(n)} = {v}$" for n, v in zip(derivation.sizes.names,
                                                                      chosen, strict=True))
        part = f"A small instance ({named})" if named else "A small instance"
        body = body + context.heading(part, derivation.instance(chosen))
    if result is not None:
        body = body + context.heading("Evidence", evidence_table(result.evidence))
        shown = counterexamples(result.evidence)
        if shown:
            body = body + context.heading("Counterexample", shown)
        if result.error:
            body = body + context.heading("Error", tex.paragraph(tex.texttt(result.error)))
    title = tex.identifier(claim.id) + tex.text(": ") + tex.prose(claim.title)
    return tex.section(title, body, level=context.level, key=claim_key(claim.id))


# -- documents -------------------------------------------------------------------------------------
def claim_document(claim: Claim, result: ClaimResult | None,
                   sizes: Sequence[int] = ()) -> Latex:
    """A standalone document for one claim."""
    context = Context(frozenset({claim.id}), level=1)
    return tex.document(tex.text(f"kronconv: {claim.id}"),
                        claim_section(claim, result, context, sizes))


def group_title(group: str) -> str:
    if not group:
        return "Other claims"
    return f"Group {group}: {GROUP_TITLES[group]}" if group in GROUP_TITLES else group


def _summary(claims: Sequence[Claim], results: Mapping[str, ClaimResult]) -> Latex:
    rows = []
    for claim in claims:
        result = results.get(claim.id)
        kinds = ", ".join(sorted({e.kind for e in result.evidence})) if result else "-"
        rows.append([tex.raw(f"\\S\\ref{{{claim_key(claim.id)}}}"), tex.identifier(claim.id),
                     tex.texttt(result.status if result else "not run"), tex.text(kinds or "-")])
    header = [tex.bold(tex.text(name)) for name in ("section", "claim", "status", "evidence")]
    return tex.table(header, rows, r"l>{\raggedright\arraybackslash}p{0.42\linewidth}l"
                     r">{\raggedright\arraybackslash}p{0.25\linewidth}")


def dependencies(graph_file: str) -> Latex:
    """The dependency graph, drawn from ``graph_file`` when it exists at compile time."""
    include = (f"\\includegraphics[width=\\linewidth,height=0.75\\textheight,"
               f"keepaspectratio]{{{graph_file}}}")
    missing = (r"\emph{(The graph is drawn when the document is compiled by kronconv derive "
               r"--pdf with Graphviz installed.)}")
    figure = tex.environment("center", tex.raw(
        f"\\IfFileExists{{{graph_file}}}{{{include}}}{{{missing}}}")) + tex.BLANK
    return tex.paragraph(tex.text(
        "An arrow from one claim to another means that the second one's argument uses the "
        "first. Colours give each claim's status; the key names them; a dashed box is a claim "
        "used here but not part of this document.")) + figure


def full_document(claims: Sequence[Claim], results: Mapping[str, ClaimResult],
                  graph_file: str = "") -> Latex:
    """Every claim, a section per group (in catalogue order), cross-referenced by claim id;
    with ``graph_file``, a section showing the dependency graph (see :func:`dependencies`)."""
    context = Context(frozenset(c.id for c in claims), level=2, shared_conventions=True)
    groups: dict[str, list[Claim]] = {}
    for claim in claims:
        groups.setdefault(claim.group, []).append(claim)
    order = sorted(groups, key=lambda g: (g not in GROUP_TITLES, g == "", g))
    body = tex.section(tex.text("Summary"), tex.paragraph(tex.text(
        "Each claim of the catalogue, its status and the kinds of evidence behind it. Status "
        "'refuted' or 'qualified' is a finding, not a failure: the source's statement is false, "
        "or true only under the conditions its section states.")) + _summary(claims, results))
    if graph_file:
        body = body + tex.section(tex.text("Dependencies"), dependencies(graph_file))
    body = body + tex.section(tex.text("Conventions"), conventions(), key=CONVENTIONS_KEY)
    for group in order:
        sections = [claim_section(claim, results.get(claim.id), context)
                    for claim in groups[group]]
        body = body + tex.section(tex.text(group_title(group)), tex.join(sections))
    abstract = tex.text("The claims kronconv checks about dilated convolutions and Kronecker "
                        "factors, each with its statement, its assumptions, its derivation, a "
                        "small expanded instance where one helps, and the machine-checked "
                        "evidence: which engine, and what kind.")
    return tex.document(tex.text("kronconv: derivations of the claims"),
                        tex.raw("\\setcounter{tocdepth}{2}\n\\tableofcontents\n\n") + body,
                        abstract=abstract)
