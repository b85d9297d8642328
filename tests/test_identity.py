"""The Kronecker identity: holds across engines, and every wrong variant is rejected."""

from __future__ import annotations

import numpy as np
import pytest

from kronconv import Cascade, InvalidParameterError, ResourceLimitError, check_identity
from kronconv.engines import Engine, get_engine
from kronconv.kronecker.identity import kronecker_prediction

SIZES = [(1, 2, 4), (1, 3, 3), (2, 2, 3), (2, 3, 3), (3, 2, 2)]  # (dims, a, layers)


@pytest.mark.parametrize(("dims", "a", "layers"), SIZES)
@pytest.mark.parametrize("convention", ["convolution", "correlation"])
def test_identity_holds_in_every_engine(engine: Engine, dims: int, a: int, layers: int,
                                        convention: str) -> None:
    cascade = Cascade.exponential(a, layers, dims=dims, convention=convention)
    result = check_identity(cascade, engine)
    assert result.holds, result.comparison
    assert result.kernel_extent == (a**layers,) * dims
    assert result.kind == ("proof" if engine.name == "symbolic" else "randomized")


@pytest.mark.parametrize(("dims", "a", "layers"), SIZES)
def test_reversed_factor_order_is_rejected(engine: Engine, dims: int, a: int,
                                           layers: int) -> None:
    result = check_identity(Cascade.exponential(a, layers, dims=dims), engine,
                            factor_order="reversed")
    assert not result.holds


@pytest.mark.parametrize(("dims", "a", "layers"), SIZES)
def test_dilations_one_power_too_high_are_rejected(engine: Engine, dims: int, a: int,
                                                   layers: int) -> None:
    cascade = Cascade.exponential(a, layers, dims=dims)
    wrong = cascade.with_dilations([a ** (level + 1) for level in range(layers)])
    assert not check_identity(wrong, engine).holds


@pytest.mark.parametrize("shift", [-1, 1])
def test_kernel_extent_off_by_one_is_rejected(engine: Engine, shift: int) -> None:
    cascade = Cascade.exponential(2, 3, dims=1)
    kernels = engine.kernels(cascade)
    composite = engine.composite(kernels, [layer.dilations for layer in cascade.layers])
    predicted = kronecker_prediction(engine, kernels)
    # one entry more (a trailing zero) or one fewer: the comparison must notice the extent
    wrong = (np.concatenate([predicted, np.full(1, predicted.flat[0] * 0, dtype=predicted.dtype)])
             if shift > 0 else predicted[:-1])
    if engine.name != "float":  # float agreement needs the tolerance of check_identity
        assert engine.compare(composite, predicted).equal
    assert not engine.compare(composite, wrong).equal


def test_corrupted_engine_is_rejected(corrupted_engine: Engine) -> None:
    result = check_identity(Cascade.exponential(3, 3, dims=2), corrupted_engine)
    assert not result.holds


@pytest.mark.parametrize("boundary", ["valid", "circular"])
def test_identity_on_generic_inputs_for_other_boundaries(boundary: str) -> None:
    for engine in ("symbolic", "exact", "modular"):
        result = check_identity(Cascade.exponential(2, 3, dims=1, boundary=boundary), engine)
        assert result.holds, (engine, result.comparison)


def test_same_padding_breaks_the_identity_at_the_border() -> None:
    result = check_identity(Cascade.exponential(2, 3, dims=1, boundary="same"), "symbolic")
    assert not result.holds


def test_exact_engine_reaches_2187_squared_quickly() -> None:
    result = check_identity(Cascade.exponential(3, 7, dims=2), "modular")
    assert result.holds and result.kernel_extent == (2187, 2187)


def test_identity_refuses_impossible_sizes() -> None:
    with pytest.raises(ResourceLimitError, match="memory limit"):
        check_identity(Cascade.exponential(3, 40, dims=2), "exact")


def test_unknown_engine_lists_valid_names() -> None:
    with pytest.raises(InvalidParameterError, match="'symbolic', 'exact', 'modular', 'float'"):
        get_engine("sympy")
