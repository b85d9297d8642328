"""Claims: declarations in proof scripts (with their derivations and the claims they use),
evidence with honest labels, and the runner."""

from kronconv.claims.derivation import Context, Derivation, SizeSpec
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
from kronconv.claims.runner import (
    ClaimResult,
    Disproved,
    load_claims,
    load_sibling,
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
    "Context",
    "Derivation",
    "Disproved",
    "Evidence",
    "SizeSpec",
    "claim",
    "exhaustive",
    "load_claims",
    "load_sibling",
    "run_claim",
    "run_claims",
    "select",
    "smt_proof",
]
