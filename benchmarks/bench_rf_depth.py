"""Benchmark: `kronconv rf` cost against depth, in CPU seconds (user + system, measured with
resource.getrusage, so the figures do not depend on how loaded the machine is).

Architecture: a 2D chain of L layers alternating a 3x3 convolution (padding 1) and a ReLU, the
shape of the issue's 10,000-layer case. Measured per depth: loading the file and the full report
(`rf_report`: closed forms, the exact per-axis sets of every node, holes, parameters), in
process. The growth rate is the slope of log(CPU) against log(L) between consecutive depths:
1 is linear; the old per-node backward propagation was quadratic (slope 2). The baseline is the
smallest depth measured in the same run: each row's ratio divides CPU per layer by the
baseline's CPU per layer (1 = exactly linear). Target (issue 11): 10,000 layers under 2 s CPU.

Run: .venv/bin/python benchmarks/bench_rf_depth.py   (no timing assertions anywhere)
"""

from __future__ import annotations

import json
import math
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

from kronconv.receptive_field.report import rf_report
from kronconv.specs.architecture import load_architecture

DEPTHS = (1_000, 2_500, 5_000, 10_000)


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def chain(depth: int) -> dict[str, object]:
    return {"dims": 2, "layers": [{"op": "conv", "kernel_size": 3, "padding": 1}
                                  if i % 2 == 0 else {"op": "relu"} for i in range(depth)]}


def measure(depth: int, folder: Path) -> float:
    path = folder / f"chain{depth}.json"
    path.write_text(json.dumps(chain(depth)))
    start = cpu_seconds()
    report = rf_report(load_architecture(path))
    spent = cpu_seconds() - start
    top = report.top
    assert list(top.receptive_field) == [depth + 1, depth + 1] and top.dense
    return spent


def children_cpu(argv: list[str]) -> float:
    """CPU seconds of one `kronconv` process (the whole command: start-up, imports, output)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([sys.executable, "-m", "kronconv.cli", *argv], check=True,
                   stdout=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        results = [(depth, measure(depth, Path(folder))) for depth in DEPTHS]
        command = children_cpu(["rf", str(Path(folder) / f"chain{DEPTHS[-1]}.json")])
        start_up = children_cpu(["rf", "--kernel-sizes", "3"])
    base_depth, base_cpu = results[0]
    print(f"{'layers':>8} {'CPU s':>8} {'ms/layer':>9} {'ratio':>6} {'slope':>6}")
    previous: tuple[int, float] | None = None
    for depth, spent in results:
        ratio = (spent / depth) / (base_cpu / base_depth)
        slope = "" if previous is None else \
            f"{math.log(spent / previous[1]) / math.log(depth / previous[0]):.2f}"
        print(f"{depth:>8} {spent:>8.3f} {1000 * spent / depth:>9.3f} {ratio:>6.2f} {slope:>6}")
        previous = (depth, spent)
    depth, spent = results[-1]
    print(f"{depth} layers: {spent:.2f} s CPU ({'under' if spent < 2 else 'OVER'} the 2 s "
          f"target); ratio = CPU per layer / CPU per layer at {base_depth} layers")
    print(f"the whole command `kronconv rf` on {depth} layers: {command:.2f} s CPU, of which "
          f"start-up (a 1-layer rf) takes {start_up:.2f} s")


if __name__ == "__main__":
    main()
