"""Derivations of group A: the definitions, the diluted filter, the index and block lemmas, and
the induction that proves the cascade Kronecker identity for every a and L.

The induction steps and their z3 results come from
:func:`kronconv.kronecker.induction.cascade_identity_proof`; the small instances are computed by
the symbolic engine (entries are polynomials in the kernel symbols k_{l,i,j}: layer l, entry
(i, j)) and printed with SymPy.
"""

from __future__ import annotations

import textwrap
from functools import lru_cache

import numpy as np

import kronconv.latex as tex
from kronconv.claims.derivation import Context, Derivation, SizeSpec
from kronconv.engines import ExactEngine, SymbolicEngine
from kronconv.errors import invalid
from kronconv.kronecker.induction import InductionProof, ProofStep, cascade_identity_proof
from kronconv.latex import Latex, Row
from kronconv.render.derivation_helpers import (
    WIDE,
    array_latex,
    numbered_steps,
    proof_step,
    prose,
)
from kronconv.specs import Cascade

ENGINE = SymbolicEngine()


@lru_cache(maxsize=4)
def induction(dims: int) -> InductionProof:
    """The z3-checked induction (about a second; cached per number of axes)."""
    return cascade_identity_proof(dims)


def _step(dims: int, step_id: str) -> ProofStep:
    return next(step for step in induction(dims).steps if step.id == step_id)


# -- dilated-definition ----------------------------------------------------------------------------
def definition_steps(context: Context) -> Latex:
    return numbered_steps(
        prose("For a kernel $k$ of extent $a$ and a dilation $d \\ge 1$, the dilated "
                  "convolution of a finitely supported signal $f$ is") +
        tex.equation(r"(k *_d f)_t = \sum_{\tau=0}^{a-1} k_\tau\, f_{t - d\tau}"),
        prose("With $d = 1$ it is the ordinary convolution $(k * f)_t = \\sum_\\tau k_\\tau "
                  "f_{t-\\tau}$: the kernel touches every entry; with $d > 1$ only every "
                  "$d$-th entry."),
        prose("Deep-learning frameworks compute the cross-correlation $(k \\star_d f)_t = "
                  "\\sum_\\tau k_\\tau f_{t + d\\tau}$. With 'full' padding ($d(a-1)$ zeros on "
                  "each side, output index $t$ counted from the first padded position) it is "
                  "the convolution with the flipped kernel "
                  "$\\tilde k_\\sigma = k_{a-1-\\sigma}$:") +
        tex.display(r"(k \star_d f)^{\mathrm{full}}_t = \sum_\tau k_\tau f_{t-d(a-1)+d\tau}"
                    r" = \sum_\sigma k_{a-1-\sigma} f_{t - d\sigma} = (\tilde k *_d f)_t ."),
        prose("In $n$ dimensions $t$ and $\\tau$ are multi-indices, the sum runs over the "
                  "box $[0,a_1)\\times\\cdots\\times[0,a_n)$ and $d\\tau = (d_1\\tau_1, \\dots, "
                  "d_n\\tau_n)$: every statement below holds axis by axis."),
        prose("The 'full' output has extent $n + d(a-1)$ per axis for an input of extent "
                  "$n$; 'valid', 'same' and 'circular' boundaries crop or wrap it as in "
                  "PyTorch (see docs/claims.md)."),
    )


def definition_instance(sizes: tuple[int, ...]) -> Latex:
    n, a, d = sizes
    cascade = Cascade.from_schedule([a], [d], dims=1)
    kernels, f = ENGINE.with_symbolic_input(ENGINE.kernels(cascade), (n,))
    (k,) = kernels
    rows = []
    for convention, symbol in (("convolution", "*"), ("correlation", r"\star")):
        out = ENGINE.dilated_conv(f, k, d, "full", convention)
        rows += [Row(f"(k {symbol}_{{{d}}} f)_{{{t}}}", tex.sympy_latex(value))
                 for t, value in enumerate(out)]
    intro = prose(f"A 1-D input $f$ of length {n} and a kernel $k$ of extent {a} "
                      f"(symbols $k_{{0,\\tau}}$), dilation {d}, 'full' boundary: every output "
                      "entry of both conventions, expanded by the symbolic engine.")
    return tex.paragraph(intro) + tex.align(rows) + tex.BLANK


# -- dilated-filter-kronecker ---------------------------------------------------------------------
def filter_steps(context: Context) -> Latex:
    return numbered_steps(
        prose("Let $E_d = e_0 e_0^\\top$ be the $d\\times d$ matrix with a single 1 in the "
                  "top-left corner. By the index lemma", context.ref("index-lemma"),
                  "every row index of $K \\otimes E_d$ is $u = i d + p$ for exactly one "
                  "$i \\in [0,a)$, $p \\in [0,d)$ (and columns likewise), so") +
        tex.display(r"(K \otimes E_d)_{id+p,\ jd+q} = K_{ij}\,[p = 0]\,[q = 0]."),
        prose("Hence the entry at $(u, v)$ is non-zero only if $d \\mid u$ and $d \\mid v$, "
                  "where it is $K_{u/d,\\,v/d}$. The largest such $u$ is $d(a-1)$: the last "
                  "$d - 1$ rows and the last $d - 1$ columns of the $ad\\times ad$ matrix are "
                  "zero."),
        prose("Dropping them leaves the diluted filter $\\hat K_d$ of extent $d(a-1)+1$, "
                  "with $(\\hat K_d)_{d\\tau} = K_\\tau$ and zeros between the taps. Then") +
        tex.display(r"(\hat K_d * F)_t = \sum_u (\hat K_d)_u F_{t-u} = \sum_\tau K_\tau "
                    r"F_{t - d\tau} = (K *_d F)_t ,") +
        prose("since only $u = d\\tau$ contributes."),
        prose("Keeping the zero rows and columns, $(K\\otimes E_d) * F$ is the same 'full' "
                  "output followed by $d - 1$ extra rows and columns of zeros; the exact form "
                  "is therefore the cropped one, $\\hat K_d = (K \\otimes E_d)[0{:}d(a-1)+1, "
                  "0{:}d(a-1)+1]$."),
    )


def filter_instance(sizes: tuple[int, ...]) -> Latex:
    a, d = sizes
    cascade = Cascade.from_schedule([a], [d], dims=2)
    (kernel,) = ENGINE.kernels(cascade)
    zero, one = kernel.flat[0] * 0, kernel.flat[0] ** 0
    corner = np.full((d, d), zero, dtype=object)
    corner[0, 0] = one
    padded = ENGINE.kron(kernel, corner)
    diluted = ENGINE.composite([kernel], [(d, d)])  # the impulse response of K *_d .
    extent = d * (a - 1) + 1
    same = ENGINE.compare(padded[:extent, :extent], diluted)
    trailing = not any(padded[extent:, :].ravel().tolist() + padded[:, extent:].ravel().tolist())
    return (tex.paragraph(prose(f"$K$ ({a}$\\times${a}, symbols $k_{{0,i,j}}$) and "
                                    f"$E_{{{d}}}$:")) + array_latex(kernel) + array_latex(corner)
            + tex.paragraph(prose("$K \\otimes E_d$:")) + array_latex(padded)
            + tex.paragraph(prose("The impulse response of $K *_d \\cdot$ computed by the "
                                      "symbolic engine, i.e. the diluted filter $\\hat K_d$:"))
            + array_latex(diluted)
            + tex.paragraph(prose(f"Engine comparison of the top-left ${extent} \\times "
                                  f"{extent}$ block with the diluted filter: {same.detail}; "
                                  "trailing rows and columns all zero: "
                                  f"{'yes' if trailing else 'no'}.")))


# -- index-lemma -------------------------------------------------------------------------------
def index_steps(context: Context) -> Latex:
    return numbered_steps(
        prose("Into: for $0 \\le i < a$ and $0 \\le j < m$, $0 \\le im + j \\le (a-1)m + "
                  "m - 1 = am - 1$."),
        prose("One-to-one: $im + j = i'm + j'$ gives $m \\mid j - j'$ with $|j - j'| < m$, "
                  "so $j = j'$ and then $i = i'$."),
        prose("Onto: for $t \\in [0, am)$ division with remainder gives $t = \\lfloor t/m "
                  "\\rfloor m + (t \\bmod m)$ with $t \\bmod m \\in [0, m)$ and $\\lfloor t/m "
                  "\\rfloor \\in [0, a)$ because $t < am$."),
        prose("The three obligations, for symbolic integers $a, m \\ge 1$ (conjoined over "
                  "the axes), are discharged by z3:") + proof_step(_step(1, "index-lemma")),
    )


def index_instance(sizes: tuple[int, ...]) -> Latex:
    a, m = sizes
    images = np.array([[i * m + j for j in range(m)] for i in range(a)], dtype=object)
    bijective = sorted(images.ravel().tolist()) == list(range(a * m))
    return (tex.paragraph(prose(f"The image $i m + j$ of every pair, row $i < {a}$, column "
                                    f"$j < {m}$:")) + array_latex(images)
            + tex.paragraph(prose(f"Every integer $0, \\dots, {a * m - 1}$ appears exactly once: "
                                     f"{'yes' if bijective else 'no'}.")))


# -- block-lemma -------------------------------------------------------------------------------
def block_steps(context: Context) -> Latex:
    return numbered_steps(
        prose("Let $A$ have extent $a$ and $B$ extent exactly $m$ (per axis). By "
                  "definition") + tex.display(r"(A *_m B)_t = \sum_{i=0}^{a-1} A_i\, B_{t - mi}."),
        prose("Term $i$ is non-zero only if $0 \\le t - mi < m$, that is $i = \\lfloor t/m "
                  "\\rfloor$: by the index lemma", context.ref("index-lemma"), "there is "
                  "exactly one such $i \\in [0, a)$ when $t \\in [0, am)$, and none outside."),
        prose("So every output is one product,") +
        tex.display(r"(A *_m B)_t = A_{\lfloor t/m \rfloor}\, B_{t \bmod m} = (A \otimes B)_t ,")
        + prose("which is numpy.kron's order. In $n$ dimensions the argument runs axis by "
                    "axis, since $(A\\otimes B)_{(t_1,\\dots,t_n)}$ factorises the same way."),
        prose("If $\\operatorname{ext}(B) = b < m$, pad $B$ with $m - b$ trailing zeros: "
                  "$A *_m B$ and $A \\otimes \\operatorname{pad}(B, m)$ agree on the output's "
                  "extent $m(a-1) + b$, and the $m - b$ further entries of the Kronecker "
                  "product are zero."),
        prose("z3 checks the index obligations for symbolic $a, m$:")
        + proof_step(_step(2, "block-lemma")),
    )


def block_instance(sizes: tuple[int, ...]) -> Latex:
    a, m = sizes
    inner, outer = ENGINE.kernels(Cascade.from_schedule([m, a], [1, m], dims=2))
    lhs = ENGINE.dilated_conv(inner, outer, m)
    rhs = ENGINE.kron(outer, inner)
    return (tex.paragraph(prose(f"$A$ ({a}$\\times${a}, symbols $k_{{1,i,j}}$) and $B$ "
                                    f"({m}$\\times${m}, symbols $k_{{0,i,j}}$):"))
            + array_latex(outer) + array_latex(inner)
            + tex.paragraph(prose(f"$A *_{{{m}}} B$, expanded by the symbolic engine:"))
            + array_latex(lhs)
            + tex.paragraph(prose("Compared with $A \\otimes B$ entry by entry:",
                                     f"{ENGINE.compare(lhs, rhs).detail}.")))


# -- cascade-kronecker-identity ----------------------------------------------------------------
def identity_steps(context: Context) -> Latex:
    proof = induction(2)
    intro = tex.paragraph(prose(
        "Write $d_l = a^l$ and let $C_L = K_L *_{d_L} ( \\cdots (K_0 *_{d_0} \\delta) \\cdots)$ "
        "be the cascade's impulse response (its composite kernel). By associativity of "
        "convolution, $F_{L+1} = C_L * F_0$, so it suffices to show $C_L = K_L \\otimes "
        "\\cdots \\otimes K_0$ for every $a \\ge 1$ and $L \\ge 0$: induction on $L$. It uses",
        context.ref("index-lemma"), ",", context.ref("block-lemma"), "and",
        context.ref("cascade-extent"), ". Each step below was checked in 2D; obligations are "
        "proved when z3 finds their negation unsatisfiable."))
    listed = numbered_steps(*[tex.bold(tex.texttt(step.id)) + tex.raw(" ") + proof_step(step)
                     for step in proof.steps])
    verdict = "holds" if proof.holds else "does NOT hold"
    end = tex.paragraph(tex.text(f"The induction {verdict}: {proof.obligations} z3 obligations, "
                                 f"{len(proof.failures)} not proved."))
    return intro + listed + end + coq_statements()


COQ_SHOWN = ("cascade_kronecker_1d", "cascade_kronecker_2d", "cascade_kronecker_3d")
COQ_WIDTH = 64  # characters per line of the small verbatim block: no overfull box


def coq_statements() -> Latex:
    """The same identity as the proof assistant states it (kronconv/catalogue/coq/*.v), next
    to the mathematics: convolution as polynomial multiplication, associativity included."""
    from kronconv.engines.coq import THEOREMS

    lines = []
    for name in COQ_SHOWN:
        if name in THEOREMS:
            lines += [*textwrap.wrap(THEOREMS[name], COQ_WIDTH, subsequent_indent="    ",
                                     break_on_hyphens=False), ""]
    if not lines:
        return tex.EMPTY
    body = tex.raw("{\\small\n\\begin{verbatim}\n" + "\n".join(lines).rstrip()
                   + "\n\\end{verbatim}}\n")
    return tex.paragraph(prose(
        "In Coq with MathComp the whole statement is proved for every commutative ring, every "
        "$a \\ge 1$ and every depth, in 1, 2 and 3 dimensions, associativity included "
        "(convolution is polynomial multiplication, dilation the substitution "
        "$X \\mapsto X^d$); kronconv's formal tier compiles these theorems with coqc and "
        "checks that Print Assumptions is closed:")) + body


def _cascade_instance(sizes: tuple[int, ...], convention: str) -> Latex:
    a, layers, dims = sizes
    cascade = Cascade.exponential(a, layers, dims=dims, convention=convention)
    kernels = ENGINE.kernels(cascade)
    dilations = [layer.dilations for layer in cascade.layers]
    composite = ENGINE.composite(kernels, dilations, convention)
    product_ = ENGINE.kron(*kernels[::-1])
    parts = [tex.paragraph(prose(f"{layers} layers of {a}-tap kernels in {dims}D, dilations "
                                     f"{', '.join(str(a**level) for level in range(layers))}, "
                                     f"{convention} convention. The kernels:"))]
    shown = [tex.raw(f"K_{{{level}}} = ") + tex.matrix(kernel)
             for level, kernel in enumerate(kernels)]
    parts.append(tex.display(tex.join(shown, tex.raw(r",\qquad ")), fit=a * layers > 2 * WIDE))
    parts.append(tex.paragraph(prose("The composite kernel $C$, the cascade's impulse "
                                         "response, expanded by the symbolic engine:")))
    parts.append(array_latex(composite))
    factors = " \\otimes ".join(f"K_{{{level}}}" for level in reversed(range(layers)))
    same = ENGINE.compare(composite, product_)
    parts.append(tex.paragraph(prose(f"Compared with ${factors}$ entry by entry (as "
                                         f"polynomials): {same.detail}.")))
    return tex.join(parts)


def identity_instance(sizes: tuple[int, ...]) -> Latex:
    return _cascade_instance(sizes, "convolution")


# -- cascade-extent ----------------------------------------------------------------------------
def extent_steps(context: Context) -> Latex:
    return numbered_steps(
        prose("The support of $K *_d C$ is the sum of sets $d\\,[0, a-1] + [0, "
                  "\\operatorname{ext}(C) - 1]$, so $\\operatorname{ext}(K *_d C) = "
                  "\\operatorname{ext}(C) + d(a-1)$ (the end entries are products of the end "
                  "taps, non-zero for generic kernels)."),
        prose("By induction on the layers, starting from $\\operatorname{ext}(\\delta) = 1$:")
        + tex.display(r"\operatorname{ext}(C_L) = 1 + \sum_{l=0}^{L} (a_l - 1)\, d_l ."),
        prose("For the exponential schedule the sum telescopes:")
        + tex.display(r"1 + (a-1)(1 + a + \cdots + a^L) = 1 + (a^{L+1} - 1) = a^{L+1},")
        + prose("which is also the next dilation $d_{L+1}$: the fact the block lemma needs."),
        prose("z3 checks base, step and the match $d_{L+1} = \\operatorname{ext}(C_L)$:")
        + proof_step(_step(1, "extent")),
    )


def extent_instance(sizes: tuple[int, ...]) -> Latex:
    a, layers = sizes
    cascade = Cascade.exponential(a, layers, dims=1)
    ones = [np.ones(layer.sizes, dtype=np.int64) for layer in cascade.layers]
    dilations = [layer.dilations for layer in cascade.layers]
    rows, running = [], 1
    for level in range(layers):
        running += (a - 1) * a**level
        measured = ExactEngine().composite(ones[:level + 1], dilations[:level + 1])
        power = tex.math(f"{a}^{{{level + 1}}} = {a**(level + 1)}")
        rows.append([tex.text(level), tex.text(a**level), tex.text((a - 1) * a**level),
                     tex.text(running), tex.text(measured.shape[0]), power])
    header = [tex.math(s) for s in ("l", "d_l", "(a-1)d_l", r"\text{formula}",
                                    r"\text{engine}", "a^{l+1}")]
    return tex.paragraph(prose(f"Kernel size $a = {a}$: the formula against the length of the "
                                  "exact engine's composite of all-ones kernels.")) + tex.table(
        header, rows, "rrrrrr")


# -- convention-independence -------------------------------------------------------------------
def convention_steps(context: Context) -> Latex:
    return numbered_steps(
        prose("With 'full' boundaries the correlation is the convolution with the flipped "
                  "kernel, $k \\star_d f = \\tilde k *_d f$ (see",
                  context.ref("dilated-definition"), ")."),
        prose("Flipping a Kronecker product flips each factor: reversing the index $im + j$ "
                  "over $[0, am)$ gives") +
        tex.display(r"am - 1 - (im + j) = (a-1-i)\,m + (m-1-j), \qquad "
                    r"\widetilde{A \otimes B} = \tilde A \otimes \tilde B ."),
        prose("So the correlation cascade is the convolution cascade of the flipped kernels, "
                  "which by", context.ref("cascade-kronecker-identity"), "is the convolution with "
                  "$\\tilde K_L \\otimes \\cdots \\otimes \\tilde K_0 = \\widetilde{K_L \\otimes "
                  "\\cdots \\otimes K_0}$, that is the correlation with $K_L \\otimes \\cdots "
                  "\\otimes K_0$."),
        prose("Every step acts on each axis independently, so the identity holds in 1, 2 "
                  "and 3 dimensions alike."),
    )


def convention_instance(sizes: tuple[int, ...]) -> Latex:
    return _cascade_instance(sizes, "correlation")


# -- registration ------------------------------------------------------------------------------
def _readable_cascade(sizes: tuple[int, ...]) -> None:
    """The composite has a^layers entries per axis: keep the printed matrix readable."""
    a, layers, dims = sizes
    limit = 27 if dims == 1 else 9
    if a**layers > limit:
        raise invalid("sizes", list(sizes), f"a^layers <= {limit} in {dims}D, so that the "
                      f"expanded composite stays readable (a^layers = {a**layers})")


CASCADE_HELP = "kernel size, number of layers L+1, dimensions 1-2"


DILATED_DEFINITION = Derivation(
    definition_steps, definition_instance,
    SizeSpec(("n", "a", "d"), (3, 2, 2), (6, 4, 4), help="1-D input length, kernel size, "
             "dilation"))
DILATED_FILTER_KRONECKER = Derivation(
    filter_steps, filter_instance,
    SizeSpec(("a", "d"), (2, 3), (4, 4), help="kernel size, dilation"))
INDEX_LEMMA = Derivation(
    index_steps, index_instance, SizeSpec(("a", "m"), (3, 4), (8, 8), help="the two extents"))
BLOCK_LEMMA = Derivation(
    block_steps, block_instance,
    SizeSpec(("a", "m"), (2, 2), (3, 3), help="extents of A and B"))
CASCADE_KRONECKER_IDENTITY = Derivation(
    identity_steps, identity_instance,
    SizeSpec(("a", "layers", "dims"), (2, 2, 2), (9, 9, 2), help=CASCADE_HELP,
             validate=_readable_cascade))
CASCADE_EXTENT = Derivation(
    extent_steps, extent_instance,
    SizeSpec(("a", "layers"), (3, 3), (9, 6), help="kernel size, number of layers"))
CONVENTION_INDEPENDENCE = Derivation(
    convention_steps, convention_instance,
    SizeSpec(("a", "layers", "dims"), (2, 2, 1), (9, 9, 2), help=CASCADE_HELP,
             validate=_readable_cascade))
