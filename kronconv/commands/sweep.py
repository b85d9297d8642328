"""``kronconv sweep [--full] [--json] [--markdown FILE]``: the characterisation sweep."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kronconv.commands.common import output_file, print_json
from kronconv.kronecker.sweep import exponential_table, markdown, run_sweep


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "sweep", help="classify every small configuration by the direct test and check the "
        "derived conditions against it",
        description="Characterisation sweep: structure (kronecker / padded-kronecker / "
        "not-kronecker), boundary regions, nonlinearities and channels. Exits 1 on any "
        "mismatch between a derived condition and the direct test.")
    parser.add_argument("--full", action="store_true",
                        help="the longer sweep (dims 1-2, schedules of up to 4 layers)")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument("--markdown", dest="markdown_path", type=output_file,
                        help="write the table here")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    def progress(name: str) -> None:
        if not args.json:
            sys.stderr.write(f"sweep: {name}\n")

    result = run_sweep(full=args.full, progress=progress)
    table = exponential_table()
    text = markdown(result, table)
    if args.markdown_path:
        Path(args.markdown_path).parent.mkdir(parents=True, exist_ok=True)
        Path(args.markdown_path).write_text(text)
    if args.json:
        print_json({**result.to_json(), "exponential": table})
    else:
        print(text)
        print(f"sweep {'passed' if result.ok else 'FAILED'}: {sum(result.checked.values())} "
              f"configurations, {len(result.mismatches)} mismatches")
    return 0 if result.ok else 1
