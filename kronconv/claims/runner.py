"""Loading proof scripts, running their claims, and deciding each claim's status.

outcome: ``refuted`` if any evidence refutes, else ``qualified`` if any qualifies, else
``confirmed``. status: the outcome when it equals the expected outcome, ``failed`` when it
differs, ``error`` when a check raised, a counterexample's re-check did not confirm it, or a
claim has no checks.

What a claim rests on: nothing when some supporting proof is ``general`` (it covers the whole
statement) and itself rests on nothing; otherwise every cited theorem and unchecked step that its
evidence lists. So a formal proof of the whole statement discharges what an induction cited.
"""

from __future__ import annotations

import fnmatch
import importlib.util
import sys
import time
import traceback
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from kronconv.claims.model import TIERS, Claim, Evidence, pop_collector, push_collector
from kronconv.errors import KronconvError, invalid


@dataclass(frozen=True)
class ClaimResult:
    claim: Claim
    status: str
    outcome: str | None
    evidence: tuple[Evidence, ...]
    seconds: float
    error: str = ""

    @property
    def tiers(self) -> tuple[str, ...]:
        """The tiers whose evidence backs the claim, in the order of TIERS."""
        present = {e.tier for e in self.evidence}
        return tuple(tier for tier in TIERS if tier in present)

    @property
    def rests_on(self) -> tuple[str, ...]:
        return rests_on(self.evidence)

    def to_json(self) -> dict[str, object]:
        c = self.claim
        out: dict[str, object] = {
            "id": c.id, "title": c.title, "source": c.source, "group": c.group,
            "statement": c.statement, "status": self.status, "expected": c.expected,
            "outcome": self.outcome, "seconds": round(self.seconds, 3),
            "tiers": list(self.tiers), "rests_on": list(self.rests_on),
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


def rests_on(evidence: Sequence[Evidence]) -> tuple[str, ...]:
    """Cited theorems and unchecked steps the claim's proofs rely on (see the module doc)."""
    if any(e.kind == "proof" and e.verdict == "supports" and e.general and not e.rests_on
           for e in evidence):
        return ()
    return tuple(dict.fromkeys(item for e in evidence for item in e.rests_on))


def rechecked(item: Evidence, check: str) -> Evidence:
    """Run a counterexample's re-check (the runner's job, not the check's); refuse it unless it
    confirms the instance."""
    if item.kind != "counterexample":
        return item
    if item.recheck is None:
        raise invalid("rechecked", item.rechecked, "False from a check (only the runner marks "
                      "a counterexample rechecked, after calling its recheck)")
    if item.recheck() is not True:
        raise KronconvError(f"check {check}: rechecked_by={item.rechecked_by!r} did not confirm "
                            f"the counterexample ({item.detail[:80]}); expected its re-check to "
                            "return True")
    return replace(item, rechecked=True, recheck=None)


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
            evidence.extend(replace(rechecked(item, check.name), seconds=item.seconds or spent)
                            for item in items)
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
               progress: Callable[[int, int, Claim, ClaimResult | None], None] | None = None
               ) -> list[ClaimResult]:
    results = []
    for index, item in enumerate(claims, 1):
        if progress:
            progress(index, len(claims), item, None)
        result = run_claim(item)
        if progress:
            progress(index, len(claims), item, result)
        results.append(result)
    return results
