"""The bridge from the cascade specs to the architecture specs: a :class:`Cascade` as an
:class:`Architecture` chain, and its kernels as the architecture's weights, so that the one
executable semantics (:mod:`kronconv.semantics`) runs every cascade.

Per layer l the chain holds ``conv<l>`` and, between layers (l < L), the layer's nonlinearity as
its own node ``<nonlinearity><l>`` (the cascade's output z_L has none after it:
z_{l+1} = K_{l+1} *_{d_{l+1}} sigma(z_l)). The conv node is PyTorch's: pad, then a valid
cross-correlation y_i = sum_t W_t xpad_{i + d t}. Hence, per axis with D = d (a - 1):

- padding: ``full`` (D, D), ``valid`` (0, 0), ``same`` and ``circular`` (D // 2, D - D // 2)
  (PyTorch's split, the smaller half first; ``circular`` wraps instead of padding zeros);
- weights: convention ``correlation`` W = K; ``convolution`` W = K flipped on every spatial axis,
  since sum_tau K_tau x_{i - d tau} = sum_t K_{a-1-t} x_{i + d t - d (a - 1)};
- shapes: a single-channel kernel (a_1, ..., a_n) becomes (1, 1, a_1, ..., a_n); a multichannel
  kernel is already (out, in, *a); no bias.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from kronconv.errors import invalid
from kronconv.specs.architecture import Architecture, Node
from kronconv.specs.cascade import Cascade, Layer

LEAKY_SLOPE = 0.01  # the cascades' leaky ReLU slope (read exactly as 1/100 by exact backends)


def layer_padding(layer: Layer) -> tuple[tuple[int, int], ...]:
    """(before, after) zeros per axis for the layer's boundary handling (module doc)."""
    spans = [d * (a - 1) for a, d in zip(layer.sizes, layer.dilations, strict=True)]
    if layer.boundary == "full":
        return tuple((s, s) for s in spans)
    if layer.boundary == "valid":
        return tuple((0, 0) for _ in spans)
    return tuple((s // 2, s - s // 2) for s in spans)


def conv_id(index: int) -> str:
    return f"conv{index}"


def cascade_architecture(cascade: Cascade) -> Architecture:
    """The chain input -> conv0 [-> sigma0] -> conv1 ... -> convL (module doc)."""
    nodes = [Node(id="input", op="input", inputs=())]
    last = len(cascade.layers) - 1
    for index, layer in enumerate(cascade.layers):
        nodes.append(Node(id=conv_id(index), op="conv", inputs=(nodes[-1].id,),
                          kernel_size=layer.sizes, stride=(1,) * cascade.dims,
                          padding=layer_padding(layer), dilation=layer.dilations,
                          padding_mode="circular" if layer.boundary == "circular" else "zeros",
                          out_channels=layer.out_channels, bias=False))
        if layer.nonlinearity != "none" and index < last:
            nodes.append(Node(id=f"{layer.nonlinearity}{index}", op=layer.nonlinearity,
                              inputs=(nodes[-1].id,), negative_slope=LEAKY_SLOPE))
    return Architecture(dims=cascade.dims, nodes=tuple(nodes), output=nodes[-1].id,
                        in_channels=cascade.layers[0].in_channels)


def cascade_weights(cascade: Cascade, kernels: Sequence[np.ndarray]
                    ) -> dict[str, dict[str, np.ndarray]]:
    """The kernels as the architecture's conv weights (flipped for ``convolution``)."""
    if len(kernels) != len(cascade.layers):
        raise invalid("kernels", f"{len(kernels)} kernels", f"one per layer "
                      f"({len(cascade.layers)})")
    weights = {}
    for index, (kernel, layer) in enumerate(zip(kernels, cascade.layers, strict=True)):
        kernel = np.asarray(kernel)
        full = (layer.out_channels, layer.in_channels, *layer.sizes)
        if kernel.shape == layer.sizes and layer.in_channels == layer.out_channels == 1:
            kernel = kernel.reshape(full)
        if kernel.shape != full:
            raise invalid(f"kernels[{index}].shape", kernel.shape, f"{layer.sizes} or {full}")
        if layer.convention == "convolution":
            kernel = kernel[(slice(None), slice(None), *(slice(None, None, -1),) * cascade.dims)]
        weights[conv_id(index)] = {"weight": kernel}
    return weights


def hidden_ids(cascade: Cascade) -> list[str]:
    """The conv nodes whose outputs are pre-activations (a nonlinearity follows them)."""
    last = len(cascade.layers) - 1
    return [conv_id(index) for index, layer in enumerate(cascade.layers)
            if layer.nonlinearity != "none" and index < last]
