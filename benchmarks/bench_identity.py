"""Benchmarks for the identity check, as ratios measured in one run (CPU seconds of this
process and its workers, ``resource.getrusage``: wall time means little on a loaded machine).

1. Symbolic: the proof (symbolic kernels, then ``SymbolicEngine.compare_kronecker``:
   generating functions in FLINT against the Kronecker product's polynomial; ``check_identity``
   adds structure and rank reports on top) against two baselines doing the same proof: naive
   (the same cascade on SymPy expression trees, then ``sympy.expand`` of every entry) and
   SymPy's sparse ring in the same generating-function form (the alternative to FLINT). Ours
   and each baseline are timed alike: calls alternate, ``gc.collect()`` before each, and the
   least CPU time of ``--repeat`` calls counts (interference from other processes only ever
   adds time). Targets: 81x81 >= 50x naive; 729x729 <= 10 s; with ``--stretch``, 2187x2187
   (7 layers, ``check_identity`` in a fresh process, with its peak memory) <= 600 s.
2. Exact (CRT over int64 primes) and modular ``check_identity`` against the memory floor:
   ``numpy.kron`` of the factors, the least any check must materialise. Peak resident memory
   of a fresh process each (``ru_maxrss``), so nothing else in this run inflates it. Targets:
   exact 6561x6561 under 2 GiB; modular at most 2x its floor.

The table ends with each target, the figure measured for it in this run, and whether it is met.

Run: ``make bench`` (or ``.venv/bin/python benchmarks/bench_identity.py [--quick] [--stretch]``).
"""

from __future__ import annotations

import argparse
import gc
import json
import resource
import subprocess
import sys
from collections.abc import Callable
from dataclasses import asdict, dataclass
from functools import reduce
from typing import Any

import numpy as np
import sympy
from sympy.polys.rings import PolyRing

from kronconv import Cascade, check_identity
from kronconv.engines import ExactEngine, ModularEngine, SymbolicEngine
from kronconv.kronecker.identity import kronecker_factors


def cpu_seconds() -> float:
    usage = [resource.getrusage(who) for who in (resource.RUSAGE_SELF,
                                                 resource.RUSAGE_CHILDREN)]
    return sum(u.ru_utime + u.ru_stime for u in usage)


def timed_alike(ours: Callable[[], Any], baseline: Callable[[], Any],
                repeat: int) -> tuple[float, float]:
    """The least CPU seconds of ``repeat`` calls of each, alternating ours and the baseline
    (so that both meet the same load), after ``gc.collect()``; both must return True."""
    best = [float("inf"), float("inf")]
    for _ in range(repeat):
        for side, function in enumerate((ours, baseline)):
            gc.collect()
            start = cpu_seconds()
            assert function()
            best[side] = min(best[side], cpu_seconds() - start)
    return best[0], best[1]


def symbolic_proof(cascade: Cascade) -> bool:
    """Ours: symbolic kernels, C = prod_l K_l(x^{d_l}) against Q = sum_I (numpy.kron)[I] x^I."""
    engine = SymbolicEngine()
    kernels = engine.kernels(cascade)
    return engine.compare_kronecker(kernels, [layer.dilations for layer in cascade.layers],
                                    kronecker_factors(kernels)).equal


def naive_expand(cascade: Cascade) -> bool:
    """Baseline: expression-tree kernels, the same cascade, then expand every entry."""
    engine = SymbolicEngine()
    kernels = [np.vectorize(lambda p: p.as_expr(), otypes=[object])(k)
               for k in engine.kernels(cascade)]
    composite = engine.composite(kernels, [layer.dilations for layer in cascade.layers])
    predicted = reduce(np.kron, kernels[::-1])
    return all(sympy.expand(left) == sympy.expand(right)
               for left, right in zip(composite.flat, predicted.flat, strict=True))


def sympy_ring_generating(cascade: Cascade) -> bool:
    """Baseline: the same generating-function proof in SymPy's sparse ring (no FLINT)."""
    engine = SymbolicEngine()
    kernels = engine.kernels(cascade)
    ring = kernels[0].flat[0].ring
    dims = cascade.dims
    big = PolyRing([str(s) for s in ring.symbols] + [f"_x{i}" for i in range(dims)], ring.domain)

    def polynomial(array: np.ndarray, place: Callable[[tuple[int, ...]], tuple[int, ...]]) -> Any:
        terms: dict[tuple[int, ...], Any] = {}
        for index in np.ndindex(*array.shape):
            for monomial, coefficient in array[index].items():
                terms[monomial + place(index)] = coefficient
        return big.from_dict(terms)

    left = big.one
    for kernel, layer in zip(kernels, cascade.layers, strict=True):
        left *= polynomial(kernel, lambda i, d=layer.dilations: tuple(
            a * b for a, b in zip(d, i, strict=True)))
    right = polynomial(engine.kron(*kernels[::-1]), lambda i: tuple(i))
    return bool(left == right)


def floor_run(engine: str, layers: int) -> None:
    """In a child process: numpy.kron of the factors only."""
    cascade = Cascade.exponential(3, layers, dims=2)
    chosen = ExactEngine() if engine == "exact" else ModularEngine()
    kernels = chosen.kernels(cascade)
    if engine == "exact":  # the floor is one int64 residue array, as the engine works
        kernels = [ModularEngine().residues(k) for k in kernels]
    ModularEngine().kron(*kernels[::-1])


def check_run(engine: str, layers: int) -> None:
    assert check_identity(Cascade.exponential(3, layers, dims=2), engine).holds


def in_child(kind: str, engine: str, layers: int) -> tuple[float, float]:
    """(CPU seconds, peak MiB) of one run in a fresh process."""
    code = (f"import resource, sys; sys.path.insert(0, {sys.path[0]!r}); "
            f"import bench_identity as b; b.{kind}({engine!r}, {layers}); "
            "u = resource.getrusage(resource.RUSAGE_SELF); "
            "print(u.ru_utime + u.ru_stime, u.ru_maxrss / 1024)")
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                         text=True).stdout.split()
    return float(out[0]), float(out[1])


@dataclass(frozen=True)
class Row:
    case: str
    baseline: str
    ours: float  # CPU seconds
    base: float


@dataclass(frozen=True)
class Target:
    statement: str
    figure: str
    met: bool


def symbolic_rows(a: int, layers: int, repeat: int) -> tuple[list[Row], list[Target]]:
    """Ours against the SymPy ring and (up to 4 layers) naive expand, with their targets."""
    cascade = Cascade.exponential(a, layers, dims=2)
    label = f"symbolic {a**layers}x{a**layers} ({layers} layers)"
    ours, ring = timed_alike(lambda: symbolic_proof(cascade),
                             lambda: sympy_ring_generating(cascade), repeat)
    rows = [Row(label, "SymPy ring, same generating functions", ours, ring)]
    targets = []
    if layers <= 4:
        ours_again, naive = timed_alike(lambda: symbolic_proof(cascade),
                                        lambda: naive_expand(cascade), repeat)
        rows.append(Row(label, "naive sympy.expand of the same cascade", ours_again, naive))
        if layers == 4:
            targets.append(Target(f"{label} >= 50x naive sympy.expand",
                                  f"{naive / ours_again:.1f}x", naive / ours_again >= 50))
    if layers == 6:
        targets.append(Target(f"{label} <= 10 s CPU", f"{ours:.2f} s", ours <= 10))
    return rows, targets


def stretch_target() -> Target:
    """check_identity at 2187x2187 (7 layers) with the symbolic engine, in a fresh process."""
    cpu, peak = in_child("check_run", "symbolic", 7)
    return Target("symbolic 2187x2187 (7 layers, check_identity) <= 600 s CPU",
                  f"{cpu:.1f} s, peak {peak:.0f} MiB", cpu <= 600)


def memory_rows(layers: int) -> tuple[list[Row], list[Target]]:
    """Exact and modular check_identity against numpy.kron of the factors (fresh processes)."""
    side = 3**layers
    rows, targets = [], []
    for engine in ("exact", "modular"):
        ours, peak = in_child("check_run", engine, layers)
        floor, floor_peak = in_child("floor_run", engine, layers)
        label = f"{engine} {side}x{side}"
        rows.append(Row(f"{label}: peak {peak:.0f} MiB vs {floor_peak:.0f} MiB "
                        f"(x{peak / floor_peak:.2f})", "numpy.kron of the factors (memory floor)",
                        ours, floor))
        if engine == "exact" and layers == 8:
            targets.append(Target(f"{label} peak < 2 GiB", f"{peak:.0f} MiB", peak < 2048))
        if engine == "modular":
            targets.append(Target(f"{label} peak <= 2x its floor", f"x{peak / floor_peak:.2f}",
                                  peak <= 2 * floor_peak))
    return rows, targets


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller sizes")
    parser.add_argument("--stretch", action="store_true",
                        help="also 2187x2187 symbolic (about 20 s of CPU, 2.3 GiB)")
    parser.add_argument("--repeat", type=int, default=5,
                        help="calls per side up to 4 layers (least CPU time counts)")
    parser.add_argument("--json", action="store_true", help="rows and targets as JSON")
    args = parser.parse_args()
    symbolic_proof(Cascade.exponential(2, 2))  # warm up: imports, FLINT contexts
    rows: list[Row] = []
    targets: list[Target] = []
    for layers in [3, 4] if args.quick else [3, 4, 6]:
        more_rows, more_targets = symbolic_rows(3, layers, args.repeat if layers <= 4 else 1)
        rows, targets = rows + more_rows, targets + more_targets
    if args.stretch:
        targets.append(stretch_target())
    more_rows, more_targets = memory_rows(6 if args.quick else 8)
    rows, targets = rows + more_rows, targets + more_targets
    if args.json:
        print(json.dumps({"rows": [asdict(row) for row in rows],
                          "targets": [asdict(target) for target in targets]}, indent=2))
        return
    print(f"{'case':<58} {'baseline':<40} {'ours s':>8} {'base s':>8} {'ratio':>8}")
    for row in rows:
        print(f"{row.case:<58} {row.baseline:<40} {row.ours:8.3f} {row.base:8.3f} "
              f"{row.base / row.ours:8.2f}")
    print("CPU seconds; ratio = baseline / ours, measured in this run (> 1: we are faster; "
          "against the memory floor < 1 is expected: the floor does less)")
    for target in targets:
        print(f"target {target.statement:<58} {target.figure:>24}  "
              f"{'met' if target.met else 'NOT MET'}")


if __name__ == "__main__":
    main()
