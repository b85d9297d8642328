"""Loading proof scripts, running their claims, and deciding each claim's status.

``uses``: every id a claim uses must be declared by a loaded script, or else by the built-in
catalogue (so a script of one group, or a user's script, may cite the catalogue's claims: they
are external nodes of the dependency graph). Any other id is an error naming it, and so is a
cycle (an argument may not rely on itself).

outcome: ``refuted`` if any evidence refutes, else ``qualified`` if any qualifies, else
``confirmed``. status: the outcome when it equals the expected outcome; ``failed`` when it
differs, or when a check finds its statement false (it raises :class:`Disproved`, or
``AssertionError``, the exception of ``assert`` and of ``numpy.testing``); ``error`` only when a
check crashed (any other exception) or a claim has no checks; ``skipped`` when a run restricted
to some tiers selects none of the claim's checks A counterexample whose re-check (run by the
runner) does not confirm it makes the claim ``error`` too.

What a claim rests on: nothing when some supporting proof is ``general`` (it covers the whole
statement) and itself rests on nothing; otherwise every cited theorem and unchecked step that its
evidence lists. So a formal proof of the whole statement discharges what an induction cited.
"""

from __future__ import annotations

import fnmatch
import functools
import importlib.util
import os
import sys
import time
import traceback
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from types import ModuleType

from kronconv.claims.model import TIERS, Claim, Evidence, pop_collector, push_collector
from kronconv.errors import CheckSkipped, KronconvError, invalid
from kronconv.parallel import Serial, ordered_map


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
    skipped: tuple[str, ...] = ()  # "check: reason" for checks whose tool is missing here

    @property
    def tiers(self) -> tuple[str, ...]:
        """The tiers whose evidence backs the claim, in the order of TIERS."""
        present = {e.tier for e in self.evidence}
        return tuple(tier for tier in TIERS if tier in present)

    @property
    def rests_on(self) -> tuple[str, ...]:
        return rests_on(self.evidence)

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
    return _load_claims(paths, external=catalogue_ids)


def _load_claims(paths: Sequence[str | Path],
                 external: Callable[[], frozenset[str]]) -> list[Claim]:
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
    check_uses(claims, seen, external)
    return claims


def check_uses(claims: Sequence[Claim], files: Mapping[str, Path],
               external: Callable[[], frozenset[str]]) -> None:
    """Every used id is a loaded claim or one of the ``external()`` ids (the catalogue's, asked
    for only when needed), and no claim relies on itself."""
    loaded = {c.id for c in claims}
    for item in claims:
        for used in item.uses:
            if used not in loaded and used not in external():
                raise invalid("uses", used, f"the id of a claim declared by the loaded scripts "
                              f"or by the built-in catalogue (used by {item.id!r} in "
                              f"{files.get(item.id, '?')}; `kronconv derive --list` lists them)")
    cycle = _find_cycle({c.id: [u for u in c.uses if u in loaded] for c in claims})
    if cycle:
        raise invalid("uses", " -> ".join(cycle), "an acyclic graph: a claim cannot rely on "
                      "itself through the claims it uses")


def _find_cycle(graph: Mapping[str, list[str]]) -> list[str]:
    """A cycle of the graph as a closed path of nodes, or [] (depth-first, each node once)."""
    state: dict[str, str] = {}  # "open" while on the current path, then "done"

    def visit(path: list[str]) -> list[str]:
        state[path[-1]] = "open"
        for nxt in graph.get(path[-1], ()):
            if state.get(nxt) == "open":
                return [*path[path.index(nxt):], nxt]
            found = [] if nxt in state else visit([*path, nxt])
            if found:
                return found
        state[path[-1]] = "done"
        return []

    for start in graph:
        found = [] if start in state else visit([start])
        if found:
            return found
    return []


@functools.cache
def catalogue_ids() -> frozenset[str]:
    """The ids the built-in catalogue declares (its scripts are loaded once, when needed)."""
    from kronconv.catalogue import PROOFS  # package data: the scripts, loaded like any user's

    return frozenset(c.id for c in _load_claims([PROOFS], external=frozenset))


def _exec_file(file: Path, name: str, what: str) -> ModuleType:
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
        del sys.modules[name]
        raise KronconvError(f"{what} {file} failed to load: "
                            f"{type(exc).__name__}: {exc}") from exc
    return module


def _import_script(file: Path) -> None:
    _exec_file(file, f"kronconv_proof_{file.stem}_{abs(hash(file.resolve()))}", "proof script")


def load_sibling(script: str | Path, name: str) -> ModuleType:
    """Import the helper module ``name`` (a ``_``-prefixed ``.py`` file) that lies next to the
    proof script ``script`` (pass ``__file__``), e.g. the file that holds its derivations.

    The runner skips ``_`` files, so a sibling is not run as a proof script; it is imported once
    per path and shared by every script that loads it."""
    stem = name.removesuffix(".py")
    if not stem.startswith("_"):
        raise invalid("name", name, "a sibling module whose name starts with '_' (the loader "
                      "would run any other .py file as a proof script)")
    file = Path(script).resolve().parent / f"{stem}.py"
    if not file.is_file():
        raise invalid("name", name, f"a file next to {Path(script).name} ({file} not found)")
    key = f"kronconv_sibling_{stem.lstrip('_')}_{abs(hash(file))}"
    return sys.modules.get(key) or _exec_file(file, key, "sibling module")


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
    skipped: list[str] = []
    for check in checks:
        check_start = time.perf_counter()
        try:
            produced = check.function()
            items = [produced] if isinstance(produced, Evidence) else list(produced)
            if not items or not all(isinstance(item, Evidence) for item in items):
                raise TypeError(f"check {check.name} must return Evidence")
            spent = (time.perf_counter() - check_start) / len(items)
            evidence.extend(replace(rechecked(item, check.name), seconds=item.seconds or spent)
                            for item in items)
        except CheckSkipped as exc:  # a missing optional tool: skipped here, an error in CI
            (errors if os.environ.get("CI") == "true" else skipped).append(f"{check.name}: {exc}")
        except DISPROOFS as exc:  # the statement is false: failed, with the check's message
            disproofs.append(f"{check.name}: {_message(exc)}")
        except Exception as exc:  # a check that crashes makes the claim an error, not a crash
            errors.append(f"{check.name}: {_message(exc)}")
    seconds = time.perf_counter() - start
    if errors or not (evidence or disproofs):
        return ClaimResult(claim, "error", None, tuple(evidence), seconds,
                           "; ".join(errors) or "the claim has no checks", tuple(skipped))
    if disproofs:
        return ClaimResult(claim, "failed", None, tuple(evidence), seconds,
                           "disproved: " + "; ".join(disproofs), tuple(skipped))
    outcome = outcome_of(evidence)
    status = outcome if outcome == claim.expected else "failed"
    return ClaimResult(claim, status, outcome, tuple(evidence), seconds, skipped=tuple(skipped))


def _message(exc: BaseException) -> str:
    """``Type: message (file:line)``, the line where the exception was raised."""
    last = traceback.extract_tb(exc.__traceback__)[-1]
    return f"{type(exc).__name__}: {exc} ({Path(last.filename).name}:{last.lineno})"


def run_claims(claims: Sequence[Claim],
               progress: Callable[[int, int, Claim, ClaimResult | None], None] | None = None,
               tiers: Collection[str] | None = None,
               pool: Executor | None = None) -> list[ClaimResult]:
    """Run every claim (only its checks of ``tiers``, when given), in this process or on
    ``pool`` (see :mod:`kronconv.parallel`): a worker re-loads the claim's proof script by path
    and returns its evidence."""
    if pool is None or isinstance(pool, Serial):
        results = []
        for index, item in enumerate(claims, 1):
            if progress:
                progress(index, len(claims), item, None)
            results.append(run_claim(item, tiers))
            if progress:
                progress(index, len(claims), item, results[-1])
        return results

    def done(index: int, remote: RemoteResult) -> None:
        if progress:
            progress(index + 1, len(claims), claims[index], remote.attach(claims[index]))

    chosen = None if tiers is None else tuple(tiers)
    tasks = [(script_of(item), item.id, chosen) for item in claims]
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
    skipped: tuple[str, ...]

    def attach(self, claim: Claim) -> ClaimResult:
        return ClaimResult(claim, self.status, self.outcome, self.evidence, self.seconds,
                           self.error, self.skipped)


def script_of(claim: Claim) -> str | None:
    """The proof script that declared the claim (from its first check's code)."""
    return claim.checks[0].function.__code__.co_filename if claim.checks else None


@cache
def _claims_of(script: str) -> dict[str, Claim]:
    return {c.id: c for c in load_claims([script])}


def run_remote(task: tuple[str | None, str, tuple[str, ...] | None]) -> RemoteResult:
    """Worker side: load the script once per process, run the one claim."""
    script, claim_id, tiers = task
    if script is None:
        return RemoteResult("error", None, (), 0.0, "the claim has no checks", ())
    result = run_claim(_claims_of(script)[claim_id], tiers)
    return RemoteResult(result.status, result.outcome, result.evidence, result.seconds,
                        result.error, result.skipped)
