"""Executable semantics: the fast engine, the naive reference, floats and z3 agree; PyTorch's
conventions (strided conv = subsampled full conv, first-maximum ties) hold; bad sizes fail."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
import z3

from kronconv.errors import InvalidParameterError
from kronconv.semantics import evaluate, get_backend, random_weights, reference_evaluate
from kronconv.semantics.shapes import node_sizes
from kronconv.specs.architecture import parse_architecture

MIXED_2D = {"dims": 2, "in_channels": 2, "layers": [
    {"op": "conv", "kernel_size": 3, "padding": 2, "dilation": 2, "padding_mode": "circular",
     "out_channels": 3},
    {"op": "relu"}, {"op": "maxpool", "kernel_size": 2, "id": "p"},
    {"op": "conv", "kernel_size": 3, "padding": 1, "out_channels": 3, "groups": 3},
    {"op": "leaky_relu", "negative_slope": 0.1}, {"op": "maxunpool", "indices": "p"},
    {"op": "avgpool", "kernel_size": 2, "stride": 1, "padding": [[0, 1], [1, 0]]},
    {"op": "upsample", "scale_factor": 2}, {"op": "batchnorm"},
    {"op": "conv", "kernel_size": [1, 3], "stride": 2, "padding": [0, 1], "out_channels": 2}]}
GRAPH_1D = {"dims": 1, "nodes": [
    {"id": "x", "op": "input"},
    {"id": "a", "op": "conv", "inputs": ["x"], "kernel_size": 3, "padding": 1,
     "out_channels": 2},
    {"id": "b", "op": "maxpool", "inputs": ["a"], "kernel_size": 3, "stride": 2, "padding": 1},
    {"id": "c", "op": "upsample", "inputs": ["b"], "scale_factor": 2},
    {"id": "s", "op": "add", "inputs": ["c", "a"]}, {"id": "t", "op": "tanh", "inputs": ["s"]},
    {"id": "g", "op": "sigmoid", "inputs": ["a"]},
    {"id": "k", "op": "concat", "inputs": ["t", "g"]}], "output": "k"}


def _z3_value(e: object) -> object:
    if isinstance(e, z3.ExprRef):
        return Fraction(str(z3.simplify(e)))
    return Fraction(e)  # type: ignore[arg-type]


@pytest.mark.parametrize("seed", [0, 1])
def test_engines_agree_on_every_op(seed: int) -> None:
    arch = parse_architecture(MIXED_2D)
    weights = random_weights(arch, seed)
    x = np.random.default_rng(seed).integers(-3, 4, (2, 2, 8, 8))
    exact = evaluate(arch, x, weights, get_backend("exact"))
    reference = np.stack([reference_evaluate(arch, xi, weights) for xi in x])
    assert (exact == reference).all()
    floats = evaluate(arch, x.astype(float), weights, get_backend("float"))
    assert np.allclose(floats, reference.astype(float), rtol=1e-12)
    symbolic = evaluate(arch, x[:1], weights, get_backend("z3"))
    assert [_z3_value(e) for e in symbolic.flat] == list(exact[0].flat)


def test_float_engine_matches_reference_with_tanh_and_sigmoid() -> None:
    arch = parse_architecture(GRAPH_1D)
    weights = random_weights(arch, 3)
    x = np.random.default_rng(3).integers(-3, 4, (1, 1, 8))
    fast = evaluate(arch, x.astype(float), weights, get_backend("float"))
    assert np.allclose(fast[0], reference_evaluate(arch, x[0], weights).astype(float),
                       rtol=1e-12, atol=1e-12)
    with pytest.raises(InvalidParameterError, match=r"sigmoid|tanh"):
        evaluate(arch, x, weights, get_backend("exact"))


def test_strided_conv_is_the_full_conv_subsampled() -> None:
    layer = {"op": "conv", "kernel_size": 3, "dilation": 2, "padding": 2,
             "padding_mode": "circular", "out_channels": 1}
    strided = parse_architecture({"dims": 2, "layers": [{**layer, "stride": 2}]})
    full = parse_architecture({"dims": 2, "layers": [layer]})
    weights = random_weights(full, 5)
    x = np.random.default_rng(5).integers(-5, 6, (1, 1, 8, 8))
    backend = get_backend("exact")
    assert np.array_equal(evaluate(strided, x, weights, backend),
                          evaluate(full, x, weights, backend)[:, :, ::2, ::2])


def test_maxpool_ties_go_to_the_first_maximum() -> None:
    arch = parse_architecture({"dims": 1, "layers": [
        {"op": "maxpool", "kernel_size": 2, "id": "p"}, {"op": "maxunpool", "indices": "p"}]})
    x = np.array([[[5, 5, 1, 2]]])
    for backend in ("exact", "float"):
        assert evaluate(arch, x, {}, get_backend(backend)).tolist() == [[[5, 0, 0, 2]]]
    assert reference_evaluate(arch, x[0], {}).tolist() == [[5, 0, 0, 2]]


def test_a_corrupted_tie_break_is_caught_by_the_reference(
        monkeypatch: pytest.MonkeyPatch) -> None:
    arch = parse_architecture({"dims": 1, "layers": [
        {"op": "maxpool", "kernel_size": 2, "id": "p"}, {"op": "maxunpool", "indices": "p"}]})
    backend = get_backend("exact")
    monkeypatch.setattr(type(backend), "gt", lambda self, a, b: np.asarray(a >= b))
    x = np.array([[[5, 5, 1, 2]]])
    assert evaluate(arch, x, {}, backend).tolist() != [reference_evaluate(arch, x[0], {})
                                                       .tolist()]


@pytest.mark.parametrize(("size", "message"), [
    (2, "larger input"), (6, "strides divide"), ([8, 8, 8], "one per axis")])
def test_bad_sizes_give_one_clear_error(size: object, message: str) -> None:
    arch = parse_architecture({"dims": 2, "layers": [
        {"op": "conv", "kernel_size": 3, "padding": 1}, {"op": "maxpool", "kernel_size": 2},
        {"op": "maxpool", "kernel_size": 2}]})
    with pytest.raises(InvalidParameterError, match=message):
        node_sizes(arch, size)
