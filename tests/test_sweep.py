"""The characterisation sweep: parts pass; wrong derived conditions are caught."""

from __future__ import annotations

import pytest

from kronconv.kronecker import sweep
from kronconv.kronecker.structure import Structure
from kronconv.render.sweep import markdown


def test_parts_of_the_default_sweep_pass() -> None:
    result = sweep.SweepResult(sweep.DEFAULT)
    sweep.sweep_structure(result, 1, 2)
    sweep.sweep_nonlinear(result, 2)
    sweep.sweep_channels(result, (1, 2), 2)
    sweep.sweep_boundary(result, (1,), 2)
    assert result.ok, result.mismatches[:3]
    assert set(result.checked) == {"structure", "nonlinear", "channels", "boundary"}


def test_wrong_structure_condition_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    # Wrong twin: "Kronecker iff d = a^l" ignores zero padding (the essay's sentence read
    # literally); the sweep must report mismatches.
    def literal(cascade):  # type: ignore[no-untyped-def]
        a = cascade.layers[0].sizes[0]
        ok = all(layer.dilations[0] == a**i for i, layer in enumerate(cascade.layers))
        return Structure("kronecker" if ok or a == 1 else "not-kronecker", cascade.extent, (),
                         ())

    monkeypatch.setattr(sweep, "predict_structure", literal)
    result = sweep.SweepResult(sweep.DEFAULT)
    sweep.sweep_structure(result, 1, 2)
    assert result.mismatches


def test_wrong_boundary_shift_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    original = sweep.boundary_relation

    def shifted(cascade, shape):  # type: ignore[no-untyped-def]
        relation = original(cascade, shape)
        from dataclasses import replace

        return replace(relation, shift=tuple(s + 1 for s in relation.shift))

    monkeypatch.setattr(sweep, "boundary_relation", shifted)
    result = sweep.SweepResult(sweep.DEFAULT)
    sweep.sweep_boundary(result, (1,), 2)
    assert result.mismatches


def test_exponential_table_resolves_the_essay_sentence() -> None:
    rows = {(r["a"], r["d"]): r for r in sweep.exponential_table(range(3, 4), range(2, 5))}
    assert rows[(3, 3)]["closed_form"] == rows[(3, 3)]["direct"] == "kronecker"
    assert rows[(3, 4)]["closed_form"] == rows[(3, 4)]["direct"] == "padded-kronecker"
    assert rows[(3, 2)]["closed_form"] == rows[(3, 2)]["direct"] == "not-kronecker"
    assert rows[(3, 2)]["extent"] == 15 and rows[(3, 3)]["extent"] == 27


def test_markdown_table() -> None:
    result = sweep.SweepResult(sweep.DEFAULT)
    sweep.sweep_structure(result, 1, 1)
    text = markdown(result, sweep.exponential_table(range(2, 3), range(1, 3)))
    assert "| part | group | class |" in text and "d < a" in text
    assert "`kronconv sweep --domain default --markdown" in text


def test_chunk_cpu_time_adds_up_in_the_merge() -> None:
    """Each chunk measures its own CPU time; the run's figure is their sum, wherever they ran."""
    domain = sweep.Domain("tiny", structure=((1, 2),), boundary_dilations=1, part_layers=1,
                          channels=(1,))
    pieces = [sweep.run_chunk(domain, chunk) for chunk in sweep.chunks(domain)]
    assert all(piece.cpu_seconds >= 0 for piece in pieces)
    merged = sweep.SweepResult(domain)
    for piece in pieces:
        merged.merge(piece)
    assert merged.cpu_seconds == sum(piece.cpu_seconds for piece in pieces)  # same order
    assert "configurations per CPU second" in markdown(merged)


@pytest.mark.slow
def test_full_default_sweep() -> None:
    assert sweep.run_sweep().ok
