"""Derivations of group C: receptive fields (the recursion of Araujo et al.), exact coverage sets
and the HDC condition, parameter counts and degrees of freedom (Jacobian ranks with the Euler
null vectors).

Formulas as in :mod:`kronconv.receptive_field.recursion`,
:mod:`~kronconv.receptive_field.dependency`, :mod:`~kronconv.receptive_field.gridding` and
:mod:`~kronconv.kronecker.dof`; the instances are computed by those modules (closed forms, exact
dependency sets, modular Jacobian ranks).
"""

from __future__ import annotations

import kronconv.latex as tex
from kronconv.claims.derivation import Context, Derivation, SizeSpec
from kronconv.kronecker import dof
from kronconv.latex import Latex
from kronconv.receptive_field import dependency as cov
from kronconv.receptive_field import gridding as grid
from kronconv.receptive_field import recursion as rf
from kronconv.render.derivation_helpers import (
    array_latex,
    numbered_steps,
    prose,
    value_table,
    yes,
)
from kronconv.specs import Cascade
from kronconv.specs.architecture import plain_stack

RECURSION = (r"r_l = r_{l-1} + (k_l - 1)\, d_l\, S_{l-1},\qquad S_l = S_{l-1}\, s_l,\qquad "
             r"P_l = P_{l-1} + p_l\, S_{l-1}")


# -- receptive-field recursion (shared) -------------------------------------------------------
def recursion_step() -> Latex:
    return (prose("Unit $j$ of layer $l-1$ sees the inputs $[-P_{l-1} + S_{l-1} j,\\ "
                      "-P_{l-1} + S_{l-1} j + r_{l-1} - 1]$ ($r$ receptive field, $S$ effective "
                      "stride, $P$ effective padding; $r_{-1} = S_{-1} = 1$, $P_{-1} = 0$). Unit 0 "
                      "of layer $l$ (kernel $k_l$, stride $s_l$, dilation $d_l$, padding $p_l$) "
                      "reads units $-p_l + d_l t$, $0 \\le t < k_l$; the union of their boxes "
                      "gives") + tex.display(RECURSION))


def plain_steps(context: Context) -> Latex:
    return numbered_steps(
        recursion_step(),
        prose("A plain stack has $s_l = d_l = 1$, $k_l = k$, so $S_l = 1$ and $r_l = "
                  "r_{l-1} + (k - 1)$ with $r_0 = k$."),
        prose("Induction on $l$: $r_0 = 0\\cdot(k-1) + k$ and $(l(k-1) + k) + (k-1) = "
                  "(l+1)(k-1) + k$, so") + tex.display(r"r_l = l(k-1) + k ,") +
        prose("linear in depth. No holes: every $k$-window of a dense set is dense."),
    )


def plain_instance(sizes: tuple[int, ...]) -> Latex:
    k, layers = sizes
    rows = []
    for level in range(layers):
        arch = plain_stack([k] * (level + 1))
        (closed,) = rf.receptive_field(arch)
        exact = cov.dependency_set(arch)
        rows.append([level, level * (k - 1) + k, closed.receptive_field, exact.extent[0],
                     exact.holes])
    return tex.paragraph(prose(f"$k = {k}$: the formula, the closed-form recursion and the "
                                   "exact dependency set of output unit 0:")) + value_table(
        ["l", "l(k-1)+k", r"\text{recursion}", r"\text{exact set}", r"\text{holes}"], rows)


def exponential_steps(context: Context) -> Latex:
    return numbered_steps(
        recursion_step(),
        prose("Here $k_l = 3$, $d_l = 2^l$, $s_l = 1$: $r_i = r_{i-1} + 2 \\cdot 2^i$ with "
                  "$r_0 = 3$."),
        prose("Induction on $i$: $r_0 = 3 = 2^2 - 1$ and $(2^{i+1} - 1) + 2\\cdot 2^i = "
                  "2^{i+2} - 1$, so $F_{i+1}$ sees") +
        tex.display(r"r_i = 2^{i+2} - 1 \quad\text{per axis, i.e. } (2^{i+2}-1)\times"
                    r"(2^{i+2}-1) \text{ inputs,}") +
        prose("dense: the coverage set $\\{\\sum_l 2^l t_l : t_l \\in \\{0,1,2\\}\\}$ is "
                  "every integer in $[0, 2^{i+2} - 2]$ (", context.ref("rf-coverage"), ")."),
        prose("Parameters: $9$ per layer, $9(i+1)$ in all: linear in depth while the "
                  "receptive field grows exponentially."),
    )


def exponential_instance(sizes: tuple[int, ...]) -> Latex:
    (top,) = sizes
    rows, r = [], 1
    for i in range(top + 1):
        r += 2 * 2**i
        arch = plain_stack([3] * (i + 1), [2**j for j in range(i + 1)], dims=2)
        exact = cov.dependency_set(arch)
        params = sum(arch.parameters().values())
        rows.append([i, 2**i, r, 2 ** (i + 2) - 1, "x".join(map(str, exact.extent)),
                     exact.holes, params])
    return tex.paragraph(prose("2D, $3 \\times 3$ kernels: the recursion, the formula, the exact "
                                  "dependency set and the parameter count:")) + value_table(
        ["i", "d_i", "r_i", "2^{i+2}-1", r"\text{exact}", r"\text{holes}", r"\text{params}"],
        rows)


def general_steps(context: Context) -> Latex:
    return numbered_steps(
        recursion_step(),
        prose("The three obligations of the step (the tap boxes lie between the first and "
                  "the last, the size and first position, and unit 1 moving by $S_{l-1} s_l$) "
                  "are linear integer arithmetic, checked by z3 for symbolic values."),
        prose("Unrolling the recursion gives Araujo et al.'s sums:") +
        tex.display(r"r_L = 1 + \sum_l d_l (k_l - 1) \prod_{i<l} s_i,\qquad S_L = \prod_l s_l,"
                    r"\qquad P_L = \sum_l p_l \prod_{i<l} s_i ."),
        prose("Pooling layers are windows like convolutions (dilation 1). After upsampling "
                  "or unpooling the box depends on the output unit and the closed forms do not "
                  "apply; the exact dependency set still does."),
    )


def general_instance(sizes: tuple[int, ...]) -> Latex:
    k, s, d, p = sizes
    rows = []
    for depth in (1, 2, 3):
        arch = plain_stack([k] * depth, [d] * depth, strides=[s] * depth, paddings=[p] * depth)
        (closed,) = rf.receptive_field(arch)
        summed = rf.plain_formula([k] * depth, [d] * depth, [s] * depth, [p] * depth)
        (unit0,) = cov.axis_dependency_sets(arch)
        (unit1,) = cov.axis_dependency_sets(arch, unit=(1,))
        exact = (unit0.extent[0], unit1.offset[0] - unit0.offset[0], -unit0.offset[0])
        got = (closed.receptive_field, closed.effective_stride, closed.effective_padding)
        rows.append([depth, str(got), str(summed), str(exact), yes(got == summed == exact)])
    return tex.paragraph(prose(f"1D chains of identical layers $k = {k}$, $s = {s}$, $d = {d}$, "
                               f"$p = {p}$: $(r, S, P)$ by the recursion, by the sums, and from "
                                  "the exact sets of output units 0 and 1:")) + value_table(
        ["L+1", r"\text{recursion}", r"\text{sums}", r"\text{exact}", r"\text{agree}"], rows)


# -- rf-coverage -----------------------------------------------------------------------------
def coverage_steps(context: Context) -> Latex:
    return numbered_steps(
        prose("Output 0 of a stride-1 stack depends on input $x$ iff some tap path reaches "
                  "it: layer $l$ moves by $d_l t_l$, $0 \\le t_l < k_l$, so the coverage set is "
                  "the Minkowski sum") +
        tex.display(r"\mathcal{C} = \Big\{\sum_l d_l t_l : 0 \le t_l < k_l\Big\} = "
                    r"d_0[0,k_0) + \cdots + d_L[0,k_L),") +
        prose("independent of the order of the layers. With the same schedule on every "
                  "axis the $n$-D set is the product of the 1D sets: 1D decides holes."),
        prose("Holes are the points of $[0, \\sum_l d_l(k_l-1)]$ not in $\\mathcal{C}$. "
                  "Sorted by dilation, the set stays an interval while $d_{\\pi(j)} \\le 1 + "
                  "\\sum_{i<j} d_{\\pi(i)}(k_{\\pi(i)} - 1)$ (each new layer's step fits inside "
                  "the interval so far); a common factor $g > 1$ of all $d_l$ leaves holes."),
        prose("Wang et al.'s HDC condition for $K \\times K$ kernels and rates $r_1, \\dots, "
                  "r_n$: $M_n = r_n$,") +
        tex.display(r"M_i = \max\big[M_{i+1} - 2r_i,\ M_{i+1} - 2(M_{i+1} - r_i),\ r_i\big],"
                    r"\qquad M_2 \le K,\ \ \gcd(r_1,\dots,r_n) = 1 .") +
        prose("As written it is not sufficient: the recursion stops at $M_2$ and never "
                  "involves $r_1$, so e.g. rates $(2, 3)$ pass with holes. With $r_1 = 1$ made "
                  "explicit it is sufficient on every schedule checked, but not necessary: it "
                  "depends on the order of the rates while $\\mathcal{C}$ does not ($(2, 1)$ is "
                  "rejected although it is dense)."),
    )


def coverage_instance(sizes: tuple[int, ...]) -> Latex:
    k, d0, d1 = sizes
    arch = plain_stack([k, k], [d0, d1], dims=2)
    support = cov.dependency_set(arch)
    mink = grid.minkowski_coverage([k, k], [d0, d1])
    (axis,) = cov.axis_dependency_sets(plain_stack([k, k], [d0, d1]))
    parts = [tex.paragraph(prose(f"Two layers of ${k}\\times{k}$ kernels, dilations {d0}, "
                                     f"{d1} (2D). The exact coverage mask of output unit 0 (1 = "
                                     "the input position influences it):")),
             array_latex(support.mask.astype(int))]
    text = (f"{support.holes} holes in the ${support.extent[0]} \\times {support.extent[1]}$ "
            f"box; the 1D Minkowski sum of the layers' taps, "
            f"{''.join(map(str, mink.astype(int).tolist()))} as a mask, equals the 1D dependency "
            "set: "
            f"{yes(bool((mink == axis.mask).all()))}.")
    if k == 3:
        verdict = grid.hdc_condition([d0, d1])
        answer = {True: "yes", False: "no"}  # answers, not failures
        text += (f" HDC as written: $M_2 = {verdict.m2}$, coprime rates: "
                 f"{answer[bool(verdict.coprime)]}, passes: {answer[bool(verdict.hdc)]}; with "
                 f"$r_1 = 1$: {answer[bool(verdict.hdc_with_r1)]}; dense: "
                 f"{answer[bool(verdict.dense)]}.")
    return tex.join(parts) + tex.paragraph(prose(text))


# -- parameters and degrees of freedom ----------------------------------------------------------
def jacobian_steps() -> Latex:
    return (prose("The degrees of freedom of a parametrisation $\\theta \\mapsto C(\\theta)$ "
                      "are the generic rank of its Jacobian $J = \\partial C / \\partial "
                      "(K_0, \\dots, K_L)$; the column for tap $\\tau$ of layer $l$ is the "
                      "composite of the other layers shifted by $d_l \\tau$.",
                  "Upper bound (Euler): $C$ is linear in each $K_l$, so $\\sum_\\tau "
                      "K_l[\\tau]\\, \\partial C/\\partial K_l[\\tau] = C$ for every $l$, and "
                      "the $L$ scaling vectors $(K_0, 0, \\dots) - (0, \\dots, K_l, \\dots)$ "
                      "lie in the null space of $J$:") +
            tex.display(r"\operatorname{rank} J \le \min\big(P - L,\ |C|\big),\qquad "
                        r"P = \sum_l |K_l| .") +
            prose("Lower bound: the rank of $J$ at one integer point modulo a prime never "
                      "exceeds the generic rank. Where the two meet, the degrees of freedom are "
                      "proved."))


def params_steps(context: Context) -> Latex:
    return numbered_steps(
        prose("Kronecker: $n = a^{L+1}$ needs $L + 1 = \\log_a n$ factors of $a^2$ entries:") +
        tex.display(r"P_\otimes = (L+1)a^2 = \frac{a^2}{\log a}\,\log n ,\qquad "
                    r"P_{\text{rank } r} = \sum_{i<r} |u_i| + |v_i| = 2rn ."),
        prose("So $P_\\otimes / n \\to 0$ and $P_\\otimes/\\log n \\to a^2/\\log a$ "
                  "(logarithmic), while $P_{\\text{rank } r}/n \\to 2r$ (linear)."),
        jacobian_steps(),
        prose("Kronecker ($L+1$ factors): $\\mathrm{dof}_\\otimes = (L+1)a^2 - L$; rank 1 "
                  "($u$ then $v^\\top$, one scale $u, v \\mapsto cu, v/c$): $\\mathrm{dof} = 2n - "
                  "1$. The parameter counts and the degrees of freedom grow alike."),
    )


def _dof_rows(a: int, layers: int) -> list[list[object]]:
    rows: list[list[object]] = []
    for level in range(1, layers + 1):
        n = a**level
        kron = Cascade.from_schedule([a] * level, [a**j for j in range(level)], dims=2)
        low = Cascade.from_schedule([(n, 1), (1, n)], [1, 1])
        k_rank, l_rank = dof.modular_rank(kron, seed=level), dof.modular_rank(low, seed=n)
        rows.append([n, kron.parameters, k_rank.rank, yes(k_rank.proved), low.parameters,
                     l_rank.rank, yes(l_rank.proved)])
    return rows


DOF_HEADER = ["n", r"P_\otimes", r"\mathrm{dof}_\otimes", r"\text{proved}", r"P_{\text{rank }1}",
              r"\mathrm{dof}_{\text{rank }1}", r"\text{proved}"]


def params_instance(sizes: tuple[int, ...]) -> Latex:
    a, layers = sizes
    return tex.paragraph(prose(f"$n \\times n$ kernels, $n = {a}^{{L+1}}$: parameters and "
                               "degrees of freedom (modular Jacobian rank at a random point "
                               "meeting the Euler bound = proved):")) + value_table(
        DOF_HEADER, _dof_rows(a, layers))


def rank1_steps(context: Context) -> Latex:
    return numbered_steps(
        prose("Count: $u v^\\top$ with $u, v \\in \\mathbb{R}^{27}$ has $27 + 27 = 54$ "
                  "parameters; $K_2 \\otimes K_1 \\otimes K_0$ with $3 \\times 3$ factors has "
                  "$3 \\cdot 9 = 27$. The 27 of the source is the length of ONE rank-1 factor."),
        jacobian_steps(),
        prose("Rank 1: $P - L = 54 - 1 = 53$; Kronecker: $27 - 2 = 25$; both met by the "
                  "modular rank, so the rank-1 $27 \\times 27$ kernels form a 53-dimensional set."),
        prose("A smooth (e.g. polynomial) map from 27 parameters has image of dimension at "
                  "most 27 < 53: no 27-parameter parametrisation covers the rank-1 kernels. The "
                  "statement is refuted as written; the truth is 54 parameters / 53 degrees of "
                  "freedom against 27 / 25."),
    )


def rank1_instance(sizes: tuple[int, ...]) -> Latex:
    (a,) = sizes
    return tex.paragraph(prose(f"Factors of size $a = {a}$, up to three of them:")) + value_table(
        DOF_HEADER, _dof_rows(a, 3))


def constraint_steps(context: Context) -> Latex:
    return numbered_steps(
        prose("The composite of a cascade has, per axis, extent $1 + \\sum_l d_l(k_l-1)$ "
                  "(", context.ref("cascade-extent"), "), so $|C| = \\prod_{\\text{axes}} (1 + "
                  "\\sum_l d_l(k_l - 1))$ entries."),
        jacobian_steps(),
        prose("Hence") +
        tex.display(r"\dim\{C(K_0,\dots,K_L)\} = \min\Big(\sum_l |K_l| - L,\ |C|\Big)") +
        prose("wherever the lower bound meets it (every cascade checked does): the receptive "
                  "field grows like $\\prod$ of the kernel sizes, the freedom only like their sum, "
                  "so the reachable kernels are a thin subset."),
    )


def constraint_instance(sizes: tuple[int, ...]) -> Latex:
    k, d1 = sizes
    shape = Cascade.from_schedule([k, k], [1, d1], dims=1)
    jac, _ = dof.symbolic_jacobian(shape)
    result, euler = dof.symbolic_rank(shape)
    return (tex.paragraph(prose(f"Two {k}-tap layers in 1D, dilations 1 and {d1}: the "
                                    "symbolic Jacobian (rows: entries of $C$; columns: "
                                    "$k_{0,\\tau}$ then $k_{1,\\tau}$):"))
            + tex.display(tex.sympy_latex(jac), fit=jac.shape[1] > 6)
            + tex.paragraph(prose(
                f"SymPy rank {result.rank}; bound $\\min(P - L, |C|) = "
                f"{dof.dof_upper_bound(shape)}$ "
                f"($P = {shape.parameters}$, $|C| = {shape.extent[0]}$); Euler vector in the null "
                f"space as a polynomial identity: {yes(euler)}.")))


# -- registration ------------------------------------------------------------------------------
RF_PLAIN_LINEAR = Derivation(
    plain_steps, plain_instance,
    SizeSpec(("k", "layers"), (3, 5), (9, 12), help="kernel size, number of layers"))
RF_DILATED_EXPONENTIAL = Derivation(
    exponential_steps, exponential_instance,
    SizeSpec(("i",), (4,), (7,), minima=(0,), help="index of the last layer"))
RF_GENERAL = Derivation(
    general_steps, general_instance,
    SizeSpec(("k", "s", "d", "p"), (3, 2, 2, 1), (5, 3, 3, 2), minima=(1, 1, 1, 0),
             help="kernel size, stride, dilation, padding of every layer"))
RF_COVERAGE = Derivation(
    coverage_steps, coverage_instance,
    SizeSpec(("k", "d0", "d1"), (3, 2, 2), (5, 5, 5), help="kernel size, the two dilations"))
PARAMS_LOG_VS_LINEAR = Derivation(
    params_steps, params_instance,
    SizeSpec(("a", "layers"), (3, 3), (4, 3), minima=(2, 1),
             help="factor size, largest number of factors"))
RANK1_SAME_PARAMETERS = Derivation(
    rank1_steps, rank1_instance,
    SizeSpec(("a",), (3,), (3,), minima=(2,), help="factor size (n = a^3 at most)"))
CASCADE_CONSTRAINT = Derivation(
    constraint_steps, constraint_instance,
    SizeSpec(("k", "d1"), (2, 2), (3, 4), minima=(1, 1), help="kernel size, second dilation"))
