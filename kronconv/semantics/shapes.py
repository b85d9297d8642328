"""Spatial sizes of every node for an input of N entries per axis, with one clear error each.

Rules (PyTorch's): conv and pooling give floor((n + before + after - span) / s) + 1 entries
(span = d (k - 1) + 1; a pooling with ``ceil_mode`` rounds up, but drops a last window that would
start in the right padding); conv_transpose gives (n - 1) s - before - after + span +
output_padding; maxunpool restores the size of its pooling node's input; upsample
multiplies by ``scale_factor``; add and concat need equal sizes. For the shift analysis a
strided op must see a size its stride divides (else the strided grid is not a subgroup of the
circular domain), and circular padding may wrap at most once (PyTorch's limit);
``strict_strides=False`` drops the first rule (shapes of a PyTorch model at any input size).
"""

from __future__ import annotations

from collections.abc import Sequence

from kronconv.errors import check_per_axis, invalid
from kronconv.specs.architecture import MERGE_OPS, Architecture, Node

Size = tuple[int, ...]


def node_sizes(arch: Architecture, size: int | Sequence[int], *,
               strict_strides: bool = True) -> dict[str, Size]:
    """Spatial size of every node's output for an input of ``size`` (an int or one per axis).
    Sizes only: what evaluating at them costs is checked where tensors are made
    (:func:`kronconv.specs.shapes.check_tensor_budget`, called by the evaluation)."""
    sizes: dict[str, Size] = {arch.input.id: check_per_axis("size", size, arch.dims, minimum=1)}
    for node in arch.nodes[1:]:
        inputs = [sizes[i] for i in node.inputs]
        if node.op in MERGE_OPS and len(set(inputs)) > 1:
            raise invalid("size", _first(sizes), f"a size for which the inputs of node "
                          f"{node.id!r} ({node.op}) agree; they get spatial sizes "
                          + ", ".join(f"{i}={list(s)}" for i, s in zip(node.inputs, inputs,
                                                                        strict=True)))
        if node.op in ("conv", "maxpool", "avgpool"):
            sizes[node.id] = _window_size(node, inputs[0], _first(sizes), strict_strides)
        elif node.op == "conv_transpose":
            sizes[node.id] = transposed_size(node, inputs[0])
            if min(sizes[node.id]) < 1:
                raise invalid("size", _first(sizes), f"a larger input: node {node.id!r} "
                              f"(conv_transpose) would get {list(sizes[node.id])} entries")
        elif node.op == "maxunpool":
            sizes[node.id] = _unpool_size(arch, node, inputs[0], sizes)
        elif node.op == "upsample":
            sizes[node.id] = tuple(n * f for n, f in zip(inputs[0], node.scale_factor,
                                                         strict=True))
        else:
            sizes[node.id] = inputs[0]
    return sizes


def _first(sizes: dict[str, Size]) -> list[int]:
    return list(next(iter(sizes.values())))


def transposed_size(node: Node, n: Sequence[int]) -> Size:
    """PyTorch's ConvTranspose output size: (n - 1) s - before - after + d (k - 1) + 1 + o."""
    return tuple((m - 1) * s - a - b + d * (k - 1) + 1 + o for m, s, (a, b), d, k, o in zip(
        n, node.stride, node.padding, node.dilation, node.kernel_size, node.output_padding,
        strict=True))


def window_count(length: int, padding: tuple[int, int], span: int, stride: int,
                 ceil_mode: bool = False) -> int:
    """Number of windows (PyTorch): floor((n + before + after - span) / s) + 1; ``ceil_mode``
    rounds up unless the extra window would start in the right padding."""
    reach = length + padding[0] + padding[1] - span
    count = reach // stride + 1
    if ceil_mode and reach % stride and count * stride < length + padding[0]:
        count += 1
    return count


def _window_size(node: Node, n: Size, size: list[int], strict_strides: bool) -> Size:
    out = []
    for axis, (length, k, s, d, (before, after)) in enumerate(zip(
            n, node.kernel_size, node.stride, node.dilation, node.padding, strict=True)):
        span = d * (k - 1) + 1
        where = f"node {node.id!r} ({node.op}) gets {length} entries on axis {axis}"
        if length + before + after < span:
            raise invalid("size", size, f"a larger input: {where}, fewer than its window span "
                          f"{span} minus its padding {before + after}")
        if node.op == "conv" and node.padding_mode == "circular" and max(before, after) > length:
            raise invalid("size", size, f"a larger input: {where}, fewer than its circular "
                          f"padding {max(before, after)}")
        if node.op != "conv" and max(before, after) > span // 2:
            raise invalid("size", size, f"pooling padding at most half the window: node "
                          f"{node.id!r} pads {max(before, after)} with window span {span}")
        if strict_strides and length % s:
            raise invalid("size", size, f"a size the strides divide: {where}, not a multiple "
                          f"of its stride {s}")
        out.append(window_count(length, (before, after), span, s, node.ceil_mode))
    return tuple(out)


def _unpool_size(arch: Architecture, node: Node, n: Size, sizes: dict[str, Size]) -> Size:
    assert node.indices is not None  # validated by the architecture
    pool = arch.node(node.indices)
    if (node.kernel_size, node.stride, node.padding) != (pool.kernel_size, pool.stride,
                                                         pool.padding):
        raise invalid(f"node {node.id!r} kernel_size/stride/padding",
                      (node.kernel_size, node.stride, node.padding),
                      f"those of its pooling node {pool.id!r} (the indices refer to its windows)")
    if any(k > s for k, s in zip(pool.kernel_size, pool.stride, strict=True)):
        raise invalid(f"node {pool.id!r} kernel_size", list(pool.kernel_size),
                      f"at most the stride {list(pool.stride)} when node {node.id!r} unpools "
                      "its indices (overlapping windows could choose one position twice)")
    if n != sizes[pool.id]:
        raise invalid("size", _first(sizes), f"a size for which node {node.id!r} (maxunpool) "
                      f"gets the size of its pooling node {pool.id!r}'s output "
                      f"{list(sizes[pool.id])}; it gets {list(n)}")
    return sizes[pool.inputs[0]]
