"""The Kronecker identity: a cascade of a x a convolutions with dilations a^l is one convolution
with K_L kron ... kron K_0. Checking it (``identity``, reporting a ``result``), proving it for
every a and L (``induction``), characterising where it fails (``structure``, ``boundary``,
``nonlinear``, ``multichannel``, ``sweep``) and counting what it parametrises (``dof``)."""

from kronconv.kronecker.boundary import (
    BoundaryRelation,
    boundary_relation,
    direct_boundary_agreement,
)
from kronconv.kronecker.identity import check_identity, kronecker_prediction
from kronconv.kronecker.induction import InductionProof, ProofStep, Variant, cascade_identity_proof
from kronconv.kronecker.result import IdentityResult
from kronconv.kronecker.structure import (
    KroneckerRank,
    Structure,
    direct_structure,
    exponential_structure,
    kronecker_rank,
    predict_structure,
)
from kronconv.kronecker.sweep import Domain, SweepResult, run_sweep

__all__ = [
    "BoundaryRelation",
    "Domain",
    "IdentityResult",
    "InductionProof",
    "KroneckerRank",
    "ProofStep",
    "Structure",
    "SweepResult",
    "Variant",
    "boundary_relation",
    "cascade_identity_proof",
    "check_identity",
    "direct_boundary_agreement",
    "direct_structure",
    "exponential_structure",
    "kronecker_prediction",
    "kronecker_rank",
    "predict_structure",
    "run_sweep",
]
