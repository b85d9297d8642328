"""Benchmarks for the identity check, as ratios measured in one run.

1. The symbolic engine (SymPy sparse polynomial ring) against the naive baseline: the same
   cascade on SymPy expression trees, then ``sympy.expand`` of every entry. Both do the same
   work: composite kernel, Kronecker product, entrywise comparison.
2. ``check_identity`` with the exact and modular numeric engines against the memory floor:
   ``numpy.kron`` of the factors, the least any check must do (materialise the predicted kernel
   once).

Run: ``make bench`` (or ``.venv/bin/python benchmarks/bench_identity.py [--quick]``).
"""

from __future__ import annotations

import argparse
import time
import tracemalloc
from collections.abc import Callable
from functools import reduce
from typing import Any

import numpy as np
import sympy

from kronconv import Cascade, check_identity
from kronconv.engines import ExactEngine, ModularEngine, SymbolicEngine


def timed(function: Callable[[], Any], *, memory: bool = False) -> tuple[float, float, Any]:
    """Seconds and peak MiB (when asked: tracemalloc slows the run) of one call."""
    if memory:
        tracemalloc.start()
    start = time.perf_counter()
    value = function()
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1] / 2**20 if memory else float("nan")
    if memory:
        tracemalloc.stop()
    return seconds, peak, value


def naive_expand(cascade: Cascade) -> bool:
    """Baseline: expression-tree kernels, the same cascade, then expand every entry."""
    engine = SymbolicEngine()
    kernels = [np.vectorize(lambda p: p.as_expr(), otypes=[object])(k)
               for k in engine.kernels(cascade)]
    composite = engine.composite(kernels, [layer.dilations for layer in cascade.layers])
    predicted = reduce(np.kron, kernels[::-1])
    return all(sympy.expand(left) == sympy.expand(right)
               for left, right in zip(composite.flat, predicted.flat, strict=True))


def ring_identity(cascade: Cascade) -> bool:
    """Ours: the same cascade and Kronecker product in SymPy's sparse polynomial ring."""
    engine = SymbolicEngine()
    kernels = engine.kernels(cascade)
    composite = engine.composite(kernels, [layer.dilations for layer in cascade.layers])
    return engine.compare(composite, engine.kron(*kernels[::-1])).equal


def kron_floor(engine: ExactEngine | ModularEngine, cascade: Cascade) -> np.ndarray:
    kernels = engine.kernels(cascade)
    return engine.kron(*kernels[::-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller sizes")
    args = parser.parse_args()
    rows = []
    symbolic_sizes = [(3, 2), (3, 3)] if args.quick else [(3, 2), (3, 3), (3, 4), (2, 6)]
    for a, layers in symbolic_sizes:
        cascade = Cascade.exponential(a, layers, dims=2)
        ours, _, holds = timed(lambda c=cascade: ring_identity(c))
        base, _, ok = timed(lambda c=cascade: naive_expand(c))
        assert holds and ok
        rows.append((f"symbolic a={a} L+1={layers} ({a**layers}x{a**layers})",
                     "sympy.expand of the same cascade", ours, base))
    layers = 6 if args.quick else 7
    cascade = Cascade.exponential(3, layers, dims=2)
    for name, engine in (("exact", ExactEngine()), ("modular", ModularEngine())):
        ours, _, result = timed(lambda c=cascade, e=engine: check_identity(c, e))
        floor, _, _ = timed(lambda c=cascade, e=engine: kron_floor(e, c))
        # Peak memory in separate runs: tracemalloc slows Python-int arithmetic severalfold.
        peak = timed(lambda c=cascade, e=engine: check_identity(c, e), memory=True)[1]
        floor_peak = timed(lambda c=cascade, e=engine: kron_floor(e, c), memory=True)[1]
        assert result.holds
        rows.append((f"{name} a=3 L+1={layers} ({3**layers}x{3**layers}); peak "
                     f"{peak:.0f} MiB vs {floor_peak:.0f} MiB",
                     "numpy.kron of the factors (memory floor)", ours, floor))
    print(f"{'case':<62} {'baseline':<36} {'ours s':>8} {'base s':>8} {'ratio':>8}")
    for case, baseline, ours, base in rows:
        print(f"{case:<62} {baseline:<36} {ours:8.3f} {base:8.3f} {base / ours:8.2f}")
    print("ratio = baseline seconds / our seconds, measured in this run "
          "(> 1: we are faster; for the memory floor < 1 is expected: the floor does less)")


if __name__ == "__main__":
    main()
