"""Serial, process-pool and Dask runs give identical results, in the same order."""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from typing import Any

import pytest
from optional import missing

from kronconv import InvalidParameterError
from kronconv.catalogue import PROOFS
from kronconv.claims import load_claims, run_claims, select
from kronconv.kronecker import sweep
from kronconv.parallel import Serial, executor, ordered_map
from kronconv.serialize import to_json

SMALL = sweep.Domain("small", structure=((1, 2), (2, 1)), mixed_structure=((1, 2),),
                     boundary_dilations=2, boundary_dims=(1,), boundary_sizes=2, part_layers=2,
                     channels=(1, 2))


def _comparable(result: sweep.SweepResult) -> dict[str, Any]:
    return {k: v for k, v in to_json(result).items() if k != "seconds"}


@pytest.fixture(scope="module")
def serial_sweep() -> dict[str, Any]:
    result = sweep.run_sweep(domain=SMALL)
    assert result.ok and sum(result.checked.values()) > 100
    return _comparable(result)


def test_sweep_on_a_process_pool_equals_the_serial_sweep(serial_sweep: dict[str, Any]) -> None:
    with ProcessPoolExecutor(max_workers=2) as pool:
        assert _comparable(sweep.run_sweep(domain=SMALL, pool=pool)) == serial_sweep


def test_a_wrong_chunk_changes_the_result(serial_sweep: dict[str, Any]) -> None:
    """The comparison above can fail: a pool that loses one chunk is caught."""

    class DropsLastChunk(Serial):
        def submit(self, fn, /, *args, **kwargs):  # type: ignore[no-untyped-def]
            chunk = args[0]
            if chunk == sweep.chunks(SMALL)[-1]:
                return super().submit(lambda _: sweep.SweepResult(SMALL), chunk)
            return super().submit(fn, *args, **kwargs)

    assert _comparable(sweep.run_sweep(domain=SMALL, pool=DropsLastChunk())) != serial_sweep


def test_claims_on_a_process_pool_equal_the_serial_run() -> None:
    claims = select(load_claims([PROOFS]), "extent")
    serial = run_claims(claims)
    with executor(jobs=2) as pool:
        pooled = run_claims(claims, pool=pool)
    assert [(r.claim.id, r.status, r.outcome, [e.detail for e in r.evidence]) for r in pooled] \
        == [(r.claim.id, r.status, r.outcome, [e.detail for e in r.evidence]) for r in serial]


def test_ordered_map_keeps_submission_order() -> None:
    with executor(jobs=2) as pool:
        assert ordered_map(pool, abs, [-3, 2, -1]) == [3, 2, 1]


@pytest.mark.parametrize("jobs", [0, -1, 1.5, True])
def test_bad_job_counts_are_refused(jobs: Any) -> None:
    with pytest.raises(InvalidParameterError, match="jobs"), executor(jobs=jobs):
        pass


def _distributed() -> Any:
    """Skip without Dask locally; in CI (CI=true, EXTRAS=test,dask) its absence fails."""
    try:
        import distributed
    except ImportError:
        missing("dask distributed", "pip install 'kronconv[dask]'; .ci/run installs it")
    return distributed


def test_sweep_on_a_dask_local_cluster_equals_the_serial_sweep(
        serial_sweep: dict[str, Any]) -> None:
    distributed = _distributed()
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster, \
            executor(scheduler=cluster.scheduler_address) as pool:
        assert _comparable(sweep.run_sweep(domain=SMALL, pool=pool)) == serial_sweep


def test_an_unreachable_scheduler_is_one_clear_error() -> None:
    _distributed()
    with pytest.raises(InvalidParameterError, match="scheduler"), \
            executor(scheduler="tcp://127.0.0.1:9"):
        pass


def test_equivariance_shifts_on_a_process_pool_equal_the_serial_run() -> None:
    from kronconv.equivariance.consistency import dilated_stack
    from kronconv.equivariance.exhaustive import exhaustive_equivariance

    arch = dilated_stack([1, 2], dims=1)

    def verdicts(pool: Any) -> list[tuple[Any, ...]]:
        result = exhaustive_equivariance(arch, 6, method="each", pool=pool)
        return [(v.shift, v.status, v.output_shift, v.evidence) for v in result.verdicts]

    serial = verdicts(None)
    assert sum(status == "respected" for _, status, _, _ in serial) == 6
    with executor(jobs=2) as pool:
        assert verdicts(pool) == serial
