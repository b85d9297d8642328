"""Symbolic engine: kernels whose entries are the symbols k_{l,i,j}.

Arrays are NumPy object arrays of elements of a SymPy sparse polynomial ring ``ZZ[k...]``
(``sympy.polys.rings``). Ring elements are kept in canonical (expanded) form, so equality of two
entries is equality of polynomials, and products and sums cost a dictionary merge instead of an
expression-tree ``expand``. An identity between the two sides, for symbolic kernels, holds for
every choice of kernel values: evidence of kind ``proof``.
"""

from __future__ import annotations

from itertools import product

import numpy as np
import sympy
from sympy.polys.rings import PolyRing

from kronconv.engines.base import Engine
from kronconv.errors import check_memory
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
                        "(SymPy sparse polynomial ring over ZZ): holds for every kernel")

    def element_bytes(self) -> int:
        return 400  # a small dict per entry

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
