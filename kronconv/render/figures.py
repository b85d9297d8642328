"""The essay's figures, redrawn from the engines with matplotlib.

Every kernel shown is the composite kernel (impulse response) of a dilated cascade computed by
:func:`kronconv.composite_kernel` in exact integer arithmetic; where the essay shows a Kronecker
product, the figure first checks that the composite equals :func:`kronconv.kron` of the factors
entry for entry. Each figure is seeded, written as PNG and PDF at a fixed pixel size, and has a
caption (collected in ``figures.md``).

Figures are built on :class:`matplotlib.figure.Figure` directly, without pyplot, so no
interactive backend (and no global state) is involved.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.image import AxesImage
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from kronconv.errors import KronconvError, check_choice
from kronconv.ops import composite_kernel, kron
from kronconv.render.report import write_text

SIZE_INCHES = (10.0, 6.0)
DPI = 100  # every PNG is 1000 x 600 pixels
PIXELS = (int(SIZE_INCHES[0] * DPI), int(SIZE_INCHES[1] * DPI))
DEFAULT_SEED = 2016


@dataclass(frozen=True)
class FigureSpec:
    """A figure of the essay: its file name, caption and how to draw it from a seed."""

    name: str
    title: str
    caption: str
    draw: Callable[[Figure, np.random.Generator], None]


# -- kernels from the engines --------------------------------------------------------------------
def random_kernels(rng: np.random.Generator, count: int, size: int = 3) -> list[np.ndarray]:
    """Integer kernels with entries in [-9, 9] (exact arithmetic throughout)."""
    return [rng.integers(-9, 10, (size, size)) for _ in range(count)]


def kronecker_kernel(factors: Sequence[np.ndarray]) -> np.ndarray:
    """The composite of the exponential cascade K_0, K_1 *_a, K_2 *_{a^2} ...; checked to equal
    K_L kron ... kron K_0 exactly, as the cascade Kronecker identity says."""
    a = factors[0].shape[0]
    composite = np.asarray(composite_kernel(list(factors), [a**level for level in
                                                            range(len(factors))]))
    if not np.array_equal(composite, np.asarray(kron(*factors[::-1]))):
        raise KronconvError("figure kernels: the cascade's composite differs from the "
                            "Kronecker product of its kernels")
    return composite


def coverage_map(kernel_size: int, dilations: Sequence[int]) -> np.ndarray:
    """How many paths reach each input offset: the composite of all-ones kernels (2D).

    Entry t counts the tuples (tau_0, ..., tau_L) with sum_l d_l tau_l = t; a zero inside the
    bounding box is a hole (an input offset that cannot influence the output)."""
    ones = [np.ones((kernel_size, kernel_size), dtype=np.int64) for _ in dilations]
    return np.asarray(composite_kernel(ones, list(dilations)))


def receptive_field_side(kernel_size: int, dilations: Sequence[int]) -> tuple[int, int]:
    """(side of the receptive field, number of covered offsets) along one axis."""
    ones = [np.ones(kernel_size, dtype=np.int64) for _ in dilations]
    response = np.asarray(composite_kernel(ones, list(dilations)))
    return response.shape[0], int(np.count_nonzero(response))


# -- drawing -------------------------------------------------------------------------------------
def _entry_key(figure: Figure, image: AxesImage, axis: Axes, largest: float) -> None:
    """The colour key of a kernel panel: -m (black), 0 (mid-grey), +m (white)."""
    bar = figure.colorbar(image, ax=axis, shrink=0.8, pad=0.02, ticks=[-largest, 0, largest])
    bar.ax.tick_params(labelsize=6)
    bar.set_label("entry", fontsize=7)


def _block_lines(axis: Axes, side: int, blocks: Sequence[int]) -> None:
    """Lines at the boundaries of the Kronecker blocks (every b entries, for each b)."""
    for block, width in zip(blocks, (0.4, 1.0), strict=False):
        for edge in range(block, side, block):
            axis.axhline(edge - 0.5, color="tab:red", linewidth=width)
            axis.axvline(edge - 0.5, color="tab:red", linewidth=width)


def _panels(figure: Figure, kernels: Sequence[np.ndarray], rows: int, columns: int,
            labels: Sequence[str] = (), blocks: Sequence[Sequence[int]] = ()) -> None:
    """Kernels as grey-scale panels, each with its colour key and (optionally) block lines."""
    axes = figure.subplots(rows, columns, squeeze=False)
    for index, axis in enumerate(axes.flat):
        axis.set_xticks([])
        axis.set_yticks([])
        if index >= len(kernels):
            axis.set_axis_off()
            continue
        # Symmetric scale per panel: mid-grey is 0, black/white the largest |entry|.
        largest = float(np.abs(kernels[index]).max()) or 1.0
        image = axis.imshow(kernels[index], cmap="gray", interpolation="nearest",
                            vmin=-largest, vmax=largest)
        _entry_key(figure, image, axis, largest)
        if blocks and blocks[index]:
            _block_lines(axis, kernels[index].shape[0], blocks[index])
        if labels:
            axis.set_title(labels[index], fontsize=9)


KRONECKER_BLOCKS = (3, 9)  # a 27x27 product of 3x3 factors: blocks of 3x3 and 9x9 entries


def draw_kronecker(figure: Figure, rng: np.random.Generator) -> None:
    kernels = [kronecker_kernel(random_kernels(rng, 3)) for _ in range(8)]
    _panels(figure, kernels, 2, 4, blocks=[KRONECKER_BLOCKS] * 8)


def draw_self_similar(figure: Figure, rng: np.random.Generator) -> None:
    kernels = []
    for _ in range(8):
        (kernel,) = random_kernels(rng, 1)
        kernels.append(kronecker_kernel([kernel, kernel, kernel]))
    _panels(figure, kernels, 2, 4, blocks=[KRONECKER_BLOCKS] * 8)


def draw_rank_one(figure: Figure, rng: np.random.Generator) -> None:
    kronecker = [kronecker_kernel(random_kernels(rng, 3)) for _ in range(4)]
    rank_one = []
    for _ in range(4):
        u, v = rng.integers(-9, 10, 27), rng.integers(-9, 10, 27)
        rank_one.append(np.outer(u, v))
    labels = ["Kronecker, 27 parameters"] * 4 + ["rank 1, 27 + 27 parameters"] * 4
    _panels(figure, kronecker + rank_one, 2, 4, labels,
            blocks=[KRONECKER_BLOCKS] * 4 + [()] * 4)


GROWTH_SCHEDULES = {
    "plain 3x3, d = 1": lambda n: [1] * n,
    "dilated 3x3, d = 1, 2, 4, ... (Yu & Koltun)": lambda n: [2**level for level in range(n)],
    "dilated 3x3, d = 1, 3, 9, ... (Kronecker)": lambda n: [3**level for level in range(n)],
}


def draw_growth(figure: Figure, rng: np.random.Generator) -> None:
    """Left: the receptive field's side in pixels (log scale). Right: the parameters, which are
    the same for all three schedules. One quantity per axis."""
    depths = list(range(1, 8))
    field, parameters = figure.subplots(1, 2)
    for label, schedule in GROWTH_SCHEDULES.items():
        sides = [receptive_field_side(3, schedule(n))[0] for n in depths]
        field.plot(depths, sides, marker="o", label=label)
    field.set_yscale("log")
    field.set_ylabel("receptive field side (pixels, log scale)")
    field.set_title("receptive field", fontsize=10)
    field.legend(fontsize=8)
    parameters.plot(depths, [9 * n for n in depths], marker="s", color="gray",
                    label="all three schedules: 9 per layer")
    parameters.set_ylabel("parameters (kernel entries)")
    parameters.set_title("parameters", fontsize=10)
    parameters.legend(fontsize=8)
    for axis in (field, parameters):
        axis.set_xlabel("layers")
        axis.grid(alpha=0.3)


COVERAGE_SCHEDULES = ((3, (1, 2, 4)), (3, (1, 3, 9)), (3, (1, 2, 5)),
                      (3, (2, 2, 2)), (3, (1, 4, 16)), (2, (1, 3, 9)))


def draw_coverage(figure: Figure, rng: np.random.Generator) -> None:
    axes = figure.subplots(2, 3)
    palette = colormaps["viridis"].with_extremes(bad="red")  # masked (hole) cells are red
    for axis, (size, dilations) in zip(axes.flat, COVERAGE_SCHEDULES, strict=True):
        counts = coverage_map(size, dilations)
        holes = int(np.count_nonzero(counts == 0))
        reached = counts[counts > 0]
        low, top = int(reached.min()), int(reached.max())
        single = low == top  # one value: one colour, and a key that says so
        cmap = ListedColormap([palette(0.0)]).with_extremes(bad="red") if single else palette
        image = axis.imshow(np.ma.masked_equal(counts, 0), cmap=cmap, interpolation="nearest",
                            vmin=low - 0.5 if single else low, vmax=low + 0.5 if single else top)
        bar = figure.colorbar(image, ax=axis, shrink=0.85, pad=0.02)
        if single:
            bar.set_ticks([low])
            bar.set_label(f"paths: every offset {low}", fontsize=8)
        else:
            bar.set_ticks([t for t in MaxNLocator(nbins=5, integer=True).tick_values(low, top)
                           if low <= t <= top])
            bar.set_label("paths", fontsize=8)
        bar.ax.tick_params(labelsize=7)
        side = counts.shape[0]
        axis.set_title(f"{size}x{size}, d = {dilations}: {side}x{side}, {holes} holes",
                       fontsize=9)
        axis.set_xticks([])
        axis.set_yticks([])
    hole = Patch(facecolor="red", label="hole: no path reaches this input offset")
    figure.legend(handles=[hole], loc="outside lower center", fontsize=9, frameon=False)


FIGURES = (
    FigureSpec("kronecker-products", "Kronecker products of three random 3x3 kernels",
               "27x27 kernels K_2 ⊗ K_1 ⊗ K_0 of three random integer 3x3 kernels, each "
               "computed as the composite kernel of the cascade with dilations 1, 3, 9 and "
               "checked to equal the Kronecker product exactly (claim "
               "cascade-kronecker-identity). Grey scale per panel, with its key: mid-grey is 0, "
               "black and white are -m and +m for m the largest |entry| of that kernel. Red "
               "lines mark the 3x3 blocks (thin) and the 9x9 blocks (thick) of the product.",
               draw_kronecker),
    FigureSpec("self-similar", "Self-similar kernels K ⊗ K ⊗ K",
               "27x27 'fractal' kernels K ⊗ K ⊗ K: the same random 3x3 kernel at every layer "
               "of the dilated cascade (dilations 1, 3, 9). Grey scale and block lines as in "
               "the first figure.", draw_self_similar),
    FigureSpec("rank-one", "Kronecker samples beside random rank-1 kernels",
               "Top: 27x27 Kronecker products of three 3x3 kernels (27 parameters). Bottom: "
               "random rank-1 27x27 kernels u v^T (27 + 27 = 54 parameters, 53 degrees of "
               "freedom; the essay says 27, see claim rank1-same-parameters). Grey scale as in "
               "the first figure: mid-grey is 0.", draw_rank_one),
    FigureSpec("receptive-field-growth", "Receptive field growth, plain against dilated",
               "Left: side of the receptive field of a 3x3 cascade after each layer, in pixels "
               "on a log scale, measured as the extent of the impulse response of all-ones "
               "kernels: linear for plain convolutions (2L + 3 after L+1 layers), exponential "
               "with dilations 2^l or 3^l. Right: the parameters, 9 per layer for all three "
               "(claims rf-plain-linear, rf-dilated-exponential).", draw_growth),
    FigureSpec("coverage-holes", "Coverage maps: which input offsets reach one output",
               "Number of paths from each input offset to one output unit (composite of "
               "all-ones kernels; colour = number of paths, with a key per panel, which says so "
               "when every offset has the same count); red cells "
               "inside the box are holes "
               "(gridding). Top row: each dilation is at most the extent reached by the layers "
               "before it, and there are no holes; with d = (1, 3, 9) every offset is reached "
               "by exactly one path (the index lemma). Bottom row: a dilation beyond that "
               "extent, or the common factor of d = (2, 2, 2), leaves holes. The exact "
               "condition is claim rf-coverage's.",
               draw_coverage),
)
FIGURE_NAMES = tuple(spec.name for spec in FIGURES)


def render(spec: FigureSpec, seed: int = DEFAULT_SEED) -> Figure:
    """Draw one figure from its own seeded generator (independent of the other figures)."""
    figure = Figure(figsize=SIZE_INCHES, dpi=DPI, layout="constrained")
    figure.suptitle(spec.title, fontsize=12)
    spec.draw(figure, np.random.default_rng([seed, FIGURE_NAMES.index(spec.name)]))
    return figure


def write_figures(directory: str | Path, names: Sequence[str] = (),
                  seed: int = DEFAULT_SEED) -> list[Path]:
    """Write NAME.png and NAME.pdf for each figure and ``figures.md`` with the captions."""
    chosen = [spec for spec in FIGURES if not names or spec.name in names]
    for name in names:
        check_choice("figure", name, FIGURE_NAMES)
    index = write_text(Path(directory) / "figures.md", _captions(chosen, seed))
    written = [index]
    for spec in chosen:
        figure = render(spec, seed)
        for suffix in ("png", "pdf"):
            target = Path(directory) / f"{spec.name}.{suffix}"
            try:
                figure.savefig(target, dpi=DPI, metadata=_metadata(suffix))
            except OSError as exc:
                raise KronconvError(f"output={str(target)!r} cannot be written: "
                                    f"{exc.strerror}") from exc
            written.append(target)
    return written


def png_bytes(spec: FigureSpec, seed: int = DEFAULT_SEED) -> bytes:
    """One figure as PNG bytes (for pages that embed their images)."""
    buffer = io.BytesIO()
    render(spec, seed).savefig(buffer, format="png", dpi=DPI, metadata=_metadata("png"))
    return buffer.getvalue()


def _metadata(suffix: str) -> dict[str, str | None]:
    # No creation dates: the same seed gives the same files.
    return {"Software": None} if suffix == "png" else {"CreationDate": None}


def _captions(specs: Sequence[FigureSpec], seed: int) -> str:
    lines = ["# Figures", "", f"Drawn by `kronconv figures` from the engines, seed {seed}.", ""]
    for number, spec in enumerate(specs, 1):
        lines += [f"## Figure {number}: {spec.title}", "", f"![{spec.title}]({spec.name}.png)",
                  "", spec.caption, ""]
    return "\n".join(lines)
