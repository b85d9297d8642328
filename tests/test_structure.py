"""Structure of composites: derived condition vs direct peeling, Kronecker rank, TT ranks."""

from __future__ import annotations

import numpy as np
import pytest

from kronconv import Cascade
from kronconv.arith import rank_mod_p
from kronconv.engines import ExactEngine, SymbolicEngine
from kronconv.kronecker.structure import (
    direct_structure,
    exact_rank,
    exponential_structure,
    kronecker_rank,
    natural_block,
    nested_padded_kronecker,
    predict_structure,
    rearrange,
    unfolding_ranks,
)

CASES = [  # sizes, dilations, expected kind
    ((3, 3, 3), (1, 3, 9), "kronecker"),
    ((3, 3, 3), (1, 4, 16), "padded-kronecker"),
    ((3, 3, 3), (1, 2, 4), "not-kronecker"),
    ((2, 2), (2, 1), "kronecker"),  # order does not matter: K_0 kron K_1
    ((3, 2), (2, 3), "not-kronecker"),  # interleaved taps: no sums, still no nested product
    ((1, 3), (5, 7), "padded-kronecker"),
    ((2,), (1,), "kronecker"),
]


@pytest.mark.parametrize(("sizes", "dilations", "kind"), CASES)
def test_derived_and_direct_agree(sizes: tuple, dilations: tuple, kind: str) -> None:
    cascade = Cascade.from_schedule(list(sizes), list(dilations), dims=1)
    assert predict_structure(cascade).kind == kind
    assert direct_structure(cascade).kind == kind


def test_wrong_twin_unsorted_condition_is_rejected() -> None:
    # The nested condition checked in the given layer order (not sorted by dilation) would call
    # (2, 1) an overlap; the direct test shows a Kronecker product.
    cascade = Cascade.from_schedule([2, 2], [2, 1], dims=1)
    inner, wrong = 1, "kronecker"
    for layer in cascade.layers:
        if layer.dilations[0] < inner:
            wrong = "not-kronecker"
        inner += (layer.sizes[0] - 1) * layer.dilations[0]
    assert wrong != direct_structure(cascade).kind


@pytest.mark.parametrize(("a", "d"), [(2, 2), (3, 3), (2, 3), (3, 5), (3, 2), (4, 1)])
def test_exponential_closed_form(a: int, d: int) -> None:
    cascade = Cascade.from_schedule([a] * 3, [d**level for level in range(3)], dims=1)
    kind, extent, paddings = exponential_structure(a, d, 3)
    derived = predict_structure(cascade)
    assert (kind, extent) == (derived.kind, derived.extent[0])
    if kind == "padded-kronecker":
        assert paddings == [p[0] for p in derived.paddings]


def test_nested_padded_product_symbolically_and_wrong_block() -> None:
    engine = SymbolicEngine()
    cascade = Cascade.from_schedule([2, 2, 2], [1, 3, 9], dims=2)
    kernels = engine.kernels(cascade)
    composite = engine.composite(kernels, [(1, 1), (3, 3), (9, 9)])
    right = nested_padded_kronecker(kernels, [(1, 1), (3, 3), (9, 9)])
    assert engine.compare(composite, right).equal
    wrong = nested_padded_kronecker(kernels, [(1, 1), (3, 3), (8, 8)])
    assert not engine.compare(composite, wrong).equal


@pytest.mark.parametrize("shape", [(5,), (4, 6), (3, 4, 5)])
def test_trim_drops_exactly_the_trailing_zero_hyperplanes(shape: tuple[int, ...]) -> None:
    """The peel's trim, against its definition: the last nonzero index + 1 per axis (at least
    one entry), for random sparse arrays, an all-zero one, and one nonzero entry per corner."""
    from kronconv.kronecker.structure import _trim

    rng = np.random.default_rng(len(shape))
    arrays = [rng.integers(0, 2, shape) * rng.integers(0, 2, shape) for _ in range(20)]
    arrays += [np.zeros(shape, dtype=np.int64)]
    for corner in np.ndindex(*(2,) * len(shape)):
        array = np.zeros(shape, dtype=np.int64)
        array[tuple(c * (n - 1) for c, n in zip(corner, shape, strict=True))] = 1
        arrays.append(array)
    for array in arrays:
        positions = np.argwhere(array != 0)
        expected = tuple(positions.max(axis=0) + 1) if len(positions) else (1,) * len(shape)
        trimmed = _trim(array)
        assert trimmed.shape == expected
        assert np.array_equal(trimmed, array[tuple(slice(0, n) for n in expected)])


def test_kronecker_rank_one_for_products_and_more_for_overlaps() -> None:
    rng = np.random.default_rng(1)
    b, d = rng.integers(-9, 9, (3, 3)).astype(object), rng.integers(-9, 9, (4, 4)).astype(object)
    product = np.kron(b, d)
    assert kronecker_rank(product, (4, 4)).rank == 1
    perturbed = product.copy()
    perturbed[0, 0] += 1  # deliberately wrong: no longer a Kronecker product
    result = kronecker_rank(perturbed, (4, 4))
    assert result.rank == 2 and result.nearest_error > 0
    cascade = Cascade.from_schedule([3, 3, 3], [1, 2, 4], dims=2)
    kernels = [rng.integers(-99, 99, (3, 3)).astype(object) for _ in range(3)]
    composite = ExactEngine().composite(kernels, [1, 2, 4])
    assert natural_block(cascade) == (4, 4)
    assert kronecker_rank(composite, (4, 4)).rank == 4


def test_nearest_kronecker_error_is_the_svd_tail() -> None:
    rng = np.random.default_rng(2)
    array = rng.standard_normal((6, 6))
    result = kronecker_rank(np.round(array * 100).astype(int).astype(object), (3, 3))
    s = np.array(result.singular_values)
    assert abs(result.nearest_error - np.sqrt((s[1:] ** 2).sum() / (s**2).sum())) < 1e-12


def test_exact_and_modular_ranks_agree_and_rearrangement_layout() -> None:
    rng = np.random.default_rng(3)
    low = rng.integers(-5, 5, (6, 2)) @ rng.integers(-5, 5, (2, 7))
    assert exact_rank(low.astype(object)) == rank_mod_p(low) == 2
    array = np.arange(16).reshape(4, 4)
    matrix = rearrange(array, (2, 2))
    assert matrix.shape == (4, 4) and list(matrix[1]) == [2, 3, 6, 7]


def test_unfolding_ranks_of_a_rank_one_tensor() -> None:
    tensor = np.einsum("i,j,k->ijk", [1, 2], [3, 4, 5], [6, 7]).astype(object)
    assert unfolding_ranks(tensor) == [1, 1]
    tensor[0, 0, 0] += 1
    assert unfolding_ranks(tensor) != [1, 1]


@pytest.mark.parametrize(("sizes", "dilations"), [((3, 3, 3), (1, 3, 9)), ((3, 3, 3), (1, 2, 4)),
                                                  ((2, 3, 2), (1, 2, 3)), ((2, 2), (2, 1))])
def test_the_kronecker_rank_bound_is_machine_checked(sizes: tuple, dilations: tuple,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from kronconv.kronecker import structure

    cascade = Cascade.from_schedule(list(sizes), list(dilations), dims=2)
    assert structure.kronecker_rank_certificate(cascade)
    # The wrong twin: a bound one lower than the decomposition certifies is not confirmed.
    bound = structure.kronecker_rank_bound(cascade)
    monkeypatch.setattr(structure, "kronecker_rank_bound", lambda c: bound - 1)
    assert not structure.kronecker_rank_certificate(cascade)
