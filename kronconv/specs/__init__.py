"""Specifications, the bottom layer: what a cascade or an architecture *is*, validated once at
construction. Everything above (engines, semantics, the subjects) reads these frozen values."""

from kronconv.specs.architecture import (
    MERGE_OPS,
    OPS,
    POINTWISE_OPS,
    WINDOW_OPS,
    Architecture,
    Node,
    load_architecture,
    parse_architecture,
    plain_stack,
)
from kronconv.specs.cascade import BOUNDARIES, CONVENTIONS, MAX_DIMS, NONLINEARITIES, Cascade, Layer

__all__ = [
    "BOUNDARIES",
    "CONVENTIONS",
    "MAX_DIMS",
    "MERGE_OPS",
    "NONLINEARITIES",
    "OPS",
    "POINTWISE_OPS",
    "WINDOW_OPS",
    "Architecture",
    "Cascade",
    "Layer",
    "Node",
    "load_architecture",
    "parse_architecture",
    "plain_stack",
]
