"""Tensor shapes as PyTorch computes them, and the check that the branches meeting at a merge
have equal shapes (PyTorch refuses to add tensors of different shapes, or to concatenate them
when they differ on an axis other than the channels).

Per axis, for an input of n entries: conv and pooling give floor((n + p + p' - span) / s) + 1
(span = d (k - 1) + 1; the window must fit: n + p + p' >= span), upsample gives u n, maxunpool
restores the size of its pooling node's input, pointwise ops keep n. The receptive-field
alignment of the branches is a separate question (:mod:`kronconv.receptive_field.recursion`).

Without a given size, :func:`check_branch_shapes` asks whether *some* input size lets every
merge's inputs agree. Per axis, once every window fits, each node's size grows by (product of
upsample factors / product of strides along its path) P / P-multiple when the input grows by
P = the product of every stride on that axis, so the difference of two branches that grow at the
same rate repeats with period P: when no size within one period after the first valid one makes
them agree, none ever does, and the merge is refused naming the node and the two shapes.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction

from kronconv.errors import ArchitectureError, check_memory, check_per_axis
from kronconv.specs.architecture import MERGE_OPS, Architecture, Node

Size = tuple[int, ...]
# Without a given size: node evaluations allowed per axis (one period of the size rule).
MAX_CHECK_WORK = 10**6


class _TooSmall(Exception):
    """The input is too small for some window (not an error of the architecture)."""


def window_length(n: int, kernel: int, stride: int, dilation: int, before: int,
                  after: int) -> int:
    """PyTorch's output length of a conv or pooling window along one axis (n fits the span)."""
    return (n + before + after - dilation * (kernel - 1) - 1) // stride + 1


def tensor_shapes(arch: Architecture, size: int | Sequence[int]) -> dict[str, Size]:
    """(channels, *spatial) of every node's output for an input of ``size`` entries per axis;
    an :class:`ArchitectureError` naming the node and the shapes where PyTorch would fail."""
    spatial = check_per_axis("size", size, arch.dims, minimum=1)
    try:
        sizes = _spatial_sizes(arch, spatial, range(arch.dims))
    except _TooSmall as exc:
        raise ArchitectureError(f"size={list(spatial)} is invalid: expected a larger input: "
                                f"{exc}") from None
    channels = arch.channels()
    return {node: (channels[node], *shape) for node, shape in sizes.items()}


def _spatial_sizes(arch: Architecture, spatial: Size, axes: Sequence[int]) -> dict[str, Size]:
    sizes: dict[str, Size] = {}
    channels = arch.channels()
    for node in arch.nodes:
        below = [sizes[i] for i in node.inputs]
        if node.op == "input":
            sizes[node.id] = spatial
        elif node.op in MERGE_OPS:
            _check_merge(node, below, channels)
            sizes[node.id] = below[0]
        elif node.op in ("conv", "maxpool", "avgpool"):
            sizes[node.id] = tuple(_window(node, n, a) for n, a in zip(below[0], axes,
                                                                        strict=True))
        elif node.op == "maxunpool":
            pool = arch.node(node.indices or "")
            if below[0] != sizes[pool.id]:
                raise ArchitectureError(_mismatch(node, [node.inputs[0], pool.id],
                                                  [below[0], sizes[pool.id]], channels))
            sizes[node.id] = sizes[pool.inputs[0]]
        elif node.op == "upsample":
            sizes[node.id] = tuple(n * node.scale_factor[a] for n, a in zip(below[0], axes,
                                                                             strict=True))
        else:
            sizes[node.id] = below[0]
    return sizes


def _window(node: Node, n: int, axis: int) -> int:
    (before, after), span = node.padding[axis], node.span[axis]
    if n + before + after < span:
        raise _TooSmall(f"node {node.id!r} ({node.op}) gets {n} entries on axis {axis}, fewer "
                        f"than its window span {span} minus its padding {before + after}")
    return window_length(n, node.kernel_size[axis], node.stride[axis], node.dilation[axis],
                         before, after)


def _check_merge(node: Node, below: list[Size], channels: dict[str, int]) -> None:
    for source, shape in zip(node.inputs[1:], below[1:], strict=True):
        if shape != below[0]:
            raise ArchitectureError(_mismatch(node, [node.inputs[0], source], [below[0], shape],
                                              channels))


def _mismatch(node: Node, sources: list[str], shapes: list[Size],
              channels: dict[str, int]) -> str:
    what = {"add": "add them", "sub": "subtract them", "mul": "multiply them",
            "concat": "concatenate them (only the channel axis may differ)",
            "maxunpool": "unpool: the indices come from a tensor of another shape"}[node.op]
    listed = " and ".join(f"{'x'.join(map(str, (channels[s], *shape)))} from {s!r}"
                          for s, shape in zip(sources, shapes, strict=True))
    return f"node {node.id!r} ({node.op}): its inputs have shapes {listed}; PyTorch cannot {what}"


def check_branch_shapes(arch: Architecture, size: int | Sequence[int] | None = None) -> None:
    """Refuse an architecture whose merges get inputs of different shapes: for ``size`` when
    given, else for every input size (see the module docstring); silent otherwise."""
    if size is not None:
        tensor_shapes(arch, size)
        return
    if not any(n.op in MERGE_OPS or n.op == "maxunpool" for n in arch.nodes):
        return
    for axis in range(arch.dims):
        _check_axis(arch, axis)


def _check_axis(arch: Architecture, axis: int) -> None:
    """Try the sizes of one period after the first one every window fits (see module doc)."""
    if not _same_rates(arch, axis):
        return  # branches growing at different rates: no period argument, nothing refused
    period = math.prod(n.stride[axis] for n in arch.nodes if n.stride)
    if period * len(arch.nodes) > MAX_CHECK_WORK:
        return  # too long a period to try every phase: the check needs a given size
    first = _first_fitting(arch, axis)
    if first is None:
        return
    for n in range(first, first + period):
        try:
            _spatial_sizes(arch, (n,), (axis,))
            return
        except ArchitectureError:
            continue
    example = max(first, 64)  # the message shows the shapes PyTorch would meet at this size
    try:
        tensor_shapes(arch, example)
    except ArchitectureError as exc:
        raise ArchitectureError(f"{exc} (input {'x'.join([str(example)] * arch.dims)}); no "
                                f"input size makes them equal on axis {axis}") from None
    raise ArchitectureError(f"the inputs of a merge never have equal sizes on axis {axis}, for "
                            "any input size")


def _first_fitting(arch: Architecture, axis: int) -> int | None:
    """The smallest input size whose windows all fit on ``axis`` (sizes grow with the input, so
    fitting is monotone: doubling, then bisection); None past 2^62."""
    def fits(n: int) -> bool:
        try:
            _spatial_sizes(arch, (n,), (axis,))
        except _TooSmall:
            return False
        except ArchitectureError:
            pass
        return True

    high = 1
    while not fits(high):
        high *= 2
        if high > 2**62:
            return None
    low = high // 2  # fits(low) is False, or low == 0
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (low, middle) if fits(middle) else (middle, high)
    return high


def _same_rates(arch: Architecture, axis: int) -> bool:
    """Every merge's inputs grow at one rate (upsample factors / strides along the path)."""
    rate: dict[str, Fraction] = {}
    for node in arch.nodes:
        below = [rate[i] for i in node.inputs]
        if node.op == "input":
            rate[node.id] = Fraction(1)
        elif node.op == "maxunpool":
            rate[node.id] = rate[arch.node(node.indices or "").inputs[0]]
        elif node.op in MERGE_OPS and len(set(below)) > 1:
            return False
        elif node.op == "upsample":
            rate[node.id] = below[0] * node.scale_factor[axis]
        elif node.stride:
            rate[node.id] = below[0] / node.stride[axis]
        else:
            rate[node.id] = below[0]
    return True


def check_tensor_budget(arch: Architecture, sizes: dict[str, Size], bytes_per_entry: int = 8,
                        what: str = "evaluating the tensors and weights") -> None:
    """The resource budget of evaluating ``arch`` once at the given spatial ``sizes``: every
    node's output (channels x spatial entries, with room for its padding) and every weight,
    refused before anything is allocated."""
    channels = arch.channels()
    entries = sum(arch.parameters().values())
    for node in arch.nodes:
        pads = node.padding or ((0, 0),) * arch.dims
        below = sizes[node.inputs[0]] if node.inputs else sizes[node.id]
        padded = math.prod(n + b + a for n, (b, a) in zip(below, pads, strict=True))
        entries += channels[node.id] * max(math.prod(sizes[node.id]), padded)
    check_memory(f"{what} of {len(arch.nodes)} nodes", entries, bytes_per_entry)
