"""Checking the cascade Kronecker identity for one configuration with one engine.

Full boundaries (the default): the composite kernel C of the cascade (its impulse response) is
compared exactly with the prediction K_L kron ... kron K_0. Both sides are linear and shift
invariant in the input, so equal impulse responses mean equal outputs for every finitely
supported input. Other boundaries: the cascade and the single convolution with the prediction
are applied to one generic input (symbols, or seeded random numbers) and compared.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from kronconv.engines import Comparison, Engine, FloatEngine, SymbolicEngine, get_engine
from kronconv.errors import check_choice, check_memory, invalid
from kronconv.specs import Cascade

FACTOR_ORDERS = ("most-dilated-first", "reversed")


@dataclass(frozen=True)
class IdentityResult:
    """What ``check_identity`` found; ``to_json`` is what ``kronconv identity --json`` prints."""

    holds: bool
    engine: str
    kind: str
    detail: str
    kernel_extent: tuple[int, ...]
    predicted_extent: tuple[int, ...]
    seconds: float
    comparison: str
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        # A failed equality at a point is not a randomized "proof" of anything: it refutes.
        kind = self.kind if self.holds else "counterexample"
        return {"holds": self.holds, "engine": self.engine,
                "evidence": {"kind": kind, "detail": self.detail},
                "kernel_extent": list(self.kernel_extent),
                "predicted_extent": list(self.predicted_extent),
                "comparison": self.comparison, "seconds": round(self.seconds, 4), **self.extra}


def kronecker_prediction(engine: Engine, kernels: Sequence[np.ndarray],
                         factor_order: str = "most-dilated-first") -> np.ndarray:
    """K_L kron ... kron K_0: the most dilated (last) layer is the leftmost factor."""
    check_choice("factor_order", factor_order, FACTOR_ORDERS)
    ordered = list(kernels)[::-1] if factor_order == "most-dilated-first" else list(kernels)
    return engine.kron(*ordered)


def _dilations(cascade: Cascade) -> list[tuple[int, ...]]:
    return [layer.dilations for layer in cascade.layers]


def _predicted_extent(cascade: Cascade) -> tuple[int, ...]:
    return tuple(math.prod(layer.sizes[axis] for layer in cascade.layers)
                 for axis in range(cascade.dims))


def _check_supported(cascade: Cascade) -> None:
    if not cascade.is_linear:
        names = sorted({layer.nonlinearity for layer in cascade.layers} - {"none"})
        raise invalid("nonlinearity", names[0], "'none' for the Kronecker identity check")
    if not cascade.is_single_channel:
        raise invalid("channels", cascade.layers[0].out_channels,
                      "1 for the scalar Kronecker identity check")
    conventions = {layer.convention for layer in cascade.layers}
    boundaries = {layer.boundary for layer in cascade.layers}
    if len(conventions) > 1 or len(boundaries) > 1:
        raise invalid("layers", "mixed conventions or boundaries",
                      "one convention and one boundary handling for the whole cascade")


def _float_compare(engine: FloatEngine, cascade: Cascade, kernels: Sequence[np.ndarray],
                   left: np.ndarray, right: np.ndarray) -> Comparison:
    # The same computation on |K| bounds the magnitude of every exact intermediate sum.
    magnitude = engine.composite([np.abs(k) for k in kernels], _dilations(cascade),
                                 cascade.layers[0].convention)
    if magnitude.shape != right.shape:
        return engine.compare(left, right)
    operations = sum(math.prod(layer.sizes) for layer in cascade.layers) + len(cascade.layers)
    return engine.compare_within(left, right, magnitude, operations)


def check_identity(cascade: Cascade, engine: str | Engine = "symbolic", *, seed: int = 0,
                   factor_order: str = "most-dilated-first",
                   input_shape: Sequence[int] | None = None) -> IdentityResult:
    """Does the cascade equal one convolution with K_L kron ... kron K_0?"""
    start = time.perf_counter()
    # 1. Validate and refuse sizes that would not fit in memory.
    engine = get_engine(engine) if isinstance(engine, str) else engine
    _check_supported(cascade)
    extent, predicted_extent = cascade.extent, _predicted_extent(cascade)
    check_memory(f"the composite kernel of extent {list(extent)}",
                 max(math.prod(extent), math.prod(predicted_extent)), engine.element_bytes())
    convention, boundary = cascade.layers[0].convention, cascade.layers[0].boundary
    # 2. Kernels and the predicted single kernel.
    kernels = engine.kernels(cascade, seed=seed)
    predicted = kronecker_prediction(engine, kernels, factor_order)
    # 3. Compare kernels (full) or outputs on a generic input (other boundaries).
    extra: dict[str, Any] = {}
    if boundary == "full":
        left = engine.composite(kernels, _dilations(cascade), convention)
        if isinstance(engine, FloatEngine):
            comparison = _float_compare(engine, cascade, kernels, left, predicted)
        else:
            comparison = engine.compare(left, predicted)
    else:
        comparison, shape = _compare_on_input(engine, cascade, kernels, predicted, seed,
                                              input_shape)
        extra["input_shape"] = list(shape)
    note = engine.evidence(cascade)
    detail = f"{note.detail}; seed {seed}" if note.kind == "randomized" else note.detail
    if boundary != "full":
        detail += f"; outputs compared on one generic input of shape {extra['input_shape']}"
    return IdentityResult(comparison.equal, engine.name, note.kind, detail, extent,
                          predicted_extent, time.perf_counter() - start, comparison.detail,
                          extra)


def _compare_on_input(engine: Engine, cascade: Cascade, kernels: Sequence[np.ndarray],
                      predicted: np.ndarray, seed: int,
                      input_shape: Sequence[int] | None) -> tuple[Comparison, tuple[int, ...]]:
    convention, boundary = cascade.layers[0].convention, cascade.layers[0].boundary
    shape = tuple(input_shape) if input_shape is not None else tuple(e + 1 for e in
                                                                     cascade.extent)
    if isinstance(engine, SymbolicEngine):
        kernels, x = engine.with_symbolic_input(list(kernels), shape)
        predicted = kronecker_prediction(engine, kernels[::-1], "reversed")
    else:
        if isinstance(engine, FloatEngine):
            raise invalid("engine", "float", "an exact engine for boundary "
                          f"'{boundary}' (symbolic, exact or modular)")
        # Input entries in [0, 2^15): residues for the modular engine, small integers otherwise;
        # same dtype as the kernels (Python ints when int64 could overflow).
        rng = np.random.default_rng(seed + 1)
        x = rng.integers(0, 2**15, shape).astype(kernels[0].dtype)
    left = engine.apply_cascade(x, kernels, _dilations(cascade), boundary, convention)
    right = engine.dilated_conv(x, predicted, 1, boundary, convention)
    return engine.compare(left, right), shape
