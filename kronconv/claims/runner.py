"""Loading proof scripts, running their claims, and deciding each claim's status.

outcome: ``refuted`` if any evidence refutes, else ``qualified`` if any qualifies, else
``confirmed``. status: the outcome when it equals the expected outcome, ``failed`` when it
differs, ``error`` when a check raised or a claim has no checks.
"""

from __future__ import annotations

import fnmatch
import importlib.util
import sys
import time
import traceback
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

from kronconv.claims.model import Claim, Evidence, pop_collector, push_collector
from kronconv.errors import KronconvError, invalid
from kronconv.parallel import Serial, ordered_map


@dataclass(frozen=True)
class ClaimResult:
    claim: Claim
    status: str
    outcome: str | None
    evidence: tuple[Evidence, ...]
    seconds: float
    error: str = ""

    def to_json(self) -> dict[str, object]:
        c = self.claim
        out: dict[str, object] = {
            "id": c.id, "title": c.title, "source": c.source, "group": c.group,
            "statement": c.statement, "status": self.status, "expected": c.expected,
            "outcome": self.outcome, "seconds": round(self.seconds, 3),
            "evidence": [e.to_json() for e in self.evidence]}
        if c.conditions:
            out["conditions"] = c.conditions
        if self.error:
            out["error"] = self.error
        return out

    @property
    def ok(self) -> bool:
        return self.status not in ("failed", "error")


def script_files(paths: Sequence[str | Path]) -> list[Path]:
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files.extend(sorted(p for p in path.glob("*.py") if not p.name.startswith("_")))
        elif path.is_file() and path.suffix == ".py":
            files.append(path)
        else:
            raise invalid("path", str(raw), "an existing .py proof script or a directory of them")
    return files


def load_claims(paths: Sequence[str | Path]) -> list[Claim]:
    """Import each proof script and collect the claims it declares (ids must be unique)."""
    claims: list[Claim] = []
    seen: dict[str, Path] = {}
    for file in script_files(paths):
        collector = push_collector()
        try:
            _import_script(file)
        finally:
            pop_collector()
        for declaration in collector.declarations:
            if declaration.id in seen:
                raise invalid("claim id", declaration.id,
                              f"a unique id (also declared in {seen[declaration.id]})")
            seen[declaration.id] = file
            claims.append(declaration.freeze())
    return claims


def _import_script(file: Path) -> None:
    name = f"kronconv_proof_{file.stem}_{abs(hash(file.resolve()))}"
    spec = importlib.util.spec_from_file_location(name, file)
    if spec is None or spec.loader is None:
        raise invalid("path", str(file), "an importable Python file")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except KronconvError:
        raise
    except Exception as exc:
        raise KronconvError(f"proof script {file} failed to load: "
                            f"{type(exc).__name__}: {exc}") from exc


def select(claims: Iterable[Claim], pattern: str | None) -> list[Claim]:
    """``-k PATTERN``: a case-insensitive substring or glob on the id, title or group."""
    if not pattern:
        return list(claims)
    needle = pattern.lower()
    glob = needle if any(ch in needle for ch in "*?[") else f"*{needle}*"
    return [c for c in claims if any(fnmatch.fnmatch(text.lower(), glob)
                                     for text in (c.id, c.title, c.group))]


def outcome_of(evidence: Sequence[Evidence]) -> str:
    verdicts = {e.verdict for e in evidence}
    if "refutes" in verdicts:
        return "refuted"
    if "qualifies" in verdicts:
        return "qualified"
    return "confirmed"


def run_claim(claim: Claim) -> ClaimResult:
    start = time.perf_counter()
    evidence: list[Evidence] = []
    errors: list[str] = []
    for check in claim.checks:
        check_start = time.perf_counter()
        try:
            produced = check.function()
            items = [produced] if isinstance(produced, Evidence) else list(produced)
            if not items or not all(isinstance(item, Evidence) for item in items):
                raise TypeError(f"check {check.name} must return Evidence")
            spent = (time.perf_counter() - check_start) / len(items)
            evidence.extend(replace(item, seconds=item.seconds or spent) for item in items)
        except Exception as exc:  # a check that raises makes the claim an error, not a crash
            last = traceback.extract_tb(exc.__traceback__)[-1]
            errors.append(f"{check.name}: {type(exc).__name__}: {exc} "
                          f"({Path(last.filename).name}:{last.lineno})")
    seconds = time.perf_counter() - start
    if errors or not evidence:
        return ClaimResult(claim, "error", None, tuple(evidence), seconds,
                           "; ".join(errors) or "the claim has no checks")
    outcome = outcome_of(evidence)
    status = outcome if outcome == claim.expected else "failed"
    return ClaimResult(claim, status, outcome, tuple(evidence), seconds)


def run_claims(claims: Sequence[Claim],
               progress: Callable[[int, int, Claim, ClaimResult | None], None] | None = None,
               pool: Executor | None = None) -> list[ClaimResult]:
    """Run every claim, in this process or on ``pool`` (see :mod:`kronconv.parallel`): a
    worker re-loads the claim's proof script by path and returns its evidence."""
    if pool is None or isinstance(pool, Serial):
        results = []
        for index, item in enumerate(claims, 1):
            if progress:
                progress(index, len(claims), item, None)
            results.append(run_claim(item))
            if progress:
                progress(index, len(claims), item, results[-1])
        return results

    def done(index: int, remote: RemoteResult) -> None:
        if progress:
            progress(index + 1, len(claims), claims[index], remote.attach(claims[index]))

    tasks = [(script_of(item), item.id) for item in claims]
    return [remote.attach(item) for remote, item in
            zip(ordered_map(pool, run_remote, tasks, done), claims, strict=True)]


@dataclass(frozen=True)
class RemoteResult:
    """A ClaimResult without its Claim (whose checks are functions of a loaded script)."""

    status: str
    outcome: str | None
    evidence: tuple[Evidence, ...]
    seconds: float
    error: str

    def attach(self, claim: Claim) -> ClaimResult:
        return ClaimResult(claim, self.status, self.outcome, self.evidence, self.seconds,
                           self.error)


def script_of(claim: Claim) -> str | None:
    """The proof script that declared the claim (from its first check's code)."""
    return claim.checks[0].function.__code__.co_filename if claim.checks else None


@cache
def _claims_of(script: str) -> dict[str, Claim]:
    return {c.id: c for c in load_claims([script])}


def run_remote(task: tuple[str | None, str]) -> RemoteResult:
    """Worker side: load the script once per process, run the one claim."""
    script, claim_id = task
    if script is None:
        return RemoteResult("error", None, (), 0.0, "the claim has no checks")
    result = run_claim(_claims_of(script)[claim_id])
    return RemoteResult(result.status, result.outcome, result.evidence, result.seconds,
                        result.error)
