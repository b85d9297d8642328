"""``kronconv verify [PATHS] [-k PATTERN] [--json FILE] [--markdown FILE]``."""

from __future__ import annotations

import argparse

from kronconv.catalogue import PROOFS
from kronconv.claims import load_claims, run_claims, select
from kronconv.commands.common import claim_progress, existing_path, output_file
from kronconv.errors import KronconvError
from kronconv.render.report import table, write_reports


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("verify", help="run the claims of proof scripts and report",
                                   description="Run every claim declared by the proof scripts "
                                   "and report its status and evidence. Exits 1 only when a "
                                   "claim's outcome differs from the expected one, or a check "
                                   "errors.")
    parser.add_argument("paths", nargs="*", type=existing_path,
                        help="proof scripts or directories of them "
                        "(default: the built-in catalogue)")
    parser.add_argument("-k", dest="pattern", help="only claims whose id, title or group "
                        "matches (substring or glob)")
    parser.add_argument("--json", dest="json_path", type=output_file,
                        help="write the JSON report here")
    parser.add_argument("--markdown", dest="markdown_path", type=output_file,
                        help="write a Markdown report here")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress display")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    claims = select(load_claims(args.paths or [PROOFS]), args.pattern)
    if not claims:
        raise KronconvError(f"-k {args.pattern!r} matches no claim")
    results = run_claims(claims, None if args.quiet else claim_progress)
    print(table(results))
    for result in results:
        if result.error:
            print(f"error in {result.claim.id}: {result.error}")
    write_reports(results, args.json_path, args.markdown_path)
    bad = [r for r in results if not r.ok]
    print(f"claims: {len(results) - len(bad)} as expected, {len(bad)} failed or in error")
    return 1 if bad else 0
