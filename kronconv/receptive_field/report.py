"""The receptive-field report of ``kronconv rf``: closed forms, exact sets and parameters per
node, as typed values (:class:`RFLayer` per node, :class:`RFReport` for the architecture). Their
JSON (:mod:`kronconv.serialize`) keeps the keys the issue fixes (receptive_field,
effective_stride, effective_padding, center, dense, holes, parameters, layers)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kronconv.receptive_field.dependency import axis_dependency_sets, dependency_set, is_separable
from kronconv.receptive_field.recursion import AxisField, closed_forms
from kronconv.specs.architecture import Architecture

if TYPE_CHECKING:
    from kronconv.receptive_field.layers import LayerRow

HOLE_LIST_LIMIT = 20
DENSE_MASK_LIMIT = 4_000_000  # build the N-D mask for hole positions only below this size

Axes = tuple[int, ...]


@dataclass(frozen=True)
class RFLayer:
    """One node's row: per axis the receptive field r, effective stride S and padding P (closed
    forms; after upsample / maxunpool S is ``None`` and r, P come from output unit 0's exact
    set), the centre P' = (r - 1) / 2 - P, the exact set's holes (the first
    ``HOLE_LIST_LIMIT`` positions, ``None`` when the box is too big to list them) and the
    parameters the node depends on."""

    id: str
    op: str
    receptive_field: Axes
    effective_stride: Axes | None
    effective_padding: Axes
    center: tuple[int | float, ...]
    closed_form_matches_exact: bool | None
    holes: int
    hole_positions: tuple[Axes, ...] | None
    parameters: int
    axis_hole_positions: tuple[tuple[int, ...], ...] | None = None  # separable: per axis

    @property
    def dense(self) -> bool:
        return self.holes == 0


@dataclass(frozen=True)
class RFReport:
    """The whole report: one row per non-input node (``layers``), the output's row, and the
    branch alignment (``alignment``: a message per misaligned merge)."""

    dims: int
    output: str
    layers: tuple[RFLayer, ...]
    aligned: bool
    alignment: tuple[str, ...]
    input_shape: tuple[int, ...] | None = None  # with a per-layer table at this input
    table: tuple[LayerRow, ...] = ()

    @property
    def top(self) -> RFLayer:
        """The output node's row."""
        return next(layer for layer in self.layers if layer.id == self.output)

    def _repr_html_(self) -> str:
        from kronconv.render.notebook import rf_html

        return rf_html(self)

    def _repr_latex_(self) -> str:
        from kronconv.render.notebook import rf_latex

        return rf_latex(self)


def _number(value: Any) -> int | float:
    return int(value) if value == int(value) else float(value)


def _exact(arch: Architecture, node: str) -> dict[str, Any]:
    """Exact dependency set of output unit 0 of ``node``: box, holes and hole positions (an
    internal record, consumed by :func:`node_report` at once)."""
    if is_separable(arch):
        parts = axis_dependency_sets(arch, node)
        extent = [p.extent[0] for p in parts]
        first = [p.offset[0] for p in parts]
        holes = math.prod(extent) - math.prod(p.count for p in parts)
        axis_holes = [[h[0] for h in p.hole_positions(HOLE_LIST_LIMIT)] for p in parts]
        positions: tuple[Axes, ...] | None = None
        if math.prod(extent) <= DENSE_MASK_LIMIT:
            full = dependency_set(arch, node, separable=True)
            positions = tuple(tuple(h) for h in full.hole_positions(HOLE_LIST_LIMIT))
        return {"extent": extent, "first": first, "holes": holes, "hole_positions": positions,
                "axis_holes": tuple(tuple(h) for h in axis_holes)}
    s = dependency_set(arch, node, separable=False)
    return {"extent": list(s.extent), "first": list(s.offset), "holes": s.holes,
            "hole_positions": tuple(tuple(h) for h in s.hole_positions(HOLE_LIST_LIMIT)),
            "axis_holes": None}


def node_report(arch: Architecture, node: str, closed: tuple[AxisField, ...] | None,
                parameters: int) -> RFLayer:
    """One row: closed forms (the exact set where they do not apply), exact set, parameters."""
    exact = _exact(arch, node)
    first, extent = exact["first"], exact["extent"]
    if closed is not None:
        receptive_field = tuple(f.receptive_field for f in closed)
        padding = tuple(f.effective_padding for f in closed)
        stride: Axes | None = tuple(f.effective_stride for f in closed)
        center = tuple(_number(f.center) for f in closed)
        matches: bool | None = (extent == list(receptive_field)
                                and first == [-p for p in padding])
    else:  # after upsample / maxunpool: output unit 0's exact set only
        receptive_field, padding = tuple(extent), tuple(-f for f in first)
        stride, matches = None, None
        center = tuple(_number(f + (e - 1) / 2) for f, e in zip(first, extent, strict=True))
    return RFLayer(node, arch.node(node).op, receptive_field, stride, padding, center, matches,
                   exact["holes"], exact["hole_positions"], parameters, exact["axis_holes"])


def rf_report(arch: Architecture) -> RFReport:
    """The full report: one row per non-input node (``parameters`` counts every parameter the
    node depends on), and the alignment of every merge's branches."""
    report = closed_forms(arch)
    own = arch.parameters()
    ancestors = arch.ancestors()
    layers = tuple(node_report(arch, n.id, report.fields[n.id],
                               sum(own[a] for a in ancestors[n.id]))
                   for n in arch.nodes if n.op != "input")
    return RFReport(arch.dims, arch.output, layers, report.aligned,
                    tuple(a.message for a in report.alignments if not a.aligned))
