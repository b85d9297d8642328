"""Tests that kill mutants which survived `make mutation` (issue 11) in the executable semantics:
the fast path against the naive reference, activations, shapes."""

from __future__ import annotations

import math

import numpy as np
import pytest

from kronconv.errors import InvalidParameterError


def _fast_and_reference(layers: list[dict[str, object]], x: np.ndarray, dims: int = 1,
                        backend: str = "exact") -> tuple[np.ndarray, np.ndarray]:
    """The architecture's output on the batch x by the executable semantics and, sample by
    sample, by the naive reference (which shares no code with it)."""
    from kronconv.semantics import evaluate, get_backend, random_weights, reference_evaluate
    from kronconv.specs.architecture import parse_architecture

    arch = parse_architecture({"dims": dims, "in_channels": x.shape[1], "layers": layers})
    weights = random_weights(arch, 0)
    fast = evaluate(arch, x, weights, get_backend(backend))
    return fast, np.stack([reference_evaluate(arch, xi, weights) for xi in x])


def test_conv_transpose_padded_and_without_bias_matches_the_reference() -> None:
    """conv_transpose with padding 1 and no bias (the scatter canvas is the full uncropped
    length, cropped after), in int64 where the bound fits, against the naive reference."""
    x = np.random.default_rng(1).integers(-9, 10, (2, 1, 5))
    fast, ref = _fast_and_reference([{"op": "conv_transpose", "kernel_size": 3, "stride": 2,
                                      "padding": 1, "bias": False}], x)
    assert fast.dtype == np.int64 and (fast == ref).all()


def test_conv_transpose_switches_to_python_ints_before_int64_overflows() -> None:
    """Inputs 2^31 times weights 2^31, two taps meeting: 2^63 overflows int64; the exact
    backend's bound (|x| |w| taps = 2^63) sees it and computes in Python ints, as the
    reference does."""
    from kronconv.semantics import evaluate, get_backend, reference_evaluate
    from kronconv.specs.architecture import parse_architecture

    arch = parse_architecture({"dims": 1, "layers": [
        {"op": "conv_transpose", "id": "t", "kernel_size": 2, "bias": False}]})
    weights = {"t": {"weight": np.full((1, 1, 2), 2**31, dtype=np.int64)}}
    x = np.full((1, 1, 3), 2**31, dtype=np.int64)
    fast = evaluate(arch, x, weights, get_backend("exact"))
    assert [int(v) for v in fast.ravel()] == [2**62, 2**63, 2**63, 2**62]
    assert (fast[0] == reference_evaluate(arch, x[0], weights)).all()


def test_float_avgpool_and_grouped_conv_match_the_reference() -> None:
    """A float average (total / count) and a grouped conv and conv_transpose (4 channels in 2
    groups of 2: group g reads channels 2g, 2g + 1), fast against the reference."""
    x = np.random.default_rng(2).standard_normal((1, 1, 6))
    fast, ref = _fast_and_reference([{"op": "avgpool", "kernel_size": 2, "stride": 2}], x,
                                    backend="float")
    assert np.allclose(fast, ref.astype(float), rtol=1e-12, atol=0)
    assert math.isclose(fast[0, 0, 0], x[0, 0, :2].mean(), rel_tol=1e-12)
    x4 = np.random.default_rng(3).integers(-9, 10, (1, 4, 5))
    for op in ("conv", "conv_transpose"):
        fast, ref = _fast_and_reference([{"op": op, "kernel_size": 3, "out_channels": 2,
                                          "groups": 2}], x4)
        assert (fast == ref).all()


def test_unpooling_windows_with_gaps_matches_the_reference() -> None:
    """maxpool with kernel 2 < stride 3 (gaps between windows), then maxunpool: tap t of the
    m = 2 windows lands on positions t and t + 3 only, of the unpooled length 7 (the input's: its
    last entry is in no window)."""
    x = np.random.default_rng(7).integers(-9, 10, (2, 1, 7))
    fast, ref = _fast_and_reference([{"op": "maxpool", "id": "p", "kernel_size": 2, "stride": 3},
                                     {"op": "maxunpool", "indices": "p", "kernel_size": 2,
                                      "stride": 3}], x)
    assert fast.shape == ref.shape == (2, 1, 7) and (fast == ref).all()


def test_float_activations() -> None:
    """sigmoid(0) = 1/2, sigmoid(2) = 1 / (1 + e^-2); leaky_relu(-2, 0.01) = -0.02; on Python
    ints (SymPy loaded) relu stays an int."""
    from kronconv.semantics.backends import leaky_relu, relu, sigmoid

    assert sigmoid(0.0) == 0.5 and math.isclose(sigmoid(2.0), 1 / (1 + math.exp(-2.0)))
    assert math.isclose(leaky_relu(-2.0, 0.01), -0.02) and leaky_relu(3.0, 0.01) == 3.0
    assert type(relu(5)) is int and relu(-5) == 0 and type(relu(-5)) is int


def test_evaluate_refuses_a_channel_count_other_than_the_architectures() -> None:
    """An input with more channels than the architecture's is refused, naming x.shape."""
    from kronconv.semantics import evaluate, get_backend, random_weights
    from kronconv.specs.architecture import parse_architecture

    arch = parse_architecture({"dims": 1, "layers": [{"op": "conv", "kernel_size": 3}]})
    with pytest.raises(InvalidParameterError, match=r"^x\.shape=\(1, 2, 5\) is invalid"):
        evaluate(arch, np.zeros((1, 2, 5), dtype=np.int64), random_weights(arch, 0),
                 get_backend("exact"))


def test_ceil_mode_drops_a_window_that_starts_in_the_right_padding() -> None:
    """PyTorch's ceil_mode: n = 5, kernel 3, stride 3, padding 1 gives ceil(4/3) + 1 = 3
    windows, but the third would start at 6 >= n + padding: 2 windows."""
    from kronconv.semantics.shapes import window_count

    assert window_count(5, (1, 1), 3, 3, ceil_mode=True) == 2
    assert window_count(5, (0, 0), 2, 2, ceil_mode=True) == 3  # starts at 4 < 5: kept


def test_circular_padding_wider_than_the_input_is_refused() -> None:
    """A circular conv cannot wrap more than the input's length (PyTorch refuses it too)."""
    from kronconv.semantics.shapes import node_sizes
    from kronconv.specs.architecture import parse_architecture

    arch = parse_architecture({"dims": 1, "layers": [
        {"op": "conv", "kernel_size": 7, "padding": 3, "padding_mode": "circular"}]})
    with pytest.raises(InvalidParameterError, match="fewer than its circular padding 3"):
        node_sizes(arch, 2)
    assert node_sizes(arch, 3)


def test_conv_whose_bias_brings_the_bound_to_2_62_computes_in_python_ints() -> None:
    """The exact backend keeps int64 only while |x| |w| taps + |b| stays under INT64_SAFE = 2^62
    (kronconv.arith). Here 2^61 * 1 * 1 + 2^61 = 2^62 is not under it: Python ints, and the
    value 2^62, as the naive reference computes it."""
    from kronconv.semantics import evaluate, get_backend, reference_evaluate
    from kronconv.specs.architecture import parse_architecture

    arch = parse_architecture({"dims": 1, "layers": [{"op": "conv", "id": "c", "kernel_size": 1}]})
    weights = {"c": {"weight": np.ones((1, 1, 1), dtype=np.int64),
                     "bias": np.array([2**61], dtype=np.int64)}}
    x = np.full((1, 1, 2), 2**61, dtype=np.int64)
    fast = evaluate(arch, x, weights, get_backend("exact"))
    assert fast.dtype == object and [int(v) for v in fast.ravel()] == [2**62, 2**62]
    assert (fast[0] == reference_evaluate(arch, x[0], weights)).all()


def test_float_avgpool_of_integers_is_the_correctly_rounded_mean() -> None:
    """With one divisor for every window the float average is total / count: one IEEE division
    of exactly representable integer sums, hence the exact mean (Fraction) correctly rounded
    (5/3 -> 1.6666666666666667; total * (1/3) would give ...65)."""
    from fractions import Fraction

    x = np.array([[[1, 2, 2, 4, -9, 5]]])
    fast, _ = _fast_and_reference([{"op": "avgpool", "kernel_size": 3, "stride": 1}], x,
                                  backend="float")
    windows = [x[0, 0, i:i + 3] for i in range(4)]
    assert fast.ravel().tolist() == [float(Fraction(int(w.sum()), 3)) for w in windows]


def test_float_hardswish_and_hardsigmoid_match_pytorchs_formula() -> None:
    """PyTorch: hardsigmoid(x) = relu6(x + 3) / 6 and hardswish(x) = x hardsigmoid(x); the float
    backend's values on [-4, 4] against that formula in Fractions (one rounding each: exact
    up to 2 ulp)."""
    from fractions import Fraction

    from kronconv.semantics import get_backend

    values = [-4.0, -3.0, -1.5, 0.0, 1.0, 2.5, 3.0, 4.0]
    gate = [min(max(Fraction(v) + 3, Fraction(0)), Fraction(6)) / 6 for v in values]
    backend = get_backend("float")
    x = np.array(values)
    assert np.allclose(backend.activation("hardsigmoid", x), [float(g) for g in gate],
                       rtol=4 * np.finfo(float).eps, atol=0)
    assert np.allclose(backend.activation("hardswish", x),
                       [float(g * Fraction(v)) for g, v in zip(gate, values, strict=True)],
                       rtol=4 * np.finfo(float).eps, atol=0)


def test_float_backend_refuses_an_opaque_pointwise_function() -> None:
    """An opaque ``pointwise`` function is known by its name only: the float backend refuses
    it (only z3 can keep it uninterpreted), whatever the name's place in the alphabet."""
    from kronconv.semantics import get_backend

    for name in ("softsign", "zeta", "abs"):
        with pytest.raises(InvalidParameterError,
                           match=rf"^backend='float' is invalid: expected 'z3' for the opaque "
                                 rf"pointwise function '{name}'"):
            get_backend("float").activation(name, np.zeros(2))


def test_a_window_longer_than_the_padded_input_is_refused_naming_the_padding() -> None:
    """A 7-tap conv with padding 2 on 2 entries: 2 + 4 < 7, refused naming the span 7 and the
    padding 2 + 2 = 4."""
    from kronconv.semantics.shapes import node_sizes
    from kronconv.specs.architecture import parse_architecture

    arch = parse_architecture({"dims": 1, "layers": [{"op": "conv", "kernel_size": 7,
                                                      "padding": 2}]})
    with pytest.raises(InvalidParameterError, match=r"fewer than its window span 7 minus its "
                                                    r"padding 4$"):
        node_sizes(arch, 2)
