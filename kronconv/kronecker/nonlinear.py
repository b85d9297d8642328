"""Cascades with a pointwise nonlinearity between layers.

z_0 = K_0 *_{d_0} x,  z_{l+1} = K_{l+1} *_{d_{l+1}} sigma(z_l),  output z_L (no sigma after it).

Every convolution, with any kernel and any of the boundary handlings, is linear in x, so ONE
input pair violating additivity, or one input and scalar violating homogeneity, proves that the
cascade is not a convolution with any kernel. Where the cascade still agrees with the linear one:
on R = {x : sigma(z_l(x)) = z_l(x) for every hidden l}, z_l computed by the linear cascade (by
induction the two cascades then have the same pre-activations); for ReLU and leaky ReLU
R = {x : every pre-activation >= 0}, a polyhedral cone; for tanh R = {x : every pre-activation
= 0}. With one hidden nonlinearity and full boundaries R is exactly the agreement set (the last
full convolution with a nonzero kernel is injective); with more, z3 decides whether points
outside R agree.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Any

import numpy as np
import sympy
import z3

from kronconv.engines import Engine, reference_dilated_conv
from kronconv.engines.smt import SmtResult, prove
from kronconv.errors import check_choice, invalid
from kronconv.kronecker.result import IdentityResult, predicted_extent
from kronconv.semantics import evaluate
from kronconv.semantics.backends import ACTIVATIONS, Activation, ring_backend, with_activation
from kronconv.serialize import to_json
from kronconv.specs import NONLINEARITIES, Cascade, bridge

LEAKY_SLOPE = Fraction(str(bridge.LEAKY_SLOPE))  # 1/100, the bridge's slope read exactly
PIECEWISE_LINEAR = ("relu", "leaky_relu")


def activation(name: str | Activation) -> Activation:
    """A named activation (one of NONLINEARITIES except 'none': the one definition of each, in
    :data:`kronconv.semantics.backends.ACTIVATIONS`) or a user's elementwise callable, as a
    function of one entry."""
    if callable(name):
        return name
    check_choice("nonlinearity", name, [n for n in NONLINEARITIES if n != "none"])
    if name == "leaky_relu":
        return lambda v: ACTIVATIONS["leaky_relu"](v, LEAKY_SLOPE)
    return ACTIVATIONS[name]


def apply_cascade(x: np.ndarray, kernels: Sequence[np.ndarray], cascade: Cascade,
                  sigma: str | Activation | None = None, *, reference: bool = False
                  ) -> tuple[np.ndarray, list[np.ndarray]]:
    """The cascade's output and its hidden pre-activations z_0 .. z_{L-1}.

    ``sigma`` overrides the layers' nonlinearity (a callable for user functions). By default the
    executable semantics runs the cascade's architecture (:mod:`kronconv.specs.bridge`) in the
    backend of the entries' ring (ints, Fractions, SymPy or z3 expressions, floats); with
    ``reference`` the naive reference convolution (no code shared with the semantics) runs
    layer by layer. Entries stay in their ring."""
    if sigma is not None:
        if sigma != "none":
            activation(sigma)  # one clear error for an unknown name
        cascade = replace_nonlinearity(cascade, "relu" if callable(sigma) else sigma)
    if reference:
        return _reference_cascade(x, kernels, cascade, sigma)
    arch = bridge.cascade_architecture(cascade)
    backend = ring_backend(x, *kernels)
    if callable(sigma):  # the function stands in for the (placeholder) relu nodes
        backend = with_activation(backend, sigma)
    weights = bridge.cascade_weights(cascade, kernels)
    values = evaluate(arch, backend.asarray(x)[None, None], weights, backend, keep=True)
    hidden = [values[node][0, 0] for node in bridge.hidden_ids(cascade)]
    return values[arch.output][0, 0], hidden


def _reference_cascade(x: np.ndarray, kernels: Sequence[np.ndarray], cascade: Cascade,
                       sigma: Activation | str | None) -> tuple[np.ndarray, list[np.ndarray]]:
    hidden = []
    for index, (kernel, layer) in enumerate(zip(kernels, cascade.layers, strict=True)):
        x = reference_dilated_conv(x, kernel, layer.dilations, layer.boundary, layer.convention)
        name = sigma if callable(sigma) else layer.nonlinearity
        if index < len(kernels) - 1 and name != "none":
            hidden.append(x)
            x = _elementwise(activation(name), x)
    return x, hidden


def _elementwise(function: Activation, x: np.ndarray) -> np.ndarray:
    out = np.empty(x.shape, dtype=object)
    for index in np.ndindex(*x.shape):
        out[index] = function(x[index])
    return out if x.dtype == object else out.astype(float)


# -- counterexamples -------------------------------------------------------------------------
@dataclass(frozen=True)
class Counterexample:
    """cascade(scale * x) != scale * cascade(x) (homogeneity) or cascade(x + y) != cascade(x) +
    cascade(y) (additivity), for explicit kernels and inputs, re-checked by a second engine."""

    property: str
    kernels: list[Any]
    inputs: dict[str, Any]
    outputs: dict[str, Any]
    found_by: str
    rechecked_by: str
    recheck: Callable[[], bool] = field(default=lambda: False, compare=False, repr=False)


def _listed(array: np.ndarray) -> Any:
    return np.vectorize(_scalar, otypes=[object])(array).tolist()


def _scalar(v: Any) -> Any:
    if isinstance(v, Fraction):
        return int(v) if v.denominator == 1 else str(v)
    if isinstance(v, sympy.Basic):
        return str(v)
    if isinstance(v, float):
        return round(v, 6)
    return int(v)


def impulse_kernels(cascade: Cascade) -> list[np.ndarray]:
    """The most readable kernels: each a unit impulse at offset 0 (entries Python ints)."""
    kernels = []
    for layer in cascade.layers:
        kernel = np.zeros(layer.sizes, dtype=object)
        kernel[(0,) * cascade.dims] = 1
        kernels.append(kernel)
    return kernels


def _outputs_differ(left: np.ndarray, right: np.ndarray) -> bool:
    if left.shape != right.shape:
        return True
    if left.dtype == object and any(isinstance(v, sympy.Basic) for v in left.flat):
        return any(sympy.N(a - b, 50) != 0 for a, b in zip(left.flat, right.flat, strict=True))
    return bool(np.any(np.asarray(left != right)))


def _violations(x: np.ndarray, kernels: list[np.ndarray], cascade: Cascade, sigma: Any,
                reference: bool) -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    out = []
    run = lambda v: apply_cascade(v, kernels, cascade, sigma, reference=reference)[0]  # noqa: E731
    base = run(x)
    for scale in (-1, 2):
        scaled = run(x * scale)
        if _outputs_differ(scaled, base * scale):
            out.append((f"homogeneity (scale {scale})", {"x": x, "scale": scale},
                        {"cascade(scale*x)": scaled, "scale*cascade(x)": base * scale}))
    return out


def find_counterexample(cascade: Cascade, sigma: str | Activation | None = None, *,
                        exact: bool = True) -> Counterexample | None:
    """A homogeneity violation on impulse kernels and an impulse input (all ones on the extent for
    boundaries other than 'full'; scales -1 and 2): found with the executable semantics,
    re-checked with the naive reference. ``exact``: entries are Python ints / Fractions / SymPy
    numbers (tanh(2) vs 2 tanh(1) is decided by SymPy's evalf at 50 digits); otherwise floats
    (a user function that cannot take exact values)."""
    name = sigma if sigma is not None else next(
        (layer.nonlinearity for layer in cascade.layers if layer.nonlinearity != "none"), "none")
    if name == "none" or len(cascade.layers) < 2:
        return None
    kernels = impulse_kernels(cascade)
    if not exact:
        kernels = [k.astype(float) for k in kernels]
    dtype = object if exact else float
    x = np.zeros((1,) * cascade.dims, dtype=dtype)
    x[(0,) * cascade.dims] = 1
    if cascade.layers[0].boundary != "full":
        # Impulse kernels shift the input; cropping or wrapping may move an impulse out of
        # every output, so the input is all ones on the extent (each output reads a one).
        x = np.ones(cascade.extent, dtype=dtype)
    found = _violations(x, kernels, cascade, name, reference=False)
    if not found:
        return None
    prop, inputs, outputs = found[0]

    def recheck() -> bool:
        """The naive reference finds the same violation (the claims runner calls this)."""
        return any(v[0] == prop for v in _violations(x, kernels, cascade, name, reference=True))

    if not recheck():
        raise AssertionError(f"the reference engine did not confirm the {prop} violation")
    return Counterexample(prop, [_listed(k) for k in kernels],
                          {k: _listed(v) if isinstance(v, np.ndarray) else v
                           for k, v in inputs.items()},
                          {k: _listed(v) for k, v in outputs.items()},
                          "the semantics (kronconv.semantics.evaluate)",
                          "naive reference (kronconv.engines.reference_dilated_conv)",
                          recheck)


# -- z3: counterexamples and the agreement region for ReLU, small exact instances -------------
def _z3_input(shape: Sequence[int], name: str = "x") -> np.ndarray:
    x = np.empty(tuple(shape), dtype=object)
    for index in np.ndindex(*shape):
        x[index] = z3.Real(f"{name}_" + "_".join(map(str, index)))
    return x


def _z3_outputs(cascade: Cascade, kernels: Sequence[np.ndarray], x: np.ndarray,
                sigma: str) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
    nonlinear, hidden = apply_cascade(x, kernels, cascade, sigma)
    linear, _ = apply_cascade(x, kernels, replace_nonlinearity(cascade, "none"))
    return nonlinear, linear, hidden


def replace_nonlinearity(cascade: Cascade, name: str) -> Cascade:
    """The cascade with ``name`` between layers (and none after the last)."""
    count = len(cascade.layers)
    if all(layer.nonlinearity == (name if i < count - 1 else "none")
           for i, layer in enumerate(cascade.layers)):
        return cascade
    return Cascade(tuple(replace(layer, nonlinearity=name if i < count - 1 else "none")
                         for i, layer in enumerate(cascade.layers)))


def z3_not_linear(cascade: Cascade, kernels: Sequence[np.ndarray], shape: Sequence[int],
                  sigma: str = "relu") -> SmtResult:
    """Ask z3 to prove cascade(-x) = -cascade(x) for all real x; a model is a counterexample."""
    if sigma not in PIECEWISE_LINEAR:
        raise invalid("nonlinearity", sigma, "relu or leaky_relu for z3 (If-terms)")

    def formula() -> tuple[list[z3.BoolRef], z3.BoolRef]:
        x = _z3_input(shape)
        plus, _ = apply_cascade(x, kernels, cascade, sigma)
        minus, _ = apply_cascade(x * -1, kernels, cascade, sigma)
        return [], z3.And(*[m == -p for m, p in zip(minus.flat, plus.flat, strict=True)])

    return prove(f"homogeneity/{sigma}", formula)


def z3_region(cascade: Cascade, kernels: Sequence[np.ndarray], shape: Sequence[int],
              sigma: str = "relu", *, exact_direction: bool = True) -> dict[str, SmtResult]:
    """Two z3 queries over all real inputs x of ``shape``:

    - ``sufficient``: every pre-activation >= 0  ==>  cascade(x) = linear cascade(x);
    - ``exact``:      cascade(x) = linear cascade(x)  ==>  every pre-activation >= 0.
    """
    def region(x: np.ndarray) -> tuple[z3.BoolRef, z3.BoolRef]:
        nonlinear, linear, _ = _z3_outputs(cascade, kernels, x, sigma)
        _, linear_hidden = apply_cascade(x, kernels, replace_nonlinearity(cascade, "relu"),
                                         lambda v: v)
        cone = z3.And(*[v >= 0 for z in linear_hidden for v in z.flat]) if linear_hidden \
            else z3.BoolVal(True)
        agree = z3.And(*[a == b for a, b in zip(nonlinear.flat, linear.flat, strict=True)])
        return cone, agree

    def sufficient() -> tuple[list[z3.BoolRef], z3.BoolRef]:
        cone, agree = region(_z3_input(shape))
        return [cone], agree

    def exact() -> tuple[list[z3.BoolRef], z3.BoolRef]:
        cone, agree = region(_z3_input(shape))
        return [agree], cone

    results = {"sufficient": prove(f"region-sufficient/{sigma}", sufficient)}
    if exact_direction:
        results["exact"] = prove(f"region-exact/{sigma}", exact)
    return results


def numeric_search(cascade: Cascade, sigma: str | Activation, *, trials: int = 200,
                   seed: int = 0) -> dict[str, Any] | None:
    """For large instances: float64 random kernels and inputs; report the first additivity
    violation larger than a tolerance of 1e-9 * (|f(x)| + |f(y)| + |f(x+y)|) (float rounding in
    these few operations is ~1e-15 relative, so a violation above that is real)."""
    rng = np.random.default_rng(seed)
    for trial in range(trials):
        kernels = [rng.standard_normal(layer.sizes) for layer in cascade.layers]
        shape = tuple(e + 2 for e in cascade.extent)
        x, y = rng.standard_normal(shape), rng.standard_normal(shape)
        fx, fy, fxy = (apply_cascade(v, kernels, cascade, sigma)[0] for v in (x, y, x + y))
        gap = np.abs(fxy - fx - fy)
        scale = np.abs(fx) + np.abs(fy) + np.abs(fxy)
        if np.any(gap > 1e-9 * scale + 1e-300):
            return {"trial": trial, "seed": seed, "max_violation": float(gap.max()),
                    "tolerance": "1e-9 * (|f(x)| + |f(y)| + |f(x+y)|) entrywise"}
    return None


# -- the Kronecker identity for a nonlinear cascade -----------------------------------------
def identity_result(cascade: Cascade, engine: Engine, start: float) -> IdentityResult:
    """The Kronecker identity for a nonlinear cascade: refuted by a homogeneity or additivity
    counterexample (no convolution is nonlinear)."""
    example = find_counterexample(cascade)
    if example is None:
        raise invalid("nonlinearity", "none", "a nonlinearity between at least two layers")
    detail = (f"not a convolution with any kernel: {example.property} fails (every "
              "convolution is linear); found by the executable semantics, re-checked by the naive "
              "reference")
    return IdentityResult(False, engine.name, "counterexample", detail, cascade.extent,
                          predicted_extent(cascade), time.perf_counter() - start,
                          f"{example.property} violated",
                          {"structure": "nonlinear", "counterexample": to_json(example)})
