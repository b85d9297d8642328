"""The receptive-field report of ``kronconv rf``: closed forms, exact sets and parameters per
node, with the keys the issue fixes (receptive_field, effective_stride, effective_padding,
center, dense, holes, parameters, layers)."""

from __future__ import annotations

import math
from typing import Any

from kronconv.receptive_field.dependency import (
    AxisSet,
    axis_set_table,
    dependency_set,
    is_separable,
    product_hole_positions,
)
from kronconv.receptive_field.recursion import AxisField, closed_forms
from kronconv.specs.architecture import Architecture

HOLE_LIST_LIMIT = 20


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
                "hole_positions": [list(h) for h in product_hole_positions(parts,
                                                                           HOLE_LIST_LIMIT)],
                "axis_holes": [list(p.holes) for p in parts]}
    s = dependency_set(arch, node, separable=False)
    return {"extent": list(s.extent), "first": list(s.offset), "holes": s.holes,
            "hole_positions": [list(h) for h in s.hole_positions(HOLE_LIST_LIMIT)],
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
                ) -> dict[str, Any]:
    """One entry: closed forms (null where they do not apply), exact set, parameters."""
    exact = _exact(arch, node, table)
    entry: dict[str, Any] = {"id": node, "op": arch.node(node).op}
    if closed is not None:
        entry.update(receptive_field=[f.receptive_field for f in closed],
                     effective_stride=[f.effective_stride for f in closed],
                     effective_padding=[f.effective_padding for f in closed],
                     center=[_number(f.center) for f in closed])
        entry["closed_form_matches_exact"] = (
            exact["extent"] == entry["receptive_field"]
            and exact["first"] == [-p for p in entry["effective_padding"]])
    else:  # after upsample / maxunpool: output unit 0's exact set only
        entry.update(receptive_field=exact["extent"], effective_stride=None,
                     effective_padding=[-f for f in exact["first"]],
                     center=[_number(f + (e - 1) / 2)
                             for f, e in zip(exact["first"], exact["extent"], strict=True)],
                     closed_form_matches_exact=None)
    entry.update(dense=exact["holes"] == 0, holes=exact["holes"],
                 hole_positions=exact["hole_positions"], parameters=parameters)
    if exact["axis_holes"] is not None:
        entry["axis_hole_positions"] = exact["axis_holes"]
    return entry


def rf_report(arch: Architecture) -> dict[str, Any]:
    """The full report: the output's entry at top level, one entry per non-input node in
    ``layers`` (``parameters`` counts every parameter the node depends on), and alignment."""
    report = closed_forms(arch)
    totals = _dependent_parameters(arch)
    table = axis_set_table(arch, HOLE_LIST_LIMIT) if is_separable(arch) else None
    layers = [node_report(arch, n.id, report.fields[n.id], totals[n.id], table)
              for n in arch.nodes if n.op != "input"]
    top = next(entry for entry in layers if entry["id"] == arch.output)
    out = {"dims": arch.dims, "output": arch.output, **top}
    out.pop("id")
    out.pop("op")
    out["aligned"] = report.aligned
    out["alignment"] = [a.message for a in report.alignments if not a.aligned]
    out["layers"] = layers
    return out
