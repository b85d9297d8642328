"""The per-layer table of ``kronconv rf --input-shape`` (torchscan's view, made exact): one row
per node with its output shape at a given input, its own parameters, its receptive field,
effective stride and padding (closed forms of Araujo et al. where they apply, else output unit
0's exact set with no stride), its gridding holes and, for merges, whether the branches align.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from kronconv.errors import invalid
from kronconv.receptive_field.recursion import closed_forms
from kronconv.receptive_field.report import RFReport, rf_report
from kronconv.semantics.shapes import node_sizes
from kronconv.specs.architecture import Architecture


@dataclass(frozen=True)
class LayerRow:
    """One node of the table (``None``: does not apply, e.g. no stride after upsampling)."""

    node: str
    op: str
    output_shape: tuple[int, ...]  # (channels, *spatial)
    parameters: int  # the node's own
    receptive_field: tuple[int, ...]
    effective_stride: tuple[int, ...] | None
    effective_padding: tuple[int, ...]
    holes: int
    alignment: str | None  # merges: 'aligned' or where the branches' centres disagree


def check_input_shape(arch: Architecture, shape: Sequence[int]) -> tuple[int, ...]:
    """(batch, channels, *spatial) matching the architecture -> the spatial sizes."""
    values = list(shape)
    if len(values) != arch.dims + 2 or values[1] != arch.in_channels or min(values) < 1:
        raise invalid("--input-shape", ",".join(map(str, values)),
                      f"batch,{arch.in_channels},then {arch.dims} spatial sizes >= 1 (the "
                      "architecture's channels and axes)")
    return tuple(values[2:])


def layer_table(arch: Architecture, input_shape: Sequence[int],
                report: RFReport | None = None) -> list[LayerRow]:
    """The rows, in topological order, for an input of ``input_shape`` (B, C, *spatial); from
    ``report`` (the architecture's :func:`rf_report`) when the caller has it."""
    sizes = node_sizes(arch, check_input_shape(arch, input_shape), strict_strides=False)
    channels = arch.channels()
    own = arch.parameters()
    aligned: dict[str, list[str]] = {}
    for a in closed_forms(arch).alignments:
        aligned.setdefault(a.node, []).extend([] if a.aligned else [a.message])
    rows = []
    for entry in (report or rf_report(arch)).layers:
        node = entry.id
        stride = entry.effective_stride
        rows.append(LayerRow(
            node, entry.op, (channels[node], *sizes[node]), own[node],
            tuple(entry.receptive_field), None if stride is None else tuple(stride),
            tuple(entry.effective_padding), entry.holes,
            None if node not in aligned else "; ".join(aligned[node]) or "aligned"))
    return rows


def format_table(rows: Sequence[LayerRow]) -> list[str]:
    """Plain-text lines, columns padded."""
    def axes(values: tuple[int, ...] | None) -> str:
        return "-" if values is None else "x".join(map(str, values))

    header = ("node", "op", "output shape", "params", "rf", "stride", "padding", "holes",
              "alignment")
    cells = [[r.node, r.op, axes(r.output_shape), str(r.parameters), axes(r.receptive_field),
              axes(r.effective_stride), axes(r.effective_padding), str(r.holes),
              "-" if r.alignment is None else "aligned" if r.alignment == "aligned"
              else "MISALIGNED"] for r in rows]
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(header)]
    return ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
            for row in [list(header), *cells]]
