"""Symbolic engine: kernels whose entries are the symbols k_{l,i,j}.

Arrays are NumPy object arrays of elements of a SymPy sparse polynomial ring ``ZZ[k...]``
(``sympy.polys.rings``). Ring elements are kept in canonical (expanded) form, so equality of two
entries is equality of polynomials, and products and sums cost a dictionary merge instead of an
expression-tree ``expand``. An identity between the two sides, for symbolic kernels, holds for
every choice of kernel values: evidence of kind ``proof``.

The Kronecker identity itself is proved in the generating-function form, in FLINT's
``fmpz_mpoly`` (python-flint) over ZZ[k..., x_1..x_n]. A kernel K is the polynomial
K(x) = sum_i K[i] x^i; dilating by d substitutes x -> x^d, and convolving multiplies, so the
cascade's composite is

    C(x) = prod_l K_l(x_1^{d_l,1}, ..., x_n^{d_l,n})        (the generating-function side)

and the single convolution with P = K_L kron ... kron K_0 has kernel polynomial

    Q(x) = sum_I P[I] x^I = sum over one tap per factor of  prod_j F_j[i_j] x^{i_j s_j}
                                                           (the Kronecker side),

each term placed at its Kronecker index I = sum_j i_j s_j, s_j = prod_{k>j} shape(F_k) (the
definition of numpy.kron's order). C = Q as polynomials iff the composite equals P entry by
entry. The two sides share nothing but the kernels: C never indexes a Kronecker product and never
sees a stride; Q never uses a dilation and never sums a factor's taps before multiplying (it adds
the entries of P, each a product of one tap per factor).

FLINT rather than SymPy's ring for this step: on the same work (a 729x729 composite, 6 layers)
the product takes 0.06 s of CPU in FLINT against 2.4 s in SymPy's ring, and Q's half a million
terms are added inside FLINT (``make bench`` prints both).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from functools import partial
from functools import reduce as fold
from itertools import product
from typing import Any

import flint
import numpy as np
import sympy
from sympy.polys.rings import PolyRing

from kronconv.engines.base import Comparison, Engine, check_factors
from kronconv.errors import check_memory, check_per_axis
from kronconv.evidence import Evidence
from kronconv.specs import Cascade


def symbol_name(layer: int, index: tuple[int, ...]) -> str:
    return "k_" + "_".join(str(i) for i in (layer, *index))


def symbol_latex(layer: int, index: tuple[int, ...]) -> str:
    return "k_{" + ",".join(str(i) for i in (layer, *index)) + "}"


class SymbolicEngine(Engine):
    name = "symbolic"
    tier = "symbolic"

    def kernels(self, cascade: Cascade, *, seed: int = 0) -> list[np.ndarray]:
        """Kernel l has entries k_{l,i,j,...}; all kernels live in one polynomial ring."""
        indices = [list(product(*(range(a) for a in layer.sizes))) for layer in cascade.layers]
        names = [symbol_name(level, index)
                 for level, layer_indices in enumerate(indices) for index in layer_indices]
        ring = PolyRing(names, sympy.ZZ)
        generators = iter(ring.gens)
        kernels = []
        for layer, layer_indices in zip(cascade.layers, indices, strict=True):
            kernel = np.empty(layer.sizes, dtype=object)
            for index in layer_indices:
                kernel[index] = next(generators)
            kernels.append(kernel)
        return kernels

    def evidence(self, cascade: Cascade, seed: int = 0) -> Evidence:
        count = sum(int(np.prod(layer.sizes)) for layer in cascade.layers)
        return Evidence(self.tier, "proof", f"polynomial identity in the {count} kernel symbols "
                        "(generating functions over ZZ in FLINT fmpz_mpoly; SymPy sparse "
                        "polynomial ring elsewhere): holds for every kernel")

    def element_bytes(self, boundary: str = "full") -> int:
        """About 400 bytes an entry: a small dict in SymPy's ring. For 'full' (FLINT generating
        functions) one polynomial takes about 180 bytes a term, and the whole proof peaks at
        about 480 bytes an entry (2.3 GiB at 2187 x 2187, measured), so this one-array estimate
        admits 7 layers (1.8 GiB) and refuses 8 (16 GiB)."""
        return 400

    # -- the generating-function form (see module doc) ----------------------------------------
    def generating_function(self, kernels: Sequence[np.ndarray],
                            dilations: Sequence[Sequence[int]]) -> flint.fmpz_mpoly:
        """C(x) = prod_l K_l(x^{d_l}): the composite kernel's polynomial (convolution order;
        the composite does not depend on the convention, see ``Engine.composite``)."""
        space = GeneratingSpace.of(kernels)
        result = space.context.from_dict({space.monomial((), (0,) * space.dims): 1})
        for kernel, dilation in zip(kernels, dilations, strict=True):
            # d >= 1 makes x^i -> x^{d i} injective (as the numeric engines' check_operands)
            per_axis = check_per_axis("dilation", dilation, space.dims, minimum=1)
            result *= space.polynomial(kernel, partial(dilate, per_axis))
        return result

    def kronecker_polynomial(self, factors: Sequence[np.ndarray],
                             reversed_: bool = False) -> flint.fmpz_mpoly:
        """Q(x) = sum_I P[I] x^I with P = F_0 kron ... kron F_m (numpy.kron's order, left to
        right), or P reversed along every axis.

        By the definition of the Kronecker product, P[I] = F_0[i_0] ... F_m[i_m] at
        I = sum_j i_j s_j, with the strides s_j = prod_{k>j} shape(F_k) per axis. So each tap is
        placed first, T_j[i] = F_j[i] x^{i s_j}, and every term of Q is one placed tap per
        factor multiplied together, T_0[i_0] ... T_m[i_m] = P[I] x^I; Q is the sum of all of
        them, taken block by block (a block per tap of F_0). No sum over a factor's taps is
        multiplied here: Q is not formed as a product of polynomials in x, which is the
        composite's route. Reversing P
        along every axis reverses every factor, since n - 1 - I = sum_j (a_j - 1 - i_j) s_j.
        """
        check_factors(factors)
        space = GeneratingSpace.of(factors)
        factors = [reverse(factor) for factor in factors] if reversed_ else list(factors)
        strides = kronecker_strides([factor.shape for factor in factors])
        placed = [space.placed(factor, stride) for factor, stride in zip(factors, strides,
                                                                        strict=True)]
        return tree_sum(object_array([tree_sum(block) for block in kronecker_blocks(placed)]))

    def compare_kronecker(self, kernels: Sequence[np.ndarray],
                          dilations: Sequence[Sequence[int]], factors: Sequence[np.ndarray],
                          convention: str = "convolution") -> Comparison:
        """The cascade's composite against numpy.kron of ``factors``, as C = Q.

        A correlation with K is the convolution with K reversed: in that convention the
        cascade's polynomial is built from the reversed kernels and compared with the reversed
        Kronecker product, which states cascade(x) = P correlated with x."""
        space = GeneratingSpace.of(kernels)
        if convention == "correlation":
            kernels = [reverse(kernel) for kernel in kernels]
        left = self.generating_function(kernels, dilations)
        right = self.kronecker_polynomial(factors, reversed_=convention == "correlation")
        shapes = [space.extent(side) for side in (left, right)]
        if shapes[0] != shapes[1]:
            return Comparison(False, f"shapes differ: {shapes[0]} vs {shapes[1]}")
        if left == right:
            return Comparison(True, f"all {int(np.prod(shapes[0]))} entries equal (as "
                              "generating functions C = Q)")
        positions = sorted({monomial[-space.dims:] for monomial in (left - right).monoms()})
        return Comparison(False, f"{len(positions)} of {int(np.prod(shapes[0]))} entries "
                          f"differ, first at {positions[0]}", positions[0])

    def symbol_arrays(self, shapes: dict[str, tuple[int, ...]]) -> dict[str, np.ndarray]:
        """Arrays of fresh symbols ``name_i_j`` for each (name, shape), all in one ring."""
        check_memory("symbolic arrays", sum(int(np.prod(s)) for s in shapes.values()),
                     self.element_bytes())
        names = [f"{name}_" + "_".join(map(str, index))
                 for name, shape in shapes.items() for index in np.ndindex(*shape)]
        generators = iter(PolyRing(names, sympy.ZZ).gens)
        arrays = {}
        for name, shape in shapes.items():
            array = np.empty(shape, dtype=object)
            for index in np.ndindex(*shape):
                array[index] = next(generators)
            arrays[name] = array
        return arrays

    def with_symbolic_input(self, kernels: list[np.ndarray], shape: tuple[int, ...],
                            name: str = "f") -> tuple[list[np.ndarray], np.ndarray]:
        """Kernels re-expressed in a larger ring, and a generic input of fresh symbols f_{i,j}."""
        check_memory("symbolic input", int(np.prod(shape)), self.element_bytes())
        base: PolyRing = kernels[0].flat[0].ring
        names = [f"{name}_" + "_".join(map(str, idx)) for idx in np.ndindex(*shape)]
        ring = PolyRing([str(s) for s in base.symbols] + names, sympy.ZZ)
        f = np.empty(shape, dtype=object)
        for index, generator in zip(np.ndindex(*shape), ring.gens[len(base.symbols):],
                                    strict=True):
            f[index] = generator
        return [lift_to(k, ring) for k in kernels], f


class GeneratingSpace:
    """ZZ[k..., x_1..x_n] in FLINT: the kernels' SymPy ring plus one variable per axis."""

    def __init__(self, symbols: Sequence[str], dims: int) -> None:
        self.dims = dims
        self.count = len(symbols)
        self.context = flint.fmpz_mpoly_ctx.get(
            (*symbols, *(f"_x{axis}" for axis in range(dims))), "lex")

    @classmethod
    def of(cls, arrays: Sequence[np.ndarray]) -> GeneratingSpace:
        ring: PolyRing = arrays[0].flat[0].ring
        return cls([str(symbol) for symbol in ring.symbols], arrays[0].ndim)

    def monomial(self, kernel_part: tuple[int, ...], position: tuple[int, ...]) -> tuple[int, ...]:
        return (*(kernel_part or (0,) * self.count), *position)

    def polynomial(self, array: np.ndarray, place: Callable[[tuple[int, ...]], tuple[int, ...]]
                   ) -> flint.fmpz_mpoly:
        """sum_i array[i] x^{place(i)}, from the SymPy entries' terms."""
        terms: dict[tuple[int, ...], int] = {}
        for index in np.ndindex(*array.shape):
            for key, coefficient in self.terms(array[index], place(index)):
                terms[key] = terms.get(key, 0) + coefficient
        return self.context.from_dict(terms)

    def placed(self, array: np.ndarray, stride: tuple[int, ...]) -> np.ndarray:
        """Entry i as its own FLINT polynomial array[i] x^{i stride} (per axis)."""
        out = np.empty(array.shape, dtype=object)
        for index in np.ndindex(*array.shape):
            out[index] = self.context.from_dict(dict(self.terms(array[index],
                                                                dilate(stride, index))))
        return out

    def terms(self, entry: Any, position: tuple[int, ...]) -> list[tuple[tuple[int, ...], int]]:
        """The (exponent vector, coefficient) terms of entry x^position (a SymPy ring element:
        distinct monomials)."""
        return [(self.monomial(monomial, position), int(coefficient))
                for monomial, coefficient in entry.items()]

    def extent(self, polynomial: flint.fmpz_mpoly) -> tuple[int, ...]:
        """Per axis, one more than the largest x-degree (the kernel's shape)."""
        return tuple(d + 1 for d in polynomial.degrees()[self.count:])


def dilate(dilation: tuple[int, ...], index: tuple[int, ...]) -> tuple[int, ...]:
    """Tap i of a kernel dilated by d sits at d i (per axis)."""
    return tuple(d * i for d, i in zip(dilation, index, strict=True))


def kronecker_strides(shapes: Sequence[tuple[int, ...]]) -> list[tuple[int, ...]]:
    """s_j = prod_{k>j} shape(F_k), per axis: the Kronecker index of F_0[i_0] ... F_m[i_m] is
    sum_j i_j s_j (numpy.kron's order, the last factor varying fastest)."""
    return [tuple(math.prod(later[axis] for later in shapes[j + 1:]) for axis in range(len(shape)))
            for j, shape in enumerate(shapes)]


def kronecker_blocks(placed: Sequence[np.ndarray]) -> Iterator[np.ndarray]:
    """The entries of placed[0] kron ... kron placed[m], flat, one block per entry of
    placed[0]: each a product of one entry per array."""
    head, tail = placed[0].ravel(), placed[1:]
    if not tail:
        yield head
        return
    rest = fold(np.kron, tail).ravel()
    for tap in head:
        yield rest * object_array([tap]).reshape(())


def object_array(values: Sequence[Any]) -> np.ndarray:
    """A 1-D object array of ``values`` (np.array would unpack FLINT polynomials)."""
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def reverse(array: np.ndarray) -> np.ndarray:
    return array[(slice(None, None, -1),) * array.ndim]


def tree_sum(values: np.ndarray) -> flint.fmpz_mpoly:
    """Pairwise sum (O(n log n) term copies, where a running sum would cost O(n^2))."""
    while len(values) > 1:
        half = len(values) // 2
        paired = values[:half] + values[half:2 * half]
        values = np.concatenate([paired, values[2 * half:]]) if len(values) % 2 else paired
    return values[0]


def lift_to(array: np.ndarray, ring: PolyRing) -> np.ndarray:
    """Re-express polynomial entries in a larger ring (same symbol names)."""
    out = np.empty(array.shape, dtype=object)
    for index in np.ndindex(*array.shape):
        entry = array[index]
        out[index] = ring.from_expr(entry.as_expr()) if hasattr(entry, "as_expr") else ring(entry)
    return out


def to_sympy(array: np.ndarray) -> sympy.Array:
    """A SymPy ``Array`` of expressions, for printing."""
    values = [p.as_expr() if hasattr(p, "as_expr") else sympy.sympify(p) for p in array.flat]
    return sympy.Array(values, array.shape)
