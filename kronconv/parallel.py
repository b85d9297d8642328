"""Where independent pieces of work run: in this process, on a local process pool, or on a Dask
distributed cluster, behind one ``concurrent.futures.Executor``.

- ``jobs=1`` and no scheduler: in this process, one piece after the other (:class:`Serial`);
- ``jobs=N > 1``: a local ``ProcessPoolExecutor`` with N workers;
- ``scheduler=ADDRESS`` (or the environment variable ``KRONCONV_SCHEDULER``): the executor of a
  ``distributed.Client`` connected to that Dask scheduler (``pip install 'kronconv[dask]'``).

The pieces (claims, sweep chunks, equivariance shifts) carry everything they need, seeds
included, so every executor returns the same results in the same order: :func:`ordered_map`
yields them in submission order, whichever finishes first.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from typing import Any, TypeVar

from kronconv.errors import KronconvError, invalid

T = TypeVar("T")
R = TypeVar("R")
SCHEDULER_VARIABLE = "KRONCONV_SCHEDULER"


class Serial(Executor):
    """Runs each submitted call at once, in this process (the reference for the others)."""

    def submit(self, fn: Callable[..., R], /, *args: Any, **kwargs: Any) -> Future[R]:
        future: Future[R] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # delivered through the future, as a pool would
            future.set_exception(exc)
        return future


def check_jobs(jobs: int) -> int:
    if not isinstance(jobs, int) or isinstance(jobs, bool) or jobs < 1:
        raise invalid("jobs", jobs, "a whole number of worker processes >= 1")
    return jobs


@contextlib.contextmanager
def executor(jobs: int = 1, scheduler: str | None = None) -> Iterator[Executor]:
    """The executor for ``jobs`` local workers, or for the Dask scheduler at ``scheduler``
    (default: ``$KRONCONV_SCHEDULER``); shut down on exit."""
    check_jobs(jobs)
    address = scheduler or os.environ.get(SCHEDULER_VARIABLE) or None
    if address is not None:
        with _dask_client(address) as client:
            yield client.get_executor()
    elif jobs == 1:
        yield Serial()
    else:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            yield pool


@contextlib.contextmanager
def _dask_client(address: Any) -> Iterator[Any]:
    """A ``distributed.Client`` for an address (or a ``LocalCluster`` object, for tests)."""
    try:
        from distributed import Client
    except ImportError as exc:
        raise KronconvError(f"scheduler={address!r} needs Dask distributed: pip install "
                            "'kronconv[dask]'") from exc
    try:
        client = Client(address, set_as_default=False, timeout=10)
    except OSError as exc:
        raise invalid("scheduler", address,
                      f"the address of a running Dask scheduler ({exc})") from exc
    try:
        yield client
    finally:
        client.close()


def ordered_map(pool: Executor, function: Callable[[T], R], items: Iterable[T],
                done: Callable[[int, R], None] | None = None) -> list[R]:
    """``[function(item) for item in items]`` on the executor, in order; ``done(index, result)``
    is called as each result arrives (for progress displays)."""
    futures = [pool.submit(function, item) for item in items]
    results = []
    for index, future in enumerate(futures):
        results.append(future.result())
        if done is not None:
            done(index, results[-1])
    return results
