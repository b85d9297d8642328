"""LaTeX as a small immutable value (in the spirit of latexify): build documents by composing
values, never by concatenating strings in the callers.

- :class:`Latex` wraps source that is already valid LaTeX; ``+`` and :func:`join` compose it.
- :func:`text` escapes prose (special characters and Unicode symbols), :func:`prose` does the
  same but keeps ``$...$`` spans as mathematics, :func:`raw` trusts its argument.
- :func:`math`, :func:`display`, :func:`equation`, :func:`align`, :func:`matrix` (printed by
  SymPy's :func:`sympy.latex`), :func:`section`, :func:`itemize`, :func:`table`,
  :func:`document` build the usual structures; :func:`compile_pdf` runs pdflatex (in a
  temporary directory) and :func:`overfull_boxes` reads its log.

Only packages from Debian's texlive-latex-base, -latex-recommended, -fonts-recommended and
lmodern are used (the packages CI installs).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

from kronconv.errors import KronconvError

if TYPE_CHECKING:  # SymPy and NumPy load when a formula is printed, not on import
    import sympy


@dataclass(frozen=True)
class Latex:
    """A fragment of LaTeX source; immutable, composed with ``+`` and :func:`join`."""

    source: str = ""

    def __add__(self, other: Latex) -> Latex:
        if not isinstance(other, Latex):
            return NotImplemented
        return Latex(self.source + other.source)

    def __str__(self) -> str:
        return self.source

    def __bool__(self) -> bool:
        return bool(self.source)


EMPTY = Latex()
NEWLINE = Latex("\n")
BLANK = Latex("\n\n")

# -- escaping ---------------------------------------------------------------------------------
_TEXT_SPECIALS = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&", "#": r"\#",
    "^": r"\textasciicircum{}", "_": r"\_", "~": r"\textasciitilde{}", "%": r"\%",
    "<": r"\textless{}", ">": r"\textgreater{}", "|": r"\textbar{}",
}
# Unicode symbols that appear in claims and evidence, as math-mode commands.
_UNICODE_MATH = {
    "⊗": r"\otimes", "×": r"\times", "≥": r"\geq", "≤": r"\leq", "≠": r"\neq", "−": "-",
    "·": r"\cdot", "→": r"\to", "↦": r"\mapsto", "∈": r"\in", "∉": r"\notin", "Σ": r"\Sigma",
    "∑": r"\sum", "∏": r"\prod", "τ": r"\tau", "δ": r"\delta", "ε": r"\varepsilon",
    "λ": r"\lambda", "π": r"\pi", "α": r"\alpha", "β": r"\beta", "γ": r"\gamma",
    "σ": r"\sigma", "μ": r"\mu", "θ": r"\theta", "⋆": r"\star", "∗": "*", "≈": r"\approx",
    "⋯": r"\cdots", "⌊": r"\lfloor", "⌋": r"\rfloor", "⌈": r"\lceil", "⌉": r"\rceil",
    "∞": r"\infty", "∘": r"\circ", "⊕": r"\oplus", "±": r"\pm", "∀": r"\forall",
    "∃": r"\exists", "⟹": r"\implies", "⇒": r"\Rightarrow", "⇔": r"\Leftrightarrow",
    "∩": r"\cap", "∪": r"\cup", "⊆": r"\subseteq", "⊂": r"\subset", "∅": r"\emptyset",
    "²": "^{2}", "³": "^{3}", "¹": "^{1}", "ℤ": r"\mathbb{Z}", "ℝ": r"\mathbb{R}",
    "ℕ": r"\mathbb{N}", "√": r"\surd", "∣": r"\mid", "⌀": r"\varnothing",
}
_UNICODE_TEXT = {
    "—": "---", "–": "--", "‘": "`", "’": "'", "“": "``", "”": "''", "\u00a0": "~",
    "…": r"\dots{}", "•": r"\textbullet{}",
}


def _text_safe(char: str) -> bool:
    """Printable characters that utf8 inputenc with T1 fonts typesets (ASCII, Latin letters)."""
    return char.isascii() or (ord(char) < 0x250 and unicodedata.category(char).startswith("L"))


def _escape_char(char: str) -> str:
    if char in _TEXT_SPECIALS:
        return _TEXT_SPECIALS[char]
    if char in _UNICODE_TEXT:
        return _UNICODE_TEXT[char]
    if char in _UNICODE_MATH:
        return f"${_UNICODE_MATH[char]}$"
    if char == "\n":
        return " "
    if _text_safe(char):
        return char
    return rf"\texttt{{[U+{ord(char):04X}]}}"  # visible, and never breaks the compile


def escape(value: object) -> str:
    """Plain text -> LaTeX source that prints it literally."""
    return "".join(_escape_char(char) for char in str(value))


def _math_char(char: str) -> str:
    if char in _UNICODE_MATH:
        return _UNICODE_MATH[char] + " "
    if char.isascii():
        return char
    return rf"\text{{{_escape_char(char)}}}"


def math_source(source: str) -> str:
    """Math-mode source with stray Unicode symbols replaced by their commands."""
    return "".join(_math_char(char) for char in source)


# -- constructors -----------------------------------------------------------------------------
def raw(source: str) -> Latex:
    """Trusted LaTeX source."""
    return Latex(source)


def text(value: object) -> Latex:
    """Prose, escaped."""
    return Latex(escape(value))


_INLINE_MATH = re.compile(r"\$([^$]+)\$")


def prose(value: object) -> Latex:
    """Prose that may hold ``$...$`` mathematics: text escaped, math kept (Unicode mapped)."""
    source = str(value)
    if source.count("$") % 2:
        return text(source)
    parts, position = [], 0
    for match in _INLINE_MATH.finditer(source):
        parts.append(escape(source[position:match.start()]))
        parts.append(f"${math_source(match.group(1))}$")
        position = match.end()
    parts.append(escape(source[position:]))
    return Latex("".join(parts))


def join(parts: Iterable[Latex], separator: Latex = EMPTY) -> Latex:
    return Latex(separator.source.join(part.source for part in parts))


def command(name: str, *arguments: Latex) -> Latex:
    return Latex("\\" + name + "".join("{" + a.source + "}" for a in arguments))


def environment(name: str, body: Latex, argument: str = "") -> Latex:
    options = "{" + argument + "}" if argument else ""
    return Latex(f"\\begin{{{name}}}{options}\n{body.source}\n\\end{{{name}}}")


def texttt(value: object) -> Latex:
    return command("texttt", text(value))


def identifier(value: str) -> Latex:
    """An id such as ``cascade-kronecker-identity`` in typewriter type, breakable after each
    hyphen (typewriter text does not hyphenate, so long ids would stick out of the line)."""
    return command("texttt", Latex(r"-\allowbreak{}".join(escape(part)
                                                          for part in value.split("-"))))


def emph(value: Latex) -> Latex:
    return command("emph", value)


def bold(value: Latex) -> Latex:
    return command("textbf", value)


def paragraph(*parts: Latex) -> Latex:
    """Parts joined by spaces, ending the paragraph."""
    return join(parts, Latex(" ")) + BLANK


# -- mathematics ------------------------------------------------------------------------------
MathLike: TypeAlias = "Latex | str | sympy.Basic"


def _math_body(body: MathLike) -> str:
    if isinstance(body, Latex):
        return body.source
    if isinstance(body, str):
        return math_source(body)
    return sympy_latex(body).source


def math(body: MathLike) -> Latex:
    """Inline mathematics; a ``str`` is taken as math source, a SymPy object is printed."""
    return Latex(f"${_math_body(body)}$")


def display(body: MathLike, *, fit: bool = False) -> Latex:
    """Unnumbered display; ``fit`` shrinks the formula to the line width when it is wider (for
    wide matrices), and never enlarges it."""
    inner = _math_body(body)
    if fit:
        # \width is the formula's natural width: shrink to the line, never enlarge
        inner = (f"\\resizebox{{\\ifdim\\width>\\linewidth\\linewidth\\else\\width\\fi}}{{!}}"
                 f"{{$\\displaystyle {inner}$}}")
    return Latex(f"\n\\[\n{inner}\n\\]\n")


def equation(body: MathLike, label: str = "") -> Latex:
    """A numbered equation, optionally labelled."""
    tag = f"\\label{{{label}}}\n" if label else ""
    return environment("equation", Latex(tag + _math_body(body)))


@dataclass(frozen=True)
class Row:
    """One row of an ``align*``: ``lhs rel rhs`` with an optional note in text."""

    lhs: MathLike
    rhs: MathLike
    relation: str = "="
    note: Latex = EMPTY


def align(rows: Sequence[Row]) -> Latex:
    lines = []
    for row in rows:
        note = f" && \\text{{{row.note.source}}}" if row.note else ""
        lines.append(f"{_math_body(row.lhs)} &{row.relation} {_math_body(row.rhs)}{note}")
    return environment("align*", Latex(" \\\\\n".join(lines)))


_INDEXED_SYMBOL = re.compile(r"^([A-Za-z]+)((?:_\d+)+)$")


def _symbol_names(expr: sympy.Basic) -> dict[sympy.Symbol, str]:
    """k_1_0_2 -> k_{1,0,2} (SymPy would print k_{1 0 2})."""
    names = {}
    for symbol in expr.free_symbols:
        match = _INDEXED_SYMBOL.match(str(symbol))
        if match:
            names[symbol] = f"{match.group(1)}_{{{match.group(2)[1:].replace('_', ',')}}}"
    return names


def sympy_latex(expr: Any) -> Latex:
    """Any SymPy object (or polynomial-ring element) printed by :func:`sympy.latex`."""
    import sympy

    if hasattr(expr, "as_expr") and not isinstance(expr, sympy.Basic):
        expr = expr.as_expr()
    expr = sympy.sympify(expr)
    return Latex(sympy.latex(expr, symbol_names=_symbol_names(expr)))


def as_sympy_matrix(array: Any) -> sympy.Matrix:
    """A 1-D (as one row) or 2-D array of numbers, SymPy objects or ring elements."""
    import numpy as np
    import sympy

    values = np.asarray(array, dtype=object)
    if values.ndim == 1:
        values = values.reshape(1, -1)
    if values.ndim != 2:
        raise KronconvError(f"array.ndim={values.ndim} cannot be shown as a matrix: expected "
                            "1 or 2 dimensions")
    convert = np.vectorize(lambda v: v.as_expr() if hasattr(v, "as_expr") and not isinstance(
        v, sympy.Basic) else sympy.sympify(v), otypes=[object])
    return sympy.Matrix(convert(values).tolist())


def matrix(array: Any) -> Latex:
    """A matrix (1-D arrays as one row), printed by SymPy in square brackets."""
    return sympy_latex(as_sympy_matrix(array))


# -- structure --------------------------------------------------------------------------------
SECTION_LEVELS = ("section", "subsection", "subsubsection", "paragraph")


def label(key: str) -> Latex:
    return Latex(f"\\label{{{key}}}")


def ref(key: str) -> Latex:
    return Latex(f"\\ref{{{key}}}")


def section(title: Latex, body: Latex, *, level: int = 1, key: str = "") -> Latex:
    """A (sub)section at ``level`` 1-4 with an optional ``\\label``."""
    name = SECTION_LEVELS[level - 1]
    tag = f"\\label{{{key}}}" if key else ""
    return Latex(f"\\{name}{{{title.source}}}{tag}\n\n") + body + BLANK


def itemize(items: Iterable[Latex], *, numbered: bool = False) -> Latex:
    body = join((Latex("\\item ") + item for item in items), NEWLINE)
    if not body:
        return EMPTY
    return environment("enumerate" if numbered else "itemize", body) + BLANK


def table(header: Sequence[Latex], rows: Sequence[Sequence[Latex]], columns: str) -> Latex:
    """A booktabs ``longtable`` (breaks across pages); ``columns`` is the column spec."""
    def line(cells: Sequence[Latex]) -> str:
        return " & ".join(cell.source for cell in cells) + r" \\"

    body = [r"\toprule", line(header), r"\midrule", r"\endhead"]
    body += [line(row) for row in rows]
    body.append(r"\bottomrule")
    return environment("longtable", Latex("\n".join(body)), columns) + BLANK


PREAMBLE = r"""\documentclass[11pt]{article}
\usepackage[T1]{fontenc}
\usepackage[utf8]{inputenc}
\usepackage{lmodern}
\usepackage[margin=2.5cm]{geometry}
\usepackage{amsmath,amssymb}
\usepackage{graphicx}
\usepackage{booktabs,longtable,array}
\usepackage[hidelinks]{hyperref}
\setcounter{MaxMatrixCols}{64}
\setlength{\parindent}{0pt}
\setlength{\parskip}{0.6ex}
\emergencystretch=3em
"""


def document(title: Latex, body: Latex, *, abstract: Latex = EMPTY) -> Latex:
    """A standalone article that pdflatex compiles."""
    head = Latex(PREAMBLE + f"\\title{{{title.source}}}\n\\date{{}}\n\\begin{{document}}\n"
                 "\\maketitle\n\n")
    if abstract:
        head = head + environment("abstract", abstract) + BLANK
    return head + body + Latex("\\end{document}\n")


# -- compiling --------------------------------------------------------------------------------
def pdflatex_available() -> bool:
    return shutil.which("pdflatex") is not None


def _first_error(log: str) -> str:
    for index, line in enumerate(log.splitlines()):
        if line.startswith("!"):
            context = log.splitlines()[index + 1:index + 2]
            return " ".join([line, *context]).strip()
    return "no error line in the log"


def compile_pdf(tex_path: str | Path, *, assets: Mapping[str, bytes] | None = None,
                log_to: str | Path | None = None, runs: int = 3, timeout: float = 120.0) -> Path:
    """Compile ``FILE.tex`` into ``FILE.pdf`` beside it, and leave nothing else there.

    pdflatex runs in a temporary directory (with ``assets``, e.g. a figure the document
    includes, written next to the copy) until cross-references settle, at most ``runs`` times.
    ``log_to`` keeps pdflatex's log (to read overfull boxes); when pdflatex fails, the log is
    kept beside the source as ``FILE.log`` and the error names it."""
    source = Path(tex_path)
    if not pdflatex_available():
        raise KronconvError("pdflatex not found: install texlive-latex-base, "
                            "texlive-latex-recommended, texlive-fonts-recommended and lmodern "
                            "(as .ci/run does), or leave out --pdf")
    with tempfile.TemporaryDirectory(prefix="kronconv-latex-") as work:
        build = Path(work)
        shutil.copyfile(source, build / source.name)
        for name, data in (assets or {}).items():
            (build / name).write_bytes(data)
        log = build / source.with_suffix(".log").name
        for attempt in range(runs):
            done = _pdflatex(build, source.name, timeout)
            if done.returncode:
                kept = source.with_suffix(".log")
                text_log = log.read_text(errors="replace") if log.exists() else \
                    done.stdout.decode(errors="replace")
                kept.write_text(text_log, encoding="utf-8")
                raise KronconvError(f"pdflatex failed on {source}: {_first_error(text_log)} "
                                    f"(full log: {kept})")
            if attempt >= 1 and b"Rerun" not in done.stdout:  # the contents page needs two
                break
        if log_to is not None:
            shutil.copyfile(log, log_to)
        target = source.with_suffix(".pdf")
        shutil.copyfile(build / target.name, target)
    return target


def _pdflatex(build: Path, name: str, timeout: float) -> subprocess.CompletedProcess[bytes]:
    command_line = ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", name]
    try:
        return subprocess.run(command_line, cwd=build, capture_output=True, timeout=timeout,
                              check=False)
    except subprocess.TimeoutExpired:
        raise KronconvError(f"pdflatex on {name} took over {timeout:g} s") from None


_OVERFULL = re.compile(r"^Overfull \\[hv]box \((\d+(?:\.\d+)?)pt too (?:wide|high)\)", re.M)


def overfull_boxes(log: str) -> list[float]:
    """How far (in pt) each overfull box in a pdflatex log sticks out."""
    return [float(points) for points in _OVERFULL.findall(log)]
