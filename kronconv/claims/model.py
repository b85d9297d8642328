"""Claims: declarations in proof scripts, whose checks return :class:`~kronconv.evidence.Evidence`.

A claim has a stable id (the catalogue's are listed in docs/claims.md), a statement in LaTeX, an
expected outcome, the ids of the claims it uses, optionally its derivation, and checks at the tiers
symbolic / smt / exhaustive / numeric. Each check returns :class:`Evidence` with a
verdict: ``supports`` the statement, ``refutes`` it (only with a counterexample re-checked by a
second engine) or ``qualifies`` it (it holds only under conditions the claim states).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from kronconv.claims.derivation import Derivation
from kronconv.errors import check_choice, invalid
from kronconv.evidence import KINDS, TIERS, VERDICTS, Evidence, exhaustive

__all__ = ["KINDS", "OUTCOMES", "STATUSES", "TIERS", "VERDICTS", "Check", "Claim",
           "ClaimDeclaration", "Evidence", "claim", "exhaustive"]

OUTCOMES = ("confirmed", "refuted", "qualified")
STATUSES = (*OUTCOMES, "failed", "error", "skipped")
CLAIM_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


CheckFunction = Callable[[], "Evidence | Iterable[Evidence]"]


@dataclass(frozen=True)
class Check:
    tier: str
    name: str
    function: CheckFunction


@dataclass(frozen=True)
class Claim:
    id: str
    title: str
    source: str
    statement: str  # LaTeX
    expected: str = "confirmed"
    group: str = ""
    conditions: str = ""  # for qualified claims: the precise statement that holds
    uses: tuple[str, ...] = ()  # ids of the claims its argument relies on
    derivation: Derivation | None = None
    checks: tuple[Check, ...] = ()

    def __post_init__(self) -> None:
        if not CLAIM_ID.match(self.id):
            raise invalid("id", self.id, "lower-case words joined by '-'")
        for used in self.uses:
            if not isinstance(used, str) or not CLAIM_ID.match(used) or used == self.id:
                raise invalid("uses", used, f"ids of other claims (lower-case words joined by "
                              f"'-'), not {self.id!r} itself")
        if self.derivation is not None and not isinstance(self.derivation, Derivation):
            raise invalid("derivation", type(self.derivation).__name__,
                          "a kronconv.claims.Derivation (or None)")
        check_choice("expected", self.expected, OUTCOMES)
        for name in ("title", "statement", "conditions"):
            text = getattr(self, name)
            control = [c for c in text if ord(c) < 32 and c not in "\n"]
            if control:  # e.g. "\forall" in a non-raw string is a form feed plus "orall"
                raise invalid(name, text[:60], f"text without control characters (found "
                              f"{control[0]!r}; write LaTeX in raw strings)")
        for check in self.checks:
            check_choice("tier", check.tier, TIERS)


class ClaimDeclaration:
    """What a proof script builds with :func:`claim`; ``@decl.check(tier)`` adds checks."""

    def __init__(self, **fields: Any) -> None:
        self.fields = fields
        self.checks: list[Check] = []
        Claim(**fields)  # validate the fields now, where the script author sees the error

    @property
    def id(self) -> str:
        return str(self.fields["id"])

    def check(self, tier: str) -> Callable[[CheckFunction], CheckFunction]:
        check_choice("tier", tier, TIERS)

        def register(function: CheckFunction) -> CheckFunction:
            self.checks.append(Check(tier, function.__name__, function))
            return function

        return register

    def freeze(self) -> Claim:
        return Claim(**self.fields, checks=tuple(self.checks))


class Collector:
    """Collects the declarations a proof script makes while it is being loaded."""

    def __init__(self) -> None:
        self.declarations: list[ClaimDeclaration] = []


_collectors: list[Collector] = [Collector()]


def current_collector() -> Collector:
    return _collectors[-1]


def push_collector() -> Collector:
    collector = Collector()
    _collectors.append(collector)
    return collector


def pop_collector() -> None:
    if len(_collectors) > 1:
        _collectors.pop()


def claim(id: str, *, title: str, source: str, statement: str, expected: str = "confirmed",
          group: str = "", conditions: str = "", uses: Iterable[str] = (),
          derivation: Derivation | None = None) -> ClaimDeclaration:
    """Declare a claim in a proof script; add checks with ``@decl.check("symbolic")``.

    ``uses`` names the claims its argument relies on (the dependency graph's edges; see
    :func:`kronconv.claims.runner.load_claims` for how unknown ids are treated); ``derivation``
    is its step-by-step derivation, rendered by ``kronconv derive``."""
    if isinstance(uses, str):
        raise invalid("uses", uses, "a list of claim ids, not one string")
    declaration = ClaimDeclaration(id=id, title=title, source=source, statement=statement,
                                   expected=expected, group=group, conditions=conditions,
                                   uses=tuple(uses), derivation=derivation)
    current_collector().declarations.append(declaration)
    return declaration
