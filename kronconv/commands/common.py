"""Argument types and output helpers shared by subcommands (import-light: no subject package)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kronconv.claims import Claim, ClaimResult


def int_list(text: str) -> list[int]:
    """'1,2,4' -> [1, 2, 4] (a ValueError becomes the parser's ``name=value`` message)."""
    return [int(part) for part in text.split(",") if part.strip()]


int_list.expected = "a comma-separated list of integers"  # type: ignore[attr-defined]


def print_json(result: Any, stream: IO[str] | None = None) -> None:
    """A result as indented JSON (through the one serializer, :mod:`kronconv.serialize`)."""
    from kronconv.serialize import to_json

    out = stream or sys.stdout
    json.dump(to_json(result), out, indent=2)
    out.write("\n")


def example_or_file(args: argparse.Namespace, file: str | None) -> str | None:
    """``--example NAME`` (a shipped architecture) or the architecture file given, not both."""
    if args.example is None:
        return file
    from kronconv.catalogue import example_path
    from kronconv.errors import invalid

    if file is not None:
        raise invalid("--example", args.example, f"no architecture file as well (got {file!r})")
    return str(example_path(args.example))


def claim_progress(index: int, total: int, claim: Claim, result: ClaimResult | None) -> None:
    """The progress display of commands that run claims: one stderr line per claim."""
    if result is None:
        sys.stderr.write(f"[{index}/{total}] {claim.id} ...")
    else:
        sys.stderr.write(f" {result.status} ({result.seconds:.2f} s)\n")
    sys.stderr.flush()
