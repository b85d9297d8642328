"""Equivariance at size: the one-channel restriction (its lemma against the full evaluation),
the group-law reduction of the classes to one per subgroup of prime order (against screening
every class), and exact int64 arithmetic that never wraps around. Each with a wrong twin."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from kronconv.catalogue import load_example
from kronconv.equivariance import analysis as eq
from kronconv.equivariance.narrow import embed_input, embed_weights, restriction
from kronconv.equivariance.screening import matching_shifts
from kronconv.equivariance.shifts import ShiftGroup, all_shifts, primes
from kronconv.semantics.backends import get_backend
from kronconv.semantics.evaluate import evaluate
from kronconv.semantics.reference import reference_evaluate
from kronconv.semantics.weights import random_weights
from kronconv.specs.architecture import Architecture, parse_architecture

EXACT = get_backend("exact")


def _wide_with_concat(pointwise: str = "relu") -> Architecture:
    """Two branches of several channels concatenated, a residual add, zero padding."""
    return parse_architecture({"dims": 2, "in_channels": 2, "nodes": [
        {"id": "x", "op": "input"},
        {"id": "a", "op": "conv", "inputs": ["x"], "kernel_size": 3, "padding": 1,
         "out_channels": 3},
        {"id": "ar", "op": pointwise, "inputs": ["a"]},
        {"id": "b", "op": "conv", "inputs": ["x"], "kernel_size": 3, "padding": 2,
         "dilation": 2, "out_channels": 2},
        {"id": "bn", "op": "batchnorm", "inputs": ["b"]},
        {"id": "cat", "op": "concat", "inputs": ["ar", "bn"]},
        {"id": "p", "op": "maxpool", "inputs": ["cat"], "kernel_size": 2, "stride": 2},
        {"id": "c", "op": "conv", "inputs": ["p"], "kernel_size": 1, "out_channels": 4},
        {"id": "d", "op": "conv", "inputs": ["c"], "kernel_size": 3, "padding": 1,
         "out_channels": 4},
        {"id": "sum", "op": "add", "inputs": ["c", "d"]},
        {"id": "up", "op": "upsample", "inputs": ["sum"], "scale_factor": 2,
         "mode": "linear"}], "output": "up"}, source="<test>")


@pytest.mark.parametrize("arch", [_wide_with_concat(), load_example("residual"),
                                  load_example("segnet_like")])
def test_the_restriction_lemma_holds_on_the_full_evaluation(arch: Architecture) -> None:
    found = restriction(arch)
    assert found is not None
    rng = np.random.default_rng(3)
    for seed in (0, 1):
        narrow_w = random_weights(found.arch, seed)
        x = rng.integers(-5, 6, (2, 1, 8, 8))
        narrow = evaluate(found.arch, EXACT.asarray(x), narrow_w, EXACT)
        full = evaluate(arch, embed_input(arch, x), embed_weights(arch, found, narrow_w), EXACT)
        live = list(found.live[arch.output])
        assert np.array_equal(full[:, live], narrow)
        assert not np.delete(full, live, axis=1).any()


def test_a_wrong_live_map_breaks_the_lemma() -> None:
    arch = _wide_with_concat()
    found = restriction(arch)
    assert found is not None and found.live["cat"] == (0, 3)
    wrong = replace(found, live={**found.live, "cat": (0, 1), "p": (0, 1)})  # no offsets
    narrow_w = random_weights(found.arch, 0)
    x = np.random.default_rng(3).integers(-5, 6, (1, 1, 8, 8))
    narrow = evaluate(found.arch, EXACT.asarray(x), narrow_w, EXACT)
    full = evaluate(arch, embed_input(arch, x), embed_weights(arch, wrong, narrow_w), EXACT)
    assert not np.array_equal(full[:, [0]], narrow)


def test_the_restriction_is_refused_where_the_lemma_does_not_apply() -> None:
    assert restriction(_wide_with_concat("sigmoid")) is None  # sigmoid(0) = 1/2
    assert restriction(load_example("dilated4_circular")) is None  # one channel already
    cat = parse_architecture({"dims": 1, "in_channels": 1, "nodes": [
        {"id": "x", "op": "input"},
        {"id": "a", "op": "conv", "inputs": ["x"], "kernel_size": 1, "out_channels": 2},
        {"id": "c", "op": "concat", "inputs": ["a", "x"]},
        {"id": "b", "op": "conv", "inputs": ["x"], "kernel_size": 1, "out_channels": 3},
        {"id": "s", "op": "add", "inputs": ["c", "b"]}], "output": "s"}, source="<test>")
    assert restriction(cat) is None  # live (0, 2) against (0,)


def test_restricted_counterexamples_refute_the_full_architecture(
        monkeypatch: pytest.MonkeyPatch) -> None:
    arch = load_example("residual")
    before = eq.analyze_equivariance(arch, 8)
    monkeypatch.setattr(eq, "RESTRICT_WORK", 0)
    after = eq.analyze_equivariance(arch, 8, prove="never")
    assert after.checks["evaluated_on"].startswith("the one-channel restriction")
    assert after.respected == before.respected
    assert [v.status for v in after.verdicts] == [v.status for v in before.verdicts]
    found = restriction(arch)
    assert found is not None
    axes = (1, 2)
    for verdict in after.with_status("not-respected")[:4]:
        cx = verdict.counterexample
        assert cx is not None and cx.weights is not None
        w = embed_weights(arch, found, cx.weights)
        x = embed_input(arch, cx.input[None])[0]
        both = evaluate(arch, EXACT.asarray(np.stack([x, np.roll(x, cx.shift, axis=axes)])), w,
                        EXACT)
        assert not matching_shifts(both[0], both[1], True)


def test_these_weights_are_never_restricted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(eq, "RESTRICT_WORK", 0)
    result = eq.analyze_equivariance(load_example("residual"), 8, weights="random",
                                     prove="never")
    assert result.checks["evaluated_on"] == "the architecture"


# -- the group law: one class per subgroup of prime order ---------------------------------------
@pytest.mark.parametrize("period", [(16, 16), (4, 4), (6, 4), (12,), (5, 5), (2, 3, 4)])
def test_every_class_has_a_prime_order_multiple_among_the_lines(period: tuple[int, ...]) -> None:
    group = ShiftGroup(period, period, period, ())
    lines = group.lines()
    assert len(set(lines)) == len(lines)
    count = sum((p ** sum(g % p == 0 for g in period) - 1) // (p - 1)
                for p in primes(int(np.prod(period))))
    assert len(lines) == count
    for v in all_shifts(period):
        if any(v):
            multiples = group.prime_multiples(v)
            assert multiples and set(multiples) <= set(lines)
            for w in multiples:  # each is a multiple of v
                assert any(tuple(a * k % g for a, g in zip(v, period, strict=True)) == w
                           for k in range(1, group.order_of(v)))


@pytest.mark.parametrize("name", ["segnet16", "dilated4_zeros", "segnet16_avgpool"])
def test_screening_the_lines_gives_the_answer_of_screening_every_class(
        monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    arch = load_example(name)
    every = eq.analyze_equivariance(arch, 16, prove="never", regions=False)
    monkeypatch.setattr(eq, "SCREEN_WORK", 0)
    lines = eq.analyze_equivariance(arch, 16, prove="never", regions=False)
    assert lines.respected == every.respected
    assert [(v.shift, v.status) for v in lines.verdicts] == \
        [(v.shift, v.status) for v in every.verdicts]
    derived = [v for v in lines.with_status("not-respected") if v.counterexample is None]
    assert all(v.evidence.startswith("group law") for v in derived)


def test_without_refuted_lines_nothing_is_derived(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(eq, "SCREEN_WORK", 0)
    monkeypatch.setattr(eq, "matching_shifts", lambda y, z, exact: [(0, 0)])  # all "match"
    result = eq.analyze_equivariance(load_example("dilated4_zeros"), 8, prove="never",
                                     regions=False)
    assert not result.with_status("not-respected")
    assert all(v.status == "unknown" for v in result.verdicts[1:])


# -- exact int64 never wraps around -------------------------------------------------------------
def _batchnorm_add() -> Architecture:
    return parse_architecture({"dims": 1, "nodes": [
        {"id": "x", "op": "input"},
        {"id": "bn", "op": "batchnorm", "inputs": ["x"]},
        {"id": "s", "op": "add", "inputs": ["bn", "bn"]},
        {"id": "d", "op": "sub", "inputs": ["s", "x"]}], "output": "d"}, source="<test>")


def test_batchnorm_add_and_sub_leave_int64_before_overflowing() -> None:
    arch = _batchnorm_add()
    x = np.array([[[2**61, -(2**61) + 5, 7]]])
    weights = {"bn": {"scale": np.array([3]), "shift": np.array([2**61])}}
    fast = evaluate(arch, EXACT.asarray(x), weights, EXACT)[0]
    assert np.array_equal(fast, reference_evaluate(arch, x[0], weights))
    assert fast[0, 0] == 2 * (3 * 2**61 + 2**61) - 2**61


def test_an_unguarded_int64_sum_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    arch = _batchnorm_add()
    x = np.array([[[2**61, -(2**61) + 5, 7]]])
    weights = {"bn": {"scale": np.array([3]), "shift": np.array([2**61])}}
    monkeypatch.setattr(type(EXACT), "guard", lambda self, a, bound: a)
    with np.errstate(over="ignore"):
        fast = evaluate(arch, EXACT.asarray(x), weights, EXACT)[0]
    assert not np.array_equal(fast, reference_evaluate(arch, x[0], weights))


# -- which counterexamples the reference re-checked, exactly ------------------------------------
@pytest.mark.parametrize("mode", ["none", "all", "auto"])
def test_the_report_lists_exactly_the_rechecked_counterexamples(
        monkeypatch: pytest.MonkeyPatch, mode: str) -> None:
    monkeypatch.setattr(eq, "SCREEN_WORK", 0)
    result = eq.analyze_equivariance(load_example("dilated4_zeros"), 8, prove="never",
                                     regions=False, recheck_mode=mode)
    rechecks = result.checks["rechecked_by_reference"]
    examples = [v for v in result.with_status("not-respected") if v.counterexample is not None]
    done = [list(v.shift) for v in examples if v.counterexample and
            v.counterexample.rechecked_by]
    # "auto": every answer rests on the few screened classes, so all of them are re-checked
    assert rechecks["rechecked"] == done and len(done) == (0 if mode == "none" else
                                                           len(examples))
    assert rechecks["not_rechecked"] == [list(v.shift) for v in examples
                                         if list(v.shift) not in done]
    assert rechecks["classes_without_own_counterexample"] == \
        len(result.with_status("not-respected")) - len(examples) > 0
    assert all("not re-checked" in v.evidence for v in examples if list(v.shift) not in done)


# -- z3: f(T_v x) by renaming the variables of f(x) ---------------------------------------------
def _renaming_agrees(arch: Architecture, shift: tuple[int, ...], renamed_by: tuple[int, ...]
                     ) -> bool:
    """z3: the renamed terms of f(x) (input rolled by ``renamed_by``) equal f(T_shift x)
    evaluated again, at every output position, for symbolic inputs and weights."""
    import z3

    from kronconv.equivariance.smt import _renamed, symbolic_input
    from kronconv.semantics.backends import Z3Backend
    from kronconv.semantics.weights import symbolic_weights

    backend = Z3Backend()
    weights = symbolic_weights(arch)
    x = symbolic_input(arch, (6,))
    y = evaluate(arch, x, weights, backend)
    again = evaluate(arch, np.roll(x, shift, axis=2), weights, backend)
    renamed = _renamed(y, x, np.roll(x, renamed_by, axis=2))
    solver = z3.Solver()
    solver.add(z3.Not(z3.And([a == b for a, b in zip(renamed.flat, again.flat, strict=True)])))
    return solver.check() == z3.unsat


def test_renaming_the_variables_is_evaluating_the_shifted_input() -> None:
    arch = parse_architecture({"dims": 1, "layers": [
        {"op": "conv", "kernel_size": 3, "padding": 1, "out_channels": 1}, {"op": "relu"},
        {"op": "maxpool", "kernel_size": 2, "stride": 2}]}, source="<test>")
    assert _renaming_agrees(arch, (1,), (1,))
    assert not _renaming_agrees(arch, (1,), (-1,))  # the wrong direction is caught
