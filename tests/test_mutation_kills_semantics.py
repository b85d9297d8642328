"""Tests that kill mutants which survived `make mutation` (issue 11) in the executable semantics:
the fast path against the naive reference, activations, shapes."""

from __future__ import annotations

import math
from fractions import Fraction

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


# -- every window op and parameter, fast against the reference against PyTorch ------------------
# One op per case (plus what it needs), small sizes, both boundary sides of each rule: stride,
# dilation, padding (zeros, circular), groups, bias, output_padding, ceil_mode (a last window
# kept / dropped), count_include_pad, 1-D and 2-D. Inputs are small integers: the exact fast path
# must equal the naive reference exactly, and PyTorch (float64) must equal both to 1e-9 (every
# value is an integer or a ratio of small integers, exactly representable or rounded once).
TORCH_CASES: dict[str, tuple[int, int, tuple[int, ...], list[dict[str, object]]]] = {
    # name: (dims, in_channels, spatial size, layers)
    "conv strided dilated padded": (1, 2, (9,), [
        {"op": "conv", "kernel_size": 3, "stride": 2, "dilation": 2, "padding": 2,
         "out_channels": 3}]),
    "conv no bias stride 3": (1, 1, (10,), [
        {"op": "conv", "kernel_size": 2, "stride": 3, "bias": False}]),
    "conv circular": (1, 1, (6,), [
        {"op": "conv", "kernel_size": 5, "padding": 2, "padding_mode": "circular"}]),
    "conv circular 2d strided": (2, 2, (4, 6), [
        {"op": "conv", "kernel_size": [3, 2], "stride": [1, 2], "padding": [1, 1],
         "padding_mode": "circular", "out_channels": 2}]),
    "conv groups 2d": (2, 4, (5, 4), [
        {"op": "conv", "kernel_size": [2, 3], "dilation": [2, 1], "padding": [1, 1],
         "groups": 2, "out_channels": 6}]),
    "conv depthwise": (1, 3, (7,), [
        {"op": "conv", "kernel_size": 3, "groups": 3, "out_channels": 3}]),
    "conv_transpose output_padding": (1, 2, (4,), [
        {"op": "conv_transpose", "kernel_size": 3, "stride": 3, "padding": 1,
         "output_padding": 2, "out_channels": 3}]),
    "conv_transpose dilated": (1, 1, (5,), [
        {"op": "conv_transpose", "kernel_size": 2, "stride": 2, "dilation": 3,
         "padding": 2}]),
    "conv_transpose groups 2d": (2, 4, (3, 3), [
        {"op": "conv_transpose", "kernel_size": [3, 2], "stride": [2, 3], "padding": [1, 0],
         "output_padding": [1, 2], "groups": 2, "out_channels": 2, "bias": False}]),
    "maxpool": (1, 2, (8,), [{"op": "maxpool", "kernel_size": 2}]),
    "maxpool dilated padded": (1, 1, (9,), [
        {"op": "maxpool", "kernel_size": 3, "stride": 2, "dilation": 2, "padding": 1}]),
    "maxpool ceil kept": (1, 1, (6,), [
        {"op": "maxpool", "kernel_size": 3, "stride": 2, "ceil_mode": True}]),
    "maxpool ceil dropped": (1, 1, (5,), [
        {"op": "maxpool", "kernel_size": 3, "stride": 3, "padding": 1, "ceil_mode": True}]),
    "maxpool ceil exact fit": (1, 1, (5,), [  # (5 - 3) / 1 whole: ceil adds no window
        {"op": "maxpool", "kernel_size": 3, "stride": 1, "ceil_mode": True}]),
    "avgpool ceil exact fit": (1, 1, (7,), [  # (7 - 3) / 2 whole: 3 windows, not 4
        {"op": "avgpool", "kernel_size": 3, "stride": 2, "ceil_mode": True}]),
    "maxpool 2d padded": (2, 1, (5, 6), [
        {"op": "maxpool", "kernel_size": [3, 2], "stride": [2, 1], "padding": [1, 1]}]),
    "maxpool then unpool": (1, 2, (8,), [
        {"op": "maxpool", "id": "p", "kernel_size": 2},
        {"op": "maxunpool", "indices": "p", "kernel_size": 2}]),
    "maxpool then unpool padded 2d": (2, 1, (6, 4), [
        {"op": "maxpool", "id": "p", "kernel_size": 2, "stride": 2, "padding": 1},
        {"op": "maxunpool", "indices": "p", "kernel_size": 2, "stride": 2, "padding": 1}]),
    "avgpool": (1, 1, (7,), [{"op": "avgpool", "kernel_size": 3, "stride": 2}]),
    "avgpool padded": (1, 2, (6,), [
        {"op": "avgpool", "kernel_size": 3, "stride": 1, "padding": 1}]),
    "avgpool padded excluded": (1, 1, (6,), [
        {"op": "avgpool", "kernel_size": 3, "stride": 2, "padding": 1,
         "count_include_pad": False}]),
    "avgpool ceil kept": (1, 1, (6,), [
        {"op": "avgpool", "kernel_size": 3, "stride": 2, "ceil_mode": True}]),
    "avgpool ceil padded 2d": (2, 1, (5, 4), [
        {"op": "avgpool", "kernel_size": 2, "stride": 2, "padding": [1, 0],
         "ceil_mode": True}]),
    "avgpool ceil padded excluded 2d": (2, 1, (5, 6), [
        {"op": "avgpool", "kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True,
         "count_include_pad": False}]),
    "upsample nearest 2d": (2, 1, (2, 3), [{"op": "upsample", "scale_factor": [3, 2]}]),
    "upsample linear": (1, 2, (4,), [
        {"op": "upsample", "scale_factor": 3, "mode": "linear"}]),
    "upsample bilinear": (2, 1, (3, 2), [
        {"op": "upsample", "scale_factor": [2, 4], "mode": "linear"}]),
    "upsample linear one entry": (1, 1, (1,), [
        {"op": "upsample", "scale_factor": 2, "mode": "linear"}]),
    "pointwise": (1, 2, (9,), [
        {"op": "conv", "kernel_size": 1, "out_channels": 2}, {"op": "batchnorm"},
        {"op": "relu"}, {"op": "conv", "kernel_size": 1, "out_channels": 2},
        {"op": "leaky_relu", "negative_slope": 0.25}, {"op": "hardswish"},
        {"op": "conv", "kernel_size": 1, "out_channels": 2}, {"op": "hardsigmoid"}]),
}


def _torch_run(arch: object, x: np.ndarray, weights: object) -> np.ndarray:
    """The same architecture by PyTorch's functional ops, in float64 (a sequential chain)."""
    torch = pytest.importorskip("torch")
    functional = torch.nn.functional
    dims = arch.dims  # type: ignore[attr-defined]
    t = torch.tensor(x, dtype=torch.float64)
    indices: dict[str, object] = {}
    sizes: dict[str, object] = {}
    for node in arch.nodes[1:]:  # type: ignore[attr-defined]
        p = {k: torch.tensor(np.asarray(v, dtype=float)) for k, v in
             weights.get(node.id, {}).items()}  # type: ignore[attr-defined]
        pads = [a for a, _ in node.padding]
        if node.op == "conv":
            if node.padding_mode == "circular":
                widths = [w for a, b in reversed(node.padding) for w in (a, b)]
                t, pads = functional.pad(t, widths, mode="circular"), [0] * dims
            t = getattr(functional, f"conv{dims}d")(t, p["weight"], p.get("bias"), node.stride,
                                                   pads, node.dilation, node.groups)
        elif node.op == "conv_transpose":
            t = getattr(functional, f"conv_transpose{dims}d")(
                t, p["weight"], p.get("bias"), node.stride, pads, node.output_padding,
                node.groups, node.dilation)
        elif node.op == "maxpool":
            sizes[node.id] = t.shape[2:]
            t, indices[node.id] = getattr(functional, f"max_pool{dims}d")(
                t, node.kernel_size, node.stride, pads, node.dilation, node.ceil_mode, True)
        elif node.op == "maxunpool":
            t = getattr(functional, f"max_unpool{dims}d")(
                t, indices[node.indices], node.kernel_size, node.stride, pads,
                sizes[node.indices])
        elif node.op == "avgpool":
            t = getattr(functional, f"avg_pool{dims}d")(t, node.kernel_size, node.stride, pads,
                                                        node.ceil_mode, node.count_include_pad)
        elif node.op == "upsample":
            mode = "nearest" if node.mode == "nearest" else ("linear", "bilinear")[dims - 1]
            t = functional.interpolate(t, scale_factor=node.scale_factor, mode=mode,
                                       **({} if mode == "nearest" else {"align_corners": False}))
        elif node.op == "batchnorm":
            shape = (1, -1) + (1,) * dims
            t = t * p["scale"].reshape(shape) + p["shift"].reshape(shape)
        elif node.op == "leaky_relu":
            t = functional.leaky_relu(t, node.negative_slope)
        else:
            t = getattr(functional, node.op)(t)
    return t.numpy()


@pytest.mark.parametrize("name", sorted(TORCH_CASES))
def test_every_window_op_matches_the_reference_and_pytorch(name: str) -> None:
    """Exact fast path == naive reference (exactly, also in shape); PyTorch float64, the float
    backend and the reference on float inputs equal both to 1e-9."""
    from kronconv.semantics import evaluate, get_backend, random_weights, reference_evaluate
    from kronconv.specs.architecture import parse_architecture

    dims, channels, size, layers = TORCH_CASES[name]
    arch = parse_architecture({"dims": dims, "in_channels": channels, "layers": layers})
    weights = random_weights(arch, 5)
    x = np.random.default_rng(11).integers(-4, 5, (2, channels, *size))
    fast = evaluate(arch, x, weights, get_backend("exact"))
    ref = np.stack([reference_evaluate(arch, xi, weights) for xi in x])
    expected = _torch_run(arch, x, weights)
    assert fast.shape == ref.shape == expected.shape
    assert (fast == ref).all()
    assert np.allclose(ref.astype(float), expected, rtol=0, atol=1e-9)
    floats = evaluate(arch, x.astype(float), weights, get_backend("float"))
    assert floats.dtype == np.float64
    assert np.allclose(floats, expected, rtol=0, atol=1e-9)
    ref_floats = np.stack([reference_evaluate(arch, xi, weights) for xi in x.astype(float)])
    assert np.allclose(ref_floats.astype(float), expected, rtol=0, atol=1e-9)


# -- node_sizes: every refusal, its exact message, and the size just on the accepted side --------
_ADD = {"dims": 1, "nodes": [
    {"id": "x", "op": "input"}, {"id": "a", "op": "conv", "inputs": ["x"], "kernel_size": 3},
    {"id": "s", "op": "add", "inputs": ["a", "x"]}], "output": "s"}
_TRANSPOSE = {"dims": 1, "layers": [
    {"op": "conv_transpose", "id": "t", "kernel_size": 1, "padding": 1}]}
_WIDE_POOL = {"dims": 1, "layers": [{"op": "maxpool", "id": "p", "kernel_size": 3,
                                     "padding": 2}]}
_UNPOOL_OTHER_KERNEL = {"dims": 1, "layers": [
    {"op": "maxpool", "id": "p", "kernel_size": 2},
    {"op": "maxunpool", "id": "u", "indices": "p", "kernel_size": 3, "stride": 2}]}
_UNPOOL_OVERLAP = {"dims": 1, "layers": [
    {"op": "maxpool", "id": "p", "kernel_size": 3, "stride": 2},
    {"op": "maxunpool", "id": "u", "indices": "p", "kernel_size": 3, "stride": 2}]}
_UNPOOL_RESIZED = {"dims": 1, "layers": [
    {"op": "maxpool", "id": "p", "kernel_size": 2}, {"op": "conv", "kernel_size": 3},
    {"op": "maxunpool", "id": "u", "indices": "p", "kernel_size": 2}]}
_POOL_2D = {"dims": 2, "layers": [{"op": "maxpool", "id": "p", "kernel_size": [1, 2]}]}


@pytest.mark.parametrize(("raw", "size", "message"), [
    (_ADD, 5, "size=[5] is invalid: expected a size for which the inputs of node 's' (add) "
              "agree; they get spatial sizes a=[3], x=[5]"),
    (_TRANSPOSE, 2, "size=[2] is invalid: expected a larger input: node 't' (conv_transpose) "
                    "would get [0] entries"),
    (_WIDE_POOL, 8, "size=[8] is invalid: expected pooling padding at most half the window: "
                    "node 'p' pads 2 with window span 3"),
    (_UNPOOL_OTHER_KERNEL, 4, "node 'u' kernel_size/stride/padding=((3,), (2,), ((0, 0),)) is "
                              "invalid: expected those of its pooling node 'p' (the indices "
                              "refer to its windows)"),
    (_UNPOOL_OVERLAP, 8, "node 'p' kernel_size=[3] is invalid: expected at most the stride [2] "
                         "when node 'u' unpools its indices (overlapping windows could choose "
                         "one position twice)"),
    (_UNPOOL_RESIZED, 8, "size=[8] is invalid: expected a size for which node 'u' (maxunpool) "
                         "gets the size of its pooling node 'p''s output [4]; it gets [2]"),
    (_POOL_2D, [4, 5], "size=[4, 5] is invalid: expected a size the strides divide: node 'p' "
                       "(maxpool) gets 5 entries on axis 1, not a multiple of its stride 2"),
    (_POOL_2D, [4, 2], None),  # 2 entries on axis 1: a multiple of the stride 2
])
def test_node_sizes_refusals_name_the_node_the_axis_and_the_numbers(
        raw: dict[str, object], size: object, message: str | None) -> None:
    """Each refusal of node_sizes, with its whole message (the input size, the node, the
    offending numbers); the last row is accepted."""
    import re

    from kronconv.semantics.shapes import node_sizes
    from kronconv.specs.architecture import parse_architecture

    arch = parse_architecture(raw)
    if message is None:
        assert node_sizes(arch, size) == {"input": (4, 2), "p": (4, 1)}
        return
    with pytest.raises(InvalidParameterError, match=f"^{re.escape(message)}$"):
        node_sizes(arch, size)


@pytest.mark.parametrize(("raw", "size", "expected"), [
    (_TRANSPOSE, 3, {"input": (3,), "t": (1,)}),  # (3 - 1) - 1 - 1 + 1 = 1 entry: accepted
    ({"dims": 1, "layers": [{"op": "maxpool", "id": "p", "kernel_size": 3, "stride": 1,
                             "padding": 1}]},
     1, {"input": (1,), "p": (1,)}),  # padding 1 = half the span 3; 1 + 2 = span 3
    ({"dims": 1, "layers": [{"op": "maxpool", "id": "p", "kernel_size": 2},
                            {"op": "maxunpool", "id": "u", "indices": "p", "kernel_size": 2}]},
     6, {"input": (6,), "p": (3,), "u": (6,)}),
    ({"dims": 2, "layers": [{"op": "upsample", "scale_factor": [3, 2]}]}, [2, 5],
     {"input": (2, 5), "upsample0": (6, 10)}),
])
def test_node_sizes_at_the_accepted_boundaries(raw: dict[str, object], size: object,
                                               expected: dict[str, tuple[int, ...]]) -> None:
    """Sizes just inside each rule, computed by hand."""
    from kronconv.semantics.shapes import node_sizes
    from kronconv.specs.architecture import parse_architecture

    assert node_sizes(parse_architecture(raw), size) == expected


def test_loose_strides_give_pytorchs_floor_sizes() -> None:
    """strict_strides=False: 5 entries, kernel 2, stride 2 -> floor(3 / 2) + 1 = 2 windows."""
    from kronconv.semantics.shapes import node_sizes
    from kronconv.specs.architecture import parse_architecture

    arch = parse_architecture({"dims": 1, "layers": [{"op": "maxpool", "id": "p",
                                                      "kernel_size": 2}]})
    assert node_sizes(arch, 5, strict_strides=False) == {"input": (5,), "p": (2,)}


# -- int64 leaves for Python ints before a sum or product could overflow -----------------------
def _merge_with_an_average(op: str) -> object:
    """x and its 1-wide average (Fractions: an object array) merged by ``op``."""
    from kronconv.specs.architecture import parse_architecture

    return parse_architecture({"dims": 1, "nodes": [
        {"id": "x", "op": "input"},
        {"id": "b", "op": "avgpool", "inputs": ["x"], "kernel_size": 1},
        {"id": "m", "op": op, "inputs": ["x", "b"]}], "output": "m"})


@pytest.mark.parametrize(("op", "expected"), [("add", 2**63), ("mul", 2**124)])
def test_int64_merged_with_an_object_array_is_computed_in_python_ints(op: str,
                                                                      expected: int) -> None:
    """x = 2^62 (int64) merged with its average (an object array, whose magnitude is unknown
    and taken as 2^63): the int64 side leaves int64 first, so 2^62 + 2^62 = 2^63 and
    2^62 * 2^62 = 2^124 come out exact, as the naive reference computes them."""
    from kronconv.semantics import evaluate, get_backend, reference_evaluate

    arch = _merge_with_an_average(op)
    x = np.full((1, 1, 2), 2**62, dtype=np.int64)
    fast = evaluate(arch, x, {}, get_backend("exact"))
    assert fast.dtype == object and fast.ravel().tolist() == [expected, expected]
    assert (fast[0] == reference_evaluate(arch, x[0], {})).all()


def test_batchnorm_whose_shift_brings_the_bound_to_2_62_computes_in_python_ints() -> None:
    """batchnorm keeps int64 only while |x| |scale| + |shift| < 2^62: x = 2^62, scale 1,
    shift 2^62 gives 2^63 (one past int64), exact."""
    from kronconv.semantics import evaluate, get_backend
    from kronconv.specs.architecture import parse_architecture

    arch = parse_architecture({"dims": 1, "layers": [{"op": "batchnorm", "id": "n"}]})
    weights = {"n": {"scale": np.array([1]), "shift": np.array([2**62])}}
    fast = evaluate(arch, np.full((1, 1, 2), 2**62, dtype=np.int64), weights,
                    get_backend("exact"))
    assert fast.dtype == object and fast.ravel().tolist() == [2**63, 2**63]


@pytest.mark.parametrize(("left", "right", "dtype"), [
    (2**61, 2**61 - 1, np.int64), (2**61, 2**61, object)])
def test_an_int64_sum_leaves_int64_exactly_at_the_2_62_bound(left: int, right: int,
                                                             dtype: type) -> None:
    """add keeps int64 while |a| + |b| < INT64_SAFE = 2^62 and leaves it at 2^62."""
    from kronconv.semantics import evaluate, get_backend
    from kronconv.specs.architecture import parse_architecture

    arch = parse_architecture({"dims": 1, "nodes": [
        {"id": "x", "op": "input"}, {"id": "y", "op": "batchnorm", "inputs": ["x"]},
        {"id": "s", "op": "add", "inputs": ["x", "y"]}], "output": "s"})
    weights = {"y": {"scale": np.array([0]), "shift": np.array([right])}}
    fast = evaluate(arch, np.full((1, 1, 1), left, dtype=np.int64), weights,
                    get_backend("exact"))
    assert fast.dtype == dtype and fast.ravel().tolist() == [left + right]


# -- the pointwise maps on one entry of each ring ------------------------------------------------
def test_z3_relu_and_leaky_relu_are_exact_on_fractions_between_zero_and_one() -> None:
    """relu(1/2) = 1/2, relu(-1/2) = 0, relu(0) = 0; leaky_relu(-1/2, 0.1) = -1/20 as z3
    If-terms, simplified."""
    import z3

    from kronconv.semantics.backends import leaky_relu, relu

    def value(term: object) -> str:
        return str(z3.simplify(term))  # type: ignore[arg-type]

    assert [value(relu(z3.Q(n, 2))) for n in (1, -1, 0)] == ["1/2", "0", "0"]
    assert value(leaky_relu(z3.Q(-1, 2), 0.1)) == "-1/20"
    assert value(leaky_relu(z3.Q(1, 3), 0.1)) == "1/3"


def test_sympy_pointwise_maps_are_exact_values() -> None:
    """On SymPy numbers: leaky_relu(-2, 0.25) = -1/2 and (a symbol, negative) slope times it;
    relu = Max(0, v); tanh(2) and sigmoid(1) = 1 / (1 + e^-1) as exact SymPy values, floats as
    math's floats."""
    import sympy

    from kronconv.semantics.backends import leaky_relu, relu, sigmoid, tanh

    v = sympy.Symbol("v", negative=True)
    assert leaky_relu(sympy.Integer(-2), 0.25) == sympy.Rational(-1, 2)
    assert leaky_relu(sympy.Integer(3), Fraction(1, 4)) == 3
    assert sympy.simplify(leaky_relu(v, 0.25) - v / 4) == 0
    assert relu(sympy.Integer(-3)) == 0 and relu(sympy.Rational(5, 2)) == sympy.Rational(5, 2)
    assert tanh(2) == sympy.tanh(2) and tanh(Fraction(1, 2)) == sympy.tanh(sympy.Rational(1, 2))
    assert sigmoid(1) == 1 / (1 + sympy.exp(-1))
    assert sympy.simplify(sigmoid(sympy.Integer(-2)) - 1 / (1 + sympy.E**2)) == 0
    assert tanh(0.5) == math.tanh(0.5) and sigmoid(-1.0) == 1 / (1 + math.exp(1.0))


def test_exact_leaky_relu_on_fractions_and_ints() -> None:
    """leaky_relu(-2, 1/4) = -1/2, leaky_relu(0) = 0, positive entries unchanged."""
    from kronconv.semantics.backends import leaky_relu

    assert leaky_relu(-2, Fraction(1, 4)) == Fraction(-1, 2)
    assert leaky_relu(Fraction(-2, 3), Fraction(1, 2)) == Fraction(-1, 3)
    assert leaky_relu(0, Fraction(1, 4)) == 0 and leaky_relu(7, Fraction(1, 4)) == 7


# -- the backends' small pieces: conversions, refusals, the z3 logic, ring choice ----------------
def test_exact_backend_converts_integers_and_refuses_floats() -> None:
    """bool and unsigned become int64, object arrays pass unchanged, floats are refused by
    dtype."""
    from kronconv.semantics import get_backend

    exact = get_backend("exact")
    for values in (np.array([True, False]), np.array([3, 250], dtype=np.uint8), [1, -2]):
        assert exact.asarray(values).dtype == np.int64
    mixed = np.array([Fraction(1, 2), 3], dtype=object)
    assert exact.asarray(mixed) is mixed
    with pytest.raises(InvalidParameterError, match=r"^values=dtype\('float64'\) is invalid: "
                                                    r"expected integers or Fractions for the "
                                                    r"exact backend$"):
        exact.asarray(np.zeros(2))


@pytest.mark.parametrize(("name", "call", "message"), [
    ("exact", "tanh", "'float' or 'z3' for tanh (not exact in rationals)"),
    ("exact", "sigmoid", "'float' or 'z3' for sigmoid (not exact in rationals)"),
    ("sympy", "gelu", "'float' or 'z3' for gelu (not exact in rationals)"),
    ("exact", "silu", "'float' or 'z3' for silu (not exact in rationals)"),
    ("exact", "softsign", "'z3' for the opaque pointwise function 'softsign' (only its name is "
                          "known)"),
])
def test_exact_backends_refuse_what_is_not_exact_in_rationals(name: str, call: str,
                                                              message: str) -> None:
    import re

    from kronconv.semantics import get_backend

    backend = get_backend(name)
    x = np.zeros(1, dtype=np.int64)
    run = getattr(backend, call) if call in ("tanh", "sigmoid") else \
        (lambda v: backend.activation(call, v))
    with pytest.raises(InvalidParameterError,
                       match=f"^backend='{name}' is invalid: expected {re.escape(message)}$"):
        run(x)


def test_exact_hard_activations_are_exact_fractions() -> None:
    """hardsigmoid(x) = min(max(x + 3, 0), 6) / 6 and hardswish = x hardsigmoid(x), exactly."""
    from kronconv.semantics import get_backend

    values = [-4, -3, -1, 0, 1, 3, 4]
    x = np.array(values, dtype=np.int64)
    gate = [Fraction(min(max(v + 3, 0), 6), 6) for v in values]
    exact = get_backend("exact")
    assert exact.activation("hardsigmoid", x).tolist() == gate
    assert exact.activation("hardswish", x).tolist() == [g * v for g, v in zip(gate, values,
                                                                                 strict=True)]


def test_backend_constants_and_division() -> None:
    """number: a JSON float read as its decimal (exact), a float (float), a z3 rational;
    divide by a count; relu keeps int64 vectorised and maps object arrays."""
    import z3

    from kronconv.semantics import get_backend

    exact, floats, smt = get_backend("exact"), get_backend("float"), get_backend("z3")
    assert exact.number(0.1) == Fraction(1, 10) and floats.number(0.1) == 0.1
    assert z3.simplify(smt.number(0.1) == z3.Q(1, 10))
    assert z3.simplify(smt.fraction(Fraction(2, 3)) == z3.Q(2, 3))
    assert exact.divide(np.array([3, -4]), 2).tolist() == [Fraction(3, 2), -2]
    assert floats.divide(np.array([3.0]), 2).tolist() == [1.5]
    assert str(z3.simplify(smt.divide(smt.asarray([3]), 2)[0])) == "3/2"
    relu = exact.relu(np.array([-2, 0, 5]))
    assert relu.dtype == np.int64 and relu.tolist() == [0, 0, 5]
    assert exact.relu(np.array([Fraction(-1, 2), Fraction(1, 2)], dtype=object)).tolist() == \
        [0, Fraction(1, 2)]
    leaky = exact.leaky_relu(np.array([-4, 0, 4]), 0.25)
    assert leaky.dtype == object and leaky.tolist() == [-1, 0, 4]
    assert floats.leaky_relu(np.array([-4.0, 2.0]), 0.25).tolist() == [-1.0, 2.0]


@pytest.mark.parametrize(("bound", "dtype"), [(2**62 - 1, np.int64), (2**62, object)])
def test_guard_leaves_int64_at_2_62(bound: int, dtype: type) -> None:
    """The exact backend's guard: int64 below INT64_SAFE = 2^62, Python ints from it; float and
    z3 backends never convert."""
    from kronconv.semantics import get_backend

    x = np.array([1, 2], dtype=np.int64)
    out = get_backend("exact").guard(x, bound)
    assert out.dtype == dtype and out.tolist() == [1, 2]
    assert all(type(v) is int for v in out.tolist())
    assert get_backend("float").guard(x, 2**70) is x and get_backend("z3").guard(x, 2**70) is x


def test_to_object_makes_python_ints_of_every_shape() -> None:
    from kronconv.semantics.backends import to_object

    scalar = to_object(np.array(7, dtype=np.int64))
    assert scalar.dtype == object and scalar.shape == () and type(scalar.item()) is int
    grid = to_object(np.arange(6, dtype=np.int64).reshape(2, 3))
    assert grid.shape == (2, 3) and type(grid[1, 2]) is int and grid[1, 2] == 5
    same = np.array([Fraction(1, 2)], dtype=object)
    assert to_object(same) is same


def test_z3_logic_on_constants_and_terms() -> None:
    """The z3 backend's and / not / if / > on Python booleans stay Python values; on terms
    they build z3 terms with the same truth table."""
    import z3

    from kronconv.semantics import get_backend

    smt = get_backend("z3")
    t, f = z3.BoolVal(True), z3.BoolVal(False)
    cases = [(True, True), (True, False), (False, True), (False, False)]
    for a, b in cases:
        expected = a and b
        for left, right in ((a, b), (t if a else f, b), (a, t if b else f),
                            (t if a else f, t if b else f)):
            out = smt.logical_and(np.array([left], dtype=object),
                                  np.array([right], dtype=object))[0]
            truth = z3.is_true(z3.simplify(out)) if isinstance(out, z3.ExprRef) else out
            assert truth is expected
    assert smt.logical_not(np.array([True, False])).tolist() == [False, True]
    assert z3.is_false(z3.simplify(smt.logical_not(np.array([t], dtype=object))[0]))
    assert smt.gt(np.array([2, 1]), np.array([1, 1])).tolist() == [True, False]
    assert smt.where(np.array([True, False]), np.array([1, 2]), np.array([3, 4])).tolist() == \
        [1, 4]
    x = z3.Real("x")
    picked = smt.where(np.array([x > 0], dtype=object), np.array([1]), np.array([2]))[0]
    assert z3.simplify(z3.substitute(picked, (x, z3.RealVal(1)))) == 1
    assert z3.simplify(z3.substitute(picked, (x, z3.RealVal(-1)))) == 2
    above = smt.gt(np.array([x], dtype=object), np.array([0]))[0]
    assert z3.is_true(z3.simplify(z3.substitute(above, (x, z3.RealVal(1)))))


def test_z3_backend_reads_numbers_as_exact_reals_and_keeps_one_function_per_name() -> None:
    import z3

    from kronconv.semantics import get_backend

    smt = get_backend("z3")
    values = smt.asarray([[1, 0.5], [Fraction(-1, 3), np.int64(4)]])
    assert [str(z3.simplify(v)) for v in values.flat] == ["1", "1/2", "-1/3", "4"]
    x = np.array([z3.Real("x")], dtype=object)
    assert z3.eq(smt.activation("f", x)[0], smt.activation("f", x)[0])
    assert not z3.eq(smt.activation("f", x)[0], smt.activation("g", x)[0])
    assert str(smt.tanh(x)[0]) == "tanh(x)" and str(smt.sigmoid(x)[0]) == "sigmoid(x)"


def test_ring_backend_picks_the_smallest_ring_holding_every_entry() -> None:
    import z3

    from kronconv.semantics.backends import ring_backend

    ints, floats = np.array([1, 2]), np.array([1.0])
    with_float = np.array([Fraction(1, 2), 0.5], dtype=object)
    with_term = np.array([1, z3.Real("w")], dtype=object)
    assert ring_backend(ints).name == "sympy"
    assert ring_backend(ints, np.array([Fraction(1, 2)], dtype=object)).name == "sympy"
    assert ring_backend(ints, floats).name == "float"
    assert ring_backend(with_float).name == "float"
    assert ring_backend(floats, with_term).name == "z3"
    assert ring_backend(with_term).name == "z3"


def test_with_activation_replaces_every_nonlinearity_in_a_copy() -> None:
    """Every pointwise nonlinearity becomes the user's function, entry by entry; float arrays
    stay float64, object arrays object; the original backend is unchanged."""
    from kronconv.semantics import get_backend
    from kronconv.semantics.backends import ACTIVATIONS, with_activation

    floats = get_backend("float")
    custom = with_activation(floats, lambda v: 2 * v + 1)
    x = np.array([-1.0, 0.5])
    for name in ACTIVATIONS:
        out = getattr(custom, name)(x, 0.3) if name == "leaky_relu" else \
            getattr(custom, name)(x)
        assert out.dtype == np.float64 and out.tolist() == [-1.0, 2.0]
    assert floats.relu(x).tolist() == [0.0, 0.5]
    exact = with_activation(get_backend("exact"), lambda v: v * v)
    out = exact.tanh(np.array([Fraction(1, 2), 3], dtype=object))
    assert out.dtype == object and out.tolist() == [Fraction(1, 4), 9]


def test_transcendental_activations_and_a_three_way_concat_match_pytorch() -> None:
    """tanh, sigmoid, gelu and silu of one conv, concatenated with the conv in that order (five
    channel blocks): the float backend and the naive reference on floats against PyTorch's
    float64 (one rounding per elementary function: 1e-12)."""
    torch = pytest.importorskip("torch")
    from kronconv.semantics import evaluate, get_backend, random_weights, reference_evaluate
    from kronconv.specs.architecture import parse_architecture

    ops = ["tanh", "sigmoid", "gelu", "silu"]
    arch = parse_architecture({"dims": 1, "nodes": [
        {"id": "x", "op": "input"},
        {"id": "c", "op": "conv", "inputs": ["x"], "kernel_size": 2, "out_channels": 2},
        *({"id": op, "op": op, "inputs": ["c"]} for op in ops),
        {"id": "k", "op": "concat", "inputs": [*ops, "c"]}], "output": "k"})
    weights = random_weights(arch, 4)
    x = np.random.default_rng(4).uniform(-2, 2, (1, 1, 6)) * 0.5
    c = torch.nn.functional.conv1d(torch.tensor(x), torch.tensor(weights["c"]["weight"] * 1.0),
                                   torch.tensor(weights["c"]["bias"] * 1.0))
    functional = torch.nn.functional
    expected = torch.cat([torch.tanh(c), torch.sigmoid(c), functional.gelu(c),
                          functional.silu(c), c], dim=1).numpy()
    fast = evaluate(arch, x, weights, get_backend("float"))
    ref = reference_evaluate(arch, x[0], weights).astype(float)
    assert fast.shape == (1, 10, 5) and ref.shape == (10, 5)
    assert np.allclose(fast, expected, rtol=1e-12, atol=1e-12)
    assert np.allclose(ref, expected[0], rtol=1e-12, atol=1e-12)


def test_concat_keeps_int64_unless_an_input_is_an_object_array() -> None:
    """Two int64 inputs concatenate to int64 (exact, vectorised); with a Fraction input every
    entry becomes a Python number."""
    from kronconv.semantics import evaluate, get_backend
    from kronconv.specs.architecture import parse_architecture

    arch = parse_architecture({"dims": 1, "nodes": [
        {"id": "x", "op": "input"}, {"id": "r", "op": "relu", "inputs": ["x"]},
        {"id": "a", "op": "avgpool", "inputs": ["x"], "kernel_size": 1},
        {"id": "k", "op": "concat", "inputs": ["x", "r"]},
        {"id": "m", "op": "concat", "inputs": ["x", "a"]}], "output": "k"})
    x = np.array([[[-2, 3]]])
    values = evaluate(arch, x, {}, get_backend("exact"), keep=True)
    assert values["k"].dtype == np.int64 and values["k"].tolist() == [[[-2, 3], [0, 3]]]
    assert values["m"].dtype == object and values["m"].tolist() == [[[-2, 3], [-2, 3]]]
    assert all(type(v) is int for v in values["m"][0, 0])


@pytest.mark.parametrize("op", ["conv", "conv_transpose"])
def test_grouped_strided_window_ops_beyond_int64_match_the_reference(op: str) -> None:
    """Entries of 2^61 times small integers: the bound |x| |w| taps passes 2^62, so the exact
    backend computes in Python ints (the per-channel path, not the int64 one): grouped (4
    channels in 2 groups), strided, dilated and padded, still equal to the naive reference."""
    x = np.random.default_rng(9).integers(-3, 4, (2, 4, 9)).astype(object) * 2**61
    fast, ref = _fast_and_reference([{"op": op, "kernel_size": 3, "stride": 2, "dilation": 2,
                                      "padding": 1, "groups": 2, "out_channels": 6}], x)
    assert fast.dtype == object and fast.shape == ref.shape
    assert (fast == ref).all() and np.abs(ref).max() > 2**63


def test_z3_pooling_of_symbolic_inputs_agrees_with_the_exact_values_at_points() -> None:
    """maxpool (padded: windows holding padding), maxunpool and avgpool of symbolic inputs in
    the z3 backend: the terms, evaluated at three seeded integer points (ties included), equal
    the exact backend's values there."""
    import z3

    from kronconv.semantics import evaluate, get_backend
    from kronconv.specs.architecture import parse_architecture

    arch = parse_architecture({"dims": 1, "layers": [
        {"op": "maxpool", "id": "p", "kernel_size": 2, "stride": 2, "padding": 1},
        {"op": "relu"},
        {"op": "maxunpool", "indices": "p", "kernel_size": 2, "stride": 2, "padding": 1},
        {"op": "avgpool", "kernel_size": 3, "stride": 1, "padding": 1}]})
    symbols = [z3.Real(f"x{i}") for i in range(6)]
    smt = get_backend("z3")
    terms = evaluate(arch, smt.asarray([[symbols]]), {}, smt)
    rng = np.random.default_rng(12)
    for point in ([[[1, 1, 0, 2, 2, -1]]], rng.integers(-2, 3, (1, 1, 6)),
                  rng.integers(-2, 3, (1, 1, 6))):
        exact = evaluate(arch, np.asarray(point), {}, get_backend("exact"))
        at = [(s, z3.RealVal(int(v))) for s, v in zip(symbols, np.ravel(point), strict=True)]
        values = [Fraction(str(z3.simplify(z3.substitute(t, *at)))) for t in terms.flat]
        assert values == list(exact.flat)


@pytest.mark.parametrize(("kernel", "dilation", "stride"), [(3, 3, 1), (4, 2, 2), (3, 2, 1)])
def test_dilated_conv_transpose_with_padding_matches_the_reference(kernel, dilation, stride):
    """A dilated conv_transpose whose right padding exceeds its output_padding: the uncropped
    scatter canvas needs (n - 1) s + d (k - 1) + 1 entries, more than padding + output size,
    so a canvas computed from d + (k - 1) would lose the last taps (when (d - 1)(k - 2) > 1)."""
    x = np.random.default_rng(2).integers(-9, 10, (2, 1, 4))
    fast, ref = _fast_and_reference([{"op": "conv_transpose", "kernel_size": kernel,
                                      "dilation": dilation, "stride": stride, "padding": 1}], x)
    assert fast.shape == ref.shape and (fast == ref).all()


@pytest.mark.parametrize(("value", "dtype"), [(2**30, np.int64), (2**31, object), (2**40, object)])
def test_an_int64_product_leaves_int64_from_the_2_62_bound(value: int, dtype: type) -> None:
    """mul keeps int64 while |a| |b| < INT64_SAFE = 2^62: x * x for x = 2^30 stays int64
    (2^60), 2^31 gives 2^62 and 2^40 gives 2^80, both exact Python ints as in the reference."""
    from kronconv.semantics import evaluate, get_backend, reference_evaluate
    from kronconv.specs.architecture import parse_architecture

    arch = parse_architecture({"dims": 1, "nodes": [
        {"id": "x", "op": "input"}, {"id": "m", "op": "mul", "inputs": ["x", "x"]}],
        "output": "m"}, source="<test>")
    x = np.full((1, 1, 3), value, dtype=np.int64)
    fast = evaluate(arch, x, {}, get_backend("exact"))
    assert fast.dtype == dtype and fast.ravel().tolist() == [value * value] * 3
    assert (fast[0] == reference_evaluate(arch, x[0], {})).all()


@pytest.mark.parametrize("unpool", [
    {"kernel_size": 1, "stride": 2}, {"kernel_size": 3, "stride": 2},
    {"kernel_size": 2, "stride": 1}, {"kernel_size": 2, "stride": 3},
    {"kernel_size": 2, "stride": 2, "padding": 1}])
def test_maxunpool_with_other_windows_than_its_pools_is_refused(unpool) -> None:
    """A maxunpool's kernel, stride and padding must be its pool's (the indices refer to the
    pool's windows): smaller ones are refused as well as larger ones."""
    from kronconv.semantics.shapes import node_sizes
    from kronconv.specs.architecture import parse_architecture

    arch = parse_architecture({"dims": 1, "nodes": [
        {"id": "x", "op": "input"},
        {"id": "p", "op": "maxpool", "inputs": ["x"], "kernel_size": 2, "stride": 2},
        {"id": "u", "op": "maxunpool", "inputs": ["p"], "indices": "p", **unpool}],
        "output": "u"}, source="<test>")
    with pytest.raises(InvalidParameterError, match="expected those of its pooling node 'p'"):
        node_sizes(arch, 8)


@pytest.mark.parametrize("x", [np.array([1.5, -2.0]), np.array([1, 2], dtype=object),
                               np.array([3, 4], dtype=np.int32)])
def test_exact_guard_converts_only_int64_arrays(x: np.ndarray) -> None:
    """Only an int64 array can overflow int64 arithmetic: the exact backend's guard returns any
    other array itself (floats stay floats, object arrays are already exact), however large the
    bound."""
    from kronconv.semantics import get_backend

    assert get_backend("exact").guard(x, 2**70) is x
