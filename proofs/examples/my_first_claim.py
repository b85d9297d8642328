"""A worked example of a proof script (docs/writing-proofs.md walks through it).

Run it with ``kronconv verify proofs/examples/my_first_claim.py``. It lives in a subdirectory so
that ``kronconv verify proofs`` (which reads only the top-level ``proofs/*.py``) does not pick it
up: the catalogue's claims stay the catalogue's.

The claim: a 1-D cascade of two layers with kernel sizes 2 and 3 and dilations 1 and 2 is ONE
convolution with the kernel K_1 kron K_0 (most dilated layer leftmost) -- a small case of the
mixed-radix Kronecker identity, since the second dilation equals the first kernel's extent.

The claim carries its derivation (``derivation=``): the steps a reader follows and a small
instance expanded by the symbolic engine, rendered by ``kronconv derive`` without editing
kronconv. It uses the catalogue's block lemma (``uses=``), which the rendered steps cite.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

import kronconv.latex as tex
from kronconv import Cascade, Evidence, claim
from kronconv.claims import Context, Derivation, SizeSpec
from kronconv.engines import ExactEngine, SymbolicEngine
from kronconv.latex import Latex
from kronconv.render.derivation_helpers import array_latex, numbered_steps, prose

CASCADE = Cascade.from_schedule([2, 3], [1, 2], dims=1)


def steps(context: Context) -> Latex:
    """The argument, step by step; ``context.ref`` cites another claim (with its section number
    when the document holds it)."""
    return numbered_steps(
        prose("Layer 0 convolves with $K_0$ (extent 2); layer 1 with $K_1$ (extent 3) at "
              "dilation 2, which is exactly the extent of $K_0$."),
        prose("By associativity the cascade is one convolution with its impulse response "
              "$C = K_1 *_2 K_0$, so $K_1 *_2 (K_0 * F) = C * F$."),
        prose("By the block lemma", context.ref("block-lemma"), "a dilation equal to the inner "
              "extent places one product per entry:")
        + tex.display(r"C_t = (K_1)_{\lfloor t/2 \rfloor}\,(K_0)_{t \bmod 2} = "
                      r"(K_1 \otimes K_0)_t ,\qquad 0 \le t < 6 ."),
    )


def instance(sizes: tuple[int, ...]) -> Latex:
    """The six entries of C, expanded by the symbolic engine, and the comparison."""
    engine = SymbolicEngine()
    composite, product = composite_and_product(engine, engine.kernels(CASCADE))
    return (tex.paragraph(prose("The composite $C$ (symbols $k_{l,i}$: layer $l$, tap $i$):"))
            + array_latex(composite)
            + tex.paragraph(prose(r"Against $K_1 \otimes K_0$:"),
                            tex.text(engine.compare(composite, product).detail + ".")))


example = claim(
    "example-two-layer-kronecker", group="examples", source="docs/writing-proofs.md",
    title="Two layers (sizes 2 and 3, dilations 1 and 2) are one convolution with a Kronecker "
          "product",
    statement=r"K_1 *_{2} (K_0 * F) = (K_1 \otimes K_0) * F,\quad K_0 \in R^{2},\ K_1 \in R^{3}",
    uses=["block-lemma"],  # a catalogue claim: allowed, and drawn as an external node
    derivation=Derivation(steps, instance, SizeSpec(names=(), defaults=(), maxima=())))


def composite_and_product(engine, kernels):
    """Step 1: the cascade's impulse response. Step 2: the Kronecker product, layer 1 left."""
    dilations = [layer.dilations for layer in CASCADE.layers]
    return engine.composite(kernels, dilations), engine.kron(kernels[1], kernels[0])


@example.check("symbolic")
def holds_for_every_kernel() -> Evidence:
    # Symbols k_{l,i} for every tap: equal polynomials means equal for every kernel value.
    engine = SymbolicEngine()
    composite, product = composite_and_product(engine, engine.kernels(CASCADE))
    comparison = engine.compare(composite, product)
    if not comparison.equal:
        raise AssertionError(f"composite != K_1 kron K_0: {comparison.detail}")
    return Evidence("symbolic", "proof", f"polynomial identity in the 5 kernel symbols: "
                    f"{comparison.detail}")


@example.check("numeric")
def agrees_on_random_integers() -> Evidence:
    # An independent second engine: exact integers, seeded, and applied to a random input.
    engine, rng, count = ExactEngine(), np.random.default_rng(7), 20
    for _ in range(count):
        kernels = [rng.integers(-9, 10, 2), rng.integers(-9, 10, 3)]
        x = rng.integers(-9, 10, 6)
        composite, product = composite_and_product(engine, kernels)
        cascade_output = engine.apply_cascade(x, kernels, [(1,), (2,)])
        if not (np.array_equal(composite, product)
                and np.array_equal(cascade_output, engine.dilated_conv(x, product, 1))):
            raise AssertionError("the exact engine disagrees")
    # Each instance is exact; a wrong bilinear identity survives a random point of [-9, 9]
    # with probability <= 2/19 (Schwartz-Zippel): the runner computes the bound (2/19)^20.
    return Evidence("numeric", "randomized", f"{count} random integer kernels and inputs: the "
                    "cascade's output equals one convolution with K_1 kron K_0", count=count,
                    seed=7, per_trial=Fraction(2, 19))
