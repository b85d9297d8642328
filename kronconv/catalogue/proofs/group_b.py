"""Group B of the catalogue (docs/claims.md): when the Kronecker identity fails, and what holds
instead.

Counterexamples are found by one engine and re-checked by another (the naive reference
``reference_dilated_conv``, or exact arithmetic for a z3 model). Derived conditions are checked
against direct tests over stated finite domains (the default characterisation sweep).
"""

from __future__ import annotations

from fractions import Fraction
from itertools import permutations, product

import numpy as np

from kronconv import Cascade, Evidence, check_identity, claim
from kronconv.arith import MODULAR_PRIME
from kronconv.claims import load_sibling
from kronconv.claims.evidence import REFERENCE, kronecker_differs
from kronconv.engines import ExactEngine, SymbolicEngine
from kronconv.kronecker import multichannel as mc
from kronconv.kronecker import nonlinear as nl
from kronconv.kronecker.boundary import boundary_relation, direct_boundary_agreement
from kronconv.kronecker.identity import linear_counterexample
from kronconv.kronecker.structure import (
    direct_structure,
    exponential_structure,
    kronecker_rank,
    kronecker_rank_bound,
    kronecker_rank_certificate,
    natural_block,
    nearest_kronecker,
    nested_padded_kronecker,
    predict_structure,
)
from kronconv.kronecker.sweep import (
    DEFAULT,
    SweepResult,
    exponential_table,
    sweep_boundary,
    sweep_structure,
)
from kronconv.serialize import to_json

DERIVATIONS = load_sibling(__file__, "_derivations_b")  # the steps a reader follows

SYMBOLIC = SymbolicEngine()


def one_point_per_case(detail: str, cases: int, layers: int, domain: str) -> Evidence:
    """The direct tests below decide each case at ONE random point mod p (seed 0): a failed
    peel or a disagreement is exact, a success is Schwartz-Zippel-wrong with probability at most
    deg/p, deg = layers + 1 (multilinear in the kernels, and in the input where there is one)."""
    return Evidence("numeric", "randomized", f"{detail} (domain: {domain}; the direct test "
                    "runs at one random point mod p = 2^31 - 1 per case)", count=cases, seed=0,
                    cases=cases, per_trial=Fraction(layers + 1, MODULAR_PRIME))


def _symbolic_composite(cascade: Cascade) -> tuple[list[np.ndarray], np.ndarray]:
    kernels = SYMBOLIC.kernels(cascade)
    return kernels, SYMBOLIC.composite(kernels, [layer.dilations for layer in cascade.layers])


# ---------------------------------------------------------------------------------------------
dilation_ne = claim(
    "dilation-ne-kernel-size", group="B", source="essay", expected="qualified",
    uses=["cascade-extent", "block-lemma", "cascade-kronecker-identity"],
    derivation=DERIVATIONS.DILATION_NE_KERNEL_SIZE,
    title="The Kronecker analogy only holds if the dilation equals the kernel size",
    statement=r"K_L *_{d^L} \cdots K_0 * F = (K_L \otimes \cdots \otimes K_0) * F "
              r"\iff d = a",
    conditions=r"Schedule $d_l = d^l$, kernel size $a > 1$, $L \ge 1$. $d = a$: the composite "
               r"is $K_L \otimes \cdots \otimes K_0$, extent $a^{L+1}$. $d > a$: it is the "
               r"nested zero-padded Kronecker product $K_L \otimes \mathrm{pad}(K_{L-1} "
               r"\otimes \mathrm{pad}(\cdots), d^{L})$, paddings $p_l = (d-a)(d^l-1)/(d-1)$, "
               r"extent $1 + (a-1)(d^{L+1}-1)/(d-1)$: the analogy survives with zero padding. "
               r"$d < a$: taps overlap, entries are sums of products; no nested zero-padded "
               r"Kronecker product of the kernels; same extent formula ($1 + (a-1)(L+1)$ for "
               r"$d = 1$). Yu & Koltun ($a = 3$, $d = 2$): extent $2^{L+2} - 1$.")


@dilation_ne.check("symbolic")
def three_cases_symbolically() -> list[Evidence]:
    out = []
    for a, d, verdict in ((3, 3, "supports"), (2, 3, "qualifies"), (3, 2, "supports")):
        cascade = Cascade.from_schedule([a] * 3, [d**level for level in range(3)], dims=2)
        kernels, composite = _symbolic_composite(cascade)
        kind, extent, paddings = exponential_structure(a, d, 3)
        if d >= a:
            blocks = [(1, 1)] + [(d**level,) * 2 for level in range(1, 3)]
            nested = nested_padded_kronecker(kernels, blocks)
            assert SYMBOLIC.compare(composite, nested).equal and composite.shape == (extent,) * 2
            text = (f"a={a}, d={d} (2D, 3 layers): composite == nested zero-padded Kronecker "
                    f"product with paddings {paddings}, extent {extent} ({kind})")
        else:
            sums = sum(1 for v in composite.flat if len(v.terms()) > 1)
            assert sums > 0 and composite.shape == (extent,) * 2
            text = (f"a={a}, d={d} (2D, 3 layers): {sums} of {composite.size} composite entries "
                    f"are sums of >= 2 products (overlaps), extent {extent}")
        out.append(Evidence("symbolic", "proof", text + "; SymPy polynomial identity",
                            verdict=verdict))
    return out


@dilation_ne.check("numeric")
def closed_form_against_direct() -> Evidence:
    rows = exponential_table()
    bad = [r for r in rows if (r["closed_form"], r["extent"]) != (r["direct"],
                                                                  r["direct_extent"])]
    assert not bad, bad
    return one_point_per_case("closed form (structure, extent) equals the direct peeling test "
                              f"for each of the {len(rows)} (a, d)", len(rows), 3,
                              "a in 2..4, d in 1..6, 3 layers, 1D")


@dilation_ne.check("numeric")
def yu_koltun_counterexample() -> Evidence:
    cascade = Cascade.from_schedule([3] * 3, [1, 2, 4], dims=2)
    example = linear_counterexample(cascade)
    assert example is not None
    cascade_out, kron_out = example["cascade_output"], example["kronecker_output"]
    shapes = ["x".join(map(str, out["shape"])) for out in (cascade_out, kron_out)]
    return Evidence("numeric", "counterexample", "a=3, dilations 1,2,4 (Yu & Koltun): the cascade "
                    "differs from the single convolution with K_2 kron K_1 kron K_0 (outputs of "
                    f"shape {shapes[0]} and {shapes[1]}, their nonzero entries in the data)",
                    rechecked_by=REFERENCE,
                    recheck=kronecker_differs(cascade, example["kernels"], example["input"]),
                    data={"kernels": example["kernels"],
                          "cascade_output": cascade_out, "kronecker_output": kron_out})


# ---------------------------------------------------------------------------------------------
general = claim(
    "general-schedule", group="B", source="derived",
    uses=["dilated-filter-kronecker", "block-lemma"], derivation=DERIVATIONS.GENERAL_SCHEDULE,
    title="Any schedule: one convolution, order-free; exact Kronecker condition",
    statement=r"C = \mathrm{dil}(K_L, d_L) * \cdots * \mathrm{dil}(K_0, d_0) \text{ for any "
              r"order; } C \text{ is a nested zero-padded Kronecker product} \iff d_{\pi(k)} "
              r"\ge 1 + \sum_{j<k} (a_{\pi(j)} - 1) d_{\pi(j)} \text{ for the layers sorted by "
              r"dilation (equality everywhere: unpadded)}")


@general.check("symbolic")
def order_free_composite() -> Evidence:
    for sizes, dilations in (((3, 2, 2), (1, 3, 5)), ((2, 3, 2), (2, 1, 4))):
        cascade = Cascade.from_schedule(list(sizes), list(dilations), dims=1)
        kernels = SYMBOLIC.kernels(cascade)
        reference = SYMBOLIC.composite(kernels, dilations)
        for order in permutations(range(3)):
            other = SYMBOLIC.composite([kernels[i] for i in order],
                                       [dilations[i] for i in order])
            assert SYMBOLIC.compare(reference, other).equal
    return Evidence("symbolic", "proof", "composites of all 6 layer orders are equal as "
                    "polynomials, for schedules (3,2,2)/(1,3,5) and (2,3,2)/(2,1,4), 1D")


@general.check("numeric")
def condition_against_direct() -> Evidence:
    result = SweepResult(DEFAULT)
    sweep_structure(result, *DEFAULT.structure[0])
    assert result.ok, result.mismatches[:3]
    return one_point_per_case(f"derived condition == direct peeling test for "
                              f"{result.checked['structure']} schedules; extents equal "
                              "1 + sum (a_l - 1) d_l", result.checked["structure"], 3,
                              "a in 1..4 (the same for all layers), 1-3 layers, each d in 1..9, "
                              "dims 1")


@general.check("numeric")
def condition_with_mixed_kernel_sizes() -> Evidence:
    checked, bad = 0, []
    for layers, sizes, bases in ((2, range(1, 5), range(1, 7)), (3, range(2, 4), range(1, 6))):
        for a in product(sizes, repeat=layers):
            for d in product(bases, repeat=layers):
                cascade = Cascade.from_schedule(list(a), list(d), dims=1)
                derived, direct = predict_structure(cascade), direct_structure(cascade)
                checked += 1
                if (derived.kind, derived.extent) != (direct.kind, tuple(direct.data["extent"])):
                    bad.append((a, d, derived.kind, direct.kind))
    assert not bad, bad[:3]
    return one_point_per_case(f"derived condition == direct peeling test for {checked} "
                              "schedules with a kernel size per layer", checked, 3,
                              "1D; 2 layers with a_l in 1..4, d_l in 1..6; 3 layers with a_l in "
                              "2..3, d_l in 1..5 (every combination)")


# ---------------------------------------------------------------------------------------------
krank = claim(
    "kronecker-rank", group="B", source="Van Loan & Pitsianis",
    uses=["general-schedule"], derivation=DERIVATIONS.KRONECKER_RANK,
    title="Kronecker rank and nearest Kronecker product of non-Kronecker composites",
    statement=r"\mathrm{rank}_\otimes(C) = \mathrm{rank}\, \mathcal{R}_m(C), \quad "
              r"\min_{B,D} \|C - B \otimes D\|_F = (\textstyle\sum_{i \ge 2} \sigma_i^2)^{1/2}")


@krank.check("numeric")
def ranks_of_examples() -> list[Evidence]:
    out = []
    rng = np.random.default_rng(0)
    for sizes, dilations in (((3, 3, 3), (1, 3, 9)), ((3, 3, 3), (1, 4, 16)),
                             ((3, 3, 3), (1, 2, 4)), ((2, 3, 2), (1, 2, 3))):
        cascade = Cascade.from_schedule(list(sizes), list(dilations), dims=2)
        kernels = [rng.integers(-2**15, 2**15, (a, a)).astype(object) for a in sizes]
        composite = ExactEngine().composite(kernels, dilations)
        block = natural_block(cascade)
        rank = kronecker_rank(composite, block)
        # 1. Exact rank over Q at one integer point: a lower bound on the generic rank; the
        #    block decomposition bounds the rank above for every kernel. They must meet.
        bound = kronecker_rank_bound(cascade)
        assert rank.rank == bound and kronecker_rank_certificate(cascade), (dilations, bound)
        assert (bound == 1) == (predict_structure(cascade).kind != "not-kronecker")
        # 2. Cross-check the SVD error against the residual of the nearest product itself.
        outer, inner, _ = nearest_kronecker(composite, block)
        padded = np.zeros([o * i for o, i in zip(outer.shape, inner.shape, strict=True)])
        padded[:composite.shape[0], :composite.shape[1]] = composite.astype(float)
        residual = np.linalg.norm(padded - np.kron(outer, inner)) / np.linalg.norm(padded)
        assert abs(residual - rank.nearest_error) < 1e-9
        assert (rank.nearest_error < 1e-12) == (bound == 1)
        text = (f"sizes {sizes}, dilations {dilations}, 2D, block {list(block)}: generic "
                f"Kronecker rank {bound}")
        out.append(Evidence(
            "numeric", "proof", text + f" (exact rank over Q at one integer point, seed 0, "
            f"= {rank.rank} is a lower bound; the block decomposition C = sum_b K_out(b) kron "
            f"block_b(C_in), a polynomial identity in symbolic kernels checked by SymPy at this "
            f"size, bounds every kernel's rank by {bound})", data=to_json(rank)))
        out.append(Evidence(
            "numeric", "randomized", text + f": nearest Kronecker product of one random "
            f"instance has relative error {rank.nearest_error:.3g} (float64 SVD of the "
            "rearrangement; the residual of the product itself agrees within 1e-9)",
            count=1, seed=0, tolerance=1e-9, tolerance_reason="a measurement at one seeded "
            "integer instance; the float64 SVD's relative error is ~ max(shape) * 2^-52, far "
            "below 1e-9", data={"singular_values": to_json(rank)["singular_values"]}))
    return out


@krank.check("symbolic")
def rank_one_when_padded() -> Evidence:
    cascade = Cascade.from_schedule([2, 2, 2], [1, 3, 9], dims=2)
    kernels, composite = _symbolic_composite(cascade)
    structure = predict_structure(cascade)
    blocks = [(1, 1), (3, 3), (9, 9)]
    assert structure.kind == "padded-kronecker"
    assert SYMBOLIC.compare(composite, nested_padded_kronecker(kernels, blocks)).equal
    return Evidence("symbolic", "proof", "a=2, d=1,3,9 (2D): C = K_2 kron pad(K_1 kron "
                    "pad(K_0, 3), 9) as polynomials, so the rearrangement with block 9x9 is "
                    "vec(K_2) vec(pad(...))^T: Kronecker rank 1 for every kernel")


# ---------------------------------------------------------------------------------------------
nonlin = claim(
    "nonlinearity-breaks-identity", group="B", source="essay", expected="qualified",
    uses=["cascade-kronecker-identity"], derivation=DERIVATIONS.NONLINEARITY_BREAKS_IDENTITY,
    title="With pointwise nonlinearities the cascade is no convolution with any kernel",
    statement=r"\sigma \ne \mathrm{id}: \; x \mapsto K_L *_{d_L} \sigma(\cdots \sigma(K_0 * x)) "
              r"\ne k * x \text{ for every } k",
    conditions=r"For SOME kernels (an open set): ReLU, leaky ReLU, tanh and sigmoid cascades "
               r"violate homogeneity, so they are no convolution with any kernel; but for "
               r"others a ReLU cascade is linear (e.g. $1 \times 1$ kernels $1, -1, 1$ give the "
               r"zero map). "
               r"It agrees with the linear cascade on $R = \{x : \text{every pre-activation} "
               r"\ge 0\}$ (ReLU, leaky ReLU; tanh: $= 0$); with one hidden ReLU and full "
               r"boundaries $R$ is exactly the agreement set.")


@nonlin.check("numeric")
def counterexamples_per_nonlinearity() -> list[Evidence]:
    out = []
    for sigma in ("relu", "leaky_relu", "tanh", "sigmoid"):
        cascade = Cascade.from_schedule([3, 3], [1, 3], dims=2, nonlinearity=sigma)
        example = nl.find_counterexample(cascade)
        assert example is not None
        out.append(Evidence("numeric", "counterexample", f"{sigma}, a=3, d=1,3, 2D, impulse "
                            f"kernels and input: {example.property} fails "
                            f"({example.outputs})", rechecked_by=example.rechecked_by,
                            recheck=example.recheck, data=to_json(example)))
    user = nl.find_counterexample(Cascade.from_schedule([2, 2], [1, 2], dims=1),
                                  lambda v: v * v)
    assert user is not None
    out.append(Evidence("numeric", "counterexample", "user function v -> v^2: "
                        f"{user.property} fails", rechecked_by=user.rechecked_by,
                        recheck=user.recheck))
    return out


def _z3_instance() -> tuple[Cascade, list[np.ndarray]]:
    cascade = Cascade.from_schedule([2, 2], [1, 2], dims=1, nonlinearity="relu")
    return cascade, [np.array([1, -2], dtype=object), np.array([3, 1], dtype=object)]


@nonlin.check("smt")
def z3_counterexample_and_region() -> list[Evidence]:
    cascade, kernels = _z3_instance()
    found = nl.z3_not_linear(cascade, kernels, (3,))
    assert found.status == "counterexample"
    x = np.array([Fraction(found.model.get(f"x_{i}", "0")) for i in range(3)], dtype=object)

    def recheck() -> bool:
        """The z3 model, evaluated exactly with the naive reference (Fractions)."""
        plus = nl.apply_cascade(x, kernels, cascade, reference=True)[0]
        minus = nl.apply_cascade(-x, kernels, cascade, reference=True)[0]
        return bool(np.any(minus != -plus))

    region = nl.z3_region(cascade, kernels, (3,))
    assert all(r.proved for r in region.values())
    dead = Cascade.from_schedule([1, 1, 1], [1, 1, 1], dims=1, nonlinearity="relu")
    dead_kernels = [np.array([v], dtype=object) for v in (1, -1, 1)]
    linear = nl.z3_region(dead, dead_kernels, (1,), exact_direction=False)
    zero = nl.prove("dead-relu-is-zero", lambda: ([], nl.z3.And(*[
        v == 0 for v in nl.apply_cascade(nl._z3_input((2,)), dead_kernels, dead)[0].flat])))
    assert zero.proved and linear["sufficient"].proved
    model = dict(found.model)
    shown = [str(model[key]) for key in sorted(model, key=lambda key: int(key.rsplit("_", 1)[1]))]
    return [
        Evidence("smt", "counterexample", f"z3 model x = ({', '.join(shown)}) for K_0 = [1, -2], "
                 "K_1 = [3, 1], d = 1, 2, ReLU: cascade(-x) != -cascade(x)",
                 rechecked_by="naive reference in exact rationals (Fractions)",
                 recheck=recheck, data={"x": shown}),
        Evidence("smt", "proof", "same instance, all real x of length 3: pre-activations >= 0 "
                 "<=> cascade(x) = linear cascade(x) (both directions unsat of the negation)"),
        Evidence("smt", "proof", "1x1 kernels 1, -1, 1 with ReLU: the cascade is identically 0 "
                 "(z3), a convolution with the zero kernel: the claim needs 'for some kernels'",
                 verdict="qualifies")]


@nonlin.check("numeric")
def large_numeric_search() -> Evidence:
    cascade = Cascade.from_schedule([3] * 4, [1, 3, 9, 27], dims=1, nonlinearity="tanh")
    hit = nl.numeric_search(cascade, "tanh", trials=5, seed=0)
    assert hit is not None
    return Evidence("numeric", "randomized", f"tanh, a=3, 4 layers d=3^l: additivity violated "
                    f"by {hit['max_violation']:.3g} on a float64 sample", count=hit["trial"] + 1,
                    seed=0, tolerance=1e-9, tolerance_reason=f"violation beyond "
                    f"{hit['tolerance']}; float64 rounding in these few operations is ~1e-15 "
                    "relative, so a larger violation is real")


# ---------------------------------------------------------------------------------------------
multi = claim(
    "multichannel-identity", group="B", source="essay (its remark on several channels)",
    uses=["index-lemma", "cascade-kronecker-identity"],
    derivation=DERIVATIONS.MULTICHANNEL_IDENTITY,
    title=r"$C$ channels: a matrix-product identity and TT ranks $\le C$",
    statement=r"W[\textstyle\sum_l \tau_l a^l] = K_L[\tau_L] \cdots K_0[\tau_0], \quad "
              r"\mathrm{rank}_{TT}(W) \le C \text{ (reached by generic kernels)}")


@multi.check("symbolic")
def generalised_identity() -> list[Evidence]:
    out = []
    for dims, channels, a, layers in ((1, 2, 2, 3), (2, 2, 2, 2), (1, 3, 3, 2)):
        cascade = Cascade.exponential(a, layers, dims=dims, channels=channels)
        holds, detail = mc.check_generalised_identity(cascade, "symbolic")
        wrong, _ = mc.check_generalised_identity(cascade, "symbolic", order="reversed")
        assert holds and not wrong
        out.append(Evidence("symbolic", "proof", f"C={channels}, a={a}, {layers} layers, "
                            f"{dims}D: composite == matrix-product prediction ({detail}); the "
                            "reversed product order is rejected"))
    return out


@multi.check("numeric")
def scalar_identity_fails_and_tt_ranks() -> list[Evidence]:
    cascade = Cascade.exponential(2, 2, dims=2, channels=2)
    result = to_json(check_identity(cascade, "symbolic"))
    assert not result["holds"] and result["structure"] == "matrix-product"
    found = result["counterexample"]

    def recheck() -> bool:
        """Every layer's kernel is M = I + N at offset 0: the cascade there is M M (a matrix
        product), the naive channel-wise Kronecker product the entrywise M * M."""
        m = np.array([[1, 1], [0, 1]], dtype=object)
        return (np.array_equal(m.dot(m), found["cascade_output_at_offset_0"])
                and np.array_equal(m * m, found["naive_kronecker_at_offset_0"])
                and not np.array_equal(m.dot(m), m * m))

    out = [Evidence("numeric", "counterexample", "C=2, a=2, 2 layers: channel-wise Kronecker "
                    f"products {found['naive_kronecker_at_offset_0']} vs "
                    f"cascade {found['cascade_output_at_offset_0']}",
                    rechecked_by="exact 2x2 matrix products (numpy, Python ints)",
                    recheck=recheck)]
    for dims, channels, a, layers in ((1, 2, 2, 4), (1, 3, 2, 3), (2, 3, 2, 2)):
        cascade = Cascade.exponential(a, layers, dims=dims, channels=channels)
        tt = mc.tt_ranks(cascade, seed=1)
        # The upper bound needs the matrix-product (TT) form for every kernel: proved here.
        holds, _ = mc.check_generalised_identity(cascade, "symbolic")
        assert tt["reaches_bound"] and holds
        out.append(Evidence("numeric", "proof", f"C={channels}, a={a}, {layers} layers, {dims}D:"
                            f" TT ranks {tt['ranks']} = bound {tt['bound']} (exact ranks at an "
                            "integer point bound the generic ranks below; the TT form with C x "
                            "C cores, a symbolic identity at this size, bounds them above for "
                            "every kernel)", data=tt))
    return out


# ---------------------------------------------------------------------------------------------
boundary = claim(
    "boundary-handling", group="B", source="derived", expected="qualified",
    uses=["cascade-kronecker-identity"], derivation=DERIVATIONS.BOUNDARY_HANDLING,
    title="Which boundary handlings keep the identity, and where",
    statement=r"\text{cascade}_{\mathrm{bnd}}(x) = (K_L \otimes \cdots \otimes K_0) "
              r"*_{\mathrm{bnd}} x",
    conditions=r"full and valid: everywhere. circular: everywhere up to the cyclic shift "
               r"$\delta = \sum_l c_l - c$, $c_l = D_l - \lfloor D_l/2 \rfloor$, "
               r"$D_l = d_l(a_l-1)$, $c = D - \lfloor D/2 \rfloor$ ($\delta = 0$ for "
               r"$d_l = a^l$). same: only on the region of outputs $t$ (shifted by $\delta$) "
               r"whose valid tap paths keep every intermediate index in $[0, n)$.")


@boundary.check("symbolic")
def full_valid_circular_hold() -> Evidence:
    for name in ("full", "valid", "circular"):
        for a in (2, 3):
            result = check_identity(Cascade.exponential(a, 3, dims=1, boundary=name), "symbolic")
            assert result.holds and result.kind == "proof", (name, a)
    return Evidence("symbolic", "proof", "a = 2, 3; 3 layers, d = a^l, 1D: full (kernels), valid "
                    "and circular (outputs on a symbolic input of length extent + 1) hold as "
                    "polynomial identities")


@boundary.check("numeric")
def regions_against_direct() -> Evidence:
    result = SweepResult(DEFAULT)
    sweep_boundary(result, DEFAULT.boundary_dims, DEFAULT.boundary_dilations)
    assert result.ok, result.mismatches[:3]
    # Degree in the kernels and the input: at most 3 layers + 1 = 4.
    return one_point_per_case(f"derived shift and region == direct agreement set for "
                              f"{result.checked['boundary']} configurations",
                              result.checked["boundary"], 3, "full/valid/same/circular, a in "
                              "1..3, 1-3 layers, d in 1..3, input length extent + 1 and 3, 1D")


@boundary.check("numeric")
def same_only_on_interior() -> Evidence:
    cascade = Cascade.exponential(3, 2, dims=1, boundary="same")
    relation = boundary_relation(cascade, (12,))
    agree = direct_boundary_agreement(cascade, (12,), relation.shift)
    assert np.array_equal(agree, relation.region) and not relation.region.all()
    example = linear_counterexample(cascade)
    assert example is not None
    return Evidence("numeric", "counterexample", "same, a=3, d=1,3, n=12: the cascade equals the "
                    f"single 'same' convolution only at outputs "
                    f"{np.flatnonzero(relation.region).tolist()} (shift {relation.shift}); "
                    "outside, a counterexample", rechecked_by=REFERENCE, verdict="qualifies",
                    recheck=kronecker_differs(cascade, example["kernels"], example["input"]),
                    data=to_json(relation))


# ---------------------------------------------------------------------------------------------
order = claim(
    "layer-order", group="B", source="derived",
    uses=["general-schedule", "multichannel-identity"], derivation=DERIVATIONS.LAYER_ORDER,
    title="Layer order: irrelevant for one linear channel, relevant otherwise",
    statement=r"C = 1, \sigma = \mathrm{id}: \text{cascade}_\pi = \text{cascade}; "
              r"\text{with } \sigma \text{ or } C > 1 \text{ not in general}")


@order.check("symbolic")
def linear_single_channel_commutes() -> Evidence:
    cascade = Cascade.exponential(2, 3, dims=2)
    kernels = SYMBOLIC.kernels(cascade)
    dilations = [layer.dilations for layer in cascade.layers]
    base = SYMBOLIC.composite(kernels, dilations)
    for perm in permutations(range(3)):
        assert SYMBOLIC.compare(base, SYMBOLIC.composite([kernels[i] for i in perm],
                                                         [dilations[i] for i in perm])).equal
    return Evidence("symbolic", "proof", "a=2, d=1,2,4, 2D: all 6 orders give the same "
                    "composite polynomial array (convolution is commutative)")


@order.check("numeric")
def nonlinear_and_multichannel_do_not() -> list[Evidence]:
    cascade = Cascade.from_schedule([1, 1], [1, 1], dims=1, nonlinearity="relu")
    kernels = [np.array([1], dtype=object), np.array([-1], dtype=object)]
    x = np.array([1], dtype=object)

    def orders(reference: bool) -> tuple[list, list]:
        forward = nl.apply_cascade(x, kernels, cascade, reference=reference)[0]
        backward = nl.apply_cascade(x, kernels[::-1], cascade, reference=reference)[0]
        return forward.tolist(), backward.tolist()

    found = orders(reference=False)
    assert found[0] != found[1]
    channel = Cascade.from_schedule([1, 1], [1, 1], dims=1, channels=2)
    a = np.array([[[1], [1]], [[0], [1]]], dtype=object)
    b = np.array([[[1], [0]], [[1], [1]]], dtype=object)
    ab = mc.composite(ExactEngine(), [a, b], channel)
    ba = mc.composite(ExactEngine(), [b, a], channel)
    assert not np.array_equal(ab, ba)

    def matrix_recheck() -> bool:
        """Plain matrix products: layer a first, then b, is B A."""
        return (np.array_equal(ab[..., 0], b[..., 0].dot(a[..., 0]))
                and np.array_equal(ba[..., 0], a[..., 0].dot(b[..., 0]))
                and not np.array_equal(ab, ba))

    return [Evidence("numeric", "counterexample", f"ReLU between 1x1 kernels [1] and [-1], x = "
                     f"[1]: forward {found[0]}, reversed {found[1]}", rechecked_by=REFERENCE,
                     recheck=lambda: orders(reference=True) == found),
            Evidence("numeric", "counterexample", "C=2, 1x1 kernels A=[[1,1],[0,1]], "
                     f"B=[[1,0],[1,1]]: composite A then B = {ab[..., 0].tolist()}, B then A = "
                     f"{ba[..., 0].tolist()} (matrices do not commute)",
                     rechecked_by="exact matrix products B A and A B (numpy, Python ints)",
                     recheck=matrix_recheck)]
