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
    exhaustive,
)
from kronconv.claims.runner import ClaimResult, load_claims, run_claim, run_claims, select

__all__ = [
    "KINDS",
    "STATUSES",
    "TIERS",
    "Check",
    "Claim",
    "ClaimDeclaration",
    "ClaimResult",
    "Evidence",
    "claim",
    "exhaustive",
    "load_claims",
    "run_claim",
    "run_claims",
    "select",
    "smt_proof",
]
