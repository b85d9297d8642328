"""Translation equivariance on the cyclic domain: which shifts an architecture respects and the
output shift of each (``analysis``), their z3 proofs (``smt``), and randomized checks and the
shift-consistency measurement at large sizes (``consistency``)."""

from kronconv.equivariance.analysis import (
    Counterexample,
    EquivarianceResult,
    ShiftVerdict,
    analyze_equivariance,
    derived_shifts,
)
from kronconv.equivariance.consistency import randomized_equivariance, shift_consistency

__all__ = [
    "Counterexample",
    "EquivarianceResult",
    "ShiftVerdict",
    "analyze_equivariance",
    "derived_shifts",
    "randomized_equivariance",
    "shift_consistency",
]
