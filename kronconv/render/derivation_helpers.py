"""The helpers every derivation shares: prose with inline mathematics, numbered steps, matrices
sized to the line, tables of values, z3 results and induction steps.

A derivation (declared next to its claim in a proof script or a ``_`` sibling of it) imports
them from here::

    from kronconv.render.derivation_helpers import array_latex, numbered_steps, prose

Each returns a :class:`~kronconv.latex.Latex` value; none concatenates strings for its caller.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

import kronconv.latex as tex
from kronconv.engines.smt import SmtResult
from kronconv.kronecker.induction import ProofStep
from kronconv.latex import Latex

WIDE = 6  # matrices with more columns are scaled to the line width
_CLOSING = tuple(").,;:]")  # punctuation that follows a part without a space
_METHODS = {"z3": "checked by z3 for symbolic sizes", "definition": "follows from the steps "
            "above", "theorem": "a standard theorem"}


def prose(*parts: Latex | str) -> Latex:
    """Text with inline mathematics: a ``str`` is prose (``$...$`` spans stay mathematics), a
    Latex value is kept; the parts are joined by spaces, except after an opening bracket and
    before closing punctuation (``"(", context.ref(...), ")."`` reads "(ref).")."""
    out = tex.EMPTY
    for index, part in enumerate(parts):
        value = tex.prose(part) if isinstance(part, str) else part
        glued = index == 0 or (isinstance(part, str) and part[:1] in _CLOSING) or (
            isinstance(parts[index - 1], str) and str(parts[index - 1])[-1:] in ("(", "["))
        out = out + (value if glued else tex.raw(" ") + value)
    return out


def numbered_steps(*parts: Latex) -> Latex:
    """The steps of a derivation, numbered."""
    return tex.itemize(parts, numbered=True)


def array_latex(array: np.ndarray) -> Latex:
    """A 1-D or 2-D array as a displayed matrix, scaled to the line when wider than WIDE."""
    return tex.display(tex.matrix(array), fit=array.shape[-1] > WIDE)


def holds(ok: bool) -> str:
    """The verdict of an engine comparison, in words (a failure stands out in capitals)."""
    return "holds" if ok else "does NOT hold"


def yes(ok: bool) -> str:
    """A yes/no answer, a failure in capitals."""
    return "yes" if ok else "NO"


def value_table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> Latex:
    """A table of values with mathematical column headings (Latex cells are kept, others
    printed as text), right-aligned."""
    return tex.table([tex.math(h) for h in header],
                     [[v if isinstance(v, Latex) else tex.text(v) for v in row] for row in rows],
                     "r" * len(header))


def z3_table(results: Sequence[SmtResult]) -> Latex:
    """Each z3 obligation: proved means z3 found the negation unsatisfiable."""
    if not results:
        return tex.EMPTY
    rows = [[tex.texttt(r.name), tex.texttt(r.status), tex.text(f"{r.seconds:.3f}")]
            for r in results]
    header = [tex.bold(tex.text(name)) for name in ("z3 obligation", "result", "seconds")]
    return tex.table(header, rows, r">{\raggedright\arraybackslash}p{0.5\linewidth}ll")


def proof_step(step: ProofStep) -> Latex:
    """A step of an induction: statement, method, justification and its z3 results."""
    method = _METHODS.get(step.method, step.method)
    body = tex.display(step.statement) + tex.paragraph(
        tex.emph(tex.text(f"{method.capitalize()}.")),
        tex.prose(step.justification[:1].upper() + step.justification[1:] + "."))
    return body + z3_table(step.results)
