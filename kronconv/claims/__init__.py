"""Claims: declarations in proof scripts, evidence with honest labels, and the runner."""

from kronconv.claims.evidence import smt_proof
from kronconv.claims.model import (
    KINDS,
    STATUSES,
    TIERS,
    Check,
    Claim,
    ClaimDeclaration,
    Evidence,
    claim,
)
from kronconv.claims.runner import (
    ClaimResult,
    Disproved,
    load_claims,
    run_claim,
    run_claims,
    select,
)

__all__ = [
    "KINDS",
    "STATUSES",
    "TIERS",
    "Check",
    "Claim",
    "ClaimDeclaration",
    "ClaimResult",
    "Disproved",
    "Evidence",
    "claim",
    "load_claims",
    "run_claim",
    "run_claims",
    "select",
    "smt_proof",
]
