"""The Cascade -> Architecture bridge: the executable semantics running a cascade's architecture
agrees with the direct computation (the engines' dilated convolution layer by layer, summed over
channels) and with the naive references, on a table of cascades; corrupted bridges are caught."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import numpy as np
import pytest

from kronconv import Cascade, Layer
from kronconv.engines import ExactEngine, reference_dilated_conv
from kronconv.errors import InvalidParameterError
from kronconv.kronecker import multichannel as mc
from kronconv.kronecker import nonlinear as nl
from kronconv.semantics import evaluate, get_backend, reference_evaluate
from kronconv.specs import bridge

Conv = Callable[..., np.ndarray]


def _layers(sizes: list[Any], dilations: list[Any], **common: Any) -> Cascade:
    dims = common.pop("dims")
    channels = common.pop("channels", 1)
    return Cascade(tuple(Layer(dims=dims, kernel_size=a, dilation=d, in_channels=channels,
                               out_channels=channels, **common)
                         for a, d in zip(sizes, dilations, strict=True)))


# Cascades x (boundary, convention, channels, nonlinearity): every padding and the flip matter.
CASCADES = {
    "1d-full-conv": _layers([3, 2], [1, 3], dims=1),
    "1d-valid-corr": _layers([3, 3], [1, 3], dims=1, boundary="valid", convention="correlation"),
    "1d-same-conv-even-span": _layers([2, 4], [1, 2], dims=1, boundary="same"),
    "1d-circular-corr": _layers([3, 2], [2, 1], dims=1, boundary="circular",
                                convention="correlation"),
    "2d-anisotropic-same": _layers([(3, 2), (2, 3)], [(1, 2), (3, 1)], dims=2, boundary="same"),
    "2d-full-corr": _layers([2, 2, 2], [1, 2, 4], dims=2, convention="correlation"),
    "1d-2-channels-same": _layers([3, 2], [1, 3], dims=1, channels=2, boundary="same"),
    "2d-3-channels-full-corr": _layers([2, 2], [1, 2], dims=2, channels=3,
                                       convention="correlation"),
    "1d-relu-same": _layers([3, 3, 2], [1, 3, 1], dims=1, boundary="same", nonlinearity="relu"),
    "2d-leaky-full": _layers([2, 2], [1, 2], dims=2, nonlinearity="leaky_relu"),
}


def _kernels(cascade: Cascade, seed: int) -> list[np.ndarray]:
    """Asymmetric random integer kernels (out, in, *a) as Python ints."""
    rng = np.random.default_rng(seed)
    return [rng.integers(-4, 5, (layer.out_channels, layer.in_channels, *layer.sizes))
            .astype(object) for layer in cascade.layers]


def _input(cascade: Cascade, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed + 100)
    size = [e + 3 for e in cascade.extent]
    return rng.integers(-5, 6, (cascade.layers[0].in_channels, *size)).astype(object)


def direct(cascade: Cascade, kernels: list[np.ndarray], x: np.ndarray, conv: Conv) -> np.ndarray:
    """The direct computation the bridge replaces: per layer y_o = sum_i K[o, i] *_d x_i with one
    scalar dilated convolution ``conv``, then the layer's nonlinearity (not after the last)."""
    for index, (kernel, layer) in enumerate(zip(kernels, cascade.layers, strict=True)):
        x = np.stack([sum((conv(x[i], kernel[o, i], layer.dilations, layer.boundary,
                                layer.convention) for i in range(kernel.shape[1])),
                          np.zeros((), dtype=object))
                      for o in range(kernel.shape[0])])
        if layer.nonlinearity != "none" and index < len(kernels) - 1:
            x = np.vectorize(nl.activation(layer.nonlinearity), otypes=[object])(x)
    return x


def bridged(cascade: Cascade, kernels: list[np.ndarray], x: np.ndarray) -> np.ndarray:
    arch, weights = bridge.cascade_architecture(cascade), bridge.cascade_weights(cascade, kernels)
    return evaluate(arch, x[None], weights, get_backend("exact"))[0]


def bridged_reference(cascade: Cascade, kernels: list[np.ndarray], x: np.ndarray) -> np.ndarray:
    arch, weights = bridge.cascade_architecture(cascade), bridge.cascade_weights(cascade, kernels)
    return reference_evaluate(arch, x, weights)


@pytest.mark.parametrize("name", CASCADES)
@pytest.mark.parametrize("seed", [2, 3])
def test_semantics_through_the_bridge_equals_the_direct_computation(name: str, seed: int) -> None:
    cascade = CASCADES[name]
    kernels, x = _kernels(cascade, seed), _input(cascade, seed)
    expected = direct(cascade, kernels, x, ExactEngine().dilated_conv)
    assert np.any(expected != 0)  # not vacuous (a ReLU can kill everything)
    assert np.array_equal(direct(cascade, kernels, x, reference_dilated_conv), expected)
    assert np.array_equal(bridged(cascade, kernels, x), expected)
    assert np.array_equal(bridged_reference(cascade, kernels, x), expected)


ORIGINAL_WEIGHTS, ORIGINAL_PADDING = bridge.cascade_weights, bridge.layer_padding


def unflipped_weights(cascade: Cascade, kernels: Any) -> Any:
    """Corrupted bridge: the kernels are not flipped for the convolution convention."""
    return ORIGINAL_WEIGHTS(Cascade(tuple(replace(layer, convention="correlation")
                                          for layer in cascade.layers)), kernels)


def swapped_split(layer: Layer) -> tuple[tuple[int, int], ...]:
    """Corrupted bridge: 'same' padding with the larger half first (not PyTorch's split)."""
    return tuple((after, before) for before, after in ORIGINAL_PADDING(layer))


CORRUPTIONS = {"unflipped kernel": ("cascade_weights", unflipped_weights,
                                    ["1d-full-conv", "1d-same-conv-even-span",
                                     "1d-2-channels-same", "1d-relu-same"]),
               "same split swapped": ("layer_padding", swapped_split,
                                      ["1d-same-conv-even-span", "2d-anisotropic-same"])}


@pytest.mark.parametrize("corruption", CORRUPTIONS)
def test_a_corrupted_bridge_is_caught(corruption: str, monkeypatch: pytest.MonkeyPatch) -> None:
    attribute, function, cases = CORRUPTIONS[corruption]
    monkeypatch.setattr(bridge, attribute, function)
    for name in cases:
        cascade = CASCADES[name]
        kernels, x = _kernels(cascade, 2), _input(cascade, 2)
        expected = direct(cascade, kernels, x, ExactEngine().dilated_conv)
        assert not np.array_equal(bridged(cascade, kernels, x), expected), name


SCALAR = [name for name, c in CASCADES.items() if c.is_single_channel]


def _scalar_kernels(cascade: Cascade, seed: int) -> list[np.ndarray]:
    return [k[0, 0] for k in _kernels(cascade, seed)]


@pytest.mark.parametrize("name", SCALAR)
@pytest.mark.parametrize("sigma", ["relu", "leaky_relu", "tanh", "sigmoid"])
def test_nonlinear_cascades_run_through_the_semantics(name: str, sigma: str) -> None:
    # Exact rings: ints (relu, leaky: Fractions) and exact SymPy values (tanh, sigmoid); the
    # semantics against the naive reference convolution with the same activations.
    cascade = CASCADES[name]
    kernels, x = _scalar_kernels(cascade, 2), _input(cascade, 2)[0]
    fast, hidden = nl.apply_cascade(x, kernels, cascade, sigma)
    slow, slow_hidden = nl.apply_cascade(x, kernels, cascade, sigma, reference=True)
    assert fast.shape == slow.shape and len(hidden) == len(slow_hidden) == len(cascade) - 1
    for left, right in zip([fast, *hidden], [slow, *slow_hidden], strict=True):
        assert all(a == b for a, b in zip(left.flat, right.flat, strict=True))


@pytest.mark.parametrize("name", SCALAR)
def test_float_and_user_functions_through_the_semantics(name: str) -> None:
    # float64: the same sums in another order, so agreement to 1e-12 relative (entries O(10^3),
    # rounding ~1e-16 per operation over a few dozen operations).
    cascade = CASCADES[name]
    kernels = [k.astype(float) for k in _scalar_kernels(cascade, 3)]
    x = _input(cascade, 3)[0].astype(float)
    for sigma in ("tanh", lambda v: v * v - 1):
        fast = nl.apply_cascade(x, kernels, cascade, sigma)[0]
        slow = nl.apply_cascade(x, kernels, cascade, sigma, reference=True)[0]
        assert fast.dtype == float and np.allclose(fast, slow, rtol=1e-12, atol=1e-12)


def test_a_corrupted_bridge_is_caught_by_the_nonlinear_and_multichannel_checks(
        monkeypatch: pytest.MonkeyPatch) -> None:
    cascade = CASCADES["1d-relu-same"]
    kernels, x = _scalar_kernels(cascade, 2), _input(cascade, 2)[0]
    multichannel = _layers([2, 2], [1, 2], dims=1, channels=2)
    assert mc.check_generalised_identity(multichannel, "exact")[0]
    monkeypatch.setattr(bridge, "cascade_weights", unflipped_weights)
    assert not np.array_equal(nl.apply_cascade(x, kernels, cascade)[0],
                              nl.apply_cascade(x, kernels, cascade, reference=True)[0])
    assert not mc.check_generalised_identity(multichannel, "exact")[0]


def test_bridge_names_a_wrong_kernel_shape() -> None:
    cascade = CASCADES["1d-full-conv"]
    with pytest.raises(InvalidParameterError, match=r"kernels\[1\]\.shape"):
        bridge.cascade_weights(cascade, [np.ones(3), np.ones(3)])
    with pytest.raises(InvalidParameterError, match="kernels"):
        bridge.cascade_weights(cascade, [np.ones(3)])


def test_the_architecture_of_a_cascade() -> None:
    arch = bridge.cascade_architecture(CASCADES["1d-relu-same"])
    assert [(n.id, n.op) for n in arch.nodes] == [
        ("input", "input"), ("conv0", "conv"), ("relu0", "relu"), ("conv1", "conv"),
        ("relu1", "relu"), ("conv2", "conv")]
    assert [n.padding for n in arch.nodes if n.op == "conv"] == [((1, 1),), ((3, 3),), ((0, 1),)]


@pytest.mark.parametrize("name", CASCADES)
def test_pytorch_runs_the_bridged_architecture_like_the_direct_computation(name: str) -> None:
    # PyTorch's own conv (a cross-correlation), its F.pad (zeros / circular) and activations on
    # the bridge's nodes and weights. Entries are small integers (and multiples of 1/100 after a
    # leaky ReLU), so float64 is exact up to rounding ~1e-16 relative: tolerance 1e-9.
    torch = pytest.importorskip("torch")
    functional = torch.nn.functional
    cascade = CASCADES[name]
    kernels, x = _kernels(cascade, 2), _input(cascade, 2)
    arch, weights = bridge.cascade_architecture(cascade), bridge.cascade_weights(cascade, kernels)
    conv = {1: functional.conv1d, 2: functional.conv2d}[cascade.dims]
    y = torch.tensor(x.astype(np.float64))[None]
    for node in arch.nodes[1:]:
        if node.op == "conv":
            widths = [p for pair in reversed(node.padding) for p in pair]  # last axis first
            y = functional.pad(y, widths, mode="circular" if node.padding_mode == "circular"
                               else "constant")
            weight = torch.tensor(weights[node.id]["weight"].astype(np.float64))
            y = conv(y, weight, dilation=node.dilation)
        elif node.op == "relu":
            y = functional.relu(y)
        else:
            y = functional.leaky_relu(y, node.negative_slope)
    expected = direct(cascade, kernels, x, ExactEngine().dilated_conv).astype(float)
    assert np.allclose(y[0].numpy(), expected, rtol=1e-9, atol=1e-9)
