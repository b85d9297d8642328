"""Evidence values in reports: long inline data elided, arrays as small tables.

Checks often print whole arrays into their detail text and keep arrays in ``Evidence.data``.
The derivation (LaTeX) and the Markdown report show them the same way: a long bracketed literal
in prose becomes an ellipsis with a note, and a rectangular 1-D or 2-D array of numbers becomes
a small table (a corner of at most ``TABLE_LIMIT`` rows and columns); the full values stay in
the JSON report. Pure Python: no SymPy, so the Markdown report stays light.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import Any

LITERAL_LIMIT = 100  # inline [...] / {...} / (...) data longer than this is elided in prose
_OPENERS = {"[": "]", "{": "}"}  # data literals; parenthesised prose is kept


def elide_literals(detail: str, limit: int = LITERAL_LIMIT) -> tuple[str, int]:
    """Replace each bracketed span (balanced [..] or {..}) longer than ``limit`` characters
    by its brackets around an ellipsis; returns the text and how many spans were elided. Checks
    often print whole arrays into their detail; the full values stay in the JSON report."""
    out, elided, index, in_math = [], 0, 0, False
    while index < len(detail):
        char = detail[index]
        in_math ^= char == "$"  # $...$ mathematics is kept whole
        end = _closing(detail, index) if char in _OPENERS and not in_math else -1
        if end > 0 and end - index + 1 > limit and "$" not in detail[index:end]:
            out.append(f"{char}... {end - index - 1} characters elided ...{_OPENERS[char]}")
            elided += 1
            index = end + 1
            continue
        out.append(char)
        index += 1
    return "".join(out), elided


def _closing(text_: str, start: int) -> int:
    """Index of the bracket closing the one at ``start`` (-1 if unbalanced)."""
    stack = []
    for index in range(start, len(text_)):
        char = text_[index]
        if char in _OPENERS:
            stack.append(_OPENERS[char])
        elif stack and char == stack[-1]:
            stack.pop()
            if not stack:
                return index
        elif char in _OPENERS.values():
            return -1  # mismatched: leave the text as it is
    return -1



TABLE_LIMIT = 12  # rows or columns beyond this are cut to a corner with ellipses
TEXT_LIMIT = 300  # characters of a non-array value shown
SHORT = 4  # a row of at most this many numbers (a shape, a shift) is written inline


def numeric_rows(value: Any) -> list[list[str]] | None:
    """A 1-D (one row) or 2-D rectangular array of numbers (or exact numbers written as text,
    e.g. ``"1/2"``) as rows of strings; None for anything else."""
    if not isinstance(value, (list, tuple)) or not value:
        return None
    rows = [value] if not isinstance(value[0], (list, tuple)) else list(value)
    if not all(isinstance(r, (list, tuple)) and len(r) == len(rows[0]) and r for r in rows):
        return None
    cells = [[_number(v) for v in row] for row in rows]
    if any(c is None for row in cells for c in row):
        return None
    return [[str(c) for c in row] for row in cells]


def _number(value: Any) -> str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        try:
            Fraction(value.strip())
        except (ValueError, ZeroDivisionError):
            return None
        return value.strip()
    return None


def markdown_table(rows: list[list[str]]) -> list[str]:
    """A small Markdown table of an array (indices as headers), cut to a corner when large."""
    keep_r, keep_c = min(len(rows), TABLE_LIMIT), min(len(rows[0]), TABLE_LIMIT)
    more_c = len(rows[0]) > keep_c
    header = ["", *map(str, range(keep_c)), *(["…"] if more_c else [])]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for index, row in enumerate(rows[:keep_r]):
        lines.append("| " + " | ".join([f"**{index}**", *row[:keep_c],
                                         *(["…"] if more_c else [])]) + " |")
    if len(rows) > keep_r:
        lines.append("| … |" + " |" * (len(header) - 1))
    if (keep_r, keep_c) != (len(rows), len(rows[0])):
        lines += ["", f"*{len(rows)}×{len(rows[0])} array, first {keep_r}×{keep_c} entries "
                  "shown; in full in the JSON report.*"]
    return lines


def markdown_data(data: Mapping[str, Any], prefix: str = "") -> list[str]:
    """Evidence data for the Markdown report: arrays as small tables (a 3-D array as one table
    per slice), mappings entry by entry, other values as short inline code."""
    lines: list[str] = []
    for key, value in data.items():
        name = f"{prefix}{key}"
        rows = numeric_rows(value)
        slices = [numeric_rows(v) for v in value] if isinstance(value, (list, tuple)) else []
        if rows is not None and len(rows) == 1 and len(rows[0]) <= SHORT:
            lines += ["", f"`{name}`: {', '.join(rows[0])}"]
        elif rows is not None:
            lines += ["", f"`{name}`:", "", *markdown_table(rows)]
        elif slices and all(slices):
            for index, table in enumerate(slices[:TABLE_LIMIT]):
                lines += ["", f"`{name}[{index}]`:", "", *markdown_table(table or [])]
            if len(slices) > TABLE_LIMIT:
                lines += ["", f"*first {TABLE_LIMIT} of {len(slices)} slices shown.*"]
        elif isinstance(value, Mapping):
            lines += markdown_data(value, prefix=f"{name}.")
        else:
            shown, _ = elide_literals(str(value))
            if len(shown) > TEXT_LIMIT:
                shown = shown[:TEXT_LIMIT] + " …"
            lines += ["", f"`{name}`: `{shown.replace('`', chr(39))}`"]
    return lines
