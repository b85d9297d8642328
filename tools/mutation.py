"""Seeded mutation testing with cosmic-ray (``make mutation``), and its report.

A full run over every mutant of the engines, the three subjects, the semantics and the loader
(thousands) does not fit a session on two shared cores, so the run is an honest sample: for each
target module, cosmic-ray enumerates every mutant (``cosmic-ray init``), and
``random.Random(SEED)`` draws PER_MODULE of them (the same ones on every machine while the
module is unchanged); the others are marked skipped. Each sampled mutant is applied to the file
on disk and the module's tests run (``cosmic-ray exec``, the local distributor: do not run
other work in the same tree meanwhile). The report (``docs/mutation.md``) lists the counts per
module and every survivor, with the reason it is equivalent or the test that now kills it
(``tools/mutation_notes.toml``, keyed by module, operator and occurrence).

Usage: python tools/mutation.py [--per-module N] [--seed S] [--only SUBSTRING] [--report-only]
"""

from __future__ import annotations

import argparse
import random
import re
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "build" / "mutation"
NOTES = ROOT / "tools" / "mutation_notes.toml"
REPORT = ROOT / "docs" / "mutation.md"
SEED = 20261130
PER_MODULE = 2

# Target module -> the tests that exercise it (run with -x: the first failure kills the mutant).
TARGETS: dict[str, list[str]] = {
    "kronconv/engines/numeric.py": ["tests/test_engines.py", "tests/test_identity.py"],
    "kronconv/engines/conv.py": ["tests/test_engines.py", "tests/test_ops.py"],
    "kronconv/engines/symbolic.py": ["tests/test_engines.py", "tests/test_identity.py"],
    "kronconv/engines/reference.py": ["tests/test_engines.py"],
    "kronconv/engines/smt.py": ["tests/test_induction.py"],
    "kronconv/kronecker/identity.py": ["tests/test_identity.py", "tests/test_identity_extended.py"],
    "kronconv/kronecker/structure.py": ["tests/test_structure.py"],
    "kronconv/kronecker/nonlinear.py": ["tests/test_nonlinear.py"],
    "kronconv/kronecker/multichannel.py": ["tests/test_multichannel.py"],
    "kronconv/kronecker/dof.py": ["tests/test_receptive_field.py", "tests/test_group_b.py"],
    "kronconv/receptive_field/recursion.py": ["tests/test_receptive_field.py",
                                              "tests/test_fuzz_cases.py"],
    "kronconv/receptive_field/dependency.py": ["tests/test_receptive_field.py",
                                               "tests/test_fuzz_cases.py"],
    "kronconv/receptive_field/gridding.py": ["tests/test_receptive_field.py"],
    "kronconv/equivariance/analysis.py": ["tests/test_equivariance.py"],
    "kronconv/semantics/evaluate.py": ["tests/test_semantics.py"],
    "kronconv/semantics/shapes.py": ["tests/test_semantics.py", "tests/test_equivariance.py"],
    "kronconv/semantics/backends.py": ["tests/test_semantics.py"],
    "kronconv/specs/architecture.py": ["tests/test_architecture.py", "tests/test_specs.py"],
    "kronconv/specs/shapes.py": ["tests/test_fuzz_cases.py", "tests/test_architecture.py"],
}


@dataclass(frozen=True)
class Outcome:
    module: str
    operator: str
    occurrence: int
    line: int
    killed: bool
    diff: str

    @property
    def key(self) -> str:
        return f"{self.module}:{self.operator}:{self.occurrence}"


def _config(module: str, tests: list[str]) -> Path:
    name = module.replace("/", "_").removesuffix(".py")
    path = WORK / f"{name}.toml"
    command = f"{sys.executable} -m pytest -x -q -p no:cacheprovider -m 'not slow' " \
        + " ".join(tests)
    path.write_text(f"""[cosmic-ray]
module-path = "{module}"
timeout = 900.0
excluded-modules = []
test-command = "{command}"

[cosmic-ray.distributor]
name = "local"
""")
    return path


def run_module(module: str, tests: list[str], per_module: int, seed: int) -> list[Outcome]:
    """Init a session, keep a seeded sample of its mutants, execute it, read the outcomes."""
    from cosmic_ray.work_db import WorkDB, use_db
    from cosmic_ray.work_item import WorkerOutcome, WorkResult

    config = _config(module, tests)
    session = config.with_suffix(".sqlite")
    session.unlink(missing_ok=True)
    subprocess.run(["cosmic-ray", "init", str(config), str(session)], check=True, cwd=ROOT)
    with use_db(str(session), WorkDB.Mode.open) as db:
        items = sorted(db.work_items, key=lambda w: (w.mutations[0].operator_name,
                                                     w.mutations[0].occurrence,
                                                     w.mutations[0].start_pos))
        chosen = {w.job_id for w in random.Random(f"{seed}:{module}").sample(
            items, min(per_module, len(items)))}
        for item in items:
            if item.job_id not in chosen:
                db.set_result(item.job_id, WorkResult(worker_outcome=WorkerOutcome.SKIPPED))
    subprocess.run(["cosmic-ray", "exec", str(config), str(session)], check=True, cwd=ROOT)
    return read_session(session, module)


def read_session(session: Path, module: str) -> list[Outcome]:
    from cosmic_ray.work_db import WorkDB, use_db
    from cosmic_ray.work_item import WorkerOutcome

    out = []
    with use_db(str(session), WorkDB.Mode.open) as db:
        for item, result in db.completed_work_items:
            if result.worker_outcome == WorkerOutcome.SKIPPED:
                continue
            spec = item.mutations[0]
            out.append(Outcome(module, spec.operator_name, spec.occurrence, spec.start_pos[0],
                               result.is_killed, result.diff or ""))
    return sorted(out, key=lambda o: (o.operator, o.occurrence))


def recheck(outcome: Outcome, test: str) -> bool:
    """Apply a survivor's diff again, run the test said to kill it now, revert: True if the
    test fails (the mutant is killed)."""
    diff = outcome.diff.split("--- mutation diff ---")[-1].strip() + "\n"
    subprocess.run(["patch", "-p1", "-s"], input=diff, text=True, check=True, cwd=ROOT)
    try:
        run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-x", "-p",
                              "no:cacheprovider", test], capture_output=True, cwd=ROOT,
                             check=False)
    finally:
        subprocess.run(["patch", "-p1", "-R", "-s"], input=diff, text=True, check=True, cwd=ROOT)
    return run.returncode != 0


def unfinished(session: Path) -> list[str]:
    """Sampled mutants with no result (the run stopped, e.g. a mutant that loops forever)."""
    from cosmic_ray.work_db import WorkDB, use_db

    with use_db(str(session), WorkDB.Mode.open) as db:
        return [f"{w.mutations[0].module_path}:{w.mutations[0].operator_name}:"
                f"{w.mutations[0].occurrence} (line {w.mutations[0].start_pos[0]})"
                for w in db.pending_work_items]


def write_report(outcomes: list[Outcome], per_module: int, seed: int,
                 pending: list[str] | None = None) -> str:
    notes = tomllib.loads(NOTES.read_text()) if NOTES.exists() else {}
    survivors = [o for o in outcomes if not o.killed]
    equivalent = [o for o in survivors if notes.get(o.key, {}).get("kind") == "equivalent"]
    rechecked = {}
    for o in survivors:
        found = re.search(r"(tests/\S+::\w+)", notes.get(o.key, {}).get("reason", ""))
        if notes.get(o.key, {}).get("kind") == "killed" and found:
            rechecked[o.key] = recheck(o, found.group(1))
    in_run = sum(o.killed for o in outcomes)
    killed = in_run + sum(rechecked.values())
    non_equivalent = len(outcomes) - len(equivalent)
    rate = 100.0 * killed / non_equivalent if non_equivalent else 100.0
    lines = [
        "# Mutation testing (generated by `make mutation`)", "",
        f"Tool: cosmic-ray (pinned in the `mutation` extra). Sample: {per_module} mutants per "
        f"module, drawn with `random.Random(\"{seed}:<module>\")` from every mutant cosmic-ray "
        "enumerates; each applied on disk and the module's tests run with `-x`. A survivor "
        "noted as killed by a newer test is re-checked: its diff applied again and that test "
        "run (it must fail).", "",
        f"**{killed} of {non_equivalent} non-equivalent mutants killed ({rate:.1f} %)**: "
        f"{in_run} by the module's tests in the run, {sum(rechecked.values())} survivors by the "
        f"tests written for them (re-checked); {len(outcomes)} run, {len(equivalent)} "
        "equivalent.", "",
        "| module | sampled | killed | survived |", "| --- | ---: | ---: | ---: |"]
    for module in sorted({o.module for o in outcomes}):
        mine = [o for o in outcomes if o.module == module]
        lines.append(f"| `{module}` | {len(mine)} | {sum(o.killed for o in mine)} | "
                     f"{sum(not o.killed for o in mine)} |")
    if pending:
        lines += ["", f"Not finished ({len(pending)}; counted neither way): "
                  + "; ".join(f"`{p}`" for p in pending)]
    lines += ["", "## Survivors", ""]
    if not survivors:
        lines.append("None.")
    for o in survivors:
        note = notes.get(o.key, {})
        reason = note.get("reason", "NOT YET EXPLAINED")
        kind = note.get("kind", "open")
        if o.key in rechecked:
            kind = "killed (re-checked)" if rechecked[o.key] else "STILL SURVIVES the test named"
        lines += [f"### `{o.key}` (line {o.line})", "", f"- {kind}: {reason}",
                  "", "```diff", o.diff.strip(), "```", ""]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-module", type=int, default=PER_MODULE)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--only", default="", help="only modules whose path contains this")
    parser.add_argument("--report-only", action="store_true",
                        help="rewrite the report from the stored sessions")
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    outcomes: list[Outcome] = []
    pending: list[str] = []
    for module, tests in TARGETS.items():
        if args.only not in module:
            continue
        if args.report_only:
            session = _config(module, tests).with_suffix(".sqlite")
            outcomes += read_session(session, module) if session.exists() else []
        else:
            outcomes += run_module(module, tests, args.per_module, args.seed)
        session = _config(module, tests).with_suffix(".sqlite")
        pending += unfinished(session) if session.exists() else []
    REPORT.write_text(write_report(outcomes, args.per_module, args.seed, pending))
    print(REPORT.read_text().split("## Survivors")[0])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
