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
from typing import Any

import numpy as np

from kronconv.engines import (
    Comparison,
    Engine,
    ExactEngine,
    FloatEngine,
    SymbolicEngine,
    get_engine,
    reference_dilated_conv,
)
from kronconv.errors import check_choice, check_memory, invalid
from kronconv.kronecker.boundary import boundary_relation
from kronconv.kronecker.result import IdentityResult, predicted_extent
from kronconv.serialize import to_json
from kronconv.specs import Cascade

FACTOR_ORDERS = ("most-dilated-first", "reversed")


def kronecker_factors(kernels: Sequence[np.ndarray],
                      factor_order: str = "most-dilated-first") -> list[np.ndarray]:
    """The factors of K_L kron ... kron K_0, left to right: the most dilated (last) layer is
    the leftmost factor (or the reverse, for the wrong twin ``reversed``)."""
    check_choice("factor_order", factor_order, FACTOR_ORDERS)
    return list(kernels)[::-1] if factor_order == "most-dilated-first" else list(kernels)


def kronecker_prediction(engine: Engine, kernels: Sequence[np.ndarray],
                         factor_order: str = "most-dilated-first") -> np.ndarray:
    """K_L kron ... kron K_0: the most dilated (last) layer is the leftmost factor."""
    return engine.kron(*kronecker_factors(kernels, factor_order))


def _dilations(cascade: Cascade) -> list[tuple[int, ...]]:
    return [layer.dilations for layer in cascade.layers]


def _check_uniform(cascade: Cascade) -> None:
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
    # 1. Validate and refuse sizes that would not fit in memory; route nonlinear and
    #    multichannel cascades to their own analyses.
    engine = get_engine(engine) if isinstance(engine, str) else engine
    _check_uniform(cascade)
    check_memory(f"the kernels of {len(cascade.layers)} layers", cascade.parameters,
                 engine.element_bytes())
    if not cascade.is_linear:
        from kronconv.kronecker import nonlinear

        return nonlinear.identity_result(cascade, engine, start)
    if not cascade.is_single_channel:
        from kronconv.kronecker import multichannel

        return multichannel.identity_result(cascade, engine, seed, start)
    extent, prediction_extent = cascade.extent, predicted_extent(cascade)
    boundary = cascade.layers[0].boundary
    check_memory(f"the composite kernel of extent {list(extent)}",
                 max(math.prod(extent), math.prod(prediction_extent)),
                 engine.element_bytes(boundary))
    # 2. Compare kernels (full) or outputs on a generic input (other boundaries), at each of
    #    the engine's independent points (seeds seed, seed + 1, ...) until one differs.
    extra: dict[str, Any] = {}
    for trial in range(engine.trials):
        comparison = _compare_once(engine, cascade, seed + trial, factor_order, input_shape,
                                   extra)
        if not comparison.equal:
            break
    note = engine.evidence(cascade, seed)
    seeds = f"seed {seed}" if engine.trials == 1 else f"seeds {seed}..{seed + engine.trials - 1}"
    detail = f"{note.detail}; {seeds}" if note.kind == "randomized" else note.detail
    if boundary != "full":
        detail += f"; outputs compared on one generic input of shape {extra['input_shape']}"
    extra.update(_structure_keys(cascade, seed))
    if not comparison.equal:
        # The naive re-check costs (kernel entries)^2 loop steps: only for readable sizes.
        if max(math.prod(extent), math.prod(prediction_extent)) <= COUNTEREXAMPLE_MAX_ENTRIES:
            extra["counterexample"] = linear_counterexample(cascade)
            detail = (f"{engine.name} engine: {comparison.detail}; explicit counterexample "
                      "(exact integers, fast engine) re-checked by the naive reference")
        else:
            extra["counterexample"] = None
            detail = (f"{engine.name} engine: {comparison.detail}; no readable counterexample "
                      f"searched: kernels over {COUNTEREXAMPLE_MAX_ENTRIES} entries")
    if boundary in ("same", "circular"):
        extra["boundary"] = to_json(boundary_relation(cascade, extra.get("input_shape") or [
            e + 1 for e in extent]))
    return IdentityResult(comparison.equal, engine.name, note.kind, detail, extent,
                          prediction_extent, time.perf_counter() - start, comparison.detail,
                          extra, note.error_bound)


def _compare_once(engine: Engine, cascade: Cascade, seed: int, factor_order: str,
                  input_shape: Sequence[int] | None, extra: dict[str, Any]) -> Comparison:
    """Kernels drawn from ``seed`` and the predicted single kernel, compared once."""
    convention, boundary = cascade.layers[0].convention, cascade.layers[0].boundary
    kernels = engine.kernels(cascade, seed=seed)
    factors = kronecker_factors(kernels, factor_order)
    if boundary == "full" and isinstance(engine, FloatEngine):
        left = engine.composite(kernels, _dilations(cascade), convention)
        return _float_compare(engine, cascade, kernels, left, engine.kron(*factors))
    if boundary == "full":
        return engine.compare_kronecker(kernels, _dilations(cascade), factors, convention)
    comparison, shape = _compare_on_input(engine, cascade, kernels, engine.kron(*factors), seed,
                                          input_shape)
    extra["input_shape"] = list(shape)
    return comparison


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
        kernels, predicted, x = _integer_input(engine, cascade, kernels, predicted, shape, seed)
    left = engine.apply_cascade(x, kernels, _dilations(cascade), boundary, convention)
    right = engine.dilated_conv(x, predicted, 1, boundary, convention)
    return engine.compare(left, right), shape


INPUT_BOUND = 2**15


def _integer_input(engine: Engine, cascade: Cascade, kernels: Sequence[np.ndarray],
                   predicted: np.ndarray, shape: Sequence[int], seed: int
                   ) -> tuple[list[np.ndarray], np.ndarray, np.ndarray]:
    """The seeded input, entries in [0, 2^15) (residues for the modular engine, small integers
    otherwise), in the kernels' dtype. The exact engine chose int64 kernels from their own bound
    B = prod_l taps_l R; an output entry is at most 2^15 B, so when that could overflow int64 the
    kernels, the predicted kernel and the input all become Python ints."""
    x = np.random.default_rng(seed + 1).integers(0, INPUT_BOUND, tuple(shape))
    if isinstance(engine, ExactEngine) and not engine.fits_int64(cascade, INPUT_BOUND):
        kernels, predicted = [k.astype(object) for k in kernels], predicted.astype(object)
    return list(kernels), predicted, x.astype(kernels[0].dtype)


# -- structure, Kronecker rank and counterexamples (where the identity fails) ----------------
RANK_MAGNITUDE = 2**15
COUNTEREXAMPLE_MAX_ENTRIES = 2_000


def _structure_keys(cascade: Cascade, seed: int) -> dict[str, Any]:
    """``structure`` (derived condition), ``structure_detail`` and ``kronecker_rank`` of one
    seeded integer instance (exact rank over Q: a lower bound on the generic rank), with the
    upper bound that holds for every kernel; equal bounds prove the generic rank."""
    from kronconv.kronecker.structure import (
        kronecker_rank,
        kronecker_rank_bound,
        natural_block,
        predict_structure,
    )

    structure = predict_structure(cascade)
    out: dict[str, Any] = {"structure": structure.kind, "structure_detail": to_json(structure)}
    if math.prod(cascade.extent) <= 40_000:
        rng = np.random.default_rng(seed)
        kernels = [rng.integers(-RANK_MAGNITUDE, RANK_MAGNITUDE, layer.sizes).astype(object)
                   for layer in cascade.layers]
        composite = ExactEngine().composite(kernels, _dilations(cascade))
        rank = kronecker_rank(composite, natural_block(cascade))
        bound = kronecker_rank_bound(cascade)
        out["kronecker_rank"] = rank.rank
        # The exact rank at one point is a lower bound on the generic rank; the block count is
        # an upper bound for every kernel. When they meet, the generic rank is proved.
        out["kronecker_rank_detail"] = {
            **to_json(rank), "seed": seed, "upper_bound": bound,
            "generic": ("the generic rank: the exact rank at one integer point meets the upper "
                        "bound that holds for every kernel (proof)") if rank.rank == bound else
                       ("a lower bound on the generic rank from one integer point (the upper "
                        f"bound for every kernel is {bound})")}
    return out


def _impulse(shape: Sequence[int], at: Sequence[int]) -> np.ndarray:
    array = np.zeros(tuple(shape), dtype=object)
    array[tuple(at)] = 1
    return array


def _run_both(cascade: Cascade, kernels: Sequence[np.ndarray], x: np.ndarray,
              reference: bool) -> tuple[np.ndarray, np.ndarray]:
    """(cascade output, single convolution with K_L kron ... kron K_0) on x."""
    convention, boundary = cascade.layers[0].convention, cascade.layers[0].boundary
    predicted = np.asarray(kronecker_prediction(ExactEngine(), kernels), dtype=object)
    conv = reference_dilated_conv if reference else ExactEngine().dilated_conv
    left = x
    for kernel, layer in zip(kernels, cascade.layers, strict=True):
        left = conv(left, kernel, layer.dilations, boundary, convention)
    return left, conv(x, predicted, 1, boundary, convention)


def _differ(left: np.ndarray, right: np.ndarray) -> bool:
    return left.shape != right.shape or bool(np.any(left != right))


def _differ_in_common(left: np.ndarray, right: np.ndarray) -> bool:
    common = tuple(slice(0, min(a, b)) for a, b in zip(left.shape, right.shape, strict=True))
    return bool(np.any(left[common] != right[common]))


def _sparse(array: np.ndarray) -> dict[str, Any]:
    return {"shape": list(array.shape),
            "nonzero": {",".join(map(str, index)): int(array[index])
                        for index in np.ndindex(*array.shape) if array[index] != 0}}


def linear_counterexample(cascade: Cascade, *, tries: int = 40) -> dict[str, Any] | None:
    """Readable kernels and input on which the cascade and the single convolution with
    K_L kron ... kron K_0 differ: first unit impulses (the last tap of one layer), then small
    random integers. Found with the fast engine, re-checked with the naive reference."""
    dims = cascade.dims
    candidates: list[tuple[list[np.ndarray], np.ndarray]] = []
    shape = [e + 1 for e in cascade.extent] if cascade.layers[0].boundary != "full" else [1] * dims
    for level in reversed(range(len(cascade.layers))):
        kernels = [_impulse(layer.sizes, [a - 1 for a in layer.sizes] if i == level
                            else [0] * dims) for i, layer in enumerate(cascade.layers)]
        candidates.append((kernels, _impulse(shape, [0] * dims)))
    rng = np.random.default_rng(0)
    for _ in range(tries):
        kernels = [rng.integers(-2, 3, layer.sizes).astype(object) for layer in cascade.layers]
        candidates.append((kernels, rng.integers(-3, 4, shape).astype(object)))
    # Prefer outputs that differ in value where both are defined, not only in shape.
    ranked = sorted(candidates, key=lambda c: not _differ_in_common(
        *_run_both(cascade, c[0], c[1], reference=False)))
    for kernels, x in ranked:
        left, right = _run_both(cascade, kernels, x, reference=False)
        if not _differ(left, right):
            continue
        again = _run_both(cascade, kernels, x, reference=True)
        if not _differ(*again) or not (np.array_equal(again[0], left)
                                       and np.array_equal(again[1], right)):
            raise AssertionError("the naive reference does not confirm the counterexample")
        return {"kernels": [k.tolist() for k in kernels], "input": x.tolist(),
                "cascade_output": _sparse(left), "kronecker_output": _sparse(right),
                "found_by": "exact integers, fast engine (kronconv.engines.conv)",
                "rechecked_by": "naive reference (kronconv.engines.reference_dilated_conv)"}
    return None


