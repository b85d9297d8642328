"""C channels: the matrix-product identity, its wrong twins, TT ranks and their bound."""

from __future__ import annotations

import numpy as np
import pytest

from kronconv import Cascade
from kronconv.engines import ExactEngine
from kronconv.errors import InvalidParameterError
from kronconv.kronecker import multichannel as mc


@pytest.mark.parametrize(("dims", "channels", "a", "layers"),
                         [(1, 2, 2, 3), (2, 2, 2, 2), (1, 3, 3, 2)])
@pytest.mark.parametrize("engine", ["symbolic", "exact"])
def test_generalised_identity_and_reversed_twin(dims: int, channels: int, a: int, layers: int,
                                                engine: str) -> None:
    cascade = Cascade.exponential(a, layers, dims=dims, channels=channels)
    assert mc.check_generalised_identity(cascade, engine)[0]
    assert not mc.check_generalised_identity(cascade, engine, order="reversed")[0]


def test_generalised_identity_sums_overlaps_for_other_schedules() -> None:
    cascade = Cascade.from_schedule([3, 3, 3], [1, 2, 4], dims=1, channels=2)
    assert mc.check_generalised_identity(cascade, "symbolic")[0]


def test_naive_channel_kronecker_is_wrong_for_two_channels() -> None:
    cascade = Cascade.exponential(2, 2, dims=1, channels=2)
    kernels = mc.integer_kernels(cascade)
    w = mc.composite(ExactEngine(), kernels, cascade)
    naive = mc.naive_channel_kronecker(kernels)
    assert not all(np.array_equal(naive[o, i], w[o, i]) for o in range(2) for i in range(2))


@pytest.mark.parametrize(("dims", "channels", "a", "layers"),
                         [(1, 2, 2, 4), (1, 3, 2, 3), (2, 3, 2, 2), (1, 1, 3, 3)])
def test_tt_ranks_reach_the_bound(dims: int, channels: int, a: int, layers: int) -> None:
    result = mc.tt_ranks(Cascade.exponential(a, layers, dims=dims, channels=channels))
    assert result["reaches_bound"] and set(result["bound"]) == {channels}


def test_degenerate_kernels_stay_below_the_bound() -> None:
    # Wrong twin: every channel matrix of rank 1 cannot reach TT rank C = 2.
    cascade = Cascade.exponential(2, 3, dims=1, channels=2)
    kernels = [np.einsum("o,i,t->oit", [1, 2], [3, 1], k).astype(object)
               for k in ([1, 2], [2, -1], [1, 1])]
    tensor = mc.tt_tensor(mc.composite(ExactEngine(), kernels, cascade), cascade)
    from kronconv.kronecker.structure import unfolding_ranks

    assert unfolding_ranks(tensor) != mc.tt_bound(tensor.shape, 2)


def test_tt_ranks_need_a_mixed_radix_schedule() -> None:
    from kronconv.errors import InvalidParameterError

    with pytest.raises(InvalidParameterError, match="mixed-radix"):
        mc.tt_ranks(Cascade.from_schedule([3, 3], [1, 2], dims=1, channels=2))


def test_generalised_identity_refuses_an_unknown_engine() -> None:
    """Any engine name but the two it computes with is refused by name (it used to run the
    exact engine for any other string)."""
    cascade = Cascade.exponential(2, 2, dims=1, channels=2)
    with pytest.raises(InvalidParameterError, match=r"engine='modular'.*'symbolic', 'exact'"):
        mc.check_generalised_identity(cascade, "modular")
