"""Optional tools of the test suite: skipped where they are missing, required in CI.

CI (``CI=true``) installs every optional tool through ``.ci/run``, so a missing one there is a
failure, never a silent skip; on a developer's machine the tests that need it are skipped.
"""

from __future__ import annotations

import os
import shutil
from typing import NoReturn

import pytest


def missing(what: str, install: str, *, module_level: bool = False) -> NoReturn:
    """Skip (locally) or fail (in CI) because ``what`` is not installed."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{what} is required in CI ({install})", pytrace=False)
    pytest.skip(f"{what} is not installed ({install})", allow_module_level=module_level)


def require_program(name: str, install: str) -> None:
    if shutil.which(name) is None:
        missing(name, install)


def require_pdflatex() -> None:
    require_program("pdflatex", ".ci/run installs texlive")
