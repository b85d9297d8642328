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


def positive_int(text: str) -> int:
    """'4' -> 4; zero, negatives and words are one-line argparse errors."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: a whole number >= 1")
    return value


def add_executor_arguments(parser: argparse.ArgumentParser, what: str) -> None:
    """``--jobs N`` (local process pool) and ``--scheduler ADDRESS`` (Dask cluster)."""
    parser.add_argument("--jobs", "-j", type=positive_int, default=1,
                        help=f"run {what} on N local worker processes (default 1: serial)")
    parser.add_argument("--scheduler", default=None,
                        help=f"run {what} on the Dask cluster at this scheduler address "
                        "(default: $KRONCONV_SCHEDULER; needs kronconv[dask])")


class ProgressBar:
    """``name [#####.....] done/total pieces, count items`` on stderr, redrawn in place."""

    def __init__(self, name: str, *, enabled: bool = True, width: int = 30) -> None:
        self.name, self.enabled, self.width, self.items = name, enabled, width, 0
        self.line = ""

    def update(self, done: int, total: int, items: int = 0) -> None:
        self.items += items
        filled = self.width * done // max(total, 1)
        self.line = (f"{self.name} [{'#' * filled}{'.' * (self.width - filled)}] "
                     f"{done}/{total} chunks, {self.items} configurations")
        if self.enabled and sys.stderr.isatty():  # a pipe or log gets the last line only
            sys.stderr.write("\r" + self.line)
            sys.stderr.flush()

    def finish(self) -> None:
        if self.enabled:
            sys.stderr.write("\n" if sys.stderr.isatty() else self.line + "\n")
