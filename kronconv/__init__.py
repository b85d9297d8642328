"""kronconv: machine-checked mathematics of dilated convolutions.

The public API:

- specs: :class:`Layer`, :class:`Cascade`;
- array operations: :func:`dilated_conv`, :func:`composite_kernel`, :func:`kron`,
  and the naive :func:`reference_dilated_conv` they are tested against;
- engines: :func:`get_engine` ('symbolic', 'exact', 'modular', 'float');
- architectures: :class:`Architecture`, :func:`load_architecture`, :func:`parse_architecture`,
  :func:`plain_stack`;
- analyses: :func:`check_identity`, :func:`cascade_identity_proof`, :func:`receptive_field`,
  :func:`closed_forms`, :func:`coverage`, :func:`dependency_set`, :func:`analyze_equivariance`;
- claims: :func:`claim`, :class:`Evidence`, :func:`load_claims`, :func:`run_claims`;
- errors: :class:`KronconvError` and its subclasses.
"""

from kronconv.analysis.coverage import coverage, dependency_set
from kronconv.analysis.equivariance import EquivarianceResult, analyze_equivariance
from kronconv.analysis.identity import IdentityResult, check_identity, kronecker_prediction
from kronconv.analysis.induction import InductionProof, Variant, cascade_identity_proof
from kronconv.analysis.receptive_field import closed_forms, receptive_field
from kronconv.architecture import (
    Architecture,
    Node,
    load_architecture,
    parse_architecture,
    plain_stack,
)
from kronconv.claims import Claim, Evidence, claim, load_claims, run_claims
from kronconv.engines import Engine, get_engine, reference_dilated_conv
from kronconv.errors import (
    ArchitectureError,
    InvalidParameterError,
    KronconvError,
    ResourceLimitError,
    SolverError,
)
from kronconv.ops import composite_kernel, dilated_conv, kron
from kronconv.specs import Cascade, Layer

__version__ = "0.1.0"

__all__ = [
    "Architecture",
    "ArchitectureError",
    "Cascade",
    "Claim",
    "Engine",
    "EquivarianceResult",
    "Evidence",
    "IdentityResult",
    "InductionProof",
    "InvalidParameterError",
    "KronconvError",
    "Layer",
    "Node",
    "ResourceLimitError",
    "SolverError",
    "Variant",
    "__version__",
    "analyze_equivariance",
    "cascade_identity_proof",
    "check_identity",
    "claim",
    "closed_forms",
    "composite_kernel",
    "coverage",
    "dependency_set",
    "dilated_conv",
    "get_engine",
    "kron",
    "kronecker_prediction",
    "load_architecture",
    "load_claims",
    "parse_architecture",
    "plain_stack",
    "receptive_field",
    "reference_dilated_conv",
    "run_claims",
]
