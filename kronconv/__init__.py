"""kronconv: machine-checked mathematics of dilated convolutions.

The public API (imported lazily, so that ``import kronconv`` and the CLI start at once):

- specs: :class:`Layer`, :class:`Cascade`, :class:`Architecture`, :class:`Node`,
  :func:`load_architecture`, :func:`parse_architecture`, :func:`plain_stack`, and
  :func:`from_torch` (a PyTorch model's architecture; needs the ``torch`` extra);
- array operations: :func:`dilated_conv`, :func:`composite_kernel`, :func:`kron`, and the naive
  :func:`reference_dilated_conv` they are tested against;
- engines: :func:`get_engine` ('symbolic', 'exact', 'modular', 'float');
- the three subjects, each a package: ``kronconv.kronecker`` (:func:`check_identity`,
  :func:`cascade_identity_proof`, ...), ``kronconv.receptive_field`` (:func:`closed_forms`,
  :func:`coverage`, :func:`dependency_set`, ...) and ``kronconv.equivariance``
  (:func:`analyze_equivariance`, ...);
- claims: :func:`claim`, :class:`Evidence`, :func:`load_claims`, :func:`run_claims`;
- errors: :class:`KronconvError` and its subclasses.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.2.0"

_WHERE = {
    "Architecture": "kronconv.specs",
    "Cascade": "kronconv.specs",
    "Layer": "kronconv.specs",
    "Node": "kronconv.specs",
    "load_architecture": "kronconv.specs",
    "parse_architecture": "kronconv.specs",
    "plain_stack": "kronconv.specs",
    "load_example": "kronconv.catalogue",
    "from_torch": "kronconv.torch_import",
    "composite_kernel": "kronconv.ops",
    "dilated_conv": "kronconv.ops",
    "kron": "kronconv.ops",
    "Engine": "kronconv.engines",
    "get_engine": "kronconv.engines",
    "reference_dilated_conv": "kronconv.engines",
    "IdentityResult": "kronconv.kronecker",
    "InductionProof": "kronconv.kronecker",
    "Variant": "kronconv.kronecker",
    "cascade_identity_proof": "kronconv.kronecker",
    "check_identity": "kronconv.kronecker",
    "kronecker_prediction": "kronconv.kronecker",
    "closed_forms": "kronconv.receptive_field",
    "coverage": "kronconv.receptive_field",
    "dependency_set": "kronconv.receptive_field",
    "EquivarianceResult": "kronconv.equivariance",
    "analyze_equivariance": "kronconv.equivariance",
    "Claim": "kronconv.claims",
    "Evidence": "kronconv.claims",
    "claim": "kronconv.claims",
    "exhaustive": "kronconv.claims",
    "load_claims": "kronconv.claims",
    "run_claims": "kronconv.claims",
    "ArchitectureError": "kronconv.errors",
    "InvalidParameterError": "kronconv.errors",
    "KronconvError": "kronconv.errors",
    "ResourceLimitError": "kronconv.errors",
    "SolverError": "kronconv.errors",
}

__all__ = ["__version__", *sorted(_WHERE)]


def __getattr__(name: str) -> Any:
    """Import a public name's module on first use (PEP 562)."""
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'kronconv' has no attribute {name!r}")
    # Not cached in globals(): the defining module stays the one source of truth, also when a
    # test harness (pytester) drops and re-imports kronconv's submodules.
    return getattr(importlib.import_module(module), name)


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_WHERE))
