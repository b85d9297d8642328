"""The pytest plugin: claims as test items (``pytest --kronconv [PATH]``).

Registered through the ``pytest11`` entry point, so pytest loads it in every project where
kronconv is installed. Loading it must stay cheap: this module imports nothing from kronconv at
module level, and SymPy and z3 are imported only when claims are collected, that is when the user
asked for them with ``--kronconv``.

- ``pytest --kronconv PATH`` (a proof script or a folder of them, repeatable) collects one item per
  claim; ``pytest --kronconv`` alone collects the built-in catalogue.
- An item passes when its claim reaches its expected status, so an expected refutation passes.
- Each item carries the marker ``kronconv`` and one marker per tier of its checks (``symbolic``,
  ``smt``, ``exhaustive``, ``numeric``, ``formal``): ``-m "not formal"`` leaves out the claims that
  have a formal check.
- The status and the evidence go into the JUnit XML as properties; a failure's report shows the
  evidence and the counterexample.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from kronconv.claims import Claim, ClaimResult

OPTION = "--kronconv"
BUILT_IN = ""  # the value of a bare --kronconv
TIER_MARKERS = ("symbolic", "smt", "exhaustive", "numeric", "formal")


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("kronconv", "kronconv claims as test items")
    group.addoption(OPTION, action="append", nargs="?", const=BUILT_IN, default=None,
                    metavar="PATH", help="run the claims of the proof scripts at PATH (a file or "
                    "a folder; repeatable) as test items; with no PATH, the built-in catalogue")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "kronconv: a kronconv claim collected by --kronconv")
    for tier in TIER_MARKERS:
        config.addinivalue_line("markers", f"{tier}: a kronconv claim with a check of tier "
                                f"'{tier}'")


def claim_paths(config: pytest.Config) -> list[Path]:
    """The proof-script paths given with --kronconv (the catalogue for a bare --kronconv)."""
    values = config.getoption(OPTION) or []
    paths = []
    for value in values:
        if value == BUILT_IN:
            from kronconv.catalogue import PROOFS

            paths.append(PROOFS)
        else:
            paths.append(Path(value))
    return paths


@pytest.hookimpl(tryfirst=True)  # before -m / -k deselect, so that they apply to claims too
def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config,
                                  items: list[pytest.Item]) -> None:
    paths = claim_paths(config)
    if not paths:
        return
    from kronconv.claims.runner import script_files
    from kronconv.errors import KronconvError

    try:
        for file in script_files(paths):
            node = ClaimScript.from_parent(session, path=file,
                                           nodeid=_nodeid(file, config.rootpath))
            items.extend(_collect(node))
    except KronconvError as exc:  # a bad path or a script that fails to load: one line
        raise pytest.UsageError(f"{OPTION}: {exc}") from None


def _nodeid(file: Path, root: Path) -> str:
    """The script's path relative to the rootdir when it lies below it, else absolute."""
    file = file.resolve()
    return file.relative_to(root).as_posix() if file.is_relative_to(root) else file.as_posix()


def _collect(node: pytest.Collector) -> list[pytest.Item]:
    """Collect through pytest's own protocol, so that counts and collection errors are
    reported as for any test file."""
    report = node.ihook.pytest_make_collect_report(collector=node)
    node.ihook.pytest_collectreport(report=report)
    return [item for item in report.result if isinstance(item, pytest.Item)]


class ClaimScript(pytest.File):
    """One proof script: an item per claim it declares."""

    def collect(self) -> Iterator[ClaimItem]:
        from kronconv.claims import load_claims

        for item in load_claims([self.path]):
            yield ClaimItem.from_parent(self, name=item.id, claim=item)


class ClaimFailed(Exception):
    """A claim that did not reach its expected status."""

    def __init__(self, result: ClaimResult) -> None:
        super().__init__(result.claim.id)
        self.result = result


class ClaimItem(pytest.Item):
    """One claim: run its checks, pass when its status is its expected outcome."""

    def __init__(self, *, claim: Claim, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.claim = claim
        self.add_marker("kronconv")
        for tier in sorted({check.tier for check in claim.checks}):
            self.add_marker(tier)

    def runtest(self) -> None:
        from kronconv.claims import run_claim

        result = run_claim(self.claim)
        for key, value in junit_properties(result):
            self.user_properties.append((key, value))
        if not result.ok:
            raise ClaimFailed(result)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException],
                     style: Any = None) -> str:
        if isinstance(excinfo.value, ClaimFailed):
            return failure_text(excinfo.value.result)
        return str(super().repr_failure(excinfo, style=style))

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, None, f"claim {self.claim.id}"


def junit_properties(result: ClaimResult) -> list[tuple[str, str]]:
    """The JUnit XML properties of a claim's run: its status, and each piece of evidence."""
    claim = result.claim
    props = [("claim", claim.id), ("status", result.status), ("expected", claim.expected),
             ("outcome", str(result.outcome))]
    for index, evidence in enumerate(result.evidence):
        props.append((f"evidence.{index}", f"{evidence.tier} / {evidence.kind} / "
                      f"{evidence.verdict}: {evidence.detail}"))
    if result.error:
        props.append(("error", result.error))
    return props


def failure_text(result: ClaimResult) -> str:
    """What a failed claim shows: its status against the expected one, then the evidence."""
    claim = result.claim
    lines = [f"claim {claim.id}: status {result.status}, expected {claim.expected} "
             f"(outcome {result.outcome})", f"statement: {claim.statement}"]
    if result.error:
        lines.append(f"error: {result.error}")
    for evidence in result.evidence:
        lines.append(f"- {evidence.tier} / {evidence.kind} / {evidence.verdict}: "
                     f"{evidence.detail}")
        if evidence.data:
            lines.append("  data: " + json.dumps(evidence.data, default=str)[:2000])
    return "\n".join(lines)
