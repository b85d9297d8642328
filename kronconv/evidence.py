"""Evidence: the one type that carries an evidence label, enforced at construction.

Engines, analyses and proof scripts all report what they found as :class:`Evidence`; the claims
runner adds what only it can do (it calls each counterexample's re-check). The four kinds and
what each must carry:

- ``proof``: holds for all values of the quantified variables;
- ``exhaustive``: every case of a stated finite domain, checked exactly; only from
  :func:`exhaustive`, which enumerates the cases itself;
- ``randomized``: a count and a seed; the error bound is computed from a per-trial bound;
- ``counterexample``: an explicit instance with a re-check on an independent engine.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from kronconv.errors import check_choice, check_int, invalid

TIERS = ("symbolic", "smt", "exhaustive", "numeric", "formal")
KINDS = ("proof", "exhaustive", "randomized", "counterexample")
VERDICTS = ("supports", "refutes", "qualifies")

@dataclass(frozen=True)
class Evidence:
    """One piece of evidence, labelled honestly; a label the runner cannot back is refused.

    - ``proof``: holds for all values (symbolic identity, z3 unsat, or a checked induction);
      ``rests_on`` lists what the proof (or an exhaustive check's per-case test) relies on
      without a checker (a cited theorem, an unchecked step); ``general`` says that it covers
      the claim's whole statement (every size), not an instance of it;
    - ``exhaustive``: only from :func:`kronconv.claims.exhaustive`, which enumerates ``domain``
      and checks every case; ``cases`` is how many it checked;
    - ``randomized``: ``count`` trials drawn from ``seed``; the ``error_bound`` is computed, never
      declared: ``per_trial ** (count / cases)`` for a probability ``per_trial`` that one trial
      passes a false case (each of ``cases`` cases tried ``count / cases`` times), or a float
      ``tolerance`` with the sentence that justifies it;
    - ``counterexample``: an explicit instance with ``recheck``, a callable on an engine
      independent of the one that found it (named by ``rechecked_by``); the RUNNER calls it, and
      when it confirmed the instance replaces it by ``rechecked=True``.
    """

    tier: str
    kind: str
    detail: str
    verdict: str = "supports"
    domain: str = ""
    count: int | None = None
    seed: int | None = None
    per_trial: Fraction | None = None
    cases: int = 1
    tolerance: float | None = None
    tolerance_reason: str = ""
    error_bound: str = ""  # computed; a declared bound must equal the computed one
    rechecked_by: str = ""
    recheck: Callable[[], bool] | None = field(default=None, compare=False, repr=False)
    rechecked: bool = False
    rests_on: tuple[str, ...] = ()
    general: bool = False
    seconds: float = 0.0
    data: Mapping[str, Any] = field(default_factory=dict)
    issuer: object = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        check_choice("tier", self.tier, TIERS)
        check_choice("kind", self.kind, KINDS)
        check_choice("verdict", self.verdict, VERDICTS)
        object.__setattr__(self, "rests_on", tuple(self.rests_on))
        if self.verdict == "refutes" and self.kind != "counterexample":
            raise invalid("kind", self.kind, "'counterexample' for evidence that refutes")
        if self.general and self.kind != "proof":
            raise invalid("general", self.general, "False unless the evidence is a proof")
        checks = {"exhaustive": self._check_exhaustive, "randomized": self._check_randomized,
                  "counterexample": self._check_counterexample}
        if self.kind in checks:
            checks[self.kind]()
        computed = self._computed_bound()
        if self.error_bound and self.error_bound != computed:
            raise invalid("error_bound", self.error_bound, "no declared bound: the runner "
                          "computes it from per_trial (or tolerance), count and cases"
                          + (f" (here {computed!r})" if computed else ""))
        object.__setattr__(self, "error_bound", computed)

    def _check_exhaustive(self) -> None:
        if self.issuer is not _ENUMERATED:
            raise invalid("kind", self.kind, "evidence built by kronconv.claims.exhaustive(), "
                          "which enumerates the stated domain and checks every case")
        if not self.domain or self.cases < 1:
            raise invalid("domain", self.domain, "a non-empty finite domain, for exhaustive "
                          "evidence")

    def _check_randomized(self) -> None:
        if self.count is None or self.seed is None:
            raise invalid("randomized evidence", (self.count, self.seed),
                          "a sample count and a seed (count=N, seed=S)")
        check_int("count", self.count, minimum=1)
        check_int("seed", self.seed, minimum=0)
        check_int("cases", self.cases, minimum=1, maximum=self.count)
        if self.count % self.cases:
            raise invalid("cases", self.cases, f"a divisor of count={self.count} (each case "
                          "tried equally often)")
        if (self.per_trial is None) == (self.tolerance is None):
            raise invalid("per_trial", self.per_trial, "exactly one of a per-trial error "
                          "probability (a Fraction in [0, 1)) and a float tolerance")
        if self.per_trial is not None and not (isinstance(self.per_trial, Fraction)
                                               and 0 <= self.per_trial <= 1):
            raise invalid("per_trial", self.per_trial, "a Fraction in [0, 1]: the probability "
                          "that one trial passes a false case (1: exact spot checks of sampled "
                          "instances, which bound nothing about the others)")
        if self.tolerance is not None and not (self.tolerance > 0 and self.tolerance_reason):
            raise invalid("tolerance", self.tolerance, "a positive float tolerance with "
                          "tolerance_reason, the sentence that justifies it")

    def _check_counterexample(self) -> None:
        # After the runner has called it, the re-check is dropped (``rechecked=True``), so that
        # results can cross process boundaries; the runner refuses rechecked=True on its input.
        if not self.rechecked_by or not (callable(self.recheck) or self.rechecked):
            raise invalid("recheck", self.recheck, "a callable that re-checks the instance on "
                          "an independent engine, named by rechecked_by (the runner calls it)")

    def _computed_bound(self) -> str:
        """Randomized evidence: the bound computed from the per-trial bound and the count."""
        if self.kind != "randomized":
            return ""
        if self.per_trial == 1:
            return ("none: each sampled instance is checked exactly, which bounds nothing about "
                    "the instances not sampled")
        if self.per_trial is not None:
            trials = self.count // self.cases if self.count else 0
            return (f"<= ({self.per_trial})^{trials} = {float(self.per_trial**trials):.3g} "
                    f"(probability that a false case passes its {trials} independent trial(s))")
        return f"float tolerance {self.tolerance:g}: {self.tolerance_reason}"


class _Enumerated:
    """The mark of :func:`exhaustive`; pickled by reference, so it survives worker processes."""

    def __reduce__(self) -> str:
        return "_ENUMERATED"


_ENUMERATED = _Enumerated()  # issued only by exhaustive(): no other exhaustive label is trusted


def exhaustive(tier: str, detail: str, *, domain: str, cases: Iterable[Any],
               check: Callable[[Any], bool], verdict: str = "supports",
               rests_on: tuple[str, ...] = (), data: Mapping[str, Any] | None = None
               ) -> Evidence:
    """Enumerate ``cases`` (the whole of ``domain``) and require ``check(case)`` to be True for
    each; ``check`` must decide its case exactly (symbolically or in exact arithmetic).

    Raises AssertionError naming the first failing case, so that the claim is not confirmed."""
    count = 0
    for case in cases:
        count += 1
        if check(case) is not True:
            raise AssertionError(f"case {case!r} of the domain {domain} fails: {detail}")
    if count == 0:
        raise invalid("cases", [], f"at least one case of the domain {domain}")
    return Evidence(tier, "exhaustive", f"{count} cases: {detail}", verdict=verdict,
                    domain=domain, cases=count, rests_on=rests_on, data=dict(data or {}),
                    issuer=_ENUMERATED)
