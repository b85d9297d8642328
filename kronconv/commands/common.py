"""Argument types and output helpers shared by subcommands (import-light: no subject package)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from kronconv.errors import InvalidParameterError, KronconvError, check_float, check_int, show

if TYPE_CHECKING:
    from kronconv.claims import Claim, ClaimResult

# Largest integer any size flag accepts (kernel sizes, dilations, layers, channels, seeds ...):
# the resource budget refuses what does not fit long before, this bound keeps numbers printable.
MAX_FLAG_INT = 2**63 - 1
MAX_TIMEOUT_SECONDS = 7 * 24 * 3600.0


def _argument_error(exc: KronconvError) -> argparse.ArgumentTypeError:
    """The validator's reason ("expected ..."): the parser puts the flag and the value before
    it, in the ``name=value`` style."""
    return argparse.ArgumentTypeError(str(exc).split(" is invalid: ", 1)[-1])


def _integer(text: str, name: str, minimum: int | None) -> int:
    try:
        value = int(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError("expected an integer") from None
    try:
        return check_int(name, value, minimum=minimum, maximum=MAX_FLAG_INT)
    except KronconvError as exc:
        raise _argument_error(exc) from None


def int_list(text: str) -> list[int]:
    """'1,2,4' -> [1, 2, 4]; an empty item ('1,,2', '1,') is refused."""
    parts = text.split(",")
    if any(not part.strip() for part in parts):
        raise argparse.ArgumentTypeError("expected a comma-separated list of integers (an "
                                         "item is empty)")
    if any(not part.strip().lstrip("+-").isdigit() for part in parts):
        raise argparse.ArgumentTypeError("expected a comma-separated list of integers")
    return [_integer(part, "item", None) for part in parts]


def non_negative_int(text: str) -> int:
    """An integer >= 0 (seeds)."""
    return _integer(text, "value", 0)


def positive_int(text: str) -> int:
    """An integer >= 1 (sizes, layers, channels)."""
    return _integer(text, "value", 1)


def timeout_seconds(text: str) -> float:
    """A time limit in seconds: finite and > 0 (0 would turn every query into 'unknown')."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError("expected a number of seconds") from None
    try:
        return check_float("timeout", value, minimum=0.0, exclusive_minimum=True,
                           maximum=MAX_TIMEOUT_SECONDS)
    except KronconvError as exc:
        raise _argument_error(exc) from None


def existing_path(text: str) -> str:
    """A file or directory that exists and can be read (checked when the flag is parsed)."""
    try:
        check_readable(text)
    except KronconvError as exc:  # the parser puts the flag and the value before the reason
        raise argparse.ArgumentTypeError(_reason(str(exc))) from None
    return text


def check_readable(text: str) -> None:
    """The same check for a path read later (a name too long, missing, or unreadable)."""
    try:
        os.stat(text)
    except OSError as exc:
        raise InvalidParameterError(f"path={show(text)} cannot be read: {exc.strerror}") \
            from None


def output_file(text: str) -> str:
    """A file to write: not a directory, its folder existing or creatable, checked before any
    work starts."""
    problem = output_problem(text, directory=False)
    if problem:
        raise argparse.ArgumentTypeError(_reason(problem))
    return text


def _reason(message: str) -> str:
    """``path='x' cannot be read: ...`` -> ``cannot be read: ...`` (the parser names the flag
    and its value itself)."""
    return message[message.index(" cannot ") + 1:] if " cannot " in message else message


def check_output(name: str, text: str, *, directory: bool) -> None:
    """The same check for a flag whose kind (file or directory) depends on other flags."""
    problem = output_problem(text, directory=directory)
    if problem:
        raise InvalidParameterError(f"{name}: {problem}")


def output_problem(text: str, *, directory: bool) -> str | None:
    """Why ``text`` cannot be written as a file (or a directory), or None if it can."""
    kind = "directory" if directory else "file"
    if not text.strip():
        return f"output={text!r} is invalid: expected a {kind} path"
    path = Path(text)
    try:
        if path.exists() and path.is_dir() != directory:
            problem = f"it is a {'directory' if path.is_dir() else 'file'}, expected a {kind}"
        else:
            folder = path if directory else path.parent
            existing = next(p for p in (folder, *folder.parents) if p.exists())
            writable = existing.is_dir() and os.access(existing, os.W_OK | os.X_OK)
            problem = "" if writable else f"{str(existing)!r} is not a writable directory"
    except OSError as exc:
        problem = str(exc.strerror)
    return f"output={show(text)} cannot be written: {problem}" if problem else None


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
