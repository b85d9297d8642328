"""Same verdict on any machine: the catalogue under a CPU hog on both cores.

z3 is bounded by a resource count (rlimit), not by wall-clock time, and every random draw is
seeded, so machine load must not change any claim's status. This test occupies two cores with
busy processes (which it starts and stops itself) while it runs the whole catalogue.
"""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Iterator

import pytest

from kronconv.catalogue import PROOFS
from kronconv.claims import load_claims, run_claims

HOGS = 2


def _spin(stop: float) -> None:
    while time.monotonic() < stop:
        pass


@pytest.fixture
def cpu_hog() -> Iterator[list[multiprocessing.Process]]:
    context = multiprocessing.get_context("spawn")
    hogs = [context.Process(target=_spin, args=(time.monotonic() + 3600,), daemon=True)
            for _ in range(HOGS)]
    for hog in hogs:
        hog.start()
    yield hogs
    for hog in hogs:  # only the processes this fixture started, by their own handle
        hog.terminate()
        hog.join()


@pytest.mark.slow
def test_every_status_is_unchanged_under_load(cpu_hog: list[multiprocessing.Process]) -> None:
    results = run_claims(load_claims([PROOFS]))
    assert all(hog.is_alive() for hog in cpu_hog), "the load must last the whole run"
    for result in results:
        print(f"{result.claim.id}: {result.status} (expected {result.claim.expected}, "
              f"{result.seconds:.1f} s)")
    changed = {r.claim.id: (r.status, r.error) for r in results if r.status != r.claim.expected}
    assert not changed
