"""``kronconv derive CLAIM-ID [SIZES...] [-o FILE.tex] [--pdf]`` and
``kronconv derive --all -o DIR [--pdf]``: claims as LaTeX derivations."""

from __future__ import annotations

import argparse
import difflib
import sys
from pathlib import Path

from kronconv.catalogue import PROOFS
from kronconv.claims import Claim, ClaimResult, load_claims, run_claim, run_claims
from kronconv.commands.common import check_output, check_readable, claim_progress, output_file
from kronconv.errors import invalid
from kronconv.latex import compile_pdf
from kronconv.render.derivation import check_sizes, claim_document, full_document
from kronconv.render.graph import dependency_dot, dot_available, render
from kronconv.render.report import write_reports, write_text

ALL_NAME = "derivations.tex"
GRAPH_NAME = "derivations-dependencies.pdf"  # exists only while pdflatex runs


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Write a standalone LaTeX document with a claim's statement, assumptions, step-by-step "
        "derivation, an expanded small instance and its evidence (the claim's checks are run). "
        "With --all, one document with every claim, a section per group.")
    parser.epilog = (
        "examples: kronconv derive cascade-kronecker-identity 2 2 -o identity.tex --pdf; "
        "kronconv derive --all -o build/docs --pdf; kronconv derive --list")
    parser.add_argument("claim_id", nargs="?", metavar="CLAIM-ID", help="the claim to derive")
    parser.add_argument("sizes", nargs="*", type=int, metavar="SIZE",
                        help="sizes of the small instance to expand (e.g. a and layers for "
                        "cascade-kronecker-identity); --list shows what each claim takes")
    parser.add_argument("--all", action="store_true", help="every claim, into DIR/" + ALL_NAME)
    parser.add_argument("--list", action="store_true", help="list the claim ids and what "
                        "sizes each derivation takes")
    parser.add_argument("-o", "--output", help="FILE.tex (one claim; default: stdout) or DIR "
                        "(with --all)")
    parser.add_argument("--pdf", action="store_true", help="also compile the PDF with pdflatex")
    parser.add_argument("--proofs", action="append", metavar="PATH",
                        help="proof scripts or directories (repeatable; default: the built-in "
                        "catalogue)")
    parser.add_argument("--no-run", action="store_true", help="do not run the checks: no "
                        "evidence section (fast)")
    parser.add_argument("--json", dest="json_path", type=output_file,
                        help="with --all: also write the JSON "
                        "claims report here")
    parser.add_argument("--markdown", dest="markdown_path", type=output_file,
                        help="with --all: also write the "
                        "Markdown claims report here")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress display")
    parser.set_defaults(run=run)


def _claims(args: argparse.Namespace) -> list[Claim]:
    return load_claims(args.proofs or [PROOFS])


def find_claim(claims: list[Claim], claim_id: str) -> Claim:
    """The claim with this id; an unknown id says how to list the valid ones."""
    for item in claims:
        if item.id == claim_id:
            return item
    close = difflib.get_close_matches(claim_id, [c.id for c in claims], n=3)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    raise invalid("CLAIM-ID", claim_id, f"the id of a declared claim (run `kronconv derive "
                  f"--list` to see all {len(claims)}){hint}")


def _list(claims: list[Claim]) -> int:
    for item in claims:
        derivation = item.derivation
        if derivation is None:
            takes = "generic derivation"
        elif derivation.sizes is None:
            takes = "derivation"
        else:
            spec = derivation.sizes
            takes = (f"derivation; sizes {' '.join(spec.names)} ({spec.help}; default "
                     f"{' '.join(map(str, spec.defaults))})")
        print(f"{item.id:32s} [{item.group or '-'}] {takes}")
    return 0


def _derive_all(args: argparse.Namespace, claims: list[Claim]) -> int:
    if args.claim_id or args.sizes:
        raise invalid("CLAIM-ID", args.claim_id, "none with --all (sizes use defaults)")
    if not args.output:
        raise invalid("-o", None, "an output directory with --all")
    results: dict[str, ClaimResult] = {}
    if not args.no_run:
        ran = run_claims(claims, None if args.quiet else claim_progress)
        results = {r.claim.id: r for r in ran}
        write_reports(ran, args.json_path, args.markdown_path)
    document = full_document(claims, results, graph_file=GRAPH_NAME)
    target = write_text(Path(args.output) / ALL_NAME, document.source)
    print(f"wrote {target}")
    if args.pdf:
        assets = ({GRAPH_NAME: render(dependency_dot(claims, results or None), "pdf")}
                  if dot_available() else {})
        print(f"wrote {compile_pdf(target, assets=assets)}")
    return 0


def run(args: argparse.Namespace) -> int:
    if args.output:
        check_output("-o", args.output, directory=args.all)
    for path in args.proofs or ():
        check_readable(path)
    claims = _claims(args)
    if args.list:
        return _list(claims)
    if args.all:
        return _derive_all(args, claims)
    if not args.claim_id:
        raise invalid("CLAIM-ID", None, "a claim id, or --all, or --list")
    if args.json_path or args.markdown_path:
        raise invalid("--json/--markdown", args.json_path or args.markdown_path,
                      "only with --all (use `kronconv verify` for one claim's report)")
    if args.pdf and not args.output:
        raise invalid("--pdf", True, "an output file given with -o FILE.tex")
    claim = find_claim(claims, args.claim_id)
    sizes = check_sizes(claim, args.sizes)  # fail fast, before the checks run
    result = None if args.no_run else run_claim(claim)
    source = claim_document(claim, result, sizes).source
    if not args.output:
        sys.stdout.write(source)
        return 0
    target = write_text(args.output, source)
    print(f"wrote {target}")
    if args.pdf:
        print(f"wrote {compile_pdf(target)}")
    return 0
