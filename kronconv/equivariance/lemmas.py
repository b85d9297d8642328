"""The rules of the shift calculus (:mod:`kronconv.equivariance.shifts`), proved for every size.

Each rule is an index identity along one axis, over the integers, with the size N, the stride
s, the factor f, the position i, the shift and the tap offset all symbolic (z3, nonlinear
integer arithmetic, bounded by ``rlimit``). ``a mod N`` is written with its quotient: r = a - N q
and 0 <= r < N. Per rule (M = N / s the pooled size, v = s w):

- ``pointwise``: g((T_v x)[i]) = g(x[i - v]) = (T_v g(x))[i], g uninterpreted;
- ``strided-window`` (circular conv, pooling without padding, any tap offset c = d t - before):
  output i of T_v x reads (s i + c - v) mod N, output (i - w) mod M of x reads
  (s ((i - w) mod M) + c) mod N: the same entry, so the output shift is w = v / s;
- ``whole-window`` (a pooling window over the whole axis, k = s = N): t -> (t - v) mod N is a
  bijection of [0, N) (injective on a finite set), so max and mean over the window are
  invariant: output shift 0 for every v;
- ``maxunpool`` (k <= s, no padding): the entry s i + t chosen in window i of T_v x is the entry
  s ((i - w) mod M) + t of x moved by v, and it lies in [0, N): the unpooled output moves by v;
- ``upsample`` (nearest, factor f): entry j of upsample(T_w x) is x[(floor(j / f) - w) mod N],
  entry j of T_(f w) upsample(x) is x[floor(((j - f w) mod f N) / f)]: the same entry (in four
  steps, each proved from the ones before: z3 does not find the chain alone).

Every rule has a wrong twin (a wrong output shift, or a window that does not tile) that must NOT
be proved: :func:`check_rules` (``twins=True``) returns both, and a test rejects the twins.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import z3

from kronconv.engines.smt import UNKNOWN, SmtResult
from kronconv.equivariance.smt import DEFAULT_RLIMIT, solve

# wrong -> (hypotheses, steps): each step is proved from the hypotheses and the steps before it,
# the last step is the rule.
Statement = Callable[[bool], tuple[list[Any], list[Any]]]


def _ints(names: str) -> list[Any]:
    return list(z3.Ints(names))


def _mod(a: Any, n: Any, r: Any, q: Any) -> list[Any]:
    """r = a mod n, with quotient q."""
    return [r == a - n * q, r >= 0, r < n]


def _pointwise(wrong: bool) -> tuple[list[Any], list[Any]]:
    i, v = _ints("i v")
    x = z3.Function("x", z3.IntSort(), z3.RealSort())
    g = z3.Function("g", z3.RealSort(), z3.RealSort())
    shifted_then_g = g(x(i - v))  # g applied to T_v x at i
    g_then_shifted = g(x(i - (v + 1 if wrong else v)))  # T_v (g o x) at i
    return [], [shifted_then_g == g_then_shifted]


def _strided_window(wrong: bool) -> tuple[list[Any], list[Any]]:
    s, m, i, w, c, q1, r1, q2, r2, q3, r3 = _ints("s m i w c q1 r1 q2 r2 q3 r3")
    n = s * m
    u = w + 1 if wrong else w
    hyps = [s >= 1, m >= 1, i >= 0, i < m,
            *_mod(s * i + c - s * w, n, r1, q1),      # entry read at i from T_v x, v = s w
            *_mod(i - u, m, r2, q2),                  # the output position it should equal
            *_mod(s * r2 + c, n, r3, q3)]             # entry read there from x
    return hyps, [r1 == r3]


def _whole_window(wrong: bool) -> tuple[list[Any], list[Any]]:
    n, v, t1, t2, q1, q2, r1, r2 = _ints("n v t1 t2 q1 q2 r1 r2")
    size = n - 1 if wrong else n  # the twin: a window one short of the axis
    hyps = [n >= 1, t1 >= 0, t1 < size, t2 >= 0, t2 < size,
            *_mod(t1 - v, n, r1, q1), *_mod(t2 - v, n, r2, q2), r1 == r2]
    # Injective on [0, N) (hence onto), and every image lies in the window.
    return hyps, [z3.And(t1 == t2, r1 < size)]


def _maxunpool(wrong: bool) -> tuple[list[Any], list[Any]]:
    s, m, i, w, t, q1, r1, q2, r2 = _ints("s m i w t q1 r1 q2 r2")
    n = s * m
    hyps = [s >= 1, m >= 1, i >= 0, i < m, t >= 0, t <= s if wrong else t < s,
            *_mod(s * i + t - s * w, n, r1, q1),  # entry chosen in window i, moved back by v
            *_mod(i - w, m, r2, q2)]
    return hyps, [r1 == s * r2 + t]


def _upsample(wrong: bool) -> tuple[list[Any], list[Any]]:
    f, n, j, w, a, b, q1, r1, a2, b2, q3, r3 = _ints("f n j w a b q1 r1 a2 b2 q3 r3")
    shift = f * w + (1 if wrong else 0)
    hyps = [f >= 1, n >= 1, j >= 0, j < f * n,
            j == f * a + b, b >= 0, b < f,                     # a = floor(j / f)
            *_mod(j - shift, f * n, r1, q1),                   # (j - f w) mod f N
            r1 == f * a2 + b2, b2 >= 0, b2 < f,                # a2 = floor(r1 / f)
            *_mod(a - w, n, r3, q3)]                           # (floor(j / f) - w) mod N
    # j - f w = f N q3 + (f r3 + b) with 0 <= f r3 + b < f N, so (uniqueness of the remainder)
    # r1 = f r3 + b, and (uniqueness of floor division by f) a2 = r3.
    return hyps, [j - shift == f * n * q3 + f * r3 + b, z3.And(f * r3 + b >= 0, f * r3 + b < f * n),
                  r1 == f * r3 + b, a2 == r3]


RULES: dict[str, Statement] = {"pointwise": _pointwise, "strided-window": _strided_window,
                               "whole-window": _whole_window, "maxunpool": _maxunpool,
                               "upsample": _upsample}


@dataclass(frozen=True)
class RuleCheck:
    """A rule's proof for symbolic sizes and the answer for its wrong twin (must not prove)."""

    rule: str
    result: SmtResult
    twin: SmtResult

    @property
    def ok(self) -> bool:
        return self.result.proved and not self.twin.proved


def _prove_steps(name: str, statement: Statement, wrong: bool, rlimit: int) -> SmtResult:
    """Each step from the hypotheses and the steps before it; the first step not proved is the
    answer, else the proof of the last."""
    hypotheses, steps = statement(wrong)
    result = None
    for k, step in enumerate(steps):
        result = solve(name + (f" step {k + 1}" if len(steps) > 1 else ""),
                       [*hypotheses, *steps[:k]], step, rlimit)
        if not result.proved:
            return result
    assert result is not None
    return result


def check_rules(rlimit: int = DEFAULT_RLIMIT, rules: dict[str, Statement] | None = None,
                twins: bool = False) -> list[RuleCheck]:
    """Every rule proved for symbolic N (and s, f, i, shifts, offsets); with ``twins``, each
    wrong twin too (else its answer is a placeholder ``unknown``)."""
    out = []
    for name, statement in (rules or RULES).items():
        twin = _prove_steps(name + " (wrong twin)", statement, True, rlimit) if twins else \
            SmtResult(name + " (wrong twin)", UNKNOWN, 0.0, reason="not run")
        out.append(RuleCheck(name, _prove_steps(name, statement, False, rlimit), twin))
    return out
