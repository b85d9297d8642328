"""The characterisation sweep: every configuration of a stated small domain is classified by the
DIRECT test and compared with the derived exact condition; any mismatch fails the sweep.

Parts (each a stated finite domain):

- ``structure``: single channel, linear, full boundary; kernel size a in 1..4 (the same for every
  layer), schedules of 1..3 layers (``full``: 1..4 in 1D, 1..3 in 2D), each dilation in 1..9.
  Direct: :func:`~kronconv.kronecker.structure.direct_structure` (peeling, mod p); derived:
  :func:`~kronconv.kronecker.structure.predict_structure`; the extent is checked too.
- ``boundary``: every boundary handling; a in 1..3, 1..3 layers, dilations 1..3 (1..4 full), input
  length n = extent + 1 and n = 3. Direct: random residues, the cascade against the single
  convolution with the composite; derived: :func:`~kronconv.kronecker.boundary.boundary_relation`.
- ``nonlinear``: every nonlinearity; a in 1..3, 1..3 layers, dilations 1..3. Direct: an additivity
  test on float inputs (the cascade is a convolution only if it is linear); derived: linear iff
  the nonlinearity is 'none' or there is one layer.
- ``channels``: C in 1..3, a in 1..3, 1..3 layers, dilations 1..3 (exponential schedules and
  others). Direct: the multichannel composite against the matrix-product prediction (exact
  integers) and against the naive channel-wise Kronecker product; derived: the generalised
  identity always holds, the naive one only for C = 1 with kronecker structure.

Positive direct answers from one random point are Schwartz-Zippel-randomized; negative ones are
exact for that instance.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import Executor
from dataclasses import dataclass, field
from functools import partial
from itertools import product
from typing import Any

import numpy as np

from kronconv.engines import ExactEngine
from kronconv.errors import check_choice
from kronconv.kronecker import multichannel as mc
from kronconv.kronecker.boundary import boundary_relation, direct_boundary_agreement
from kronconv.kronecker.nonlinear import apply_cascade as nonlinear_apply
from kronconv.kronecker.structure import direct_structure, predict_structure
from kronconv.parallel import Serial, ordered_map
from kronconv.specs import BOUNDARIES, NONLINEARITIES, Cascade


@dataclass(frozen=True)
class Domain:
    name: str
    structure: tuple[tuple[int, int], ...] = ((1, 3),)  # (dims, max layers), one a per cascade
    mixed_structure: tuple[tuple[int, int], ...] = ()  # (dims, max layers), a_l 1-4 per layer
    boundary_dilations: int = 3
    boundary_dims: tuple[int, ...] = (1,)
    boundary_sizes: int = 3  # kernel sizes 1..boundary_sizes
    part_layers: int = 3
    channels: tuple[int, ...] = (1, 2, 3)

    def describe(self) -> str:
        parts = ", ".join(f"dims {d} up to {n} layers" for d, n in self.structure)
        mixed = "".join(f"; structure with a_l 1-4 chosen per layer, d 1-9, dims {d} up to {n} "
                        "layers" for d, n in self.mixed_structure)
        return (f"{self.name}: structure a 1-4, d 1-9, {parts}{mixed}; boundary "
                f"{list(BOUNDARIES)} a 1-{self.boundary_sizes}, 1-3 layers (dims 1; 1-2 in "
                f"dims 2), d 1-{self.boundary_dilations}, dims {list(self.boundary_dims)}; "
                f"nonlinear {list(NONLINEARITIES)} a 1-3, 1-{self.part_layers} layers, d 1-3; "
                f"channels {list(self.channels)} a 1-3, 1-{self.part_layers} layers, d 1-3")


DEFAULT = Domain("default")
FULL = Domain("full", structure=((1, 4), (2, 3)), boundary_dilations=4,
              boundary_dims=(1, 2), part_layers=3)
# A sweep worth a cluster: 134,325 configurations, 107,028 of them structure up to 2D with 4
# layers (plus kernel sizes chosen per layer), every boundary handling with a 1-4 and d 1-9.
# Run in full, serially: about 415 s of CPU (docs/characterisation.md).
WIDE = Domain("wide", structure=((1, 4), (2, 4)), mixed_structure=((1, 3),),
              boundary_dilations=9, boundary_dims=(1, 2), boundary_sizes=4, part_layers=3)
DOMAINS = {domain.name: domain for domain in (DEFAULT, FULL, WIDE)}


def domain_named(name: str) -> Domain:
    check_choice("domain", name, tuple(DOMAINS))
    return DOMAINS[name]


@dataclass
class SweepResult:
    domain: Domain
    counts: Counter = field(default_factory=Counter)  # (part, group, class) -> n
    mismatches: list[dict[str, Any]] = field(default_factory=list)
    checked: Counter = field(default_factory=Counter)  # part -> n
    seconds: float = 0.0  # wall, of the whole run
    cpu_seconds: float = 0.0  # CPU of the chunks' work, in whichever process each ran

    @property
    def ok(self) -> bool:
        return not self.mismatches and sum(self.checked.values()) > 0

    def record(self, part: str, group: str, derived: str, direct: str,
               config: dict[str, Any]) -> None:
        self.checked[part] += 1
        self.counts[(part, group, derived)] += 1
        if derived != direct:
            self.mismatches.append({"part": part, **config, "derived": derived,
                                    "direct": direct})

    def merge(self, other: SweepResult) -> None:
        """Add a chunk's counts and mismatches (chunks are merged in a fixed order)."""
        self.counts.update(other.counts)
        self.checked.update(other.checked)
        self.mismatches.extend(other.mismatches)
        self.cpu_seconds += other.cpu_seconds


def schedules(layers: int, dilations: int, first: int | None = None
              ) -> Iterator[tuple[int, ...]]:
    """Every dilation schedule of 1..layers layers, each d in 1..dilations (only those
    starting with ``first``, when given: one chunk of the sweep)."""
    for count in range(1, layers + 1):
        for schedule in product(range(1, dilations + 1), repeat=count):
            if first is None or schedule[0] == first:
                yield schedule


def sweep_structure(result: SweepResult, dims: int, layers: int, *, sizes: range = range(1, 5),
                    first: int | None = None, mixed: bool = False) -> None:
    """Kernel size a in ``sizes`` for every layer (``mixed``: a_l in 1-4 per layer, a_0 in
    ``sizes``), dilations d in 1-9."""
    for a in sizes:
        for schedule in schedules(layers, 9, first):
            size_lists = ([[a, *rest] for rest in product(range(1, 5),
                                                          repeat=len(schedule) - 1)]
                          if mixed else [[a] * len(schedule)])
            for kernel_sizes in size_lists:
                cascade = Cascade.from_schedule(kernel_sizes, list(schedule), dims=dims)
                derived, direct = predict_structure(cascade), direct_structure(cascade)
                same_extent = tuple(direct.data["extent"]) == derived.extent
                group = (f"dims {dims}, {'a_0' if mixed else 'a'}={a}, {len(schedule)} layers"
                         + (", mixed sizes" if mixed else ""))
                result.record("structure", group, derived.kind,
                              direct.kind if same_extent else "extent-mismatch",
                              {"a": kernel_sizes, "dilations": schedule, "dims": dims})


def sweep_boundary(result: SweepResult, dims: tuple[int, ...], dilations: int, *,
                   sizes: range = range(1, 4), boundaries: tuple[str, ...] = BOUNDARIES,
                   first: int | None = None) -> None:
    for dim, boundary, a in product(dims, boundaries, sizes):
        for schedule in schedules(3 if dim == 1 else 2, dilations, first):
            cascade = Cascade.from_schedule([a] * len(schedule), list(schedule), dims=dim,
                                            boundary=boundary)
            for n in sorted({cascade.extent[0] + 1, 3}):
                if boundary == "valid" and n < cascade.extent[0]:
                    continue
                shape = (n,) * dim
                relation = boundary_relation(cascade, shape)
                agree = direct_boundary_agreement(cascade, shape, relation.shift)
                derived = "agrees on region" if relation.region.all() else "agrees on part"
                direct = derived if np.array_equal(agree, relation.region) else "region differs"
                result.record("boundary", f"{boundary}, dims {dim}", derived, direct,
                              {"a": a, "dilations": schedule, "boundary": boundary, "n": n})


def _is_additive(cascade: Cascade, sigma: str, seed: int, draws: int = 10) -> bool:
    """Float additivity test: 3 random input pairs for each of ``draws`` kernel draws (one draw
    can make a ReLU cascade linear, e.g. the zero map when a negative weight kills every
    activation; the claim is that SOME kernels make it nonlinear). The tolerance 1e-9 relative
    is far above the rounding of these few operations (~1e-15), far below violations (O(1))."""
    rng = np.random.default_rng(seed)
    shape = tuple(e + 1 for e in cascade.extent)
    kernels: list[np.ndarray] = []
    for pair in range(3 * draws):
        if pair % 3 == 0:
            kernels = [rng.standard_normal(layer.sizes) for layer in cascade.layers]
        x, y = rng.standard_normal(shape), rng.standard_normal(shape)
        fx, fy, fxy = (nonlinear_apply(v, kernels, cascade, sigma)[0] for v in (x, y, x + y))
        if np.any(np.abs(fxy - fx - fy) > 1e-9 * (np.abs(fx) + np.abs(fy) + np.abs(fxy) + 1)):
            return False
    return True


def sweep_nonlinear(result: SweepResult, layers: int,
                    nonlinearities: tuple[str, ...] = NONLINEARITIES) -> None:
    for sigma, a in product(nonlinearities, range(1, 4)):
        for schedule in schedules(layers, 3):
            cascade = Cascade.from_schedule([a] * len(schedule), list(schedule), dims=1,
                                            nonlinearity=sigma)
            derived = "convolution" if sigma == "none" or len(schedule) == 1 else "nonlinear"
            direct = "convolution" if _is_additive(cascade, sigma, len(schedule)) \
                else "nonlinear"
            result.record("nonlinear", f"{sigma}", derived, direct,
                          {"a": a, "dilations": schedule, "nonlinearity": sigma})


def sweep_channels(result: SweepResult, channels: tuple[int, ...], layers: int) -> None:
    engine = ExactEngine()
    for c, a in product(channels, range(1, 4)):
        for schedule in schedules(layers, 3):
            cascade = Cascade.from_schedule([a] * len(schedule), list(schedule), dims=1,
                                            channels=c)
            kernels = mc.integer_kernels(cascade, seed=len(schedule))
            w = mc.composite(engine, kernels, cascade)
            general = engine.compare(w, mc.matrix_product_prediction(kernels, cascade)).equal
            naive = mc.naive_channel_kronecker(kernels)
            naive_holds = all(np.array_equal(np.asarray(naive[o, i], dtype=object), w[o, i])
                              for o in range(c) for i in range(c))
            scalar_kron = predict_structure(Cascade.from_schedule(
                [a] * len(schedule), list(schedule), dims=1)).kind == "kronecker"
            in_order = list(schedule) == [a**level for level in range(len(schedule))] or a == 1
            naive_derived = ("holds" if (c == 1 or len(schedule) == 1) and scalar_kron and in_order
                             else "fails")
            derived = f"general holds; naive {naive_derived}"
            direct = (f"general {'holds' if general else 'fails'}; naive "
                      f"{'holds' if naive_holds else 'fails'}")
            result.record("channels", f"C={c}", derived, direct,
                          {"channels": c, "a": a, "dilations": schedule})


Chunk = tuple[Any, ...]  # (part, parameters...): picklable, self-contained, seeded


def chunks(domain: Domain) -> list[Chunk]:
    """The domain cut into independent pieces, in a fixed order (the merge order)."""
    out: list[Chunk] = []
    for mixed, parts in ((False, domain.structure), (True, domain.mixed_structure)):
        for (dims, layers), a, first in product(parts, range(1, 5), range(1, 10)):
            out.append(("structure", dims, layers, a, first, mixed))
    for dim, boundary, a in product(domain.boundary_dims, BOUNDARIES,
                                    range(1, domain.boundary_sizes + 1)):
        out.append(("boundary", dim, domain.boundary_dilations, boundary, a))
    out += [("nonlinear", domain.part_layers, sigma) for sigma in NONLINEARITIES]
    out += [("channels", c, domain.part_layers) for c in domain.channels]
    return out


def run_chunk(domain: Domain, chunk: Chunk) -> SweepResult:
    """One piece of the sweep, on its own (any process or machine): its deterministic seeds
    depend on the configuration only, so the result does not depend on where it runs."""
    start = time.process_time()
    result = SweepResult(domain)
    part, *params = chunk
    if part == "structure":
        dims, layers, a, first, mixed = params
        sweep_structure(result, dims, layers, sizes=range(a, a + 1), first=first, mixed=mixed)
    elif part == "boundary":
        dim, dilations, boundary, a = params
        sweep_boundary(result, (dim,), dilations, sizes=range(a, a + 1), boundaries=(boundary,))
    elif part == "nonlinear":
        sweep_nonlinear(result, params[0], (params[1],))
    else:
        sweep_channels(result, (params[0],), params[1])
    result.cpu_seconds = time.process_time() - start
    return result


def run_sweep(full: bool = False, progress: Callable[[int, int, SweepResult], None] | None = None,
              *, domain: Domain | None = None, pool: Executor | None = None) -> SweepResult:
    """Every chunk of the domain (default: ``full`` ? FULL : DEFAULT) on ``pool`` (default: in
    this process), merged in chunk order; ``progress(done, total, chunk_result)``."""
    domain = domain or (FULL if full else DEFAULT)
    result = SweepResult(domain)
    start = time.perf_counter()
    pieces = chunks(domain)

    def done(index: int, piece: SweepResult) -> None:
        if progress:
            progress(index + 1, len(pieces), piece)

    for piece in ordered_map(pool or Serial(), partial(run_chunk, domain), pieces, done):
        result.merge(piece)
    result.seconds = time.perf_counter() - start
    return result


def exponential_table(sizes: range = range(2, 5), bases: range = range(1, 7),
                      layers: int = 3) -> list[dict[str, Any]]:
    """The essay's question, d^l vs a: derived and direct structure and extent per (a, d)."""
    from kronconv.kronecker.structure import exponential_structure

    rows = []
    for a, d in product(sizes, bases):
        cascade = Cascade.from_schedule([a] * layers, [d**level for level in range(layers)],
                                        dims=1)
        kind, extent, paddings = exponential_structure(a, d, layers)
        direct = direct_structure(cascade)
        rows.append({"a": a, "d": d, "relation": "d = a" if d == a else "d > a" if d > a
                     else "d < a", "closed_form": kind, "extent": extent,
                     "paddings": paddings, "direct": direct.kind,
                     "direct_extent": direct.data["extent"][0]})
    return rows
