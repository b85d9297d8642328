"""Parameters against degrees of freedom of a cascade parametrisation (kernels -> composite).

A single-channel linear cascade with kernels K_0 ... K_L (kernel sizes per axis, dilations per
axis) computes one convolution with C = dil(K_0, d_0) * ... * dil(K_L, d_L). The degrees of freedom
(the dimension of the set of reachable composites) is the generic rank of the Jacobian
J = dC / d(K_0, ..., K_L), whose column for tap tau of layer l is the composite of the other
layers shifted by d_l tau.

Bounds that make the rank exact:
- upper: C is linear in each K_l, so sum_tau K_l[tau] dC/dK_l[tau] = C (Euler) and the L vectors
  (K_0, 0, ..) - (0, .., K_l, ..) lie in the kernel of J at every point: rank <= P - L, and
  rank <= number of entries of C;
- lower: the rank of J at any one integer point, and its rank modulo a prime there (an integer
  matrix's rank mod p never exceeds its rank over Q), is at most the generic rank.
So when the modular rank at one point meets the upper bound, the generic rank is proved to be
that number; otherwise the modular rank is only a lower bound, and :class:`RankResult` says so.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import sympy

from kronconv.arith import MODULAR_PRIME, rank_mod_p
from kronconv.errors import check_memory, invalid
from kronconv.specs import Cascade

PRIME = MODULAR_PRIME


def check_scalar_linear(cascade: Cascade) -> Cascade:
    """The analysis covers single-channel linear cascades (the composite C is then defined)."""
    if not isinstance(cascade, Cascade):
        raise invalid("cascade", cascade, "a kronconv.Cascade")
    if not cascade.is_single_channel:
        raise invalid("channels", cascade.max_channels,
                      "1 for the degrees-of-freedom analysis")
    if not cascade.is_linear:
        names = sorted({layer.nonlinearity for layer in cascade.layers} - {"none"})
        raise invalid("nonlinearity", names[0], "'none' for the degrees-of-freedom analysis")
    return cascade


def dof_upper_bound(cascade: Cascade) -> int:
    """min(P - L, entries of C): the Euler null vectors (see module doc)."""
    return min(cascade.parameters - (len(cascade) - 1), math.prod(cascade.extent))


def kronecker_parameters(a: sympy.Expr, n: sympy.Expr) -> sympy.Expr:
    """Parameters of an n x n kernel as a Kronecker product of a x a factors: n = a^(L+1)
    needs L + 1 = log n / log a factors of a^2 entries each."""
    return a**2 * sympy.log(n) / sympy.log(a)


def low_rank_parameters(r: sympy.Expr, n: sympy.Expr) -> sympy.Expr:
    """Parameters of an n x n kernel of rank r as sum_{i<r} u_i v_i^T: 2 r n."""
    return 2 * r * n


def _dilate(kernel: np.ndarray, dilation: Sequence[int]) -> np.ndarray:
    shape = [d * (n - 1) + 1 for n, d in zip(kernel.shape, dilation, strict=True)]
    out = np.zeros(shape, dtype=kernel.dtype)
    out[tuple(slice(None, None, d) for d in dilation)] = kernel
    return out


def _full_conv(a: np.ndarray, b: np.ndarray, modulus: int | None) -> np.ndarray:
    """Full N-D convolution (object or int64 arrays), reducing mod ``modulus`` after each tap."""
    out = np.zeros([x + y - 1 for x, y in zip(a.shape, b.shape, strict=True)], dtype=a.dtype)
    for index in zip(*np.nonzero(b), strict=True):
        box = tuple(slice(i, i + n) for i, n in zip(index, a.shape, strict=True))
        out[box] = out[box] + a * b[index]
        if modulus is not None:
            out[box] %= modulus
    return out


def jacobian(cascade: Cascade, kernels: Sequence[np.ndarray],
             modulus: int | None = None) -> np.ndarray:
    """J[entry of C, (layer, tap)] at the given kernels (int64 mod ``modulus`` or objects)."""
    check_scalar_linear(cascade)
    dilations = [layer.dilations for layer in cascade.layers]
    dilated = [_dilate(k, d) for k, d in zip(kernels, dilations, strict=True)]
    extent = cascade.extent
    check_memory("the Jacobian", math.prod(extent) * cascade.parameters, 8)
    columns = []
    for layer, kernel in enumerate(kernels):
        # 1. The composite of every other layer ...
        others = np.ones((1,) * cascade.dims, dtype=kernel.dtype)
        for other, dk in enumerate(dilated):
            if other != layer:
                others = _full_conv(others, dk, modulus)
        # 2. ... shifted by d_l tau is the column of tap tau.
        for tau in np.ndindex(*kernel.shape):
            column = np.zeros(extent, dtype=kernel.dtype)
            start = [t * d for t, d in zip(tau, dilations[layer], strict=True)]
            column[tuple(slice(s, s + n) for s, n in zip(start, others.shape, strict=True))] \
                = others
            columns.append(column.reshape(-1))
    return np.stack(columns, axis=1)


@dataclass(frozen=True)
class RankResult:
    """Degrees of freedom of a cascade: parameters, the rank found, and whether it is proved."""

    cascade: Cascade
    rank: int
    method: str
    seed: int | None = None

    @property
    def parameters(self) -> int:
        return self.cascade.parameters

    @property
    def upper_bound(self) -> int:
        return dof_upper_bound(self.cascade)

    @property
    def proved(self) -> bool:
        """Lower bound (rank at a point) meets the Euler upper bound: the generic rank is exact."""
        return self.rank == self.upper_bound


def modular_rank(cascade: Cascade, seed: int = 0, p: int = PRIME) -> RankResult:
    """Rank of J mod p at one random integer point (a lower bound on the generic rank)."""
    rng = np.random.default_rng(seed)
    kernels = [rng.integers(1, p, layer.sizes, dtype=np.int64) for layer in cascade.layers]
    return RankResult(cascade, rank_mod_p(jacobian(cascade, kernels, modulus=p), p),
                      f"rank mod {p} of the Jacobian at one random point", seed)


def symbolic_jacobian(cascade: Cascade) -> tuple[sympy.Matrix, list[list[sympy.Symbol]]]:
    """J as a SymPy matrix in symbols k_{l,tau}, with the symbols per layer."""
    check_scalar_linear(cascade)
    symbols, kernels = [], []
    for level, layer in enumerate(cascade.layers):
        names = [sympy.Symbol(f"k_{level}_" + "_".join(map(str, tau)))
                 for tau in np.ndindex(*layer.sizes)]
        symbols.append(names)
        kernels.append(np.array(names, dtype=object).reshape(layer.sizes))
    dilated = [_dilate(k, layer.dilations) for k, layer in zip(kernels, cascade.layers,
                                                                strict=True)]
    composite = np.ones((1,) * cascade.dims, dtype=object) * sympy.Integer(1)
    for dk in dilated:
        composite = _full_conv(composite, dk, None)
    flat = sympy.Matrix([sympy.expand(c) for c in composite.reshape(-1)])
    return flat.jacobian([s for layer in symbols for s in layer]), symbols


def symbolic_rank(cascade: Cascade) -> tuple[RankResult, bool]:
    """Generic rank from SymPy (exact): the rank of the symbolic Jacobian, plus a check that
    the Euler vectors are null vectors as polynomial identities. Small sizes only."""
    jac, symbols = symbolic_jacobian(cascade)
    flat = [s for layer in symbols for s in layer]
    euler_ok = True
    for layer in range(1, len(symbols)):
        vector = [s if s in symbols[0] else (-s if s in symbols[layer] else 0) for s in flat]
        product = (jac * sympy.Matrix(vector)).applyfunc(sympy.expand)
        euler_ok &= all(entry == 0 for entry in product)
    return RankResult(cascade, int(jac.rank(simplify=True)), "SymPy rank of the symbolic "
                      "Jacobian (generic rank)"), euler_ok
