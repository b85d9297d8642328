"""Receptive fields of any architecture: the closed forms of Araujo et al. per node and axis
(``closed_forms``), the exact coverage set and its holes (``coverage``), gridding and Wang et
al.'s condition (``gridding``), and the per-layer report of ``kronconv rf`` (``report``)."""

from kronconv.receptive_field.dependency import Support, coverage, dependency_set
from kronconv.receptive_field.gridding import HdcVerdict, hdc_condition, minkowski_coverage
from kronconv.receptive_field.recursion import (
    Alignment,
    AxisField,
    FieldReport,
    closed_forms,
    receptive_field,
)
from kronconv.receptive_field.report import RFLayer, RFReport, rf_report

__all__ = [
    "Alignment",
    "AxisField",
    "FieldReport",
    "HdcVerdict",
    "RFLayer",
    "RFReport",
    "Support",
    "closed_forms",
    "coverage",
    "dependency_set",
    "hdc_condition",
    "minkowski_coverage",
    "receptive_field",
    "rf_report",
]
