"""Nonlinear cascades: counterexamples re-checked by the reference, z3 regions, wrong twins."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from kronconv import Cascade
from kronconv.errors import InvalidParameterError
from kronconv.kronecker import nonlinear as nl


@pytest.mark.parametrize("sigma", ["relu", "leaky_relu", "tanh", "sigmoid"])
@pytest.mark.parametrize("dims", [1, 2])
def test_counterexample_for_every_nonlinearity(sigma: str, dims: int) -> None:
    cascade = Cascade.from_schedule([3, 3], [1, 3], dims=dims, nonlinearity=sigma)
    example = nl.find_counterexample(cascade)
    assert example is not None and "reference" in example.rechecked_by


def test_linear_twin_has_no_counterexample() -> None:
    assert nl.find_counterexample(Cascade.from_schedule([3, 3], [1, 3], dims=1)) is None
    linear_user = nl.find_counterexample(Cascade.from_schedule([2, 2], [1, 2], dims=1),
                                         lambda v: v * 3)
    assert linear_user is None


def test_user_function_counterexample() -> None:
    example = nl.find_counterexample(Cascade.from_schedule([2, 2], [1, 2], dims=1),
                                     lambda v: v * v)
    assert example is not None


def test_unknown_nonlinearity_is_one_clear_error() -> None:
    with pytest.raises(InvalidParameterError, match="nonlinearity='softplus'"):
        nl.activation("softplus")


def _instance() -> tuple[Cascade, list[np.ndarray]]:
    cascade = Cascade.from_schedule([2, 2], [1, 2], dims=1, nonlinearity="relu")
    return cascade, [np.array([1, -2], dtype=object), np.array([3, 1], dtype=object)]


def test_z3_finds_counterexample_and_reference_confirms() -> None:
    cascade, kernels = _instance()
    found = nl.z3_not_linear(cascade, kernels, (3,))
    assert found.status == "counterexample"
    x = np.array([Fraction(found.model.get(f"x_{i}", "0")) for i in range(3)], dtype=object)
    plus = nl.apply_cascade(x, kernels, cascade, reference=True)[0]
    minus = nl.apply_cascade(-x, kernels, cascade, reference=True)[0]
    assert np.any(minus != -plus)


def test_z3_region_and_its_wrong_twin() -> None:
    cascade, kernels = _instance()
    region = nl.z3_region(cascade, kernels, (3,))
    assert region["sufficient"].proved and region["exact"].proved
    # Wrong twin: claim agreement where pre-activations are <= 0 instead.
    flipped = [k * -1 for k in kernels[:1]] + kernels[1:]
    x = np.array([Fraction(1), Fraction(0), Fraction(0)], dtype=object)
    nonlinear = nl.apply_cascade(x, flipped, cascade)[0]
    linear = nl.apply_cascade(x, flipped, nl.replace_nonlinearity(cascade, "none"))[0]
    assert np.any(nonlinear != linear)


def test_numeric_search_for_large_cascades() -> None:
    cascade = Cascade.from_schedule([3] * 3, [1, 3, 9], dims=1, nonlinearity="tanh")
    assert nl.numeric_search(cascade, "tanh", trials=3) is not None
    linear = Cascade.from_schedule([3] * 3, [1, 3, 9], dims=1)
    assert nl.numeric_search(linear, lambda v: v, trials=3) is None
