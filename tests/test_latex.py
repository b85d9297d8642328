"""The LaTeX value type: escaping, composition, SymPy printing, and a document that compiles."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st
from optional import require_pdflatex

import kronconv.latex as tex
from kronconv.engines import SymbolicEngine
from kronconv.latex import Latex, Row
from kronconv.specs import Cascade

# -- golden strings ----------------------------------------------------------------------------
GOLDEN = [
    (tex.text("a_b & 50% #1 {x} ~ ^ \\ $"),
     r"a\_b \& 50\% \#1 \{x\} \textasciitilde{} \textasciicircum{} \textbackslash{} \$"),
    (tex.text("A ⊗ B, 3×3, a ≥ 1 — done"),
     r"A $\otimes$ B, 3$\times$3, a $\geq$ 1 --- done"),
    (tex.text("café ☃"), r"café \texttt{[U+2603]}"),
    (tex.prose("sizes a_l with $a_l \\ge 1$ and 5%"),
     r"sizes a\_l with $a_l \ge 1$ and 5\%"),
    (tex.prose("an odd $ sign_1"), r"an odd \$ sign\_1"),
    (tex.math("x ⊗ y"), r"$x \otimes  y$"),
    (tex.display("a = b"), "\n\\[\na = b\n\\]\n"),
    (tex.equation("a = b", label="eq:x"), "\\begin{equation}\n\\label{eq:x}\na = b\n"
     "\\end{equation}"),
    (tex.align([Row("a", "b"), Row("c", "d", "\\le", tex.text("by 1"))]),
     "\\begin{align*}\na &= b \\\\\nc &\\le d && \\text{by 1}\n\\end{align*}"),
    (tex.matrix([[1, 2], [3, 4]]),
     r"\left[\begin{matrix}1 & 2\\3 & 4\end{matrix}\right]"),
    (tex.matrix([1, 2, 3]), r"\left[\begin{matrix}1 & 2 & 3\end{matrix}\right]"),
    (tex.sympy_latex(sympy.Rational(1, 2) * sympy.Symbol("x")), r"\frac{x}{2}"),
    (tex.section(tex.text("Intro"), tex.paragraph(tex.text("Hi.")), level=2, key="s:i"),
     "\\subsection{Intro}\\label{s:i}\n\nHi.\n\n\n\n"),
    (tex.itemize([tex.text("one"), tex.text("two")], numbered=True),
     "\\begin{enumerate}\n\\item one\n\\item two\n\\end{enumerate}\n\n"),
    (tex.table([tex.text("h")], [[tex.text("x_1")]], "l"),
     "\\begin{longtable}{l}\n\\toprule\nh \\\\\n\\midrule\n\\endhead\nx\\_1 \\\\\n"
     "\\bottomrule\n\\end{longtable}\n\n"),
]


@pytest.mark.parametrize(("value", "expected"), GOLDEN)
def test_golden(value: Latex, expected: str) -> None:
    assert value.source == expected


def test_symbolic_kernel_entries_print_with_comma_indices() -> None:
    kernel = SymbolicEngine().kernels(Cascade.exponential(2, 2))[1]
    assert tex.matrix(kernel).source == (r"\left[\begin{matrix}k_{1,0,0} & k_{1,0,1}\\"
                                         r"k_{1,1,0} & k_{1,1,1}\end{matrix}\right]")
    product = kernel[0, 1] * kernel[1, 0] + 2 * kernel[0, 0]
    assert tex.sympy_latex(product).source == r"2 k_{1,0,0} + k_{1,0,1} k_{1,1,0}"


def test_values_are_immutable_and_compose_only_with_values() -> None:
    value = tex.text("a") + tex.raw(r"\quad") + tex.text("b")
    assert value.source == r"a\quadb"
    assert tex.join([tex.text("a"), tex.text("b")], tex.raw(", ")).source == "a, b"
    with pytest.raises(dataclasses.FrozenInstanceError):
        value.source = "x"  # type: ignore[misc]
    with pytest.raises(TypeError):
        value + "plain string"  # type: ignore[operator]


def test_matrix_rejects_three_dimensional_arrays() -> None:
    with pytest.raises(Exception, match=r"array.ndim=3"):
        tex.matrix(np.zeros((2, 2, 2)))


@given(st.text(max_size=40))
def test_escaped_text_has_no_unescaped_specials(value: str) -> None:
    source = tex.text(value).source
    stripped = (source.replace(r"\$", "").replace(r"\%", "").replace(r"\#", "")
                .replace(r"\&", "").replace(r"\_", ""))
    math_spans = stripped.count("$")
    assert math_spans % 2 == 0  # only the $..$ we add around Unicode symbols
    for special in "%#&_":
        assert special not in stripped


@pytest.mark.latex
def test_a_document_with_every_helper_compiles(tmp_path) -> None:
    require_pdflatex()
    awkward = "".join(chr(c) for c in range(32, 127)) + " ⊗×≥≤−·→↦∈Στδ …—é☃"
    kernel = SymbolicEngine().kernels(Cascade.exponential(3, 1))[0]
    body = tex.section(tex.text("Every helper"), tex.join([
        tex.paragraph(tex.text(awkward)), tex.paragraph(tex.prose("math $a ⊗ b_{i}$ ok")),
        tex.display(tex.matrix(kernel)), tex.display(tex.matrix(np.arange(40)), fit=True),
        tex.equation("E = mc^2", label="eq:e"), tex.paragraph(tex.ref("eq:e")),
        tex.align([Row("x", "y", note=tex.text("note_1"))]),
        tex.itemize([tex.text("a"), tex.texttt("b_c")]),
        tex.table([tex.text("h1"), tex.text("h2")], [[tex.text("%"), tex.math("x^2")]], "ll"),
    ]), key="sec:all")
    path = tmp_path / "doc.tex"
    path.write_text(tex.document(tex.text("Test & title_"), body).source)
    assert tex.compile_pdf(path, timeout=60).stat().st_size > 1000


@pytest.mark.latex
def test_a_latex_error_becomes_one_clear_error(tmp_path) -> None:
    require_pdflatex()
    path = tmp_path / "bad.tex"
    path.write_text(tex.document(tex.text("t"), tex.raw(r"\undefinedmacro")).source)
    with pytest.raises(Exception, match=r"pdflatex failed on .*Undefined control sequence"):
        tex.compile_pdf(path, timeout=60)
