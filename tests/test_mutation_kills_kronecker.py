"""Tests that kill mutants which survived `make mutation` (issue 11) in the Kronecker subject:
identity results, structure, nonlinear and multichannel cascades, degrees of freedom. Each pins a
number, a boundary or a message that the mutant changed."""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy

from kronconv.engines import ExactEngine
from kronconv.errors import InvalidParameterError
from kronconv.kronecker.identity import check_identity
from kronconv.specs import Cascade
from kronconv.specs.cascade import Layer


def _composite_1d(kernels: list[np.ndarray], dilations: list[int]) -> np.ndarray:
    """The composite kernel by np.convolve of the dilated kernels (independent of the engines)."""
    out = np.array([1], dtype=object)
    for kernel, d in zip(kernels, dilations, strict=True):
        dilated = np.zeros(d * (len(kernel) - 1) + 1, dtype=object)
        dilated[::d] = kernel
        out = np.convolve(out, dilated)
    return out


def test_kronecker_rank_instance_and_its_proof_label() -> None:
    """The rank instance is one draw from [-2^15, 2^15) with the result's seed: its singular
    values are those of the composite cut into blocks of the natural block m (here 2),
    recomputed with np.convolve and NumPy's SVD (the JSON keeps 6 digits); its rank 2 meets
    the upper bound 2, so the generic rank is proved (the label says so)."""
    cascade = Cascade.from_schedule([3, 3], [1, 2], dims=1)
    detail = check_identity(cascade, "exact").extra["kronecker_rank_detail"]
    rng = np.random.default_rng(detail["seed"])
    kernels = [rng.integers(-2**15, 2**15, (3,)).astype(object) for _ in range(2)]
    composite = np.append(_composite_1d(kernels, [1, 2]), 0).astype(float)  # 7 -> 8 entries
    expected = np.linalg.svd(composite.reshape(4, 2), compute_uv=False)
    assert np.allclose(detail["singular_values"], expected, rtol=1e-5, atol=0)  # 6 digits
    assert detail["rank"] == detail["upper_bound"] == 2
    assert detail["generic"].startswith("the generic rank") and "(proof)" in detail["generic"]


def test_counterexample_starts_with_the_last_tap_impulse() -> None:
    """Where the identity fails (kernel 2, dilations 1, 1), the readable counterexample is the
    first candidate: a unit impulse at the last tap of the last layer, the other an impulse at
    tap 0 (the composite has extent 3, the Kronecker product 4)."""
    result = check_identity(Cascade.from_schedule([2, 2], [1, 1], dims=1), "exact")
    example = result.extra["counterexample"]
    assert not result.holds
    assert example["kernels"] == [[1, 0], [0, 1]]
    assert example["cascade_output"] == {"shape": [3], "nonzero": {"1": 1}}


def test_float_tolerance_counts_taps_plus_layers() -> None:
    """The float engine's bound 2 gamma_n |K_L| ... |K_0| takes n = total taps + layers rounding
    steps: 3 + 3 + 2 = 8 for two 3-tap layers."""
    result = check_identity(Cascade.from_schedule([3, 3], [1, 3], dims=1), "float")
    assert result.holds and "within 2 gamma_8 " in result.comparison


def test_peeling_a_size_1_axis_of_odd_extent() -> None:
    """direct_structure peels a (3, 1) kernel and a (1, 3) kernel off their 3 x 3 composite:
    along a size-1 axis the block is the whole extent (3, odd), as the derived condition
    predicts (a Kronecker product)."""
    from kronconv.kronecker.structure import direct_structure, predict_structure

    cascade = Cascade.from_schedule([(3, 1), (1, 3)], [(1, 1), (1, 1)], dims=2)
    direct = direct_structure(cascade)
    assert direct.kind == predict_structure(cascade).kind == "kronecker"
    assert direct.blocks == ((1, 3), (1, 1))


def test_nonlinear_reference_keeps_the_ring_and_skips_the_output() -> None:
    """The naive reference of a nonlinear cascade: entries stay in their ring (Python ints stay
    ints, floats stay float64), sigma acts between layers only (not on the output, which is
    negative here), and it agrees with the executable semantics."""
    from kronconv.kronecker.nonlinear import apply_cascade

    cascade = Cascade.from_schedule([2, 2], [1, 2], dims=1)
    x = np.array([1, -2, 3], dtype=object)
    kernels = [np.array([1, -1], dtype=object), np.array([-1, 1], dtype=object)]
    relu = lambda v: max(v, 0)  # noqa: E731
    exact, _ = apply_cascade(x, kernels, cascade, "relu", reference=True)
    assert exact.dtype == object and all(type(v) is int for v in exact.flat)
    assert list(exact) == [-1, 0, -4, 0, 5, 0] == list(apply_cascade(x, kernels, cascade,
                                                                     "relu")[0])
    assert list(apply_cascade(x, kernels, cascade, relu, reference=True)[0]) == list(exact)
    floats, _ = apply_cascade(x.astype(float), [k.astype(float) for k in kernels], cascade,
                              "relu", reference=True)
    assert floats.dtype == np.float64 and list(floats) == list(exact)


def test_float_counterexample_values_are_rounded_to_6_digits() -> None:
    """With float entries (exact=False) the counterexample lists values rounded to 6 decimals:
    tanh on impulses, scale 2: cascade(2x)[0] = tanh(2), 2 cascade(x)[0] = 2 tanh(1)."""
    from kronconv.kronecker.nonlinear import find_counterexample

    cascade = Cascade.from_schedule([2, 2], [1, 2], dims=1, nonlinearity="tanh")
    outputs = find_counterexample(cascade, exact=False).outputs
    assert outputs["cascade(scale*x)"][0] == round(math.tanh(2), 6) == 0.964028
    assert outputs["scale*cascade(x)"][0] == round(2 * math.tanh(1), 6)


def test_numeric_search_runs_200_trials_by_default() -> None:
    """A linear sigma never violates additivity: the search returns None after its default of
    200 seeded trials (counted through the calls of sigma: as many as with trials=200)."""
    from kronconv.kronecker.nonlinear import numeric_search

    cascade = Cascade.from_schedule([2, 2], [1, 2], dims=1)

    def calls(**trials: int) -> int:
        seen = []
        assert numeric_search(cascade, lambda v: seen.append(v) or v, **trials) is None
        return len(seen)

    assert calls() == calls(trials=200) == 200 * calls(trials=1)


def test_multichannel_kernels_and_correlation() -> None:
    """integer_kernels defaults to seed 0 (the CLI's default seed); the generalised identity
    holds in the correlation convention too (the composite is flipped back)."""
    from kronconv.kronecker.multichannel import check_generalised_identity, integer_kernels

    cascade = Cascade.exponential(2, 2, dims=1, channels=2, convention="correlation")
    assert all((a == b).all() for a, b in zip(integer_kernels(cascade),
                                              integer_kernels(cascade, seed=0), strict=True))
    assert not all((a == b).all() for a, b in zip(integer_kernels(cascade),
                                                  integer_kernels(cascade, seed=1), strict=True))
    assert check_generalised_identity(cascade, "exact") == (True, "all 16 entries equal")


def test_single_channel_refusals_name_a_channel_count_other_than_1() -> None:
    """The scalar analyses refuse more than one channel, naming a count that is not 1 wherever
    the cascade has it (2 -> 1 -> 1, and 1 -> 3 -> 1)."""
    from kronconv.kronecker.dof import check_scalar_linear
    from kronconv.kronecker.structure import predict_structure

    first = Cascade((Layer(dims=1, kernel_size=2, dilation=1, in_channels=2),
                     Layer(dims=1, kernel_size=2, dilation=2)))
    middle = Cascade((Layer(dims=1, kernel_size=2, dilation=1, out_channels=3),
                      Layer(dims=1, kernel_size=2, dilation=2, in_channels=3)))
    for cascade, count in ((first, 2), (middle, 3)):
        for check in (check_scalar_linear, predict_structure):
            with pytest.raises(InvalidParameterError, match=f"^channels={count} is invalid"):
                check(cascade)


def test_low_rank_parameters() -> None:
    """A rank-r n x n kernel as sum of r outer products u v^T: 2 r n parameters."""
    from kronconv.kronecker.dof import low_rank_parameters

    r, n = sympy.symbols("r n", positive=True)
    assert low_rank_parameters(r, n) == 2 * r * n
    assert low_rank_parameters(sympy.Integer(3), sympy.Integer(5)) == 30


def test_natural_block_of_a_cascade_of_scalars_is_1_on_every_axis() -> None:
    """With no layer of size > 1 there is no outer kernel to space: the block is 1 per axis."""
    from kronconv.kronecker.structure import natural_block

    assert natural_block(Cascade.from_schedule([1, 1], [1, 2], dims=2)) == (1, 1)
    assert natural_block(Cascade.from_schedule([1], [3], dims=1)) == (1,)


def test_float_rank_of_the_zero_array_is_0() -> None:
    """The float rank counts singular values above max(shape) eps sigma_1: for the zero array
    sigma_1 = 0, no value is above 0, so the float rank is 0, as the exact rank is."""
    from kronconv.kronecker.structure import kronecker_rank

    result = kronecker_rank(np.zeros((4, 2), dtype=np.int64), (2, 1))
    assert (result.rank, result.float_rank) == (0, 0)


def test_rank_certificate_with_41_blocks_of_the_inner_composite() -> None:
    """Outer kernel of size 2 (block 1) over an inner composite of extent 41: the place grid
    has a + c - 1 = 42 positions (the 41 block offsets of a 2-tap kernel), and the bound is
    certified; the certificate's work grows linearly in the number of blocks."""
    from kronconv.kronecker.structure import kronecker_rank_bound, kronecker_rank_certificate

    cascade = Cascade.from_schedule([41, 2], [1, 1], dims=1)
    assert kronecker_rank_bound(cascade) == 1
    assert kronecker_rank_certificate(cascade)


def test_pad_to_appends_zeros_of_the_arrays_ring() -> None:
    """pad_to pads with the zero of the entries' ring: Fraction(0) for rationals, the zero
    polynomial of the same ring for symbolic kernels (not Python's int 0)."""
    from fractions import Fraction

    from kronconv.engines import SymbolicEngine
    from kronconv.kronecker.structure import pad_to

    padded = pad_to(np.array([Fraction(1, 2)], dtype=object), (3,))
    assert [type(v) for v in padded] == [Fraction] * 3 and list(padded) == [Fraction(1, 2), 0, 0]
    (kernel,) = SymbolicEngine().kernels(Cascade.from_schedule([2], [1], dims=1))
    padded = pad_to(kernel, (4,))
    assert all(type(v) is type(kernel[0]) for v in padded) and padded[3] == kernel[0] * 0


def test_modular_identity_names_its_seeds() -> None:
    """The modular engine's 2 trials use seeds seed .. seed + 1, and the detail says so."""
    cascade = Cascade.from_schedule([3, 3], [1, 3], dims=1)
    assert check_identity(cascade, "modular").detail.endswith("; seeds 0..1")
    assert check_identity(cascade, "modular", seed=6).detail.endswith("; seeds 6..7")


def test_multichannel_semantics_backend_follows_the_engines_arithmetic() -> None:
    """Float engine -> the float backend; exact and symbolic engines -> the exact backend (their
    Python ints and polynomials stay in their ring)."""
    from kronconv.engines import SymbolicEngine
    from kronconv.engines.numeric import ExactEngine, FloatEngine
    from kronconv.kronecker.multichannel import semantics_backend

    assert [semantics_backend(e).name for e in (FloatEngine(), ExactEngine(),
                                                SymbolicEngine())] == ["float", "exact", "exact"]


def test_z3_homogeneity_query_negates_the_input_linearly() -> None:
    """z3_not_linear asks cascade(-x) = -cascade(x) with -x written x * -1: the recorded query
    (shown in reports) holds no division, and relu between the layers is refuted."""
    from kronconv.kronecker.nonlinear import z3_not_linear

    cascade = Cascade.from_schedule([2, 2], [1, 2], dims=1, nonlinearity="relu")
    kernels = [np.array([1, -1], dtype=object), np.array([2, 1], dtype=object)]
    result = z3_not_linear(cascade, kernels, (4,))
    assert result.status == "counterexample"
    assert "x_0*-1" in result.query and "/" not in result.query


def test_no_counterexample_is_searched_past_2000_kernel_entries() -> None:
    """The naive re-check of a counterexample costs (kernel entries)^2 steps, so it runs only up
    to 2000 entries: a failing 3-tap pair with dilations 1, 999 has a composite of
    2 + 2 * 999 + 1 = 2001 entries, one too many, and the detail says why none was searched."""
    result = check_identity(Cascade.from_schedule([3, 3], [1, 999], dims=1), "exact")
    assert not result.holds and tuple(result.kernel_extent) == (2001,)
    assert result.extra["counterexample"] is None
    assert result.detail.endswith("no readable counterexample searched: kernels over 2000 "
                                  "entries")


# -- structure.py: the derived condition, the direct test, ranks (hand-computed tables) ---------
def _sched(sizes: list, dilations: list, dims: int = 1) -> Cascade:
    return Cascade.from_schedule(sizes, dilations, dims=dims)


# (sizes, dilations, dims) -> (kind, extent, order, paddings, first_violation). Worked by the
# recursion ext_k = ext_{k-1} + (a_k - 1) d_k over the non-scalar layers sorted by dilation,
# padding d_k - ext_{k-1} on axes where a_k > 1 (0 elsewhere).
PREDICTED = [
    (([3, 3], [1, 3], 1), ("kronecker", (9,), (0, 1), ((0,), (0,)), None)),
    (([3, 3], [1, 4], 1), ("padded-kronecker", (11,), (0, 1), ((0,), (1,)), None)),
    (([3, 3], [1, 2], 1), ("not-kronecker", (7,), (0, 1), ((0,), (-1,)), 1)),
    (([3, 3, 3], [1, 2, 1], 1), ("not-kronecker", (9,), (0, 2, 1), ((0,), (-2,), (-3,)), 2)),
    (([3, 3], [3, 1], 1), ("kronecker", (9,), (1, 0), ((0,), (0,)), None)),
    (([1, 3, 3], [5, 1, 3], 1), ("kronecker", (9,), (1, 2), ((0,), (0,)), None)),
    (([1, 1], [2, 3], 1), ("kronecker", (1,), (), (), None)),
    (([2, 2, 2], [1, 5, 25], 1), ("padded-kronecker", (32,), (0, 1, 2), ((0,), (3,), (18,)),
                                  None)),
    (([(3, 1), (2, 2)], [(1, 1), (3, 1)], 2), ("kronecker", (6, 2), (0, 1),
                                               ((0, 0), (0, 0)), None)),
    (([(3, 1), (2, 2)], [(1, 2), (3, 1)], 2), ("kronecker", (6, 2), (0, 1),
                                               ((0, 0), (0, 0)), None)),
    (([(3, 2), (2, 2)], [(1, 1), (3, 1)], 2), ("not-kronecker", (6, 3), (0, 1),
                                               ((0, 0), (0, -1)), 1)),
    (([(2, 2), (2, 2)], [(3, 1), (1, 2)], 2), ("not-kronecker", (5, 4), (1, 0),
                                               ((0, 1), (1, -2)), 0)),
    (([(2, 2), (2, 2)], [(1, 1), (2, 3)], 2), ("padded-kronecker", (4, 5), (0, 1),
                                               ((0, 0), (0, 1)), None)),
]


@pytest.mark.parametrize(("schedule", "expected"), PREDICTED)
def test_predicted_structure_table(schedule: tuple, expected: tuple) -> None:
    """Every field of the derived structure, on boundary cases: d = ext (kronecker), d = ext + 1
    (padded), d = ext - 1 (overlap), layers out of dilation order, scalar layers, a size-1 axis
    (no padding there), and the first violation kept when later layers also overlap."""
    from kronconv.kronecker.structure import Structure, predict_structure

    sizes, dilations, dims = schedule
    assert predict_structure(_sched(sizes, dilations, dims)) == Structure(*expected)


def test_predicted_structure_refuses_several_channels() -> None:
    from kronconv.kronecker.structure import predict_structure

    cascade = Cascade.from_schedule([3, 3], [1, 3], dims=1, channels=2)
    with pytest.raises(InvalidParameterError, match="channels=2 is invalid: expected 1 for the "
                       "scalar structure"):
        predict_structure(cascade)


@pytest.mark.parametrize(("a", "d", "layers", "expected"), [
    (1, 4, 3, ("kronecker", 1, [0, 0, 0])),
    (3, 5, 1, ("kronecker", 3, [0])),
    (3, 3, 3, ("kronecker", 27, [0, 0, 0])),          # 1 + 2 (27 - 1) / 2
    (2, 5, 3, ("padded-kronecker", 32, [0, 3, 18])),  # p_l = 3 (5^l - 1) / 4
    (3, 4, 2, ("padded-kronecker", 11, [0, 1])),
    (3, 2, 3, ("not-kronecker", 15, [])),             # 1 + 2 (8 - 1)
    (3, 1, 4, ("not-kronecker", 9, [])),              # d = 1: geometric sum = layers
    (2, 1, 2, ("not-kronecker", 3, [])),
])
def test_exponential_structure_closed_form(a: int, d: int, layers: int, expected: tuple) -> None:
    """The closed form, and its agreement with the recursion on the schedule d^l."""
    from kronconv.kronecker.structure import exponential_structure, predict_structure

    assert exponential_structure(a, d, layers) == expected
    predicted = predict_structure(_sched([a] * layers, [d**level for level in range(layers)]))
    assert (predicted.kind, predicted.extent[0]) == expected[:2]
    if expected[0] != "not-kronecker" and a > 1:
        assert [p[0] for p in predicted.paddings] == expected[2]


def test_nested_padded_kronecker_trims_reduces_and_checks_blocks() -> None:
    """kron([3, 4], pad([1, 2], 3)) = [3, 6, 0, 4, 8, 0], trimmed to (2 - 1) 3 + 2 = 5 entries;
    a block equal to the inner extent pads nothing; modulo 5 with ``reduce``; a block below the
    inner extent is refused, naming it."""
    from kronconv.kronecker.structure import nested_padded_kronecker

    inner, outer = np.array([1, 2]), np.array([3, 4])
    assert nested_padded_kronecker([inner, outer], [(9,), (3,)]).tolist() == [3, 6, 0, 4, 8]
    assert nested_padded_kronecker([inner, outer], [(0,), (2,)]).tolist() == [3, 6, 4, 8]
    assert nested_padded_kronecker([inner], [(1,)]).tolist() == [1, 2]
    reduced = nested_padded_kronecker([inner, outer], [(1,), (3,)], reduce=lambda v: v % 5)
    assert reduced.tolist() == [3, 1, 0, 4, 3]
    three = nested_padded_kronecker([inner, outer, np.array([1, 1])], [(1,), (2,), (5,)])
    assert three.tolist() == [3, 6, 4, 8, 0, 3, 6, 4, 8]
    grid = nested_padded_kronecker([np.array([[1, 2]]), np.array([[1], [1]])], [(1, 1), (2, 2)])
    assert grid.tolist() == [[1, 2], [0, 0], [1, 2]]
    with pytest.raises(InvalidParameterError, match=r"blocks=\[1\] is invalid: expected block "
                       r"sizes >= the inner extent \(2,\)"):
        nested_padded_kronecker([inner, outer], [(1,), (1,)])


def test_trim_drops_trailing_zero_hyperplanes_only() -> None:
    from kronconv.kronecker.structure import _trim

    assert _trim(np.array([0, 1, 0, 0])).tolist() == [0, 1]
    assert _trim(np.array([0, 0])).tolist() == [0]
    assert _trim(np.array([[1, 0, 0], [0, 0, 0]])).tolist() == [[1]]
    assert _trim(np.array([[0, 0, 0], [0, 2, 0], [0, 0, 0]])).tolist() == [[0, 0], [0, 2]]
    assert _trim(np.zeros((2, 3), dtype=int)).tolist() == [[0]]


@pytest.mark.parametrize(("sizes", "dilations", "dims", "kind", "order", "blocks", "detail"), [
    ([3, 3], [1, 3], 1, "kronecker", (1, 0), ((3,), (1,)),
     "K_1 with block [3] (padding 0), K_0 with block [1] (padding 0)"),
    ([3, 3], [1, 4], 1, "padded-kronecker", (1, 0), ((4,), (1,)),
     "K_1 with block [4] (padding 1), K_0 with block [1] (padding 0)"),
    ([2, 2, 2], [4, 1, 2], 1, "kronecker", (0, 2, 1), ((4,), (2,), (1,)),
     "K_0 with block [4] (padding 0), K_2 with block [2] (padding 0), "
     "K_1 with block [1] (padding 0)"),
    ([1, 3], [1, 1], 1, "kronecker", (1,), ((1,),), "K_1 with block [1] (padding 0)"),
    ([1, 1], [1, 2], 1, "kronecker", (), (), ""),
    ([(2, 2), (2, 1)], [(1, 1), (3, 5)], 2, "padded-kronecker", (1, 0), ((3, 2), (1, 1)),
     "K_1 with block [3, 2] (padding 1), K_0 with block [1, 1] (padding 0)"),
])
def test_direct_structure_peels_outermost_first(sizes: list, dilations: list, dims: int,
                                                kind: str, order: tuple, blocks: tuple,
                                                detail: str) -> None:
    """The direct test's verdict, peel order, blocks and paddings, on cases worked by hand: the
    outermost factor is the largest dilation, its block that dilation (padding = block minus
    the inner extent on the axes where the kernel has more than one tap)."""
    from kronconv.kronecker.structure import direct_structure

    cascade = _sched(sizes, dilations, dims)
    result = direct_structure(cascade, seed=3)
    assert (result.kind, result.order, result.blocks) == (kind, order, blocks)
    assert result.detail == "peeled outermost first: " + detail
    assert result.data == {"extent": list(cascade.extent)}


def test_direct_structure_of_overlapping_taps() -> None:
    from kronconv.kronecker.structure import direct_structure

    result = direct_structure(_sched([3, 3], [1, 2]), seed=0)
    assert (result.kind, result.order, result.blocks) == ("not-kronecker", (), ())
    assert result.detail == ("no kernel peels off as an outer Kronecker factor with any "
                             "admissible block size (mod p)")
    assert result.data == {"extent": [7]}


def test_peel_skips_a_kernel_with_leading_zero_and_needs_the_unit_core() -> None:
    """_peel on hand-made residues: [2, 4] = [2] kron pad([1, 2], 2)... as K = [1, 2] with the
    core [2] left over, which is no unit impulse (False); a zero leading tap is never a factor."""
    from kronconv.kronecker.structure import _peel

    found: list = []
    assert _peel(np.array([1, 2, 2, 4]), {0: np.array([1, 2]), 1: np.array([1, 2])}, found)
    assert found == [(0, (2,), 0), (1, (1,), 0)]
    found = []
    assert not _peel(np.array([2, 4]), {0: np.array([1, 2])}, found) and found == []
    assert not _peel(np.array([0, 1]), {0: np.array([0, 1])}, [])
    assert _peel(np.array([1]), {}, []) and not _peel(np.array([3]), {}, [])
    assert not _peel(np.array([1, 0]), {}, [])
    found = []
    assert _peel(np.array([3]), {0: np.array([3])}, found)  # a scalar factor: padding 0
    assert found == [(0, (1,), 0)]


def test_rearrangement_rows_are_the_blocks() -> None:
    from kronconv.kronecker.structure import rearrange

    assert rearrange(np.arange(1, 7), (2,)).tolist() == [[1, 2], [3, 4], [5, 6]]
    assert rearrange(np.arange(1, 7), (4,)).tolist() == [[1, 2, 3, 4], [5, 6, 0, 0]]
    grid = np.arange(16).reshape(4, 4)
    assert rearrange(grid, (2, 2)).tolist() == [[0, 1, 4, 5], [2, 3, 6, 7],
                                                [8, 9, 12, 13], [10, 11, 14, 15]]
    assert rearrange(np.arange(6).reshape(2, 3), (1, 3)).tolist() == [[0, 1, 2], [3, 4, 5]]


def test_kronecker_rank_fields() -> None:
    """kron([1, 2], [3, 4, 5]) at block 3: rank 1, singular value ||[1,2]|| ||[3,4,5]|| =
    sqrt(5 * 50), nearest error 0, and the nearest factors rebuild it; [1, 0, 0, 1] at block 2
    is the identity matrix: rank 2, singular values (1, 1), error 1/sqrt(2)."""
    from kronconv.kronecker.structure import FLOAT_RANK_RULE, kronecker_rank, nearest_kronecker

    one = kronecker_rank(np.array([3, 4, 5, 6, 8, 10]), (3,))
    assert (one.rank, one.block, one.float_rank) == (1, (3,), 1)
    assert one.singular_values[0] == pytest.approx(math.sqrt(250), rel=1e-12)
    assert one.nearest_error == pytest.approx(0.0, abs=1e-12)
    assert one.method == ("exact rank over Q of the Van Loan-Pitsianis rearrangement (SymPy "
                          "DomainMatrix over ZZ)")
    outer, inner, _ = nearest_kronecker(np.array([3, 4, 5, 6, 8, 10]), (3,))
    assert np.allclose(np.kron(outer, inner), [3, 4, 5, 6, 8, 10], rtol=0, atol=1e-12)
    assert outer.shape == (2,) and inner.shape == (3,)
    two = kronecker_rank(np.array([1, 0, 0, 1]), (2,))
    assert (two.rank, two.float_rank) == (2, 2)
    assert two.singular_values == pytest.approx((1.0, 1.0), rel=1e-12)
    assert two.nearest_error == pytest.approx(1 / math.sqrt(2), rel=1e-12)
    tiny = kronecker_rank(np.array([1, 0, 0, 10**-20]) * 1.0, (2,))
    assert tiny.float_rank == 1 and "max(shape) * 2^-52" in FLOAT_RANK_RULE


@pytest.mark.parametrize(("sizes", "dilations", "dims", "bound", "block"), [
    ([3, 3], [1, 2], 1, 2, (2,)),          # inner ext 3: ceil(3/2) = 2 blocks, block 2
    ([3, 3], [1, 3], 1, 1, (3,)),          # inner ext 3 = block: 1
    ([3, 3, 3], [1, 1, 2], 1, 2, (2,)),    # inner ext 5: 3 blocks, but block 2 caps it
    ([2, 2, 3], [1, 2, 3], 1, 2, (3,)),    # inner ext 4: ceil(4/3) = 2
    ([3, 1], [2, 7], 1, 1, (2,)),          # the scalar's dilation 7 is not the block
    ([1, 1], [2, 3], 2, 1, (1, 1)),
    ([(3, 3), (2, 3)], [(1, 1), (2, 2)], 2, 4, (2, 2)),  # 2 x 2 blocks, block 2 x 2
])
def test_kronecker_rank_bound_and_natural_block(sizes: list, dilations: list, dims: int,
                                                bound: int, block: tuple) -> None:
    """min(#inner blocks, #rows, block size) at the natural block (the outermost non-scalar
    dilation), each case worked by hand; the certificate machine-checks the bound."""
    from kronconv.kronecker.structure import (
        kronecker_rank_bound,
        kronecker_rank_certificate,
        natural_block,
    )

    cascade = _sched(sizes, dilations, dims)
    assert natural_block(cascade) == block
    assert kronecker_rank_bound(cascade) == bound
    assert kronecker_rank_certificate(cascade)


def test_unfolding_ranks_reshape_each_split() -> None:
    from kronconv.kronecker.structure import unfolding_ranks

    tensor = np.arange(12).reshape(2, 3, 2)
    assert unfolding_ranks(tensor, rank=lambda m: m.shape) == [(2, 6), (6, 2)]
    outer = np.einsum("i,j,k->ijk", [1, 2], [1, 0, 3], [2, 5])
    assert unfolding_ranks(outer) == [1, 1]
    assert unfolding_ranks(np.eye(3, dtype=int).reshape(3, 3, 1)) == [3, 1]
    assert unfolding_ranks(np.array([1, 2])) == []


# -- multichannel.py and the time every identity result reports --------------------------------
def _widening_cascade() -> Cascade:
    """1 -> 2 -> 3 channels, kernel size 2, dilations 1 and 2 (a mixed-radix schedule)."""
    return Cascade((Layer(dims=1, kernel_size=2, dilation=1, in_channels=1, out_channels=2),
                    Layer(dims=1, kernel_size=2, dilation=2, in_channels=2, out_channels=3)))


def test_matrix_product_prediction_of_a_widening_cascade() -> None:
    """W has shape (out of the last layer, in of the first, extent) = (3, 1, 4). With K_0 =
    [[1, 2]], [[3, 4]] (channel 0 and 1) and K_1 all ones, W[t0 + 2 t1] = K_1[t1] K_0[t0] sums
    the two channels: 1 + 3 = 4 at tap 0 and 2 + 4 = 6 at tap 1, for every output channel."""
    from kronconv.kronecker.multichannel import (
        check_generalised_identity,
        composite,
        matrix_product_prediction,
    )

    cascade = _widening_cascade()
    k0 = np.array([[[1, 2]], [[3, 4]]], dtype=object)
    k1 = np.ones((3, 2, 2), dtype=object)
    predicted = matrix_product_prediction([k0, k1], cascade)
    assert predicted.shape == (3, 1, 4)
    assert predicted[:, 0, :].tolist() == [[4, 6, 4, 6]] * 3
    assert composite(ExactEngine(), [k0, k1], cascade).tolist() == predicted.tolist()
    assert check_generalised_identity(cascade, "exact", seed=2) == (True,
                                                                    "all 12 entries equal")
    assert check_generalised_identity(cascade, "symbolic") == (True, "all 12 entries equal")


@pytest.mark.parametrize("cascade", [
    Cascade.from_schedule([2, 2], [1, 2], dims=1),
    Cascade.from_schedule([2, 2], [1, 1], dims=1),
    Cascade.from_schedule([2], [1], dims=1, channels=2),
    Cascade.from_schedule([2, 2], [1, 2], dims=1, channels=2),
    Cascade.from_schedule([2, 2], [1, 2], dims=1, nonlinearity="relu"),
], ids=["linear", "failing", "one-layer-channels", "channels", "relu"])
def test_identity_results_report_the_time_they_took(cascade: Cascade) -> None:
    """The reported seconds lie between 0 and the time measured around the call (a logical
    bound, not a timing threshold: the result's clock starts after ours and stops before)."""
    import time

    before = time.perf_counter()
    result = check_identity(cascade, "exact")
    elapsed = time.perf_counter() - before
    assert 0 <= result.seconds <= elapsed


# -- identity.py: every field of the result, per engine and boundary ----------------------------
def test_kronecker_factors_order_and_refusal() -> None:
    from kronconv.kronecker.identity import kronecker_factors, kronecker_prediction

    a, b, c = np.array([1, 2]), np.array([3]), np.array([5, 7])
    assert [f.tolist() for f in kronecker_factors([a, b, c])] == [[5, 7], [3], [1, 2]]
    assert [f.tolist() for f in kronecker_factors([a, b, c], "reversed")] == [[1, 2], [3], [5, 7]]
    assert kronecker_prediction(ExactEngine(), [a, c]).tolist() == [5, 10, 7, 14]
    with pytest.raises(InvalidParameterError, match="factor_order='backwards'"):
        kronecker_factors([a], "backwards")


@pytest.mark.parametrize("mixed", [
    dict(convention="correlation"), dict(boundary="valid"),
])
def test_a_cascade_mixing_conventions_or_boundaries_is_refused(mixed: dict) -> None:
    cascade = Cascade((Layer(dims=1, kernel_size=2), Layer(dims=1, kernel_size=2, dilation=2,
                                                           **mixed)))
    with pytest.raises(InvalidParameterError, match="layers='mixed conventions or boundaries' is "
                       "invalid: expected one convention and one boundary handling for the "
                       "whole cascade"):
        check_identity(cascade, "exact")


KRON_2_2 = Cascade.from_schedule([2, 2], [1, 2], dims=1)
SZ = "Schwartz-Zippel error bound <= "


@pytest.mark.parametrize(("engine", "kind", "detail_start", "detail_end", "comparison"), [
    ("symbolic", "proof", "polynomial identity in the 4 kernel symbols", "for every kernel",
     "all 4 entries equal (as generating functions C = Q)"),
    ("exact", "randomized", "exact integer arithmetic at 1 random point", "; seed 3",
     "all 4 entries equal: equal modulo 3 primes"),  # B = 4 * 2^62: 2B = 2^65 needs 3 primes
    ("modular", "randomized", "2 random point(s) modulo p = 2^31 - 1; " + SZ + "(2/2147483647)^2",
     "; seeds 3..4", "all 4 entries equal"),
    ("float", "randomized", "float64 at 1 random point", "not an exact check; seed 3",
     "all 4 entries within 2 gamma_6 |K_L| * ... * |K_0|"),  # n = 2 + 2 taps + 2 layers
])
def test_identity_result_fields_per_engine(engine: str, kind: str, detail_start: str,
                                           detail_end: str, comparison: str) -> None:
    result = check_identity(KRON_2_2, engine, seed=3)
    assert (result.holds, result.engine, result.kind) == (True, engine, kind)
    assert result.detail.startswith(detail_start) and result.detail.endswith(detail_end)
    assert result.comparison.startswith(comparison)
    assert (result.kernel_extent, result.predicted_extent) == ((4,), (4,))
    assert result.extra["structure"] == "kronecker" and result.extra["kronecker_rank"] == 1
    assert "counterexample" not in result.extra and "input_shape" not in result.extra
    assert bool(result.error_bound) == (kind == "randomized")


def test_modular_identity_with_three_trials_and_float_through_the_tolerance() -> None:
    """Three trials name seeds 5..7; a three-layer float check is decided by the tolerance
    (n = 9: 2 + 2 + 2 taps and 3 layers), not by exact equality of rounded products."""
    from kronconv.engines import ModularEngine

    result = check_identity(Cascade.from_schedule([2, 2, 2], [1, 2, 4], dims=1),
                            ModularEngine(trials=3), seed=5)
    assert result.holds and result.detail.endswith("; seeds 5..7")
    assert "(3/2147483647)^3" in result.detail
    floats = check_identity(Cascade.from_schedule([2, 2, 2], [1, 2, 4], dims=1), "float")
    assert floats.holds and floats.comparison == ("all 8 entries within 2 gamma_9 "
                                                  "|K_L| * ... * |K_0|")


def test_failing_identity_in_every_engine_names_the_engine_and_a_counterexample() -> None:
    """Kernel 2 at dilations 1, 1: composite of extent 3 against a product of extent 4."""
    cascade = Cascade.from_schedule([2, 2], [1, 1], dims=1)
    for engine, modulo in (("symbolic", ""), ("exact", " (modulo 2147483647)"),
                           ("modular", ""), ("float", "")):
        result = check_identity(cascade, engine)
        assert not result.holds and result.evidence_kind == "counterexample"
        assert result.comparison == "shapes differ: (3,) vs (4,)" + modulo
        assert result.detail == (f"{engine} engine: shapes differ: (3,) vs (4,){modulo}; explicit "
                                 "counterexample (exact integers, fast engine) re-checked by "
                                 "the naive reference")
        assert (result.kernel_extent, result.predicted_extent) == ((3,), (4,))
        assert result.extra["structure"] == "not-kronecker"


@pytest.mark.parametrize(("boundary", "engine", "holds", "has_relation"), [
    ("valid", "symbolic", True, False), ("valid", "exact", True, False),
    ("valid", "modular", True, False), ("same", "exact", False, True),
    ("circular", "modular", True, True), ("circular", "symbolic", True, True),
])
def test_other_boundaries_compare_outputs_on_one_input(boundary: str, engine: str, holds: bool,
                                                       has_relation: bool) -> None:
    """Not 'full': outputs on one generic input of extent + 1 (here 5) entries; 'valid' keeps
    the identity (both sides drop the same span 3), 'same' shifts it; 'same' and 'circular'
    report the relation. A failure's detail is the comparison's."""
    cascade = Cascade.from_schedule([2, 2], [1, 2], dims=1, boundary=boundary)
    result = check_identity(cascade, engine, seed=1)
    assert result.holds is holds
    assert result.extra["input_shape"] == [5]
    assert ("boundary" in result.extra) is has_relation
    note = "; outputs compared on one generic input of shape [5]"
    assert (note in result.detail) is holds
    if has_relation:
        assert result.extra["boundary"]["input_shape"] == [5]
    given = check_identity(cascade, engine, seed=1, input_shape=[7])
    assert given.extra["input_shape"] == [7] and given.holds is holds
    assert ("of shape [7]" in given.detail) is holds


def test_float_engine_is_refused_for_other_boundaries() -> None:
    cascade = Cascade.from_schedule([2, 2], [1, 2], dims=1, boundary="valid")
    with pytest.raises(InvalidParameterError, match="engine='float' is invalid: expected an exact "
                       "engine for boundary 'valid' \\(symbolic, exact or modular\\)"):
        check_identity(cascade, "float")


def test_rank_keys_up_to_40000_composite_entries() -> None:
    """An extent of 200 x 200 = 40,000 entries gets the rank of one instance; 40,001 (2 + 199
    * 201 along one axis) does not (only the structure)."""
    from kronconv.kronecker.identity import _structure_keys

    at = _structure_keys(Cascade.from_schedule([(2, 2), (100, 100)], [(1, 1), (2, 2)], dims=2),
                         0)
    assert at["kronecker_rank"] == 1 and at["kronecker_rank_detail"]["upper_bound"] == 1
    over = _structure_keys(Cascade.from_schedule([2, 200], [1, 201], dims=1), 0)
    assert sorted(over) == ["structure", "structure_detail"]


def test_counterexample_fields_and_shapes() -> None:
    """'valid' boundary: the input has extent + 1 entries; the impulses come first, the last
    layer's last tap first; 'full': a one-entry input. A holding identity has none."""
    from kronconv.kronecker.identity import linear_counterexample

    full = linear_counterexample(Cascade.from_schedule([2, 2], [1, 1], dims=1), tries=0)
    assert full is not None and full["input"] == [1]
    assert full["kernels"] == [[1, 0], [0, 1]]
    assert full["kronecker_output"] == {"shape": [4], "nonzero": {"2": 1}}
    assert full["found_by"] == "exact integers, fast engine (kronconv.engines.conv)"
    assert full["rechecked_by"] == ("naive reference "
                                    "(kronconv.engines.reference_dilated_conv)")
    grid = linear_counterexample(Cascade.from_schedule([2, 2], [1, 1], dims=2), tries=0)
    assert grid is not None and grid["input"] == [[1]]
    assert grid["cascade_output"] == {"shape": [3, 3], "nonzero": {"1,1": 1}}
    valid = linear_counterexample(Cascade.from_schedule([2, 2], [1, 1], dims=1,
                                                        boundary="valid"), tries=3)
    assert valid is not None and len(valid["input"]) == 4
    assert valid["cascade_output"]["shape"] == [2] and valid["kronecker_output"]["shape"] == [1]
    assert linear_counterexample(KRON_2_2, tries=2) is None


def test_a_counterexample_the_reference_does_not_confirm_is_an_error(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The re-check can fail: a reference that sees no difference (all zeros), or one that
    differs but with other values (off by one), is refused."""
    from kronconv.kronecker import identity

    cascade = Cascade.from_schedule([2, 2], [1, 1], dims=1)
    for wrong in (lambda x, k, *args: np.zeros(3, dtype=object),
                  lambda x, k, *args: ExactEngine().dilated_conv(x, k, *args) + 1):
        monkeypatch.setattr(identity, "reference_dilated_conv", wrong)
        with pytest.raises(AssertionError, match="the naive reference does not confirm"):
            identity.linear_counterexample(cascade, tries=0)


def test_difference_helpers() -> None:
    from kronconv.kronecker.identity import _differ, _differ_in_common, _sparse

    assert _differ(np.array([1, 2]), np.array([1, 2, 0]))
    assert _differ(np.array([1, 2]), np.array([1, 3])) and not _differ(np.array([1]),
                                                                        np.array([1]))
    assert not _differ_in_common(np.array([1, 2]), np.array([1, 2, 5]))
    assert _differ_in_common(np.array([[1, 2]]), np.array([[1, 3], [0, 0]]))
    sparse = _sparse(np.array([[0, np.int64(3)], [-2, 0]], dtype=object))
    assert sparse == {"shape": [2, 2], "nonzero": {"0,1": 3, "1,0": -2}}
    assert all(type(v) is int for v in sparse["nonzero"].values())


# -- nonlinear.py --------------------------------------------------------------------------------
RELU_2 = Cascade.from_schedule([2, 2], [1, 2], dims=1, nonlinearity="relu")


def test_named_activations_and_a_users_function() -> None:
    from fractions import Fraction

    from kronconv.kronecker.nonlinear import LEAKY_SLOPE, activation

    assert Fraction(1, 100) == LEAKY_SLOPE
    relu, leaky = activation("relu"), activation("leaky_relu")
    assert (relu(-3), relu(0), relu(2)) == (0, 0, 2)
    assert (leaky(-100), leaky(7)) == (-1, 7) and leaky(Fraction(-1)) == Fraction(-1, 100)
    assert activation("tanh")(sympy.Integer(0)) == 0
    assert float(activation("sigmoid")(sympy.Integer(0))) == 0.5

    def mine(v: object) -> object:
        return v

    assert activation(mine) is mine
    with pytest.raises(InvalidParameterError, match="nonlinearity='none' is invalid"):
        activation("none")


def test_nonlinear_cascade_outputs_and_hidden_values_by_hand() -> None:
    """k0 = [1, -1], k1 = [1, 1] at dilations 1, 2 on x = [3, 5]: z0 = [3, 2, -5]; ReLU gives
    [3, 2, 0] and the output [3, 2, 0] + [0, 0, 3, 2, 0] = [3, 2, 3, 2, 0]; leaky ReLU keeps
    -5/100; no activation: the linear [3, 2, -2, 2, -5]; a user's 2v: [6, 4, -4, 4, -10]. The
    naive reference agrees on every one."""
    from fractions import Fraction

    from kronconv.kronecker.nonlinear import apply_cascade

    kernels = [np.array([1, -1], dtype=object), np.array([1, 1], dtype=object)]
    x = np.array([3, 5], dtype=object)
    cases = [(None, [3, 2, 3, 2, 0], [[3, 2, -5]]),
             ("leaky_relu", [3, 2, 3 - Fraction(1, 20), 2, -Fraction(1, 20)], [[3, 2, -5]]),
             ("none", [3, 2, -2, 2, -5], []),
             (lambda v: 2 * v, [6, 4, -4, 4, -10], [[3, 2, -5]])]
    for sigma, output, hidden in cases:
        for reference in (False, True):
            got, got_hidden = apply_cascade(x, kernels, RELU_2, sigma, reference=reference)
            assert got.tolist() == output
            assert [h.tolist() for h in got_hidden] == hidden
    with pytest.raises(InvalidParameterError, match="nonlinearity='swish'"):
        apply_cascade(x, kernels, RELU_2, "swish")


def test_replace_nonlinearity_keeps_the_last_layer_linear() -> None:
    from kronconv.kronecker.nonlinear import replace_nonlinearity

    assert replace_nonlinearity(RELU_2, "relu") is RELU_2
    tanh = replace_nonlinearity(RELU_2, "tanh")
    assert [layer.nonlinearity for layer in tanh.layers] == ["tanh", "none"]
    three = replace_nonlinearity(Cascade.from_schedule([2, 2, 2], [1, 2, 4], dims=1), "relu")
    assert [layer.nonlinearity for layer in three.layers] == ["relu", "relu", "none"]


def test_listing_helpers_keep_values_readable() -> None:
    from fractions import Fraction

    from kronconv.kronecker.nonlinear import _elementwise, _listed, _scalar, impulse_kernels

    assert _scalar(Fraction(4, 2)) == 2 and type(_scalar(Fraction(4, 2))) is int
    assert _scalar(Fraction(1, 3)) == "1/3"
    assert _scalar(sympy.tanh(1)) == "tanh(1)"
    assert _scalar(0.12345678) == 0.123457 and _scalar(np.int64(5)) == 5
    assert type(_scalar(np.int64(5))) is int
    assert _listed(np.array([[Fraction(1, 2), 3]], dtype=object)) == [["1/2", 3]]
    doubled = _elementwise(lambda v: 2 * v, np.array([1.5, 2.0]))
    assert doubled.dtype == np.float64 and doubled.tolist() == [3.0, 4.0]
    kept = _elementwise(lambda v: v, np.array([Fraction(1, 2)], dtype=object))
    assert kept.dtype == object and kept.tolist() == [Fraction(1, 2)]
    kernels = impulse_kernels(Cascade.from_schedule([2, 3], [1, 2], dims=2))
    assert [k.tolist() for k in kernels] == [[[1, 0], [0, 0]],
                                             [[1, 0, 0], [0, 0, 0], [0, 0, 0]]]


def test_outputs_differ_in_shape_value_and_symbolic_value() -> None:
    from kronconv.kronecker.nonlinear import _outputs_differ

    assert _outputs_differ(np.array([1, 2]), np.array([1, 2, 3]))
    assert _outputs_differ(np.array([1, 2]), np.array([1, 3]))
    assert not _outputs_differ(np.array([1, 2]), np.array([1, 2]))
    two, one = sympy.Integer(2), sympy.Integer(1)
    assert _outputs_differ(np.array([sympy.tanh(two)], dtype=object),
                           np.array([2 * sympy.tanh(one)], dtype=object))
    assert not _outputs_differ(np.array([2 * sympy.tanh(one)], dtype=object),
                               np.array([sympy.tanh(one) + sympy.tanh(one)], dtype=object))


def test_homogeneity_counterexamples_by_activation() -> None:
    """Impulse kernels and an impulse input: ReLU fails at scale -1 (output 0 instead of -1)
    but not at scale 2; tanh, odd, only at scale 2 (tanh 2 != 2 tanh 1); a linear or one-layer
    cascade has none."""
    from kronconv.kronecker.nonlinear import _violations, find_counterexample, impulse_kernels

    kernels = impulse_kernels(RELU_2)
    x = np.array([1], dtype=object)
    found = _violations(x, kernels, RELU_2, "relu", reference=False)
    assert [v[0] for v in found] == ["homogeneity (scale -1)"]
    assert found[0][1] == {"x": x, "scale": -1}
    assert [v.tolist() for v in found[0][2].values()] == [[0, 0, 0, 0], [-1, 0, 0, 0]]
    tanh = _violations(x, kernels, RELU_2, "tanh", reference=True)
    assert [v[0] for v in tanh] == ["homogeneity (scale 2)"]
    sigmoid = _violations(x, kernels, RELU_2, "sigmoid", reference=False)
    assert [v[0] for v in sigmoid] == ["homogeneity (scale -1)", "homogeneity (scale 2)"]
    example = find_counterexample(RELU_2)
    assert example is not None and example.property == "homogeneity (scale -1)"
    assert example.kernels == [[1, 0], [1, 0]] and example.inputs == {"x": [1], "scale": -1}
    assert example.outputs == {"cascade(scale*x)": [0, 0, 0, 0],
                               "scale*cascade(x)": [-1, 0, 0, 0]}
    assert example.found_by == "the semantics (kronconv.semantics.evaluate)"
    assert example.rechecked_by == "naive reference (kronconv.engines.reference_dilated_conv)"
    assert example.recheck()
    floats = find_counterexample(RELU_2, "relu", exact=False)
    assert floats is not None and floats.outputs["scale*cascade(x)"] == [-1.0, 0.0, 0.0, 0.0]
    assert find_counterexample(Cascade.from_schedule([2, 2], [1, 2], dims=1)) is None
    assert find_counterexample(Cascade.from_schedule([2], [1], dims=1), "relu") is None
    assert find_counterexample(Cascade.from_schedule([2, 2], [1, 2], dims=1), "tanh") is not None


@pytest.mark.parametrize("boundary", ["valid", "same", "circular"])
@pytest.mark.parametrize("convention", ["convolution", "correlation"])
def test_nonlinear_cascades_of_every_boundary_are_refuted(boundary: str,
                                                          convention: str) -> None:
    """Regression: with an impulse input at 0, 'valid' and 'same' convolutions cropped the
    impulse out of every output (no counterexample, and check_identity then claimed the cascade
    had no nonlinearity), and 'circular' refused the one-entry input. All ones on the extent
    (here 4) is read by every output: ReLU(-1) = 0 differs from -ReLU(1) = -1."""
    from kronconv.kronecker.nonlinear import find_counterexample

    cascade = Cascade.from_schedule([2, 2], [1, 2], dims=1, nonlinearity="relu",
                                    boundary=boundary, convention=convention)
    example = find_counterexample(cascade)
    assert example is not None and example.inputs == {"x": [1, 1, 1, 1], "scale": -1}
    length = 1 if boundary == "valid" else 4
    assert example.outputs["cascade(scale*x)"] == [0] * length
    assert -1 in example.outputs["scale*cascade(x)"] and example.recheck()
    result = check_identity(cascade, "exact")
    assert not result.holds and result.comparison == "homogeneity (scale -1) violated"


def test_an_unconfirmed_nonlinear_counterexample_is_an_error(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from kronconv.kronecker import nonlinear

    monkeypatch.setattr(nonlinear, "_reference_cascade",
                        lambda x, kernels, cascade, sigma: (x, []))
    with pytest.raises(AssertionError, match="did not confirm the homogeneity \\(scale -1\\)"):
        nonlinear.find_counterexample(RELU_2)


def test_z3_refutes_homogeneity_and_proves_the_relu_region() -> None:
    """One hidden ReLU, full boundaries: the cone of nonnegative pre-activations is exactly
    where the cascade agrees with the linear one (both directions proved)."""
    from kronconv.kronecker.nonlinear import impulse_kernels, z3_not_linear, z3_region

    kernels = [np.array([1, -1], dtype=object), np.array([1, 1], dtype=object)]
    for sigma in ("relu", "leaky_relu"):
        result = z3_not_linear(RELU_2, kernels, (2,), sigma)
        assert result.status == "counterexample" and result.name == f"homogeneity/{sigma}"
    with pytest.raises(InvalidParameterError, match="nonlinearity='tanh' is invalid: expected "
                       "relu or leaky_relu for z3"):
        z3_not_linear(RELU_2, kernels, (2,), "tanh")
    region = z3_region(RELU_2, kernels, (2,))
    assert sorted(region) == ["exact", "sufficient"]
    assert region["sufficient"].proved and region["exact"].proved
    assert region["exact"].name == "region-exact/relu"
    assert region["sufficient"].name == "region-sufficient/relu"
    assert list(z3_region(RELU_2, impulse_kernels(RELU_2), (1,), exact_direction=False)) == [
        "sufficient"]


def test_numeric_search_reports_the_first_violation() -> None:
    from kronconv.kronecker.nonlinear import numeric_search

    found = numeric_search(RELU_2, "relu", trials=3, seed=4)
    assert found is not None and found["trial"] == 0 and found["seed"] == 4
    assert found["max_violation"] > 1e-3
    assert found["tolerance"] == "1e-9 * (|f(x)| + |f(y)| + |f(x+y)|) entrywise"
    assert numeric_search(RELU_2, "none", trials=3) is None
    assert numeric_search(RELU_2, "relu", trials=0) is None
    assert numeric_search(RELU_2, lambda v: 3 * v, trials=2) is None


def test_nonlinear_identity_result_fields() -> None:
    import time

    from kronconv.engines import SymbolicEngine
    from kronconv.kronecker.nonlinear import identity_result

    result = check_identity(RELU_2, "symbolic")
    assert (result.holds, result.engine, result.kind) == (False, "symbolic", "counterexample")
    assert result.detail == ("not a convolution with any kernel: homogeneity (scale -1) fails "
                             "(every convolution is linear); found by the executable semantics, "
                             "re-checked by the naive reference")
    assert result.comparison == "homogeneity (scale -1) violated"
    assert (result.kernel_extent, result.predicted_extent) == ((4,), (4,))
    assert result.extra["structure"] == "nonlinear"
    assert "homogeneity (scale -1)" in str(result.extra["counterexample"])
    with pytest.raises(InvalidParameterError, match="nonlinearity='none' is invalid: expected a "
                       "nonlinearity between at least two layers"):
        identity_result(Cascade.from_schedule([2], [1], dims=1), SymbolicEngine(),
                        time.perf_counter())


# -- dof.py --------------------------------------------------------------------------------------
def test_dof_refusals_name_the_first_nonlinearity() -> None:
    from kronconv.kronecker.dof import check_scalar_linear

    linear = Cascade.from_schedule([2, 2], [1, 2], dims=1)
    assert check_scalar_linear(linear) is linear
    with pytest.raises(InvalidParameterError, match=r"cascade=3 is invalid: expected a "
                       r"kronconv\.Cascade"):
        check_scalar_linear(3)  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match="channels=2 is invalid: expected 1 for the "
                       "degrees-of-freedom analysis"):
        check_scalar_linear(Cascade.from_schedule([2, 2], [1, 2], dims=1, channels=2))
    mixed = Cascade((Layer(dims=1, kernel_size=2, nonlinearity="tanh"),
                     Layer(dims=1, kernel_size=2, nonlinearity="relu"),
                     Layer(dims=1, kernel_size=2)))
    with pytest.raises(InvalidParameterError, match="nonlinearity='relu' is invalid: expected "
                       "'none' for the degrees-of-freedom analysis"):
        check_scalar_linear(mixed)


@pytest.mark.parametrize(("sizes", "dilations", "dims", "bound"), [
    ([3, 3], [1, 3], 1, 5),      # P - L = 6 - 1, entries 9
    ([2, 2, 2], [1, 2, 4], 1, 4),  # 6 - 2, entries 8
    ([3], [1], 2, 9),            # one layer: P = 9 = entries
    ([3, 3], [1, 1], 2, 17),     # 18 - 1, entries 25
    ([1, 1], [1, 1], 1, 1),      # 2 - 1, entries 1
])
def test_dof_upper_bound(sizes: list, dilations: list, dims: int, bound: int) -> None:
    from kronconv.kronecker.dof import RankResult, dof_upper_bound

    cascade = _sched(sizes, dilations, dims)
    assert dof_upper_bound(cascade) == bound
    result = RankResult(cascade, bound, "m")
    assert result.upper_bound == bound and result.proved
    assert not RankResult(cascade, bound - 1, "m").proved
    assert result.parameters == sum(a**dims for a in sizes)


def test_full_convolution_and_dilation_helpers() -> None:
    from kronconv.kronecker.dof import _dilate, _full_conv

    assert _dilate(np.array([1, 2, 3]), (3,)).tolist() == [1, 0, 0, 2, 0, 0, 3]
    assert _dilate(np.array([[1, 2]]), (2, 2)).tolist() == [[1, 0, 2]]
    a, b = np.array([1, 2, 3]), np.array([4, 0, 5])
    assert _full_conv(a, b, None).tolist() == np.convolve(a, b).tolist()
    assert _full_conv(a, b, 7).tolist() == [v % 7 for v in np.convolve(a, b)]
    grid = _full_conv(np.array([[1, 2]]), np.array([[1], [3]]), None)
    assert grid.tolist() == [[1, 2], [3, 6]]


def test_jacobian_columns_by_hand() -> None:
    """k0 = [2, 3], k1 = [5, 7] at dilations 1, 2: C = [a0 b0, a1 b0, a0 b1, a1 b1], so the
    columns (a0, a1, b0, b1) are [5,0,7,0], [0,5,0,7], [2,3,0,0], [0,0,2,3]; modulo 3 the
    entries are reduced."""
    from kronconv.kronecker.dof import jacobian

    cascade = _sched([2, 2], [1, 2])
    kernels = [np.array([2, 3]), np.array([5, 7])]
    want = np.array([[5, 0, 7, 0], [0, 5, 0, 7], [2, 3, 0, 0], [0, 0, 2, 3]]).T
    assert jacobian(cascade, kernels).tolist() == want.tolist()
    assert jacobian(cascade, kernels, modulus=3).tolist() == (want % 3).tolist()
    grid = jacobian(_sched([1, 2], [1, 1], dims=2), [np.array([[4]]), np.array([[1, 2], [3, 5]])])
    assert grid.shape == (4, 5)
    assert grid[:, 0].tolist() == [1, 2, 3, 5] and grid[:, 1:].tolist() == (4 * np.eye(4)).tolist()


def test_modular_and_symbolic_ranks() -> None:
    """[2, 2] at dilations 1, 2: rank 3 = P - L (< 4 entries), proved; at dilations 1, 1:
    C = [a0 b0, a0 b1 + a1 b0, a1 b1], rank 3 = entries = P - L."""
    from kronconv.kronecker.dof import modular_rank, symbolic_jacobian, symbolic_rank

    for dilations in ([1, 2], [1, 1]):
        cascade = _sched([2, 2], dilations)
        result = modular_rank(cascade, seed=5)
        assert (result.rank, result.seed, result.proved) == (3, 5, True)
        assert result.method == "rank mod 2147483647 of the Jacobian at one random point"
        assert modular_rank(cascade, p=5).method == "rank mod 5 of the Jacobian at one random point"
        exact, euler = symbolic_rank(cascade)
        assert (exact.rank, euler, exact.seed) == (3, True, None)
        assert exact.method == "SymPy rank of the symbolic Jacobian (generic rank)"
    jac, symbols = symbolic_jacobian(_sched([2, 2], [1, 2]))
    a0, a1, b0, b1 = sympy.symbols("k_0_0 k_0_1 k_1_0 k_1_1")
    assert symbols == [[a0, a1], [b0, b1]]
    assert jac == sympy.Matrix([[b0, 0, a0, 0], [0, b0, a1, 0], [b1, 0, 0, a0], [0, b1, 0, a1]])
    assert symbolic_rank(_sched([2, 2, 2], [1, 2, 4]))[0].rank == 4
    assert symbolic_jacobian(_sched([1, 2], [1, 1], dims=2))[1][0] == [sympy.Symbol("k_0_0_0")]


def test_euler_check_can_fail(monkeypatch: pytest.MonkeyPatch) -> None:
    """A Jacobian that is not the cascade's (the identity) has no Euler null vectors."""
    from kronconv.kronecker import dof

    cascade = _sched([2, 2, 2], [1, 2, 4])
    jac, symbols = dof.symbolic_jacobian(cascade)
    monkeypatch.setattr(dof, "symbolic_jacobian",
                        lambda c: (sympy.eye(8)[:, :6], symbols))
    assert dof.symbolic_rank(cascade)[1] is False
    monkeypatch.setattr(dof, "symbolic_jacobian",
                        lambda c: (jac.col_insert(0, sympy.zeros(8, 1))[:, :6], symbols))
    assert dof.symbolic_rank(cascade)[1] is False


# -- multichannel.py -----------------------------------------------------------------------------
TWO_CHANNELS = Cascade.from_schedule([2, 2], [1, 2], dims=1, channels=2)


def test_multichannel_kernel_draws_and_names() -> None:
    from kronconv.kronecker.multichannel import integer_kernels, symbolic_kernels

    kernels = symbolic_kernels(TWO_CHANNELS)
    assert [k.shape for k in kernels] == [(2, 2, 2), (2, 2, 2)]
    assert str(kernels[0][1, 0, 1]) == "k_0_1_0_1" and str(kernels[1][0, 1, 0]) == "k_1_0_1_0"
    assert kernels[0][0, 0, 0].ring == kernels[1][1, 1, 1].ring
    drawn = integer_kernels(TWO_CHANNELS, seed=4, magnitude=3)
    rng = np.random.default_rng(4)
    assert [k.tolist() for k in drawn] == [rng.integers(-3, 3, (2, 2, 2)).tolist()
                                           for _ in range(2)]
    assert all(type(v) is int for k in drawn for v in k.flat)
    wide = integer_kernels(_widening_cascade())
    assert [k.shape for k in wide] == [(2, 1, 2), (3, 2, 2)]
    assert max(abs(v) for k in wide for v in k.flat) <= 2**15


def test_multichannel_refusals() -> None:
    from kronconv.engines import ModularEngine
    from kronconv.kronecker.multichannel import apply_cascade, semantics_backend

    with pytest.raises(InvalidParameterError, match="engine='modular' is invalid: expected an "
                       "engine without modular reduction"):
        semantics_backend(ModularEngine())
    kernels = [np.ones((2, 2, 2), dtype=object)] * 2
    for shape in ((1, 3, 4), (1, 2), (1, 2, 4, 4)):
        with pytest.raises(InvalidParameterError, match=r"x.shape=.* is invalid: expected "
                           r"\(batch, 2 channels, 1 spatial axes\)"):
            apply_cascade(ExactEngine(), np.ones(shape, dtype=object), kernels, TWO_CHANNELS)
    assert apply_cascade(ExactEngine(), np.ones((1, 2, 4), dtype=object), kernels,
                         TWO_CHANNELS).shape == (1, 2, 7)


def test_multichannel_composite_does_not_depend_on_the_convention() -> None:
    """W[o, i] for one channel: the convolution of the dilated kernels (np.convolve), the same
    in the correlation convention (its impulse response read backwards, flipped back)."""
    from kronconv.kronecker.multichannel import composite

    k0, k1 = np.array([[[1, 2, 4]]], dtype=object), np.array([[[3, 5]]], dtype=object)
    want = np.convolve([1, 2, 4], [3, 0, 0, 5]).tolist()
    for convention in ("convolution", "correlation"):
        cascade = Cascade.from_schedule([3, 2], [1, 3], dims=1, convention=convention)
        assert composite(ExactEngine(), [k0, k1], cascade)[0, 0].tolist() == want


def test_naive_channel_kronecker_and_tt_bounds_by_hand() -> None:
    from kronconv.kronecker.multichannel import naive_channel_kronecker, tt_bound

    naive = naive_channel_kronecker([np.array([[[1, 2]]]), np.array([[[3, 5]]])])
    assert naive.shape == (1, 1, 4) and naive[0, 0].tolist() == [3, 6, 5, 10]
    pairs = naive_channel_kronecker([np.arange(4).reshape(2, 2, 1) + 1,
                                     np.arange(8).reshape(2, 2, 2)])
    assert pairs[:, :, 0].tolist() == [[0, 4], [12, 24]]  # K_1[o, i, 0] K_0[o, i, 0]
    assert pairs[:, :, 1].tolist() == [[1, 6], [15, 28]]
    assert tt_bound([2, 4, 4, 2], 3) == [2, 3, 2]
    assert tt_bound([5, 5], 9) == [5] and tt_bound([7], 2) == []


def test_tt_tensor_digits_by_hand() -> None:
    """Mixed radix 2, 2 layers: T[o, tau_1, tau_0, i] = W[o, i, tau_0 + 2 tau_1]; in 2D each
    layer's mode joins its digit on both axes (x major)."""
    from kronconv.kronecker.multichannel import tt_tensor

    line = tt_tensor(np.arange(4).reshape(1, 1, 4), Cascade.from_schedule([2, 2], [1, 2], dims=1))
    assert line.shape == (1, 2, 2, 1) and line[0, :, :, 0].tolist() == [[0, 1], [2, 3]]
    w = np.arange(16).reshape(1, 1, 4, 4)
    grid = tt_tensor(w, Cascade.from_schedule([2, 2], [1, 2], dims=2))
    assert grid.shape == (1, 4, 4, 1)
    for t1x, t1y, t0x, t0y in np.ndindex(2, 2, 2, 2):
        assert grid[0, 2 * t1x + t1y, 2 * t0x + t0y, 0] == w[0, 0, t0x + 2 * t1x, t0y + 2 * t1y]
    three = tt_tensor(np.arange(27).reshape(1, 1, 27),
                      Cascade.from_schedule([3, 3, 3], [1, 3, 9], dims=1))
    assert three[0, 2, 1, 0, 0] == 2 * 9 + 1 * 3 + 0


@pytest.mark.parametrize(("sizes", "dilations"), [
    ([(2, 3), (2, 2)], [(1, 1), (2, 2)]),   # anisotropic kernel
    ([2, 2], [(1, 1), (2, 4)]),             # anisotropic dilation
    ([2, 2], [1, 3]),                       # not the mixed radix 2
    ([2, 2], [2, 4]),                       # the first dilation is not 1
])
def test_tt_tensor_refuses_other_schedules(sizes: list, dilations: list) -> None:
    from kronconv.kronecker.multichannel import tt_tensor

    cascade = Cascade.from_schedule(sizes, dilations, dims=2)
    with pytest.raises(InvalidParameterError, match=r"expected a mixed-radix schedule d_l = "
                       r"a_0 \.\.\. a_\(l-1\), isotropic, for TT ranks"):
        tt_tensor(np.zeros((1, 1, *cascade.extent)), cascade)


def test_tt_ranks_fields() -> None:
    from kronconv.kronecker.multichannel import tt_ranks

    ranks = tt_ranks(TWO_CHANNELS, seed=7)
    assert ranks == {"ranks": [2, 2, 2], "bound": [2, 2, 2], "reaches_bound": True,
                     "mode_sizes": [2, 2, 2, 2], "seed": 7,
                     "method": "exact ranks over Q of the unfoldings of one seeded integer "
                               "instance"}


def test_multichannel_identity_result_fields(monkeypatch: pytest.MonkeyPatch) -> None:
    from kronconv.kronecker import multichannel

    exact = check_identity(TWO_CHANNELS, "exact", seed=1)
    assert (exact.holds, exact.engine, exact.kind) == (False, "exact", "randomized")
    assert exact.detail == ("scalar Kronecker identity refuted for C > 1 (counterexample "
                            "re-checked by the naive reference); generalised identity holds "
                            "(exact)")
    assert exact.comparison == "all 16 entries equal"
    assert (exact.kernel_extent, exact.predicted_extent) == ((4,), (4,))
    assert exact.extra["structure"] == "matrix-product"
    assert exact.extra["generalised_identity"] == {
        "holds": True, "detail": "all 16 entries equal", "engine": "exact",
        "statement": "W[sum_l d_l tau_l] = sum K_L[tau_L] ... K_0[tau_0] (channel matrices)"}
    assert exact.extra["tt_ranks"]["seed"] == 1
    symbolic = check_identity(TWO_CHANNELS, "symbolic")
    assert symbolic.kind == "proof" and symbolic.detail.endswith("holds (symbolic)")
    assert symbolic.extra["generalised_identity"]["engine"] == "symbolic"
    overlapping = check_identity(Cascade.from_schedule([2, 2], [1, 1], dims=1, channels=2),
                                 "exact")
    assert "tt_ranks" not in overlapping.extra and overlapping.kernel_extent == (3,)
    one = check_identity(Cascade.from_schedule([2], [1], dims=1, channels=2), "exact")
    assert (one.holds, one.kind, one.comparison) == (True, "randomized", "all 8 entries equal")
    assert one.detail == ("a single layer: its composite is its own kernel, the (one-factor) "
                          "Kronecker product")
    assert one.extra == {"structure": "kronecker"}
    assert check_identity(Cascade.from_schedule([2], [1], dims=1, channels=2),
                          "symbolic").kind == "proof"
    monkeypatch.setattr(multichannel, "check_generalised_identity",
                        lambda cascade, engine, seed: (False, "2 of 16 entries differ"))
    failed = check_identity(TWO_CHANNELS, "exact")
    assert failed.kind == "counterexample" and failed.detail.endswith("identity FAILS (exact)")
    assert failed.comparison == "2 of 16 entries differ"


@pytest.mark.parametrize(("layers", "channels", "dims", "power"), [
    (2, 3, 1, [[1, 2, 1], [0, 1, 2], [0, 0, 1]]),
    (3, 3, 1, [[1, 3, 3], [0, 1, 3], [0, 0, 1]]),
    (2, 2, 2, [[1, 2], [0, 1]]),
])
def test_scalar_identity_counterexample_is_a_matrix_power(layers: int, channels: int, dims: int,
                                                          power: list) -> None:
    """M = I + N: the cascade's channel matrix at offset 0 is M^(L+1) (binomial entries), the
    naive product keeps M."""
    from kronconv.kronecker.multichannel import scalar_identity_counterexample

    cascade = Cascade.from_schedule([2] * layers, [2**level for level in range(layers)],
                                    dims=dims, channels=channels)
    example = scalar_identity_counterexample(cascade)
    shift = (np.eye(channels, dtype=int) + np.eye(channels, k=1, dtype=int)).tolist()
    assert example["cascade_output_at_offset_0"] == power
    assert example["naive_kronecker_at_offset_0"] == shift
    assert example["kernels"] == (f"every layer: channel matrix at offset 0 = I + N {shift}, "
                                  "zero elsewhere")
    assert example["input"] == "unit impulse on each input channel"
    assert example["found_by"] == "exact integers, fast engine"


def test_scalar_identity_counterexample_can_fail(monkeypatch: pytest.MonkeyPatch) -> None:
    """One layer (M^1 = M: nothing to refute), or a re-check that disagrees, is refused."""
    from kronconv.kronecker import multichannel

    with pytest.raises(AssertionError, match="multichannel counterexample was not confirmed"):
        multichannel.scalar_identity_counterexample(Cascade.from_schedule([2], [1], dims=1,
                                                                          channels=2))
    monkeypatch.setattr(multichannel, "reference_dilated_conv",
                        lambda x, k, d: np.zeros(x.shape, dtype=object))
    with pytest.raises(AssertionError, match="multichannel counterexample was not confirmed"):
        multichannel.scalar_identity_counterexample(TWO_CHANNELS)


def test_kronecker_parameter_count_and_jacobian_memory_estimate() -> None:
    """27 x 27 from 3 x 3 factors: log 27 / log 3 = 3 factors of 9 entries, 27 parameters. The
    Jacobian of one 16385-tap layer has 16385^2 entries at 8 bytes: 2.0002 GiB, refused."""
    from kronconv.errors import ResourceLimitError
    from kronconv.kronecker.dof import jacobian, kronecker_parameters, low_rank_parameters

    assert sympy.simplify(kronecker_parameters(sympy.Integer(3), sympy.Integer(27)) - 27) == 0
    assert sympy.simplify(kronecker_parameters(sympy.Integer(2), sympy.Integer(64)) - 24) == 0
    assert low_rank_parameters(sympy.Integer(2), sympy.Integer(5)) == 20
    cascade = _sched([16385], [1])
    with pytest.raises(ResourceLimitError, match=r"the Jacobian needs 2.68e\+08 entries "
                       r"\(~2 GiB\), over the memory limit of 2 GiB"):
        jacobian(cascade, [np.ones(16385, dtype=np.int64)])


def test_numeric_search_draws_inputs_two_longer_than_the_extent() -> None:
    """Extent 3 (kernel 2 twice, dilation 1): inputs of 5 entries. The first trial's violation
    recomputed with the naive reference from the same draws (kernels, then x and y)."""
    from kronconv.kronecker.nonlinear import apply_cascade, numeric_search

    cascade = Cascade.from_schedule([2, 2], [1, 1], dims=1, nonlinearity="relu")
    rng = np.random.default_rng(12)
    kernels = [rng.standard_normal((2,)) for _ in range(2)]
    x, y = rng.standard_normal((5,)), rng.standard_normal((5,))
    f = [apply_cascade(v, kernels, cascade, "relu", reference=True)[0] for v in (x, y, x + y)]
    gap = np.abs(f[2] - f[0] - f[1])
    found = numeric_search(cascade, "relu", trials=1, seed=12)
    assert gap.max() > 1e-6 and found is not None
    assert found["max_violation"] == pytest.approx(float(gap.max()), rel=1e-12)


@pytest.mark.parametrize(("kernel_sizes", "dilations", "boundary"), [
    ((2, 2), (2, 1), "valid"),
    ((3, 2), (3, 1), "valid"),
    ((2, 2, 2), (4, 2, 1), "valid"),
])
def test_random_linear_counterexamples_use_small_integers(kernel_sizes, dilations, boundary):
    """When no unit impulse separates the cascade from the Kronecker prediction, the readable
    counterexample is drawn from seeded small integers: kernel entries in [-2, 2], input entries
    in [-3, 3] (every run the same draw), and it re-checks with the naive reference."""
    from kronconv.kronecker.identity import linear_counterexample

    cascade = Cascade.from_schedule(kernel_sizes=list(kernel_sizes), dilations=list(dilations),
                                    boundary=boundary)
    found = linear_counterexample(cascade)
    assert found is not None
    x = np.array(found["input"])
    kernels = [np.array(k) for k in found["kernels"]]
    assert x.min() >= -3 and x.max() <= 3 and x.size > 1
    assert all(k.min() >= -2 and k.max() <= 2 for k in kernels)
    assert np.count_nonzero(x) > 1  # not an impulse: the random candidates were needed
    assert found == linear_counterexample(cascade)


@pytest.mark.slow
def test_kronecker_rank_certificate_above_256_blocks() -> None:
    """A 258-tap layer (dilation 256) under a 2-tap layer (dilation 257), one axis: 257 blocks
    of 257 on the natural grid, so the bound min(257 blocks, 258 rows, 257) = 257 exceeds the
    small integers CPython shares, and the certificate (about a minute of symbolic Kronecker
    products) still matches it by value."""
    from kronconv.kronecker.structure import kronecker_rank_bound, kronecker_rank_certificate

    cascade = Cascade.from_schedule(kernel_sizes=[258, 2], dilations=[256, 257], dims=1)
    assert kronecker_rank_bound(cascade) == 257
    assert kronecker_rank_certificate(cascade)


@pytest.mark.parametrize(("taps", "dtype"), [(2**16 - 1, np.int64), (2**16, object)])
def test_exact_engine_input_leaves_int64_when_an_output_could_overflow(taps, dtype) -> None:
    """One 1-D layer with a 'valid' boundary: the exact engine draws int64 kernels (their bound
    taps * 2^31 fits), but an output entry reaches taps * 2^31 * 2^15 = taps * 2^46 with inputs
    below 2^15, under INT64_SAFE = 2^62 only for taps < 2^16. From 2^16 taps the kernels, the
    predicted kernel and the input are Python ints (equal values), else all int64."""
    from kronconv.kronecker.identity import _integer_input

    cascade = Cascade.from_schedule(kernel_sizes=[taps], dilations=[1], dims=1,
                                    boundary="valid")
    engine = ExactEngine()
    kernels = engine.kernels(cascade)
    assert kernels[0].dtype == np.int64
    out, predicted, x = _integer_input(engine, cascade, kernels, kernels[0], (taps + 1,), 0)
    assert out[0].dtype == predicted.dtype == x.dtype == dtype
    assert (out[0] == kernels[0]).all() and x.min() >= 0 and x.max() < 2**15
    assert all(type(v) is int for v in x[:3].tolist())
