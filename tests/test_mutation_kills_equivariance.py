"""Tests that kill mutants which survived `make mutation` (issue 11) in the equivariance analysis
(seeded inputs and members, re-checks, agreement regions, batches, live weights) and its lemmas."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from kronconv.errors import InvalidParameterError


def test_lemma_twins_are_placeholders_unless_asked() -> None:
    """check_rules proves the rules; the wrong twins run only with twins=True, else each is an
    'unknown' placeholder named '<rule> (wrong twin)' with the reason 'not run'."""
    from kronconv.equivariance.lemmas import RULES, UNKNOWN, check_rules

    (check,) = check_rules(rules={"pointwise": RULES["pointwise"]})
    assert check.twin.name == "pointwise (wrong twin)"
    assert check.twin.status == UNKNOWN and check.twin.reason == "not run"


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
    budget = auto["checks"]["rechecked_by_reference"]["budget"]
    assert budget == RECHECK_WORK // 24 - 1 == 41665 and isinstance(budget, int)
    first = auto["not_equivariant"][0]
    assert first["counterexample"]["rechecked_by"] == "reference (naive loops, Python numbers)"
    assert "(re-checked by reference (naive loops" in first["evidence"]
    none = _zero_padded_conv_result(recheck_mode="none")["not_equivariant"][0]
    assert none["counterexample"]["rechecked_by"].startswith("not re-checked")
    assert "(exact (fast engine), not re-checked by the reference (its budget: 0))" in \
        none["evidence"]


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


def test_whole_window_rule_holds_from_an_axis_of_one_entry() -> None:
    """The whole-window rule is stated for every axis length N >= 1: N = 1 and N = 2 are
    models of its hypotheses (a rule narrowed to N != 1 would leave N = 1 unproved)."""
    import z3

    from kronconv.equivariance.lemmas import RULES

    n = z3.Int("n")
    for length in (1, 2):
        solver = z3.Solver()
        solver.add(*RULES["whole-window"](False)[0], n == length)
        assert solver.check() == z3.sat, length


def test_upsample_rule_concludes_a_remainder_in_0_to_f_n() -> None:
    """The upsample rule's conclusion states the remainder f r3 + b of (j - f w) by f N lies in
    [0, f N) (what makes it unique): its claims admit neither -1 nor f N."""
    import z3

    from kronconv.equivariance.lemmas import RULES

    f, n, r3, b = z3.Ints("f n r3 b")
    for value in (-1, f * n):
        solver = z3.Solver()
        solver.add(*RULES["upsample"](False)[1], f * r3 + b == value, f >= 1, n >= 1, b >= 1)
        assert solver.check() == z3.unsat, value


def test_prime_divisors_by_trial_division() -> None:
    """primes(m): the prime divisors of m, increasing (odd primes included)."""
    from kronconv.equivariance.shifts import primes

    assert [primes(m) for m in (1, 2, 12, 15, 45, 49, 97)] == [
        [], [2], [2, 3], [3, 5], [3, 5], [7], [97]]


def _quotient(period: tuple[int, ...]) -> Any:
    """A ShiftGroup whose quotient Z_N^d / H is prod Z_{g_a} (the size 12 per axis; only the
    period matters to the quotient's lines and multiples)."""
    from kronconv.equivariance.shifts import ShiftGroup

    return ShiftGroup((12,) * len(period), (12,) * len(period), period, ((),) * len(period))


def test_lines_are_the_subgroups_of_prime_order_of_the_quotient() -> None:
    """Z_2 x Z_2 has (2^2 - 1) / (2 - 1) = 3 subgroups of order 2, generated by (1, 0), (0, 1),
    (1, 1); Z_6 has one of order 2, generated by 3, and one of order 3, by 2."""
    assert sorted(_quotient((2, 2)).lines()) == [(0, 1), (1, 0), (1, 1)]
    assert sorted(_quotient((6,)).lines()) == [(2,), (3,)]


def test_prime_multiples_are_the_lines_of_m_over_p_times_v() -> None:
    """In Z_6 the class 1 has order m = 6: its multiples (6/2) 1 = 3 and (6/3) 1 = 2 generate
    the subgroups of order 2 and 3; in Z_2 x Z_4 the class (1, 1) has order 4: 2 (1, 1) =
    (0, 2), whose line is (0, 2)."""
    assert _quotient((6,)).prime_multiples((1,)) == [(3,), (2,)]
    assert _quotient((2, 4)).prime_multiples((1, 1)) == [(0, 2)]


def test_every_refuted_class_of_a_padded_conv_has_its_own_counterexample() -> None:
    """Zero padding breaks every nonzero shift of 8 entries: 7 refuted classes, each by its own
    counterexample (re-checked or not), so none is refuted by the group law alone."""
    rechecks = _zero_padded_conv_result()["checks"]["rechecked_by_reference"]
    assert len(rechecks["rechecked"]) + len(rechecks["not_rechecked"]) == 7
    assert rechecks["classes_without_own_counterexample"] == 0


def test_given_weights_take_one_draw() -> None:
    """draws >= 2 is required only for symbolic weights (two draws of the symbols); given (and
    random) weights may be analysed with a single draw."""
    from kronconv.equivariance.analysis import analyze_equivariance
    from kronconv.semantics import random_weights
    from kronconv.specs.architecture import parse_architecture

    arch = parse_architecture({"dims": 1, "layers": [{"op": "conv", "kernel_size": 3,
                                                      "padding": 1, "padding_mode": "circular"}]})
    for options in ({"given": random_weights(arch, 1)}, {"weights": "random"}):
        result = analyze_equivariance(arch, 4, draws=1, **options)  # type: ignore[arg-type]
        assert result is not None
    with pytest.raises(InvalidParameterError, match=r"^draws=1 is invalid"):
        analyze_equivariance(arch, 4, draws=1)


def test_group_law_names_the_multiple_that_reaches_the_refuted_class() -> None:
    """In Z_6 the class 1 is refuted through its multiple 3 * 1 = 3 once 3 has a counterexample:
    the evidence names k = 3 (the k with k v = w mod the period), not a smaller k."""
    from kronconv.equivariance.analysis import _by_group_law

    verdict = _by_group_law(_quotient((6,)), (1,), {(3,): None})  # type: ignore[dict-item]
    assert verdict.status == "not-respected"
    assert "so would be 3 v = [3] mod [6]" in verdict.evidence


def test_symbolic_weights_leave_a_class_the_calculus_drops_unknown(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """With symbolic weights a class that the calculus does not keep and no sample refutes stays
    'unknown': the z3 fallback proves a class for the given or random weights only (there are
    none to prove it for here). A circular conv respects every shift; a calculus narrowed to
    the zero shift makes classes 1, 2, 3 of 4 such classes. With random weights z3 proves them,
    and the respected shifts are the classes r + H, taken mod the size 4."""
    from kronconv.equivariance import analysis
    from kronconv.equivariance.shifts import ShiftGroup, calculus
    from kronconv.specs.architecture import parse_architecture

    def zero_only(arch: Any, size: Any) -> ShiftGroup:
        group = calculus(arch, size)
        return ShiftGroup(group.size, group.output_size, group.size,
                          tuple(t[:1] + (None,) * (len(t) - 1) for t in group.tables))

    arch = parse_architecture({"dims": 1, "layers": [{"op": "conv", "kernel_size": 3,
                                                      "padding": 1, "padding_mode": "circular"}]})
    monkeypatch.setattr(analysis, "calculus", zero_only)
    result = analysis.analyze_equivariance(arch, 4, regions=False)
    assert [v.status for v in result.verdicts[1:]] == ["unknown"] * 3
    # Random weights: z3 proves each class for them; the respected shifts are r + H mod 4.
    result = analysis.analyze_equivariance(arch, 4, weights="random", regions=False)
    assert [v.status for v in result.verdicts[1:]] == ["respected"] * 3
    assert result.respected == {(s,): (s,) for s in range(4)}


# -- the shift calculus, rule by rule (tables worked out by hand from the module doc) ----------
def _layers(*layers: dict[str, Any], dims: int = 1) -> Any:
    from kronconv.specs.architecture import parse_architecture

    return parse_architecture({"dims": dims, "layers": list(layers)}, source="<test>")


def _unpool(kernel: int) -> Any:
    """maxpool (kernel = stride) then maxunpool with the pool's indices, one axis."""
    from kronconv.specs.architecture import parse_architecture

    return parse_architecture({"dims": 1, "nodes": [
        {"id": "x", "op": "input"},
        {"id": "p", "op": "maxpool", "inputs": ["x"], "kernel_size": kernel, "stride": kernel},
        {"id": "u", "op": "maxunpool", "inputs": ["p"], "indices": "p"}], "output": "u"},
        source="<test>")


N = None
CALCULUS_CASES = [
    # stride 2 pooling: w -> w / 2 for even w, nothing for odd w
    (lambda: _layers({"op": "maxpool", "kernel_size": 2, "stride": 2}), 8, (4,), (2,),
     ((0, N, 1, N, 2, N, 3, N),)),
    # a zero-padded conv whose strided windows never read the padding (taps 0..8 of 9) is cyclic
    (lambda: _layers({"op": "conv", "kernel_size": 3, "padding": [[0, 2]], "stride": 3}), 9,
     (3,), (3,), ((0, N, N, 1, N, N, 2, N, N),)),
    # a zero-padded conv that reads its padding keeps only 0
    (lambda: _layers({"op": "conv", "kernel_size": 3, "padding": 1}), 6, (6,), (6,),
     ((0, N, N, N, N, N),)),
    # a pooling with padding keeps only 0
    (lambda: _layers({"op": "maxpool", "kernel_size": 2, "stride": 2, "padding": 1}), 8, (5,),
     (8,), ((0, N, N, N, N, N, N, N),)),
    # one window over the whole axis: every shift -> 0
    (lambda: _layers({"op": "avgpool", "kernel_size": 4, "stride": 4}), 4, (1,), (1,),
     ((0, 0, 0, 0),)),
    # nearest upsampling by 2: w -> 2 w; linear upsampling: only 0
    (lambda: _layers({"op": "upsample", "scale_factor": 2}), 4, (8,), (1,), ((0, 2, 4, 6),)),
    (lambda: _layers({"op": "upsample", "scale_factor": 2, "mode": "linear"}), 4, (8,), (4,),
     ((0, N, N, N),)),
    # a conv_transpose that tiles (k = s = 2): w -> 2 w; one that does not: only 0
    (lambda: _layers({"op": "conv_transpose", "kernel_size": 2, "stride": 2}), 4, (8,), (1,),
     ((0, 2, 4, 6),)),
    (lambda: _layers({"op": "conv_transpose", "kernel_size": 3, "stride": 2, "padding": 1,
                      "output_padding": 1}), 4, (8,), (4,), ((0, N, N, N),)),
    # maxunpool restores its pool's input shift when that was a multiple of the stride
    (lambda: _unpool(2), 8, (8,), (2,), ((0, N, 2, N, 4, N, 6, N),)),
    # ... but a whole-window pool sends every shift to 0, and only 0 is a multiple of 8
    (lambda: _unpool(8), 8, (8,), (8,), ((0, N, N, N, N, N, N, N),)),
    # pooling 4 then nearest upsampling by 2 on 12 entries: w = 4 k -> 2 k
    (lambda: _layers({"op": "maxpool", "kernel_size": 4, "stride": 4},
                     {"op": "upsample", "scale_factor": 2}), 12, (6,), (4,),
     ((0, N, N, N, 2, N, N, N, 4, N, N, N),)),
    # two axes, each with its own rule
    (lambda: _layers({"op": "maxpool", "kernel_size": [2, 1], "stride": [2, 1]},
                     {"op": "conv", "kernel_size": [1, 3], "padding": [0, 1]}, dims=2), (8, 6),
     (4, 6), (2, 6), ((0, N, 1, N, 2, N, 3, N), (0, N, N, N, N, N))),
    (lambda: _layers({"op": "maxpool", "kernel_size": [2, 3], "stride": [2, 3]}, dims=2), (8, 9),
     (4, 3), (2, 3), ((0, N, 1, N, 2, N, 3, N), (0, N, N, 1, N, N, 2, N, N))),
]


@pytest.mark.parametrize(("build", "size", "output_size", "period", "tables"), CALCULUS_CASES)
def test_the_calculus_gives_each_rules_table(build: Any, size: Any, output_size: tuple,
                                             period: tuple, tables: tuple) -> None:
    """calculus: the input and output sizes, the period of H per axis and, per axis, the output
    shift of every input shift (None: not kept), exactly as the module doc's rules give them."""
    from kronconv.equivariance.shifts import ShiftGroup, calculus

    n = (size,) if isinstance(size, int) else size
    assert calculus(build(), size) == ShiftGroup(n, output_size, period, tables)


def test_an_add_keeps_only_the_shifts_its_inputs_agree_on() -> None:
    """add(x, upsample_linear(pool(x))): the pooled branch keeps only 0 (linear upsampling), the
    other every shift; the add keeps the shifts on which both agree: only 0."""
    from kronconv.equivariance.shifts import calculus
    from kronconv.specs.architecture import parse_architecture

    arch = parse_architecture({"dims": 1, "nodes": [
        {"id": "x", "op": "input"},
        {"id": "r", "op": "relu", "inputs": ["x"]},
        {"id": "p", "op": "maxpool", "inputs": ["x"], "kernel_size": 2, "stride": 2},
        {"id": "up", "op": "upsample", "inputs": ["p"], "scale_factor": 2, "mode": "linear"},
        {"id": "s", "op": "add", "inputs": ["r", "up"]}], "output": "s"}, source="<test>")
    assert calculus(arch, 4).tables == ((0, None, None, None),)
    same = parse_architecture({"dims": 1, "nodes": [
        {"id": "x", "op": "input"},
        {"id": "r", "op": "relu", "inputs": ["x"]},
        {"id": "s", "op": "add", "inputs": ["r", "x"]}], "output": "s"}, source="<test>")
    assert calculus(same, 4).tables == ((0, 1, 2, 3),)


@pytest.mark.parametrize(("layer", "length", "expected"), [
    ({"kernel_size": 3, "padding": 1}, 6, True),  # output 0 reads position -1
    ({"kernel_size": 3, "padding": [[0, 2]]}, 6, True),  # the last output reads 6 and 7
    ({"kernel_size": 3, "padding": [[0, 2]], "stride": 3}, 9, False),  # taps 0..8 only
    ({"kernel_size": 3, "padding": [[0, 2]], "stride": 3}, 6, False),  # taps 0..5 only
    ({"kernel_size": 2, "padding": [[0, 1]], "stride": 2}, 6, False),  # taps 0..5 only
    ({"kernel_size": 2, "padding": [[1, 0]], "stride": 2}, 6, True),  # output 0 reads -1
    ({"kernel_size": 3, "dilation": 2, "padding": [[0, 4]], "stride": 2}, 6, True),  # reads 6
    ({"kernel_size": 1}, 5, False),
])
def test_reads_padding_sees_every_tap_of_every_strided_output(layer: dict, length: int,
                                                             expected: bool) -> None:
    """reads_padding: the taps s i - before + d t of the (length + pad - d (k - 1) - 1) // s + 1
    outputs; True exactly when one falls outside [0, length)."""
    from kronconv.equivariance.shifts import reads_padding

    arch = _layers({"op": "conv", **layer})
    assert reads_padding(arch.nodes[1], 0, length) is expected


@pytest.mark.parametrize(("layer", "length", "shifts"), [
    # circular conv of stride 2: w -> w / 2 for even w
    ({"op": "conv", "kernel_size": 3, "padding": 1, "padding_mode": "circular", "stride": 2},
     8, {0: 0, 1: None, 2: 1, 6: 3}),
    # circular padding of the wrong total (2 for 3 taps of dilation 2, which need 4): only 0
    ({"op": "conv", "kernel_size": 3, "dilation": 2, "padding": 1, "padding_mode": "circular"},
     8, {0: 0, 1: None, 2: None}),
    # no padding, nothing read outside: a shrinking conv is not cyclic (padding total 0 != 2)
    ({"op": "conv", "kernel_size": 3}, 8, {0: 0, 1: None}),
    # pooling without padding, stride 3: w -> w / 3 for multiples of 3
    ({"op": "avgpool", "kernel_size": 3, "stride": 3}, 9, {0: 0, 3: 1, 6: 2, 4: None}),
    # a window over the whole axis: 0 for every shift; one short of it: the stride rule
    ({"op": "maxpool", "kernel_size": 4, "stride": 4}, 4, {0: 0, 1: 0, 3: 0}),
    ({"op": "maxpool", "kernel_size": 4, "stride": 4}, 8, {1: None, 4: 1}),
    # a pooling with padding: only 0
    ({"op": "maxpool", "kernel_size": 2, "stride": 2, "padding": [[0, 1]]}, 8,
     {0: 0, 2: None}),
    ({"op": "maxpool", "kernel_size": 2, "stride": 2, "padding": [[1, 0]]}, 8,
     {0: 0, 2: None}),
])
def test_window_shift_per_node(layer: dict, length: int, shifts: dict) -> None:
    """window_shift of one conv or pooling node along its axis, shift by shift."""
    from kronconv.equivariance.shifts import window_shift

    node = _layers(layer).nodes[1]
    assert {w: window_shift(node, 0, length, w) for w in shifts} == shifts


@pytest.mark.parametrize(("layer", "expected"), [
    ({"kernel_size": 2, "stride": 2}, True),
    ({"kernel_size": 3, "stride": 3}, True),
    ({"kernel_size": 3, "stride": 2}, False),
    ({"kernel_size": 2, "stride": 3}, False),
    ({"kernel_size": 2, "stride": 2, "dilation": 2}, False),
    ({"kernel_size": 2, "stride": 2, "padding": 1}, False),
    ({"kernel_size": 2, "stride": 2, "output_padding": 1}, False),
])
def test_a_conv_transpose_tiles_only_with_k_equal_s_and_nothing_else(layer: dict,
                                                                     expected: bool) -> None:
    from kronconv.equivariance.shifts import tiles

    assert tiles(_layers({"op": "conv_transpose", **layer}).nodes[1], 0) is expected


def test_scaled_and_the_total_stride_rule() -> None:
    """scaled: floor(v M / N) per axis; rule_shift: that, when the total stride divides v on
    every axis, else None; total_stride: per axis the lcm over the nodes feeding the output of
    N / gcd(N, n_k)."""
    from kronconv.equivariance.shifts import rule_shift, scaled, total_stride
    from kronconv.semantics.shapes import node_sizes

    assert scaled((3,), (8,), (4,)) == (1,)
    assert scaled((5, 2), (8, 6), (4, 3)) == (2, 1)
    assert scaled((7,), (8,), (16,)) == (14,)
    assert rule_shift((4, 3), (8, 9), (4, 3), (2, 3)) == (2, 1)
    assert rule_shift((3, 3), (8, 9), (4, 3), (2, 3)) is None
    assert rule_shift((4, 4), (8, 9), (4, 3), (2, 3)) is None
    pool = _layers({"op": "maxpool", "kernel_size": [2, 3], "stride": [2, 3]}, dims=2)
    assert total_stride(pool, node_sizes(pool, (8, 9))) == (2, 3)
    # 12 -> pool 4 -> 3 -> upsample 2 -> 6: lcm(12 / 12, 12 / 3, 12 / 6) = 4
    down_up = _layers({"op": "maxpool", "kernel_size": 4, "stride": 4},
                      {"op": "upsample", "scale_factor": 2})
    assert total_stride(down_up, node_sizes(down_up, 12)) == (4,)


def _group() -> Any:
    """H = 2 Z_8 x {0} on Z_8 x Z_6, output Z_4 x Z_6, u = (w / 2, 0)."""
    from kronconv.equivariance.shifts import ShiftGroup

    return ShiftGroup((8, 6), (4, 6), (2, 6), ((0, N, 1, N, 2, N, 3, N), (0, N, N, N, N, N)))


def test_shift_group_membership_output_shifts_and_members() -> None:
    """Membership is divisibility by the period on every axis (tuples only); output shifts are
    read from the tables modulo the size; the members are the 4 x 1 kept pairs."""
    group = _group()
    assert [v in group for v in [(4, 0), (10, 0), (4, 3), (3, 0), (0, 6)]] == [
        True, True, False, False, True]
    assert [4, 0] not in group
    assert group.output_shift((10, 6)) == (1, 0)
    assert group.output_shift((6, 0)) == (3, 0)
    assert group.output_shift((3, 0)) is None and group.output_shift((2, 1)) is None
    assert group.order == 4
    assert group.generators() == [((2, 0), (1, 0))]
    assert group.members() == {(0, 0): (0, 0), (2, 0): (1, 0), (4, 0): (2, 0), (6, 0): (3, 0)}
    assert group.classes() == [(a, b) for a in range(2) for b in range(6)]


def test_describe_and_derived_shifts() -> None:
    """describe: the period, the count and the generators as plain data; derived_shifts: every
    member, or only those among the given shifts that the calculus keeps."""
    from kronconv.equivariance.shifts import calculus, derived_shifts, describe

    arch = _layers({"op": "maxpool", "kernel_size": [2, 1], "stride": [2, 1]},
                   {"op": "conv", "kernel_size": [1, 3], "padding": [0, 1]}, dims=2)
    assert describe(calculus(arch, (8, 6))) == {
        "period": [2, 6], "respected_count": 4,
        "generators": [{"shift": [2, 0], "output_shift": [1, 0]}]}
    assert derived_shifts(arch, (8, 6)) == _group().members()
    assert derived_shifts(arch, (8, 6), [[2, 0], (3, 0), (6, 0), (4, 1)]) == {
        (2, 0): (1, 0), (6, 0): (3, 0)}
    assert derived_shifts(arch, (8, 6), []) == {}


@pytest.mark.parametrize(("period", "v", "order", "line"), [
    ((6,), (4,), 3, (2,)),  # 4 * 2 = 8 = 2 mod 6
    ((6,), (3,), 2, (3,)),
    ((5,), (3,), 5, (1,)),  # 3 * 2 = 6 = 1 mod 5
    ((4,), (2,), 2, (2,)),
    ((6, 6), (4, 2), 3, (2, 4)),
    ((6, 6), (0, 4), 3, (0, 2)),  # the first non-zero coordinate is on the second axis
    ((6, 6), (3, 3), 2, (3, 3)),
    ((2, 6), (1, 3), 2, (1, 3)),
    ((2, 6), (0, 3), 2, (0, 3)),
])
def test_order_and_line_of_a_class(period: tuple, v: tuple, order: int, line: tuple) -> None:
    """order_of: the order of v in prod Z_g; line_of (v of prime order p): the multiple k v
    whose first non-zero coordinate is g / p."""
    group = _quotient(period)
    assert group.order_of(v) == order
    assert group.line_of(v) == line


def test_orders_of_composite_classes() -> None:
    group = _quotient((6, 6))
    assert [group.order_of(v) for v in [(0, 0), (2, 3), (1, 0), (0, 2), (4, 4)]] == [
        1, 6, 6, 3, 3]
    assert _quotient((2, 4)).order_of((1, 2)) == 2
