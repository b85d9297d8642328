"""Argument types shared by subcommands: they raise one-line argparse errors."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from kronconv.claims import Claim, ClaimResult


def int_list(text: str) -> list[int]:
    """'1,2,4' -> [1, 2, 4]."""
    try:
        return [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a comma-separated list of "
                                         "integers") from None


def print_json(data: Any) -> None:
    json.dump(data, sys.stdout, indent=2)
    sys.stdout.write("\n")


def claim_progress(index: int, total: int, claim: Claim, result: ClaimResult | None) -> None:
    """The progress display of commands that run claims: one stderr line per claim."""
    if result is None:
        sys.stderr.write(f"[{index}/{total}] {claim.id} ...")
    else:
        sys.stderr.write(f" {result.status} ({result.seconds:.2f} s)\n")
    sys.stderr.flush()
