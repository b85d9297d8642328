"""Cross-checks of kronconv against PyTorch itself (imported by the torch tests only).

- :func:`gradient_support`: the input positions on which the input gradient of one output unit
  is nonzero, in a copy of the model's own graph made free of cancellation: positive weights,
  biases and inputs (float64), activations replaced by the identity (they are pointwise, and a
  saturated one would hide an input), products by sums (same support, no underflow), max
  pooling by the average over the same window, and max-unpooling by spreading each value over
  its whole window (the union over every choice the indices could make). Every remaining op is
  then a sum of positive terms, so an input position has a nonzero gradient iff a path of the
  graph reaches it.
- :func:`shift_refuted` / :func:`shift_respected`: torch's own forward passes on cyclically
  shifted inputs.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

ACTIVATIONS = {"relu", "relu_", "tanh", "sigmoid", "gelu", "silu", "hardswish",
               "hardsigmoid", "leaky_relu", "leaky_relu_", "dropout"}


def _op(node: torch.fx.Node) -> str:
    target = node.target
    return target.__name__.split(".")[0] if isinstance(target, torch._ops.OpOverload) else ""


def _avg_pool_with_indices(x: torch.Tensor, kernel: Any, stride: Any = (), padding: Any = 0,
                           dilation: Any = 1, ceil_mode: bool = False) -> Any:
    dims = x.ndim - 2
    pool = (F.avg_pool1d, F.avg_pool2d, F.avg_pool3d)[dims - 1]
    values = pool(x, kernel, stride or kernel, padding, ceil_mode)
    return values, torch.zeros(values.shape, dtype=torch.int64)


def _avg_pool(x: torch.Tensor, kernel: Any, stride: Any = (), padding: Any = 0,
              dilation: Any = 1, ceil_mode: bool = False) -> torch.Tensor:
    return _avg_pool_with_indices(x, kernel, stride, padding, dilation, ceil_mode)[0]


def _spread(x: torch.Tensor, indices: torch.Tensor, output_size: Sequence[int]) -> torch.Tensor:
    """Unpooling with every position of each (non-overlapping, k = s) window chosen."""
    factors = [m // n for m, n in zip(output_size, x.shape[2:], strict=True)]
    return F.interpolate(x, scale_factor=factors, mode="nearest")


def positive_program(program: torch.fx.GraphModule, output: str) -> torch.fx.GraphModule:
    """The cancellation-free copy of the graph (module doc), returning node ``output``."""
    gm = copy.deepcopy(program)
    graph = gm.graph
    target = next(n for n in graph.nodes if n.name == output)
    if _op(target).endswith("with_indices"):  # kronconv's node is the values, item 0
        target = next(u for u in target.users if u.args[1] == 0)
    for node in list(graph.nodes):
        op = _op(node)
        if op in ACTIVATIONS:
            node.replace_all_uses_with(node.args[0])
            target = node.args[0] if node is target else target
            graph.erase_node(node)
        elif op in ("mul", "mul_") and all(isinstance(a, torch.fx.Node) for a in node.args[:2]):
            node.target = torch.ops.aten.add.Tensor
        elif op.startswith("max_pool") and op.endswith("with_indices"):
            node.target = _avg_pool_with_indices
        elif op.startswith("max_pool"):
            node.target = _avg_pool
        elif op.startswith("max_unpool"):
            node.target = _spread
    old = next(n for n in graph.nodes if n.op == "output")
    graph.erase_node(old)
    graph.output((target,))  # the exported module unflattens a one-tuple
    graph.eliminate_dead_code()
    gm.recompile()
    with torch.no_grad():
        for tensor in [*gm.parameters(), *gm.buffers()]:
            if tensor.is_floating_point():
                tensor.copy_(torch.rand_like(tensor) * 0.5 + 0.5)
                if tensor.ndim > 1:  # a conv weight: entries in (0.5, 1] / fan-in
                    tensor /= tensor[0].numel()
    return gm.double()


def gradient_support(program: torch.fx.GraphModule, output: str, input_shape: Sequence[int],
                     unit: Sequence[int], seed: int = 0) -> set[tuple[int, ...]]:
    """Input positions (spatial) whose gradient at ``unit`` of node ``output`` is nonzero."""
    torch.manual_seed(seed)
    gm = positive_program(program, output)
    x = (torch.rand(*input_shape, dtype=torch.float64) + 0.5).requires_grad_(True)
    y = gm(x)
    y[(0, slice(None), *unit)].sum().backward()
    assert x.grad is not None
    mask = (x.grad[0].abs().sum(0) > 0).numpy()
    return {tuple(int(i) for i in p) for p in np.argwhere(mask)}


def forward(model: torch.nn.Module, x: torch.Tensor) -> np.ndarray:
    with torch.no_grad():
        return model(x).numpy()


def shift_respected(model: torch.nn.Module, x: torch.Tensor, v: Sequence[int],
                    u: Sequence[int], tolerance: float) -> bool:
    """f(T_v x) = T_u f(x) within ``tolerance`` (relative to max |f(x)|)."""
    axes = tuple(range(2, x.ndim))
    y = forward(model, x)
    shifted = forward(model, torch.roll(x, tuple(v), axes))
    return bool(np.abs(shifted - np.roll(y, tuple(u), axes)).max()
                <= tolerance * max(np.abs(y).max(), 1.0))


def shift_refuted(model: torch.nn.Module, x: torch.Tensor, v: Sequence[int],
                  tolerance: float) -> bool:
    """f(T_v x) equals T_u f(x) for NO output shift u: every T_u permutes the entries of each
    channel, and sorting is 1-Lipschitz in the max norm, so if the sorted entries of some
    channel differ by more than the tolerance, no permutation at all matches."""
    axes = tuple(range(2, x.ndim))
    y = forward(model, x)
    shifted = forward(model, torch.roll(x, tuple(v), axes))
    flat = y.reshape(y.shape[0], y.shape[1], -1)
    other = shifted.reshape(flat.shape)
    gap = np.abs(np.sort(flat, axis=-1) - np.sort(other, axis=-1)).max()
    return bool(gap > tolerance * max(np.abs(y).max(), 1.0))
