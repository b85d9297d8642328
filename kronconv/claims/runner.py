"""Loading proof scripts, running their claims, and deciding each claim's status.

outcome: ``refuted`` if any evidence refutes, else ``qualified`` if any qualifies, else
``confirmed``. status: the outcome when it equals the expected outcome; ``failed`` when it
differs, or when a check finds its statement false (it raises :class:`Disproved`, or
``AssertionError``, the exception of ``assert`` and of ``numpy.testing``); ``error`` only when a
check crashed (any other exception) or a claim has no checks; ``skipped`` when a run restricted
to some tiers selects none of the claim's checks.
"""

from __future__ import annotations

import fnmatch
import importlib.util
import sys
import time
import traceback
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from kronconv.claims.model import Claim, Evidence, pop_collector, push_collector
from kronconv.errors import KronconvError, invalid


class Disproved(Exception):
    """Raised by a check that finds its statement false: the claim is ``failed`` with this
    message (a crash, any other exception, makes it ``error``)."""


#: The exceptions that mean "the check ran and found the statement false".
DISPROOFS = (Disproved, AssertionError)


@dataclass(frozen=True)
class ClaimResult:
    claim: Claim
    status: str
    outcome: str | None
    evidence: tuple[Evidence, ...]
    seconds: float
    error: str = ""

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


def run_claim(claim: Claim, tiers: Collection[str] | None = None) -> ClaimResult:
    """Run the claim's checks (only those of ``tiers``, when given) and decide its status; a
    claim none of whose checks is of ``tiers`` is ``skipped``, its checks not run."""
    checks = [c for c in claim.checks if tiers is None or c.tier in tiers]
    if claim.checks and not checks:
        return ClaimResult(claim, "skipped", None, (), 0.0, "no check of the selected tiers "
                           f"({', '.join(sorted(tiers or ()))}); its tiers: "
                           f"{', '.join(sorted({c.tier for c in claim.checks}))}")
    start = time.perf_counter()
    evidence: list[Evidence] = []
    disproofs: list[str] = []
    errors: list[str] = []
    for check in checks:
        check_start = time.perf_counter()
        try:
            produced = check.function()
            items = [produced] if isinstance(produced, Evidence) else list(produced)
            if not items or not all(isinstance(item, Evidence) for item in items):
                raise TypeError(f"check {check.name} must return Evidence")
            spent = (time.perf_counter() - check_start) / len(items)
            evidence.extend(replace(item, seconds=item.seconds or spent) for item in items)
        except DISPROOFS as exc:  # the statement is false: failed, with the check's message
            disproofs.append(f"{check.name}: {_message(exc)}")
        except Exception as exc:  # a check that crashes makes the claim an error, not a crash
            errors.append(f"{check.name}: {_message(exc)}")
    seconds = time.perf_counter() - start
    if errors or not (evidence or disproofs):
        return ClaimResult(claim, "error", None, tuple(evidence), seconds,
                           "; ".join(errors) or "the claim has no checks")
    if disproofs:
        return ClaimResult(claim, "failed", None, tuple(evidence), seconds,
                           "disproved: " + "; ".join(disproofs))
    outcome = outcome_of(evidence)
    status = outcome if outcome == claim.expected else "failed"
    return ClaimResult(claim, status, outcome, tuple(evidence), seconds)


def _message(exc: BaseException) -> str:
    """``Type: message (file:line)``, the line where the exception was raised."""
    last = traceback.extract_tb(exc.__traceback__)[-1]
    return f"{type(exc).__name__}: {exc} ({Path(last.filename).name}:{last.lineno})"


def run_claims(claims: Sequence[Claim],
               progress: Callable[[int, int, Claim, ClaimResult | None], None] | None = None,
               tiers: Collection[str] | None = None) -> list[ClaimResult]:
    results = []
    for index, item in enumerate(claims, 1):
        if progress:
            progress(index, len(claims), item, None)
        result = run_claim(item, tiers)
        if progress:
            progress(index, len(claims), item, result)
        results.append(result)
    return results
