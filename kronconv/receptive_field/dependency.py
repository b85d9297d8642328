"""The exact dependency (coverage) set: which input positions can influence an output unit.

Computed backwards from one output unit, node by node in reverse topological order, on boolean
arrays (a :class:`Support` is a bounding box origin plus a mask). Nothing is added or multiplied,
so nothing can cancel: a position is in the set iff some path of the dependency graph reaches it.
Per op, for a set N of needed output positions (PyTorch coordinates, see receptive_field.py):

- conv / maxpool / avgpool (k, s, d, p):  N_in = { s j - p + d t : j in N, 0 <= t < k }
- upsample (nearest, factor u):           N_in = { floor(j / u) : j in N }
- upsample (linear, factor u):            j reads q = (2 j + 1 - u) / (2 u) (PyTorch's source
  coordinate with align_corners=False): N_in = { floor(q), and floor(q) + 1 when q is not an
  integer (its weight is then > 0) }; PyTorch clamps q at the borders, so this interior rule
  names positions -1 and n there, which stand for the replicated border entries;
- conv_transpose (k, s, d, p):            output i = s j - p + d t, so
  N_in = { j : s j - p + d t in N for some t } (may be empty: units only the bias reaches);
- maxunpool (pool k, s, d, p):            pooled units M = { m : s m - p + d t in N for some t };
  N_in = M, and the pool's *input* also gets { s m - p + d t : m in M, all t } (the indices,
  i.e. where each value lands, depend on the whole pooling window);
- pointwise ops keep N; add / concat pass N to every input (branches are united).

Each rule is a product over axes, so without merges and unpooling the set is the Cartesian
product of per-axis sets (:func:`axis_dependency_sets`, linear in the receptive field per axis).
:func:`naive_dependency_set` is an independent transcription of the same rules with Python sets,
the reference the fast path is tested against.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import cache
from itertools import islice, product

import numpy as np

from kronconv.errors import check_memory, check_work, invalid
from kronconv.specs.architecture import MERGE_OPS, POINTWISE_OPS, Architecture, Node


@dataclass(frozen=True, eq=False)
class Support:
    """A finite set of grid positions: ``mask[i]`` is True iff position ``offset + i`` is in it.

    The mask is trimmed to the set's bounding box, so ``mask.shape`` is the receptive field and
    ``offset`` its first position per axis.
    """

    offset: tuple[int, ...]
    mask: np.ndarray

    @classmethod
    def point(cls, position: Sequence[int]) -> Support:
        return cls(tuple(position), np.ones((1,) * len(position), dtype=bool))

    @classmethod
    def empty(cls, dims: int) -> Support:
        """The empty set (an output unit that no input position reaches): extent 0 per axis."""
        return cls((0,) * dims, np.zeros((0,) * dims, dtype=bool))

    @property
    def extent(self) -> tuple[int, ...]:
        """Receptive field per axis (bounding box size)."""
        return tuple(int(n) for n in self.mask.shape)

    @property
    def last(self) -> tuple[int, ...]:
        return tuple(o + n - 1 for o, n in zip(self.offset, self.mask.shape, strict=True))

    @property
    def count(self) -> int:
        return int(self.mask.sum())

    @property
    def holes(self) -> int:
        """Positions inside the bounding box that cannot influence the unit (gridding)."""
        return int(self.mask.size) - self.count

    @property
    def dense(self) -> bool:
        return self.holes == 0

    def hole_positions(self, limit: int | None = None) -> list[tuple[int, ...]]:
        """Input positions of the holes, in lexicographic order (at most ``limit``)."""
        found = np.argwhere(~self.mask)
        if limit is not None:
            found = found[:limit]
        return [tuple(int(i) + o for i, o in zip(row, self.offset, strict=True)) for row in found]

    def positions(self) -> set[tuple[int, ...]]:
        return {tuple(int(i) + o for i, o in zip(row, self.offset, strict=True))
                for row in np.argwhere(self.mask)}

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, Support) and self.offset == other.offset
                and self.mask.shape == other.mask.shape and bool(np.all(self.mask == other.mask)))

    __hash__ = None  # type: ignore[assignment]


def _trim(offset: Sequence[int], mask: np.ndarray) -> Support | None:
    """Cut empty borders; None for the empty set."""
    if not mask.any():
        return None
    lo, hi = [], []
    for axis in range(mask.ndim):
        other = tuple(a for a in range(mask.ndim) if a != axis)
        used = np.flatnonzero(mask.any(axis=other) if other else mask)
        lo.append(int(used[0]))
        hi.append(int(used[-1]) + 1)
    box = tuple(slice(a, b) for a, b in zip(lo, hi, strict=True))
    return Support(tuple(o + a for o, a in zip(offset, lo, strict=True)), mask[box])


def union(a: Support | None, b: Support | None) -> Support | None:
    if a is None or b is None:
        return a if b is None else b
    first = tuple(map(min, a.offset, b.offset))
    last = tuple(map(max, a.last, b.last))
    _allocate([hi - lo + 1 for lo, hi in zip(first, last, strict=True)])
    mask = np.zeros([hi - lo + 1 for lo, hi in zip(first, last, strict=True)], dtype=bool)
    for s in (a, b):
        box = tuple(slice(o - f, o - f + n)
                    for o, f, n in zip(s.offset, first, s.mask.shape, strict=True))
        mask[box] |= s.mask
    return Support(first, mask)


# -- per-axis rules (axis = array axis of the support) ------------------------------------------
def _along(axis: int, ndim: int, part: slice) -> tuple[slice, ...]:
    return tuple(part if a == axis else slice(None) for a in range(ndim))


def _allocate(shape: Sequence[int], bytes_per_entry: int = 1) -> None:
    """The resource budget of every mask this module builds, checked before it is built."""
    entries = math.prod(shape)
    check_memory(f"a coverage mask of shape {list(shape)}", entries, bytes_per_entry)
    check_work(f"a coverage mask of shape {list(shape)}", entries)


def _spread(mask: np.ndarray, axis: int, step: int, count: int) -> np.ndarray:
    """Minkowski sum with {0, step, ..., step (count - 1)} along ``axis``, in time linear in the
    output: out[i] = OR_{t < count} mask[i - step t] is a sliding window of width ``count`` over
    each residue class mod ``step``, read off a running count (cumulative sum)."""
    n = mask.shape[axis]
    length = n + step * (count - 1)
    blocks = -(-length // step)  # residue classes as columns: position i = step * b + r
    shape = list(mask.shape)
    shape[axis] = blocks * step
    _allocate(shape, 9)  # the padded mask and its int64 running count
    padded = np.zeros(shape, dtype=bool)
    padded[_along(axis, mask.ndim, slice(0, n))] = mask
    split = [*shape[:axis], blocks, step, *shape[axis + 1:]]
    running = np.cumsum(padded.reshape(split), axis=axis, dtype=np.int64)
    before = np.zeros_like(running)
    before[_along(axis, running.ndim, slice(count, None))] = \
        running[_along(axis, running.ndim, slice(0, max(blocks - count, 0)))]
    out = (running - before > 0).reshape(shape)
    return out[_along(axis, mask.ndim, slice(0, length))]


def _window_back(s: Support, axis: int, k: int, stride: int, dilation: int,
                 pad: int) -> Support:
    """{ stride j - pad + dilation t } along one axis."""
    mask = s.mask
    if stride > 1:
        shape = list(mask.shape)
        shape[axis] = (shape[axis] - 1) * stride + 1
        _allocate(shape)
        placed = np.zeros(shape, dtype=bool)
        placed[_along(axis, mask.ndim, slice(None, None, stride))] = mask
        mask = placed
    offset = list(s.offset)
    offset[axis] = stride * offset[axis] - pad
    return Support(tuple(offset), _spread(mask, axis, dilation, k))


def _upsample_back(s: Support, axis: int, factor: int) -> Support:
    """{ floor(j / factor) } along one axis: group positions into blocks of ``factor``."""
    o, n = s.offset[axis], s.mask.shape[axis]
    front = o % factor
    blocks = -(-(front + n) // factor)
    shape = list(s.mask.shape)
    shape[axis] = blocks * factor
    _allocate(shape)
    padded = np.zeros(shape, dtype=bool)
    padded[_along(axis, s.mask.ndim, slice(front, front + n))] = s.mask
    shape[axis:axis + 1] = [blocks, factor]
    offset = list(s.offset)
    offset[axis] = o // factor
    return Support(tuple(offset), np.asarray(padded.reshape(shape).any(axis=axis + 1)))


def linear_sources(j: int, factor: int) -> tuple[int, ...]:
    """Input positions with a nonzero weight in linear upsampling output j (see module doc)."""
    num, den = 2 * j + 1 - factor, 2 * factor
    return (num // den,) if num % den == 0 else (num // den, num // den + 1)


def _linear_back(s: Support, axis: int, factor: int) -> Support:
    """Union of :func:`linear_sources` over the needed positions along one axis."""
    o, n = s.offset[axis], s.mask.shape[axis]
    sources = [linear_sources(o + i, factor) for i in range(n)]
    first, last = sources[0][0], sources[-1][-1]
    shape = list(s.mask.shape)
    shape[axis] = last - first + 1
    out = np.zeros(shape, dtype=bool)
    for i, found in enumerate(sources):
        row = s.mask[_along(axis, s.mask.ndim, slice(i, i + 1))]
        for q in found:
            out[_along(axis, out.ndim, slice(q - first, q - first + 1))] |= row
    offset = list(s.offset)
    offset[axis] = first
    return Support(tuple(offset), out)


def _unpool_back(s: Support, axis: int, k: int, stride: int, dilation: int,
                 pad: int) -> Support | None:
    """{ m : stride m - pad + dilation t in N for some t } along one axis."""
    spread = _spread(s.mask, axis, dilation, k)  # q = j - dilation t: offset shifts left
    origin = s.offset[axis] - dilation * (k - 1) + pad  # position of spread[0] as q + pad
    start = (-origin) % stride
    picked = spread[_along(axis, spread.ndim, slice(start, None, stride))]
    offset = list(s.offset)
    offset[axis] = (origin + start) // stride
    return _trim(offset, picked)


# -- propagation -----------------------------------------------------------------------------
def _back(node: Node, s: Support, axes: Sequence[int]) -> Support | None:
    for i, a in enumerate(axes):
        if node.op == "upsample" and node.mode == "linear":
            s = _linear_back(s, i, node.scale_factor[a])
        elif node.op == "upsample":
            s = _upsample_back(s, i, node.scale_factor[a])
        elif node.op in ("maxunpool", "conv_transpose"):
            result = _unpool_back(s, i, node.kernel_size[a], node.stride[a], node.dilation[a],
                                  node.padding[a][0])
            if result is None:
                return None
            s = result
        else:
            s = _window_back(s, i, node.kernel_size[a], node.stride[a], node.dilation[a],
                             node.padding[a][0])
    return s


def _propagate(arch: Architecture, target: str, unit: Sequence[int],
               axes: Sequence[int]) -> Support | None:
    needed: dict[str, Support | None] = {target: Support.point(unit)}
    for node in reversed(arch.nodes):
        if node.id not in needed or node.op == "input":
            continue
        s = needed[node.id]
        if s is None:
            continue
        if node.op in POINTWISE_OPS or node.op in MERGE_OPS:
            for source in node.inputs:
                needed[source] = union(needed.get(source), s)
            continue
        below = _back(node, s, axes)
        needed[node.inputs[0]] = union(needed.get(node.inputs[0]), below)
        if node.op == "maxunpool" and below is not None:
            pool = arch.node(node.indices or "")
            window = _back(pool, below, axes)  # the pooling windows of the pooled units used
            needed[pool.inputs[0]] = union(needed.get(pool.inputs[0]), window)
    return needed.get(arch.input.id)


def is_separable(arch: Architecture) -> bool:
    """Without merges and unpooling the dependency set is a product of per-axis sets."""
    return all(n.op not in (*MERGE_OPS, "maxunpool") for n in arch.nodes)


def _unit(arch: Architecture, unit: Sequence[int] | None) -> tuple[int, ...]:
    if unit is None:
        return (0,) * arch.dims
    if len(unit) != arch.dims:
        raise invalid("unit", list(unit), f"{arch.dims} integers (one per axis)")
    return tuple(int(u) for u in unit)


def axis_dependency_sets(arch: Architecture, node: str | None = None,
                         unit: Sequence[int] | None = None) -> tuple[Support, ...]:
    """Per-axis exact sets (1D supports) of a separable architecture (see :func:`is_separable`).
    Their Cartesian product is the full dependency set."""
    position = _unit(arch, unit)
    parts = _axis_supports(arch, node, position)
    if parts is None:
        raise invalid("unit", list(position), "a unit that some input position reaches")
    return parts


def _axis_supports(arch: Architecture, node: str | None,
                   position: tuple[int, ...]) -> tuple[Support, ...] | None:
    """The per-axis sets, or None when the unit's set is empty (some axis reaches no input)."""
    if not is_separable(arch):
        raise invalid("architecture", "with add/concat/maxunpool", "a separable architecture "
                      "(no merges, no unpooling) for per-axis sets; use dependency_set")
    target = arch.output if node is None else arch.node(node).id
    out = []
    for axis in range(arch.dims):
        s = _propagate(arch, target, (position[axis],), (axis,))
        if s is None:
            return None
        out.append(s)
    return tuple(out)


def dependency_set(arch: Architecture, node: str | None = None,
                   unit: Sequence[int] | None = None, *, separable: bool | None = None
                   ) -> Support:
    """The exact set of input positions that can influence output ``unit`` (default 0) of
    ``node`` (default the output), as a :class:`Support` (an N-D boolean mask and its origin).

    ``separable=None`` uses the per-axis product when the architecture allows it (fast), True
    insists on it, False forces the N-D propagation (the two must agree; tests check it).
    A unit that no input position reaches (after unpooling, a position no window chose; after a
    transposed convolution, a unit only the bias reaches) has the empty set, :meth:`Support.empty`,
    on either path.
    """
    target = arch.output if node is None else arch.node(node).id
    position = _unit(arch, unit)
    if separable is None:
        separable = is_separable(arch)
    if separable:
        parts = _axis_supports(arch, target, position)
        if parts is None:
            return Support.empty(arch.dims)
        check_memory("the coverage mask", int(np.prod([p.mask.size for p in parts])), 1)
        mask: np.ndarray = parts[0].mask
        for p in parts[1:]:
            mask = np.asarray(np.logical_and.outer(mask, p.mask))
        return Support(tuple(p.offset[0] for p in parts), mask)
    s = _propagate(arch, target, position, tuple(range(arch.dims)))
    return Support.empty(arch.dims) if s is None else s


# -- every node at once, in one forward pass (cost linear in depth) -----------------------------
@dataclass(frozen=True)
class AxisSet:
    """What a report needs of a 1D exact set: its box (``first``, ``extent``), its size, its first
    holes and whether each of the box's first positions is in the set (``head``)."""

    first: int
    extent: int
    count: int
    holes: tuple[int, ...]
    head: tuple[bool, ...]

    @classmethod
    def of(cls, s: Support, limit: int) -> AxisSet:
        holes = np.flatnonzero(~s.mask)[:limit] + s.offset[0]
        return cls(s.offset[0], s.extent[0], s.count, tuple(holes.tolist()),
                   tuple(s.mask[:limit].tolist()))


def is_translation_covariant(arch: Architecture) -> bool:
    """Only window and pointwise ops: output unit j of every node sees its unit 0's set moved
    by S j (S its effective stride), which lets one forward pass give every node's set. A
    transposed convolution is not one: which taps reach unit j depends on j mod its stride."""
    return all(n.op not in (*MERGE_OPS, "maxunpool", "upsample", "conv_transpose")
               for n in arch.nodes)


def axis_set_table(arch: Architecture, limit: int) -> dict[str, tuple[AxisSet, ...]]:
    """:class:`AxisSet` of output unit 0 of every node, per axis, in one pass from the input up.

    With D(0) unit 0's set and S the effective stride of the node below, a window op
    (k, s, d, p) gives D'(0) = U_t D(d t - p) = U_t (D(0) + S (d t - p)): one Minkowski sum
    with step S d per layer, so the cost is linear in the depth (times the receptive field).
    Only the current masks are kept. Other separable architectures (with upsample or
    conv_transpose) take one backward pass per node (:func:`axis_dependency_sets`; an empty set,
    which only conv_transpose can give, has extent 0 on every axis); merges and unpooling are
    refused.
    """
    if not is_translation_covariant(arch):
        origin = (0,) * arch.dims
        return {n.id: tuple(AxisSet.of(p, limit) for p in _axis_supports(arch, n.id, origin)
                            or (Support.empty(1),) * arch.dims)
                for n in arch.nodes if n.op != "input"}
    current: dict[str, list[tuple[Support, int]]] = {}
    table: dict[str, tuple[AxisSet, ...]] = {}
    readers = Counter(i for node in arch.nodes for i in node.inputs)
    for node in arch.nodes:
        if node.op == "input":
            current[node.id] = [(Support.point((0,)), 1) for _ in range(arch.dims)]
        elif node.op in POINTWISE_OPS:
            current[node.id] = current[node.inputs[0]]
        else:
            # Axes with the same set below and the same window share one computation.
            below = current[node.inputs[0]]
            keys = [(id(s), stride, node.kernel_size[a], node.stride[a], node.dilation[a],
                     node.padding[a][0]) for a, (s, stride) in enumerate(below)]
            done: dict[tuple[int, ...], tuple[tuple[Support, int], AxisSet]] = {}
            for (s, stride), key in zip(below, keys, strict=True):
                if key not in done:
                    _, _, k, step, d, pad = key
                    moved = Support((s.offset[0] - stride * pad,),
                                    _spread(s.mask, 0, stride * d, k))
                    done[key] = (moved, stride * step), AxisSet.of(moved, limit)
            current[node.id] = [done[k][0] for k in keys]
            table[node.id] = tuple(done[k][1] for k in keys)
        if node.op in POINTWISE_OPS:
            table[node.id] = table.get(node.inputs[0]) or tuple(
                AxisSet.of(s, limit) for s, _ in current[node.id])
        for source in node.inputs:  # drop a mask once its last reader has used it
            readers[source] -= 1
            if not readers[source]:
                del current[source]
    return table


def product_hole_positions(axes: Sequence[AxisSet], limit: int) -> list[tuple[int, ...]]:
    """The first ``limit`` holes, in lexicographic order, of the Cartesian product of per-axis
    sets, without building the N-D mask. A position is a hole iff some coordinate is a hole of
    its axis: along the first axis, a hole x contributes (x, every position of the rest's box),
    a member x contributes (x, each hole of the rest)."""
    return list(islice(_product_holes(axes, limit), limit))


def _product_holes(axes: Sequence[AxisSet], limit: int) -> Iterator[tuple[int, ...]]:
    head, rest = axes[0], axes[1:]
    if all(a.count == a.extent for a in axes):
        return
    if not rest:
        yield from ((h,) for h in head.holes)
        return
    rest_holes = product_hole_positions(rest, limit)
    box = [range(a.first, a.first + a.extent) for a in rest]
    if not rest_holes:  # only the first axis' holes contribute
        for x in head.holes:
            yield from ((x, *r) for r in islice(product(*box), limit))
        return
    # Every x contributes at least one hole, so the first `limit` positions decide.
    for i, member in enumerate(head.head):
        x = head.first + i
        yield from ((x, *r) for r in (rest_holes if member else islice(product(*box), limit)))


def coverage(arch: Architecture, node: str | None = None) -> tuple[np.ndarray, tuple[int, ...]]:
    """Coverage map of output unit 0: (boolean array, input position of element [0, ..., 0]).
    True = the input position influences the unit; False inside the box = a gridding hole."""
    s = dependency_set(arch, node)
    return s.mask, s.offset


# -- the naive reference ---------------------------------------------------------------------
def naive_dependency_set(arch: Architecture, node: str | None = None,
                         unit: Sequence[int] | None = None) -> set[tuple[int, ...]]:
    """The same rules as :func:`dependency_set`, written as recursion over single positions with
    Python sets (slow; small architectures only)."""
    from itertools import product

    dims = arch.dims

    def window(n: Node, j: tuple[int, ...]) -> list[tuple[int, ...]]:
        taps = product(*(range(k) for k in n.kernel_size))
        return [tuple(n.stride[a] * j[a] - n.padding[a][0] + n.dilation[a] * t[a]
                      for a in range(dims)) for t in taps]

    @cache
    def deps(node_id: str, j: tuple[int, ...]) -> frozenset[tuple[int, ...]]:
        n = arch.node(node_id)
        if n.op == "input":
            return frozenset([j])
        found: set[tuple[int, ...]] = set()
        if n.op in POINTWISE_OPS or n.op in MERGE_OPS:
            for source in n.inputs:
                found |= deps(source, j)
        elif n.op == "upsample" and n.mode == "linear":
            per_axis = []
            for a in range(dims):
                where = Fraction(2 * j[a] + 1, 2 * n.scale_factor[a]) - Fraction(1, 2)
                low = math.floor(where)
                per_axis.append([low] if where == low else [low, low + 1])
            for cell in product(*per_axis):
                found |= deps(n.inputs[0], cell)
        elif n.op == "upsample":
            found |= deps(n.inputs[0], tuple(j[a] // n.scale_factor[a] for a in range(dims)))
        elif n.op == "conv_transpose":
            taps = product(*(range(k) for k in n.kernel_size))
            for t in taps:
                reach = [(j[a] + n.padding[a][0] - n.dilation[a] * t[a]) for a in range(dims)]
                if all(v % n.stride[a] == 0 for a, v in enumerate(reach)):
                    found |= deps(n.inputs[0], tuple(v // n.stride[a]
                                                     for a, v in enumerate(reach)))
        elif n.op == "maxunpool":
            pool = arch.node(n.indices or "")
            # Pooled units whose window (unpool geometry) contains j: s m - p + d t = j.
            ranges = [[m for m in range((j[a] + n.padding[a][0]) // n.stride[a] - n.kernel_size[a]
                                        * n.dilation[a] - 1,
                                        (j[a] + n.padding[a][0]) // n.stride[a] + 2)
                       if any(n.stride[a] * m - n.padding[a][0] + n.dilation[a] * t == j[a]
                              for t in range(n.kernel_size[a]))] for a in range(dims)]
            for m in product(*ranges):
                found |= deps(n.inputs[0], m)
                for q in window(pool, m):
                    found |= deps(pool.inputs[0], q)
        else:
            for q in window(n, j):
                found |= deps(n.inputs[0], q)
        return frozenset(found)

    return set(deps(arch.output if node is None else node, _unit(arch, unit)))
