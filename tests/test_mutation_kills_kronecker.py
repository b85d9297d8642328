"""Tests that kill mutants which survived `make mutation` (issue 11) in the Kronecker subject:
identity results, structure, nonlinear and multichannel cascades, degrees of freedom. Each pins a
number, a boundary or a message that the mutant changed."""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy

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
