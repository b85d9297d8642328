"""The characterisation sweep serial, on a local process pool and on a Dask LocalCluster, as
ratios measured in one run. CPU seconds include the workers (``RUSAGE_CHILDREN`` after they
exit); wall seconds show what parallelism buys and depend on the machine's load. Every run must
give the serial run's result exactly.

Run: ``make bench`` (or ``.venv/bin/python benchmarks/bench_sweep.py [--domain NAME]
[--jobs N]``).
"""

from __future__ import annotations

import argparse
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


def run(domain: sweep.Domain, pool: Executor | None) -> dict[str, Any]:
    result = sweep.run_sweep(domain=domain, pool=pool)
    assert result.ok
    return {k: v for k, v in to_json(result).items() if k != "seconds"}


def measured(label: str, body: Callable[[], dict[str, Any]]) -> tuple[str, float, float, Any]:
    cpu, wall = cpu_seconds(), time.perf_counter()
    value = body()
    return label, cpu_seconds() - cpu, time.perf_counter() - wall, value


def on_dask(domain: sweep.Domain, jobs: int) -> dict[str, Any]:
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=jobs, threads_per_worker=1, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        return run(domain, client.get_executor())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--domain", choices=list(sweep.DOMAINS), default="default")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    domain = sweep.domain_named(args.domain)
    rows = [measured("serial", lambda: run(domain, None))]

    def pooled() -> dict[str, Any]:
        with ProcessPoolExecutor(max_workers=args.jobs) as pool:
            return run(domain, pool)

    rows.append(measured(f"process pool, {args.jobs} workers", pooled))
    try:
        import distributed  # noqa: F401
    except ImportError:
        print("(Dask LocalCluster skipped: pip install 'kronconv[dask]')")
    else:
        rows.append(measured(f"Dask LocalCluster, {args.jobs} workers",
                             lambda: on_dask(domain, args.jobs)))
    serial = rows[0]
    count = serial[3]["configurations"]
    print(f"sweep domain {domain.name}: {count} configurations")
    print(f"{'run':<30} {'CPU s':>8} {'wall s':>8} {'configs/s wall':>15} {'wall ratio':>11} "
          f"{'same result':>12}")
    for label, cpu, wall, value in rows:
        print(f"{label:<30} {cpu:8.2f} {wall:8.2f} {count / wall:15.0f} "
              f"{serial[2] / wall:11.2f} {value == serial[3]!s:>12}")
    print("wall ratio = serial wall seconds / this run's, measured in this run (> 1: faster)")


if __name__ == "__main__":
    main()
