"""Tests written to kill mutants that survived the earlier suite (issue 11, `make mutation`):
each pins a number or a boundary that a plausible wrong edit would change. This file: the
engines, the specs and the first survivors of the semantics and equivariance; the other subjects
are in tests/test_mutation_kills_<subject>.py."""

from __future__ import annotations

import math
from fractions import Fraction
from pathlib import Path

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


def test_cascade_refuses_layers_of_other_dims() -> None:
    """Every layer has layer 0's number of axes, fewer as well as more."""
    for dims in (1, 3):
        with pytest.raises(InvalidParameterError, match=r"^layers\[1\]\.dims="):
            Cascade((Layer(dims=2, kernel_size=2, dilation=1),
                     Layer(dims=dims, kernel_size=2, dilation=1)))


def test_add_of_branches_with_different_channel_counts_is_refused_naming_both() -> None:
    """add (like sub and mul) needs one channel count on every input: 2 and 3 are refused in
    one error naming the node and each input's count."""
    from kronconv.errors import ArchitectureError
    from kronconv.specs.architecture import parse_architecture

    arch = {"dims": 1, "output": "out", "nodes": [
        {"id": "x", "op": "input"},
        {"id": "a", "op": "conv", "inputs": ["x"], "kernel_size": 1, "out_channels": 2},
        {"id": "b", "op": "conv", "inputs": ["x"], "kernel_size": 1, "out_channels": 3},
        {"id": "out", "op": "add", "inputs": ["a", "b"]}]}
    with pytest.raises(ArchitectureError, match=r"node 'out': field 'inputs': channel counts "
                                                r"differ: a=2, b=3$"):
        parse_architecture(arch)


def test_architecture_file_of_exactly_the_size_limit_is_read(tmp_path: Path) -> None:
    """MAX_FILE_BYTES is the largest size read ('at most' it): a JSON file padded with spaces
    to exactly that size loads; one byte more is refused, naming the size and the limit."""
    from kronconv.errors import ArchitectureError
    from kronconv.specs.architecture import MAX_FILE_BYTES, load_architecture

    text = '{"dims": 1, "layers": [{"op": "conv", "kernel_size": 3}]}'
    file = tmp_path / "big.json"
    file.write_text(text + " " * (MAX_FILE_BYTES - len(text)), encoding="utf-8")
    assert load_architecture(file).dims == 1
    file.write_text(text + " " * (MAX_FILE_BYTES + 1 - len(text)), encoding="utf-8")
    with pytest.raises(ArchitectureError, match=rf"{MAX_FILE_BYTES + 1} bytes is invalid: "
                                                rf"expected at most {MAX_FILE_BYTES} bytes"):
        load_architecture(file)


def test_one_like_of_an_empty_object_array_is_1() -> None:
    """An empty object array has no entry to take the ring from: its one is Python's 1."""
    from kronconv.engines.conv import one_like

    one = one_like(np.empty(0, dtype=object))
    assert one == 1 and type(one) is int


def test_engine_pad_places_x_after_its_left_padding() -> None:
    """Zero padding of an object array by (before, after) = (1, 1) and (2, 3): x sits at
    positions before .. before + n - 1, zeros elsewhere (as np.pad with zeros)."""
    from kronconv.engines.conv import pad

    for n, widths in ((1, (1, 1)), (3, (2, 3)), (2, (1, 0))):
        x = np.arange(1, n + 1).astype(object)
        assert pad(x, [widths], "zeros").tolist() == np.pad(np.arange(1, n + 1), [widths]).tolist()


def test_a_schedules_nonlinearity_sits_between_layers_only() -> None:
    """from_schedule puts the nonlinearity after every layer but the last (after the last it
    would act on the output): one layer gets none, two layers get it once."""
    one = Cascade.from_schedule([3], [1], dims=1, nonlinearity="relu")
    two = Cascade.from_schedule([3, 3], [1, 3], dims=1, nonlinearity="relu")
    assert [layer.nonlinearity for layer in one.layers] == ["none"]
    assert [layer.nonlinearity for layer in two.layers] == ["relu", "none"]


def test_branch_mismatch_for_every_size_names_the_smallest_fitting_size() -> None:
    """Branches of 101 and 100 taps (no padding) meet at add with n - 100 and n - 99 entries:
    never equal. The refusal shows the shapes at the smallest size where every window fits,
    101 (the first above 64), as PyTorch would meet them."""
    from kronconv.errors import ArchitectureError
    from kronconv.specs.architecture import parse_architecture
    from kronconv.specs.shapes import check_branch_shapes

    arch = parse_architecture({"dims": 1, "output": "out", "nodes": [
        {"id": "x", "op": "input"},
        {"id": "a", "op": "conv", "inputs": ["x"], "kernel_size": 101},
        {"id": "b", "op": "conv", "inputs": ["x"], "kernel_size": 100},
        {"id": "out", "op": "add", "inputs": ["a", "b"]}]})
    with pytest.raises(ArchitectureError, match=r"\(input 101\); no input size makes them "
                                                r"equal on axis 0$"):
        check_branch_shapes(arch)


def test_unpooled_branch_that_never_meets_its_skip_is_refused() -> None:
    """maxpool 2 then maxunpool restores 2 floor(n / 2) entries (n or n - 1), a 3-tap conv on
    the skip leaves n - 2: never equal, so the architecture (read from JSON text, as from a
    file) is refused for every input size; maxunpool grows at its pool's input rate."""
    import json

    from kronconv.errors import ArchitectureError
    from kronconv.specs.architecture import parse_architecture
    from kronconv.specs.shapes import check_branch_shapes

    arch = parse_architecture(json.loads("""{"dims": 1, "output": "out", "nodes": [
        {"id": "x", "op": "input"},
        {"id": "p", "op": "maxpool", "inputs": ["x"], "kernel_size": 2},
        {"id": "u", "op": "maxunpool", "inputs": ["p"], "indices": "p"},
        {"id": "c", "op": "conv", "inputs": ["x"], "kernel_size": 3},
        {"id": "out", "op": "add", "inputs": ["u", "c"]}]}"""))
    with pytest.raises(ArchitectureError, match=r"no input size makes them equal on axis 0$"):
        check_branch_shapes(arch)


def test_float_evidence_tolerance_counts_taps_plus_layers() -> None:
    """The float engine's a-priori tolerance is 2 gamma_n with n = (taps of all layers) + (number
    of layers): 3 + 3 + 2 = 8 for two 3-tap layers, gamma_n = n u / (1 - n u), u = 2^-53."""
    evidence = FloatEngine().evidence(Cascade.from_schedule([3, 3], [1, 3], dims=1))
    u = 2.0**-53
    assert "2 gamma_8," in evidence.tolerance_reason
    assert evidence.tolerance == pytest.approx(2 * 8 * u / (1 - 8 * u), rel=1e-12)


def test_vacuous_hypotheses_are_quoted_to_120_characters() -> None:
    """Unsatisfiable hypotheses are refused (the implication would hold vacuously), quoting
    their first 120 characters: enough to recognise them, bounded for one line."""
    import z3

    from kronconv.engines.smt import prove
    from kronconv.errors import SolverError

    xs = z3.Ints(" ".join(f"long_variable_name_{i}" for i in range(8)))
    hypotheses = [x >= 1 for x in xs] + [xs[0] < 0]
    text = str(z3.And(*hypotheses))
    assert len(text) > 120
    with pytest.raises(SolverError) as error:
        prove("vacuous", lambda: (hypotheses, xs[0] == xs[1]))
    assert f"hypotheses={text[:120]!r} are unsatisfiable" in str(error.value)
