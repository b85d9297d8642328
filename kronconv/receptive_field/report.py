"""The receptive-field report of ``kronconv rf``: closed forms, exact sets and parameters per
node, as typed values (:class:`RFLayer` per node, :class:`RFReport` for the architecture). Their
JSON (:mod:`kronconv.serialize`) keeps the keys the issue fixes (receptive_field,
effective_stride, effective_padding, center, dense, holes, parameters, layers)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kronconv.receptive_field.dependency import (
    AxisSet,
    axis_set_table,
    dependency_set,
    is_separable,
    product_hole_positions,
)
from kronconv.receptive_field.recursion import AxisField, closed_forms
from kronconv.specs.architecture import Architecture

if TYPE_CHECKING:
    from kronconv.receptive_field.layers import LayerRow

HOLE_LIST_LIMIT = 20

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


def _exact(arch: Architecture, node: str,
           table: dict[str, tuple[AxisSet, ...]] | None = None) -> dict[str, Any]:
    """Exact dependency set of output unit 0 of ``node``: box, holes and hole positions
    (``table``: every node's per-axis sets from one pass, when the architecture allows it)."""
    if table is None and is_separable(arch):
        table = axis_set_table(arch, HOLE_LIST_LIMIT)
    if table is not None:
        parts = table[node]
        return {"extent": [p.extent for p in parts], "first": [p.first for p in parts],
                "holes": math.prod(p.extent for p in parts) - math.prod(p.count for p in parts),
                "hole_positions": tuple(tuple(h) for h in product_hole_positions(
                    parts, HOLE_LIST_LIMIT)),
                "axis_holes": tuple(tuple(p.holes) for p in parts)}
    s = dependency_set(arch, node, separable=False)
    return {"extent": list(s.extent), "first": list(s.offset), "holes": s.holes,
            "hole_positions": tuple(tuple(h) for h in s.hole_positions(HOLE_LIST_LIMIT)),
            "axis_holes": None}


def _dependent_parameters(arch: Architecture) -> dict[str, int]:
    """Parameters of every node the given node depends on (itself included). A node with one
    parent adds its own to its parent's total; a merge sums over the union of its parents'
    ancestors (bit sets), so a chain costs time linear in its depth."""
    own = arch.parameters()
    ids = [node.id for node in arch.nodes]
    bits: dict[str, int] = {}
    totals: dict[str, int] = {}
    for i, node in enumerate(arch.nodes):
        parents = list(dict.fromkeys([*node.inputs, *([node.indices] if node.indices else [])]))
        bits[node.id] = 1 << i
        for p in parents:
            bits[node.id] |= bits[p]
        if len(parents) <= 1:
            totals[node.id] = own[node.id] + (totals[parents[0]] if parents else 0)
        else:
            members = bin(bits[node.id])[:1:-1]
            totals[node.id] = sum(own[ids[j]] for j, bit in enumerate(members) if bit == "1")
    return totals


def node_report(arch: Architecture, node: str, closed: tuple[AxisField, ...] | None,
                parameters: int, table: dict[str, tuple[AxisSet, ...]] | None = None
                ) -> RFLayer:
    """One row: closed forms (the exact set where they do not apply), exact set, parameters
    (``table``: every node's per-axis sets from one pass, when the architecture allows it)."""
    exact = _exact(arch, node, table)
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
    totals = _dependent_parameters(arch)
    table = axis_set_table(arch, HOLE_LIST_LIMIT) if is_separable(arch) else None
    layers = tuple(node_report(arch, n.id, report.fields[n.id], totals[n.id], table)
                   for n in arch.nodes if n.op != "input")
    return RFReport(arch.dims, arch.output, layers, report.aligned,
                    tuple(a.message for a in report.alignments if not a.aligned))
