"""Derivations of group B: where the Kronecker identity fails, and the precise statement that
holds instead (zero-padded products, the sorted-dilation condition, Kronecker rank, the
agreement region of nonlinear cascades, the matrix-product identity for C channels, boundary
shifts and regions, layer order).

The formulas are those of :mod:`kronconv.kronecker.structure`, :mod:`~kronconv.kronecker.identity`
(:class:`~kronconv.kronecker.boundary.BoundaryRelation`), :mod:`~kronconv.kronecker.multichannel`
and :mod:`~kronconv.kronecker.nonlinear`; the small instances are computed by the engines.
"""

from __future__ import annotations

from itertools import permutations

import numpy as np

import kronconv.latex as tex
from kronconv.claims.derivation import Context, Derivation, SizeSpec
from kronconv.engines import ExactEngine, SymbolicEngine
from kronconv.errors import invalid
from kronconv.kronecker import multichannel as mc
from kronconv.kronecker import nonlinear as nl
from kronconv.kronecker.boundary import boundary_relation, direct_boundary_agreement
from kronconv.kronecker.structure import (
    exact_rank,
    exponential_structure,
    kronecker_rank_bound,
    natural_block,
    nested_padded_kronecker,
    predict_structure,
    rearrange,
)
from kronconv.latex import Latex
from kronconv.render.derivation_helpers import array_latex, holds, numbered_steps, prose
from kronconv.specs import Cascade

ENGINE = SymbolicEngine()


def _composite(cascade: Cascade) -> tuple[list[np.ndarray], np.ndarray]:
    kernels = ENGINE.kernels(cascade)
    return kernels, ENGINE.composite(kernels, [layer.dilations for layer in cascade.layers])


# -- dilation-ne-kernel-size -------------------------------------------------------------------
EXTENT_FORMULA = r"1 + (a-1)\frac{d^{L+1}-1}{d-1}"


def dilation_steps(context: Context) -> Latex:
    return numbered_steps(
        prose("Schedule $d_l = d^l$ with kernels of size $a > 1$, $L \\ge 1$. By",
                  context.ref("cascade-extent"), "(which does not use $d = a$) the composite "
                  "$C_L$ has extent") +
        tex.display(r"\operatorname{ext}(C_L) = 1 + \sum_{l=0}^{L} (a-1) d^l = " + EXTENT_FORMULA
                    + r"\quad (d > 1), \qquad 1 + (a-1)(L+1) \quad (d = 1)."),
        prose("Build $C_l = K_l *_{d^l} C_{l-1}$ from $C_{-1} = \\delta$. By",
                  context.ref("block-lemma"), "the step is a Kronecker product exactly when the "
                  "block fits: $\\operatorname{ext}(C_{l-1}) \\le d^l$, and then") +
        tex.display(r"C_l = K_l \otimes \operatorname{pad}(C_{l-1}, d^l),\qquad "
                    r"p_l = d^l - \operatorname{ext}(C_{l-1}) = "
                    r"\frac{(d-a)(d^l-1)}{d-1} \ \text{trailing zeros.}"),
        prose("Case $d = a$: $p_l = 0$ for every $l$, the extent is $a^{L+1}$ and $C_L = "
                  "K_L \\otimes \\cdots \\otimes K_0$: the identity of",
                  context.ref("cascade-kronecker-identity"), "."),
        prose("Case $d > a$ (holes): every $p_l > 0$ for $l \\ge 1$; the composite is the "
                  "nested zero-padded Kronecker product") +
        tex.display(r"C_L = K_L \otimes \operatorname{pad}\big(K_{L-1} \otimes \operatorname{pad}"
                    r"(\cdots \otimes \operatorname{pad}(K_0, d)\cdots), d^{L}\big)") +
        prose("with the trailing zeros of the outermost pad dropped. The analogy survives, "
                  "with zero padding; the unpadded product has the wrong extent $a^{L+1}$."),
        prose("Case $d < a$ (overlaps): $\\operatorname{ext}(C_0) = a > d$, so the taps of "
                  "$K_1$ are closer than the extent of $C_0$; entry $t$ of $C_L$ is "
                  "$\\sum_{\\tau : \\sum_l \\tau_l d^l = t} \\prod_l (K_l)_{\\tau_l}$, and some "
                  "$t$ have two digit vectors $\\tau$ (e.g. $t = d$: $\\tau_0 = d$ or "
                  "$\\tau_1 = 1$), so those entries are sums of two or more products. A nested "
                  "zero-padded Kronecker product has single products as entries: none equals "
                  "$C_L$. The extent formula above still holds."),
        prose("So the source's 'only if $d = a$' is qualified: $d = a$ gives the plain "
                  "product, $d > a$ the padded one, $d < a$ none. Yu & Koltun ($a = 3$, $d = "
                  "2$) fall in the overlap case, with extent $2^{L+2} - 1$."),
    )


def dilation_instance(sizes: tuple[int, ...]) -> Latex:
    a, d, layers = sizes
    cascade = Cascade.from_schedule([a] * layers, [d**level for level in range(layers)], dims=1)
    kernels, composite = _composite(cascade)
    kind, extent, paddings = exponential_structure(a, d, layers)
    parts = [tex.paragraph(prose(f"$a = {a}$, $d = {d}$, {layers} layers in 1D, dilations "
                                     f"{', '.join(str(d**level) for level in range(layers))}. "
                                     "The composite expanded by the symbolic engine:")),
             array_latex(composite)]
    measured = composite.shape[0]
    parts.append(tex.paragraph(tex.text(
        f"Closed form: {kind}, extent {extent}, paddings {', '.join(map(str, paddings))}; "
        f"the engine's composite "
        f"has extent {measured}: the extent formula {holds(measured == extent)}.")))
    if d >= a:
        blocks = [(1,)] + [(d**level,) for level in range(1, layers)]
        nested = nested_padded_kronecker(kernels, blocks)
        same = ENGINE.compare(composite, nested)
        parts.append(tex.paragraph(tex.text(
            f"Against the nested zero-padded Kronecker product with blocks "
            f"{', '.join(str(b[0]) for b in blocks)}: {same.detail}.")))
    else:
        sums = sum(1 for v in composite.flat if len(v.terms()) > 1)
        parts.append(tex.paragraph(tex.text(
            f"{sums} of {composite.size} entries are sums of two or more products (overlaps): "
            "no nested zero-padded Kronecker product of the kernels equals it.")))
    return tex.join(parts)


# -- general-schedule --------------------------------------------------------------------------
def general_steps(context: Context) -> Latex:
    return numbered_steps(
        prose("Each layer is the convolution with its diluted kernel $\\hat K_l = "
                  "\\mathrm{dil}(K_l, d_l)$ (", context.ref("dilated-filter-kronecker"), "), so "
                  "by associativity") +
        tex.display(r"F_{L+1} = \hat K_L * (\cdots * (\hat K_0 * F_0)) = "
                    r"(\hat K_L * \cdots * \hat K_0) * F_0 ,") +
        prose("one convolution with $C = \\hat K_L * \\cdots * \\hat K_0$, and by "
                  "commutativity $C$ does not depend on the order of the layers."),
        prose("Drop the scalar layers ($a_l = 1$) and sort the others by dilation, $\\pi(0), "
                  "\\pi(1), \\dots$ (allowed by the previous step). Build $C_{-1} = \\delta$, "
                  "$C_k = \\hat K_{\\pi(k)} * C_{k-1}$, with") +
        tex.display(r"\operatorname{ext}(C_k) = 1 + \sum_{j \le k} (a_{\pi(j)} - 1) d_{\pi(j)}."),
        prose("Block lemma", context.ref("block-lemma"), ": if $d_{\\pi(k)} \\ge "
                  "\\operatorname{ext}(C_{k-1})$ then $C_k = K_{\\pi(k)} \\otimes "
                  "\\operatorname{pad}(C_{k-1}, d_{\\pi(k)})$ with padding $p_k = d_{\\pi(k)} - "
                  "\\operatorname{ext}(C_{k-1})$. Hence the condition"),
        tex.display(r"d_{\pi(k)} \ \ge\ 1 + \sum_{j<k} (a_{\pi(j)} - 1)\, d_{\pi(j)} "
                    r"\quad \text{for every } k"),
        prose("makes $C$ a nested zero-padded Kronecker product; with equality everywhere "
                  "(the mixed-radix schedule $d_{\\pi(k)} = \\prod_{j<k} a_{\\pi(j)}$) it is the "
                  "unpadded $K_{\\pi(\\text{last})} \\otimes \\cdots \\otimes K_{\\pi(0)}$."),
        prose("Necessity: if $d_{\\pi(k)} < \\operatorname{ext}(C_{k-1})$ the taps of "
                  "$K_{\\pi(k)}$ land inside the support of $C_{k-1}$; entries then collect "
                  "several products (or the supports interleave), while every entry of a "
                  "nested zero-padded Kronecker product is one product of kernel entries, whose "
                  "block sizes are forced to equal the dilations by the positions of the "
                  "monomials. The proof script checks this condition against a direct peeling "
                  "test over every schedule of a small range."),
    )


def _general_sizes(sizes: tuple[int, ...]) -> Cascade:
    a0, a1, d1 = sizes
    return Cascade.from_schedule([a0, a1], [1, d1], dims=1)


def general_instance(sizes: tuple[int, ...]) -> Latex:
    cascade = _general_sizes(sizes)
    kernels, composite = _composite(cascade)
    swapped = ENGINE.composite(kernels[::-1], [layer.dilations for layer in cascade.layers][::-1])
    structure = predict_structure(cascade)
    a0, a1, d1 = sizes
    parts = [tex.paragraph(prose(f"Two layers in 1D: $a_0 = {a0}$, $d_0 = 1$ and $a_1 = "
                                     f"{a1}$, $d_1 = {d1}$. The condition reads $d_1 = {d1} "
                                     f"\\ge \\operatorname{{ext}}(C_0) = {a0}$: predicted "
                                     f"structure {structure.kind}, paddings "
                                     f"{', '.join(str(p[0]) for p in structure.paddings)}. "
                                     "The composite (symbolic engine):")), array_latex(composite),
             tex.paragraph(tex.text("The layers applied in the other order: "
                                    f"{ENGINE.compare(composite, swapped).detail}."))]
    if structure.kind != "not-kronecker":
        nested = nested_padded_kronecker(kernels, [(1,), (d1,)])
        parts.append(tex.paragraph(prose(r"Against $K_1 \otimes \operatorname{pad}(K_0, d_1)$:",
                                         f"{ENGINE.compare(composite, nested).detail}.")))
    else:
        sums = sum(1 for v in composite.flat if len(v.terms()) > 1)
        parts.append(tex.paragraph(tex.text(f"{sums} entries are sums of products: no nested "
                                            "zero-padded Kronecker product.")))
    return tex.join(parts)


# -- kronecker-rank ----------------------------------------------------------------------------
def krank_steps(context: Context) -> Latex:
    return numbered_steps(
        prose("Van Loan–Pitsianis rearrangement with block size $m$ (per axis): pad $C$ "
                  "with zeros to whole $m$-blocks; row $b$ of $\\mathcal{R}_m(C)$ is the "
                  "vectorised block $b$,") +
        tex.display(r"\mathcal{R}_m(C)_{b,\,j} = C_{bm + j},\qquad "
                    r"\mathcal{R}_m(B \otimes D) = \operatorname{vec}(B)\,"
                    r"\operatorname{vec}(D)^\top ."),
        prose("So $C = B \\otimes D$ with $D$ of shape $m$ iff $\\mathcal{R}_m(C)$ has rank "
                  "1, and $C$ is a sum of $r$ Kronecker products iff the rank is at most $r$: "
                  "the Kronecker rank is $\\operatorname{rank}_\\otimes(C) = \\operatorname{rank}"
                  "\\,\\mathcal{R}_m(C)$."),
        prose("Since $\\|C - B\\otimes D\\|_F = \\|\\mathcal{R}_m(C) - \\operatorname{vec}(B)"
                  "\\operatorname{vec}(D)^\\top\\|_F$, the nearest Kronecker product is the best "
                  "rank-1 approximation (Eckart–Young):") +
        tex.display(r"\min_{B,D} \|C - B \otimes D\|_F = \Big(\sum_{i\ge 2} \sigma_i^2\Big)^{1/2}"
                    r", \qquad B \otimes D = \sigma_1 u_1 v_1^\top \ \text{rearranged back.}"),
        prose("Natural block: $m$ = the dilation of the outermost layer (largest dilation). "
                  "With $C_{\\mathrm{in}}$ the composite of the other layers, $C = \\sum_b "
                  "(K_{\\mathrm{out}} \\text{ placed at block } b) \\otimes "
                  "\\operatorname{block}_b(C_{\\mathrm{in}})$, so for every kernel") +
        tex.display(r"\operatorname{rank}_\otimes(C) \le \min\Big(\prod_{\text{axes}} "
                    r"\Big\lceil \frac{\operatorname{ext}(C_{\mathrm{in}})}{m} \Big\rceil,\ "
                    r"\text{the two sides of } \mathcal{R}_m(C)\Big)."),
        prose("The exact rank over $\\mathbb{Q}$ at one integer point is a lower bound on "
                  "the generic rank; where it meets this bound the generic rank is proved. It "
                  "is 1 exactly when the outermost step satisfies the condition of",
                  context.ref("general-schedule"), "."),
    )


def krank_instance(sizes: tuple[int, ...]) -> Latex:
    a, d = sizes
    cascade = Cascade.from_schedule([a, a], [1, d], dims=1)
    _, composite = _composite(cascade)
    block = natural_block(cascade)
    symbolic = rearrange(composite, block)
    rng = np.random.default_rng(0)
    integers = [rng.integers(1, 10, a).astype(object) for _ in range(2)]  # no zero end taps
    numeric = ExactEngine().composite(integers, [(1,), (d,)])
    rank = exact_rank(rearrange(numeric, block))
    bound = kronecker_rank_bound(cascade)
    generic = f"proved to be {rank}" if rank == bound else f"at least {rank}"
    return (tex.paragraph(prose(f"Two {a}-tap layers in 1D, dilations 1 and {d}; block "
                                    f"$m = {block[0]}$. The rearrangement "
                                    "$\\mathcal{R}_m(C)$ of the symbolic composite:"))
            + array_latex(symbolic)
            + tex.paragraph(prose(
                f"Exact rank over $\\mathbb{{Q}}$ at one integer point (random integer kernels, "
                f"seed 0, shown below): {rank}; upper bound for every kernel: {bound}; the "
                f"generic Kronecker rank is {generic}."))
            + tex.display(tex.join((tex.raw(f"K_{{{level}}} = ") + tex.matrix(kernel)
                                    for level, kernel in enumerate(integers)),
                                   tex.raw(r",\qquad "))))


# -- nonlinearity-breaks-identity --------------------------------------------------------------
def nonlinear_steps(context: Context) -> Latex:
    return numbered_steps(
        prose("The cascade: $z_0 = K_0 *_{d_0} x$, $z_{l+1} = K_{l+1} *_{d_{l+1}} "
                  "\\sigma(z_l)$, output $z_L$ (no $\\sigma$ after the last layer)."),
        prose("Every convolution $x \\mapsto k * x$, with any kernel and any boundary, is "
                  "linear: additive and homogeneous, $k * (\\lambda x) = \\lambda (k * x)$. So a "
                  "single $x$ with $f(-x) \\ne -f(x)$ (or a pair violating additivity) proves "
                  "that $f$ is no convolution with any kernel."),
        prose("ReLU is positively homogeneous but not odd: $\\sigma(-v) = -\\sigma(v)$ fails "
                  "for every $v \\ne 0$; tanh and sigmoid are not homogeneous at all. With "
                  "impulse kernels and an impulse input the hidden pre-activation is a single "
                  "nonzero value $v$, and $f(-x) = K * \\sigma(-v) \\ne -K * \\sigma(v) = -f(x)$."),
        prose("But only for SOME kernels: with $1\\times 1$ kernels $1, -1, 1$ a ReLU cascade "
                  "is $x \\mapsto \\sigma(-\\sigma(x)) = 0$, the convolution with the zero "
                  "kernel. The claim holds on an open set of kernels, not for all."),
        prose("Agreement region: on") +
        tex.display(r"R = \{x : \sigma(z_l(x)) = z_l(x) \ \forall l < L\}") +
        prose("($z_l$ of the linear cascade) the two cascades have the same pre-activations, "
                  "by induction on $l$, hence the same output. For ReLU and leaky ReLU $R = "
                  "\\{x : z_l(x) \\ge 0\\ \\forall l\\}$, a polyhedral cone; for tanh $R = "
                  "\\{x : z_l(x) = 0\\}$. With one hidden nonlinearity and 'full' boundaries $R$ "
                  "is exactly the agreement set: the last full convolution with a nonzero kernel "
                  "is injective, so equal outputs force $\\sigma(z_0) = z_0$."),
    )


def nonlinear_instance(sizes: tuple[int, ...]) -> Latex:
    (n,) = sizes
    cascade = Cascade.from_schedule([2, 2], [1, 2], dims=1, nonlinearity="relu")
    kernels = [np.array([1, -2], dtype=object), np.array([3, 1], dtype=object)]
    x = np.zeros(n, dtype=object)
    x[0] = 1
    rows = []
    for name, value in (("x", x), ("-x", -x)):
        out, hidden = nl.apply_cascade(value, kernels, cascade, reference=True)
        linear, _ = nl.apply_cascade(value, kernels, cascade, "none", reference=True)
        rows.append((name, hidden[0], out, linear))
    plus, minus = rows[0][2], rows[1][2]
    odd = bool(np.array_equal(minus, -plus))
    parts = [tex.paragraph(prose(f"$K_0 = [1, -2]$, $K_1 = [3, 1]$, dilations 1, 2, ReLU, "
                                     f"'full' boundary, impulse input of length {n}; computed "
                                     "by the naive reference engine in exact integers:"))]
    table = [[tex.math(name)] + [tex.math(tex.matrix(v)) for v in (z, out, lin)]
             for name, z, out, lin in rows]
    header = [tex.text("input"), tex.math("z_0"), tex.math(r"f(\cdot)"),
              tex.text("linear cascade")]
    parts.append(tex.table(header, table, "llll"))
    parts.append(tex.paragraph(prose(
        f"$f(-x) = -f(x)$: {'yes' if odd else 'no'}, so $f$ is "
        f"{'consistent with' if odd else 'not'} a convolution with any kernel. Both inputs lie "
        "outside $R$ ($z_0$ has a negative entry), and there $f$ differs from the linear "
        "cascade: "
        f"{'yes' if not np.array_equal(rows[0][2], rows[0][3]) else 'no'}.")))
    return tex.join(parts)


# -- multichannel-identity ---------------------------------------------------------------------
def multichannel_steps(context: Context) -> Latex:
    return numbered_steps(
        prose("With $C$ channels a layer's kernel is a $C \\times C$ matrix per tap, "
                  "$(K \\ast_d x)^o_t = \\sum_\\tau \\sum_i K[\\tau]_{o i}\\, x^i_{t - d\\tau}$. "
                  "Composing layers multiplies these matrices:") +
        tex.display(r"W[t] = \sum_{\tau:\ \sum_l d_l \tau_l = t} K_L[\tau_L]\, K_{L-1}"
                    r"[\tau_{L-1}] \cdots K_0[\tau_0] ,") +
        prose("the last layer on the left, since it acts last."),
        prose("Exponential schedule $d_l = a^l$: by the index lemma",
                  context.ref("index-lemma"), "every $t \\in [0, a^{L+1})$ has exactly one digit "
                  "vector, $t = \\sum_l \\tau_l a^l$, so the sum has one term:") +
        tex.display(r"W\Big[\sum_l \tau_l a^l\Big] = K_L[\tau_L] \cdots K_0[\tau_0]."),
        prose("For $C = 1$ the matrices are scalars and commute: this is the Kronecker "
                  "identity. For $C > 1$ the channel-wise product $K_L[o,i] \\otimes \\cdots "
                  "\\otimes K_0[o,i]$ drops the sum over intermediate channels and fails."),
        prose("Read $W$ as a tensor $T[o, \\tau_L, \\dots, \\tau_0, i]$ (in $n$ dimensions "
                  "each $\\tau_l$ is one quantized mode of size $a^n$): the formula is a tensor "
                  "train with cores $K_l$ and bond dimension $C$, so every unfolding has rank"),
        tex.display(r"r_k \le \min\Big(C,\ \prod_{\text{modes left of the cut}},\ "
                    r"\prod_{\text{modes right of it}}\Big),"),
        prose("for every choice of kernels (Oseledets: TT ranks = unfolding ranks). Exact "
                  "ranks at one integer point bound the generic ranks below; where they meet "
                  "the bound, generic kernels reach it."),
    )


def multichannel_instance(sizes: tuple[int, ...]) -> Latex:
    channels, a, layers = sizes
    cascade = Cascade.exponential(a, layers, dims=1, channels=channels)
    kernels = mc.symbolic_kernels(cascade)
    w = mc.composite(ENGINE, kernels, cascade)
    right = mc.matrix_product_prediction(kernels, cascade)
    wrong = mc.matrix_product_prediction(kernels, cascade, "reversed")
    shown = [tex.raw(f"W[{t}] = ") + tex.matrix(w[..., t]) for t in range(min(w.shape[-1], 4))]
    tt = mc.tt_ranks(cascade, seed=1)
    return (tex.paragraph(prose(f"$C = {channels}$, $a = {a}$, {layers} layers in 1D; "
                                    "kernels $K_l[\\tau]$ with symbols $k_{l,o,i,\\tau}$. "
                                    "The composite's first offsets:"))
            + tex.display(tex.join(shown, tex.raw(r",\quad ")), fit=True)
            + tex.paragraph(tex.text(
                f"Against the matrix-product formula (last layer left): "
                f"{ENGINE.compare(w, right).detail}. Against the reversed order: "
                f"{ENGINE.compare(w, wrong).detail}. TT ranks at one integer point (seed 1): "
                f"{', '.join(map(str, tt['ranks']))}, bound "
                f"{', '.join(map(str, tt['bound']))}.")))


# -- boundary-handling ---------------------------------------------------------------------------
def boundary_steps(context: Context) -> Latex:
    return numbered_steps(
        prose("'full': no output is lost, the identity holds everywhere",
                  context.ref("cascade-kronecker-identity"), ". 'valid': output $t$ of the "
                  "cascade reads exactly the inputs $[t, t + \\operatorname{ext}(C) - 1]$, the "
                  "same as the single valid convolution: equal everywhere."),
        prose("Per axis layer $l$ spans $D_l = d_l(a_l - 1)$; its 'same' or 'circular' "
                  "output is the full output read from offset $c_l = D_l - \\lfloor D_l/2 "
                  "\\rfloor$ (PyTorch's split, smaller half first). The single convolution with "
                  "$C$ spans $D = \\sum_l D_l$ and reads from $c = D - \\lfloor D/2 \\rfloor$. "
                  "So the cascade's output is the single one shifted by") +
        tex.display(r"\delta = \sum_l c_l - c,\qquad \text{cascade}(x)_t = "
                    r"\text{single}(x)_{t+\delta} ."),
        prose("Since $c_l = \\lceil D_l/2 \\rceil$, $\\delta$ counts the odd spans: "
                  "$\\delta = \\lfloor \\#\\{l : D_l \\text{ odd}\\}/2 \\rfloor$. For $d_l = "
                  "a^l$ at most one span is odd ($D_0 = a - 1$ when $a$ is even), so $\\delta = "
                  "0$."),
        prose("'circular': wrapping loses nothing (indices mod $n$), so the identity holds "
                  "at every output up to the cyclic shift $\\delta$."),
        prose("'same' zero padding crops every intermediate to $[0, n)$. Output $t$ "
                  "agrees iff $t + \\delta \\in [0, n)$ and no tap path $\\sigma_l \\in [0, "
                  "a_l)$ whose input index $s = t + \\sum_l (c_l - d_l \\sigma_l)$ is in $[0, "
                  "n)$ passes an intermediate index") +
        tex.display(r"i_l = t + \sum_{j > l} (c_j - d_j \sigma_j) \notin [0, n)."),
        prose("That set is the exact agreement region (checked against a direct test over "
                  "a small domain); outside it there is a counterexample."),
    )


def boundary_instance(sizes: tuple[int, ...]) -> Latex:
    a, layers, n = sizes
    rows = []
    for name in ("circular", "same"):
        cascade = Cascade.exponential(a, layers, dims=1, boundary=name)
        relation = boundary_relation(cascade, (n,))
        direct = direct_boundary_agreement(cascade, (n,), relation.shift)
        mask = relation.region.astype(int)
        rows.append([tex.texttt(name), tex.text(relation.shift[0]), tex.math(tex.matrix(mask)),
                     tex.text("yes" if np.array_equal(direct, relation.region) else "NO")])
    header = [tex.text("boundary"), tex.math(r"\delta"), tex.text("region (1 = agrees)"),
              tex.text("= direct test")]
    return (tex.paragraph(prose(f"$a = {a}$, {layers} layers, $d_l = a^l$, input length "
                                    f"{n}, 1D: the derived shift and region against the direct "
                                    "agreement test (one random draw mod $p$):"))
            + tex.table(header, rows, "lrll"))


# -- layer-order -------------------------------------------------------------------------------
def order_steps(context: Context) -> Latex:
    return numbered_steps(
        prose("One channel, no nonlinearity: the cascade is the convolution with $\\hat "
                  "K_L * \\cdots * \\hat K_0$ (", context.ref("general-schedule"), "), and "
                  "convolution is commutative and associative, so every order of the layers "
                  "gives the same composite and the same output."),
        prose("With a nonlinearity the maps no longer commute: for $1\\times 1$ kernels "
                  "$[1]$ and $[-1]$ and ReLU between them, $x = 1$ gives") +
        tex.display(r"[-1]\,\sigma([1]\, x) = -1, \qquad [1]\, \sigma([-1]\, x) = 0 ."),
        prose("With $C > 1$ channels the composite is a product of matrices (",
                  context.ref("multichannel-identity"), "), and matrices do not commute: "
                  "$1\\times 1$ kernels $A$, $B$ give $BA$ in one order and $AB$ in the other."),
    )


def order_instance(sizes: tuple[int, ...]) -> Latex:
    a, layers = sizes
    cascade = Cascade.exponential(a, layers, dims=1)
    kernels = ENGINE.kernels(cascade)
    dilations = [layer.dilations for layer in cascade.layers]
    base = ENGINE.composite(kernels, dilations)
    equal = all(ENGINE.compare(base, ENGINE.composite([kernels[i] for i in p],
                                                      [dilations[i] for i in p])).equal
                for p in permutations(range(layers)))
    relu = Cascade.from_schedule([1, 1], [1, 1], dims=1, nonlinearity="relu")
    one = np.array([1], dtype=object)
    forward = nl.apply_cascade(one, [one, -one], relu, reference=True)[0]
    backward = nl.apply_cascade(one, [-one, one], relu, reference=True)[0]
    ma = np.array([[1, 1], [0, 1]], dtype=object)
    mb = np.array([[1, 0], [1, 1]], dtype=object)
    return tex.paragraph(tex.prose(
        f"$a = {a}$, {layers} layers, $d_l = a^l$, 1D: the symbolic composites of all orders of "
        f"the layers are {'equal' if equal else 'NOT all equal'}. ReLU between [1] and [-1], x = "
        f"[1] (naive reference): {forward.tolist()} in one order, {backward.tolist()} in the "
        "other. C = 2:")) + tex.display(
        tex.raw("BA = ") + tex.matrix(mb.dot(ma)) + tex.raw(r"\ne AB = ") + tex.matrix(ma.dot(mb)))


# -- registration ------------------------------------------------------------------------------
def _readable_exponential(sizes: tuple[int, ...]) -> None:
    a, d, layers = sizes
    extent = exponential_structure(a, d, layers)[1]
    if extent > 40:
        raise invalid("sizes", list(sizes), f"a composite of extent <= 40 (this one: {extent})")


DILATION_NE_KERNEL_SIZE = Derivation(
    dilation_steps, dilation_instance,
    SizeSpec(("a", "d", "layers"), (2, 3, 2), (5, 6, 4), minima=(2, 1, 2),
             help="kernel size, dilation base, number of layers",
             validate=_readable_exponential))
GENERAL_SCHEDULE = Derivation(
    general_steps, general_instance,
    SizeSpec(("a0", "a1", "d1"), (3, 2, 4), (5, 5, 8),
             help="kernel sizes of the two layers and the second dilation (d0 = 1)"))
KRONECKER_RANK = Derivation(
    krank_steps, krank_instance,
    SizeSpec(("a", "d"), (3, 2), (5, 8), minima=(2, 1), help="kernel size, second dilation"))
NONLINEARITY_BREAKS_IDENTITY = Derivation(
    nonlinear_steps, nonlinear_instance,
    SizeSpec(("n",), (3,), (8,), help="input length"))
MULTICHANNEL_IDENTITY = Derivation(
    multichannel_steps, multichannel_instance,
    SizeSpec(("C", "a", "layers"), (2, 2, 2), (3, 3, 3), minima=(1, 2, 1),
             help="channels, kernel size, number of layers"))
BOUNDARY_HANDLING = Derivation(
    boundary_steps, boundary_instance,
    SizeSpec(("a", "layers", "n"), (3, 2, 12), (4, 3, 24), minima=(1, 1, 1),
             help="kernel size, number of layers, input length"))
LAYER_ORDER = Derivation(
    order_steps, order_instance,
    SizeSpec(("a", "layers"), (2, 3), (3, 4), help="kernel size, number of layers"))
