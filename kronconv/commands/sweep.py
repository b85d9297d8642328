"""``kronconv sweep [--domain NAME | --full] [--jobs N | --scheduler ADDRESS] [--json]
[--markdown FILE]``: the characterisation sweep."""

from __future__ import annotations

import argparse
from pathlib import Path

from kronconv.commands.common import ProgressBar, add_executor_arguments, output_file, print_json
from kronconv.kronecker.sweep import (
    DOMAINS,
    domain_named,
    exponential_table,
    run_sweep,
)
from kronconv.parallel import executor
from kronconv.render.sweep import markdown
from kronconv.serialize import to_json


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Characterisation sweep: structure (kronecker / padded-kronecker / not-kronecker), "
        "boundary regions, nonlinearities and channels. Exits 1 on any mismatch between a "
        "derived condition and the direct test.")
    parser.add_argument("--full", action="store_true",
                        help="the longer sweep (dims 1-2, schedules of up to 4 layers): "
                        "--domain full")
    parser.add_argument("--domain", choices=list(DOMAINS), default=None,
                        help="named domain: default (5,070 configurations), full, wide "
                        "(over 10^5: up to 2D with 4 layers, a 1-4, d 1-9, every boundary)")
    add_executor_arguments(parser, "sweep chunks")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument("--markdown", dest="markdown_path", type=output_file,
                        help="write the table here")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    domain = domain_named(args.domain or ("full" if args.full else "default"))
    bar = ProgressBar("sweep", enabled=not args.json)
    with executor(args.jobs, args.scheduler) as pool:
        result = run_sweep(domain=domain, pool=pool, progress=lambda done, total, piece:
                           bar.update(done, total, sum(piece.checked.values())))
    bar.finish()
    table = exponential_table()
    text = markdown(result, table)
    if args.markdown_path:
        Path(args.markdown_path).parent.mkdir(parents=True, exist_ok=True)
        Path(args.markdown_path).write_text(text)
    if args.json:
        print_json({**to_json(result), "exponential": table})
    else:
        print(text)
        count = sum(result.checked.values())
        print(f"sweep {'passed' if result.ok else 'FAILED'}: {count} configurations "
              f"(domain {domain.name}), {len(result.mismatches)} mismatches; "
              f"{count / max(result.seconds, 1e-9):.0f} configurations/s "
              f"({result.seconds:.1f} s wall, {args.jobs if not args.scheduler else 'dask'} "
              "workers)")
    return 0 if result.ok else 1
