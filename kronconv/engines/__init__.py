"""Engines behind one small interface (:class:`Engine`), looked up by name."""

from __future__ import annotations

from kronconv.engines.base import Comparison, Engine
from kronconv.engines.numeric import ExactEngine, FloatEngine, ModularEngine
from kronconv.engines.reference import reference_dilated_conv
from kronconv.engines.symbolic import SymbolicEngine
from kronconv.registry import Registry

ENGINES: Registry[type[Engine]] = Registry("engine")
ENGINES.register("symbolic", SymbolicEngine)
ENGINES.register("exact", ExactEngine)
ENGINES.register("modular", ModularEngine)
ENGINES.register("float", FloatEngine)


def get_engine(name: str) -> Engine:
    """A fresh engine by name; an unknown name lists the valid ones."""
    return ENGINES[name]()


__all__ = [
    "ENGINES",
    "Comparison",
    "Engine",
    "ExactEngine",
    "FloatEngine",
    "ModularEngine",
    "SymbolicEngine",
    "get_engine",
    "reference_dilated_conv",
]
