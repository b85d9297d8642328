"""The array-level public operations; they pick an engine from the element type.

Object arrays (SymPy expressions, polynomial-ring elements, Python ints, Fractions...) use the
generic engine path; integer arrays use exact arithmetic (switching to Python ints when int64
could overflow); float arrays use float64.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import sympy

from kronconv.arith import INT64_SAFE
from kronconv.engines import Engine, ExactEngine, FloatEngine, SymbolicEngine
from kronconv.engines.conv import check_operands
from kronconv.engines.conv import dilate_kernel as _dilate_kernel
from kronconv.errors import DEFAULT_MEMORY_LIMIT_BYTES, check_memory, check_per_axis, invalid
from kronconv.specs import MAX_DIMS


def as_array(name: str, value: Any) -> np.ndarray:
    """A NumPy array from an array, a nested list or a SymPy Matrix/Array."""
    if isinstance(value, np.ndarray):
        array = value
    elif isinstance(value, (sympy.MatrixBase, sympy.NDimArray)):
        array = np.array(value.tolist(), dtype=object)
    else:
        try:
            array = np.asarray(value)
        except (ValueError, TypeError) as exc:
            raise invalid(name, value, "an array (nested lists of equal lengths)") from exc
    if array.dtype.kind not in "biufO":
        raise invalid(f"{name}.dtype", str(array.dtype), "integers, floats or objects")
    if array.dtype.kind == "b":
        array = array.astype(np.int64)
    if not 1 <= array.ndim <= MAX_DIMS:
        raise invalid(f"{name}.ndim", array.ndim, f"1 to {MAX_DIMS} dimensions")
    return array


def engine_for(*arrays: np.ndarray) -> Engine:
    kinds = {a.dtype.kind for a in arrays}
    if "O" in kinds:
        return SymbolicEngine()
    if "f" in kinds or "c" in kinds:
        return FloatEngine()
    return ExactEngine()


def _promote_integers(arrays: list[np.ndarray], bound: int) -> list[np.ndarray]:
    """Switch integer arrays to Python ints when ``bound`` on any result entry exceeds int64."""
    if any(a.dtype.kind in "iu" for a in arrays) and bound >= INT64_SAFE:
        return [a.astype(object) if a.dtype.kind in "iu" else a for a in arrays]
    return arrays


def _abs_max(array: np.ndarray) -> int:
    return int(max((abs(int(v)) for v in array.flat), default=0))


def _finish(result: np.ndarray, symbolic_input: bool) -> Any:
    if symbolic_input:
        return sympy.Array([sympy.expand(v) for v in result.flat], result.shape)
    return result


def dilated_conv(x: Any, kernel: Any, dilation: int | Sequence[int] = 1, *,
                 boundary: str = "full", convention: str = "convolution") -> Any:
    """Dilated convolution (k *_d x)_t = sum_tau k_tau x_{t - d tau}, or the correlation.

    ``dilation`` is an int or one int per axis; ``x`` and ``kernel`` must have the same number of
    dimensions (1 to 3). ``boundary``: 'full', 'valid', 'same' (zeros, smaller half first) or
    'circular'. Works on NumPy arrays (exact for integers) and on symbolic arrays (SymPy
    matrices/arrays or object arrays), for which it returns a SymPy Array of expanded entries.
    """
    symbolic = isinstance(x, (sympy.MatrixBase, sympy.NDimArray)) or isinstance(
        kernel, (sympy.MatrixBase, sympy.NDimArray))
    xs, ks = as_array("x", x), as_array("kernel", kernel)
    check_operands(xs, ks, dilation, boundary, convention)
    check_memory("dilated_conv output", xs.size + ks.size * xs.size, 8)
    if xs.dtype.kind in "iu" and ks.dtype.kind in "iu":
        xs, ks = _promote_integers([xs, ks], _abs_max(xs) * _abs_max(ks) * ks.size)
    result = engine_for(xs, ks).dilated_conv(xs, ks, dilation, boundary, convention)
    return _finish(result, symbolic)


def composite_kernel(kernels: Sequence[Any], dilations: Sequence[int | Sequence[int]], *,
                     convention: str = "convolution",
                     memory_limit: int = DEFAULT_MEMORY_LIMIT_BYTES) -> Any:
    """The single kernel of the cascade K_L *_{d_L} ( ... (K_0 *_{d_0} x)): its extent is
    1 + sum_l (a_l - 1) d_l per axis. Layer 0 is the first kernel of the list."""
    arrays = [as_array(f"kernels[{i}]", k) for i, k in enumerate(kernels)]
    if not arrays:
        raise invalid("kernels", list(kernels), "at least one kernel")
    if len(dilations) != len(arrays):
        raise invalid("dilations", list(dilations), f"one per kernel ({len(arrays)} kernels)")
    dims = arrays[0].ndim
    for i, array in enumerate(arrays):
        if array.ndim != dims:
            raise invalid(f"kernels[{i}].ndim", array.ndim, f"{dims}, as kernels[0]")
    per_axis = [check_per_axis(f"dilations[{i}]", d, dims, minimum=1)
                for i, d in enumerate(dilations)]
    extent = [1 + sum((a.shape[axis] - 1) * d[axis] for a, d in zip(arrays, per_axis,
                                                                    strict=True))
              for axis in range(dims)]
    check_memory(f"a composite kernel of extent {extent}", math.prod(extent), 8, memory_limit)
    if all(a.dtype.kind in "iu" for a in arrays):
        arrays = _promote_integers(arrays, math.prod(_abs_max(a) * a.size for a in arrays))
    symbolic = any(isinstance(k, (sympy.MatrixBase, sympy.NDimArray)) for k in kernels)
    result = engine_for(*arrays).composite(arrays, per_axis, convention)
    return _finish(result, symbolic)


def kron(*factors: Any) -> Any:
    """Kronecker product in numpy.kron's order: (A kron B)[i m + j] = A[i] B[j]."""
    arrays = [as_array(f"factors[{i}]", f) for i, f in enumerate(factors)]
    if not arrays:
        raise invalid("factors", (), "at least one array")
    check_memory("a Kronecker product", math.prod(a.size for a in arrays), 8)
    if all(a.dtype.kind in "iu" for a in arrays):
        arrays = _promote_integers(arrays, math.prod(_abs_max(a) for a in arrays))
    symbolic = any(isinstance(f, (sympy.MatrixBase, sympy.NDimArray)) for f in factors)
    return _finish(engine_for(*arrays).kron(*arrays), symbolic)


def dilate_kernel(kernel: Any, dilation: int | Sequence[int]) -> Any:
    """K spread out by ``dilation``: entries K_i at d i, zeros between; extent d (a - 1) + 1."""
    array = as_array("kernel", kernel)
    dilations = check_per_axis("dilation", dilation, array.ndim, minimum=1)
    extent = [d * (a - 1) + 1 for a, d in zip(array.shape, dilations, strict=True)]
    check_memory(f"a dilated kernel of extent {extent}", math.prod(extent), 8)
    symbolic = isinstance(kernel, (sympy.MatrixBase, sympy.NDimArray))
    return _finish(_dilate_kernel(array, dilations), symbolic)
