"""Shift arithmetic on the cyclic domain, in one place: the shift calculus.

Setting: an input of N entries per axis on Z_N^d, the shift (T_v x)[i] = x[i - v]
(``numpy.roll(x, v)``). A shift v is *respected* with output shift u when f(T_v x) = T_u f(x)
for every input x; the respected pairs (v, u) form a subgroup of Z_N^d x Z_M^d (compose the two
equalities).

The calculus propagates a shift node by node, one axis at a time (every op acts on each axis
separately, so the respected set is the product of one subgroup g_a Z_{N_a} per axis):

- pointwise ops keep the shift w;
- a conv that stays cyclic on the axis (circular padding of total d (k - 1), or padding no
  strided window reads) and a pooling without padding map w to w / s when s | w, else nothing;
  a conv that reads zero padding along the axis (or shrinks it) keeps only w = 0;
- a pooling whose single window covers its whole input axis (n = s = k) maps EVERY w to 0: a
  max or mean over a whole cyclic axis is invariant along it;
- maxunpool restores the shift of its pooling node's input when that was a multiple of the
  stride and the pooled shift is the one it receives; nearest upsampling by f gives w f; linear
  upsampling (it clamps at the borders) keeps only w = 0; a conv_transpose whose taps tile its
  output along the axis (k = s, no padding, dilation 1, no output padding) gives w s, any other
  only w = 0;
- add, sub, mul and concat need the same shift on every input.

Each rule is proved for a symbolic N by :mod:`kronconv.equivariance.lemmas`. The classic
special case is the *total-stride rule*: v a multiple of S_a = lcm_k N_a / gcd(N_a, n_k) on
every axis (n_k the size of every node feeding the output), with u = v M / N.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import product
from typing import Any

from kronconv.semantics.shapes import node_sizes
from kronconv.specs.architecture import Architecture, Node

Shift = tuple[int, ...]


def all_shifts(size: Sequence[int]) -> list[Shift]:
    """Every shift of Z_size, in row-major order."""
    return [tuple(v) for v in product(*(range(n) for n in size))]


def scaled(v: Sequence[int], n: Sequence[int], m: Sequence[int]) -> Shift:
    """floor(v M / N) per axis: the output shift a resolution change from N to M gives v."""
    return tuple(a * mo // no for a, mo, no in zip(v, m, n, strict=True))


def total_stride(arch: Architecture, sizes: dict[str, Shift]) -> Shift:
    """Per axis lcm over the nodes feeding the output of N / gcd(N, n_k) (module doc)."""
    feeding = arch.ancestors()[arch.output]
    n = sizes[arch.input.id]
    return tuple(math.lcm(*(n[a] // math.gcd(n[a], sizes[k][a]) for k in feeding))
                 for a in range(arch.dims))


def rule_shift(v: Sequence[int], n: Sequence[int], m: Sequence[int],
               stride: Sequence[int]) -> Shift | None:
    """The total-stride rule: u = v M / N if S | v on every axis, else None."""
    if any(a % s for a, s in zip(v, stride, strict=True)):
        return None
    return scaled(v, n, m)


# -- the calculus ------------------------------------------------------------------------------
@dataclass(frozen=True)
class ShiftGroup:
    """The respected shifts the calculus predicts: per axis the subgroup period Z_N (period
    divides N) and the output shift of each of its members (``tables[a][w]``)."""

    size: Shift
    output_size: Shift
    period: Shift
    tables: tuple[tuple[int | None, ...], ...]

    def __contains__(self, v: object) -> bool:
        return isinstance(v, tuple) and all(a % g == 0 for a, g in zip(v, self.period,
                                                                       strict=True))

    def output_shift(self, v: Sequence[int]) -> Shift | None:
        out = [table[a % len(table)] for a, table in zip(v, self.tables, strict=True)]
        return None if any(u is None for u in out) else tuple(int(u) for u in out if u is not None)

    @property
    def order(self) -> int:
        return math.prod(n // g for n, g in zip(self.size, self.period, strict=True))

    def generators(self) -> list[tuple[Shift, Shift]]:
        """g_a e_a with its output shift, for every axis where g_a < N_a."""
        gens = []
        for a, (g, n) in enumerate(zip(self.period, self.size, strict=True)):
            if g < n:
                v = tuple(g if b == a else 0 for b in range(len(self.size)))
                u = self.output_shift(v)
                assert u is not None
                gens.append((v, u))
        return gens

    def members(self) -> dict[Shift, Shift]:
        """v -> u for every respected v (the whole group: N^d / prod(period) entries)."""
        axes = [[(w, t) for w, t in enumerate(table) if t is not None] for table in self.tables]
        return {tuple(w for w, _ in combo): tuple(int(t) for _, t in combo)
                for combo in product(*axes)}

    def classes(self) -> list[Shift]:
        """One representative per coset of the group: the smallest, v in prod [0, period)."""
        return all_shifts(self.period)

    # The classes form the quotient Q = Z_N^d / H = prod Z_{g_a} (g the period). The shifts
    # respected by f form a group G containing H; if G != H, the finite abelian group G / H
    # contains an element of some prime order p (Cauchy), hence one of the subgroups of order p
    # of Q listed by ``lines``. So refuting one member of each of them refutes every class, and
    # a class v is refuted as soon as one of its ``prime_multiples`` is (were v respected, so
    # would be its multiples).
    def order_of(self, v: Sequence[int]) -> int:
        """The order of the class of v in Q."""
        return math.lcm(*(g // math.gcd(g, a) for a, g in zip(v, self.period, strict=True)))

    def line_of(self, w: Sequence[int]) -> Shift:
        """The representative of the subgroup of prime order p generated by the class w: its
        multiple whose first non-zero coordinate is g_a / p."""
        p = self.order_of(w)
        first = next(a for a, x in enumerate(w) if x % self.period[a])
        unit = w[first] % self.period[first] // (self.period[first] // p)
        k = pow(unit, -1, p)
        return tuple(a * k % g for a, g in zip(w, self.period, strict=True))

    def lines(self) -> list[Shift]:
        """One representative (``line_of``) of every subgroup of prime order of Q: for each
        prime p | |Q|, (p^k - 1) / (p - 1) of them, k the number of axes with p | g_a."""
        out = []
        for p in primes(math.prod(self.period)):
            steps = [range(0, g, g // p) if g % p == 0 else range(1) for g in self.period]
            for first, g in enumerate(self.period):
                if g % p == 0:
                    heads = [range(1)] * first + [range(g // p, g // p + 1)]
                    out += [tuple(v) for v in product(*heads, *steps[first + 1:])]
        return out

    def prime_multiples(self, v: Sequence[int]) -> list[Shift]:
        """For each prime p dividing the order m of the class v: the line of (m / p) v."""
        m = self.order_of(v)
        return [self.line_of(tuple(a * (m // p) % g for a, g in zip(v, self.period,
                                                                   strict=True)))
                for p in primes(m)]


def primes(m: int) -> list[int]:
    """The prime divisors of m >= 1, increasing (trial division)."""
    out, p = [], 2
    while p * p <= m:
        if m % p == 0:
            out.append(p)
            while m % p == 0:
                m //= p
        p += 1
    return out + ([m] if m > 1 else [])


def calculus(arch: Architecture, size: int | Sequence[int]) -> ShiftGroup:
    """The respected shifts of ``arch`` at ``size`` by the rules of the module doc."""
    sizes = node_sizes(arch, size)
    n, m = sizes[arch.input.id], sizes[arch.output]
    tables = tuple(tuple(_propagate(arch, sizes, axis, w) for w in range(n[axis]))
                   for axis in range(arch.dims))
    period = []
    for axis, table in enumerate(tables):
        kept = [w for w, u in enumerate(table) if u is not None]
        g = min((w for w in kept if w), default=n[axis])
        if kept != list(range(0, n[axis], g)):  # pragma: no cover - the rules make a subgroup
            raise AssertionError(f"the calculus kept {kept} on axis {axis}: not a subgroup")
        period.append(g)
    return ShiftGroup(n, m, tuple(period), tables)


def derived_shifts(arch: Architecture, size: int | Sequence[int],
                   shifts: Iterable[Sequence[int]] | None = None) -> dict[Shift, Shift]:
    """v -> u for every v the calculus keeps (compared with the proofs by
    :func:`kronconv.equivariance.consistency.small_sweep`); only among ``shifts`` when given
    (the whole group can be large: N^d / prod(period) members)."""
    group = calculus(arch, size)
    if shifts is None:
        return group.members()
    kept = {tuple(v): group.output_shift(v) for v in shifts if tuple(v) in group}
    return {v: u for v, u in kept.items() if u is not None}


def _propagate(arch: Architecture, sizes: dict[str, Shift], axis: int, v: int) -> int | None:
    """The shift along ``axis`` of the output for an input shift v along it, or None."""
    shift: dict[str, int | None] = {arch.input.id: v}
    for node in arch.nodes[1:]:
        incoming = [shift[i] for i in node.inputs]
        w = incoming[0] if all(s == incoming[0] for s in incoming) else None
        if w is not None and node.op in ("conv", "maxpool", "avgpool"):
            w = window_shift(node, axis, sizes[node.inputs[0]][axis], w)
        elif w is not None and node.op == "maxunpool":
            assert node.indices is not None
            pool = arch.node(node.indices)
            before = shift[pool.inputs[0]]
            kept = before is not None and before % pool.stride[axis] == 0
            w = before if kept and shift[pool.id] == w else None
        elif w is not None and ((node.op == "upsample" and node.mode == "linear")
                                or (node.op == "conv_transpose" and not tiles(node, axis))):
            w = 0 if w == 0 else None
        elif w is not None and node.op == "upsample":
            w = w * node.scale_factor[axis]
        elif w is not None and node.op == "conv_transpose":
            w = w * node.stride[axis]
        shift[node.id] = None if w is None else w % sizes[node.id][axis]
    return shift[arch.output]


def tiles(node: Node, axis: int) -> bool:
    """A conv_transpose whose input units write disjoint blocks covering its output on
    ``axis``."""
    return (node.kernel_size[axis] == node.stride[axis] and node.dilation[axis] == 1
            and node.padding[axis] == (0, 0) and not node.output_padding[axis])


def window_shift(node: Node, axis: int, length: int, w: int) -> int | None:
    """The rule of a conv or pooling node along one axis of ``length`` entries (module doc)."""
    before, after = node.padding[axis]
    k, s, d = node.kernel_size[axis], node.stride[axis], node.dilation[axis]
    if node.op == "conv":
        cyclic = before + after == d * (k - 1) and (node.padding_mode == "circular"
                                                    or not reads_padding(node, axis, length))
        if not cyclic:
            return 0 if w == 0 else None
    elif before or after:
        return 0 if w == 0 else None
    elif length == s == k:
        return 0  # one window over the whole cyclic axis: invariant along it
    return w // s if w % s == 0 else None


def reads_padding(node: Node, axis: int, length: int) -> bool:
    """Does some tap of some computed (strided) output read a padded position on ``axis``? A
    zero-padded conv that never does computes what the circular one computes."""
    before, after = node.padding[axis]
    k, s, d = node.kernel_size[axis], node.stride[axis], node.dilation[axis]
    count = (length + before + after - d * (k - 1) - 1) // s + 1
    taps = {s * i - before + d * t for i in range(count) for t in range(k)}
    return min(taps) < 0 or max(taps) >= length


def describe(group: ShiftGroup) -> dict[str, Any]:
    """The calculus' answer as plain data."""
    return {"period": list(group.period), "respected_count": group.order,
            "generators": [{"shift": list(v), "output_shift": list(u)}
                           for v, u in group.generators()]}
