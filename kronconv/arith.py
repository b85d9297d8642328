"""Arithmetic constants and exact ranks, shared by every engine and analysis.

- ``INT64_SAFE = 2^62``: a bound on |value| below which the sum of two int64 values cannot
  overflow (2^62 + 2^62 = 2^63 - 1 + 1): int64 is used only when a bound checked before the
  computation stays under it, Python ints otherwise.
- ``MODULAR_PRIME = 2^31 - 1`` (a Mersenne prime): residues are < 2^31, so a product of two is
  < 2^62 and a product plus an accumulator < 2^63 -- int64 never overflows before the reduction
  that follows each multiply-accumulate.
- :func:`exact_rank`: the rank over Q of an integer matrix (fraction-free elimination over Z).
- :func:`rank_mod_p`: the rank over GF(p). It never exceeds the rank over Q (a non-zero minor
  mod p is a non-zero integer), so it is a lower bound on the rank over Q.
"""

from __future__ import annotations

import numpy as np

INT64_SAFE = 2**62
MODULAR_PRIME = 2**31 - 1


def exact_rank(matrix: np.ndarray) -> int:
    """Exact rank over Q of an integer (or Python-int) matrix (SymPy DomainMatrix, fraction-free
    Gaussian elimination over ZZ)."""
    from sympy import ZZ
    from sympy.polys.matrices import DomainMatrix

    rows = [[ZZ(int(v)) for v in row] for row in np.asarray(matrix).tolist()]
    if not rows or not rows[0]:
        return 0
    return int(DomainMatrix(rows, (len(rows), len(rows[0])), ZZ).rank())


def rank_mod_p(matrix: np.ndarray, p: int = MODULAR_PRIME) -> int:
    """Exact rank over GF(p), p < 2^31, by Gaussian elimination on int64 residues (rows are the
    matrix's shorter side)."""
    m = np.array(matrix, dtype=object) % p
    m = m.astype(np.int64)
    if m.shape[0] > m.shape[1]:
        m = m.T.copy()  # rows = the short side
    rank, rows, cols = 0, m.shape[0], m.shape[1]
    for col in range(cols):
        if rank == rows:
            break
        pivots = np.flatnonzero(m[rank:, col]) + rank
        if pivots.size == 0:
            continue
        pivot = int(pivots[0])
        m[[rank, pivot]] = m[[pivot, rank]]
        m[rank] = (m[rank] * pow(int(m[rank, col]), p - 2, p)) % p
        factors = m[:, col].copy()
        factors[rank] = 0
        nonzero = np.flatnonzero(factors)
        if nonzero.size:
            m[nonzero] = (m[nonzero] - (factors[nonzero, None] * m[rank]) % p) % p
        rank += 1
    return rank
