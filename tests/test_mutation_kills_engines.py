"""Tests that pin behaviour of the engines (conv, reference, numeric, symbolic, smt) that mutation
testing (`make mutation`, issue 11) showed unpinned: exact outputs at boundary values, every
branch, the numbers and words of messages and evidence. Expected values are worked out by hand
(in the docstrings) or by an independent route (np.convolve, the definitions), never copied from
the code under test."""

from __future__ import annotations

import time
from fractions import Fraction

import numpy as np
import pytest
import sympy
import z3

from kronconv.engines import ExactEngine, FloatEngine, ModularEngine, SymbolicEngine
from kronconv.engines.conv import (
    _overlap,
    check_operands,
    dilate_kernel,
    dilated_correlate,
    one_like,
    output_length,
    pad,
    padding,
    zero_like,
)
from kronconv.engines.numeric import (
    crt_primes,
    isprime,
    modular_reducer,
    prevprime,
    residues,
)
from kronconv.engines.reference import offset_and_length, reference_dilated_conv
from kronconv.engines.smt import COUNTEREXAMPLE, PROVED, RLIMIT, UNKNOWN, prove
from kronconv.engines.symbolic import (
    GeneratingSpace,
    dilate,
    kronecker_blocks,
    kronecker_strides,
    lift_to,
    object_array,
    reverse,
    symbol_latex,
    to_sympy,
    tree_sum,
)
from kronconv.errors import InvalidParameterError, SolverError
from kronconv.specs import Cascade

P1, P2 = 2**31 - 1, 2_147_483_629  # the two largest primes below 2^31

# -- conv.py and reference.py: one table of hand-computed convolutions --------------------------
# x = [1, 2, 3, 4], kernel [1, 10], dilation 3 (span D = 3, odd: 'same' pads 1 before, 2 after).
# Full convolution: x_t + 10 x_{t-3} = [1, 2, 3, 14, 20, 30, 40]; full correlation:
# x_{t-3} + 10 x_t = [10, 20, 30, 41, 2, 3, 4]. valid reads from c = 3 (length 1), same from
# c = 2 (length 4); circular is same with x indices mod 4: convolution x_{t+2} + 10 x_{t-1},
# correlation x_{t-1} + 10 x_{t+2}.
X4, K2, D3 = [1, 2, 3, 4], [1, 10], 3
HAND = {
    ("full", "convolution"): [1, 2, 3, 14, 20, 30, 40],
    ("full", "correlation"): [10, 20, 30, 41, 2, 3, 4],
    ("valid", "convolution"): [14],
    ("valid", "correlation"): [41],
    ("same", "convolution"): [3, 14, 20, 30],
    ("same", "correlation"): [30, 41, 2, 3],
    ("circular", "convolution"): [3 + 40, 4 + 10, 1 + 20, 2 + 30],
    ("circular", "correlation"): [4 + 30, 1 + 40, 2 + 10, 3 + 20],
}


@pytest.mark.parametrize(("boundary", "convention"), sorted(HAND))
@pytest.mark.parametrize("dtype", [np.int64, object, np.float64])
def test_dilated_convolution_of_every_boundary_and_convention_by_hand(
        boundary: str, convention: str, dtype: type) -> None:
    """The fast engine and the naive reference both give the hand-computed table, in the
    element type of the operands (Python ints stay Python ints in object arrays)."""
    x, kernel = np.array(X4, dtype=dtype), np.array(K2, dtype=dtype)
    dilations = check_operands(x, kernel, D3, boundary, convention)
    fast = dilated_correlate(x, kernel, dilations, boundary, convention)
    naive = reference_dilated_conv(x, kernel, D3, boundary, convention)
    for out in (fast, naive):
        assert out.tolist() == HAND[boundary, convention]
        assert out.dtype == np.dtype(dtype)
    if dtype is object:
        assert all(type(v) is int for v in fast.flat)


def test_two_dimensional_convolution_with_per_axis_dilations_matches_np_convolve() -> None:
    """A separable 2-D kernel u v^T with dilations (2, 1) on a separable input a b^T gives the
    outer product of the 1-D full convolutions (np.convolve of the dilated factors), in both
    engines and both conventions (correlation: the kernel reversed)."""
    u, v, a, b = np.array([1, -2]), np.array([3, 0, 5]), np.array([2, 7, 1]), np.array([4, -1])
    x, kernel = np.outer(a, b), np.outer(u, v)
    u_dilated = np.array([1, 0, -2])
    expected = np.outer(np.convolve(a, u_dilated), np.convolve(b, v))
    expected_corr = np.outer(np.convolve(a, u_dilated[::-1]), np.convolve(b, v[::-1]))
    for convention, want in (("convolution", expected), ("correlation", expected_corr)):
        fast = dilated_correlate(x, kernel, (2, 1), "full", convention)
        assert fast.tolist() == want.tolist()
        assert reference_dilated_conv(x, kernel, (2, 1), "full", convention).tolist() == \
            want.tolist()


def test_zero_taps_are_skipped_but_later_taps_still_count() -> None:
    """A kernel [0, 0, 5] (zeros first): only its last tap contributes, x shifted by 2 d."""
    x = np.array([1, 2, 3])
    out = dilated_correlate(x, np.array([0, 0, 5]), (1,), "full", "convolution")
    assert out.tolist() == [0, 0, 5, 10, 15]
    out = dilated_correlate(x, np.array([5, 0, 0]), (1,), "full", "correlation")
    assert out.tolist() == [0, 0, 5, 10, 15]


def test_a_tap_that_reads_only_padding_adds_nothing() -> None:
    """'valid' with n = span + 1: every tap overlaps the single output; 'same' with a long
    dilation: taps whose shifted window misses x entirely (empty slices) are passed over."""
    x = np.array([1, 2, 3, 4, 5])
    assert dilated_correlate(x, np.array([1, 1]), (4,), "valid", "correlation").tolist() == [6]
    # same, span 8 on n = 5: before 4; out_t = x_{t-4} + x_{t+4}: only t = 0 (x_4 = 5) and
    # t = 4 (x_0 = 1) read inside x; outputs 1..3 read padding on both taps.
    out = dilated_correlate(x, np.array([1, 1]), (8,), "same", "correlation")
    assert out.tolist() == [5, 0, 0, 0, 1]
    out = dilated_correlate(x, np.array([1, 1]), (8,), "same", "convolution")
    assert out.tolist() == [5, 0, 0, 0, 1]


def test_reduce_is_applied_after_every_accumulation() -> None:
    """Modulo 7 with a reducer: [3, 4] * [5, 6] = [15, 38, 24] = [1, 3, 3] mod 7, and every
    intermediate sum stays below 7 (the reducer sees each tap's slice)."""
    seen: list[int] = []

    def reduce(array: np.ndarray) -> np.ndarray:
        np.remainder(array, 7, out=array)
        seen.append(int(array.max()))
        return array

    out = dilated_correlate(np.array([3, 4]), np.array([5, 6]), (1,), "full", "convolution",
                            reduce)
    assert out.tolist() == [1, 3, 3]
    assert len(seen) == 2 and max(seen) < 7
    reducer = modular_reducer(7)
    array = np.array([15, 38, -1])
    assert reducer(array) is array and array.tolist() == [1, 3, 6]


@pytest.mark.parametrize(("boundary", "total", "expected"), [
    ("full", 3, (3, 3)), ("valid", 3, (0, 0)), ("same", 3, (1, 2)), ("circular", 3, (1, 2)),
    ("same", 4, (2, 2)), ("same", 0, (0, 0)), ("full", 0, (0, 0)), ("same", 1, (0, 1)),
])
def test_padding_splits_the_span_with_the_smaller_half_first(boundary: str, total: int,
                                                              expected: tuple[int, int]) -> None:
    assert padding(boundary, total) == expected


@pytest.mark.parametrize(("boundary", "n", "span", "length", "offset"), [
    ("full", 5, 3, 8, 0), ("valid", 5, 3, 2, 3), ("same", 5, 3, 5, 2), ("circular", 5, 3, 5, 2),
    ("same", 5, 4, 5, 2), ("valid", 4, 3, 1, 3), ("full", 1, 0, 1, 0),
])
def test_output_length_and_reference_offset(boundary: str, n: int, span: int, length: int,
                                            offset: int) -> None:
    """Length n + before + after - span in the fast engine; (c, length) from the definitions in
    the reference, c = D - floor(D / 2) for same: the two agree."""
    assert output_length(boundary, n, span) == length
    assert offset_and_length(boundary, n, span) == (offset, length)


@pytest.mark.parametrize(("shift", "n", "m", "source", "target"), [
    (-2, 5, 4, (0, 2), (2, 4)),   # reads x[t - 2]: outputs 2, 3 see x[0], x[1]
    (3, 5, 4, (3, 5), (0, 2)),    # reads x[t + 3]: outputs 0, 1 see x[3], x[4]
    (0, 3, 3, (0, 3), (0, 3)),
    (9, 5, 4, (9, 9), (0, 0)),    # beyond x: empty
    (-6, 5, 4, (0, 0), (6, 6)),   # before x: empty (start clamps the stop)
])
def test_overlap_of_a_shifted_window(shift: int, n: int, m: int, source: tuple[int, int],
                                     target: tuple[int, int]) -> None:
    got_source, got_target = _overlap(shift, n, m)
    assert (got_source.start, got_source.stop) == source
    assert (got_target.start, got_target.stop) == target


def test_zero_and_one_in_the_arrays_ring() -> None:
    """int64 -> numpy int64; object arrays -> the ring of their first entry as a Python value
    (Fraction, int from a numpy scalar, a polynomial); empty object arrays -> 0 and 1."""
    ints = np.array([3, 4])
    assert type(zero_like(ints)) is np.int64 and zero_like(ints) == 0
    assert type(one_like(ints)) is np.int64 and one_like(ints) == 1
    fractions = np.array([Fraction(1, 3)], dtype=object)
    assert type(zero_like(fractions)) is Fraction and zero_like(fractions) == 0
    assert type(one_like(fractions)) is Fraction and one_like(fractions) == 1
    generic = np.array([np.int64(5)], dtype=object)
    assert type(zero_like(generic)) is int and type(one_like(generic)) is int
    assert one_like(generic) == 1 and zero_like(generic) == 0
    empty = np.empty(0, dtype=object)
    assert zero_like(empty) == 0 and type(zero_like(empty)) is int
    assert one_like(empty) == 1


def test_zero_padding_keeps_the_element_type_and_circular_wraps() -> None:
    x = np.array([Fraction(1, 2), Fraction(3)], dtype=object)
    out = pad(x, [(1, 2)], "full")
    assert out.tolist() == [0, Fraction(1, 2), 3, 0, 0]
    assert all(type(v) is Fraction for v in out.flat)
    assert pad(np.array([1, 2, 3]), [(2, 1)], "circular").tolist() == [2, 3, 1, 2, 3, 1]
    grid = pad(np.array([[1, 2]]), [(1, 0), (0, 1)], "same")
    assert grid.tolist() == [[0, 0, 0], [1, 2, 0]]


def test_dilate_kernel_spreads_taps_with_zeros() -> None:
    assert dilate_kernel(np.array([1, 2, 3]), (2,)).tolist() == [1, 0, 2, 0, 3]
    assert dilate_kernel(np.array([[1, 2], [3, 4]]), (1, 3)).tolist() == [[1, 0, 0, 2],
                                                                         [3, 0, 0, 4]]
    assert dilate_kernel(np.array([7]), (5,)).tolist() == [7]


@pytest.mark.parametrize(("x", "kernel", "dilation", "boundary", "message"), [
    (np.ones(3), np.ones((2, 2)), 1, "full", "kernel.ndim=2 is invalid: expected the input's "
     "number of dimensions (1); input shape (3,), kernel shape (2, 2)"),
    (np.ones(()), np.ones(()), 1, "full", "x.ndim=0 is invalid: expected at least 1 dimension"),
    (np.ones(3), np.ones(0), 1, "full", "kernel.shape=(0,) is invalid: expected at least one "
     "tap per axis"),
    (np.ones(0), np.ones(2), 1, "full", "x.shape=(0,) is invalid: expected at least one entry "
     "per axis"),
    (np.ones((5, 6)), np.ones((2, 3)), (1, 3), "valid", "x.shape=(5, 6) is invalid: expected "
     "at least 7 entries on axis 1 for a 'valid' convolution with kernel size 3 and dilation 3"),
    (np.ones(3), np.ones(2), 0, "full", "dilation"),
    (np.ones(3), np.ones(2), 1, "mirror", "boundary"),
])
def test_check_operands_refuses_naming_the_value(x: np.ndarray, kernel: np.ndarray,
                                                 dilation: int | tuple[int, ...], boundary: str,
                                                 message: str) -> None:
    with pytest.raises(InvalidParameterError, match=None) as raised:
        check_operands(x, kernel, dilation, boundary, "convolution")
    assert message in str(raised.value)


def test_valid_needs_exactly_span_plus_one_entries() -> None:
    """n = d (a - 1) + 1 gives one output (accepted) in both engines; one entry fewer is
    refused by both, naming the size needed."""
    assert check_operands(np.ones(7), np.ones(3), 3, "valid", "correlation") == (3,)
    assert reference_dilated_conv(np.ones(7), np.ones(3), 3, "valid").tolist() == [3.0]
    for check in (lambda x: check_operands(x, np.ones(3), 3, "valid", "correlation"),
                  lambda x: reference_dilated_conv(x, np.ones(3), 3, "valid")):
        with pytest.raises(InvalidParameterError, match="at least 7 entries on axis 0"):
            check(np.ones(6))


@pytest.mark.parametrize(("x", "kernel", "convention", "message"), [
    (np.ones(3), np.ones((2, 2)), "convolution", "kernel.ndim=2 is invalid: expected the "
     "input's number of dimensions (1 >= 1)"),
    (np.ones(()), np.ones(()), "convolution", "kernel.ndim=0"),
    (np.ones(3), np.ones(0), "convolution", "shapes=((3,), (0,)) is invalid"),
    (np.ones(0), np.ones(2), "convolution", "shapes=((0,), (2,)) is invalid"),
    (np.ones(3), np.ones(2), "flipped", "convention"),
])
def test_the_reference_refuses_bad_operands(x: np.ndarray, kernel: np.ndarray, convention: str,
                                            message: str) -> None:
    with pytest.raises(InvalidParameterError) as raised:
        reference_dilated_conv(x, kernel, 1, "full", convention)
    assert message in str(raised.value)


def test_the_reference_keeps_object_arrays_and_otherwise_numpys_result_type() -> None:
    ints, floats = np.array([1, 2]), np.array([0.5])
    objects = np.array([1, 2], dtype=object)
    assert reference_dilated_conv(ints, ints, 1).dtype == np.int64
    assert reference_dilated_conv(ints, floats, 1).dtype == np.float64
    assert reference_dilated_conv(objects, np.array([3], dtype=object), 1).dtype == object
    assert reference_dilated_conv(objects, np.array([3]), 1).dtype == object
    big = np.array([2**70], dtype=object)
    assert reference_dilated_conv(big, big, 1).tolist() == [2**140]


# -- numeric.py ----------------------------------------------------------------------------------
def test_primes_and_crt_primes_at_their_boundary() -> None:
    """One prime suffices while 2 B < 2^31 - 1; at B = 2^30 the next prime below is added."""
    assert isprime(P1) and not isprime(P1 - 1) and prevprime(P1) == P2
    assert crt_primes(1) == (P1,)
    assert crt_primes(2**30 - 1) == (P1,)
    assert crt_primes(2**30) == (P1, P2)
    assert crt_primes(P1 * P2 // 2) == (P1, P2)
    assert crt_primes(P1 * P2 // 2 + 1) == (P1, P2, 2_147_483_587)


def test_residues_of_int64_and_python_integers() -> None:
    assert residues(np.array([-1, 7, 15]), 7).tolist() == [6, 0, 1]
    big = np.array([-(2**80), 2**80 + 3], dtype=object)
    out = residues(big, 7)
    assert out.dtype == np.int64
    assert out.tolist() == [(-(2**80)) % 7, (2**80 + 3) % 7]


def _cascade(sizes: list[int], dilations: list[int]) -> Cascade:
    return Cascade.from_schedule(sizes, dilations, dims=1)


def test_exact_engine_kernels_are_seeded_draws_in_their_range() -> None:
    """int64 while the entry bound fits (one 1-tap layer: B = 2^31 < 2^62), Python integers
    from the same draws when it does not (two 1-tap layers: B = 2^62, not below 2^62)."""
    engine = ExactEngine()
    one, two = _cascade([1], [1]), _cascade([1, 1], [1, 1])
    assert engine.fits_int64(one) and not engine.fits_int64(two)
    assert engine.fits_int64(one, 2**30) and not engine.fits_int64(one, 2**31)
    rng = np.random.default_rng(4)
    want = [rng.integers(-2**31, 2**31, (1,), dtype=np.int64) for _ in range(2)]
    kernels = engine.kernels(two, seed=4)
    assert [k.dtype for k in kernels] == [object, object]
    assert [k.tolist() for k in kernels] == [w.tolist() for w in want]
    assert all(type(v) is int for k in kernels for v in k.flat)
    assert engine.kernels(one, seed=4)[0].dtype == np.int64
    assert engine.kernels(one, seed=4)[0].tolist() == want[0].tolist()


def test_exact_engine_entry_bound_and_memory_per_entry() -> None:
    engine = ExactEngine()
    assert engine.entry_bound([(3,), (2, 2)]) == 3 * 4 * 2**62
    assert engine.entry_bound([(3,)], input_bound=5) == 15 * 2**31
    assert engine.entry_bound([]) == 1
    assert (engine.element_bytes(), engine.element_bytes("full")) == (32, 32)
    assert engine.element_bytes("same") == 96
    assert engine.reducer() is None and ModularEngine().reducer() is not None


def test_exact_comparison_goes_through_every_crt_prime() -> None:
    """A 1-tap kernel [p1] against the factor [0]: equal modulo p1 = 2^31 - 1, different modulo
    the second prime (B = 2^31, 2 B > p1 asks for two primes), which the comparison names."""
    engine = ExactEngine()
    kernels = [np.array([P1], dtype=object)]
    result = engine.compare_kronecker(kernels, [(1,)], [np.array([0], dtype=object)])
    assert not result.equal
    assert result.detail == f"1 of 1 entries differ, first at (0,) (modulo {P2})"
    assert result.first_difference == (0,)
    same = engine.compare_kronecker(kernels, [(1,)], [np.array([P1], dtype=object)])
    assert same.equal
    assert same.detail == ("all 1 entries equal: equal modulo 2 primes < 2^31 whose product "
                           "exceeds 2B, B = prod_l taps_l 2^31 ~ 2^32 (the a-priori bound on "
                           "every entry): exact by the Chinese remainder theorem")


def test_exact_comparison_of_a_true_identity_counts_its_primes() -> None:
    """Two 3-tap layers: B = 9 * 2^62 (67 bits... 2^66.2), 2 B needs three primes of 31 bits."""
    engine = ExactEngine()
    cascade = _cascade([3, 3], [1, 3])
    kernels = engine.kernels(cascade, seed=1)
    result = engine.compare_kronecker(kernels, [(1,), (3,)], [kernels[1], kernels[0]])
    assert result.equal and "equal modulo 3 primes" in result.detail
    assert "~ 2^66 " in result.detail
    wrong = engine.compare_kronecker(kernels, [(1,), (3,)], [kernels[0], kernels[1]])
    assert not wrong.equal and wrong.detail.endswith(f"(modulo {P1})")


def test_sampled_evidence_of_the_exact_and_modular_engines() -> None:
    cascade = _cascade([2, 2, 2], [1, 2, 4])
    exact = ExactEngine().evidence(cascade, seed=9)
    assert (exact.tier, exact.kind, exact.count, exact.seed) == ("numeric", "randomized", 1, 9)
    assert exact.per_trial == Fraction(3, 2**32)
    assert exact.detail == ("exact integer arithmetic at 1 random point (entries uniform in "
                            "[-2^31, 2^31)); Schwartz-Zippel error bound "
                            f"<= (3/{2**32})^1 = {3 / 2**32:.3g} (probability that a false "
                            "case passes its 1 independent trial(s))")
    modular = ModularEngine(trials=3).evidence(cascade, seed=5)
    assert (modular.count, modular.seed, modular.per_trial) == (3, 5, Fraction(3, P1))
    assert modular.detail.startswith("3 random point(s) modulo p = 2^31 - 1; Schwartz-Zippel "
                                     f"error bound <= (3/{P1})^3 = ")
    small = ModularEngine(trials=1, prime=7).evidence(cascade, seed=0)
    assert small.per_trial == Fraction(3, 7)
    assert small.detail.startswith("1 random point(s) modulo p = 7; ")


@pytest.mark.parametrize("prime", [2, 3, P1])
def test_modular_engine_accepts_primes_from_2_to_below_2_31(prime: int) -> None:
    engine = ModularEngine(prime=prime)
    assert engine.prime == prime and engine.trials == 2
    kernels = engine.kernels(_cascade([5, 5], [1, 5]), seed=3)
    rng = np.random.default_rng(3)
    assert [k.tolist() for k in kernels] == [rng.integers(0, prime, (5,)).tolist()
                                             for _ in range(2)]
    assert engine.residues(np.array([-1])).tolist() == [prime - 1]
    array = np.array([prime + 1])
    engine.reducer()(array)
    assert array.tolist() == [1]


@pytest.mark.parametrize("prime", [0, 1, 15, 2_147_483_659, -7])
def test_modular_engine_refuses_what_is_not_a_prime_below_2_31(prime: int) -> None:
    """2147483659 is the first prime above 2^31."""
    with pytest.raises(InvalidParameterError, match=f"prime={prime} is invalid: expected a "
                       "prime below 2\\^31"):
        ModularEngine(prime=prime)


def test_modular_engine_needs_a_trial() -> None:
    assert ModularEngine(trials=1).trials == 1
    with pytest.raises(InvalidParameterError, match="trials=0"):
        ModularEngine(trials=0)


def test_float_tolerance_and_its_strict_boundary() -> None:
    """2 gamma_n |K| with gamma_n = n u / (1 - n u), u = 2^-53: for n = 8 and magnitude 3,
    48 u / (1 - 8 u). A difference exactly at the tolerance passes (excess means >)."""
    engine = FloatEngine()
    unit = Fraction(1, 2**53)
    want = float(2 * (8 * unit) / (1 - 8 * unit) * 3)
    got = engine.tolerance(np.array([3.0]), 8)
    assert got.tolist() == [want]
    at = engine.compare_within(np.array([0.0, 1.0, 2.0]), np.array([want, 1.0, 2.0]),
                               np.array([3.0, 3.0, 3.0]), 8)
    assert at.equal and at.detail == "all 3 entries within 2 gamma_8 |K_L| * ... * |K_0|"
    over = engine.compare_within(np.array([0.0, 0.0, 0.0]), np.array([0.0, 2 * want, 3 * want]),
                                 np.array([3.0, 3.0, 3.0]), 8)
    assert not over.equal and over.first_difference == (1,)
    assert over.detail == "2 entries outside the tolerance, first at (1,)"
    shapes = engine.compare_within(np.zeros(2), np.zeros(3), np.ones(2), 8)
    assert not shapes.equal and shapes.detail == "shapes differ: (2,) vs (3,)"


def test_float_engine_kernels_and_evidence() -> None:
    cascade = _cascade([3, 2], [1, 3])
    rng = np.random.default_rng(6)
    want = [rng.standard_normal((3,)), rng.standard_normal((2,))]
    got = FloatEngine().kernels(cascade, seed=6)
    assert [k.tolist() for k in got] == [w.tolist() for w in want]
    evidence = FloatEngine().evidence(cascade, seed=6)
    unit = Fraction(1, 2**53)
    assert (evidence.kind, evidence.count, evidence.seed) == ("randomized", 1, 6)
    assert evidence.tolerance == float(2 * 7 * unit / (1 - 7 * unit))  # n = 3 + 2 + 2
    assert "2 gamma_7, relative to" in evidence.tolerance_reason


# -- smt.py --------------------------------------------------------------------------------------
X, Y, Z = z3.Ints("x y z")


def test_prove_answers_proved_counterexample_and_unknown() -> None:
    before = time.perf_counter()
    proved = prove("p", lambda: ([X > 0], X >= 1))
    refuted = prove("r", lambda: ([X > 0], X >= 2))
    elapsed = time.perf_counter() - before
    assert 0 <= proved.seconds <= elapsed and 0 <= refuted.seconds <= elapsed
    assert (proved.status, proved.proved, proved.query) == (PROVED, True, "And(x > 0) ==> x >= 1")
    assert proved.rlimit == RLIMIT == 50_000_000 and proved.spent > 0 and proved.model == {}
    bare = prove("q", lambda: ([], X * X >= 0))
    assert bare.proved and bare.query == "x*x >= 0" and bare.name == "q"
    assert (refuted.status, refuted.proved) == (COUNTEREXAMPLE, False)
    assert refuted.model == {"x": "1"} and refuted.spent > 0 and refuted.reason == ""


def test_prove_reports_unknown_at_either_query_with_its_reason() -> None:
    """rlimit 1 stops the satisfiability guard; rlimit 320 lets the guard through and stops the
    query itself (Fermat's cubes), whose reason then has no guard prefix."""
    before = time.perf_counter()
    guard = prove("g", lambda: ([X > 0], X >= 1), rlimit=1)
    assert 0 <= guard.seconds <= time.perf_counter() - before  # the time it took, no more
    assert guard.status == UNKNOWN and guard.rlimit == 1 and guard.spent > 0
    assert guard.reason.startswith("satisfiability of the hypotheses: ")
    before = time.perf_counter()
    fermat = prove("f", lambda: ([X > 0, Y > 0, Z > 0], X**3 + Y**3 != Z**3), rlimit=320)
    assert 0 <= fermat.seconds <= time.perf_counter() - before
    assert fermat.status == UNKNOWN and not fermat.proved and fermat.rlimit == 320
    assert fermat.reason and not fermat.reason.startswith("satisfiability")


def test_prove_refuses_vacuous_hypotheses_broken_builders_and_a_zero_rlimit() -> None:
    with pytest.raises(SolverError, match=r"z3 on v: hypotheses='And\(x > 0, x < 0\)' are "
                       "unsatisfiable, so the implication holds vacuously"):
        prove("v", lambda: ([X > 0, X < 0], X == 3))

    def broken() -> tuple[list[z3.BoolRef], z3.BoolRef]:
        raise ValueError("no formula")

    with pytest.raises(SolverError, match=r"z3 failed on b: building the formula raised "
                       r"ValueError\('no formula'\)"):
        prove("b", broken)
    with pytest.raises(InvalidParameterError, match="rlimit=0"):
        prove("z", lambda: ([], X == X), rlimit=0)
    assert prove("one", lambda: ([], z3.BoolVal(True)), rlimit=1).status in (PROVED, UNKNOWN)


# -- symbolic.py ---------------------------------------------------------------------------------
def test_symbolic_kernels_evidence_and_names() -> None:
    engine = SymbolicEngine()
    cascade = Cascade.from_schedule([2, 3], [1, 2], dims=2)
    kernels = engine.kernels(cascade)
    assert [k.shape for k in kernels] == [(2, 2), (3, 3)]
    assert str(kernels[0][1, 0].as_expr()) == "k_0_1_0" and str(kernels[1][2, 1]) == "k_1_2_1"
    assert len(kernels[0].flat[0].ring.gens) == 13
    assert symbol_latex(1, (2, 0)) == "k_{1,2,0}"
    evidence = engine.evidence(cascade)
    assert (evidence.tier, evidence.kind) == ("symbolic", "proof")
    assert evidence.detail.startswith("polynomial identity in the 13 kernel symbols ")
    assert engine.element_bytes() == 400


def test_symbolic_comparison_messages() -> None:
    """[a0, a1] then [b0, b1] at dilation 2: the composite is a (x) b = [a0 b0, a1 b0, a0 b1,
    a1 b1], equal to kron(b, a); kron(a, b) differs at its entries 1 and 2; a dilation of 1
    makes a composite of 3 entries against 4."""
    engine = SymbolicEngine()
    a, b = engine.kernels(_cascade([2, 2], [1, 2]))
    for convention in ("convolution", "correlation"):
        good = engine.compare_kronecker([a, b], [(1,), (2,)], [b, a], convention)
        assert good.equal
        assert good.detail == "all 4 entries equal (as generating functions C = Q)"
    bad = engine.compare_kronecker([a, b], [(1,), (2,)], [a, b])
    assert not bad.equal and bad.first_difference == (1,)
    assert bad.detail == "2 of 4 entries differ, first at (1,)"
    short = engine.compare_kronecker([a, b], [(1,), (1,)], [b, a])
    assert not short.equal and short.detail == "shapes differ: (3,) vs (4,)"


def test_generating_function_and_kronecker_polynomial_terms() -> None:
    """C(x) = (a0 + a1 x)(b0 + b1 x^2) and Q for kron(b, a) = b0 a0 + b0 a1 x + b1 a0 x^2 +
    b1 a1 x^3 are the same polynomial; reversed, Q reads P backwards."""
    engine = SymbolicEngine()
    a, b = engine.kernels(_cascade([2, 2], [1, 2]))
    space = GeneratingSpace.of([a])
    left = engine.generating_function([a, b], [(1,), (2,)])
    right = engine.kronecker_polynomial([b, a])
    assert left == right and space.extent(left) == (4,)
    reversed_ = engine.kronecker_polynomial([b, a], reversed_=True)
    ctx = space.context
    k00, k01, k10, k11, x = ctx.gens()
    assert right == k10 * k00 + k10 * k01 * x + k11 * k00 * x**2 + k11 * k01 * x**3
    assert reversed_ == k11 * k01 + k11 * k00 * x + k10 * k01 * x**2 + k10 * k00 * x**3


def test_kronecker_strides_blocks_and_tree_sums() -> None:
    assert kronecker_strides([(2, 3), (4, 1), (5, 2)]) == [(20, 2), (5, 2), (1, 1)]
    assert kronecker_strides([(3,)]) == [(1,)]
    blocks = list(kronecker_blocks([np.array([1, 2]), np.array([3, 5]), np.array([7])]))
    assert [block.tolist() for block in blocks] == [[21, 35], [42, 70]]
    assert [b.tolist() for b in kronecker_blocks([np.array([[1, 2]])])] == [[1, 2]]
    for n in range(1, 8):
        assert tree_sum(object_array(list(range(1, n + 1)))) == n * (n + 1) // 2
    assert object_array([(1, 2), 3]).shape == (2,)
    assert dilate((2, 3), (4, 5)) == (8, 15)
    assert reverse(np.array([[1, 2], [3, 4]])).tolist() == [[4, 3], [2, 1]]


def test_symbol_arrays_and_symbolic_inputs_share_one_ring() -> None:
    engine = SymbolicEngine()
    arrays = engine.symbol_arrays({"u": (2,), "v": (1, 2)})
    assert [str(e) for e in arrays["u"].flat] == ["u_0", "u_1"]
    assert [str(e) for e in arrays["v"].flat] == ["v_0_0", "v_0_1"]
    assert arrays["u"][0].ring == arrays["v"][0, 1].ring
    kernels = engine.kernels(_cascade([2], [1]))
    lifted, f = engine.with_symbolic_input(kernels, (2, 1), name="g")
    assert [str(e) for e in f.flat] == ["g_0_0", "g_1_0"]
    ring = f.flat[0].ring
    assert [str(s) for s in ring.symbols] == ["k_0_0", "k_0_1", "g_0_0", "g_1_0"]
    assert all(e.ring == ring for e in lifted[0].flat)
    assert [str(e) for e in lifted[0].flat] == ["k_0_0", "k_0_1"]
    mixed = lift_to(np.array([kernels[0][1], 3], dtype=object), ring)
    assert str(mixed[0]) == "k_0_1" and mixed[1] == ring(3)
    shown = to_sympy(np.array([kernels[0][0], 2], dtype=object))
    assert shown.shape == (2,) and shown[0] == sympy.Symbol("k_0_0") and shown[1] == 2
