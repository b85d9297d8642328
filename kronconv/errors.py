"""One exception root and the central validators every layer uses.

Every message names the parameter, echoes its value as ``name=value`` and says what is allowed,
so that the CLI can print it as one line (hypothesis-style ``check_*`` validators).
"""

from __future__ import annotations

import math
import reprlib
from collections.abc import Iterable, Sequence
from typing import Any


class KronconvError(Exception):
    """Root of every error kronconv raises on purpose."""


class InvalidParameterError(KronconvError, ValueError):
    """A parameter has a value outside what is allowed."""


class ResourceLimitError(KronconvError):
    """A computation would need more memory (or time) than the configured limit."""


class ArchitectureError(KronconvError, ValueError):
    """An architecture description is malformed."""


class CheckSkipped(KronconvError):
    """A check cannot run here because an optional tool (coqc, pdflatex) is missing."""


class SolverError(KronconvError):
    """An external solver (z3) failed, timed out, or answered ``unknown``."""


_SHORT = reprlib.Repr()
_SHORT.maxlevel, _SHORT.maxlist, _SHORT.maxtuple, _SHORT.maxdict = 3, 8, 8, 6
_SHORT.maxstring, _SHORT.maxlong, _SHORT.maxother = 60, 40, 60


def show(value: Any) -> str:
    """``repr(value)`` cut to a readable length (deep or huge values cannot flood a message)."""
    return _SHORT.repr(value)


def invalid(name: str, value: Any, allowed: str) -> InvalidParameterError:
    """Build the standard message: ``name=value is not allowed; expected <allowed>``."""
    return InvalidParameterError(f"{name}={show(value)} is invalid: expected {allowed}")


def check_int(name: str, value: Any, *, minimum: int | None = None,
              maximum: int | None = None) -> int:
    """Return ``value`` as an int, or raise naming ``name`` and the allowed range."""
    if isinstance(value, bool) or not isinstance(value, int):
        try:
            import numpy as np

            if isinstance(value, np.integer):
                value = int(value)
            else:
                raise TypeError
        except TypeError:
            raise invalid(name, value, _range_text(minimum, maximum)) from None
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise invalid(name, value, _range_text(minimum, maximum))
    return int(value)


def _range_text(minimum: int | None, maximum: int | None) -> str:
    if minimum is not None and maximum is not None:
        return f"an integer from {minimum} to {maximum}"
    if minimum is not None:
        return f"an integer >= {minimum}"
    if maximum is not None:
        return f"an integer <= {maximum}"
    return "an integer"


def check_choice(name: str, value: Any, choices: Iterable[str]) -> str:
    """Return ``value`` if it is one of ``choices``; otherwise name the valid options."""
    options = list(choices)
    if value not in options:
        raise invalid(name, value, "one of " + ", ".join(repr(c) for c in options))
    return str(value)


def check_per_axis(name: str, value: Any, dims: int, *, minimum: int | None = None,
                   maximum: int | None = None) -> tuple[int, ...]:
    """An int (broadcast to every axis) or one int per axis, returned as a tuple of ``dims``."""
    if isinstance(value, Sequence) and not isinstance(value, str):
        if len(value) != dims:
            raise invalid(name, value, f"an integer or {dims} integers (one per axis)")
        return tuple(check_int(f"{name}[{i}]", v, minimum=minimum, maximum=maximum)
                     for i, v in enumerate(value))
    return (check_int(name, value, minimum=minimum, maximum=maximum),) * dims


def check_float(name: str, value: Any, *, minimum: float | None = None,
                maximum: float | None = None, exclusive_minimum: bool = False) -> float:
    """Return ``value`` as a finite float in range, or raise naming ``name`` (NaN and infinities
    are refused: no comparison can place them)."""
    allowed = "a finite number" + (f" > {minimum:g}" if exclusive_minimum and minimum is not None
                                   else f" >= {minimum:g}" if minimum is not None else "") \
        + (f" and <= {maximum:g}" if maximum is not None else "")
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise invalid(name, value, allowed)
    try:
        number = float(value)
    except OverflowError:  # an int too large for a float
        raise invalid(name, value, allowed) from None
    below = minimum is not None and (number <= minimum if exclusive_minimum else number < minimum)
    if not math.isfinite(number) or below or (maximum is not None and number > maximum):
        raise invalid(name, value, allowed)
    return number


# -- the resource budget ----------------------------------------------------------------------
# One budget for every computation, estimated *before* an allocation or a loop: memory (bytes of
# one array) and work (elementary steps of one loop or vectorised pass). Large enough for the
# 2187x2187 (and bigger) composites the issues ask for, small enough that a typo such as
# ``--layers 40`` or a kernel size of 10^9 is refused at once instead of exhausting the machine.
DEFAULT_MEMORY_LIMIT_BYTES = 2 * 2**30
DEFAULT_WORK_LIMIT = 10**10


def check_memory(what: str, entries: int, bytes_per_entry: int,
                 limit: int = DEFAULT_MEMORY_LIMIT_BYTES) -> None:
    """Refuse an allocation of ``entries`` items before it is attempted."""
    needed = entries * bytes_per_entry
    if needed > limit:
        raise ResourceLimitError(
            f"{what} needs {entries:.3g} entries (~{needed / 2**30:.3g} GiB), over the "
            f"memory limit of {limit / 2**30:.3g} GiB; choose smaller sizes or fewer layers")


def check_work(what: str, steps: int, limit: int = DEFAULT_WORK_LIMIT) -> None:
    """Refuse a computation of about ``steps`` elementary steps before it starts."""
    if steps > limit:
        raise ResourceLimitError(
            f"{what} needs about {steps:.3g} steps, over the work limit of {limit:.3g}; choose "
            "smaller sizes or fewer layers")
