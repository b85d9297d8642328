"""What a check of the Kronecker identity reports, whichever analysis produced it: the scalar
linear check (:mod:`kronconv.kronecker.identity`), the nonlinear refutation
(:mod:`kronconv.kronecker.nonlinear`) or the multichannel generalisation
(:mod:`kronconv.kronecker.multichannel`)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from kronconv.specs import Cascade


@dataclass(frozen=True)
class IdentityResult:
    """What ``check_identity`` found; ``kronconv.serialize.to_json`` of it is what ``kronconv
    identity --json`` prints."""

    holds: bool
    engine: str
    kind: str
    detail: str
    kernel_extent: tuple[int, ...]
    predicted_extent: tuple[int, ...]
    seconds: float
    comparison: str
    extra: dict[str, Any] = field(default_factory=dict)
    error_bound: str = ""  # randomized evidence: its probability (or tolerance) bound

    @property
    def evidence_kind(self) -> str:
        """The label of the evidence: a failed equality at a point is not a randomized "proof"
        of anything, it is a counterexample."""
        return self.kind if self.holds else "counterexample"

    def _repr_html_(self) -> str:
        from kronconv.render.notebook import identity_html

        return identity_html(self)

    def _repr_latex_(self) -> str:
        from kronconv.render.notebook import identity_latex

        return identity_latex(self)


def predicted_extent(cascade: Cascade) -> tuple[int, ...]:
    """Extent of K_L kron ... kron K_0 per axis: prod_l a_l."""
    return tuple(math.prod(layer.sizes[axis] for layer in cascade.layers)
                 for axis in range(cascade.dims))
