"""Element algebras for the executable semantics: exact numbers, floats, and z3 terms.

Every op of an architecture is written once (``kronconv.semantics.evaluate``) against this small
interface; a backend supplies the pointwise maps, comparisons and selections of its elements:

- ``exact``: NumPy int64 while it cannot overflow, else object arrays of Python ints and
  ``Fraction`` (average pooling, leaky slopes, hardswish / hardsigmoid, linear upsampling);
  exact, but the transcendental tanh, sigmoid, gelu and silu are refused, and so is an opaque
  ``pointwise`` function;
- ``float``: float64 for every op with a formula (compare with a tolerance);
- ``z3``: object arrays of z3 real terms; ReLU and max are ``If``-terms, tanh, sigmoid, gelu,
  silu, hardswish, hardsigmoid and ``pointwise`` functions are uninterpreted functions R -> R
  (so a proof with them holds for *every* pointwise function).
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

import numpy as np
import z3

from kronconv.arith import INT64_SAFE
from kronconv.errors import invalid
from kronconv.registry import Registry

Array = np.ndarray


class Backend:
    """Elementwise algebra on NumPy arrays (see module doc); subclasses fill in the maps."""

    name = "backend"
    exact = True

    def asarray(self, values: Any) -> Array:
        raise NotImplementedError

    def zero(self) -> Any:
        return 0

    def relu(self, x: Array) -> Array:
        return np.maximum(x, self.zero())

    def leaky_relu(self, x: Array, slope: float) -> Array:
        return np.where(x > 0, x, to_object(x) * self.number(slope))

    def tanh(self, x: Array) -> Array:
        raise invalid("backend", self.name, "'float' or 'z3' for tanh (not exact in rationals)")

    def sigmoid(self, x: Array) -> Array:
        raise invalid("backend", self.name, "'float' or 'z3' for sigmoid (not exact in "
                      "rationals)")

    def activation(self, name: str, x: Array) -> Array:
        """gelu, silu (transcendental), hardswish x relu6(x + 3) / 6, hardsigmoid
        relu6(x + 3) / 6, or an opaque ``pointwise`` function named ``name``."""
        if name in ("hardswish", "hardsigmoid"):
            gate = np.minimum(np.maximum(to_object(x) + 3, 0), 6) * Fraction(1, 6)
            return gate * to_object(x) if name == "hardswish" else gate
        raise invalid("backend", self.name, f"'float' or 'z3' for {name} (not exact in "
                      "rationals)" if name in ("gelu", "silu") else f"'z3' for the opaque "
                      f"pointwise function {name!r} (only its name is known)")

    def number(self, value: float) -> Any:
        """A constant of the algebra (a float from a JSON file is read as its decimal)."""
        return Fraction(str(value))

    def fraction(self, value: Fraction) -> Any:
        """An exact rational constant of the algebra."""
        return value

    def divide(self, x: Array, count: int) -> Array:
        return to_object(x) * Fraction(1, count)

    def gt(self, a: Array, b: Array) -> Array:
        return np.asarray(a > b)

    def logical_and(self, a: Array, b: Array) -> Array:
        return np.logical_and(a, b)

    def logical_not(self, a: Array) -> Array:
        return np.logical_not(a)

    def where(self, cond: Array, a: Array, b: Array) -> Array:
        return np.where(cond, a, b)

    def guard(self, x: Array, bound: int) -> Array:
        """Before a sum of terms of size <= bound: leave int64 only if it cannot overflow."""
        if x.dtype == np.int64 and bound >= INT64_SAFE:
            return to_object(x)
        return x


def to_object(x: Array) -> Array:
    """Python ints instead of int64 (no overflow); other object arrays unchanged."""
    if x.dtype == object:
        return x
    out = np.empty(x.shape, dtype=object)
    out[...] = x.tolist() if x.ndim else x.item()
    return out


class ExactBackend(Backend):
    name = "exact"

    def asarray(self, values: Any) -> Array:
        array = np.asarray(values)
        if array.dtype.kind in "iub":
            return array.astype(np.int64)
        if array.dtype == object:
            return array
        raise invalid("values", array.dtype, "integers or Fractions for the exact backend")


class FloatBackend(Backend):
    name = "float"
    exact = False

    def asarray(self, values: Any) -> Array:
        return np.asarray(values, dtype=np.float64)

    def number(self, value: float) -> Any:
        return float(value)

    def divide(self, x: Array, count: int) -> Array:
        return x / count

    def leaky_relu(self, x: Array, slope: float) -> Array:
        return np.where(x > 0, x, x * float(slope))  # float64 throughout (not object arrays)

    def tanh(self, x: Array) -> Array:
        return np.tanh(x)

    def sigmoid(self, x: Array) -> Array:
        return 1.0 / (1.0 + np.exp(-x))

    def activation(self, name: str, x: Array) -> Array:
        if name == "gelu":  # PyTorch's exact gelu: x Phi(x)
            return x * 0.5 * (1.0 + np.vectorize(math.erf)(x / math.sqrt(2.0)))
        if name == "silu":
            return x * self.sigmoid(x)
        if name in ("hardswish", "hardsigmoid"):
            gate = np.clip(x + 3.0, 0.0, 6.0) / 6.0
            return gate * x if name == "hardswish" else gate
        return super().activation(name, x)

    def fraction(self, value: Fraction) -> Any:
        return float(value)

    def guard(self, x: Array, bound: int) -> Array:
        return x


def _is_z3(value: Any) -> bool:
    return isinstance(value, z3.ExprRef)


def _z3_and(a: Any, b: Any) -> Any:
    if not _is_z3(a):
        return b if a else False
    if not _is_z3(b):
        return a if b else False
    return z3.And(a, b)


def _z3_not(a: Any) -> Any:
    return z3.Not(a) if _is_z3(a) else not a


def _z3_if(c: Any, a: Any, b: Any) -> Any:
    if not _is_z3(c):
        return a if c else b
    return z3.If(c, a, b)


def _z3_gt(a: Any, b: Any) -> Any:
    return a > b if _is_z3(a) or _is_z3(b) else bool(a > b)


def _z3_number(value: Any) -> Any:
    """Python/NumPy numbers and Fractions as z3 reals; z3 terms unchanged."""
    if _is_z3(value):
        return value
    q = Fraction(value) if not isinstance(value, float) else Fraction(str(value))
    return z3.RealVal(q.numerator) if q.denominator == 1 else z3.Q(q.numerator, q.denominator)


class Z3Backend(Backend):
    name = "z3"

    def __init__(self) -> None:
        self.tanh_f = z3.Function("tanh", z3.RealSort(), z3.RealSort())
        self.sigmoid_f = z3.Function("sigmoid", z3.RealSort(), z3.RealSort())
        self.functions: dict[str, Any] = {}

    def asarray(self, values: Any) -> Array:
        array = np.asarray(values, dtype=object)
        out = np.empty(array.shape, dtype=object)
        for index in np.ndindex(*array.shape):
            out[index] = _z3_number(array[index])
        return out

    def zero(self) -> Any:
        return z3.RealVal(0)

    def number(self, value: float) -> Any:
        return _z3_number(value)

    def relu(self, x: Array) -> Array:
        return _map(lambda v: z3.If(v > 0, v, 0), x)

    def leaky_relu(self, x: Array, slope: float) -> Array:
        s = self.number(slope)
        return _map(lambda v: z3.If(v > 0, v, s * v), x)

    def tanh(self, x: Array) -> Array:
        return _map(self.tanh_f, x)

    def sigmoid(self, x: Array) -> Array:
        return _map(self.sigmoid_f, x)

    def activation(self, name: str, x: Array) -> Array:
        if name not in self.functions:
            self.functions[name] = z3.Function(name, z3.RealSort(), z3.RealSort())
        return _map(self.functions[name], x)

    def fraction(self, value: Fraction) -> Any:
        return _z3_number(value)

    def divide(self, x: Array, count: int) -> Array:
        return x * z3.Q(1, count)

    def gt(self, a: Array, b: Array) -> Array:
        return _zip(_z3_gt, a, b)

    def logical_and(self, a: Array, b: Array) -> Array:
        return _zip(_z3_and, a, b)

    def logical_not(self, a: Array) -> Array:
        return _map(_z3_not, np.asarray(a, dtype=object))

    def where(self, cond: Array, a: Array, b: Array) -> Array:
        cond, a, b = np.broadcast_arrays(np.asarray(cond, dtype=object),
                                         np.asarray(a, dtype=object), np.asarray(b, dtype=object))
        return np.frompyfunc(_z3_if, 3, 1)(cond, a, b).astype(object)

    def guard(self, x: Array, bound: int) -> Array:
        return x


def _map(function: Any, x: Array) -> Array:
    return np.frompyfunc(function, 1, 1)(x).astype(object)


def _zip(function: Any, a: Array, b: Array) -> Array:
    a, b = np.broadcast_arrays(np.asarray(a, dtype=object), np.asarray(b, dtype=object))
    return np.frompyfunc(function, 2, 1)(a, b).astype(object)


BACKENDS: Registry[type[Backend]] = Registry("backend")
BACKENDS.register("exact", ExactBackend)
BACKENDS.register("float", FloatBackend)
BACKENDS.register("z3", Z3Backend)


def get_backend(name: str) -> Backend:
    return BACKENDS[name]()
