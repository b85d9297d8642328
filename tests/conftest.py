"""Shared fixtures: the engines as a table, and a corrupted engine for must-fail tests.

Hypothesis runs derandomized (examples derived from each test, not from the clock) and without
its example database, so ``make test`` gives the same result on every run and every machine;
``CI=true`` loads the ``ci`` profile (the same, with more examples), anything else ``dev``.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np
import pytest
from hypothesis import HealthCheck, settings

from kronconv.engines import ENGINES, Engine, ExactEngine, SymbolicEngine

settings.register_profile("dev", derandomize=True, database=None, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("ci", parent=settings.get_profile("dev"), max_examples=200)
settings.load_profile("ci" if os.environ.get("CI") == "true" else "dev")

ALL_ENGINES = ENGINES.names()


@pytest.fixture(params=ALL_ENGINES)
def engine(request: pytest.FixtureRequest) -> Engine:
    return ENGINES[request.param]()


class OffByOneDilation(SymbolicEngine):
    """A corrupted engine: every dilation is one too large."""

    name = "corrupted-dilation"

    def dilated_conv(self, x: np.ndarray, kernel: np.ndarray, dilation: int | Sequence[int],
                     boundary: str = "full", convention: str = "convolution") -> np.ndarray:
        d = dilation + 1 if isinstance(dilation, int) else tuple(v + 1 for v in dilation)
        return super().dilated_conv(x, kernel, d, boundary, convention)

    def generating_function(self, kernels: Sequence[np.ndarray],
                            dilations: Sequence[Sequence[int]]) -> object:
        return super().generating_function(kernels, [[v + 1 for v in d] for d in dilations])


class DropsLastTap(ExactEngine):
    """A corrupted engine: the last kernel tap is ignored."""

    name = "corrupted-tap"

    def dilated_conv(self, x: np.ndarray, kernel: np.ndarray, dilation: int | Sequence[int],
                     boundary: str = "full", convention: str = "convolution") -> np.ndarray:
        kernel = kernel.copy()
        kernel.flat[-1] = 0
        return super().dilated_conv(x, kernel, dilation, boundary, convention)


@pytest.fixture(params=[OffByOneDilation, DropsLastTap])
def corrupted_engine(request: pytest.FixtureRequest) -> Engine:
    return request.param()
