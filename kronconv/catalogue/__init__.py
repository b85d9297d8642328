"""The built-in catalogue, shipped as package data: the proof scripts of groups A-D
(``proofs/``), the example architectures (``architectures/``) and the Coq proofs (``coq/``).
Nothing here is imported by the library; the runner loads the scripts by path, like any user's,
and the formal engine compiles the Coq sources in a temporary directory."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from kronconv.errors import check_choice

if TYPE_CHECKING:
    from kronconv.specs.architecture import Architecture

ROOT = Path(__file__).resolve().parent
PROOFS = ROOT / "proofs"
ARCHITECTURES = ROOT / "architectures"
COQ = ROOT / "coq"
# The Coq sources in compilation order (a later file may import an earlier one).
COQ_SOURCES = (COQ / "Cascade1D.v", COQ / "Cascade2D.v", COQ / "Cascade3D.v")


def example_names() -> list[str]:
    """The shipped example architectures, by name (the file name without its suffix)."""
    return sorted(p.stem for p in ARCHITECTURES.glob("*.json"))


def example_path(name: str) -> Path:
    """The file of a shipped example architecture; an unknown name lists the valid ones."""
    check_choice("--example", name, example_names())
    return ARCHITECTURES / f"{name}.json"


def load_example(name: str) -> Architecture:
    """A shipped example architecture, parsed (``load_example("vgg16")``)."""
    from kronconv.specs.architecture import load_architecture

    return load_architecture(example_path(name))
