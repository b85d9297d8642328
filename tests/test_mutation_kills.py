"""Tests written to kill mutants that survived the earlier suite (issue 11, `make mutation`):
each pins a number or a boundary that a plausible wrong edit would change. Grouped by subject:
engines, the Kronecker subject, receptive fields, equivariance and semantics."""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

import numpy as np
import pytest
import sympy

from kronconv.engines import SymbolicEngine, reference_dilated_conv
from kronconv.engines.conv import check_operands
from kronconv.engines.numeric import INT64_SAFE, ExactEngine, FloatEngine, ModularEngine
from kronconv.engines.symbolic import symbol_latex, symbol_name
from kronconv.errors import InvalidParameterError, ResourceLimitError
from kronconv.kronecker.identity import check_identity
from kronconv.specs import Cascade
from kronconv.specs.cascade import Layer

# -- engines ---------------------------------------------------------------------------------


def test_the_modulus_is_prime() -> None:
    """Schwartz-Zippel needs a field: 2^31 - 2 (or any composite) must be caught."""
    assert sympy.isprime(ModularEngine.prime)
    assert ModularEngine.prime == 2**31 - 1


@pytest.mark.parametrize("layers", [1, 2, 4])
def test_schwartz_zippel_bounds(layers: int) -> None:
    """deg / |S| per trial, deg = number of layers: a bound of 0 (or any other value) is caught."""
    cascade = Cascade.exponential(2, layers, dims=1)
    assert ModularEngine().trials == 2  # the documented default: two independent points
    modular = ModularEngine().evidence(cascade)
    bound = modular.per_trial ** modular.count
    assert float(bound) == pytest.approx((layers / (2**31 - 1)) ** 2, rel=1e-2) and bound > 0
    exact = ExactEngine().evidence(cascade)
    assert float(exact.per_trial ** exact.count) == pytest.approx(layers / 2**32, rel=1e-2)


def test_modular_engine_names_its_trials_and_prime() -> None:
    """ModularEngine refuses fewer than one trial where it is built (naming ``trials``), and its
    evidence names the prime it used (the default 2^31 - 1, or the one given)."""
    cascade = Cascade.exponential(2, 2, dims=1)
    for trials in (0, -1):
        with pytest.raises(InvalidParameterError, match=f"^trials={trials} is invalid"):
            ModularEngine(trials=trials)
    assert "modulo p = 2^31 - 1;" in ModularEngine().evidence(cascade).detail
    custom = ModularEngine(prime=101).evidence(cascade)
    assert "modulo p = 101;" in custom.detail and custom.per_trial == Fraction(2, 101)


def test_int64_guard_boundary() -> None:
    """fits_int64 is exactly prod_l taps_l 2^31 < 2^62: one layer fits, two 3x3 layers do not
    (81 * 2^62), so a widened guard would let int64 overflow silently."""
    assert INT64_SAFE == 2**62
    engine = ExactEngine()
    assert engine.fits_int64(Cascade.from_schedule([2], [1], dims=1))
    assert not engine.fits_int64(Cascade.from_schedule([3, 3], [1, 3], dims=2))
    # Exactly at the boundary: 2^31 * 2^31 = 2^62 is refused (strict inequality).
    assert not engine.fits_int64(Cascade.from_schedule([1, 1], [1, 1], dims=1))


def test_int64_overflow_is_avoided() -> None:
    """Past the guard the engine keeps Python ints: the composite equals the exact product."""
    engine = ExactEngine()
    cascade = Cascade.from_schedule([2, 2, 2], [1, 2, 4], dims=1)
    kernels = engine.kernels(cascade, seed=3)
    assert kernels[0].dtype == object
    composite = engine.composite(kernels, [1, 2, 4], "convolution")
    expected = np.array([1], dtype=object)
    for k, d in zip(kernels, [1, 2, 4], strict=True):
        dilated = np.zeros(d * (len(k) - 1) + 1, dtype=object)
        dilated[::d] = k
        expected = np.convolve(expected, dilated)
    assert [int(v) for v in np.ravel(composite)] == [int(v) for v in expected]


@pytest.mark.parametrize("operations", [1, 10, 1000])
def test_float_tolerance_is_two_gamma_n(operations: int) -> None:
    """2 gamma_n |K| with gamma_n = n u / (1 - n u): halving or doubling it is caught."""
    unit = 2.0**-53
    gamma = operations * unit / (1 - operations * unit)
    got = FloatEngine().tolerance(np.array([1.0, 3.0]), operations)
    assert np.allclose(got, [2 * gamma, 6 * gamma], rtol=1e-12, atol=0)
    assert math.isclose(float(got[0]), 2 * gamma, rel_tol=1e-12)


def test_symbol_names() -> None:
    """The kernel entries' names in SymPy and in LaTeX (the derivations print the latter)."""
    assert symbol_name(1, (0, 2)) == "k_1_0_2"
    assert symbol_latex(1, (0, 2)) == "k_{1,0,2}"


def test_entry_bound_scales_with_the_input_bound() -> None:
    """B = input_bound * prod_l taps_l R (R = 2^31): one 1-tap layer on inputs up to 2^31 gives
    B = 2^62, which fits_int64 refuses (strict < 2^62); a sum instead of the product would not."""
    engine = ExactEngine()
    assert engine.entry_bound([(3,), (2,)], input_bound=5) == 5 * 3 * 2 * 2**62
    one_tap = Cascade.from_schedule([1], [1], dims=1)
    assert engine.fits_int64(one_tap, input_bound=2**30)
    assert not engine.fits_int64(one_tap, input_bound=2**31)


def test_exact_memory_estimate_is_32_bytes_an_entry() -> None:
    """The budget estimate for 'full' is 32 bytes an entry (int64 residues): 9 layers of 3x3
    give a 19683 x 19683 composite, 387420489 entries, 11.5 GiB, refused before any work."""
    cascade = Cascade.exponential(3, 9, dims=2)
    with pytest.raises(ResourceLimitError, match=r"needs 3\.87e\+08 entries \(~11\.5 GiB\)"):
        check_identity(cascade, "exact")


def test_too_short_input_names_the_dilated_span() -> None:
    """A kernel of a taps dilated by d spans d (a - 1) + 1 entries: the fast engine and the
    naive reference both say so when a 'valid' input is shorter (3 taps, dilation 3: 7)."""
    x, kernel = np.zeros(5, dtype=object), np.ones(3, dtype=object)
    with pytest.raises(InvalidParameterError, match="at least 7 entries on axis 0"):
        check_operands(x, kernel, 3, "valid", "convolution")
    with pytest.raises(InvalidParameterError, match="at least 7 entries on axis 0"):
        reference_dilated_conv(x, kernel, 3, "valid", "convolution")


def test_symbolic_engine_refuses_dilation_0_like_the_others() -> None:
    """A dilation below 1 is refused by the symbolic engine's generating-function path with the
    same message as the numeric engines (it used to fold the taps onto one position)."""
    cascade = Cascade.from_schedule([2], [1], dims=1)
    for engine in (SymbolicEngine(), ExactEngine()):
        kernels = engine.kernels(cascade)
        with pytest.raises(InvalidParameterError, match=r"^dilation\[0\]=0 is invalid"):
            engine.compare_kronecker(kernels, [(0,)], kernels)


# -- the Kronecker subject -------------------------------------------------------------------
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


# -- receptive fields --------------------------------------------------------------------------
def test_essay_receptive_field_formulas_match_the_naive_dependency_set() -> None:
    """plain_linear_rf(l, k) = l (k - 1) + k and exponential_rf(i) = 2^(i+2) - 1 against the
    input positions one output unit depends on (naive reference, 1D chains)."""
    from kronconv.receptive_field.dependency import naive_dependency_set
    from kronconv.receptive_field.recursion import exponential_rf, plain_linear_rf
    from kronconv.specs.bridge import cascade_architecture

    def seen(cascade: Cascade) -> int:
        return len(naive_dependency_set(cascade_architecture(cascade)))

    for layer, k in ((0, 3), (1, 3), (2, 2), (3, 4)):
        assert plain_linear_rf(layer, k) == seen(Cascade.from_schedule(
            [k] * (layer + 1), [1] * (layer + 1), dims=1))
    for i in range(4):
        assert exponential_rf(i) == seen(Cascade.from_schedule(
            [3] * (i + 1), [1] + [2**j for j in range(1, i + 1)], dims=1))


# -- specs, semantics and equivariance -------------------------------------------------------
def test_cascade_names_the_layer_that_disagrees_with_layer_0() -> None:
    """The number of axes is given; the error names the first layer (index 1) that differs."""
    with pytest.raises(InvalidParameterError, match=r"^kernel_sizes\[1\]="):
        Cascade.from_schedule([(3,), (3, 3)], [(1,), (1, 1)], dims=1)


def test_plain_stack_is_single_channel() -> None:
    """--kernel-sizes stacks: one channel, no bias, so a k x k layer has k^2 parameters."""
    from kronconv.specs.architecture import plain_stack

    arch = plain_stack([3, 2], dims=2)
    assert arch.parameters() == {"input": 0, "conv0": 9, "conv1": 4}
    assert set(arch.channels().values()) == {1}


def test_unpooling_a_padded_pool_matches_the_reference() -> None:
    """maxpool with padding, then maxunpool: the fast semantics against the naive reference
    (the unpooled canvas is the padded size, cropped back)."""
    from kronconv.semantics import evaluate, get_backend, random_weights, reference_evaluate
    from kronconv.specs.architecture import parse_architecture

    arch = parse_architecture({"dims": 1, "layers": [
        {"op": "maxpool", "id": "p", "kernel_size": 2, "stride": 2, "padding": 1},
        {"op": "maxunpool", "indices": "p"}]})
    x = np.random.default_rng(5).integers(-9, 10, (2, 1, 8))
    weights = random_weights(arch, 0)
    fast = evaluate(arch, x, weights, get_backend("exact"))
    assert (fast == np.stack([reference_evaluate(arch, xi, weights) for xi in x])).all()


def test_pointwise_ops_keep_every_shift() -> None:
    """A circular conv then ReLU and sigmoid: the shift calculus passes pointwise ops through
    unchanged (every cyclic shift predicted), and the analysis respects every shift."""
    from kronconv.equivariance.analysis import analyze_equivariance, derived_shifts
    from kronconv.specs.architecture import parse_architecture

    arch = parse_architecture({"dims": 1, "layers": [
        {"op": "conv", "kernel_size": 3, "padding": 1, "padding_mode": "circular"},
        {"op": "relu"}, {"op": "sigmoid"}]})
    assert derived_shifts(arch, 4) == {(v,): (v,) for v in range(4)}
    result = analyze_equivariance(arch, 4, weights="random", seed=0)
    assert len(result.respected) == 4


# -- semantics: the fast path against the naive reference ----------------------------------
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


def test_cascade_refuses_layers_of_other_dims() -> None:
    """Every layer has layer 0's number of axes, fewer as well as more."""
    for dims in (1, 3):
        with pytest.raises(InvalidParameterError, match=r"^layers\[1\]\.dims="):
            Cascade((Layer(dims=2, kernel_size=2, dilation=1),
                     Layer(dims=dims, kernel_size=2, dilation=1)))


def test_linear_upsampling_at_a_sample_point_reads_one_input() -> None:
    """Linear upsampling by 3 (align_corners=False): output 1 sits at source (2 + 1)/6 - 1/2 = 0
    exactly, so it depends on input 0 only; output 0 at -1/3 depends on inputs -1 and 0 (the
    naive reference's rule, as the fast dependency set)."""
    from kronconv.receptive_field.dependency import naive_dependency_set
    from kronconv.specs.architecture import parse_architecture

    arch = parse_architecture({"dims": 1, "layers": [
        {"op": "upsample", "scale_factor": 3, "mode": "linear"}]})
    assert naive_dependency_set(arch, unit=(1,)) == {(0,)}
    assert naive_dependency_set(arch, unit=(0,)) == {(-1,), (0,)}


def test_lemma_twins_are_placeholders_unless_asked() -> None:
    """check_rules proves the rules; the wrong twins run only with twins=True, else each is an
    'unknown' placeholder named '<rule> (wrong twin)' with the reason 'not run'."""
    from kronconv.equivariance.lemmas import RULES, UNKNOWN, check_rules

    (check,) = check_rules(rules={"pointwise": RULES["pointwise"]})
    assert check.twin.name == "pointwise (wrong twin)"
    assert check.twin.status == UNKNOWN and check.twin.reason == "not run"



def test_unpooling_windows_with_gaps_matches_the_reference() -> None:
    """maxpool with kernel 2 < stride 3 (gaps between windows), then maxunpool: tap t of the
    m = 2 windows lands on positions t and t + 3 only, of the unpooled length 7 (the input's: its
    last entry is in no window)."""
    x = np.random.default_rng(7).integers(-9, 10, (2, 1, 7))
    fast, ref = _fast_and_reference([{"op": "maxpool", "id": "p", "kernel_size": 2, "stride": 3},
                                     {"op": "maxunpool", "indices": "p", "kernel_size": 2,
                                      "stride": 3}], x)
    assert fast.shape == ref.shape == (2, 1, 7) and (fast == ref).all()


# -- equivariance: the numeric checks' inputs, members, re-check budget and labels ----------
def _zero_padded_conv_result(**options: object) -> dict[str, Any]:
    """The JSON result for a zero-padded 3-tap conv on 8 entries, random weights of seed 3."""
    from kronconv.equivariance.analysis import analyze_equivariance
    from kronconv.serialize import to_json
    from kronconv.specs.architecture import parse_architecture

    arch = parse_architecture({"dims": 1, "layers": [
        {"op": "conv", "kernel_size": 3, "padding": 1}]})
    result: dict[str, Any] = to_json(analyze_equivariance(arch, 8, weights="random", seed=3,
                                                          **options))  # type: ignore[arg-type]
    return result


def test_equivariance_input_is_the_documented_seeded_draw() -> None:
    """The counterexample's input is the sample: integers in [-5, 5] (both ends included, as
    the checks say) drawn by numpy.random.default_rng(seed), shape (channels, *size)."""
    result = _zero_padded_conv_result()
    assert result["checks"]["numeric"]["inputs"] == ("one random integer input in [-5, 5] per "
                                                     "draw (seed 3)")
    expected = np.random.default_rng(3).integers(-5, 6, (1, 8))
    assert result["not_equivariant"][0]["counterexample"]["input"] == expected.tolist()


def test_recheck_budget_is_a_count_and_the_label_follows_it() -> None:
    """'auto' re-checks RECHECK_WORK // (multiply-adds of one evaluation) - 1 counterexamples
    (an integer: 3 taps x 8 outputs = 24 -> 41665); each counterexample's evidence says whether
    the reference re-checked it ('none': not re-checked, budget)."""
    from kronconv.equivariance.analysis import RECHECK_WORK

    auto = _zero_padded_conv_result()
    assert auto["checks"]["rechecked_by_reference"] == RECHECK_WORK // 24 - 1 == 41665
    assert isinstance(auto["checks"]["rechecked_by_reference"], int)
    first = auto["not_equivariant"][0]
    assert first["counterexample"]["rechecked_by"] == "reference (naive loops, Python numbers)"
    assert "(re-checked by reference (naive loops" in first["evidence"]
    none = _zero_padded_conv_result(recheck_mode="none")["not_equivariant"][0]
    assert none["counterexample"]["rechecked_by"].startswith("not re-checked")
    assert "(exact (fast engine), not re-checked by the reference (budget))" in none["evidence"]


def test_random_group_members_come_from_their_own_stream() -> None:
    """Besides the generators, two random members of H are checked, drawn with
    default_rng(seed + 1) (a stream apart from the input's, default_rng(seed)): a circular conv
    on 12 entries, seed 0, checks the generator [1] and the members 5 and 6."""
    from kronconv.equivariance.analysis import analyze_equivariance
    from kronconv.serialize import to_json
    from kronconv.specs.architecture import parse_architecture

    arch = parse_architecture({"dims": 1, "layers": [
        {"op": "conv", "kernel_size": 3, "padding": 1, "padding_mode": "circular"}]})
    checks = to_json(analyze_equivariance(arch, 12, weights="random", seed=0))["checks"]
    rng = np.random.default_rng(1)
    members = [[int(rng.integers(0, 12))] for _ in range(2)]
    assert checks["numeric"]["respected_shifts_checked"] == [[1], *members] == [[1], [5], [6]]


def test_lemma_domains_and_the_strided_twin() -> None:
    """The strided-window rule is stated for every stride s >= 1 (s = 2 is a model of its
    hypotheses), the maxunpool rule for the windows 0 <= i < m only (no model has i >= m); the
    strided twin claims the output moves one position too far (u = w + 1), and z3's
    counterexample to it is a model of that claim: r2 = (i - w - 1) mod m."""
    import z3

    from kronconv.equivariance.lemmas import RULES, check_rules

    def satisfiable(rule: str, *extra: z3.BoolRef) -> bool:
        solver = z3.Solver()
        solver.add(*RULES[rule](False)[0], *extra)
        return solver.check() == z3.sat

    s, i, m = z3.Ints("s i m")
    assert satisfiable("strided-window", s == 2) and satisfiable("strided-window", s == 1)
    assert not satisfiable("maxunpool", i >= m) and satisfiable("maxunpool", i == m - 1)
    (check,) = check_rules(rules={"strided-window": RULES["strided-window"]}, twins=True)
    assert check.ok and check.twin.status == "counterexample"
    model = {k: int(v) for k, v in check.twin.model.items()}
    assert model["r2"] == (model["i"] - model["w"] - 1) % model["m"]


def test_a_class_the_first_draw_cannot_refute() -> None:
    """Seed 515 draws the 3-periodic input [x0, x1, x2, x0, x1, x2] first, so T_3 x = x and the
    screening cannot refute shift 3 on it: the later inputs (a second draw, impulses) do. The
    agreement region stays the exact one over all draws, {1, 4} (output positions whose
    window and the window 3 back both lie inside: zero padding 1, 3 taps, 6 entries), and the
    counterexample's expected output is T_u f(x), rolled along the spatial axis only (two
    output channels)."""
    from kronconv.equivariance.analysis import analyze_equivariance
    from kronconv.serialize import to_json
    from kronconv.specs.architecture import parse_architecture

    first = np.random.default_rng(515).integers(-5, 6, (1, 6))
    assert (first[0, :3] == first[0, 3:]).all()
    layer = {"op": "conv", "kernel_size": 3, "padding": 1}
    arch = parse_architecture({"dims": 1, "layers": [layer]})
    verdicts = to_json(analyze_equivariance(arch, 6, draws=2, seed=515))["not_equivariant"]
    (three,) = [v for v in verdicts if v["shift"] == [3]]
    assert three["agreement_region"]["per_axis"] == [[1, 4]]
    two = parse_architecture({"dims": 1, "layers": [{**layer, "out_channels": 2}]})
    verdicts = to_json(analyze_equivariance(two, 6, weights="random", seed=515))
    (three,) = [v for v in verdicts["not_equivariant"] if v["shift"] == [3]]
    example = three["counterexample"]
    assert example["expected_output"] == np.roll(example["output"], 3, axis=1).tolist()


def test_impulses_past_one_batch_of_256() -> None:
    """258 entries give 258 impulse responses, evaluated 256 at a time (BATCH * 16): all of
    them are used. A stride-2 circular conv respects the 129 even shifts (the total stride
    rule) and refutes the odd class."""
    from kronconv.equivariance.analysis import BATCH, analyze_equivariance
    from kronconv.specs.architecture import parse_architecture

    assert BATCH * 16 == 256
    arch = parse_architecture({"dims": 1, "layers": [
        {"op": "conv", "kernel_size": 3, "stride": 2, "padding": 1, "padding_mode": "circular"}]})
    result = analyze_equivariance(arch, 258, weights="random", seed=0)
    assert len(result.respected) == 129 and all(v[0] % 2 == 0 for v in result.respected)


def test_live_weights_alternate_positive_and_signed() -> None:
    """live_weights: seed + k for even k is the positive draw |w| + 1, for odd k the signed
    draw itself (a plain conv is always alive, so the first two offsets are taken)."""
    from kronconv.equivariance.screening import live_weights
    from kronconv.semantics import get_backend, random_weights
    from kronconv.specs.architecture import parse_architecture

    arch = parse_architecture({"dims": 1, "layers": [{"op": "conv", "kernel_size": 3}]})
    (s0, w0), (s1, w1) = live_weights(arch, (6,), 0, 2, get_backend("exact"))
    assert (s0, s1) == (0, 1)
    for name, signed in random_weights(arch, 0)["conv0"].items():
        assert (w0["conv0"][name] == np.abs(signed) + 1).all()
    for name, signed in random_weights(arch, 1)["conv0"].items():
        assert (w1["conv0"][name] == signed).all()  # |w| + 1 never equals w
