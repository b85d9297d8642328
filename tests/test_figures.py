"""The essay's figures: right pixel size, not blank, seeded, and computed from the engines."""

from __future__ import annotations

from itertools import product
from pathlib import Path

import numpy as np
import pytest
from matplotlib.image import imread

from kronconv.cli import main
from kronconv.errors import KronconvError
from kronconv.render import figures
from kronconv.render.figures import (
    FIGURE_NAMES,
    PIXELS,
    coverage_map,
    kronecker_kernel,
    receptive_field_side,
    write_figures,
)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("figures")
    write_figures(directory)
    return directory


@pytest.mark.parametrize("name", FIGURE_NAMES)
def test_each_figure_has_the_right_size_and_is_not_blank(rendered: Path, name: str) -> None:
    image = imread(rendered / f"{name}.png")
    assert image.shape[:2] == (PIXELS[1], PIXELS[0])
    gray = image[..., :3].mean(axis=2)
    assert gray.std() > 0.05  # there is contrast
    assert (gray < 0.9).mean() > 0.02  # at least 2% of the pixels are drawn on
    assert (rendered / f"{name}.pdf").read_bytes().startswith(b"%PDF")


def test_captions_name_every_figure(rendered: Path) -> None:
    index = (rendered / "figures.md").read_text()
    for spec in figures.FIGURES:
        assert f"({spec.name}.png)" in index and spec.caption in index


def test_same_seed_same_pixels_other_seed_other_pixels(tmp_path) -> None:
    first, second, other = tmp_path / "1", tmp_path / "2", tmp_path / "3"
    for directory, seed in ((first, 5), (second, 5), (other, 6)):
        write_figures(directory, ["self-similar"], seed=seed)
    pixels = [imread(d / "self-similar.png") for d in (first, second, other)]
    assert np.array_equal(pixels[0], pixels[1])
    assert not np.array_equal(pixels[0], pixels[2])


def test_kronecker_kernels_come_from_the_cascade_and_the_check_can_fail(monkeypatch) -> None:
    factors = [np.arange(9).reshape(3, 3) + level for level in range(3)]
    assert kronecker_kernel(factors).shape == (27, 27)
    # With the factors in the wrong order the composite is not their Kronecker product.
    monkeypatch.setattr(figures, "kron", lambda *fs: np.kron(np.kron(fs[2], fs[1]), fs[0]))
    with pytest.raises(KronconvError, match="differs from the Kronecker product"):
        kronecker_kernel(factors)


@pytest.mark.parametrize(("size", "dilations"), figures.COVERAGE_SCHEDULES)
def test_coverage_holes_match_a_direct_count(size: int, dilations: tuple[int, ...]) -> None:
    # Independent 1-D count: the sumset of the dilated tap positions, squared for 2D.
    reached = {sum(d * t for d, t in zip(dilations, taps, strict=True))
               for taps in product(range(size), repeat=len(dilations))}
    side = 1 + sum((size - 1) * d for d in dilations)
    counts = coverage_map(size, dilations)
    assert counts.shape == (side, side)
    assert int(np.count_nonzero(counts == 0)) == side * side - len(reached) ** 2


@pytest.mark.parametrize(("dilations", "side"), [([1, 1, 1], 7), ([1, 2, 4], 15),
                                                 ([1, 3, 9], 27)])
def test_receptive_field_sides(dilations: list[int], side: int) -> None:
    assert receptive_field_side(3, dilations) == (side, side)


def test_figures_cli_and_its_errors(tmp_path, capsys) -> None:
    assert main(["figures", "-o", str(tmp_path), "--only", "coverage-holes"]) == 0
    assert (tmp_path / "coverage-holes.png").exists()
    capsys.readouterr()
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    assert main(["figures", "-o", str(blocker / "out"), "--only", "rank-one"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "cannot be written" in err
    # A usage error is an exit status (main returns it), one line in the name=value style.
    assert main(["figures", "-o", str(tmp_path), "--only", "no-such-figure"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--only='no-such-figure' is invalid" in err



def _figure(name: str):
    return figures.render(next(spec for spec in figures.FIGURES if spec.name == name))


@pytest.mark.parametrize("name", ["kronecker-products", "self-similar", "rank-one"])
def test_every_kernel_panel_has_its_colour_key(name: str) -> None:
    figure = _figure(name)
    images = [axis for axis in figure.axes if axis.images]
    keys = [axis for axis in figure.axes if axis.get_ylabel() == "entry"]
    assert len(images) == 8 and len(keys) == 8


def _block_edges(axis) -> set[float]:
    horizontal = [line.get_ydata() for line in axis.lines]
    return {float(y[0]) for y in horizontal if y[0] == y[1]}


def test_kronecker_panels_mark_their_3x3_and_9x9_blocks() -> None:
    kernels = [axis for axis in _figure("rank-one").axes if axis.images]
    edges = [edge - 0.5 for edge in range(3, 27, 3)]
    assert all(_block_edges(axis) == set(edges) for axis in kernels[:4])
    assert all(not axis.lines for axis in kernels[4:])  # rank-1 kernels have no blocks


def test_coverage_keys_say_when_a_panel_has_one_value() -> None:
    labels = [axis.get_ylabel() for axis in _figure("coverage-holes").axes
              if axis.get_ylabel().startswith("paths")]
    expected = ["paths" if len({int(v) for v in coverage_map(size, d).flat if v}) > 1
                else "paths: every offset 1" for size, d in figures.COVERAGE_SCHEDULES]
    assert labels == expected and "paths: every offset 1" in labels and "paths" in labels


def test_growth_axes_have_one_quantity_each_with_its_unit() -> None:
    plots = [axis for axis in _figure("receptive-field-growth").axes if axis.lines]
    labels = [axis.get_ylabel() for axis in plots]
    assert labels == ["receptive field side (pixels, log scale)",
                      "parameters (kernel entries)"]
    assert all(axis.get_xlabel() == "layers" for axis in plots)
