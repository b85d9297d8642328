"""The ``kronconv`` command line.

Each subcommand lives in ``kronconv.commands.<name>`` and exposes ``configure(parser)`` and
``run(args)``. Only the chosen subcommand's module is imported: the top-level parser knows the
commands by name and one-line help (``COMMANDS``), so ``kronconv --version`` and ``--help`` load
no SymPy, z3 or matplotlib. Every bad value, whether argparse or the command finds it, is one
line in the ``name=value`` style on stderr, exit 2.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

from kronconv.errors import InvalidParameterError, KronconvError, check_choice, invalid

COMMANDS = {
    "verify": "run the claims of proof scripts and report",
    "identity": "check the cascade Kronecker identity for one configuration",
    "rf": "receptive field, stride, padding, holes and parameters of an architecture",
    "derive": "write a claim (or every claim) as a LaTeX derivation",
    "figures": "draw the essay's figures from the engines (PNG and PDF)",
    "sweep": "classify every small configuration by the direct test and check the derived "
             "conditions against it",
    "equivariance": "exact set of input shifts an architecture is equivariant to",
    "report": "run the claims and write an offline HTML page (DIR/index.html)",
    "import": "write the architecture file of a PyTorch model (needs kronconv[torch])",
}
MODULES = {"import": "import_"}  # a command whose name is a Python keyword
EXIT_FAILED, EXIT_USAGE, EXIT_INTERNAL = 1, 2, 3
EXPECTED = {int: "an integer", float: "a number", str: "a string"}


def _name(action: argparse.Action) -> str:
    """The flag a user types (the long one), or a positional's metavar."""
    if action.option_strings:
        return max(action.option_strings, key=len)
    return str(action.metavar or action.dest).upper()


def _value_error(action: argparse.Action, value: str, message: str) -> str:
    """``--flag='value' is invalid: expected ...``: the reason an argument type gave (its
    ``ArgumentTypeError``), or what the type expects."""
    if message.startswith("expected "):
        return str(invalid(_name(action), value, message.removeprefix("expected ")))
    if message.startswith("cannot "):
        return f"{_name(action)}={value!r} {message}"
    expected = getattr(action.type, "expected", None) or EXPECTED.get(
        action.type, "a valid value")  # type: ignore[call-overload]
    return str(invalid(_name(action), value, expected))


class OneLineParser(argparse.ArgumentParser):
    """argparse, but a usage error is a single line on stderr, and a bad value (wrong type, not
    one of the choices) is reported as ``--flag=value is invalid: expected ...``."""

    def error(self, message: str) -> NoReturn:
        sys.stderr.write(f"{self.prog}: error: {message}\n")
        raise SystemExit(EXIT_USAGE)

    def _get_value(self, action: argparse.Action, arg_string: str) -> Any:
        try:
            return super()._get_value(action, arg_string)
        except argparse.ArgumentError as exc:
            raise argparse.ArgumentError(None, _value_error(action, arg_string,
                                                            exc.message)) from None

    def _check_value(self, action: argparse.Action, value: Any) -> None:
        if action.choices is not None:
            try:
                check_choice(_name(action), value, action.choices)
            except InvalidParameterError as exc:
                raise argparse.ArgumentError(None, str(exc)) from None


def chosen_command(argv: Sequence[str]) -> str | None:
    """The subcommand named on the command line (the first word that is not an option)."""
    word = next((arg for arg in argv if not arg.startswith("-")), None)
    return word if word in COMMANDS else None


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser; only ``command``'s module is imported and its arguments added."""
    from kronconv import __version__

    parser = OneLineParser(prog="kronconv", description="Machine-checked mathematics of "
                           "dilated convolutions.")
    parser.add_argument("--version", action="version", version=f"kronconv {__version__}")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND",
                                       parser_class=OneLineParser)
    for name, summary in COMMANDS.items():
        sub = subparsers.add_parser(name, help=summary, description=summary)
        if name == command:
            importlib.import_module(f"kronconv.commands.{MODULES.get(name, name)}").configure(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        args = build_parser(chosen_command(argv)).parse_args(argv)
    except SystemExit as exit_:  # --help, --version, or a usage error already on stderr
        return int(exit_.code or 0)
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
