"""Benchmarks for the identity check, as ratios measured in one run (CPU seconds of this
process and its workers, ``resource.getrusage``: wall time means little on a loaded machine).

1. Symbolic: the proof (symbolic kernels, then ``SymbolicEngine.compare_kronecker``:
   generating functions in FLINT against numpy.kron; ``check_identity`` adds structure and rank
   reports on top) against two baselines doing the same proof: naive (the same cascade on SymPy
   expression trees, then ``sympy.expand`` of every entry) and SymPy's sparse ring in the same
   generating-function form (the alternative to FLINT). Targets: 81x81 >= 50x naive; 729x729
   <= 10 s.
2. Exact (CRT over int64 primes) and modular ``check_identity`` against the memory floor:
   ``numpy.kron`` of the factors, the least any check must materialise. Peak resident memory
   of a fresh process each (``ru_maxrss``), so nothing else in this run inflates it. Targets:
   exact 6561x6561 under 2 GiB; modular at most 2x its floor.

Run: ``make bench`` (or ``.venv/bin/python benchmarks/bench_identity.py [--quick]``).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
from collections.abc import Callable
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


def timed(function: Callable[[], Any], repeat: int = 1) -> tuple[float, Any]:
    """The least CPU seconds over ``repeat`` calls (the same rule for ours and baselines)."""
    best, value = float("inf"), None
    for _ in range(repeat):
        start = cpu_seconds()
        value = function()
        best = min(best, cpu_seconds() - start)
    return best, value


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller sizes")
    parser.add_argument("--json", action="store_true", help="rows as JSON")
    args = parser.parse_args()
    rows: list[tuple[str, str, float, float]] = []
    symbolic_proof(Cascade.exponential(2, 2))  # warm up: imports, FLINT contexts
    sizes = [(3, 3), (3, 4)] if args.quick else [(3, 3), (3, 4), (3, 6)]
    for a, layers in sizes:
        cascade = Cascade.exponential(a, layers, dims=2)
        repeat = 3 if layers <= 4 else 1
        ours, holds = timed(lambda c=cascade: symbolic_proof(c), repeat)
        assert holds
        label = f"symbolic {a**layers}x{a**layers} ({layers} layers)"
        ring, holds = timed(lambda c=cascade: sympy_ring_generating(c), repeat)
        assert holds
        rows.append((label, "SymPy ring, same generating functions", ours, ring))
        if layers <= 4:
            base, ok = timed(lambda c=cascade: naive_expand(c), repeat)
            assert ok
            rows.append((label, "naive sympy.expand of the same cascade", ours, base))
    layers = 6 if args.quick else 8
    side = 3**layers
    for engine in ("exact", "modular"):
        ours, peak = in_child("check_run", engine, layers)
        floor, floor_peak = in_child("floor_run", engine, layers)
        rows.append((f"{engine} {side}x{side}: peak {peak:.0f} MiB vs {floor_peak:.0f} MiB "
                     f"(x{peak / floor_peak:.2f})", "numpy.kron of the factors (memory floor)",
                     ours, floor))
    if args.json:
        print(json.dumps([dict(zip(("case", "baseline", "ours_cpu_s", "baseline_cpu_s"), r,
                                   strict=True)) for r in rows], indent=2))
        return
    print(f"{'case':<58} {'baseline':<40} {'ours s':>8} {'base s':>8} {'ratio':>8}")
    for case, baseline, ours, base in rows:
        print(f"{case:<58} {baseline:<40} {ours:8.3f} {base:8.3f} {base / ours:8.2f}")
    print("CPU seconds; ratio = baseline / ours, measured in this run (> 1: we are faster; "
          "against the memory floor < 1 is expected: the floor does less)")


if __name__ == "__main__":
    main()
