"""Benchmark: start-up cost of the ``kronconv`` command line, in CPU seconds (user + system of
the child process, from ``resource.getrusage``), measured in one run against two named
baselines: ``python3 -c pass`` (the interpreter alone) and ``python3 -c "import numpy"`` (the one
dependency every command needs).

Each command runs REPEATS times; the minimum is reported (the least disturbed run on a shared
machine). Targets (issue 9): ``kronconv --version`` and ``kronconv --help`` at most 0.25 s of
CPU; ``kronconv rf --kernel-sizes 3,3,3 --dilations 1,2,4`` at most 0.5 s. The script prints
the figures and whether each target is met; it asserts nothing.

Run: .venv/bin/python benchmarks/bench_startup.py
"""

from __future__ import annotations

import resource
import subprocess
import sys

REPEATS = 7
PYTHON = [sys.executable]
KRONCONV = [sys.executable, "-m", "kronconv.cli"]
BASELINES = {"python3 -c pass": [*PYTHON, "-c", "pass"],
             'python3 -c "import numpy"': [*PYTHON, "-c", "import numpy"]}
COMMANDS = {  # name -> (argv, target in CPU seconds)
    "kronconv --version": ([*KRONCONV, "--version"], 0.25),
    "kronconv --help": ([*KRONCONV, "--help"], 0.25),
    "kronconv rf --kernel-sizes 3,3,3 --dilations 1,2,4":
        ([*KRONCONV, "rf", "--kernel-sizes", "3,3,3", "--dilations", "1,2,4"], 0.5),
}


def cpu_seconds(argv: list[str]) -> float:
    """CPU time (user + system) of one run of ``argv`` as a child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def best(argv: list[str]) -> float:
    return min(cpu_seconds(argv) for _ in range(REPEATS))


def main() -> None:
    base = {name: best(argv) for name, argv in BASELINES.items()}
    bare, numpy_ = base.values()
    print(f"start-up, CPU seconds (user + sys), min of {REPEATS} runs")
    for name, seconds in base.items():
        print(f"  baseline {name:48s} {seconds:6.3f}")
    print(f"  {'command':57s} {'CPU s':>6s}  {'/ pass':>7s}  {'/ numpy':>7s}  target")
    for name, (argv, target) in COMMANDS.items():
        seconds = best(argv)
        verdict = "met" if seconds <= target else "MISSED"
        print(f"  {name:57s} {seconds:6.3f}  {seconds / bare:6.1f}x  {seconds / numpy_:6.1f}x  "
              f"<= {target} s: {verdict}")


if __name__ == "__main__":
    main()
