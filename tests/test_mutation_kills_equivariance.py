"""Tests that pin behaviour mutation testing (`make mutation`, issue 11) showed unpinned in the
equivariance subject: the shift calculus rule by rule (shifts.py), the lemmas' statements at
integer points (lemmas.py), screening's comparisons and live draws (screening.py), and the
analysis' budgets at their boundaries, evidence texts, fields and fallbacks (analysis.py).
Expected values are worked out by hand or by the naive reference engine."""

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
def _layers(*layers: dict[str, Any], dims: int = 1, in_channels: int = 1) -> Any:
    from kronconv.specs.architecture import parse_architecture

    return parse_architecture({"dims": dims, "in_channels": in_channels,
                               "layers": list(layers)}, source="<test>")


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
    ({"kernel_size": 2, "padding": [[0, 1]]}, 6, True),  # the last output reads 6 exactly
    ({"kernel_size": 1, "padding": [[1, 0]], "stride": 3}, 5, True),  # taps -1 and 2
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
    # ... and of a total above it (4 for 3 taps, which need 2): only 0
    ({"op": "conv", "kernel_size": 3, "padding": 2, "padding_mode": "circular"}, 8,
     {0: 0, 1: None, 2: None}),
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


# -- the analysis: work estimates, budgets, screening, labels (hand-computed values) -----------
def _conv(**layer: Any) -> Any:
    return _layers({"op": "conv", **layer})


@pytest.mark.parametrize(("build", "size", "work"), [
    (lambda: _conv(kernel_size=3, padding=1), 8, 3 * 8),
    (lambda: _conv(kernel_size=1), 8, 8),
    # 2 input channels in 2 groups: 3 taps x 1 channel per group x 4 outputs x 8 positions
    (lambda: _layers({"op": "conv", "kernel_size": 3, "padding": 1, "out_channels": 4,
                      "groups": 2}, in_channels=2), 8, 96),
    (lambda: _layers({"op": "conv", "kernel_size": 1, "out_channels": 2}, in_channels=3), 5,
     30),
    (lambda: _layers({"op": "maxpool", "kernel_size": 2, "stride": 2}), 8, 2 * 4),
    (lambda: _layers({"op": "relu"}), 8, 8),
    (lambda: _layers({"op": "conv", "kernel_size": 3, "out_channels": 2}, dims=2), (4, 4),
     9 * 2 * 4),
    # conv 3 x 1 x 2 x 8 + relu 2 x 8 + avgpool 2 x 2 x 4
    (lambda: _layers({"op": "conv", "kernel_size": 3, "padding": 1, "out_channels": 2},
                     {"op": "relu"}, {"op": "avgpool", "kernel_size": 2, "stride": 2}), 8,
     48 + 16 + 16),
])
def test_work_counts_the_multiply_adds_of_one_evaluation(build: Any, size: Any,
                                                         work: int) -> None:
    """_work: per node after the input, (taps x input channels per group for a conv, taps for
    a pooling, 1 otherwise) x output channels x output positions; an int."""
    from kronconv.equivariance.analysis import _work
    from kronconv.semantics.shapes import node_sizes

    arch = build()
    found = _work(arch, node_sizes(arch, size))
    assert found == work and type(found) is int


@pytest.mark.parametrize(("mode", "size", "lines", "budget"), [
    ("all", 8, 0, 1 << 62),
    ("none", 8, 5, 0),
    ("auto", 8, 0, 1_000_000 // 8 - 1),  # RECHECK_WORK // work - 1
    ("auto", 8, 624_999, 624_999),  # (lines + 1) work = 5,000,000 = LINE_RECHECK_WORK: all
    ("auto", 8, 625_000, 124_999),  # one more line is over it: the plain count
    ("auto", 2_000_000, 0, 0),  # one evaluation is over RECHECK_WORK: none, never -1
    ("auto", 2_000_000, 1, 1),  # 2 x 2,000,000 fits in LINE_RECHECK_WORK
    ("auto", 2_000_000, 2, 0),  # 3 x 2,000,000 does not
])
def test_recheck_budget_at_its_boundaries(mode: str, size: int, lines: int,
                                          budget: int) -> None:
    """_recheck_budget for a 1-tap conv (work = size): all, none, or the count that fits in
    RECHECK_WORK, raised to every screened line when (lines + 1) x work <= LINE_RECHECK_WORK."""
    from kronconv.equivariance.analysis import _recheck_budget
    from kronconv.semantics.shapes import node_sizes

    arch = _conv(kernel_size=1)
    assert _recheck_budget(mode, arch, node_sizes(arch, size), lines) == budget


@pytest.mark.parametrize(("lines", "budget"), [
    (0, 999_999), (4_999_999, 4_999_999), (5_000_000, 999_999)])
def test_recheck_budget_of_one_multiply_add(lines: int, budget: int) -> None:
    """A ReLU on one entry costs 1: RECHECK_WORK - 1 = 999,999 re-checks, or every line while
    lines + 1 <= LINE_RECHECK_WORK = 5,000,000."""
    from kronconv.equivariance.analysis import _recheck_budget
    from kronconv.semantics.shapes import node_sizes

    arch = _layers({"op": "relu"})
    assert _recheck_budget("auto", arch, node_sizes(arch, 1), lines) == budget


def test_rechecks_lists_each_counterexample_once_and_counts_the_derived_classes() -> None:
    """_rechecks: the refuted classes with a re-checked counterexample, those without a
    re-check, and the refuted classes with no counterexample of their own; the budget is
    'all' from 2^62 up, else the number."""
    from kronconv.equivariance.analysis import _rechecks
    from kronconv.equivariance.results import Counterexample, ShiftVerdict

    def example(v: int, by: str) -> Counterexample:
        x = np.zeros((1, 4))
        return Counterexample((v,), x, x, x, None, 0, None, by)

    verdicts = [ShiftVerdict((0,), "respected", (0,)),
                ShiftVerdict((1,), "not-respected", None, "", example(1, "reference")),
                ShiftVerdict((2,), "not-respected", None, "", example(2, "")),
                ShiftVerdict((3,), "not-respected"),
                ShiftVerdict((5,), "not-respected"),
                ShiftVerdict((4,), "unknown", None, "", example(4, "reference")),
                ShiftVerdict((6,), "not-respected", None, "", example(6, "reference"))]
    assert _rechecks(verdicts, 7) == {"budget": 7, "rechecked": [[1], [6]],
                                      "not_rechecked": [[2]],
                                      "classes_without_own_counterexample": 2}
    assert _rechecks([], 1 << 62)["budget"] == "all"
    assert _rechecks([], (1 << 62) - 1)["budget"] == (1 << 62) - 1


def test_screening_takes_every_class_up_to_screen_work_then_the_lines() -> None:
    """_screened: 4 classes x draws x 10 multiply-adds (a 1-tap conv on 10 entries, H of period
    5): every nonzero class while that is at most SCREEN_WORK = 10^9, else the lines."""
    from kronconv.equivariance.analysis import SCREEN_WORK, _screened
    from kronconv.equivariance.shifts import ShiftGroup

    arch = _conv(kernel_size=1)
    group = ShiftGroup((10,), (10,), (5,), ())
    assert SCREEN_WORK == 4 * 25_000_000 * 10
    assert _screened(arch, group, 25_000_000) == [(1,), (2,), (3,), (4,)]
    assert _screened(arch, group, 25_000_001) == [(1,)]
    assert _screened(arch, ShiftGroup((10,), (10,), (1,), ()), 10**9) == []


def test_restriction_only_past_restrict_work_and_only_for_every_weight() -> None:
    """_restriction: two 1-tap convs (1 -> 2 -> 1 channels) cost 4 N multiply-adds; at
    N = 25,000,000 that is RESTRICT_WORK exactly: kept whole; one entry more: restricted.
    Never for given or random weights, nor when z3 runs."""
    from kronconv.equivariance.analysis import RESTRICT_WORK, _restriction

    arch = _layers({"op": "conv", "kernel_size": 1, "out_channels": 2},
                   {"op": "conv", "kernel_size": 1, "out_channels": 1})
    assert RESTRICT_WORK == 4 * 25_000_000
    assert _restriction(arch, (25_000_000,), "symbolic", False) is None
    assert _restriction(arch, (25_000_001,), "symbolic", False) is not None
    assert _restriction(arch, (25_000_001,), "random", False) is None
    assert _restriction(arch, (25_000_001,), "symbolic", True) is None


def _two_channel_padded() -> Any:
    return _layers({"op": "conv", "kernel_size": 3, "padding": 1}, in_channels=2)


@pytest.mark.parametrize(("size", "prove", "small"), [
    (128, "auto", True),  # 2 channels x 128 = 256 = PROVE_SIZE
    (129, "auto", False),  # 258
    (257, "auto", False),  # one channel: 257
    (4, "never", False),
    (129, "always", True),
])
def test_z3_runs_up_to_prove_size_channels_times_positions(size: int, prove: str,
                                                          small: bool) -> None:
    from kronconv.equivariance.analysis import analyze_equivariance

    arch = _conv(kernel_size=3, padding=1) if size == 257 else _two_channel_padded()
    result = analyze_equivariance(arch, size, weights="random",
                                  recheck_mode="none", regions=False, prove=prove)
    assert result.checks["z3_at_this_size"] is small


def test_the_result_records_its_question_inputs_and_sizes() -> None:
    """Every field of the answer for a stride-2 circular conv on 12 entries: random weights
    (seed 5) or given ones (no seed), the calculus' generators, the total stride 2."""
    from kronconv.equivariance.analysis import analyze_equivariance
    from kronconv.semantics import random_weights

    arch = _conv(kernel_size=3, padding=1, padding_mode="circular", stride=2)
    result = analyze_equivariance(arch, 12, weights="random", seed=5, name="strided",
                                  prove="never")
    assert (result.name, result.size, result.output_size, result.question, result.weights,
            result.seed, result.total_stride, result.method) == (
        "strided", (12,), (6,), "these-weights", "random", 5, (2,), "calculus")
    assert result.generators == (((2,), (1,)),) and result.proofs == ()
    assert result.notes == () and result.checks["rlimit"] > 0
    assert result.respected == {(v,): (v // 2,) for v in range(0, 12, 2)}
    assert result.checks["numeric"]["draws"] == [5]
    given = analyze_equivariance(arch, 12, given=random_weights(arch, 5), seed=5, prove="never")
    assert (given.seed, given.weights, given.question) == (None, "given", "these-weights")
    assert given.checks["numeric"]["draws"] == [None]
    assert given.respected == result.respected


def test_group_evidence_states_what_was_checked_and_proved() -> None:
    """The respected class's evidence: the order and period of H, its generators, how many
    members were checked exactly on how many draws, then what z3 did."""
    from kronconv.equivariance.analysis import analyze_equivariance

    head = ("shift calculus (rules proved for every size): the {} multiples of the period {}, "
            "generators {}; exact check (exact) of {} of them on {} weight draw(s) x 1 random "
            "input; ")
    padded = analyze_equivariance(_conv(kernel_size=3, padding=1), 8, weights="random", seed=3)
    assert padded.verdicts[0].evidence == head.format(1, [8], "none", 0, 1) + \
        "only the zero shift (nothing to prove)"
    strided = _conv(kernel_size=3, padding=1, padding_mode="circular", stride=2)
    proved = analyze_equivariance(strided, 12, weights="random", seed=0)
    assert proved.verdicts[0].evidence == head.format(6, [2], "[2]->[1]", 3, 1) + \
        "proof: z3 unsat for every generator at this size"
    assert [r.proved for r in proved.proofs] == [True]
    assert proved.checks["numeric"]["respected_shifts_checked"] == [[2], [4], [6]]
    sampled = analyze_equivariance(strided, 12, seed=0, prove="never")
    assert sampled.verdicts[0].evidence == head.format(6, [2], "[2]->[1]", 3, 3) + \
        "z3 not run at this size (randomized check only)"
    assert sampled.checks["numeric"]["draws"] == [0, 1, 2]
    tiny = analyze_equivariance(strided, 12, seed=0, rlimit=1)
    assert tiny.verdicts[0].evidence.endswith(
        "; z3 INCONCLUSIVE at this size (" + tiny.proofs[0].reason + "): not proved here")
    assert tiny.proofs[0].reason


def test_draws_and_rlimit_bounds() -> None:
    """draws: 2 to 12 for every weight (two draws at least), 1 to 12 otherwise; rlimit >= 1."""
    from kronconv.equivariance.analysis import analyze_equivariance

    arch = _conv(kernel_size=3, padding=1, padding_mode="circular")
    assert analyze_equivariance(arch, 4, draws=2).checks["numeric"]["draws"] == [0, 1]
    assert len(analyze_equivariance(arch, 4, draws=12).checks["numeric"]["draws"]) == 12
    for size, options in ((4, {"draws": 13}), (4, {"draws": 13, "weights": "random"}),
                          (4, {"draws": 0, "weights": "random"}), (4, {"rlimit": 0}),
                          (300, {"rlimit": 0, "prove": "never"})):  # refused though z3 won't run
        key = "rlimit" if "rlimit" in options else "draws"
        with pytest.raises(InvalidParameterError, match=rf"^{key}={options[key]} is invalid"):
            analyze_equivariance(arch, size, **options)  # type: ignore[arg-type]
    for name, value in (("weights", "all"), ("prove", "yes"), ("recheck_mode", "some")):
        with pytest.raises(InvalidParameterError, match=rf"{name.split('_')[0]}='?{value}"):
            analyze_equivariance(arch, 4, **{name: value})  # type: ignore[arg-type]


def test_the_calculus_walk_is_refused_past_ten_million_steps() -> None:
    """sum of the input sizes x nodes: 6,000,000 x 2 = 1.2e7 steps, over 10^7."""
    from kronconv.equivariance.analysis import analyze_equivariance
    from kronconv.errors import ResourceLimitError

    with pytest.raises(ResourceLimitError, match=r"the shift calculus over 2 nodes needs about "
                       r"1\.2e\+07 steps, over the work limit of 1e\+07"):
        analyze_equivariance(_conv(kernel_size=1), 6_000_000)


def _dead() -> Any:
    """conv - conv of the same node: 0 for every input and every weight."""
    from kronconv.specs.architecture import parse_architecture

    return parse_architecture({"dims": 1, "nodes": [
        {"id": "x", "op": "input"},
        {"id": "c", "op": "conv", "inputs": ["x"], "kernel_size": 3, "padding": 1},
        {"id": "s", "op": "sub", "inputs": ["c", "c"]}], "output": "s"}, source="<test>")


def test_no_live_draw_leaves_every_class_unknown_with_a_note(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A network whose output never depends on its input: none of the 12 draws is live, so no
    class outside H can be refuted (a note says so); one random draw is no such note."""
    from kronconv.equivariance import analysis, screening

    calls: list[int] = []
    original = screening.random_weights
    monkeypatch.setattr(screening, "random_weights",
                        lambda arch, seed: calls.append(seed) or original(arch, seed))
    result = analysis.analyze_equivariance(_dead(), 6, seed=4)
    assert calls == list(range(4, 16))
    assert result.notes == ("only 0 of 12 weight draws keep the output input-dependent: the "
                            "classes outside H cannot be refuted with them",)
    assert [v.status for v in result.verdicts] == ["respected"] + ["unknown"] * 5
    assert result.checks["numeric"]["draws"] == []
    assert analysis.analyze_equivariance(_dead(), 6, weights="random").notes == ()


def test_a_partial_recheck_budget_rechecks_the_first_classes(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """With a budget of 3 the first three refuted classes are re-checked by the reference, the
    other four say so and name the budget."""
    from kronconv.equivariance import analysis

    monkeypatch.setattr(analysis, "_recheck_budget", lambda *args: 3)
    result = analysis.analyze_equivariance(_conv(kernel_size=3, padding=1), 8,
                                           weights="random", regions=False)
    rechecks = result.checks["rechecked_by_reference"]
    assert rechecks["rechecked"] == [[1], [2], [3]]
    assert rechecks["not_rechecked"] == [[4], [5], [6], [7]]
    assert all("(its budget: 3)" in v.evidence for v in result.verdicts[4:])


def test_counterexamples_hold_on_the_reference_engine() -> None:
    """Every counterexample: f(x) and f(T_v x) as the naive reference computes them, with its
    own weights and draw, T_v f(x) as the expected output, and f(T_v x) no shift of f(x); the
    class, its members and the natural output shift v M / N of its region."""
    from kronconv.equivariance.analysis import analyze_equivariance
    from kronconv.semantics.reference import reference_evaluate

    for arch, size, period, options in [
            (_conv(kernel_size=3, padding=1), 8, (8,), {}),
            (_layers({"op": "conv", "kernel_size": 3, "padding": 1, "out_channels": 2,
                      "padding_mode": "circular"}, {"op": "relu"},
                     {"op": "maxpool", "kernel_size": 2, "stride": 2}), 8, (2,),
             {"weights": "random", "seed": 2})]:
        result = analyze_equivariance(arch, size, recheck_mode="none", **options)
        refuted = result.with_status("not-respected")
        assert refuted
        for verdict in refuted:
            cx = verdict.counterexample
            assert cx is not None and cx.shift == verdict.shift and cx.weights is not None
            assert cx.weights_seed in result.checks["numeric"]["draws"]
            assert np.array_equal(cx.output, reference_evaluate(arch, cx.input, cx.weights))
            moved = np.roll(cx.input, verdict.shift, axis=1)
            assert np.array_equal(cx.shifted_output,
                                  reference_evaluate(arch, moved, cx.weights))
            u = tuple(v * m // n for v, m, n in zip(verdict.shift, result.output_size,
                                                   result.size, strict=True))
            assert np.array_equal(cx.expected_output, np.roll(cx.output, u, axis=1))
            assert all(not np.array_equal(cx.shifted_output, np.roll(cx.output, w, axis=1))
                       for w in range(result.output_size[0]))
            assert verdict.region_shift == u and verdict.output_shift is None
            assert verdict.period == period and verdict.members == len(result.respected)


def _samples_of(arch: Any, size: int, count: int = 1) -> list[Any]:
    """``count`` copies of the random-weights sample (seed 0) of ``arch`` at ``size``."""
    from kronconv.equivariance.analysis import _samples
    from kronconv.semantics import get_backend

    return _samples(arch, (size,), "random", 0, None, 1, get_backend("exact")) * count


@pytest.mark.parametrize(("in_channels", "size", "computed"), [
    (1, 1024, True), (1, 1025, False), (2, 512, True), (2, 513, False)])
def test_impulses_up_to_impulse_size_channels_times_positions(
        monkeypatch: pytest.MonkeyPatch, in_channels: int, size: int, computed: bool) -> None:
    """_impulse_responses: one impulse per input entry (C N of them) while C N <= 1024."""
    from kronconv.equivariance import analysis
    from kronconv.semantics import get_backend

    monkeypatch.setattr(analysis, "_work", lambda arch, sizes: 1)
    arch = _layers({"op": "relu"}, in_channels=in_channels)
    found = analysis._impulse_responses(arch, _samples_of(arch, size), get_backend("exact"))
    assert (found is not None) is computed
    if found is not None:
        assert len(found) == 1 and found[0].shape == (in_channels * size, in_channels, size)


@pytest.mark.parametrize(("work", "samples", "computed"), [
    (50_000_000, 1, True),  # 4 impulses x 1 sample x 5e7 = 2e8 = IMPULSE_WORK
    (50_000_001, 1, False),
    (25_000_000, 2, True),
    (25_000_001, 2, False),
    (1, 0, False),  # no sample: nothing to respond
    (200_000_001, -1, False),  # one impulse (1 entry) x 1 sample: 200,000,001 > IMPULSE_WORK
])
def test_impulses_while_their_evaluations_fit_in_impulse_work(
        monkeypatch: pytest.MonkeyPatch, work: int, samples: int, computed: bool) -> None:
    from kronconv.equivariance import analysis
    from kronconv.semantics import get_backend

    monkeypatch.setattr(analysis, "_work", lambda arch, sizes: work)
    arch = _conv(kernel_size=3, padding=1)
    inputs = _samples_of(arch, 1) if samples < 0 else _samples_of(arch, 4, samples)
    found = analysis._impulse_responses(arch, inputs, get_backend("exact"))
    assert (found is not None) is computed
    if found is not None:
        assert len(found) == samples


def test_impulse_responses_and_their_shifts_match_the_reference() -> None:
    """f(e_p) for every impulse p of a two-channel 2-D input, and f(T_v e_p) read from them by
    _impulses_shifted, both as the naive reference engine computes them."""
    from kronconv.equivariance import analysis
    from kronconv.semantics import get_backend
    from kronconv.semantics.reference import reference_evaluate

    arch = _layers({"op": "conv", "kernel_size": [3, 2], "padding": [1, [0, 1]],
                    "out_channels": 2}, {"op": "relu"}, dims=2, in_channels=2)
    sample = analysis._samples(arch, (3, 4), "random", 1, None, 1, get_backend("exact"))[0]
    (responses,) = analysis._impulse_responses(arch, [sample], get_backend("exact")) or [None]
    eye = np.eye(24, dtype=np.int64).reshape(24, 2, 3, 4)
    for p in (0, 5, 13, 23):
        assert np.array_equal(responses[p], reference_evaluate(arch, eye[p], sample.weights))
    for v in [(1, 0), (0, 3), (2, 1)]:
        shifted = analysis._impulses_shifted(responses, (2, 3, 4), v)
        for p in (0, 7, 18):
            moved = np.roll(eye[p], v, axis=(1, 2))
            assert np.array_equal(shifted[p], reference_evaluate(arch, moved, sample.weights))


def test_agreement_regions_are_exact_at_a_size_z3_does_not_run() -> None:
    """A zero-padded 3-tap conv on 300 entries (impulses, no z3): the region of shift v is the
    set of outputs i whose window and whose window v back both lie inside, 1 <= i, i - v <= 298;
    its evidence claims no proof. (Every weight: one draw of seed 0 has a zero tap, which
    widens its own region; the positive draw |w| + 1 has none.)"""
    from kronconv.equivariance.analysis import analyze_equivariance

    result = analyze_equivariance(_conv(kernel_size=3, padding=1), 300, recheck_mode="none")
    assert not result.checks["z3_at_this_size"]
    for verdict in result.verdicts[1:]:
        (v,) = verdict.shift
        expected = [1 <= i <= 298 and 1 <= (i - v) % 300 <= 298 for i in range(300)]
        assert verdict.region is not None and verdict.region.tolist() == expected, v
        assert "agreement region" not in verdict.evidence


def test_agreement_regions_are_proved_inside_only_when_asked_and_not_empty() -> None:
    """prove="always": the non-empty regions are proved by z3 and say so; an empty one (a 5-tap
    conv with zero padding 2 on 8 entries: outputs 2..5 are clean, and 4 back of them none
    is) and every region under prove="auto" claim nothing."""
    from kronconv.equivariance.analysis import analyze_equivariance

    arch = _conv(kernel_size=5, padding=2)
    always = analyze_equivariance(arch, 8, prove="always")
    claims = "; agreement region proved by z3 inside, refuted by samples outside"
    for verdict in always.verdicts[1:]:
        (v,) = verdict.shift
        expected = [2 <= i <= 5 and 2 <= (i - v) % 8 <= 5 for i in range(8)]
        assert verdict.region is not None and verdict.region.tolist() == expected
        assert verdict.evidence.endswith(claims) is any(expected), v
    assert not any(always.verdicts[4].region)  # type: ignore[arg-type]
    starved = analyze_equivariance(arch, 8, prove="always", rlimit=1, draws=2)
    assert starved.verdicts[1].evidence.endswith(
        "; agreement region unknown by z3 inside, refuted by samples outside")
    auto = analyze_equivariance(arch, 8)
    assert all("agreement region" not in v.evidence for v in auto.verdicts)
    assert [v.region.tolist() for v in auto.verdicts[1:]] == [  # type: ignore[union-attr]
        v.region.tolist() for v in always.verdicts[1:]]  # type: ignore[union-attr]


# -- the lemmas: every hypothesis and step, evaluated at integer points against the module doc --
def _strided_point(s: int, m: int, i: int, w: int, c: int, wrong: bool) -> dict[str, int]:
    n, u = s * m, w + 1 if wrong else w
    q1, r1 = divmod(s * i + c - s * w, n)
    q2, r2 = divmod(i - u, m)
    q3, r3 = divmod(s * r2 + c, n)
    return {"s": s, "m": m, "i": i, "w": w, "c": c, "q1": q1, "r1": r1, "q2": q2, "r2": r2,
            "q3": q3, "r3": r3}


def _strided_doc(p: dict[str, int], wrong: bool) -> tuple[bool, list[bool]]:
    """Output i of T_(s w) x reads (s i + c - s w) mod N; output (i - u) mod M of x reads
    (s ((i - u) mod M) + c) mod N, N = s M; remainders by their quotients."""
    s, m, i, w, c = p["s"], p["m"], p["i"], p["w"], p["c"]
    n, u = s * m, w + 1 if wrong else w
    hyps = (s >= 1 and m >= 1 and 0 <= i < m
            and p["r1"] == s * i + c - s * w - n * p["q1"] and 0 <= p["r1"] < n
            and p["r2"] == i - u - m * p["q2"] and 0 <= p["r2"] < m
            and p["r3"] == s * p["r2"] + c - n * p["q3"] and 0 <= p["r3"] < n)
    return hyps, [p["r1"] == p["r3"]]


def _whole_point(n: int, v: int, t1: int, t2: int, wrong: bool) -> dict[str, int]:
    q1, r1 = divmod(t1 - v, n)
    q2, r2 = divmod(t2 - v, n)
    return {"n": n, "v": v, "t1": t1, "t2": t2, "q1": q1, "r1": r1, "q2": q2, "r2": r2}


def _whole_doc(p: dict[str, int], wrong: bool) -> tuple[bool, list[bool]]:
    """t -> (t - v) mod N on a window of N entries (the twin: N - 1): equal images come from
    equal taps, and every image lies in the window."""
    n, size = p["n"], p["n"] - 1 if wrong else p["n"]
    hyps = (n >= 1 and 0 <= p["t1"] < size and 0 <= p["t2"] < size
            and p["r1"] == p["t1"] - p["v"] - n * p["q1"] and 0 <= p["r1"] < n
            and p["r2"] == p["t2"] - p["v"] - n * p["q2"] and 0 <= p["r2"] < n
            and p["r1"] == p["r2"])
    return hyps, [p["t1"] == p["t2"] and p["r1"] < size]


def _unpool_point(s: int, m: int, i: int, w: int, t: int, wrong: bool) -> dict[str, int]:
    q1, r1 = divmod(s * i + t - s * w, s * m)
    q2, r2 = divmod(i - w, m)
    return {"s": s, "m": m, "i": i, "w": w, "t": t, "q1": q1, "r1": r1, "q2": q2, "r2": r2}


def _unpool_doc(p: dict[str, int], wrong: bool) -> tuple[bool, list[bool]]:
    """Entry s i + t of window i (0 <= t < s; the twin lets t reach s) of T_(s w) x is entry
    s ((i - w) mod M) + t of x."""
    s, m, i, w, t = p["s"], p["m"], p["i"], p["w"], p["t"]
    hyps = (s >= 1 and m >= 1 and 0 <= i < m and t >= 0 and (t <= s if wrong else t < s)
            and p["r1"] == s * i + t - s * w - s * m * p["q1"] and 0 <= p["r1"] < s * m
            and p["r2"] == i - w - m * p["q2"] and 0 <= p["r2"] < m)
    return hyps, [p["r1"] == s * p["r2"] + t]


def _upsample_point(f: int, n: int, j: int, w: int, wrong: bool) -> dict[str, int]:
    shift = f * w + (1 if wrong else 0)
    a, b = divmod(j, f)
    q1, r1 = divmod(j - shift, f * n)
    a2, b2 = divmod(r1, f)
    q3, r3 = divmod(a - w, n)
    return {"f": f, "n": n, "j": j, "w": w, "a": a, "b": b, "q1": q1, "r1": r1, "a2": a2,
            "b2": b2, "q3": q3, "r3": r3}


def _upsample_doc(p: dict[str, int], wrong: bool) -> tuple[bool, list[bool]]:
    """Entry j of upsample(T_w x) is x[(floor(j / f) - w) mod N]; entry j of T_(f w)
    upsample(x) is x[floor(((j - f w) mod f N) / f)] (the twin shifts by f w + 1)."""
    f, n, j, w = p["f"], p["n"], p["j"], p["w"]
    shift = f * w + (1 if wrong else 0)
    rest = f * p["r3"] + p["b"]
    hyps = (f >= 1 and n >= 1 and 0 <= j < f * n and j == f * p["a"] + p["b"]
            and 0 <= p["b"] < f and p["r1"] == j - shift - f * n * p["q1"]
            and 0 <= p["r1"] < f * n and p["r1"] == f * p["a2"] + p["b2"] and 0 <= p["b2"] < f
            and p["r3"] == p["a"] - w - n * p["q3"] and 0 <= p["r3"] < n)
    return hyps, [j - shift == f * n * p["q3"] + rest, 0 <= rest < f * n, p["r1"] == rest,
                  p["a2"] == p["r3"]]


LEMMA_POINTS: dict[str, tuple[Any, Any, list[tuple[int, ...]]]] = {
    "strided-window": (_strided_point, _strided_doc, [
        (1, 1, 0, 0, 0), (2, 3, 0, 1, -1), (2, 3, 2, 5, 4), (3, 2, 1, -1, 2), (1, 4, 3, 2, 0),
        (2, 3, 3, 0, 0), (2, 3, -1, 0, 0)]),  # i = m and i = -1: outside
    "whole-window": (_whole_point, _whole_doc, [
        (1, 0, 0, 0), (4, 1, 0, 3), (4, 5, 2, 2), (3, -2, 2, 1), (5, 3, 4, 4), (4, 1, 4, 0),
        (4, 1, -1, 3), (4, 1, 0, 4), (4, 1, 3, -1),  # a tap at N or -1, the same image
        (4, 1, 3, 3)]),  # t1 = N - 1: outside the twin's window
    "maxunpool": (_unpool_point, _unpool_doc, [
        (1, 1, 0, 0, 0), (2, 3, 1, 1, 1), (3, 2, 1, -1, 2), (2, 4, 3, 5, 0), (3, 3, 0, 2, 3),
        (3, 3, 0, 2, 4), (2, 3, 3, 0, 0), (2, 3, 0, 0, -1)]),  # t = s + 1, i = m, t = -1
    "upsample": (_upsample_point, _upsample_doc, [
        (1, 1, 0, 0), (2, 3, 5, 1), (3, 2, 4, -1), (2, 2, 0, 3), (3, 3, 8, 2), (2, 3, 6, 1),
        (2, 3, -1, 0)]),  # j = f N and j = -1: outside
}


def _around(point: dict[str, int]) -> list[dict[str, int]]:
    """The point, and each variable moved by -1 and +1 (the boundaries of every comparison)."""
    return [point] + [{**point, k: point[k] + d} for k in point for d in (-1, 1)]


def _holds(formula: Any, point: dict[str, int]) -> bool:
    import z3

    pairs = [(z3.Int(k), z3.IntVal(v)) for k, v in point.items()]
    value = z3.simplify(z3.substitute(formula, *pairs))
    assert z3.is_true(value) or z3.is_false(value), value
    return z3.is_true(value)


@pytest.mark.parametrize("wrong", [False, True])
@pytest.mark.parametrize("rule", sorted(LEMMA_POINTS))
def test_each_rule_states_the_documented_index_identity(rule: str, wrong: bool) -> None:
    """At integer points where every remainder is right, and at each variable moved by one, the
    rule's hypotheses and each of its steps hold exactly when the module doc's statement (in
    plain integer arithmetic) does; the twin likewise."""
    import z3

    from kronconv.equivariance.lemmas import RULES

    make, doc, bases = LEMMA_POINTS[rule]
    hypotheses, steps = RULES[rule](wrong)
    for base in bases:
        for point in _around(make(*base, wrong)):
            expected_hyps, expected_steps = doc(point, wrong)
            assert _holds(z3.And(*hypotheses), point) is expected_hyps, point
            assert [_holds(step, point) for step in steps] == expected_steps, point


def test_the_pointwise_rule_and_its_twin() -> None:
    """g(x(i - v)) = g(x(i - v)): proved with no hypothesis; the twin compares with
    g(x(i - v - 1)), which an uninterpreted g does not force."""
    import z3

    from kronconv.equivariance.lemmas import RULES

    i, v = z3.Ints("i v")
    x = z3.Function("x", z3.IntSort(), z3.RealSort())
    g = z3.Function("g", z3.RealSort(), z3.RealSort())
    for wrong, other in ((False, g(x(i - v))), (True, g(x(i - v - 1)))):
        hypotheses, (step,) = RULES["pointwise"](wrong)
        assert hypotheses == []
        solver = z3.Solver()
        solver.add(step != (g(x(i - v)) == other))
        assert solver.check() == z3.unsat


def test_mod_is_the_remainder_with_its_quotient() -> None:
    """_mod(a, n, r, q): r = a - n q with 0 <= r < n: only the true remainder satisfies it."""
    import z3

    from kronconv.equivariance.lemmas import _mod

    r, q = z3.Ints("r q")
    for a, n in ((7, 3), (-1, 3), (6, 3), (0, 1)):
        for guess in range(-2, 5):
            constraints = _mod(z3.IntVal(a), z3.IntVal(n), r, q)
            solver = z3.Solver()
            solver.add(*constraints, r == guess)
            assert (solver.check() == z3.sat) is (guess == a % n), (a, n, guess)


def test_rule_checks_name_their_steps_and_stop_at_the_first_unproved_one() -> None:
    """A rule of one step is named after the rule; of several, after the step that answered:
    the last when all are proved, the first one not proved otherwise (later steps are not
    tried). The twins run when asked; ok needs the rule proved and the twin not."""
    import z3

    from kronconv.engines.smt import SmtResult
    from kronconv.equivariance.lemmas import RULES, RuleCheck, check_rules

    (single, steps) = check_rules(rules={"pointwise": RULES["pointwise"],
                                         "upsample": RULES["upsample"]}, twins=True)
    assert (single.result.name, single.result.status) == ("pointwise", "proved")
    assert single.twin.name == "pointwise (wrong twin)" and single.twin.status != "proved"
    assert (steps.result.name, steps.result.status) == ("upsample step 4", "proved")
    assert steps.twin.name == "upsample (wrong twin) step 1"
    a = z3.Int("a")
    tried: list[bool] = []

    def three_steps(wrong: bool) -> tuple[list[Any], list[Any]]:
        tried.append(wrong)
        return [a >= 0], [a >= 0, a >= 1 if wrong else a >= -1, a >= 5]

    (check,) = check_rules(rules={"toy": three_steps}, twins=True)
    assert (check.result.name, check.result.status) == ("toy step 3", "counterexample")
    assert (check.twin.name, check.twin.status) == ("toy (wrong twin) step 2", "counterexample")
    assert sorted(tried) == [False, True]

    def result(status: str) -> SmtResult:
        return SmtResult("r", status, 0.0)

    assert [RuleCheck("r", result(a_), result(b_)).ok for a_, b_ in [
        ("proved", "counterexample"), ("proved", "unknown"), ("proved", "proved"),
        ("unknown", "counterexample")]] == [True, True, False, False]


# -- screening: exact and float comparison, matching shifts, live draws --------------------------
def test_close_is_equality_or_a_relative_tolerance_of_1e_9() -> None:
    """exact: ==; float: |a - b| <= 1e-9 (1 + max |a|, |b|), on the largest magnitude of
    either array (0 for an empty one)."""
    from kronconv.equivariance.screening import close

    a = np.array([1, 2, 3])
    assert close(a, np.array([1, 0, 3]), True).tolist() == [True, False, True]
    cases = [([0.0], [1e-9], True), ([0.0], [1.2e-9], False), ([0.0], [2e-9], False),
             ([1e9], [1e9 + 1], True), ([1e9], [1e9 + 3], False), ([-1e9], [-1e9 - 1], True),
             ([0.5, -3.0], [0.5, -3.0 + 3.9e-9], True), ([0.5, -3.0], [0.5, -3.0 + 4.1e-9],
                                                           False),
             ([1e9 + 1, 0.0], [1e9, 0.0], True)]
    for x, y, ok in cases:
        assert close(np.array(x), np.array(y), False).all() is np.bool_(ok), (x, y)
    assert close(np.array([0.0, 4e-9]), np.array([1e-9, 0.0]), False).tolist() == [True, False]
    assert close(np.zeros(0), np.zeros(0), False).shape == (0,)


def test_numeric_backend_is_float_only_for_transcendental_ops() -> None:
    from kronconv.equivariance.screening import numeric_backend

    assert numeric_backend(_conv(kernel_size=3)).name == "exact"
    assert numeric_backend(_layers({"op": "conv", "kernel_size": 3}, {"op": "relu"})
                           ).name == "exact"
    for op in ("tanh", "sigmoid", "gelu", "silu"):
        assert numeric_backend(_layers({"op": "conv", "kernel_size": 3}, {"op": op})
                               ).name == "float", op


def test_matching_shifts_on_constant_and_one_dimensional_outputs() -> None:
    """A constant output (per channel) is matched by every shift when z is the same constant,
    by none otherwise; a 1-D roll by exactly one shift; a float output within the tolerance."""
    from kronconv.equivariance.screening import matching_shifts

    constant = np.array([[1, 1, 1, 1], [2, 2, 2, 2]])
    assert matching_shifts(constant, constant, True) == [(0,), (1,), (2,), (3,)]
    assert matching_shifts(constant, constant + 1, True) == []
    assert matching_shifts(constant, np.array([[1, 1, 1, 0], [2, 2, 2, 2]]), True) == []
    assert matching_shifts(constant, constant[::-1], True) == []
    mixed = np.array([[1, 1, 1, 1], [2, 3, 2, 2]])
    assert matching_shifts(mixed, np.roll(mixed, 2, axis=1), True) == [(2,)]
    y = np.arange(7)[None] ** 2
    for u in range(7):
        assert matching_shifts(y, np.roll(y, u, axis=1), True) == [(u,)]
    assert matching_shifts(y, np.roll(y, 1, axis=1) + (np.arange(7) == 6), True) == []
    real = y.astype(float) * 1e3
    assert matching_shifts(real, np.roll(real, 3, axis=1) + 1e-7, False) == [(3,)]
    assert matching_shifts(real, np.roll(real, 3, axis=1) + 1e-3, False) == []
    periodic = np.tile(np.array([[[1, 5], [2, 7]]]), (1, 2, 3))  # periods 2 and 2
    assert matching_shifts(periodic, periodic, True) == [(0, 0), (0, 2), (0, 4), (2, 0), (2, 2),
                                                         (2, 4)]


def test_live_weights_skip_dead_draws() -> None:
    """Seed 5 (positive) is live, seed 6 draws the zero kernel, whose output is the bias alone
    (dead): skipped; seed 7 (positive) is live. Asking for one draw takes the first only; at
    most ``tries`` seeds are tried."""
    from kronconv.equivariance.screening import live_weights
    from kronconv.semantics import get_backend, random_weights

    arch = _conv(kernel_size=3, padding=1)
    assert not random_weights(arch, 6)["conv0"]["weight"].any()
    draws = live_weights(arch, (6,), 5, 2, get_backend("exact"))
    assert [seed for seed, _ in draws] == [5, 7]
    for name, signed in random_weights(arch, 7)["conv0"].items():  # offset 2: positive
        assert (draws[1][1]["conv0"][name] == np.abs(signed) + 1).all()
    assert [seed for seed, _ in live_weights(arch, (6,), 5, 1, get_backend("exact"))] == [5]
    for tries, seeds in ((1, [5]), (2, [5]), (3, [5, 7])):
        found = live_weights(arch, (6,), 5, 2, get_backend("exact"), tries=tries)
        assert [seed for seed, _ in found] == seeds


def test_a_class_left_after_screening_is_refuted_by_an_impulse_first() -> None:
    """Seed 515's only input is 3-periodic on 6 entries, so screening cannot refute shift 3;
    the impulses are tried next (computed then, without regions), before more random inputs:
    the counterexample is the impulse e_0, and it holds on the reference engine."""
    from kronconv.equivariance.analysis import analyze_equivariance
    from kronconv.semantics.reference import reference_evaluate

    arch = _conv(kernel_size=3, padding=1)
    result = analyze_equivariance(arch, 6, weights="random", seed=515, regions=False,
                                  recheck_mode="none")
    (three,) = [v for v in result.verdicts if v.shift == (3,)]
    cx = three.counterexample
    assert cx is not None and cx.weights is not None and cx.weights_seed == 515
    assert cx.input.tolist() == [[1, 0, 0, 0, 0, 0]]
    assert np.array_equal(cx.output, reference_evaluate(arch, cx.input, cx.weights))
    assert np.array_equal(cx.shifted_output,
                          reference_evaluate(arch, np.roll(cx.input, 3, axis=1), cx.weights))
    assert np.array_equal(cx.expected_output, np.roll(cx.output, 3, axis=1))


def test_an_unscreened_class_without_a_refuted_multiple_is_unknown() -> None:
    """_by_group_law with no refuted prime-order multiple: unknown, naming the multiples."""
    from kronconv.equivariance.analysis import _by_group_law

    verdict = _by_group_law(_quotient((6,)), (1,), {})
    assert (verdict.status, verdict.output_shift, verdict.counterexample) == ("unknown", None,
                                                                              None)
    assert verdict.evidence == ("not screened (more than SCREEN_WORK multiply-adds for every "
                                "class), and none of its prime-order multiples [[3], [2]] is "
                                "refuted")
    assert (verdict.period, verdict.members) == ((6,), 2)
    refuted = _by_group_law(_quotient((6,)), (5,), {(2,): None})  # type: ignore[dict-item]
    assert refuted.status == "not-respected" and (refuted.period, refuted.members) == ((6,), 2)
    assert "so would be 4 v = [2] mod [6]" in refuted.evidence  # 5 * 4 = 20 = 2 mod 6
    assert refuted.counterexample is None and refuted.region is None
    itself = _by_group_law(_quotient((6,)), (3,), {(3,): None})  # type: ignore[dict-item]
    assert "so would be 1 v = [3] mod [6]" in itself.evidence


def test_a_class_no_sample_refutes_is_unknown_with_the_shifts_it_matched(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A circular conv respects every shift; with a calculus narrowed to the zero shift and no
    z3 (prove="never"), the classes 1, 2, 3 of 4 entries are unknown, each with the output shift
    every input matched, the natural one v, and its sampled agreement region (everywhere)."""
    from kronconv.equivariance import analysis
    from kronconv.equivariance.shifts import ShiftGroup, calculus

    def zero_only(arch: Any, size: Any) -> ShiftGroup:
        group = calculus(arch, size)
        return ShiftGroup(group.size, group.output_size, group.size,
                          tuple(t[:1] + (None,) * (len(t) - 1) for t in group.tables))

    monkeypatch.setattr(analysis, "calculus", zero_only)
    arch = _conv(kernel_size=3, padding=1, padding_mode="circular")
    for weights in ("random", "symbolic"):
        result = analysis.analyze_equivariance(arch, 4, weights=weights, prove="never")
        for s, verdict in enumerate(result.verdicts[1:], start=1):
            assert (verdict.shift, verdict.status, verdict.output_shift) == ((s,), "unknown",
                                                                            (s,))
            assert verdict.evidence == (
                "the calculus does not keep this class, but no sample refutes it (every input "
                f"tried matched output shift(s) [[{s}]])")
            assert (verdict.period, verdict.members, verdict.region_shift) == ((4,), 1, (s,))
            assert verdict.region is not None and verdict.region.all()
        assert result.respected == {(0,): (0,)}


def test_an_unknown_class_keeps_the_shifts_every_sample_matched(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The candidates of a class no sample refutes are the output shifts matched on EVERY
    sample (the intersection): here {1, 2}, then {2}, then {2, 3} give [2]."""
    from kronconv.equivariance import analysis
    from kronconv.equivariance.shifts import ShiftGroup

    calls: list[int] = []

    def matches(y: Any, z: Any, exact: bool) -> list[tuple[int, ...]]:
        calls.append(1)
        return [[(1,), (2,)], [(2,)]][len(calls) // 4] if len(calls) <= 6 else [(2,), (3,)]

    arch = _conv(kernel_size=3, padding=1)
    monkeypatch.setattr(analysis, "calculus", lambda arch, size: ShiftGroup(
        (4,), (4,), (4,), ((0, None, None, None),)))
    monkeypatch.setattr(analysis, "matching_shifts", matches)
    result = analysis.analyze_equivariance(arch, 4, prove="never", regions=False)
    assert len(result.checks["numeric"]["draws"]) == 3
    for verdict in result.verdicts[1:]:
        assert verdict.status == "unknown" and verdict.output_shift == (2,)
        assert verdict.evidence.endswith("matched output shift(s) [[2]])")


@pytest.mark.parametrize(("screen_work", "rechecked"), [(0, True), (10**9, False)])
def test_screened_lines_are_all_rechecked_whatever_the_plain_budget(
        monkeypatch: pytest.MonkeyPatch, screen_work: int, rechecked: bool) -> None:
    """With no plain re-check budget (RECHECK_WORK = 0), "auto" still re-checks every
    counterexample when only the lines were screened (every answer rests on them), and none
    when every class was."""
    from kronconv.catalogue import load_example
    from kronconv.equivariance import analysis

    monkeypatch.setattr(analysis, "RECHECK_WORK", 0)
    monkeypatch.setattr(analysis, "SCREEN_WORK", screen_work)
    result = analysis.analyze_equivariance(load_example("dilated4_zeros"), 8, prove="never",
                                           regions=False)
    rechecks = result.checks["rechecked_by_reference"]
    assert bool(rechecks["rechecked"]) is rechecked
    assert bool(rechecks["not_rechecked"]) is not rechecked


def test_classes_proved_for_these_weights_join_h_as_cosets(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A circular conv on 6 entries with a calculus narrowed to the even shifts (H = {0, 2, 4}):
    z3 proves class 1 for random weights, so the respected shifts are 1 + H = {1, 3, 5} besides
    H, each with output shift r + u(h) mod 6."""
    from kronconv.equivariance import analysis
    from kronconv.equivariance.shifts import ShiftGroup

    monkeypatch.setattr(analysis, "calculus", lambda arch, size: ShiftGroup(
        (6,), (6,), (2,), ((0, None, 2, None, 4, None),)))
    arch = _conv(kernel_size=3, padding=1, padding_mode="circular")
    result = analysis.analyze_equivariance(arch, 6, weights="random", regions=False)
    assert [(v.shift, v.status, v.output_shift) for v in result.verdicts] == [
        ((0,), "respected", (0,)), ((1,), "respected", (1,))]
    assert result.respected == {(v,): (v,) for v in (0, 2, 4, 1, 3, 5)}
    assert list(result.respected) == [(0,), (2,), (4,), (1,), (3,), (5,)]


def test_maxunpool_whose_pool_reads_padding_keeps_only_the_zero_shift():
    """The unpooled values come from a branch that respects every shift (a stride-1 pool), but
    the pool that gives the indices reads its zero padding, so its own shift is undefined: the
    unpool keeps only 0 (an undefined pool shift never equals the values' shift)."""
    from kronconv.equivariance.shifts import calculus
    from kronconv.specs.architecture import parse_architecture

    arch = parse_architecture({"dims": 1, "nodes": [
        {"id": "x", "op": "input"},
        {"id": "p", "op": "maxpool", "inputs": ["x"], "kernel_size": 2, "stride": 2,
         "padding": 1},
        {"id": "q", "op": "maxpool", "inputs": ["x"], "kernel_size": 4, "stride": 1},
        {"id": "u", "op": "maxunpool", "inputs": ["q"], "indices": "p"}], "output": "u"},
        source="<test>")
    assert calculus(arch, 8).tables == ((0, None, None, None, None, None, None, None),)


@pytest.mark.parametrize("count", [1, 3, np.int64(2), np.int32(4)])
def test_live_weights_stop_at_the_count_of_any_integer_type(count) -> None:
    """live_weights returns exactly ``count`` live draws, the first live seeds from 5 on (seed
    6's signed draw has all-zero weights: a constant output, skipped), whatever integer type
    the count has: a NumPy count too."""
    from kronconv.equivariance.screening import live_weights
    from kronconv.semantics import get_backend
    from kronconv.specs.architecture import parse_architecture

    arch = parse_architecture({"dims": 1, "layers": [{"op": "conv", "kernel_size": 3}]})
    draws = live_weights(arch, (6,), 5, count, get_backend("exact"))
    assert [seed for seed, _ in draws] == [5, 7, 8, 9][:int(count)]
