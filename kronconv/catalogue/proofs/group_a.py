"""Group A of the catalogue (docs/claims.md): the cascade Kronecker identity, its lemmas and its
conventions.

Each claim is declared with its statement and checked at the tiers its evidence needs: symbolic
(SymPy polynomial identities, for every kernel value), smt (z3, for symbolic sizes), exhaustive
(every case of a stated domain) and numeric (large sizes, exact or modular arithmetic).
"""

from __future__ import annotations

from fractions import Fraction
from itertools import product

import numpy as np
import z3

from kronconv import Cascade, Evidence, cascade_identity_proof, check_identity, claim, exhaustive
from kronconv.arith import MODULAR_PRIME
from kronconv.claims import load_sibling
from kronconv.claims.evidence import smt_proof
from kronconv.engines import ExactEngine, SymbolicEngine, reference_dilated_conv
from kronconv.engines.conv import dilate_kernel
from kronconv.kronecker.induction import (
    Variant,
    block_lemma_obligations,
    index_lemma_obligations,
    schedule_obligations,
)
from kronconv.specs.cascade import MAX_DIMS

DERIVATIONS = load_sibling(__file__, "_derivations_a")  # the steps a reader follows

SYMBOLIC = SymbolicEngine()
BOUNDARIES = ("full", "valid", "same", "circular")
CONVENTIONS = ("convolution", "correlation")


# ---------------------------------------------------------------------------------------------
dilated_definition = claim(
    "dilated-definition", group="A", source="essay",
    derivation=DERIVATIONS.DILATED_DEFINITION,
    title="The dilated convolution, in both engines, 1-3 dimensions, both conventions",
    statement=r"(k *_d f)_t = \sum_{\tau} k_\tau f_{t - d\tau}, \qquad "
              r"(k \star_d f)_t = \sum_{\tau} k_\tau f_{t + d\tau}")

DEFINITION_DOMAIN = [(dims, a, d, n) for dims in (1, 2, 3) for a in (1, 2, 3)
                     for d in (1, 2, 3) for n in (1, 2, 4) if dims < 3 or (a < 3 and n < 4)]


def _symbolic_pair(shape_x: tuple[int, ...], shape_k: tuple[int, ...]) -> tuple[np.ndarray, ...]:
    """A symbolic input f and kernel k (every entry its own symbol), in one ring."""
    arrays = SYMBOLIC.symbol_arrays({"f": shape_x, "k": shape_k})
    return arrays["f"], arrays["k"]


@dilated_definition.check("symbolic")
def definition_matches_reference_symbolically() -> Evidence:
    # Fast engine vs the naive loops, with symbols for every input and kernel entry.
    def same(case: tuple[int, int, int, int, str, str]) -> bool:
        dims, a, d, n, boundary, convention = case
        x, k = _symbolic_pair((n,) * dims, (a,) * dims)
        fast = SYMBOLIC.dilated_conv(x, k, d, boundary, convention)
        slow = reference_dilated_conv(x, k, d, boundary, convention)
        return SYMBOLIC.compare(fast, slow).equal

    cases = [(*size, boundary, convention) for size in DEFINITION_DOMAIN
             for boundary, convention in product(BOUNDARIES, CONVENTIONS)
             if boundary != "valid" or size[3] >= size[2] * (size[1] - 1) + 1]
    return exhaustive("symbolic", "the fast engine equals the definition written as naive "
                      "loops, as polynomials in symbolic inputs and kernels (so for every "
                      "value)", cases=cases, check=same,
                      domain="dims 1-3; kernel size a in 1-3 (1-2 in 3D); dilation d in 1-3; "
                      "input length n in {1,2,4} ({1,2} in 3D); boundaries full/valid/same/"
                      "circular (valid only where the input covers the kernel); both "
                      "conventions")


@dilated_definition.check("numeric")
def definition_matches_numpy_and_reference() -> Evidence:
    rng = np.random.default_rng(2016)
    count = 0
    for dims, a, d, n in DEFINITION_DOMAIN:
        x = rng.integers(-99, 100, (n + 3,) * dims)
        k = rng.integers(-99, 100, (a,) * dims)
        for convention in CONVENTIONS:
            fast = ExactEngine().dilated_conv(x, k, d, "full", convention)
            slow = reference_dilated_conv(x, k, d, "full", convention)
            if not np.array_equal(fast, slow.astype(np.int64)):
                raise AssertionError(f"numeric engine != reference at {dims, a, d, n}")
            count += 1
        if dims == 1:  # an outside witness: numpy.convolve of the zero-stuffed kernel
            witness = np.convolve(x, dilate_kernel(k, (d,)))
            if not np.array_equal(ExactEngine().dilated_conv(x, k, d), witness):
                raise AssertionError("numeric engine != numpy.convolve")
    return Evidence("numeric", "randomized", f"{count} random integer instances: the exact "
                    "engine equals the naive reference (and numpy.convolve in 1D) entry for "
                    "entry; each compares two bilinear maps at a random point of [-99, 99], "
                    "where a wrong map agrees with probability <= 2/199 (Schwartz-Zippel); the "
                    "symbolic check above is the exhaustive one", count=count, seed=2016,
                    cases=count, per_trial=Fraction(2, 199))


# ---------------------------------------------------------------------------------------------
dilated_filter = claim(
    "dilated-filter-kronecker", group="A", source="essay",
    uses=["dilated-definition", "index-lemma"], derivation=DERIVATIONS.DILATED_FILTER_KRONECKER,
    title="A dilated convolution is an ordinary one with a diluted (Kronecker) filter",
    statement=r"K *_d F = \hat K_d * F,\quad \hat K_d = (K \otimes E_d)"
              r"[0{:}d(a-1){+}1,\ 0{:}d(a-1){+}1],\quad E_d = e_0 e_0^\top \in \{0,1\}^{d\times d}",
    conditions=r"$K \otimes E_d$ is $ad \times ad$; its last $d - 1$ rows and columns are zero. "
               r"Dropping them gives the diluted filter of extent $d(a - 1) + 1$; keeping them "
               r"only appends $d - 1$ zero rows and columns to the output of a 'full' "
               "convolution.")


@dilated_filter.check("symbolic")
def diluted_filter_equals_kron_with_corner() -> Evidence:
    def holds(case: tuple[int, int]) -> bool:
        a, d = case
        cascade = Cascade.from_schedule([a], [d], dims=2)
        (kernel,) = SYMBOLIC.kernels(cascade)
        corner = np.full((d, d), kernel.flat[0] * 0, dtype=object)
        corner[0, 0] = kernel.flat[0] ** 0
        padded = SYMBOLIC.kron(kernel, corner)
        extent = d * (a - 1) + 1
        trailing = padded[extent:, :].ravel().tolist() + padded[:, extent:].ravel().tolist()
        diluted = dilate_kernel(kernel, (d, d))
        if any(trailing) or not SYMBOLIC.compare(padded[:extent, :extent], diluted).equal:
            raise AssertionError(f"K kron E_d is not the diluted filter at a={a} d={d}")
        # Convolving with K kron E_d itself is the dilated convolution plus d - 1 trailing
        # zero rows and columns in the output.
        x, k = _symbolic_pair((2, 2), (a, a))
        direct = SYMBOLIC.dilated_conv(x, k, d)
        corner_k = np.full((d, d), k.flat[0] * 0, dtype=object)
        corner_k[0, 0] = k.flat[0] ** 0
        via_kron = SYMBOLIC.dilated_conv(x, SYMBOLIC.kron(k, corner_k), 1)
        rows, cols = direct.shape
        if (not SYMBOLIC.compare(direct, via_kron[:rows, :cols]).equal
                or any(via_kron[rows:, :].ravel()) or any(via_kron[:, cols:].ravel())):
            raise AssertionError(f"K *_d F != (K kron E_d) * F up to trailing zeros, a={a} d={d}")
        return True

    return exhaustive("symbolic", "(K kron E_d) cropped to d(a-1)+1 equals the diluted filter, "
                      "its last d-1 rows and columns are 0, and K *_d F equals (K kron E_d) * F "
                      "but for d-1 trailing zero rows and columns, as polynomials",
                      domain="2D, a in 1-4, d in 1-4, symbolic 2x2 input",
                      cases=product(range(1, 5), range(1, 5)), check=holds)


@dilated_filter.check("smt")
def diluted_filter_index_proof() -> Evidence:
    # (K kron E_d)_t = K_{t div d} [t mod d = 0]: non-zero only at t = d i, i < a, so t <= d(a-1).
    def support() -> tuple[list, z3.BoolRef]:
        a, d, t = z3.Ints("a d t")
        return [a >= 1, d >= 1, t >= 0, t < a * d, t % d == 0], z3.And(
            t == d * (t / d), t / d < a, t <= d * (a - 1))

    def every_tap() -> tuple[list, z3.BoolRef]:
        a, d, i = z3.Ints("a d i")
        return [a >= 1, d >= 1, i >= 0, i < a], z3.And(
            (d * i) % d == 0, (d * i) / d == i, d * i < a * d)

    return smt_proof("dilated-filter", {"support": support, "every-tap": every_tap},
                         "symbolic a, d >= 1 (per axis)")


# ---------------------------------------------------------------------------------------------
block_lemma = claim(
    "block-lemma", group="A", source="derived",
    uses=["index-lemma"], derivation=DERIVATIONS.BLOCK_LEMMA,
    title=r"Block lemma: $A *_m B = A \otimes \operatorname{pad}(B, m)$",
    statement=r"\operatorname{ext}(B) \le m \implies A *_m B = A \otimes \operatorname{pad}(B, m)"
              r"\text{ up to trailing zeros};\quad \operatorname{ext}(B) = m \implies "
              r"A *_m B = A \otimes B")


@block_lemma.check("smt")
def block_lemma_z3() -> Evidence:
    evidence = [smt_proof(f"block-lemma-{dims}d", block_lemma_obligations(dims,
                              "most-dilated-first"), f"symbolic a, m >= 1 in {dims}D")
                for dims in (1, 2, 3)]
    return Evidence("smt", "proof", "; ".join(e.detail for e in evidence) +
                    ". Each output index of A *_m B has exactly one term A_{t div m} "
                    "B_{t mod m} = (A kron B)_t inside [0, a m), none outside.")


@block_lemma.check("symbolic")
def block_lemma_explicit() -> Evidence:
    def holds(case: tuple[int, int, int, int]) -> bool:
        dims, a, m, b = case
        cascade = Cascade.from_schedule([b, a], [1, m], dims=dims)
        inner, outer = SYMBOLIC.kernels(cascade)
        lhs = SYMBOLIC.dilated_conv(inner, outer, m)
        padded = np.full((m,) * dims, inner.flat[0] * 0, dtype=object)
        padded[(slice(0, b),) * dims] = inner
        rhs = SYMBOLIC.kron(outer, padded)
        cut = tuple(slice(0, s) for s in lhs.shape)
        rest = np.ones(rhs.shape, dtype=bool)
        rest[cut] = False
        if not SYMBOLIC.compare(lhs, rhs[cut]).equal or any(rhs[rest]):
            raise AssertionError(f"block lemma fails at dims={dims} a={a} m={m} b={b}")
        if b == m and not SYMBOLIC.compare(lhs, SYMBOLIC.kron(outer, inner)).equal:
            raise AssertionError(f"exact block lemma fails at a={a} m={m}")
        return True

    return exhaustive("symbolic", "A *_m B equals A kron pad(B, m) cropped to the output's "
                      "extent m(a-1)+b, the m-b cropped trailing entries are 0, and for b = m it "
                      "is A kron B, as polynomials",
                      domain="dims 1-2, a in 1-3, m in 1-4, ext(B) = b in 1..m",
                      cases=[(dims, a, m, b) for dims, a, m in product((1, 2), range(1, 4),
                                                                       range(1, 5))
                             for b in range(1, m + 1)], check=holds)


# ---------------------------------------------------------------------------------------------
index_lemma = claim(
    "index-lemma", group="A", source="derived",
    derivation=DERIVATIONS.INDEX_LEMMA,
    title=r"Index lemma: $(i, j) \mapsto im + j$ is a bijection $[0,a) \times [0,m) \to [0, am)$",
    statement=r"\forall a, m \ge 1:\ (i, j) \mapsto i m + j \text{ maps } [0,a)\times[0,m)"
              r"\text{ one-to-one onto } [0, a m)")


@index_lemma.check("smt")
def index_lemma_z3() -> Evidence:
    return smt_proof("index-lemma", index_lemma_obligations(1),
                         "symbolic integers a, m >= 1 (into, injective, onto)")


@index_lemma.check("exhaustive")
def index_lemma_enumerated() -> Evidence:
    def bijective(case: tuple[int, int]) -> bool:
        a, m = case
        return sorted(i * m + j for i in range(a) for j in range(m)) == list(range(a * m))

    return exhaustive("exhaustive", "the image of every pair, sorted, is exactly 0 .. am - 1",
                      domain="a, m in 1-24 (576 pairs of sizes)",
                      cases=product(range(1, 25), range(1, 25)), check=bijective)


# ---------------------------------------------------------------------------------------------
identity = claim(
    "cascade-kronecker-identity", group="A", source="essay",
    uses=["index-lemma", "block-lemma", "cascade-extent", "dilated-filter-kronecker"],
    derivation=DERIVATIONS.CASCADE_KRONECKER_IDENTITY,
    title="An exponentially dilated cascade is one convolution with a Kronecker product",
    statement=r"K_L *_{a^L} \bigl( \cdots \bigl(K_1 *_{a} (K_0 * F)\bigr) \cdots \bigr) = "
              r"(K_L \otimes K_{L-1} \otimes \cdots \otimes K_0) * F")


@identity.check("smt")
def identity_for_all_sizes() -> list[Evidence]:
    return [cascade_identity_proof(dims).evidence() for dims in (1, 2, 3)]


@identity.check("formal")
def identity_in_coq() -> Evidence:
    # coqc compiles the Coq/MathComp proofs; Print Assumptions must be closed for each theorem.
    # The proof is general (the whole statement) only if it covers every number of axes that
    # kronconv handles, 1 .. MAX_DIMS.
    from kronconv.engines import coq

    result = coq.prove()
    if not result.closed:
        raise AssertionError(f"Coq theorems rest on assumptions: {result.print_assumptions}")
    dims = coq.dimensions(result.theorems)
    general = set(range(1, MAX_DIMS + 1)) <= set(dims)
    scope = (f"every number of axes kronconv handles (1..{MAX_DIMS})" if general else
             f"only, not every number of axes kronconv handles (1..{MAX_DIMS})")
    names = ", ".join(result.theorems)
    return Evidence("formal", "proof", f"Coq ({result.coqc_version}) with MathComp checks, "
                    "for every commutative ring, every kernel size a >= 1 and every depth, in "
                    f"{', '.join(f'{n}D' for n in dims)} ({scope}), that the cascade equals one "
                    "'full' convolution with K_L kron ... kron K_0 and that its impulse response "
                    "is that Kronecker product, together with the index and block lemmas "
                    f"({names}, in {', '.join(result.files)}); Print Assumptions: closed under "
                    "the global context for each", general=general,
                    data={"theorems": list(result.theorems),
                          "dimensions": list(dims),
                          "statements": result.theorems,
                          "print_assumptions": result.print_assumptions,
                          "coqc_version": result.coqc_version,
                          "cpu_seconds": round(result.cpu_seconds, 2)})


IDENTITY_SIZES = [(1, 2, n) for n in range(1, 7)] + [(1, 3, n) for n in range(1, 5)] + \
    [(2, 2, n) for n in range(1, 5)] + [(2, 3, n) for n in range(1, 5)] + \
    [(2, 4, n) for n in range(1, 4)] + [(3, 2, n) for n in range(1, 4)] + [(3, 3, 2)]


@identity.check("symbolic")
def identity_at_explicit_sizes() -> Evidence:
    names = []
    for dims, a, layers in IDENTITY_SIZES:
        result = check_identity(Cascade.exponential(a, layers, dims=dims), "symbolic")
        if not result.holds:
            raise AssertionError(f"identity fails at dims={dims} a={a} layers={layers}")
        names.append(f"{dims}D a={a} L+1={layers}")
    return Evidence("symbolic", "proof", f"polynomial identity, for every kernel value, of the "
                    f"composite (impulse response) and the Kronecker product at {len(names)} "
                    f"sizes up to 81x81 (2D, a=3, 4 layers): {'; '.join(names)}",
                    data={"sizes": names})


@identity.check("numeric")
def identity_at_a_large_size() -> list[Evidence]:
    out = []
    for engine in ("exact", "modular"):
        result = check_identity(Cascade.exponential(3, 7, dims=2), engine, seed=7)
        if not result.holds:
            raise AssertionError(f"{engine}: {result.comparison}")
        # One random point, whose entries range over 2^32 integers (exact) or p residues
        # (modular); both sides are multilinear of degree L+1 = 7 in the kernel entries.
        values = 2**32 if engine == "exact" else MODULAR_PRIME
        out.append(Evidence("numeric", "randomized", f"2D, a=3, 7 layers: the 2187x2187 "
                            f"composite equals the Kronecker product entry for entry at one "
                            f"random point ({result.detail})", count=1, seed=7,
                            per_trial=Fraction(7, values)))
    return out


# ---------------------------------------------------------------------------------------------
extent = claim(
    "cascade-extent", group="A", source="derived",
    derivation=DERIVATIONS.CASCADE_EXTENT,
    title="The extent of the cascade kernel is one plus the sum of the dilated spans",
    statement=r"\operatorname{ext}(C) = 1 + \sum_{l=0}^{L} (a_l - 1) d_l;\quad "
              r"a_l = a,\ d_l = a^l \implies \operatorname{ext}(C) = a^{L+1}")


@extent.check("smt")
def exponential_extent_z3() -> Evidence:
    return smt_proof("cascade-extent", schedule_obligations(Variant()),
                         "every a >= 1 by induction on L (base, step, and d_{L+1} = ext(C_L))")


EXTENT_DOMAIN = "1D, 1-3 layers, every kernel size a_l in 1-3 and dilation d_l in 1-3"


@extent.check("exhaustive")
def extent_of_every_small_schedule() -> Evidence:
    def matches(case: tuple[tuple[int, ...], tuple[int, ...]]) -> bool:
        sizes, dilations = case
        cascade = Cascade.from_schedule(sizes, dilations, dims=1)
        kernels = SYMBOLIC.kernels(cascade)
        composite = SYMBOLIC.composite(kernels, [(d,) for d in dilations])
        formula = 1 + sum((a - 1) * d for a, d in zip(sizes, dilations, strict=True))
        # The extent is where the support really ends: both end entries are non-zero
        # polynomials (products of the kernels' end taps), not padding.
        return composite.shape == (formula,) and bool(composite[0]) and bool(composite[-1])

    schedules = [(sizes, dilations) for layers in (1, 2, 3)
                 for sizes in product(range(1, 4), repeat=layers)
                 for dilations in product(range(1, 4), repeat=layers)]
    return exhaustive("exhaustive", "the composite's support (first to last non-zero "
                      "polynomial entry) has exactly the formula's length",
                      domain=EXTENT_DOMAIN, cases=schedules, check=matches)


# ---------------------------------------------------------------------------------------------
conventions = claim(
    "convention-independence", group="A", source="derived",
    uses=["dilated-definition", "cascade-kronecker-identity"],
    derivation=DERIVATIONS.CONVENTION_INDEPENDENCE,
    title="The identity holds for cross-correlation and in 1, 2 and 3 dimensions",
    statement=r"K_L \star_{a^L} ( \cdots (K_0 \star F) \cdots ) = "
              r"(K_L \otimes \cdots \otimes K_0) \star F \quad (\text{1D, 2D, 3D})")

CONVENTION_SIZES = [(1, 2, 3, 3), (1, 3, 2, 2), (2, 2, 2, 2), (2, 3, 2, 2), (3, 2, 2, 2)]


@conventions.check("symbolic")
def identity_on_symbolic_inputs() -> Evidence:
    names = []
    for (dims, a, layers, n), convention in product(CONVENTION_SIZES, CONVENTIONS):
        cascade = Cascade.exponential(a, layers, dims=dims, convention=convention)
        result = check_identity(cascade, "symbolic")
        kernels, f = SYMBOLIC.with_symbolic_input(SYMBOLIC.kernels(cascade), (n,) * dims)
        lhs = SYMBOLIC.apply_cascade(f, kernels, [layer.dilations for layer in cascade.layers],
                                     "full", convention)
        rhs = SYMBOLIC.dilated_conv(f, SYMBOLIC.kron(*kernels[::-1]), 1, "full", convention)
        if not (result.holds and SYMBOLIC.compare(lhs, rhs).equal):
            raise AssertionError(f"fails for {convention} at {dims, a, layers}")
        names.append(f"{convention} {dims}D a={a} L+1={layers}")
    return Evidence("symbolic", "proof", "polynomial identity in symbolic kernels AND a "
                    f"symbolic input F, both conventions: {'; '.join(names)}")


@conventions.check("smt")
def correlation_reduces_to_convolution() -> Evidence:
    # corr(K, F) = conv(flip K, F), and flip(A kron B) = flip A kron flip B because
    # a m - 1 - (i m + j) = (a - 1 - i) m + (m - 1 - j): the convolution proof carries over.
    def flip_kron() -> tuple[list, z3.BoolRef]:
        a, m, i, j = z3.Ints("a m i j")
        return [a >= 1, m >= 1, i >= 0, i < a, j >= 0, j < m], z3.And(
            a * m - 1 - (i * m + j) == (a - 1 - i) * m + (m - 1 - j),
            a - 1 - i >= 0, a - 1 - i < a, m - 1 - j >= 0, m - 1 - j < m)

    return smt_proof("convention", {"flip-kron": flip_kron},
                         "symbolic a, m: flipping a Kronecker product flips each factor, so "
                         "the correlation cascade (= convolution cascade of flipped kernels) "
                         "is the correlation with K_L kron ... kron K_0, for every a and L, in "
                         "each axis independently (1D, 2D, 3D)")
