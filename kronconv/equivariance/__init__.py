"""Translation equivariance on the cyclic domain: which shifts an architecture respects and the
output shift of each. The shift calculus (``shifts``, its rules proved for every size in
``lemmas``) is the answer (``analysis``, by class of shifts, at any size); ``exhaustive`` decides
every shift one by one at small sizes, independently, for the cross-check; ``smt`` builds the z3
queries; ``consistency`` holds the randomized checks, the shift-consistency measurement and the
small-domain sweep.
"""

from kronconv.equivariance.analysis import analyze_equivariance
from kronconv.equivariance.consistency import (
    compare_with_consistency,
    randomized_equivariance,
    shift_consistency,
)
from kronconv.equivariance.exhaustive import exhaustive_equivariance
from kronconv.equivariance.results import Counterexample, EquivarianceResult, ShiftVerdict
from kronconv.equivariance.shifts import ShiftGroup, calculus, derived_shifts

__all__ = [
    "Counterexample",
    "EquivarianceResult",
    "ShiftGroup",
    "ShiftVerdict",
    "analyze_equivariance",
    "calculus",
    "compare_with_consistency",
    "derived_shifts",
    "exhaustive_equivariance",
    "randomized_equivariance",
    "shift_consistency",
]
