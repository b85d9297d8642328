"""Typed results of the equivariance analyses: counterexamples, one verdict per shift (or per
class of shifts), the whole answer, and their JSON form.

A *class* is a coset v + P Z_N^d of the respected group the calculus predicts (P its per-axis
period): the respected pairs form a group, so if v were respected by f, so would be every
member of its class, and conversely; a class's verdict is its representative's.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from kronconv.engines.smt import SmtResult
from kronconv.equivariance.shifts import all_shifts
from kronconv.semantics.weights import Weights

Shift = tuple[int, ...]


@dataclass(frozen=True)
class Counterexample:
    """An input x (C, *N) and weights for which f(T_v x) equals no cyclic shift of f(x)."""

    shift: Shift
    input: np.ndarray
    output: np.ndarray  # f(x)
    shifted_output: np.ndarray  # f(T_v x)
    expected_output: np.ndarray | None  # T_u f(x) for the calculus' u, when there is one
    weights_seed: int | None
    weights: Weights | None = None
    rechecked_by: str = ""  # empty: exact (fast engine), not re-checked by the reference



def digest(a: np.ndarray) -> str:
    return hashlib.sha256(np.ascontiguousarray(a).tobytes()).hexdigest()


@dataclass(frozen=True)
class ShiftVerdict:
    """The verdict of one shift, or of its whole class (``period`` set, ``members`` > 1)."""

    shift: Shift
    status: str  # respected | not-respected | unknown
    output_shift: Shift | None = None
    evidence: str = ""
    counterexample: Counterexample | None = None
    region: np.ndarray | None = None  # agreement mask (output grid) for ``region_shift``
    period: Shift | None = None
    members: int = 1
    region_shift: Shift | None = None



@dataclass(frozen=True)
class EquivarianceResult:
    """Every cyclic shift of an input size: respected (with its output shift), not respected
    (with a counterexample) or unknown, for one question (every weight, or these weights)."""

    name: str
    size: Shift
    output_size: Shift
    question: str  # all-weights | these-weights
    weights: str  # symbolic | random | given
    seed: int | None
    total_stride: Shift
    verdicts: tuple[ShiftVerdict, ...]
    respected: dict[Shift, Shift]
    method: str = "exhaustive"  # exhaustive (every shift screened) | calculus (by class)
    generators: tuple[tuple[Shift, Shift], ...] = ()
    proofs: tuple[SmtResult, ...] = ()
    checks: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0
    notes: tuple[str, ...] = ()

    @property
    def question_text(self) -> str:
        if self.question == "all-weights":
            return "respected for every choice of weights"
        seed = f" (random, seed {self.seed})" if self.seed is not None else ""
        return "respected by these weights" + seed

    def _repr_html_(self) -> str:
        from kronconv.render.notebook import equivariance_html

        return equivariance_html(self)

    def _repr_latex_(self) -> str:
        from kronconv.render.notebook import equivariance_latex

        return equivariance_latex(self)

    def with_status(self, status: str) -> list[ShiftVerdict]:
        return [v for v in self.verdicts if v.status == status]

    def rule_shifts(self) -> set[Shift]:
        """The shifts the total-stride rule keeps."""
        return {v for v in all_shifts(self.size)
                if all(a % s == 0 for a, s in zip(v, self.total_stride, strict=True))}

    def matches_total_stride_rule(self) -> bool:
        per_axis = all(n % s == 0 for n, s in zip(self.size, self.total_stride, strict=True))
        count = math.prod(n // s for n, s in zip(self.size, self.total_stride, strict=True))
        return per_axis and len(self.respected) == count and all(
            a % s == 0 for v in self.respected for a, s in zip(v, self.total_stride,
                                                                strict=True))



def plain(a: np.ndarray) -> Any:
    """An array as nested lists of JSON numbers (a non-integer fraction as a string)."""
    return np.vectorize(_scalar, otypes=[object])(a).tolist() if a.size else []


def _scalar(v: Any) -> Any:
    if isinstance(v, float | np.floating):
        return float(v)
    if hasattr(v, "denominator") and v.denominator != 1:
        return str(v)
    return int(v)


def region_json(mask: np.ndarray) -> dict[str, Any]:
    """An agreement mask as a count and, when it is a product of per-axis sets, those sets."""
    axes = [sorted(set(np.nonzero(mask.any(axis=tuple(b for b in range(mask.ndim) if b != a)))
                       [0].tolist())) for a in range(mask.ndim)]
    is_product = int(mask.sum()) == math.prod(len(a) for a in axes)
    out: dict[str, Any] = {"positions": int(mask.sum()), "of": int(mask.size)}
    if is_product:
        out["per_axis"] = axes
    elif mask.sum() <= 4096:
        out["positions_list"] = [list(map(int, i)) for i in zip(*np.nonzero(mask), strict=True)]
    return out
