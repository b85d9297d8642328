"""The receptive-field report of ``kronconv rf``: closed forms, exact sets and parameters per
node, with the keys the issue fixes (receptive_field, effective_stride, effective_padding,
center, dense, holes, parameters, layers)."""

from __future__ import annotations

import math
from typing import Any

from kronconv.receptive_field.dependency import axis_dependency_sets, dependency_set, is_separable
from kronconv.receptive_field.recursion import AxisField, closed_forms
from kronconv.specs.architecture import Architecture

HOLE_LIST_LIMIT = 20
DENSE_MASK_LIMIT = 4_000_000  # build the N-D mask for hole positions only below this size


def _number(value: Any) -> int | float:
    return int(value) if value == int(value) else float(value)


def _exact(arch: Architecture, node: str) -> dict[str, Any]:
    """Exact dependency set of output unit 0 of ``node``: box, holes and hole positions."""
    if is_separable(arch):
        parts = axis_dependency_sets(arch, node)
        extent = [p.extent[0] for p in parts]
        first = [p.offset[0] for p in parts]
        holes = math.prod(extent) - math.prod(p.count for p in parts)
        axis_holes = [[h[0] for h in p.hole_positions(HOLE_LIST_LIMIT)] for p in parts]
        positions: list[list[int]] | None = None
        if math.prod(extent) <= DENSE_MASK_LIMIT:
            full = dependency_set(arch, node, separable=True)
            positions = [list(h) for h in full.hole_positions(HOLE_LIST_LIMIT)]
        return {"extent": extent, "first": first, "holes": holes, "hole_positions": positions,
                "axis_holes": axis_holes}
    s = dependency_set(arch, node, separable=False)
    return {"extent": list(s.extent), "first": list(s.offset), "holes": s.holes,
            "hole_positions": [list(h) for h in s.hole_positions(HOLE_LIST_LIMIT)],
            "axis_holes": None}


def _ancestors(arch: Architecture) -> dict[str, set[str]]:
    seen: dict[str, set[str]] = {}
    for node in arch.nodes:
        parents = [*node.inputs, *([node.indices] if node.indices else [])]
        seen[node.id] = {node.id}.union(*(seen[p] for p in parents))
    return seen


def node_report(arch: Architecture, node: str, closed: tuple[AxisField, ...] | None,
                parameters: int) -> dict[str, Any]:
    """One entry: closed forms (null where they do not apply), exact set, parameters."""
    exact = _exact(arch, node)
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
    own = arch.parameters()
    ancestors = _ancestors(arch)
    layers = [node_report(arch, n.id, report.fields[n.id],
                          sum(own[a] for a in ancestors[n.id]))
              for n in arch.nodes if n.op != "input"]
    top = next(entry for entry in layers if entry["id"] == arch.output)
    out = {"dims": arch.dims, "output": arch.output, **top}
    out.pop("id")
    out.pop("op")
    out["aligned"] = report.aligned
    out["alignment"] = [a.message for a in report.alignments if not a.aligned]
    out["layers"] = layers
    return out
