"""Seeded mutation testing with cosmic-ray (``make mutation``), and its report.

A run over every mutant of the engines, the three subjects, the semantics and the loader (about
eighteen thousand, seconds of tests each) does not fit a session on two shared cores, so the
run is an honest random sample whose kill rate estimates the whole population's. For each target
module cosmic-ray enumerates every mutant (``cosmic-ray init``); a total of ``--sample`` mutants
is allocated to the modules in proportion to their mutant counts (largest remainders, at least one
each), and ``random.Random(f"{seed}:{module}")`` draws that many (the same ones on every machine
while the module is unchanged); the others are marked skipped. Each sampled mutant is applied to
the file on disk by cosmic-ray (``mutate_and_test``: do not run other work in the same tree
meanwhile) and tested with ``-x``: first by every test of ``make test`` that executes the
mutated lines (a coverage map, coverage.py with a context per test function, quickest tests
first), and if it survives those, by the module's own test list (lines run at import time have
no covering test), which gives the verdict. A mutant whose tests pass the time limit (120 s plus
five times their own time) counts as killed (it hangs the suite, which CI would notice).

The report (``docs/mutation.md``) gives the counts per module, the kill rate among non-equivalent
mutants with its exact 95 % Clopper-Pearson interval, and every survivor, with the reason it is
equivalent or the test that now kills it (``tools/mutation_notes.toml``, keyed by module,
operator and occurrence; such a test is re-checked: the diff applied again, the test must fail).

Usage: python tools/mutation.py [--sample N] [--seed S] [--only SUBSTRING] [--shard K/N]
       python tools/mutation.py --report-only   (the sample and seed recorded by the run)
"""

from __future__ import annotations

import argparse
import ast
import json
import math
import os
import random
import re
import subprocess
import sys
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "build" / "mutation"
NOTES = ROOT / "tools" / "mutation_notes.toml"
REPORT = ROOT / "docs" / "mutation.md"
SEED = 20261204
SAMPLE = 300
TIMEOUT = 300.0
KILL_TESTS = sorted(f"tests/{p.name}" for p in (ROOT / "tests").glob("test_mutation_kills*.py"))

# Target module -> the tests that exercise it (run with -x: the first failure kills the mutant;
# KILL_TESTS, the tests written for earlier survivors, run last for every module).
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
    "kronconv/equivariance/analysis.py": ["tests/test_equivariance.py", "tests/test_group_d.py"],
    "kronconv/equivariance/shifts.py": ["tests/test_equivariance.py", "tests/test_group_d.py"],
    "kronconv/equivariance/lemmas.py": ["tests/test_equivariance.py"],
    "kronconv/equivariance/screening.py": ["tests/test_equivariance.py"],
    "kronconv/semantics/evaluate.py": ["tests/test_semantics.py", "tests/test_new_ops.py"],
    "kronconv/semantics/shapes.py": ["tests/test_semantics.py", "tests/test_equivariance.py"],
    "kronconv/semantics/backends.py": ["tests/test_semantics.py", "tests/test_new_ops.py"],
    "kronconv/semantics/reference.py": ["tests/test_semantics.py", "tests/test_new_ops.py"],
    "kronconv/specs/cascade.py": ["tests/test_specs.py", "tests/test_engines.py"],
    "kronconv/specs/architecture.py": ["tests/test_architecture.py", "tests/test_specs.py"],
    "kronconv/specs/shapes.py": ["tests/test_fuzz_cases.py", "tests/test_architecture.py"],
}


@dataclass(frozen=True)
class Outcome:
    module: str
    operator: str
    occurrence: int
    line: int
    column: int
    killed: bool
    diff: str

    @property
    def key(self) -> str:
        return f"{self.module}:{self.operator}:{self.occurrence}"


ANNOTATION_NOTE = ("the mutated operator lies inside a type annotation, and the module has "
                   "`from __future__ import annotations`: annotations are kept as strings and "
                   "nothing in kronconv evaluates them (no get_type_hints), so no test can tell "
                   "(classified automatically)")


def in_annotation(outcome: Outcome) -> bool:
    """True when the mutant's position lies inside a parameter, return or variable annotation
    of a module that postpones annotations (PEP 563), so the mutant is equivalent."""
    tree = ast.parse(_source_at_run(outcome.module))
    postponed = any(isinstance(n, ast.ImportFrom) and n.module == "__future__"
                    and any(a.name == "annotations" for a in n.names) for n in tree.body)
    spans = [a for n in ast.walk(tree) for a in _annotations(n)]
    here = (outcome.line, outcome.column)
    return postponed and any((a.lineno, a.col_offset) <= here
                             < (a.end_lineno or a.lineno, a.end_col_offset or 0) for a in spans)


def _source_at_run(module: str) -> str:
    """The module as it was when the sample ran (the recorded commit), else as it is now."""
    shown = subprocess.run(["git", "show", f"{_commit()}:{module}"], capture_output=True,
                           text=True, check=False, cwd=ROOT)
    return shown.stdout if shown.returncode == 0 else (ROOT / module).read_text()


def _annotations(node: ast.AST) -> list[ast.expr]:
    if isinstance(node, ast.arg | ast.AnnAssign):
        return [node.annotation] if node.annotation is not None else []
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        return [node.returns] if node.returns is not None else []
    return []


def _config(module: str) -> Path:
    """The cosmic-ray session config of ``module`` (its test command is the full fallback)."""
    name = module.replace("/", "_").removesuffix(".py")
    path = WORK / f"{name}.toml"
    path.write_text(f"""[cosmic-ray]
module-path = "{module}"
timeout = {TIMEOUT}
excluded-modules = []
test-command = "{_command([*TARGETS[module], *KILL_TESTS])}"

[cosmic-ray.distributor]
name = "local"
""")
    return path


def _command(tests: list[str]) -> str:
    return f"{sys.executable} -m pytest -x -q -p no:cacheprovider -m 'not slow' " \
        + " ".join(f"'{t}'" for t in tests)


def _session(module: str, shard: int = 1, shards: int = 1) -> Path:
    """The cosmic-ray session (work database) of ``module`` for one shard of the run."""
    return _config(module).with_suffix(f".{shard}of{shards}.sqlite")


def _sessions(module: str) -> list[Path]:
    """Every shard's session of ``module`` found in build/mutation (copied from the clones)."""
    name = module.replace("/", "_").removesuffix(".py")
    return sorted(WORK.glob(f"{name}.*of*.sqlite"))


def init_module(module: str, shard: int, shards: int) -> int:
    """Enumerate every mutant of ``module`` into a fresh session; return how many there are."""
    from cosmic_ray.work_db import WorkDB, use_db

    session = _session(module, shard, shards)
    session.unlink(missing_ok=True)
    subprocess.run(["cosmic-ray", "init", str(_config(module)), str(session)],
                   check=True, cwd=ROOT)
    with use_db(str(session), WorkDB.Mode.open) as db:
        return db.num_work_items


def allocate(counts: dict[str, int], total: int) -> dict[str, int]:
    """Split ``total`` over the modules in proportion to their mutant counts: the floors of the
    quotas, then one more to the largest remainders; at least one per module, never more than
    it has."""
    population = sum(counts.values())
    quotas = {m: total * c / population for m, c in counts.items()}
    shares = {m: int(q) for m, q in quotas.items()}
    by_remainder = sorted(quotas, key=lambda m: (shares[m] - quotas[m], m))
    for m in by_remainder[:total - sum(shares.values())]:
        shares[m] += 1
    return {m: min(counts[m], max(1, shares[m])) for m in counts}


def coverage_map() -> tuple[dict[str, dict[int, list[str]]], dict[str, float]]:
    """Which tests of ``make test`` (every test file, ``-m "not slow"``) execute each line of
    each target module, and how long each test function takes: two coverage.py runs over the two
    halves of the test files in parallel, one dynamic context per test function, with JUnit XML
    for the durations. Returns ({module: {line: [test node ids]}}, {node id: seconds}); lines
    run only at import time have no test. Kept in build/mutation/coverage_map.json for the
    commit it was made on (a second clone of the same commit copies it instead of rerunning)."""
    import coverage

    cached = WORK / "coverage_map.json"
    head = _head()
    if cached.exists() and head:
        stored = json.loads(cached.read_text())
        if stored.get("commit") == head:
            return ({m: {int(k): v for k, v in lines.items()}
                     for m, lines in stored["map"].items()}, stored["seconds"])
    rc = WORK / "coveragerc"
    rc.write_text("[run]\nsource = kronconv\ndynamic_context = test_function\n")
    files = sorted(f"tests/{p.name}" for p in (ROOT / "tests").glob("test_*.py"))
    runs = []
    for half, tests in enumerate((files[0::2], files[1::2])):
        runs.append(subprocess.Popen(
            [sys.executable, "-m", "coverage", "run", f"--rcfile={rc}",
             f"--data-file={WORK / f'coverage.{half}.sqlite'}", "-m", "pytest", "-q",
             "-p", "no:cacheprovider", "-m", "not slow", f"--junitxml={WORK / f'junit.{half}.xml'}",
             *tests], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    if any(run.wait() != 0 for run in runs):
        raise SystemExit("the test suite fails on the unmutated tree: fix it before mutating")
    out: dict[str, dict[int, set[str]]] = {m: {} for m in TARGETS}
    seconds: dict[str, float] = {}
    for half in (0, 1):
        data = coverage.CoverageData(str(WORK / f"coverage.{half}.sqlite"))
        data.read()
        for module in TARGETS:
            for line, contexts in data.contexts_by_lineno(str(ROOT / module)).items():
                out[module].setdefault(line, set()).update(_node_id(c) for c in contexts if c)
        for case in ElementTree.parse(WORK / f"junit.{half}.xml").iter("testcase"):
            node = _junit_node_id(case.get("classname", ""), case.get("name", ""))
            seconds[node] = seconds.get(node, 0.0) + float(case.get("time", "0"))
    mapped = {m: {line: sorted(tests) for line, tests in lines.items()}
              for m, lines in out.items()}
    if head:
        cached.write_text(json.dumps({"commit": head, "map": mapped, "seconds": seconds}))
    return mapped, seconds


def _head() -> str:
    """HEAD's commit when the tree is clean (a cached map is only reused for a clean tree)."""
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                           capture_output=True, text=True, check=False, cwd=ROOT).stdout
    head = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True,
                          check=False, cwd=ROOT).stdout.strip()
    return "" if dirty.strip() else head


def _junit_node_id(classname: str, name: str) -> str:
    """JUnit's classname "tests.test_x.TestY" and name "test_z[3]" -> the node id of the test
    function, "tests/test_x.py::TestY::test_z" (parameters summed into one function)."""
    parts = classname.split(".")
    module = next((i for i, part in enumerate(parts) if part.startswith("test_")), len(parts) - 1)
    return "::".join(["/".join(parts[:module + 1]) + ".py", *parts[module + 1:],
                      name.split("[")[0]])


def _node_id(context: str) -> str:
    """A test_function context "test_x.TestY.test_z" -> "tests/test_x.py::TestY::test_z"."""
    module, *rest = context.split(".")
    return f"tests/{module}.py::" + "::".join(rest)


def run_module(module: str, size: int, seed: int, lines: dict[int, list[str]],
               seconds: dict[str, float], shard: int = 1, shards: int = 1) -> None:
    """Keep a seeded sample of ``size`` of the module's mutants, and of those every
    ``shards``-th from the ``shard``-th on (in the session's order: each clone of the tree runs
    one shard, so every module's mutants are shared between the clones), and test each: first
    with every test of ``make test`` that executes the mutated lines, quickest first; a mutant that
    survives them is run again against the module's own test list (which also covers lines
    that run only at import time), and that gives the verdict. Test selection thus only saves
    time: a kill is a failing test of the suite, a survivor survived every test that runs its
    code. The time limit of each run is 120 s plus five times the tests' own time (measured
    under coverage), so a long list is not mistaken for a hang."""
    from cosmic_ray.mutating import mutate_and_test
    from cosmic_ray.work_db import WorkDB, use_db
    from cosmic_ray.work_item import TestOutcome, WorkerOutcome, WorkResult

    full = [*TARGETS[module], *KILL_TESTS]
    with use_db(str(_session(module, shard, shards)), WorkDB.Mode.open) as db:
        items = sorted(db.work_items, key=lambda w: (w.mutations[0].operator_name,
                                                     w.mutations[0].occurrence,
                                                     w.mutations[0].start_pos))
        sample = {w.job_id for w in random.Random(f"{seed}:{module}").sample(items, size)}
        chosen = set([w.job_id for w in items if w.job_id in sample][shard - 1::shards])
        for item in items:
            if item.job_id not in chosen:
                db.set_result(item.job_id, WorkResult(worker_outcome=WorkerOutcome.SKIPPED))
                continue
            spec = item.mutations[0]
            covering = sorted({t for line in range(spec.start_pos[0], spec.end_pos[0] + 1)
                               for t in lines.get(line, [])},
                              key=lambda t: (seconds.get(t, 0.0), t))
            result = mutate_and_test([spec], _command(covering or full),
                                     _limit(covering or full, seconds))
            if covering and result.test_outcome == TestOutcome.SURVIVED:
                result = mutate_and_test([spec], _command(full), _limit(full, seconds))
            db.set_result(item.job_id, result)
            print(f"{module}:{spec.operator_name}:{spec.occurrence} line {spec.start_pos[0]}: "
                  f"{result.test_outcome}", flush=True)


def _limit(tests: list[str], seconds: dict[str, float]) -> float:
    """The time limit of one mutant's run: 120 s plus five times the listed tests' own time
    (a file stands for all its test functions)."""
    own = sum(t for node, t in seconds.items()
              if any(node == test or node.startswith(f"{test}::") for test in tests))
    return 120.0 + 5.0 * own


def read_session(session: Path, module: str) -> list[Outcome]:
    from cosmic_ray.work_db import WorkDB, use_db
    from cosmic_ray.work_item import WorkerOutcome

    out = []
    with use_db(str(session), WorkDB.Mode.open) as db:
        for item, result in db.completed_work_items:
            if result.worker_outcome == WorkerOutcome.SKIPPED:
                continue
            spec = item.mutations[0]
            line, column = spec.start_pos
            out.append(Outcome(module, spec.operator_name, spec.occurrence, line, column,
                               result.is_killed, result.diff or ""))
    return sorted(out, key=lambda o: (o.operator, o.occurrence))


def recheck(outcome: Outcome, test: str) -> bool:
    """Apply a survivor's diff again, run the test said to kill it now, revert: True if the
    test fails (the mutant is killed: pytest's exit code 1, not 4 or 5 for a test that does not
    exist). A diff that no longer applies (the module changed since the run) raises
    ``ValueError``."""
    diff = outcome.diff.split("--- mutation diff ---")[-1].strip() + "\n"
    if _patch(diff, "--dry-run").returncode != 0:
        raise ValueError(f"{outcome.key}: the diff no longer applies")
    _patch(diff).check_returncode()
    try:
        run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-x", "-p",
                              "no:cacheprovider", test], capture_output=True, cwd=ROOT,
                             check=False)
    finally:
        _patch(diff, "-R").check_returncode()
    return run.returncode == 1


def _patch(diff: str, *options: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["patch", "-p1", "-s", "--no-backup-if-mismatch", *options],
                          input=diff, text=True, capture_output=True, check=False, cwd=ROOT)


def unfinished(session: Path) -> list[str]:
    """Sampled mutants with no result (the run stopped, e.g. a mutant that loops forever)."""
    from cosmic_ray.work_db import WorkDB, use_db

    with use_db(str(session), WorkDB.Mode.open) as db:
        return [f"{w.mutations[0].module_path}:{w.mutations[0].operator_name}:"
                f"{w.mutations[0].occurrence} (line {w.mutations[0].start_pos[0]})"
                for w in db.pending_work_items]


def clopper_pearson(successes: int, trials: int, level: float = 0.95) -> tuple[float, float]:
    """The exact (Clopper-Pearson) two-sided interval for a binomial proportion: the p whose
    tail probabilities P(X >= k | p) and P(X <= k | p) equal (1 - level) / 2, by bisection."""
    def tail_at_least(k: int, p: float) -> float:
        return sum(math.comb(trials, i) * p**i * (1 - p) ** (trials - i)
                   for i in range(k, trials + 1))

    def solve(predicate: Callable[[float], bool]) -> float:
        low, high = 0.0, 1.0
        for _ in range(60):
            middle = (low + high) / 2
            low, high = (middle, high) if predicate(middle) else (low, middle)
        return (low + high) / 2

    alpha = (1 - level) / 2
    lower = 0.0 if successes == 0 else solve(lambda p: tail_at_least(successes, p) < alpha)
    upper = 1.0 if successes == trials else solve(
        lambda p: 1 - tail_at_least(successes + 1, p) >= alpha)
    return lower, upper


def changed(diff: str) -> str:
    """The mutant's new lines (the diff's added lines, stripped): what a note is checked
    against, since a key (module, operator, occurrence) names another mutant once the module
    changes."""
    body = diff.split("--- mutation diff ---")[-1]
    return "\n".join(line[1:].strip() for line in body.splitlines()
                     if line.startswith("+") and not line.startswith("+++"))


def notes_for(outcomes: list[Outcome]) -> dict[str, dict[str, str]]:
    """The notes that describe these very mutants: same key and same changed lines."""
    notes = tomllib.loads(NOTES.read_text()) if NOTES.exists() else {}
    return {o.key: notes[o.key] for o in outcomes
            if o.key in notes and notes[o.key].get("changed") == changed(o.diff)}


def write_report(outcomes: list[Outcome], counts: dict[str, int], sample: int, seed: int,
                 pending: list[str] | None = None) -> str:
    notes = notes_for(outcomes)
    survivors = [o for o in outcomes if not o.killed]
    notes |= {o.key: {"kind": "equivalent", "reason": ANNOTATION_NOTE}
              for o in survivors if o.key not in notes and in_annotation(o)}
    equivalent = [o for o in survivors if notes.get(o.key, {}).get("kind") == "equivalent"]
    rechecked: dict[str, bool | None] = {}  # None: the diff no longer applies
    for o in survivors:
        found = re.search(r"(tests/\S+::\w+)", notes.get(o.key, {}).get("reason", ""))
        if notes.get(o.key, {}).get("kind") == "killed" and found:
            try:
                rechecked[o.key] = recheck(o, found.group(1))
            except ValueError:
                rechecked[o.key] = None
    in_run = sum(o.killed for o in outcomes)
    later = sum(bool(v) for v in rechecked.values())
    non_equivalent = len(outcomes) - len(equivalent)
    low, high = clopper_pearson(in_run, non_equivalent) if non_equivalent else (1.0, 1.0)
    lines = [
        "# Mutation testing (generated by `make mutation`)", "",
        f"Run on commit {_commit()}. "
        "Tool: cosmic-ray (pinned in the `mutation` extra). Population: every mutant cosmic-ray "
        f"enumerates in {len(counts)} modules, {sum(counts.values())} in all. Sample: {sample} "
        "mutants allocated to the modules in proportion to their counts, each module's drawn "
        f"with `random.Random(\"{seed}:<module>\")`; each applied on disk and tested with `-x` by "
        "every test of `make test` that executes the mutated lines, then by the module's own "
        "test list (a mutant that outlives the time limit, 120 s plus five times the tests' own "
        "time, counts as killed). A "
        "survivor noted as killed by a newer test is re-checked: its diff applied again and "
        "that test run (it must fail).", "",
        f"**In the run: {in_run} of {non_equivalent} non-equivalent mutants killed "
        f"({_percent(in_run, non_equivalent)})**, 95 % Clopper-Pearson interval "
        f"{100 * low:.1f} %-{100 * high:.1f} % for the whole population's kill rate by the tests "
        f"as they stood; {len(outcomes)} run, {len(equivalent)} equivalent.", "",
        f"With the tests written since for this sample's survivors (re-checked): {in_run + later} "
        f"of {non_equivalent} ({_percent(in_run + later, non_equivalent)}). This second figure "
        "is not an estimate for the population (those tests were written for these mutants); "
        "a fresh seed measures it.", "",
        "| module | mutants | sampled | killed | survived |",
        "| --- | ---: | ---: | ---: | ---: |"]
    for module in sorted(counts):
        mine = [o for o in outcomes if o.module == module]
        lines.append(f"| `{module}` | {counts[module]} | {len(mine)} | "
                     f"{sum(o.killed for o in mine)} | {sum(not o.killed for o in mine)} |")
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
            kind = {True: "killed (re-checked)", False: "STILL SURVIVES the test named",
                    None: "not re-checked (the module changed since the run; not counted)"}[
                        rechecked[o.key]]
        lines += [f"### `{o.key}` (line {o.line})", "", f"- {kind}: {reason}",
                  "", "```diff", o.diff.strip(), "```", ""]
    return "\n".join(lines) + "\n"


def _run() -> dict[str, Any]:
    """What the sample was drawn with: {"commit", "sample", "seed"} (build/mutation/run.json,
    written when the run starts, read again by --report-only)."""
    path = WORK / "run.json"
    return json.loads(path.read_text()) if path.exists() else {}


def _commit() -> str:
    return str(_run().get("commit", "(not recorded)"))


def _percent(part: int, whole: int) -> str:
    return f"{100.0 * part / whole:.1f} %" if whole else "n/a"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, default=SAMPLE,
                        help=f"mutants drawn in all (default {SAMPLE})")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--only", default="", help="only modules whose path contains this")
    parser.add_argument("--report-only", action="store_true",
                        help="rewrite the report from the stored sessions")
    parser.add_argument("--shard", default="1/1", help="K/N: run the K-th of N disjoint parts "
                        "of the sample (one clone of the tree per part; then copy every "
                        "build/mutation/*of*.sqlite into one tree and run --report-only there)")
    args = parser.parse_args()
    shard, shards = (int(x) for x in args.shard.split("/"))
    os.chdir(ROOT)  # cosmic-ray names modules by paths relative to the tree
    WORK.mkdir(parents=True, exist_ok=True)
    modules = [m for m in TARGETS if args.only in m]
    counts_file = WORK / "counts.json"
    if args.report_only:
        counts = json.loads(counts_file.read_text())
    else:
        counts = {m: init_module(m, shard, shards) for m in modules}
        counts_file.write_text(json.dumps(counts, indent=1))
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                                text=True, check=False, cwd=ROOT).stdout.strip()
        (WORK / "run.json").write_text(json.dumps(
            {"commit": commit or "unknown", "sample": args.sample, "seed": args.seed}))
        sizes = allocate(counts, args.sample)
        lines, seconds = coverage_map()
        for module in modules:
            run_module(module, sizes[module], args.seed, lines[module], seconds, shard, shards)
    outcomes: list[Outcome] = []
    pending: list[str] = []
    for module in counts:
        for session in _sessions(module):
            outcomes += read_session(session, module)
            pending += unfinished(session)
    run = _run()
    REPORT.write_text(write_report(outcomes, counts, run["sample"], run["seed"], pending))
    print(REPORT.read_text().split("## Survivors")[0])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
