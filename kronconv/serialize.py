"""The one JSON serializer: ``to_json(value)`` turns any kronconv result into plain JSON data.

In the spirit of SymPy's printers, it dispatches on the value's type: it walks the class's MRO
and calls the first printer registered for a class there (``@prints("module.Class")``), so a
subclass is printed like its base. Printers are keyed by qualified name, not by the class
object, so this module imports no subject package (``kronconv rf`` stays free of SymPy and z3).
A dataclass without a printer of its own is printed field by field, so new fields flow through.

Exact values stay exact: a Fraction that is not an integer and a SymPy expression become
strings (``"1/2"``, ``"k_0*k_1"``); numpy scalars become Python numbers; arrays nested lists.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping
from fractions import Fraction
from typing import Any

Printer = Callable[[Any], Any]
_PRINTERS: dict[str, Printer] = {}


def prints(*names: str) -> Callable[[Printer], Printer]:
    """Register a printer for the classes with these qualified names (``module.Class``)."""

    def register(function: Printer) -> Printer:
        for name in names:
            _PRINTERS[name] = function
        return function

    return register


def to_json(value: Any) -> Any:
    """``value`` as JSON data (dicts, lists, str, int, float, bool, None)."""
    for cls in type(value).__mro__:
        printer = _PRINTERS.get(f"{cls.__module__}.{cls.__qualname__}")
        if printer is not None:
            return printer(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return fields_json(value)
    raise TypeError(f"kronconv.serialize has no printer for {type(value).__qualname__}")


def fields_json(value: Any, *, skip: tuple[str, ...] = (), omit_empty: bool = False
                ) -> dict[str, Any]:
    """A dataclass's fields in declaration order (optionally leaving out empty ones)."""
    out = {}
    for f in dataclasses.fields(value):
        item = getattr(value, f.name)
        if f.name in skip or (omit_empty and _empty(item)):
            continue
        out[f.name] = to_json(item)
    return out


def _empty(item: Any) -> bool:
    return item is None or (isinstance(item, str | tuple | list | dict | Mapping) and not item)


def rounded(seconds: float, digits: int) -> float:
    return round(float(seconds), digits)


# -- plain values ------------------------------------------------------------------------------
@prints("builtins.NoneType", "builtins.bool", "builtins.str", "builtins.int")
def _plain(value: Any) -> Any:
    return value


@prints("builtins.float")
def _float(value: float) -> float | str:
    return value if math.isfinite(value) else str(value)  # JSON has no inf / nan


@prints("builtins.dict", "collections.abc.Mapping")
def _mapping(value: Mapping[Any, Any]) -> dict[str, Any]:
    return {k if isinstance(k, str) else str(k): to_json(v) for k, v in value.items()}


@prints("builtins.list", "builtins.tuple", "builtins.set", "builtins.frozenset")
def _sequence(value: Any) -> list[Any]:
    items = sorted(value) if isinstance(value, set | frozenset) else value
    return [to_json(v) for v in items]


@prints("fractions.Fraction")
def _fraction(value: Fraction) -> int | str:
    return int(value) if value.denominator == 1 else str(value)


@prints("numpy.ndarray")
def _array(value: Any) -> list[Any]:
    return [to_json(v) for v in value.tolist()] if value.ndim else to_json(value.item())


@prints("numpy.generic")
def _numpy_scalar(value: Any) -> Any:
    return to_json(value.item())


@prints("sympy.core.basic.Basic", "pathlib.PurePath")
def _text(value: Any) -> str:
    return str(value)


# -- claims ------------------------------------------------------------------------------------
EVIDENCE_HEAD = ("tier", "kind", "detail", "verdict")


@prints("kronconv.evidence.Evidence")
def _evidence(e: Any) -> dict[str, Any]:
    """The head keys and seconds; then the labels that are set; what the label kind makes
    meaningful (cases of an enumeration, the re-check of a counterexample, what a proof or an
    enumeration rests on, whether a proof is general); ``data`` last."""
    out: dict[str, Any] = {k: getattr(e, k) for k in EVIDENCE_HEAD}
    out["seconds"] = rounded(e.seconds, 4)
    for key in ("domain", "count", "seed", "error_bound", "rechecked_by"):
        if getattr(e, key) not in ("", None):
            out[key] = getattr(e, key)
    if e.kind == "exhaustive":
        out["cases"] = e.cases
    if e.per_trial is not None:
        out["per_trial"] = str(e.per_trial)
    if e.kind == "counterexample":
        out["rechecked"] = e.rechecked
    if e.kind in ("proof", "exhaustive"):
        out["rests_on"] = list(e.rests_on)
    if e.kind == "proof":
        out["general"] = e.general
    if e.data:
        out["data"] = to_json(e.data)
    return out


@prints("kronconv.claims.runner.ClaimResult")
def _claim_result(r: Any) -> dict[str, Any]:
    c = r.claim
    out: dict[str, Any] = {
        "id": c.id, "title": c.title, "source": c.source, "group": c.group,
        "statement": c.statement, "status": r.status, "expected": c.expected,
        "outcome": r.outcome, "seconds": rounded(r.seconds, 3), "uses": list(c.uses),
        "tiers": list(r.tiers), "rests_on": list(r.rests_on),
        "evidence": [to_json(e) for e in r.evidence]}
    if c.conditions:
        out["conditions"] = c.conditions
    if r.error:
        out["error"] = r.error
    if r.skipped:
        out["skipped"] = list(r.skipped)
    return out


@prints("kronconv.render.report.ClaimsReport")
def _claims_report(report: Any) -> dict[str, Any]:
    return {"generated_by": report.generated_by, "summary": report.summary(),
            "claims": [to_json(r) for r in report.results]}


# -- identity ----------------------------------------------------------------------------------
@prints("kronconv.kronecker.result.IdentityResult")
def _identity(r: Any) -> dict[str, Any]:
    evidence = {"kind": r.evidence_kind, "detail": r.detail}
    if r.error_bound and r.holds:
        evidence["error_bound"] = r.error_bound
    return {"holds": r.holds, "engine": r.engine, "evidence": evidence,
            "kernel_extent": list(r.kernel_extent), "predicted_extent": list(r.predicted_extent),
            "comparison": r.comparison, "seconds": rounded(r.seconds, 4), **to_json(r.extra)}


@prints("kronconv.kronecker.boundary.BoundaryRelation")
def _boundary_relation(r: Any) -> dict[str, Any]:
    rows = [list(map(int, index)) for index in zip(*r.region.nonzero(), strict=True)]
    box = ([min(row[a] for row in rows) for a in range(len(r.shape))],
           [max(row[a] for row in rows) for a in range(len(r.shape))]) if rows else None
    return {"boundary": r.boundary, "input_shape": list(r.shape), "shift": list(r.shift),
            "agreeing_outputs": len(rows), "outputs": int(r.region.size),
            "bounding_box": [box[0], box[1]] if box else None,
            "relation": "cascade[t] = single[t + shift]" + (
                " (mod n)" if r.boundary == "circular" else " for t in the region")}


@prints("kronconv.kronecker.structure.Structure")
def _structure(s: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"kind": s.kind, "extent": list(s.extent),
                           "order_inner_to_outer": list(s.order),
                           "paddings": [list(p) for p in s.paddings],
                           "paddings_note": "d_k - ext(inner) per axis; negative = overlap"}
    if s.first_violation is not None:
        out["overlap_at_layer"] = s.first_violation
    return out


@prints("kronconv.kronecker.structure.KroneckerRank")
def _kronecker_rank(k: Any) -> dict[str, Any]:
    from kronconv.kronecker.structure import FLOAT_RANK_RULE

    return {"rank": k.rank, "block": list(k.block), "method": k.method,
            "nearest_kronecker_relative_error": k.nearest_error,
            "float_rank": k.float_rank, "float_rank_rule": FLOAT_RANK_RULE,
            "singular_values": [float(f"{s:.6g}") for s in k.singular_values[:8]]}


@prints("kronconv.kronecker.dof.RankResult")
def _dof_rank(r: Any) -> dict[str, Any]:
    return {"parameters": r.parameters, "degrees_of_freedom": r.rank,
            "upper_bound": r.upper_bound, "proved": r.proved, "method": r.method,
            "entries": math.prod(r.cascade.extent), "seed": r.seed}


@prints("kronconv.kronecker.nonlinear.Counterexample")
def _nonlinear_counterexample(c: Any) -> dict[str, Any]:
    return {"violates": c.property, "kernels": to_json(c.kernels), "inputs": to_json(c.inputs),
            "outputs": to_json(c.outputs), "found_by": c.found_by,
            "rechecked_by": c.rechecked_by}


# -- receptive field ---------------------------------------------------------------------------
RF_ROW = ("receptive_field", "effective_stride", "effective_padding", "center",
          "closed_form_matches_exact", "dense", "holes", "hole_positions", "parameters")


def _rf_row(row: Any) -> dict[str, Any]:
    out = {key: to_json(getattr(row, key)) for key in RF_ROW}
    if row.axis_hole_positions is not None:
        out["axis_hole_positions"] = to_json(row.axis_hole_positions)
    return out


@prints("kronconv.receptive_field.report.RFLayer")
def _rf_layer(row: Any) -> dict[str, Any]:
    return {"id": row.id, "op": row.op, **_rf_row(row)}


@prints("kronconv.receptive_field.report.RFReport")
def _rf_report(report: Any) -> dict[str, Any]:
    """The output's row at top level, then alignment and every row in ``layers``."""
    out = {"dims": report.dims, "output": report.output, **_rf_row(report.top),
           "aligned": report.aligned, "alignment": list(report.alignment),
           "layers": [to_json(row) for row in report.layers]}
    if report.input_shape is not None:  # the per-layer table of --input-shape
        out["input_shape"] = list(report.input_shape)
        out["table"] = [to_json(row) for row in report.table]
    return out


# -- equivariance ------------------------------------------------------------------------------
SHIFT_CONVENTION = ("(T_v x)[i] = x[i - v] cyclically (numpy.roll); respected: f(T_v x) = "
                    "T_u f(x) for every input x")


LISTED_SHIFTS = 65536  # the JSON lists every respected shift up to this many
LARGE_INPUT = 4096  # a counterexample with a larger input is given by shape and digest


@prints("kronconv.equivariance.results.Counterexample")
def _shift_counterexample(c: Any) -> dict[str, Any]:
    from kronconv.equivariance.results import digest

    out: dict[str, Any] = {"shift": list(c.shift)}
    if c.input.size > LARGE_INPUT:
        out.update(input_shape=list(c.input.shape), input_sha256=digest(c.input))
    else:
        out.update(input=to_json(c.input), output=to_json(c.output),
                   shifted_output=to_json(c.shifted_output))
    out.update(weights_seed=c.weights_seed,
               rechecked_by=c.rechecked_by or "not re-checked (exact int64/rational engine)",
               differs="f(T_v x) equals T_u f(x) for no output shift u")
    if c.input.size <= LARGE_INPUT and c.expected_output is not None:
        out["expected_output"] = to_json(c.expected_output)
    if c.input.size <= LARGE_INPUT and c.weights is not None:
        out["weights"] = to_json(c.weights)
    return out


@prints("kronconv.equivariance.results.ShiftVerdict")
def _shift_verdict(v: Any) -> dict[str, Any]:
    from kronconv.equivariance.results import region_json

    out: dict[str, Any] = {"shift": list(v.shift), "status": v.status, "evidence": v.evidence}
    if v.output_shift is not None:
        out["output_shift"] = list(v.output_shift)
    if v.counterexample is not None:
        out["counterexample"] = to_json(v.counterexample)
    if v.period is not None:
        out["class"] = {"representative": list(v.shift), "period": list(v.period),
                        "members": v.members,
                        "meaning": "every v with v = representative mod period per axis"}
    if v.region is not None:
        out["agreement_region"] = {**region_json(v.region),
                                   "output_shift": list(v.region_shift or ())}
    return out


def _pairs(pairs: Any) -> list[dict[str, list[int]]]:
    return [{"shift": list(v), "output_shift": list(u)} for v, u in pairs]


@prints("kronconv.equivariance.results.EquivarianceResult")
def _equivariance(r: Any) -> dict[str, Any]:
    """The keys of kronconv 0.1 in their order, then the calculus' own (method, generators,
    checks)."""
    listed = len(r.respected) <= LISTED_SHIFTS
    return {
        "architecture": r.name, "size": list(r.size), "output_size": list(r.output_size),
        "question": r.question, "question_text": r.question_text, "weights": r.weights,
        "seed": r.seed, "shift_convention": SHIFT_CONVENTION,
        "equivariant_shifts": _pairs(sorted(r.respected.items())) if listed else
        f"not listed: more than {LISTED_SHIFTS} (see the generators)",
        "respected_count": len(r.respected), "total_shifts": math.prod(r.size),
        "total_stride": list(r.total_stride),
        "matches_total_stride_rule": r.matches_total_stride_rule(),
        "not_equivariant": [to_json(v) for v in r.with_status("not-respected")],
        "unknown": [to_json(v) for v in r.with_status("unknown")],
        "proof": {"kind": "z3 unsat of the negation for each generator at this size; the "
                          "respected (v, u) pairs form a group, so the generated group is "
                          "proved",
                  "generators": _pairs(r.generators),
                  "queries": [{"name": q.name, "status": q.status, "reason": q.reason,
                               "seconds": rounded(q.seconds, 3)} for q in r.proofs]},
        "notes": list(r.notes), "seconds": rounded(r.seconds, 3),
        "method": r.method, "generators": _pairs(r.generators), "checks": to_json(r.checks),
    }


@prints("kronconv.equivariance.consistency.SideBySide")
def _side_by_side(r: Any) -> dict[str, Any]:
    return {"exact": {"respected": r.respected, "of": r.total, "fraction": r.exact_fraction},
            "sampled": to_json(r.sampled)}


# -- sweep -------------------------------------------------------------------------------------
@prints("kronconv.kronecker.sweep.SweepResult")
def _sweep(r: Any) -> dict[str, Any]:
    """The keys of kronconv 0.1 in their order, then the named domain and the count."""
    return {"domain": r.domain.describe(), "ok": r.ok, "checked": dict(r.checked),
            "mismatches": to_json(r.mismatches[:20]), "seconds": rounded(r.seconds, 2),
            "table": [{"part": p, "group": g, "class": c, "count": n}
                      for (p, g, c), n in sorted(r.counts.items())],
            "domain_name": r.domain.name, "configurations": sum(r.checked.values())}
