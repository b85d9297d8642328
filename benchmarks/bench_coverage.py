"""Benchmark: the exact coverage set of 2D architectures with receptive fields over 4,000 pixels
per axis, with time and peak memory, against a named baseline measured in the same run.

Methods (all exact; the three results are checked equal before the table is printed):
- separable: per-axis boolean propagation
  (kronconv.receptive_field.dependency.axis_dependency_sets),
  then the Cartesian product (valid without merges and unpooling);
- nd: N-D boolean support propagation (dependency_set(..., separable=False)), the general path
  used for graphs;
- baseline "impulse": the dense 2D impulse response of all-ones kernels through kronconv's exact
  int64 convolution engine (kronconv.ops.composite_kernel), support = entries > 0.

Run: .venv/bin/python benchmarks/bench_coverage.py   (no timing assertions anywhere)
"""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import numpy as np

from kronconv.ops import composite_kernel
from kronconv.receptive_field.dependency import axis_dependency_sets, dependency_set
from kronconv.specs.architecture import Architecture, plain_stack

CASES = {
    "exponential 3x3, d = 1..1024 (dense)": [2**j for j in range(11)],
    "gridding 3x3, d = 2, 4, ..., 1024, 2": [2 * 2**j for j in range(10)] + [2],
}


def measure(function: Callable[[], Any]) -> tuple[Any, float, float]:
    """(result, seconds, peak MiB traced by tracemalloc, which sees numpy's buffers)."""
    tracemalloc.start()
    start = time.perf_counter()
    result = function()
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return result, seconds, peak


def methods(arch: Architecture, ks: list[int], dilations: list[int]
            ) -> dict[str, Callable[[], np.ndarray]]:
    """The baseline first, then the two exact propagations, bound to one architecture."""

    def separable() -> np.ndarray:
        parts = axis_dependency_sets(arch)
        return np.asarray(np.logical_and.outer(parts[0].mask, parts[1].mask))

    def nd() -> np.ndarray:
        return dependency_set(arch, separable=False).mask

    def impulse() -> np.ndarray:
        kernels = [np.ones((3, 3), dtype=np.int64) for _ in ks]
        return np.asarray(composite_kernel(kernels, dilations)) > 0

    return {"impulse": impulse, "nd": nd, "separable": separable}


def main() -> None:
    print(f"{'architecture':40} {'method':10} {'rf':>11} {'holes':>10} {'time s':>8} "
          f"{'peak MiB':>9} {'baseline/method':>15}")
    for name, dilations in CASES.items():
        ks = [3] * len(dilations)
        arch = plain_stack(ks, dilations, paddings=dilations, dims=2)

        runs = {label: measure(f) for label, f in methods(arch, ks, dilations).items()}
        reference = runs["impulse"][0]
        for label, (mask, _, _) in runs.items():
            if mask.shape != reference.shape or not np.array_equal(mask, reference):
                raise SystemExit(f"{name}: {label} disagrees with the impulse response")
        base_seconds = runs["impulse"][1]
        for label, (mask, seconds, peak) in runs.items():
            rf = "x".join(map(str, mask.shape))
            print(f"{name:40} {label:10} {rf:>11} {int((~mask).sum()):>10} {seconds:8.2f} "
                  f"{peak:9.0f} {base_seconds / seconds:15.1f}")


if __name__ == "__main__":
    main()
