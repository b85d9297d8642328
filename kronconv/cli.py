"""The ``kronconv`` command line. Each subcommand lives in ``kronconv.commands.<name>`` and
exposes ``register(subparsers)``; errors become one line on stderr and a non-zero exit."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

from kronconv.errors import KronconvError

COMMANDS = ("verify", "identity", "rf", "derive", "figures", "sweep", "equivariance", "import_")
EXIT_FAILED, EXIT_USAGE, EXIT_INTERNAL = 1, 2, 3


class OneLineParser(argparse.ArgumentParser):
    """argparse, but a usage error is a single line on stderr."""

    def error(self, message: str) -> NoReturn:
        sys.stderr.write(f"{self.prog}: error: {message}\n")
        raise SystemExit(EXIT_USAGE)


def build_parser() -> argparse.ArgumentParser:
    from kronconv import __version__

    parser = OneLineParser(prog="kronconv", description="Machine-checked mathematics of "
                           "dilated convolutions.")
    parser.add_argument("--version", action="version", version=f"kronconv {__version__}")
    subparsers = parser.add_subparsers(dest="command", required=True,
                                       parser_class=OneLineParser)
    for name in COMMANDS:
        importlib.import_module(f"kronconv.commands.{name}").register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.run(args) or 0)
    except KronconvError as exc:
        sys.stderr.write(f"kronconv {args.command}: error: {exc}\n")
        return EXIT_USAGE
    except MemoryError:
        sys.stderr.write(f"kronconv {args.command}: error: out of memory; choose smaller "
                         "sizes\n")
        return EXIT_USAGE
    except BrokenPipeError:  # e.g. `kronconv rf ... --json | head`: stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_FAILED
    except KeyboardInterrupt:
        sys.stderr.write(f"kronconv {args.command}: interrupted\n")
        return 130
    except Exception as exc:  # a bug, not bad input: one line, traceback on request
        if os.environ.get("KRONCONV_DEBUG"):
            raise
        sys.stderr.write(f"kronconv {args.command}: internal error: {type(exc).__name__}: "
                         f"{exc} (a bug: rerun with KRONCONV_DEBUG=1 for the traceback)\n")
        return EXIT_INTERNAL


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
