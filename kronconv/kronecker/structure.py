"""What a single-channel linear composite kernel is: Kronecker, nested zero-padded Kronecker, or
neither; its Kronecker rank (Van Loan–Pitsianis) and nearest Kronecker product; TT ranks.

Notation (per axis). The composite of layers sorted by dilation is built as C_{-1} = delta and

    C_k = dilate(K_k, d_k) * C_{k-1},   ext(C_k) = ext(C_{k-1}) + (a_k - 1) d_k.

Block lemma: if ext(C_{k-1}) <= d_k then C_k = K_k kron pad(C_{k-1}, d_k) with trailing zeros
trimmed, the padding being p_k = d_k - ext(C_{k-1}) zeros. Hence (derived condition), with the
layers of size a_l > 1 sorted by dilation (the composite does not depend on the layer order):

- ``kronecker``        every d_k = ext(C_{k-1}) (= prod_{j<k} a_j): C = K_last kron ... K_first;
- ``padded-kronecker`` every d_k >= ext(C_{k-1}), some strictly: the nested zero-padded product;
- ``not-kronecker``    some d_k < ext(C_{k-1}): taps overlap (entries are sums of products) or
                       interleave, and C is no nested zero-padded Kronecker product of the kernels.

Positions of monomials force the block sizes to equal the dilations, so no other order or
padding can work. The *direct* test (:func:`direct_structure`) does not use this: it peels
factors off a generic composite (random values modulo a prime) by trying every kernel as the
outer factor and every admissible block size.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from kronconv.arith import MODULAR_PRIME, exact_rank
from kronconv.engines import ModularEngine
from kronconv.errors import invalid
from kronconv.specs import Cascade

PRIME = MODULAR_PRIME
STRUCTURES = ("kronecker", "padded-kronecker", "matrix-product", "not-kronecker", "nonlinear")
# Float rank: singular values below max(shape) * eps * sigma_1 are rounding noise (NumPy's rule:
# the rearranged matrix's entries carry relative error about eps, so its singular values are
# perturbed by at most about ||R||_2 * max(shape) * eps).
FLOAT_RANK_RULE = "sigma_i > max(shape) * 2^-52 * sigma_1"


@dataclass(frozen=True)
class Structure:
    """The derived structure of a single-channel linear cascade's composite."""

    kind: str
    extent: tuple[int, ...]
    order: tuple[int, ...]  # layer indices, innermost (smallest dilation) first
    paddings: tuple[tuple[int, ...], ...]  # per entry of ``order``: d - ext(inner), per axis
    first_violation: int | None = None  # layer index where d < ext(inner), if any


def _effective(cascade: Cascade) -> list[int]:
    """Layers that are not scalars (size > 1 on some axis), sorted by dilation (stable)."""
    layers = cascade.layers
    effective = [i for i, layer in enumerate(layers) if max(layer.sizes) > 1]
    return sorted(effective, key=lambda i: layers[i].dilations)


def predict_structure(cascade: Cascade) -> Structure:
    """The derived condition (module doc) for a single-channel linear cascade."""
    if not cascade.is_single_channel:
        raise invalid("channels", cascade.max_channels, "1 for the scalar structure")
    order = _effective(cascade)
    inner = [1] * cascade.dims
    paddings: list[tuple[int, ...]] = []
    strict, violation = False, None
    for index in order:
        layer = cascade.layers[index]
        padding = []
        for axis in range(cascade.dims):
            a, d = layer.sizes[axis], layer.dilations[axis]
            gap = d - inner[axis] if a > 1 else 0
            padding.append(gap)
            strict |= gap > 0
            if gap < 0 and violation is None:
                violation = index
            inner[axis] += (a - 1) * d
        paddings.append(tuple(padding))
    kind = ("not-kronecker" if violation is not None
            else "padded-kronecker" if strict else "kronecker")
    return Structure(kind, cascade.extent, tuple(order), tuple(paddings), violation)


def exponential_structure(a: int, d: int, layers: int) -> tuple[str, int, list[int]]:
    """Closed form for kernel size a and schedule d^l, l < layers: (kind, extent, paddings).

    d = a: kronecker, extent a^{L+1}; d > a: padded-kronecker with p_l = (d - a)(d^l - 1)/(d - 1),
    extent 1 + (a - 1)(d^{L+1} - 1)/(d - 1); d < a (and L >= 1, a > 1): overlaps, extent as for
    d > a (1 + (a - 1) L' for d = 1, L' = layers)."""
    if a == 1 or layers == 1:  # scalars, or one undilated layer (d^0 = 1)
        return "kronecker", a, [0] * layers
    geometric = layers if d == 1 else (d**layers - 1) // (d - 1)
    extent = 1 + (a - 1) * geometric
    if d == a:
        return "kronecker", extent, [0] * layers
    if d > a:
        return "padded-kronecker", extent, [(d - a) * (d**level - 1) // (d - 1)
                                            for level in range(layers)]
    return "not-kronecker", extent, []


# -- construction ----------------------------------------------------------------------------
def pad_to(array: np.ndarray, shape: Sequence[int]) -> np.ndarray:
    """Append zeros (in the array's ring) up to ``shape``."""
    zero = array.flat[0] * 0 if array.dtype == object else 0
    out = np.full(tuple(shape), zero, dtype=array.dtype)
    out[tuple(slice(0, n) for n in array.shape)] = array
    return out


def nested_padded_kronecker(kernels: Sequence[np.ndarray], blocks: Sequence[Sequence[int]],
                            reduce: Any = None) -> np.ndarray:
    """K_n kron pad( ... K_1 kron pad(K_0, m_1) ... , m_n), trailing zeros trimmed.

    ``kernels`` innermost first; ``blocks[k]`` is the block size m_k per axis (>= the inner
    extent; the innermost block is ignored). The result has extent (a_k - 1) m_k + ext(inner)."""
    inner = kernels[0]
    for kernel, block in zip(kernels[1:], blocks[1:], strict=True):
        extent = tuple(e for e in inner.shape)
        if any(m < e for m, e in zip(block, extent, strict=True)):
            raise invalid("blocks", list(block), f"block sizes >= the inner extent {extent}")
        product = np.kron(kernel, pad_to(inner, block))
        if reduce is not None:
            product = reduce(product)
        inner = product[tuple(slice(0, (a - 1) * m + e) for a, m, e in
                              zip(kernel.shape, block, extent, strict=True))]
    return inner


# -- the direct test -------------------------------------------------------------------------
@dataclass(frozen=True)
class DirectResult:
    kind: str
    order: tuple[int, ...] = ()  # layer indices, outermost first, as peeled
    blocks: tuple[tuple[int, ...], ...] = ()
    detail: str = ""
    data: dict[str, Any] = field(default_factory=dict)


def _trim(array: np.ndarray) -> np.ndarray:
    """Drop trailing all-zero hyperplanes on every axis (keeping at least one entry)."""
    for axis in range(array.ndim):
        others = tuple(other for other in range(array.ndim) if other != axis)
        nonzero = np.flatnonzero(np.any(array != 0, axis=others))
        keep = int(nonzero[-1]) + 1 if len(nonzero) else 1
        array = array[(slice(None),) * axis + (slice(0, keep),)]
    return array


def _peel(composite: np.ndarray, kernels: dict[int, np.ndarray],
          found: list[tuple[int, tuple[int, ...], int]]) -> bool:
    """Can ``composite`` (mod p) be written K kron pad(B, m) with K one of ``kernels`` and B
    recursively so? Records (layer, block, padding) outermost first; backtracks."""
    if not kernels:
        return composite.shape == (1,) * composite.ndim and int(composite.flat[0]) == 1
    extent = composite.shape
    for index, kernel in kernels.items():
        if kernel.flat[0] == 0:
            continue  # generic kernels have K[0] != 0 (probability 1 - 1/p)
        ranges = []
        for e, a in zip(extent, kernel.shape, strict=True):
            # (a - 1) m + ext(B) = e with 1 <= ext(B) <= m  <=>  ceil(e/a) <= m <= (e-1)/(a-1)
            ranges.append(range(e, e + 1) if a == 1 else
                          range(-(-e // a), (e - 1) // (a - 1) + 1))
        inverse = pow(int(kernel.flat[0]), PRIME - 2, PRIME)
        for block in np.ndindex(*(len(r) for r in ranges)):
            m = tuple(r[i] for r, i in zip(ranges, block, strict=True))
            if any(a > 1 and mm > e for mm, a, e in zip(m, kernel.shape, extent, strict=True)):
                continue
            first = composite[tuple(slice(0, min(mm, e)) for mm, e in
                                    zip(m, extent, strict=True))]
            inner = _trim((first * inverse) % PRIME)
            rebuilt = np.kron(kernel, pad_to(inner, m)) % PRIME
            rebuilt = rebuilt[tuple(slice(0, e) for e in extent)]
            if rebuilt.shape != extent or not np.array_equal(rebuilt, composite):
                continue
            rest = {k: v for k, v in kernels.items() if k != index}
            padding = max(mm - i for mm, i, a in zip(m, inner.shape, kernel.shape, strict=True)
                          if a > 1) if max(kernel.shape) > 1 else 0
            found.append((index, m, padding))
            if _peel(inner, rest, found):
                return True
            found.pop()
    return False


def direct_structure(cascade: Cascade, *, seed: int = 0) -> DirectResult:
    """Classify the composite of generic kernels without the derived condition.

    Kernels are random residues mod p = 2^31 - 1 (one seeded draw). A successful peel is an
    equality of polynomials at one random point (Schwartz–Zippel: wrong with probability at most
    (L+1)/p per comparison); a failed one is exact for this instance."""
    engine = ModularEngine()
    kernels = engine.kernels(cascade, seed=seed)
    dilations = [layer.dilations for layer in cascade.layers]
    composite = engine.composite(kernels, dilations)
    # Scalars (size 1 on every axis) are factors of any array: divide them out.
    scalars = [i for i, k in enumerate(kernels) if k.size == 1]
    for i in scalars:
        composite = (composite * pow(int(kernels[i].flat[0]), PRIME - 2, PRIME)) % PRIME
    remaining = {i: k for i, k in enumerate(kernels) if i not in scalars}
    found: list[tuple[int, tuple[int, ...], int]] = []
    if not _peel(composite, remaining, found):
        return DirectResult("not-kronecker", detail="no kernel peels off as an outer "
                            "Kronecker factor with any admissible block size (mod p)",
                            data={"extent": list(composite.shape)})
    padded = any(p > 0 for _, _, p in found)
    return DirectResult("padded-kronecker" if padded else "kronecker",
                        tuple(i for i, _, _ in found), tuple(m for _, m, _ in found),
                        "peeled outermost first: " + ", ".join(
                            f"K_{i} with block {list(m)} (padding {p})" for i, m, p in found),
                        {"extent": list(composite.shape)})


# -- Kronecker rank ---------------------------------------------------------------------------
def rearrange(array: np.ndarray, block: Sequence[int]) -> np.ndarray:
    """Van Loan–Pitsianis: zero-pad to whole blocks; row (i_1..i_n) = vec of block (i_1..i_n).

    A = B kron D with D of shape ``block`` iff this matrix is vec(B) vec(D)^T (rank 1)."""
    counts = [-(-n // m) for n, m in zip(array.shape, block, strict=True)]
    padded = pad_to(array, [c * m for c, m in zip(counts, block, strict=True)])
    split = padded.reshape([v for c, m in zip(counts, block, strict=True) for v in (c, m)])
    dims = array.ndim
    moved = split.transpose([2 * i for i in range(dims)] + [2 * i + 1 for i in range(dims)])
    return moved.reshape(math.prod(counts), math.prod(block))


@dataclass(frozen=True)
class KroneckerRank:
    rank: int
    block: tuple[int, ...]
    method: str
    nearest_error: float  # ||C - B kron D||_F / ||C||_F for the nearest Kronecker product
    singular_values: tuple[float, ...]
    float_rank: int


def nearest_kronecker(array: np.ndarray, block: Sequence[int]) -> tuple[np.ndarray, np.ndarray,
                                                                        np.ndarray]:
    """B, D minimising ||A - B kron D||_F (float64 SVD of the rearrangement) and its singular
    values; the error is sqrt(sum_{i >= 2} sigma_i^2)."""
    matrix = rearrange(np.asarray(array, dtype=float), block)
    u, s, vt = np.linalg.svd(matrix, full_matrices=False)
    counts = [-(-n // m) for n, m in zip(array.shape, block, strict=True)]
    outer = (np.sqrt(s[0]) * u[:, 0]).reshape(counts)
    inner = (np.sqrt(s[0]) * vt[0]).reshape(tuple(block))
    return outer, inner, s


def kronecker_rank(array: np.ndarray, block: Sequence[int]) -> KroneckerRank:
    """Rank of the rearrangement (exact for integer arrays, over GF(p) for residues is left to
    the caller) and the nearest Kronecker product's relative Frobenius error."""
    matrix = rearrange(array, block)
    rank = exact_rank(matrix)
    _, _, s = nearest_kronecker(array, block)
    norm = float(np.sqrt(np.sum(s**2))) or 1.0
    error = float(np.sqrt(np.sum(s[1:] ** 2))) / norm
    tol = max(matrix.shape) * np.finfo(float).eps * (s[0] if len(s) else 0.0)
    return KroneckerRank(rank, tuple(block), "exact rank over Q of the Van Loan-Pitsianis "
                         "rearrangement (SymPy DomainMatrix over ZZ)", error,
                         tuple(float(v) for v in s), int(np.sum(s > tol)))


def natural_block(cascade: Cascade) -> tuple[int, ...]:
    """The block size of the outermost split: the largest dilation among non-scalar layers
    (per axis), i.e. the spacing of the outermost kernel's taps; 1 if every layer is a scalar.
    The composite is K_outer kron pad(inner, block) (rank 1) iff d_outer >= ext(inner)."""
    order = _effective(cascade)
    if not order:
        return (1,) * cascade.dims
    return cascade.layers[order[-1]].dilations


def kronecker_rank_certificate(cascade: Cascade) -> bool:
    """Machine-check :func:`kronecker_rank_bound` at this size, for every kernel value: with
    symbolic kernels, the composite (padded to whole blocks of the natural block m) equals, as
    polynomials, the sum over the blocks b of C_in of place(K_out, b) kron block_b(C_in); a sum
    of N Kronecker products rearranges into a sum of N rank-one matrices, so its Kronecker rank
    is at most N = #blocks. (The bound's other terms are the rearrangement's two sides.)"""
    from kronconv.engines import SymbolicEngine

    order = _effective(cascade)
    if not order:
        return True
    engine, outer = SymbolicEngine(), order[-1]
    kernels = engine.kernels(cascade)
    dilations = [layer.dilations for layer in cascade.layers]
    block = dilations[outer]
    rest = [i for i in range(len(kernels)) if i != outer]
    inner = (engine.composite([kernels[i] for i in rest], [dilations[i] for i in rest])
             if rest else engine.impulse(kernels[outer], cascade.dims))
    counts = [-(-e // m) for e, m in zip(inner.shape, block, strict=True)]
    inner = pad_to(inner, [c * m for c, m in zip(counts, block, strict=True)])
    grid = [a + c - 1 for a, c in zip(kernels[outer].shape, counts, strict=True)]
    total = None
    for b in np.ndindex(*counts):
        placed = np.full(grid, inner.flat[0] * 0, dtype=object)
        placed[tuple(slice(i, i + a) for i, a in zip(b, kernels[outer].shape, strict=True))] \
            = kernels[outer]
        piece = inner[tuple(slice(i * m, (i + 1) * m) for i, m in zip(b, block, strict=True))]
        term = np.kron(placed, piece)
        total = term if total is None else total + term
    composite = engine.composite(kernels, dilations)
    assert total is not None
    sides = min(math.prod(counts), math.prod(grid), math.prod(block))
    return (total.shape == tuple(g * m for g, m in zip(grid, block, strict=True))
            and engine.compare(pad_to(composite, total.shape), total).equal
            and kronecker_rank_bound(cascade) == sides)


# -- tensor-train ranks ----------------------------------------------------------------------
def unfolding_ranks(tensor: np.ndarray, rank: Any = exact_rank) -> list[int]:
    """TT ranks (Oseledets): r_k = rank of the unfolding (i_1..i_k) x (i_{k+1}..i_n)."""
    shape = tensor.shape
    return [rank(tensor.reshape(math.prod(shape[:k]), math.prod(shape[k:])))
            for k in range(1, len(shape))]


def kronecker_rank_bound(cascade: Cascade) -> int:
    """An upper bound on the Kronecker rank, for EVERY choice of kernels, at the natural block m
    (the outermost layer's dilation). With C_in the composite of the other layers,
    C = dilate(K_out, m) * C_in = sum_b (K_out placed at block b) kron block_b(C_in), b running
    over the blocks of C_in on the m-grid, so rank R_m(C) <= #blocks = prod ceil(ext_in / m),
    and <= the rearrangement's smaller side. An exact rank at one point that reaches this bound
    is the generic rank (a lower bound meeting an upper bound)."""
    order = _effective(cascade)
    if not order:
        return 1
    block = cascade.layers[order[-1]].dilations
    inner = [1 + sum((cascade.layers[i].sizes[p] - 1) * cascade.layers[i].dilations[p]
                     for i in order[:-1]) for p in range(cascade.dims)]
    blocks = math.prod(-(-e // m) for e, m in zip(inner, block, strict=True))
    rows = math.prod(-(-e // m) for e, m in zip(cascade.extent, block, strict=True))
    return min(blocks, rows, math.prod(block))
