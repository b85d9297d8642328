"""The one-channel restriction of a wide architecture: exact counterexamples for "every choice
of weights" at sizes where evaluating every channel exactly is out of reach.

Let A be an architecture whose pointwise ops all map 0 to 0 (relu, leaky_relu, tanh, gelu,
silu, hardswish; not sigmoid, hardsigmoid or an opaque ``pointwise``). Its *restriction* A' is
A with every conv and conv_transpose narrowed to one output channel (groups 1) and the input to
one channel. Every node k of A has *live* channels L_k: channel 0 of the input and of a conv,
its input's for a channel-wise op, and for a concat the live channels of each input, offset by
the channels before it; A' has |L_k| channels at k, in that order.

Lemma (restriction). Embed weights W' of A' into A: a conv's weight W[0, L_in[j], t] =
W'[0, j, t] and bias[0] = b'[0]; a conv_transpose's W[L_in[j], 0, t] = W'[j, 0, t] and
bias[0] = b'[0]; a batchnorm's scale and shift on L_k; every other entry 0. Embed an input x'
as channel 0 of x. Then at every node k, f_A(x) is f_A'(x') on the channels L_k and 0 on the
others. Proof: induction over the nodes in topological order. Output channel 0 of a conv reads
only live input channels (the weights are 0 elsewhere; a grouped conv is only restricted when
its live inputs lie in group 0), every other output channel has zero weights and bias, so 0; a
pointwise op, and a batchnorm (scale and shift 0 off L_k), map 0 to 0; pooling, upsampling and
maxunpool act channel by channel, and map a zero channel to 0; add, sub and mul need equal live
sets on their inputs (checked) and act channel by channel; concat keeps every channel in order.

Consequence: an input x' and weights W' with f_A'(T_v x') equal to no cyclic shift of f_A'(x')
give, embedded, the same for f_A (its live output channels are f_A''s): a counterexample for A
to "respected for every choice of weights". Only for that question: W' are not a given
network's weights. The lemma is tested against the full evaluation (tests/test_equivariance).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

import numpy as np

from kronconv.semantics.weights import Weights, parameter_shapes
from kronconv.specs.architecture import Architecture, Node

ZERO_PRESERVING = frozenset({"input", "conv", "conv_transpose", "maxpool", "avgpool", "maxunpool",
                             "upsample", "relu", "leaky_relu", "tanh", "gelu", "silu",
                             "hardswish", "batchnorm", "add", "sub", "mul", "concat"})


@dataclass(frozen=True)
class Restriction:
    """A' (``arch``) and the live channels of every node of A, in A''s channel order."""

    arch: Architecture
    live: Mapping[str, tuple[int, ...]]


def restriction(arch: Architecture) -> Restriction | None:
    """The one-channel restriction of ``arch`` (module doc), or None when the lemma does not
    apply (an op that does not map 0 to 0, unequal live sets at add / sub / mul, a grouped conv
    with live inputs outside group 0) or gains nothing (``arch`` is already that narrow)."""
    if any(node.op not in ZERO_PRESERVING for node in arch.nodes):
        return None
    channels = arch.channels()
    live = _live_channels(arch, channels)
    if live is None or all(len(live[k]) == c for k, c in channels.items()):
        return None
    nodes = tuple(replace(node, out_channels=1, groups=1)
                  if node.op in ("conv", "conv_transpose") else node for node in arch.nodes)
    return Restriction(Architecture(arch.dims, nodes, arch.output, in_channels=1), live)


def _live_channels(arch: Architecture,
                   channels: Mapping[str, int]) -> dict[str, tuple[int, ...]] | None:
    live: dict[str, tuple[int, ...]] = {}
    for node in arch.nodes:
        inputs = [live[i] for i in node.inputs]
        if node.op in ("input", "conv", "conv_transpose"):
            if node.op != "input" and not _in_group_zero(node, inputs[0], channels):
                return None
            live[node.id] = (0,)
        elif node.op == "concat":
            offsets = np.cumsum([0] + [channels[i] for i in node.inputs])
            live[node.id] = tuple(int(o) + c for o, cs in zip(offsets[:-1], inputs, strict=True)
                                  for c in cs)
        elif len(set(inputs)) > 1:
            return None
        else:
            live[node.id] = inputs[0]
    return live


def _in_group_zero(node: Node, inputs: tuple[int, ...], channels: Mapping[str, int]) -> bool:
    return max(inputs) < channels[node.inputs[0]] // node.groups


def embed_weights(arch: Architecture, found: Restriction, narrow: Weights) -> Weights:
    """Weights of A from weights of A' (the lemma's embedding; every other entry 0)."""
    out: dict[str, dict[str, np.ndarray]] = {}
    for node_id, shapes in parameter_shapes(arch).items():
        node = arch.node(node_id)
        params: dict[str, np.ndarray] = {}
        for name, shape in shapes.items():
            full = np.zeros(shape, dtype=object)
            small = np.asarray(narrow[node_id][name], dtype=object)
            if node.op == "batchnorm":
                full[list(found.live[node_id])] = small
            elif name == "bias":
                full[0] = small[0]
            elif node.op == "conv":
                full[0, list(found.live[node.inputs[0]])] = small[0]
            else:  # conv_transpose: (C_in, C_out / groups, *k)
                full[list(found.live[node.inputs[0]]), 0] = small[:, 0]
            params[name] = full
        out[node_id] = params
    return out


def embed_input(arch: Architecture, x: np.ndarray) -> np.ndarray:
    """An input of A' (B, 1, *N) as an input of A: channel 0, the others 0."""
    full = np.zeros((x.shape[0], arch.in_channels, *x.shape[2:]), dtype=x.dtype)
    full[:, :1] = x
    return full


__all__ = ["Restriction", "embed_input", "embed_weights", "restriction"]
