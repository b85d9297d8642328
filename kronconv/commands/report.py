"""``kronconv report -o DIR [PATHS] [-k PATTERN] [--no-figures]``: the offline claims page."""

from __future__ import annotations

import argparse


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Run the claims and write DIR/index.html: one self-contained page (no network, no "
        "script) with the claims table in status colours, each statement as mathematics, the "
        "evidence with counterexamples as heatmaps, the dependency graph (Graphviz) and the "
        "figures.")
    parser.add_argument("paths", nargs="*", help="proof scripts or directories of them "
                        "(default: the built-in catalogue)")
    parser.add_argument("-o", "--output", required=True, metavar="DIR",
                        help="directory for index.html (created if missing)")
    parser.add_argument("-k", dest="pattern", help="only claims whose id, title or group "
                        "matches (substring or glob)")
    parser.add_argument("--no-figures", action="store_true", help="leave out the figures")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress display")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from kronconv.catalogue import PROOFS
    from kronconv.claims import load_claims, run_claims, select
    from kronconv.commands.common import claim_progress
    from kronconv.errors import KronconvError, invalid
    from kronconv.render.report import write_text
    from kronconv.render.site import page

    target = Path(args.output) / "index.html"
    if not args.output or (target.parent.exists() and not target.parent.is_dir()):
        raise invalid("--output", args.output, "a directory to write index.html into")
    write_text(target, "")  # fails now, not after the claims ran, if DIR is not writable
    claims = select(load_claims(args.paths or [PROOFS]), args.pattern)
    if not claims:
        raise KronconvError(f"-k {args.pattern!r} matches no claim")
    results = run_claims(claims, None if args.quiet else claim_progress)
    graph_svg, graph_note = _graph(results)
    figures = [] if args.no_figures else _figures()
    write_text(target, page(results, graph_svg=graph_svg, graph_note=graph_note,
                            figures=figures))
    print(f"wrote {target}")
    bad = [r for r in results if not r.ok]
    return 1 if bad else 0


def _graph(results: list) -> tuple[str | None, str]:
    """The dependency graph as inline SVG, or why there is none."""
    from kronconv.errors import KronconvError
    from kronconv.render import graph

    try:
        svg = graph.render(graph.dependency_dot([r.claim for r in results], results), "svg")
    except KronconvError as exc:
        return None, str(exc)
    text = svg.decode("utf-8")
    return text[text.index("<svg"):], ""


def _figures() -> list[tuple[str, bytes, str]]:
    from kronconv.render.figures import FIGURES, png_bytes

    return [(spec.title, png_bytes(spec), spec.caption) for spec in FIGURES]
