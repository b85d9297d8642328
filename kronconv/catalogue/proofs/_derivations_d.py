"""Derivations of group D: translation equivariance on the infinite grid and on the cyclic domain
Z_N^d, the subgroup of respected shifts, its generators, and the total-stride rule.

The shift calculus is :func:`kronconv.equivariance.analysis.derived_shifts` (cheap; the proof
scripts prove or refute every shift with z3 and the reference engine); the convolution instance
is expanded by the symbolic engine.
"""

from __future__ import annotations

from typing import Any

import numpy as np

import kronconv.latex as tex
from kronconv.claims.derivation import Context, Derivation, SizeSpec
from kronconv.engines import SymbolicEngine
from kronconv.equivariance.shifts import derived_shifts, total_stride
from kronconv.latex import Latex
from kronconv.render.derivation_helpers import array_latex, numbered_steps, prose
from kronconv.semantics.shapes import node_sizes
from kronconv.specs.architecture import Architecture, parse_architecture

ENGINE = SymbolicEngine()
SUBGROUP = (prose("The respected pairs form a subgroup: if $f(T_v x) = T_u f(x)$ and "
                      "$f(T_{v'} x) = T_{u'} f(x)$ for every $x$, then $f(T_{v+v'} x) = "
                      "T_u f(T_{v'} x) = T_{u+u'} f(x)$. So it suffices to prove the equality for "
                      "generators (z3, symbolic weights and inputs) and to refute every other "
                      "shift with one input and one weight draw (re-checked by the naive "
                      "reference)."))


def _conv(d: int, mode: str = "circular", stride: int = 1) -> dict[str, Any]:
    return {"op": "conv", "kernel_size": 3, "dilation": d, "padding": d, "padding_mode": mode,
            "out_channels": 1, "stride": stride}


def _chain(layers: list[dict[str, Any]]) -> Architecture:
    return parse_architecture({"dims": 1, "layers": layers}, source="<derivation D>")


def _shift_table(arch: Architecture, n: int) -> Latex:
    shifts = derived_shifts(arch, n)
    stride = total_stride(arch, node_sizes(arch, n))[0]
    pairs = ", ".join(f"{v[0]}→{u[0]}" for v, u in sorted(shifts.items()))
    return tex.paragraph(prose(f"$N = {n}$: total stride $S = {stride}$; respected shifts "
                               f"$v \\mapsto u$ by the shift calculus: {pairs} ({len(shifts)} of "
                               f"{n})."))


# -- conv-equivariant --------------------------------------------------------------------------
def conv_steps(context: Context) -> Latex:
    return numbered_steps(
        prose("Shift $(T_v f)_t = f_{t - v}$. On the infinite grid") +
        tex.display(r"(k *_d T_v f)_t = \sum_\tau k_\tau f_{t - d\tau - v} = (k *_d f)_{t - v}"
                    r" = (T_v (k *_d f))_t ,") +
        prose("for every $v \\in \\mathbb{Z}^n$, every kernel, every dilation; likewise for "
                  "the correlation $\\sum_\\tau k_\\tau f_{t + d\\tau}$."),
        prose("On $\\mathbb{Z}_N^n$ with circular padding the same computation holds with "
                  "indices mod $N$: every cyclic shift is respected, output shift = input "
                  "shift. A bias adds a constant, which every shift fixes."),
        SUBGROUP,
    )


def conv_instance(sizes: tuple[int, ...]) -> Latex:
    a, d, v = sizes
    arrays = ENGINE.symbol_arrays({"f": (3,), "k": (a,)})
    f, k = arrays["f"], arrays["k"]
    zero = f.flat[0] * 0
    shifted = np.full(3 + v, zero, dtype=object)
    shifted[v:] = f
    out = ENGINE.dilated_conv(f, k, d, "full", "convolution")
    moved = ENGINE.dilated_conv(shifted, k, d, "full", "convolution")
    expected = np.full(moved.shape, zero, dtype=object)
    expected[v:] = out
    same = ENGINE.compare(moved, expected).detail
    return (tex.paragraph(prose(f"$k$ of {a} taps, $d = {d}$, $f$ of 3 symbols, shift "
                                    f"$v = {v}$ ('full'). $k *_d f$:")) + array_latex(out)
            + tex.paragraph(prose("$k *_d T_v f$:")) + array_latex(moved)
            + tex.paragraph(prose(f"Against $T_v(k *_d f)$: {same}.")))


# -- dilated-net-equivariant ---------------------------------------------------------------------
def net_steps(context: Context) -> Latex:
    return numbered_steps(
        prose("Each layer is $x \\mapsto \\sigma(K *_d x + b)$. Circular convolution "
                  "commutes with every cyclic shift (", context.ref("conv-equivariant"), "); "
                  "adding a constant bias and applying $\\sigma$ pointwise commute with any "
                  "permutation of positions, shifts included. A composition of maps commuting "
                  "with $T_v$ commutes with $T_v$:") +
        tex.display(r"f(T_v x) = T_v f(x)\qquad \forall v \in \mathbb{Z}_N^d,\ "
                    r"\text{all weights, biases and pointwise } \sigma ."),
        prose("Zero padding breaks it at the border: let $P$ and $Q$ be the total left and "
                  "right padding of the stack ($\\sum_l d_l$ each for $3$-tap 'same' layers). "
                  "Output $i$ never reads padding iff $i \\in [P, N-1-Q]$; there it is the "
                  "circular output. So shift $v$ holds exactly at the positions $i$ with") +
        tex.display(r"i \in [P, N-1-Q]\quad\text{and}\quad (i - v) \bmod N \in [P, N-1-Q],") +
        prose("and on the whole output only $v = 0$ is respected (a padded value differs "
                  "from the wrapped one for some input)."),
        SUBGROUP,
    )


def net_instance(sizes: tuple[int, ...]) -> Latex:
    n, d0, d1 = sizes
    rows = []
    for mode in ("circular", "zeros"):
        arch = _chain([_conv(d0, mode), {"op": "relu"}, _conv(d1, mode), {"op": "relu"}])
        shifts = derived_shifts(arch, n)
        rows.append(tex.paragraph(prose(f"{mode} padding, $d = {d0}, {d1}$, $N = {n}$: the "
                                           f"shift calculus keeps {len(shifts)} of {n} shifts.")))
    pad = d0 + d1
    clean = set(range(pad, n - pad))
    masks = [[tex.text(v), tex.math(tex.matrix(np.array([int(i in clean and (i - v) % n in clean)
                                                for i in range(n)])))] for v in range(1, 4)]
    return tex.join(rows) + tex.paragraph(prose(
        f"Zero padding: agreement region of shift $v$, $P = Q = {pad}$ (1: $f(T_v x) = T_v f(x)$ "
        "there):")) + tex.table([tex.math("v"), tex.text("region")], masks, "rl")


# -- pooling-breaks-equivariance ---------------------------------------------------------------
def pooling_steps(context: Context) -> Latex:
    return numbered_steps(
        prose("A pooling or strided layer $y_i = g(x_{s i}, \\dots, x_{s i + k - 1})$ with "
                  "windows that tile the cyclic domain ($k \\le s$, no padding) satisfies "
                  "$y(T_v x) = T_{v/s}\\, y(x)$ when $s \\mid v$: the windows move onto windows. "
                  "For $s \\nmid v$ the grid moves between windows and some input tells them "
                  "apart."),
        prose("Propagating a shift node by node (pointwise ops keep it, pooling divides by "
                  "$s$, upsampling by $f$ multiplies by $f$, max-unpooling restores its pooling "
                  "input's shift, merges need equal shifts), $v$ survives iff it is a multiple "
                  "of the total stride on every axis,") +
        tex.display(r"S = \operatorname{lcm}_k \frac{N}{\gcd(N, n_k)} ,\qquad "
                    r"\{v : f(T_v x) = T_v f(x)\ \forall x\} = S\,\mathbb{Z}_N^d ,") +
        prose("$n_k$ the size of node $k$; with upsampling back to size $N$ the output "
                  "shift is $u = v$."),
        prose("Exceptions, stated by the claim's conditions: padded pooling windows "
                  "($k=3$, $s=2$, $p=1$) or zero-padded convolutions read padding and keep only "
                  "$v = 0$; a pooling window over its whole cyclic input is invariant, so more "
                  "shifts than $S\\mathbb{Z}_N$ are respected."),
        SUBGROUP,
    )


def _encoder_decoder(pool: str) -> Architecture:
    window = {"op": pool, "kernel_size": 2, "stride": 2}
    return _chain([_conv(1), window, _conv(1), window, {"op": "upsample", "scale_factor": 2},
                   _conv(1), {"op": "upsample", "scale_factor": 2}, _conv(1)])


def pooling_instance(sizes: tuple[int, ...]) -> Latex:
    (n,) = sizes
    parts = [tex.paragraph(tex.text("1D encoder-decoder: conv, pool 2/2, conv, pool 2/2, "
                                    "upsample 2, conv, upsample 2, conv (circular 3-tap convs)."))]
    for pool in ("maxpool", "avgpool"):
        parts.append(tex.paragraph(tex.texttt(pool)) + _shift_table(_encoder_decoder(pool), n))
    return tex.join(parts)


# -- strided-conv-equivariance -----------------------------------------------------------------
def strided_steps(context: Context) -> Latex:
    return numbered_steps(
        prose("PyTorch's stride-$s$ convolution is the full-resolution one subsampled: "
                  "$y_i = (K \\star_d x)_{s i}$. With circular padding and $s \\mid N$:") +
        tex.display(r"y(T_v x)_i = (K \star_d x)_{s i - v} = y(x)_{i - v/s} \quad (s \mid v),") +
        prose("so $f(T_v x) = T_{v/s} f(x)$ for every $v \\in s\\mathbb{Z}_N$."),
        prose("For $s \\nmid v$ the subsampling grid moves off itself: the output sees the "
                  "other residue class of the full-resolution output, and an impulse input "
                  "separates the two for generic weights: no output shift $u$ works."),
        prose("With zero padding that some strided window reads, only $v = 0$ (a padding no "
                  "window reads changes nothing, and then the circular answer holds)."),
        SUBGROUP,
    )


def strided_instance(sizes: tuple[int, ...]) -> Latex:
    n, s = sizes
    parts = []
    for mode in ("circular", "zeros"):
        arch = _chain([_conv(1, mode, stride=s), {"op": "relu"}])
        parts.append(tex.paragraph(tex.text(f"Stride-{s} 3-tap conv + ReLU, {mode} padding:"))
                     + _shift_table(arch, n))
    return tex.join(parts)


# -- registration ------------------------------------------------------------------------------
def _divisible(sizes: tuple[int, ...]) -> None:
    from kronconv.errors import invalid

    n, s = sizes
    if n % s:
        raise invalid("sizes", list(sizes), f"N a multiple of the stride s ({n} % {s} != 0)")


CONV_EQUIVARIANT = Derivation(
    conv_steps, conv_instance,
    SizeSpec(("a", "d", "v"), (3, 2, 1), (4, 4, 4), help="kernel size, dilation, shift"))
DILATED_NET_EQUIVARIANT = Derivation(
    net_steps, net_instance,
    SizeSpec(("N", "d0", "d1"), (12, 1, 2), (24, 3, 3), minima=(8, 1, 1),
             help="input length, the two dilations"))
POOLING_BREAKS_EQUIVARIANCE = Derivation(
    pooling_steps, pooling_instance,
    SizeSpec(("N",), (8,), (32,), minima=(4,), help="input length (a multiple of 4)",
             validate=lambda sizes: _divisible((sizes[0], 4))))
STRIDED_CONV_EQUIVARIANCE = Derivation(
    strided_steps, strided_instance,
    SizeSpec(("N", "s"), (12, 2), (24, 4), minima=(2, 1), help="input length, stride",
             validate=_divisible))
