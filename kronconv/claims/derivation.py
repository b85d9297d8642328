"""A claim's derivation: the steps a reader follows, and optionally a small expanded instance.

A proof script attaches a :class:`Derivation` to its claim (``claim(..., derivation=...)``), so
the derivation is registered when the script loads, like the claim's checks. The steps are a
function of a :class:`Context` (which claims the document holds, for cross-references); the
instance is a function of the sizes a reader picks, validated by a :class:`SizeSpec`. Both
return :class:`~kronconv.latex.Latex` values; :mod:`kronconv.render.derivation_helpers` holds the
helpers they share.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import kronconv.latex as tex
from kronconv.errors import check_int, invalid
from kronconv.latex import Latex


def claim_key(claim_id: str) -> str:
    """The LaTeX label of a claim's section: cross-references use it."""
    return f"claim:{claim_id}"


@dataclass(frozen=True)
class Context:
    """What a derivation may refer to: the claim ids present in the same document."""

    known_ids: frozenset[str] = frozenset()
    level: int = 1  # the claim's own section level (1 alone, 2 inside a group)
    shared_conventions: bool = False  # the document states the conventions once, up front

    def ref(self, claim_id: str) -> Latex:
        """``id (§n)`` when the claim is in this document, else just the id."""
        name = tex.identifier(claim_id)
        if claim_id in self.known_ids:
            return name + tex.raw(f"~(\\S\\ref{{{claim_key(claim_id)}}})")
        return name

    def heading(self, title: str, body: Latex) -> Latex:
        """A part of the claim's section, one level below it (``$...$`` in the title is
        mathematics)."""
        return tex.section(tex.prose(title), body, level=min(self.level + 1, 4))


@dataclass(frozen=True)
class SizeSpec:
    """What the sizes of a small instance mean, their defaults and their upper limits."""

    names: tuple[str, ...]
    defaults: tuple[int, ...]
    maxima: tuple[int, ...]
    minima: tuple[int, ...] = ()
    help: str = ""
    validate: Callable[[tuple[int, ...]], None] | None = None  # joint limits, raises invalid

    def check(self, sizes: Sequence[int]) -> tuple[int, ...]:
        """The sizes given (missing trailing ones take defaults), each within its range."""
        if len(sizes) > len(self.names):
            raise invalid("sizes", list(sizes), f"at most {len(self.names)} integers: "
                          f"{' '.join(self.names)} ({self.help})")
        full = [*sizes, *self.defaults[len(sizes):]]
        minima = self.minima or (1,) * len(self.names)
        checked = tuple(check_int(name, value, minimum=low, maximum=high)
                        for name, value, low, high in zip(self.names, full, minima,
                                                          self.maxima, strict=True))
        if self.validate is not None:
            self.validate(checked)
        return checked


@dataclass(frozen=True)
class Derivation:
    """How one claim is derived, and optionally the expanded entries of a small instance
    (``instance`` and ``sizes`` go together: a reader's sizes are checked before expanding)."""

    steps: Callable[[Context], Latex]
    instance: Callable[[tuple[int, ...]], Latex] | None = None
    sizes: SizeSpec | None = None

    def __post_init__(self) -> None:
        if (self.instance is None) != (self.sizes is None):
            raise invalid("Derivation.sizes", self.sizes, "a SizeSpec exactly when the "
                          "derivation has an instance (and None otherwise)")

    def check_sizes(self, sizes: Sequence[int]) -> tuple[int, ...]:
        """The instance sizes, validated; a derivation without an instance accepts none."""
        if self.sizes is None:
            if sizes:
                raise invalid("sizes", list(sizes), "none: this derivation has no small "
                              "instance to expand")
            return ()
        return self.sizes.check(sizes)
