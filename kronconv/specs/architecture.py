"""Architecture descriptions: a chain of layers or a graph of nodes, validated at construction.

Two JSON (or TOML) forms map to one :class:`Architecture`; field names follow PyTorch:

- chain: ``{"dims": 2, "layers": [{"op": "conv", "kernel_size": 3, "padding": 1}, ...]}``;
  layer i gets the id ``layers[i].id`` if given, else ``"<op><i>"`` (e.g. ``conv0``), its input is
  the previous layer, and an input node ``"input"`` is added in front;
- graph: ``{"dims": 2, "nodes": [{"id": "x", "op": "input"}, {"id": "c", "op": "conv",
  "inputs": ["x"], ...}], "output": "c"}``; nodes may be listed in any order, they are sorted
  topologically (a cycle is an error).

Per-axis fields (``kernel_size``, ``stride``, ``padding``, ``dilation``, ``scale_factor``) are an
int or one value per axis. ``padding`` may also be ``"same"`` (PyTorch split: total
d (k - 1), the smaller half first), ``"valid"`` (0), per axis ``[before, after]`` pairs, or in 1D
one ``[before, after]`` pair.

Ops (PyTorch's definitions): window ops conv, conv_transpose (``output_padding``), maxpool and
avgpool (``ceil_mode``; avgpool ``count_include_pad``), maxunpool (``indices``: the id of its
maxpool); upsample (integer ``scale_factor``, ``mode`` 'nearest' or 'linear', the latter being
PyTorch's linear/bilinear/trilinear with align_corners=False); pointwise relu, leaky_relu, tanh,
sigmoid, gelu, silu, hardswish, hardsigmoid, batchnorm and ``pointwise`` (an elementwise function
known only by its name, field ``function``); merges add, sub, mul (equal shapes: the PyTorch
importer makes broadcasting explicit) and concat (along channels). Every error is an
:class:`ArchitectureError` naming the source, the node id and the field, on one line.
"""

from __future__ import annotations

import heapq
import json
import math
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kronconv.errors import ArchitectureError, InvalidParameterError, check_float, show

OPS = ("input", "conv", "conv_transpose", "maxpool", "avgpool", "maxunpool", "upsample", "relu",
       "leaky_relu", "tanh", "sigmoid", "gelu", "silu", "hardswish", "hardsigmoid", "pointwise",
       "batchnorm", "add", "sub", "mul", "concat")
WINDOW_OPS = ("conv", "maxpool", "avgpool", "maxunpool")  # ops with kernel/stride/padding
POINTWISE_OPS = ("relu", "leaky_relu", "tanh", "sigmoid", "gelu", "silu", "hardswish",
                 "hardsigmoid", "pointwise", "batchnorm")
INEXACT_OPS = ("tanh", "sigmoid", "gelu", "silu")  # transcendental: float (or z3) only
MERGE_OPS = ("add", "sub", "mul", "concat")
PADDING_MODES = ("zeros", "circular")
UPSAMPLE_MODES = ("nearest", "linear")  # linear: PyTorch's (bi/tri)linear, align_corners=False
MAX_DIMS = 3
# Largest integer field (kernel sizes, strides, paddings, channels ...): PyTorch's int32 sizes.
# The resource budget refuses what would not fit long before; this bound keeps the arithmetic of
# the closed forms on printable numbers.
MAX_FIELD_INT = 2**31 - 1
MAX_FILE_BYTES = 16 * 2**20
MAX_ID_LENGTH = 200

# Fields each op accepts (besides id, op, inputs); the first group is required.
_WINDOW = ("stride", "padding", "dilation")
FIELDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "input": ((), ()),
    "conv": (("kernel_size",), (*_WINDOW, "padding_mode", "out_channels", "groups", "bias")),
    "conv_transpose": (("kernel_size",), (*_WINDOW, "output_padding", "out_channels", "groups",
                                          "bias")),
    "maxpool": (("kernel_size",), (*_WINDOW, "ceil_mode")),
    "avgpool": (("kernel_size",), (*_WINDOW, "ceil_mode", "count_include_pad")),
    "maxunpool": (("indices",), ("kernel_size", "stride", "padding")),
    "upsample": (("scale_factor",), ("mode",)),
    "leaky_relu": ((), ("negative_slope",)),
    "pointwise": (("function",), ()),
    **{op: ((), ()) for op in ("relu", "tanh", "sigmoid", "gelu", "silu", "hardswish",
                               "hardsigmoid", "batchnorm", "add", "sub", "mul", "concat")},
}


@dataclass(frozen=True)
class Node:
    """One operation of an architecture; per-axis fields are resolved tuples (see module doc)."""

    id: str
    op: str
    inputs: tuple[str, ...]
    kernel_size: tuple[int, ...] = ()
    stride: tuple[int, ...] = ()
    padding: tuple[tuple[int, int], ...] = ()
    dilation: tuple[int, ...] = ()
    padding_mode: str = "zeros"
    out_channels: int | None = None
    groups: int = 1
    bias: bool = True
    scale_factor: tuple[int, ...] = ()
    indices: str | None = None
    negative_slope: float = 0.01
    ceil_mode: bool = False
    count_include_pad: bool = True
    output_padding: tuple[int, ...] = ()
    mode: str = "nearest"
    function: str = ""

    @property
    def span(self) -> tuple[int, ...]:
        """Extent of the (dilated) window per axis: d (k - 1) + 1; () for non-window ops."""
        return tuple(d * (k - 1) + 1 for k, d in zip(self.kernel_size, self.dilation,
                                                      strict=True))


@dataclass(frozen=True)
class Architecture:
    """A validated architecture: nodes sorted topologically, the first is the input node."""

    dims: int
    nodes: tuple[Node, ...]
    output: str
    in_channels: int = 1
    _by_id: dict[str, Node] = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        _validate(self)
        object.__setattr__(self, "_by_id", {node.id: node for node in self.nodes})

    def node(self, id: str) -> Node:
        """The node called ``id``; an :class:`ArchitectureError` listing the ids otherwise."""
        found = self._by_id.get(id) if isinstance(id, str) else None
        if found is None:
            raise ArchitectureError(f"node {show(id)} does not exist; nodes: "
                                    + show(", ".join(n.id for n in self.nodes)))
        return found

    @property
    def input(self) -> Node:
        return self.nodes[0]

    @property
    def is_chain(self) -> bool:
        """No merges: every node has at most one input (maxunpool's indices aside)."""
        return all(len(node.inputs) <= 1 for node in self.nodes)

    def ancestors(self) -> dict[str, frozenset[str]]:
        """Per node, the nodes its value depends on, itself included: its inputs, the pooling
        node whose indices it reads, and (transitively) theirs."""
        seen: dict[str, frozenset[str]] = {}
        for node in self.nodes:
            parents = [*node.inputs, *([node.indices] if node.indices else [])]
            seen[node.id] = frozenset({node.id}).union(*(seen[p] for p in parents))
        return seen

    def channels(self) -> dict[str, int]:
        """Number of channels each node outputs (conv: out_channels or its input's)."""
        out: dict[str, int] = {}
        for node in self.nodes:
            if node.op == "input":
                out[node.id] = self.in_channels
            elif node.op == "concat":
                out[node.id] = sum(out[i] for i in node.inputs)
            elif node.op in ("conv", "conv_transpose") and node.out_channels is not None:
                out[node.id] = node.out_channels
            else:
                out[node.id] = out[node.inputs[0]]
        return out

    def parameters(self) -> dict[str, int]:
        """Trainable parameters per node: conv and conv_transpose C_out (C_in / groups) prod k
        (+ C_out bias); batchnorm 2 C (affine scale and shift); every other op 0."""
        channels = self.channels()
        out: dict[str, int] = {}
        for node in self.nodes:
            count = 0
            if node.op in ("conv", "conv_transpose"):
                c_in, c_out = channels[node.inputs[0]], channels[node.id]
                count = c_out * (c_in // node.groups) * math.prod(node.kernel_size)
                count += c_out if node.bias else 0
            elif node.op == "batchnorm":
                count = 2 * channels[node.id]
            out[node.id] = count
        return out


# -- validation of a constructed Architecture --------------------------------------------------
def _validate(arch: Architecture) -> None:
    if isinstance(arch.dims, bool) or not isinstance(arch.dims, int) \
            or not 1 <= arch.dims <= MAX_DIMS:
        raise ArchitectureError(f"field 'dims': {show(arch.dims)} is invalid: expected an integer "
                                f"from 1 to {MAX_DIMS}")
    if not arch.nodes or arch.nodes[0].op != "input":
        raise ArchitectureError("field 'nodes': the first node must have op 'input'")
    seen: dict[str, Node] = {}
    for node in arch.nodes:
        where = f"node {node.id!r}"
        if node.id in seen:
            raise ArchitectureError(f"{where}: field 'id': duplicate id")
        if node.op not in OPS:
            raise ArchitectureError(f"{where}: field 'op': {show(node.op)} is invalid: expected "
                                    "one of " + ", ".join(OPS))
        if node.op == "input" and seen:
            raise ArchitectureError(f"{where}: field 'op': only one input node is allowed")
        for source in node.inputs:
            if source not in seen:
                raise ArchitectureError(f"{where}: field 'inputs': {source!r} is not an earlier "
                                        "node (nodes must be sorted topologically)")
        if node.indices is not None and seen.get(node.indices, Node("", "", ())).op != "maxpool":
            raise ArchitectureError(f"{where}: field 'indices': {node.indices!r} is not an "
                                    "earlier maxpool node")
        for name in ("kernel_size", "stride", "dilation", "padding", "scale_factor",
                     "output_padding"):
            value = getattr(node, name)
            if value and len(value) != arch.dims:
                raise ArchitectureError(f"{where}: field {name!r}: {show(value)} is invalid: "
                                        f"expected {arch.dims} values (one per axis)")
        seen[node.id] = node
    if arch.output not in seen:
        raise ArchitectureError(f"field 'output': {show(arch.output)} is not a node")
    if arch.output == arch.nodes[0].id:
        raise ArchitectureError(f"field 'output': {arch.output!r} is the input node: expected a "
                                "node computed from it")
    channels = arch.channels()
    for node in arch.nodes:
        _check_channels(node, channels)


def _check_channels(node: Node, channels: Mapping[str, int]) -> None:
    where = f"node {node.id!r}"
    if node.op in ("conv", "conv_transpose"):
        c_in = channels[node.inputs[0]]
        if c_in % node.groups or channels[node.id] % node.groups:
            raise ArchitectureError(f"{where}: field 'groups': {node.groups} is invalid: expected "
                                    f"a divisor of in channels ({c_in}) and out_channels "
                                    f"({channels[node.id]})")
    if node.op in ("add", "sub", "mul") and len({channels[i] for i in node.inputs}) > 1:
        raise ArchitectureError(f"{where}: field 'inputs': channel counts differ: "
                                + ", ".join(f"{i}={channels[i]}" for i in node.inputs))


# -- parsing ----------------------------------------------------------------------------------
class _Fields:
    """Reads one node's raw mapping, raising errors that name the source, node and field."""

    def __init__(self, raw: Mapping[str, Any], node_id: str, source: str, dims: int) -> None:
        self.raw, self.id, self.source, self.dims = raw, node_id, source, dims

    def error(self, field: str, value: Any, expected: str) -> ArchitectureError:
        return ArchitectureError(f"{self.source}: node {self.id!r}: field {field!r}: "
                                 f"{show(value)} is invalid: expected {expected}")

    def missing(self, field: str, why: str) -> ArchitectureError:
        return ArchitectureError(f"{self.source}: node {self.id!r}: field {field!r}: missing: "
                                 f"{why}")

    def integer(self, field: str, value: Any, minimum: int) -> int:
        if isinstance(value, bool) or not isinstance(value, int) \
                or not minimum <= value <= MAX_FIELD_INT:
            raise self.error(field, value, f"an integer from {minimum} to {MAX_FIELD_INT}")
        return value

    def per_axis(self, field: str, default: Any, minimum: int) -> tuple[int, ...]:
        value = self.raw.get(field, default)
        if isinstance(value, list | tuple):
            if len(value) != self.dims:
                raise self.error(field, value, f"an integer or {self.dims} integers (one per "
                                 "axis)")
            return tuple(self.integer(field, v, minimum) for v in value)
        return (self.integer(field, value, minimum),) * self.dims

    def padding(self, kernel: tuple[int, ...], dilation: tuple[int, ...],
                stride: tuple[int, ...]) -> tuple[tuple[int, int], ...]:
        value = self.raw.get("padding", 0)
        if value in ("same", "valid"):
            if value == "valid":
                return ((0, 0),) * self.dims
            if any(s != 1 for s in stride):
                raise self.error("padding", value, "a number: 'same' needs stride 1 (as in "
                                 "PyTorch)")
            totals = [d * (k - 1) for k, d in zip(kernel, dilation, strict=True)]
            return tuple((t // 2, t - t // 2) for t in totals)
        expected = (f"an integer, 'same', 'valid', {self.dims} values (one per axis) or "
                    f"{self.dims} [before, after] pairs")
        if isinstance(value, list | tuple):
            if self.dims == 1 and len(value) == 2 and all(isinstance(v, int) for v in value):
                value = [value]  # 1D: one [before, after] pair
            if len(value) != self.dims:
                raise self.error("padding", value, expected)
            pairs = []
            for item in value:
                pair = item if isinstance(item, list | tuple) else (item, item)
                if len(pair) != 2:
                    raise self.error("padding", value, expected)
                pairs.append((self.integer("padding", pair[0], 0),
                              self.integer("padding", pair[1], 0)))
            return tuple(pairs)
        if isinstance(value, str):
            raise self.error("padding", value, expected)
        p = self.integer("padding", value, 0)
        return ((p, p),) * self.dims

    def choice(self, field: str, default: str, choices: Sequence[str]) -> str:
        value = self.raw.get(field, default)
        if value not in choices:
            raise self.error(field, value, "one of " + ", ".join(repr(c) for c in choices))
        return str(value)


def _parse_node(raw: Any, index: int, dims: int, source: str, known_pools: Mapping[str, Node],
                default_id: str | None = None, default_inputs: tuple[str, ...] = ()) -> Node:
    """One raw mapping -> a Node (inputs are checked later, against the whole graph)."""
    if not isinstance(raw, Mapping):
        raise ArchitectureError(f"{source}: node #{index}: {show(raw)} is invalid: expected an "
                                "object with 'op'")
    node_id = raw.get("id", default_id)
    if not isinstance(node_id, str) or not 0 < len(node_id) <= MAX_ID_LENGTH:
        raise ArchitectureError(f"{source}: node #{index}: field 'id': {show(node_id)} is invalid: "
                                f"expected a non-empty string of at most {MAX_ID_LENGTH} "
                                "characters")
    f = _Fields(raw, node_id, source, dims)
    op = raw.get("op")
    if op is None:
        raise f.missing("op", "one of " + ", ".join(OPS))
    if op not in OPS:
        raise f.error("op", op, "one of " + ", ".join(OPS))
    required, optional = FIELDS[op]
    allowed = {"id", "op", "inputs", *required, *optional}
    for name in raw:
        if name not in allowed:
            raise f.error(name, raw[name], f"no such field for op {op!r}; allowed: "
                          + ", ".join(sorted(allowed)))
    for name in required:
        if name not in raw:
            raise f.missing(name, f"it is required for op {op!r}")
    inputs = _inputs(f, op, raw.get("inputs", list(default_inputs)))
    fields: dict[str, Any] = {}
    if op in ("conv", "conv_transpose", "maxpool", "avgpool"):
        kernel = f.per_axis("kernel_size", None, 1)
        # PyTorch: pooling stride defaults to the kernel size, convolution stride to 1.
        stride = f.per_axis("stride", list(kernel) if op.endswith("pool") else 1, 1)
        dilation = f.per_axis("dilation", 1, 1)
        fields.update(kernel_size=kernel, stride=stride, dilation=dilation,
                      padding=f.padding(kernel, dilation, stride))
    if op.endswith("pool") and op != "maxunpool":
        fields["ceil_mode"] = _boolean(f, "ceil_mode", raw.get("ceil_mode", False))
    if op == "avgpool":
        fields["count_include_pad"] = _boolean(f, "count_include_pad",
                                               raw.get("count_include_pad", True))
    if op == "conv_transpose":
        out = raw.get("out_channels")
        fields.update(output_padding=f.per_axis("output_padding", 0, 0),
                      out_channels=None if out is None else f.integer("out_channels", out, 1),
                      groups=f.integer("groups", raw.get("groups", 1), 1),
                      bias=_boolean(f, "bias", raw.get("bias", True)))
    if op == "pointwise":
        if not isinstance(raw["function"], str) or not raw["function"]:
            raise f.error("function", raw["function"], "a non-empty name of the function")
        fields["function"] = raw["function"]
    if op == "conv":
        out = raw.get("out_channels")
        fields.update(padding_mode=f.choice("padding_mode", "zeros", PADDING_MODES),
                      out_channels=None if out is None else f.integer("out_channels", out, 1),
                      groups=f.integer("groups", raw.get("groups", 1), 1),
                      bias=_boolean(f, "bias", raw.get("bias", True)))
    if op == "maxunpool":
        if not isinstance(raw["indices"], str):
            raise f.error("indices", raw["indices"], "the id of a maxpool node")
        pool = known_pools.get(raw["indices"])
        if pool is None:
            raise f.error("indices", raw["indices"], "the id of a maxpool node" + (
                ": " + ", ".join(known_pools) if known_pools else " (there is none)"))
        kernel = f.per_axis("kernel_size", list(pool.kernel_size), 1)
        stride = f.per_axis("stride", list(pool.stride), 1)
        pad = f.padding(kernel, (1,) * dims, stride) if "padding" in raw else pool.padding
        fields.update(kernel_size=kernel, stride=stride, padding=pad, dilation=pool.dilation,
                      indices=raw["indices"])
    if op == "upsample":
        fields["scale_factor"] = f.per_axis("scale_factor", None, 1)
        fields["mode"] = f.choice("mode", "nearest", UPSAMPLE_MODES)
    if op == "leaky_relu":
        slope = raw.get("negative_slope", 0.01)
        try:
            fields["negative_slope"] = check_float("negative_slope", slope, minimum=-1e6,
                                                   maximum=1e6)
        except InvalidParameterError:
            raise f.error("negative_slope", slope, "a finite number from -1e6 to 1e6") \
                from None
    return Node(id=node_id, op=op, inputs=inputs, **fields)


def _inputs(f: _Fields, op: str, value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise f.error("inputs", value, "a list of node ids")
    needed = {"input": (0, 0), "add": (2, None), "concat": (2, None), "sub": (2, 2),
              "mul": (2, None)}.get(op, (1, 1))
    low, high = needed
    if len(value) < low or (high is not None and len(value) > high):
        count = f"exactly {low}" if low == high else f"at least {low}"
        raise f.error("inputs", list(value), f"{count} input node ids for op {op!r}")
    return tuple(value)


def _boolean(f: _Fields, name: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise f.error(name, value, "true or false")
    return value


def _parents(node: Node) -> list[str]:
    return [*node.inputs, *([node.indices] if node.indices else [])]


def _toposort(nodes: Sequence[Node], source: str) -> tuple[Node, ...]:
    """Kahn's algorithm in linear time; among ready nodes the earliest listed comes first (so a
    listing that is already topological is kept); names a node on a cycle."""
    by_id = {node.id: node for node in nodes}
    index = {node.id: i for i, node in enumerate(nodes)}
    for node in nodes:
        for name in _parents(node):
            if name not in by_id:
                kind = "inputs" if name in node.inputs else "indices"
                raise ArchitectureError(f"{source}: node {node.id!r}: field {kind!r}: "
                                        f"{show(name)} is not a node id")
    waiting = {node.id: len(set(_parents(node))) for node in nodes}
    children: dict[str, list[str]] = {node.id: [] for node in nodes}
    for node in nodes:
        for name in set(_parents(node)):
            children[name].append(node.id)
    ready = [index[n.id] for n in nodes if waiting[n.id] == 0]
    heapq.heapify(ready)
    done: list[Node] = []
    while ready:
        node = nodes[heapq.heappop(ready)]
        done.append(node)
        for child in children[node.id]:
            waiting[child] -= 1
            if waiting[child] == 0:
                heapq.heappush(ready, index[child])
    if len(done) < len(nodes):
        finished = {n.id for n in done}
        cycle = _find_cycle([n for n in nodes if n.id not in finished], by_id)
        raise ArchitectureError(f"{source}: node {cycle[0]!r}: field 'inputs': the graph has "
                                "a cycle: " + " -> ".join(cycle))
    return tuple(done)


def _find_cycle(pending: Sequence[Node], by_id: Mapping[str, Node]) -> list[str]:
    """Walk backwards along unresolved inputs until a node repeats."""
    waiting = {n.id for n in pending}
    path: list[str] = [pending[0].id]
    while True:
        nxt = next(i for i in _parents(by_id[path[-1]]) if i in waiting)
        if nxt in path:
            cycle = [*path[path.index(nxt):], nxt]
            return cycle[::-1]  # in data-flow order
        path.append(nxt)


def parse_architecture(data: Mapping[str, Any], source: str = "<architecture>") -> Architecture:
    """Build an :class:`Architecture` from the chain (``layers``) or graph (``nodes``) form."""
    if not isinstance(data, Mapping):
        raise ArchitectureError(f"{source}: {type(data).__name__} is invalid: expected an object "
                                "with 'dims' and 'layers' or 'nodes'")
    dims = data.get("dims")
    if isinstance(dims, bool) or not isinstance(dims, int) or not 1 <= dims <= MAX_DIMS:
        raise ArchitectureError(f"{source}: field 'dims': {show(dims)} is invalid: expected an "
                                f"integer from 1 to {MAX_DIMS}")
    in_channels = data.get("in_channels", 1)
    if isinstance(in_channels, bool) or not isinstance(in_channels, int) or in_channels < 1:
        raise ArchitectureError(f"{source}: field 'in_channels': {show(in_channels)} is invalid: "
                                "expected an integer >= 1")
    extra = set(data) - {"dims", "layers", "nodes", "output", "in_channels", "name",
                         "description", "source"}
    if extra:
        raise ArchitectureError(f"{source}: field {sorted(extra)[0]!r}: unknown top-level field; "
                                "allowed: dims, layers | nodes + output, in_channels, name, "
                                "description, source")
    if ("layers" in data) == ("nodes" in data):
        raise ArchitectureError(f"{source}: field 'layers': give exactly one of 'layers' (a "
                                "chain) or 'nodes' with 'output' (a graph)")
    nodes = _chain(data["layers"], dims, source) if "layers" in data \
        else _graph(data, dims, source)
    output = nodes[-1].id if "layers" in data else data.get("output")
    if not isinstance(output, str) or output not in {n.id for n in nodes}:
        raise ArchitectureError(f"{source}: field 'output': {show(output)} is invalid: expected "
                                "the id of a node")
    try:
        return Architecture(dims=dims, nodes=nodes, output=output, in_channels=in_channels)
    except ArchitectureError as exc:
        raise ArchitectureError(f"{source}: {exc}") from None


def _raw_list(value: Any, field: str, source: str) -> list[Any]:
    if not isinstance(value, list) or not value:
        raise ArchitectureError(f"{source}: field {field!r}: {show(value)} is invalid: expected a "
                                "non-empty list")
    return value


def _chain(layers: Any, dims: int, source: str) -> tuple[Node, ...]:
    nodes = [Node(id="input", op="input", inputs=())]
    ids = {"input"}
    pools: dict[str, Node] = {}
    for index, raw in enumerate(_raw_list(layers, "layers", source)):
        op = raw.get("op") if isinstance(raw, Mapping) else None
        default_id = f"{op}{index}" if op in OPS else f"layers[{index}]"
        if isinstance(raw, Mapping) and "inputs" in raw:
            raise ArchitectureError(f"{source}: node #{index}: field 'inputs': not allowed in "
                                    "the 'layers' form (use 'nodes' for graphs)")
        if op == "input":  # before parsing, which would blame the implicit input instead
            raise ArchitectureError(f"{source}: node #{index}: field 'op': 'input' is added "
                                    "automatically in the 'layers' form")
        node = _parse_node(raw, index, dims, source, pools, default_id=default_id,
                           default_inputs=(nodes[-1].id,))
        if node.id in ids:
            raise ArchitectureError(f"{source}: node {node.id!r}: field 'id': duplicate id")
        ids.add(node.id)
        if node.op == "maxpool":
            pools[node.id] = node
        nodes.append(node)
    return tuple(nodes)


def _graph(data: Mapping[str, Any], dims: int, source: str) -> tuple[Node, ...]:
    raws = _raw_list(data["nodes"], "nodes", source)
    if "output" not in data:
        raise ArchitectureError(f"{source}: field 'output': missing: expected the id of the "
                                "output node")
    # Maxpool nodes first, so that maxunpool can read their fields whatever the listing order.
    pools: dict[str, Node] = {}
    for index, raw in enumerate(raws):
        if isinstance(raw, Mapping) and raw.get("op") == "maxpool":
            node = _parse_node(raw, index, dims, source, pools)
            pools[node.id] = node
    nodes, ids = [], set()
    for index, raw in enumerate(raws):
        node = _parse_node(raw, index, dims, source, pools)
        if node.id in ids:
            raise ArchitectureError(f"{source}: node {node.id!r}: field 'id': duplicate id")
        ids.add(node.id)
        nodes.append(node)
    inputs = [n for n in nodes if n.op == "input"]
    if len(inputs) != 1:
        raise ArchitectureError(f"{source}: field 'nodes': {len(inputs)} nodes have op 'input': "
                                "expected exactly one")
    ordered = _toposort([inputs[0], *(n for n in nodes if n.op != "input")], source)
    return ordered


# -- loading and plain stacks -----------------------------------------------------------------
_LOADERS: dict[str, Callable[[str], Any]] = {".json": json.loads, ".toml": tomllib.loads}


def load_architecture(path: str | Path) -> Architecture:
    """Read a ``.json`` or ``.toml`` architecture file (errors name the file)."""
    file = Path(path)
    loader = _LOADERS.get(file.suffix.lower())
    if loader is None:
        raise ArchitectureError(f"{file}: file type {file.suffix!r} is invalid: expected "
                                + " or ".join(_LOADERS))
    kind = file.suffix[1:].upper()
    try:
        if file.stat().st_size > MAX_FILE_BYTES:
            raise ArchitectureError(f"{file}: {file.stat().st_size} bytes is invalid: expected "
                                    f"at most {MAX_FILE_BYTES} bytes")
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise ArchitectureError(f"{file}: cannot be read: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        raise ArchitectureError(f"{file}: not valid {kind}: byte {exc.start} is not UTF-8 text "
                                "(expected a UTF-8 file)") from None
    try:
        data = loader(text)
    except RecursionError:
        raise ArchitectureError(f"{file}: not valid {kind}: nested too deeply") from None
    except ValueError as exc:  # the decoders' errors, and integers past Python's digit limit
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ArchitectureError(f"{file}: not valid {kind}: {message[:160]}") from None
    return parse_architecture(data, source=str(file))


def plain_stack(kernel_sizes: Sequence[int], dilations: Sequence[int] | None = None, *,
                strides: Sequence[int] | None = None,
                paddings: Sequence[int] | None = None, dims: int = 1) -> Architecture:
    """A chain of single-channel convolutions, the same on every axis (``--kernel-sizes`` ...).

    Missing dilations, strides and paddings default to 1, 1 and 0; list lengths must match.
    """
    count = len(kernel_sizes)
    columns = {"dilation": dilations, "stride": strides, "padding": paddings}
    layers: list[dict[str, Any]] = [{"op": "conv", "kernel_size": k, "out_channels": 1,
                                     "bias": False} for k in kernel_sizes]
    for name, values in columns.items():
        if values is None:
            continue
        if len(values) != count:
            raise ArchitectureError(f"<plain stack>: field '{name}s': {list(values)!r} is "
                                    f"invalid: expected {count} values (one per layer)")
        for layer, value in zip(layers, values, strict=True):
            layer[name] = value
    return parse_architecture({"dims": dims, "layers": layers}, source="<plain stack>")
