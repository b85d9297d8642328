"""``kronconv verify [PATHS] [-k PATTERN] [--tiers T,...] [--json FILE|-] [--markdown FILE]
[--fail-on STATUS,...]``: run claims and report, for people and for pipelines."""

from __future__ import annotations

import argparse
import sys

from kronconv.catalogue import PROOFS
from kronconv.claims import TIERS, ClaimResult, load_claims, run_claims, select
from kronconv.commands.common import (
    add_executor_arguments,
    check_output,
    claim_progress,
    existing_path,
    output_file,
    print_json,
)
from kronconv.errors import KronconvError, check_choice
from kronconv.parallel import executor
from kronconv.render.report import ClaimsReport, table, write_reports

FAIL_ON = ("failed", "refuted", "qualified")
STDOUT = "-"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Run every claim declared by the proof scripts and report its status and evidence. "
        "By default exits 1 only when a claim's outcome differs from the expected one, or a "
        "check errors (--fail-on failed).")
    parser.epilog = ("in a pipeline: kronconv verify --json - | python -m json.tool (the JSON on "
                     "stdout, the table and progress on stderr)")
    parser.add_argument("paths", nargs="*", type=existing_path, help="proof scripts or "
                        "directories of them "
                        "(default: the built-in catalogue)")
    parser.add_argument("-k", dest="pattern", help="only claims whose id, title or group "
                        "matches (substring or glob)")
    parser.add_argument("--tiers", metavar="TIER,...", help="run only the checks of these "
                        f"tiers ({', '.join(TIERS)}); a claim with none is reported 'skipped'")
    parser.add_argument("--json", dest="json_path", metavar="FILE", help="write the JSON report "
                        "here; '-' for stdout (the table then goes to stderr)")
    parser.add_argument("--markdown", dest="markdown_path", type=output_file,
                        help="write a Markdown report here")
    parser.add_argument("--fail-on", default="failed", metavar="STATUS,...",
                        help="exit 1 when any claim has one of these statuses "
                        f"({', '.join(FAIL_ON)}; 'failed' includes 'error'; default: failed)")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress display")
    add_executor_arguments(parser, "claims")
    parser.set_defaults(run=run)


def comma_choices(name: str, text: str | None, allowed: tuple[str, ...]) -> tuple[str, ...]:
    """``a,b`` -> ('a', 'b'), each one of ``allowed`` (one ``name=value`` error otherwise)."""
    if text is None:
        return ()
    items = tuple(part.strip() for part in text.split(",") if part.strip())
    if not items:
        check_choice(name, text, allowed)
    return tuple(check_choice(name, item, allowed) for item in items)


def failing(results: list[ClaimResult], fail_on: tuple[str, ...]) -> list[ClaimResult]:
    """The results whose status is one of ``fail_on`` (``failed`` includes ``error``)."""
    statuses = set(fail_on) | ({"error"} if "failed" in fail_on else set())
    return [r for r in results if r.status in statuses]


def run(args: argparse.Namespace) -> int:
    fail_on = comma_choices("--fail-on", args.fail_on, FAIL_ON)
    tiers = comma_choices("--tiers", args.tiers, TIERS) or None
    if args.json_path not in (None, STDOUT):  # checked before the claims run, not after
        check_output("--json", args.json_path, directory=False)
    claims = select(load_claims(args.paths or [PROOFS]), args.pattern)
    if not claims:
        raise KronconvError(f"-k {args.pattern!r} matches no claim")
    to_stdout = args.json_path == STDOUT
    text = sys.stderr if to_stdout else sys.stdout
    with executor(args.jobs, args.scheduler) as pool:
        results = run_claims(claims, None if args.quiet else claim_progress, tiers=tiers,
                             pool=pool)
    print(table(results), file=text)
    for result in results:
        if result.error and result.status in ("failed", "error"):
            print(f"{result.status} in {result.claim.id}: {result.error}", file=text)
    write_reports(results, None if to_stdout else args.json_path, args.markdown_path)
    bad = failing(results, fail_on)
    counts = ", ".join(f"{n} {status}" for status, n in ClaimsReport.of(results).summary().items()
                       if status != "total")
    print(f"claims: {len(results)} ({counts}); failing on {', '.join(fail_on)}: {len(bad)}",
          file=text)
    if to_stdout:
        print_json(ClaimsReport.of(results))
    return 1 if bad else 0
