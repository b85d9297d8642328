"""The characterisation sweep serial, on a local process pool and on a Dask LocalCluster, as
ratios measured in one run. CPU seconds include the workers (``RUSAGE_CHILDREN`` after they
exit); wall seconds show what parallelism buys and depend on the machine's load. Every run must
give the serial run's result exactly.

Run: ``make bench`` (or ``.venv/bin/python benchmarks/bench_sweep.py [--domain NAME]
[--jobs N] [--runs serial,pool,dask]``). The ``wide`` domain once in full, serially (about 12
minutes of CPU): ``--domain wide --runs serial``.
"""

from __future__ import annotations

import argparse
import importlib.util
import resource
import time
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor
from typing import Any

from kronconv.kronecker import sweep
from kronconv.serialize import to_json


def cpu_seconds() -> float:
    usage = [resource.getrusage(who) for who in (resource.RUSAGE_SELF,
                                                 resource.RUSAGE_CHILDREN)]
    return sum(u.ru_utime + u.ru_stime for u in usage)


def run(domain: sweep.Domain, pool: Executor | None) -> sweep.SweepResult:
    result = sweep.run_sweep(domain=domain, pool=pool)
    assert result.ok
    return result


def comparable(result: sweep.SweepResult) -> dict[str, Any]:
    """The result without its timings: what serial and parallel runs must share exactly."""
    return {k: v for k, v in to_json(result).items() if k != "seconds"}


def measured(label: str, body: Callable[[], sweep.SweepResult]
             ) -> tuple[str, float, float, sweep.SweepResult]:
    cpu, wall = cpu_seconds(), time.perf_counter()
    value = body()
    return label, cpu_seconds() - cpu, time.perf_counter() - wall, value


def on_dask(domain: sweep.Domain, jobs: int) -> sweep.SweepResult:
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=jobs, threads_per_worker=1, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        return run(domain, client.get_executor())


def pooled(domain: sweep.Domain, jobs: int) -> sweep.SweepResult:
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        return run(domain, pool)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--domain", choices=list(sweep.DOMAINS), default="default")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--runs", default="serial,pool,dask",
                        help="comma-separated subset of serial,pool,dask (the first is the "
                        "reference the others must match)")
    args = parser.parse_args()
    domain = sweep.domain_named(args.domain)
    bodies = {"serial": ("serial", lambda: run(domain, None)),
              "pool": (f"process pool, {args.jobs} workers", lambda: pooled(domain, args.jobs)),
              "dask": (f"Dask LocalCluster, {args.jobs} workers",
                       lambda: on_dask(domain, args.jobs))}
    rows = []
    for name in args.runs.split(","):
        if name == "dask" and importlib.util.find_spec("distributed") is None:
            print("(Dask LocalCluster skipped: pip install 'kronconv[dask]')")
            continue
        rows.append(measured(*bodies[name]))
    reference = rows[0][3]
    count = sum(reference.checked.values())
    print(f"sweep domain {domain.describe()}")
    print(f"{count} configurations {dict(reference.checked)}, "
          f"{len(reference.mismatches)} mismatches with the derived conditions")
    print(f"{'run':<30} {'CPU s':>8} {'chunk CPU s':>12} {'configs/CPU s':>14} {'wall s':>8} "
          f"{'wall ratio':>11} {'same result':>12}")
    for label, cpu, wall, value in rows:
        print(f"{label:<30} {cpu:8.2f} {value.cpu_seconds:12.2f} "
              f"{count / value.cpu_seconds:14.0f} {wall:8.2f} {rows[0][2] / wall:11.2f} "
              f"{comparable(value) == comparable(reference)!s:>12}")
    print("CPU s: this process and its workers (getrusage); chunk CPU s: the chunks' own work "
          "(process_time in whichever process ran them); configs/CPU s = configurations / chunk "
          "CPU s; wall ratio = the first run's wall seconds / this run's (> 1: faster)")


if __name__ == "__main__":
    main()
