"""Weights of an architecture: seeded random integers (exact) or z3 real symbols.

``Weights`` maps a node id to its parameter arrays: conv ``weight`` (C_out, C_in / groups, *k),
conv_transpose ``weight`` (C_in, C_out / groups, *k) (PyTorch's layouts) and ``bias`` (C_out)
when the node has one; batchnorm (an affine per-channel map in inference
mode, y_c = scale_c x_c + shift_c) ``scale`` and ``shift`` (C). Every other op has none.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import z3

from kronconv.errors import check_memory
from kronconv.specs.architecture import Architecture

Weights = Mapping[str, Mapping[str, np.ndarray]]
WEIGHT_RANGE = 3  # random weights are integers in [-3, 3]: exact, and rarely degenerate


def parameter_shapes(arch: Architecture) -> dict[str, dict[str, tuple[int, ...]]]:
    """Shape of every parameter array of every node that has parameters."""
    channels = arch.channels()
    shapes: dict[str, dict[str, tuple[int, ...]]] = {}
    for node in arch.nodes:
        if node.op in ("conv", "conv_transpose"):
            c_in, c_out = channels[node.inputs[0]], channels[node.id]
            shape = (c_out, c_in // node.groups) if node.op == "conv" \
                else (c_in, c_out // node.groups)
            shapes[node.id] = {"weight": (*shape, *node.kernel_size)}
            if node.bias:
                shapes[node.id]["bias"] = (c_out,)
        elif node.op == "batchnorm":
            shapes[node.id] = {"scale": (channels[node.id],), "shift": (channels[node.id],)}
    return shapes


def random_weights(arch: Architecture, seed: int) -> dict[str, dict[str, np.ndarray]]:
    """Integers uniform in [-3, 3] from ``numpy.random.default_rng(seed)``, node by node
    (refused before anything is drawn when the parameters do not fit the memory budget)."""
    check_memory(f"the weights of {len(arch.nodes)} nodes", sum(arch.parameters().values()), 8)
    rng = np.random.default_rng(seed)
    return {node: {name: rng.integers(-WEIGHT_RANGE, WEIGHT_RANGE + 1, shape)
                   for name, shape in params.items()}
            for node, params in parameter_shapes(arch).items()}


def symbolic_weights(arch: Architecture) -> dict[str, dict[str, np.ndarray]]:
    """A fresh z3 real constant for every parameter, named ``<name>_<node>_<index>``."""
    check_memory(f"the symbolic weights of {len(arch.nodes)} nodes",
                 sum(arch.parameters().values()), 1024)  # a z3 term is about a kilobyte
    out: dict[str, dict[str, np.ndarray]] = {}
    for node, params in parameter_shapes(arch).items():
        out[node] = {}
        for name, shape in params.items():
            array = np.empty(shape, dtype=object)
            for index in np.ndindex(*shape):
                array[index] = z3.Real(f"{name}_{node}_" + "_".join(map(str, index)))
            out[node][name] = array
    return out


def weights_to_json(weights: Weights) -> dict[str, dict[str, list]]:
    return {node: {name: np.asarray(array).tolist() for name, array in params.items()}
            for node, params in weights.items()}
