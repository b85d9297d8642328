"""Map captured ATen calls onto kronconv's graph architecture (the JSON ``nodes`` form).

Each supported op has a handler returning node fields; ops that only rename a tensor (dropout,
``contiguous``, the values of a pooling with indices) become aliases; ``F.pad`` is fused into
the convolution it feeds; an adaptive pooling becomes the fixed window it is at the example's
size; broadcasting in add/sub/mul is made explicit with a nearest upsampling of the size-1 axes.
Anything else raises :class:`UnsupportedOpError` naming the node, the op, the source line and
the supported ops, unless ``unknown_pointwise`` lets a one-input op that keeps the shape pass as
an opaque ``pointwise`` node.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import torch

from kronconv.errors import ArchitectureError
from kronconv.torch_import.capture import Call, Captured, Ref


class UnsupportedOpError(ArchitectureError):
    """A graph node whose op kronconv cannot represent."""


@dataclass
class _State:
    """Conversion state: raw nodes so far, aliases, pending pads, ids, shapes."""

    captured: Captured
    unknown_pointwise: bool
    nodes: list[dict[str, Any]] = field(default_factory=list)
    alias: dict[str, str] = field(default_factory=dict)  # torch name -> kronconv id
    pads: dict[str, tuple[str, list[tuple[int, int]], str]] = field(default_factory=dict)
    indices: dict[str, str] = field(default_factory=dict)  # torch name of indices -> pool id
    shapes: dict[str, tuple[int, ...]] = field(default_factory=dict)  # kronconv id -> shape
    names: dict[str, str] = field(default_factory=dict)  # kronconv id -> torch node name
    ids: dict[str, str] = field(default_factory=dict)  # torch node name -> kronconv id
    weights: dict[str, dict[str, Any]] = field(default_factory=dict)  # float64 NumPy arrays

    @property
    def dims(self) -> int:
        return len(self.captured.input_shape) - 2


def convert(captured: Captured, *, unknown_pointwise: bool = False) -> _State:
    state = _State(captured, unknown_pointwise)
    state.ids = _readable_ids(captured)
    state.nodes.append({"id": "input", "op": "input"})
    state.alias[captured.input] = "input"
    state.shapes["input"] = captured.input_shape
    for call in captured.calls:
        handler = HANDLERS.get(call.op.rstrip("_")) if call.op != "getitem" else _getitem
        if handler is None:
            if unknown_pointwise and _keeps_shape(state, call):
                _emit(state, call, {"op": "pointwise", "function": call.op},
                      [_tensor(state, call, _first_tensor(call))])
                continue
            raise _unsupported(call)
        handler(state, call)
    if captured.output not in state.alias:
        raise ArchitectureError(f"the model's output {captured.output!r} is not a tensor "
                                "kronconv follows")
    return state


def _readable_ids(captured: Captured) -> dict[str, str]:
    """Module path where it names one call (e.g. 'layer1.0.conv1'), else path/torch name."""
    counts: dict[str, int] = {}
    for call in captured.calls:
        if call.op != "getitem":
            counts[call.module] = counts.get(call.module, 0) + 1
    ids = {call.name: call.module if call.module and counts[call.module] == 1
           else f"{call.module}/{call.name}" if call.module else call.name
           for call in captured.calls}
    return {name: f"{i}/{name}" if i == "input" else i for name, i in ids.items()}


def _unsupported(call: Call, why: str = "") -> UnsupportedOpError:
    where = f" at {call.source}" if call.source else ""
    reason = f": {why}" if why else " is not supported"
    return UnsupportedOpError(
        f"node {call.name!r}{where}: op {call.op!r}{reason}; supported ops: "
        + ", ".join(SUPPORTED) + " (in-place variants too); unknown elementwise ops pass as "
        "'pointwise' with unknown_pointwise=True (--unknown-pointwise)")


# -- helpers ----------------------------------------------------------------------------------
def _first_tensor(call: Call) -> Ref:
    for value in call.args.values():
        if isinstance(value, Ref):
            return value
    raise _unsupported(call, "no tensor input")


def _keeps_shape(state: _State, call: Call) -> bool:
    refs = [v for v in call.args.values() if isinstance(v, Ref)]
    return len(refs) == 1 and refs[0].name in state.alias \
        and state.shapes[state.alias[refs[0].name]] == call.shape


def _tensor(state: _State, call: Call, ref: Any) -> str:
    """The kronconv id of a tensor argument (a pending F.pad may only feed a convolution)."""
    if not isinstance(ref, Ref):
        raise _unsupported(call, f"argument {ref!r} is not a tensor of the graph")
    if ref.name in state.pads:
        raise _unsupported(call, "F.pad feeds it; kronconv fuses F.pad only into the "
                           "convolution that follows")
    if ref.name in state.indices:
        raise _unsupported(call, "it reads pooling indices; only max_unpool may")
    if ref.name not in state.alias:
        raise _unsupported(call, f"its input {ref.name!r} is not a tensor kronconv follows")
    return state.alias[ref.name]


def _emit(state: _State, call: Call, fields: dict[str, Any], inputs: list[str]) -> str:
    node_id = state.ids[call.name]
    state.nodes.append({"id": node_id, **fields, "inputs": inputs})
    state.alias[call.name] = node_id
    state.names[node_id] = call.name
    state.shapes[node_id] = call.shape  # type: ignore[assignment]
    return node_id


def _per_axis(state: _State, call: Call, name: str, value: Any, default: int) -> list[int]:
    if value is None or value == []:
        value = default
    values = [int(v) for v in value] if isinstance(value, (list, tuple)) else [int(value)]
    if len(values) == 1:
        values *= state.dims
    if len(values) != state.dims:
        raise _unsupported(call, f"{name}={value!r} does not give one value per axis")
    return values


def _spatial(shape: Any) -> tuple[int, ...]:
    return tuple(shape[2:])


# -- handlers -------------------------------------------------------------------------------------
def _conv(state: _State, call: Call) -> None:
    a = call.args
    transposed = call.op.startswith("conv_transpose") or bool(a.get("transposed"))
    weight = a["weight"]
    if not isinstance(weight, torch.Tensor):
        raise _unsupported(call, "the weight is computed in the graph, not a parameter")
    kernel = list(weight.shape[2:])
    padding: Any = a.get("padding", 0)
    fields: dict[str, Any] = {
        "op": "conv_transpose" if transposed else "conv", "kernel_size": kernel,
        "stride": _per_axis(state, call, "stride", a.get("stride"), 1),
        "dilation": _per_axis(state, call, "dilation", a.get("dilation"), 1),
        "groups": int(a.get("groups", 1)), "bias": a.get("bias") is not None,
        "out_channels": int(weight.shape[1] * a.get("groups", 1) if transposed
                            else weight.shape[0])}
    source = a["input"]
    if isinstance(padding, str):
        fields["padding"] = padding
    else:
        fields["padding"] = [[p, p] for p in _per_axis(state, call, "padding", padding, 0)]
    if transposed:
        fields["output_padding"] = _per_axis(state, call, "output_padding",
                                             a.get("output_padding"), 0)
    elif isinstance(source, Ref) and source.name in state.pads:
        source = _fuse_pad(state, call, source, fields)
    node_id = _emit(state, call, fields, [_tensor(state, call, source)])
    state.weights[node_id] = {"weight": _numpy(weight)}
    if a.get("bias") is not None:
        state.weights[node_id]["bias"] = _numpy(a["bias"])


def _numpy(tensor: Any) -> Any:
    return tensor.detach().to(torch.float64).numpy()


def _fuse_pad(state: _State, call: Call, source: Ref, fields: dict[str, Any]) -> Ref:
    """conv(F.pad(x)): the pad's widths join the conv's own (zeros), or become circular."""
    original, widths, mode = state.pads[source.name]
    own = fields["padding"]
    if isinstance(own, str):
        raise _unsupported(call, "padding='same' after F.pad")
    if mode == "circular":
        if any(p != [0, 0] for p in own):
            raise _unsupported(call, "circular F.pad before a convolution with its own padding")
        fields["padding_mode"] = "circular"
        fields["padding"] = [list(w) for w in widths]
    else:
        fields["padding"] = [[a + p[0], b + p[1]] for (a, b), p in zip(widths, own, strict=True)]
    return Ref(original)


def _pad(state: _State, call: Call) -> None:
    a = call.args
    mode = a.get("mode", "constant") if call.op == "pad" else "constant"
    value = a.get("value") or 0
    flat = [int(p) for p in a["pad"]]
    if mode not in ("constant", "circular") or value != 0:
        raise _unsupported(call, f"F.pad mode={mode!r} value={value!r} (kronconv has zero and "
                           "circular padding)")
    if len(flat) != 2 * state.dims or min(flat) < 0:
        raise _unsupported(call, f"pad={flat!r}: expected non-negative widths for every spatial "
                           "axis")
    widths = [(flat[2 * i], flat[2 * i + 1]) for i in range(state.dims)][::-1]
    source = a["self"] if "self" in a else a["input"]
    state.pads[call.name] = (source.name, widths, mode)


def _pool(state: _State, call: Call) -> None:
    a = call.args
    kind = "maxpool" if call.op.startswith("max") else "avgpool"
    kernel = _per_axis(state, call, "kernel_size", a["kernel_size"], 1)
    fields: dict[str, Any] = {
        "op": kind, "kernel_size": kernel,
        "stride": _per_axis(state, call, "stride", a.get("stride") or kernel, 1),
        "padding": _per_axis(state, call, "padding", a.get("padding"), 0),
        "ceil_mode": bool(a.get("ceil_mode", False))}
    if kind == "maxpool":
        fields["dilation"] = _per_axis(state, call, "dilation", a.get("dilation"), 1)
    else:
        if a.get("divisor_override") is not None:
            raise _unsupported(call, "avg_pool with divisor_override")
        fields["count_include_pad"] = bool(a.get("count_include_pad", True))
    _emit(state, call, fields, [_tensor(state, call, a["self"])])


def _adaptive(state: _State, call: Call) -> None:
    """Adaptive pooling at the example's size: windows k = s = n / o when o divides n."""
    a = call.args
    source = _tensor(state, call, a["self"])
    n = _spatial(state.shapes[source])
    out = [m if m is not None else size for m, size in zip(
        _listify(a["output_size"], state.dims), n, strict=True)]
    if any(size % m for size, m in zip(n, out, strict=True)):
        raise _unsupported(call, f"adaptive pooling from {list(n)} to {out}: kronconv needs "
                           "the output size to divide the input size (equal windows)")
    kernel = [size // m for size, m in zip(n, out, strict=True)]
    op = "maxpool" if "max" in call.op else "avgpool"
    _emit(state, call, {"op": op, "kernel_size": kernel, "stride": kernel}, [source])


def _listify(value: Any, dims: int) -> list[Any]:
    return list(value) if isinstance(value, (list, tuple)) else [value] * dims


def _mean(state: _State, call: Call) -> None:
    """x.mean(spatial axes, keepdim=True): a global average pooling of those axes."""
    a = call.args
    source = _tensor(state, call, a["self"])
    shape = state.shapes[source]
    axes = {d % len(shape) for d in (a.get("dim") or [])}
    if not a.get("keepdim") or not axes or min(axes) < 2:
        raise _unsupported(call, "mean over spatial axes with keepdim=True only")
    kernel = [shape[i] if i in axes else 1 for i in range(2, len(shape))]
    _emit(state, call, {"op": "avgpool", "kernel_size": kernel, "stride": kernel}, [source])


def _unpool(state: _State, call: Call) -> None:
    a = call.args
    indices = a["indices"]
    if not isinstance(indices, Ref) or indices.name not in state.indices:
        raise _unsupported(call, "its indices do not come from a max pooling of the graph")
    pool = state.indices[indices.name]
    expected = _spatial(state.shapes[_pool_input(state, pool)])
    if _spatial(call.shape) != expected:
        raise _unsupported(call, f"output size {list(_spatial(call.shape))} differs from the "
                           f"input size {list(expected)} of its pooling node {pool!r}")
    _emit(state, call, {"op": "maxunpool", "indices": pool}, [_tensor(state, call, a["self"])])


def _pool_input(state: _State, pool: str) -> str:
    return next(n["inputs"][0] for n in state.nodes if n["id"] == pool)


def _getitem(state: _State, call: Call) -> None:
    """Item 0 of a pooling with indices is its value; item 1 its indices."""
    source, index = call.args["self"], call.args["index"]
    parent = next((c for c in state.captured.calls if c.name == source.name), None)
    if parent is None or not parent.op.startswith(("max_pool", "adaptive_max_pool")):
        raise _unsupported(call, "item of a tuple that is not a max pooling with indices")
    pool = state.alias[source.name]
    if index == 0:
        state.alias[call.name] = pool
    elif parent.op.startswith("adaptive"):
        raise _unsupported(call, "indices of an adaptive max pooling")
    else:
        state.indices[call.name] = pool


def _tuple_pool(state: _State, call: Call) -> None:
    """max_pool*_with_indices / adaptive_max_pool*: the node itself, read through getitem."""
    (_adaptive if call.op.startswith("adaptive") else _pool)(state, call)
    state.shapes[state.alias[call.name]] = call.shape[0]  # type: ignore[assignment]


def _upsample(state: _State, call: Call) -> None:
    a = call.args
    source = _tensor(state, call, a["input"] if "input" in a else a["self"])
    if a.get("align_corners"):
        raise _unsupported(call, "interpolation with align_corners=True (its source "
                           "coordinates depend on the size, not on the scale factor)")
    n, m = _spatial(state.shapes[source]), _spatial(call.shape)
    if any(b % s for s, b in zip(n, m, strict=True)):
        raise _unsupported(call, f"upsampling from {list(n)} to {list(m)}: kronconv needs an "
                           "integer scale factor per axis")
    factors = [b // s for s, b in zip(n, m, strict=True)]
    linear = "linear" in call.op and any(s > 1 for s in n)  # from size 1 both are constant
    _emit(state, call, {"op": "upsample", "scale_factor": factors,
                        "mode": "linear" if linear else "nearest"}, [source])


_POINTWISE = {"relu": "relu", "leaky_relu": "leaky_relu", "sigmoid": "sigmoid", "tanh": "tanh",
              "silu": "silu", "hardswish": "hardswish", "hardsigmoid": "hardsigmoid",
              "gelu": "gelu"}


def _pointwise(state: _State, call: Call) -> None:
    a = call.args
    source = _tensor(state, call, a.get("self", a.get("input")))
    op = _POINTWISE[call.op.rstrip("_")]
    fields: dict[str, Any] = {"op": op}
    if op == "leaky_relu":
        fields["negative_slope"] = float(a.get("negative_slope", 0.01))
    if op == "gelu" and a.get("approximate", "none") != "none":
        fields = {"op": "pointwise", "function": f"gelu_{a['approximate']}"}
    _emit(state, call, fields, [source])


def _batchnorm(state: _State, call: Call) -> None:
    a = call.args
    if a.get("training"):
        raise _unsupported(call, "batch_norm in training mode (call model.eval())")
    node_id = _emit(state, call, {"op": "batchnorm"}, [_tensor(state, call, a["input"])])
    # Inference: y = weight (x - mean) / sqrt(var + eps) + bias = scale x + shift.
    mean, var = _numpy(a["running_mean"]), _numpy(a["running_var"])
    scale = 1.0 / (var + float(a.get("eps", 1e-5))) ** 0.5
    if a.get("weight") is not None:
        scale = scale * _numpy(a["weight"])
    shift = -mean * scale + (_numpy(a["bias"]) if a.get("bias") is not None else 0.0)
    state.weights[node_id] = {"scale": scale, "shift": shift}


def _identity(state: _State, call: Call) -> None:
    """dropout (inference: the identity), contiguous, clone, alias, detach."""
    state.alias[call.name] = _tensor(state, call, _first_tensor(call))


def _elementwise(state: _State, call: Call) -> None:
    a = call.args
    op = call.op.rstrip("_")
    left, right = a["self"], a["other"]
    if a.get("alpha", 1) != 1:
        raise _unsupported(call, f"{op} with alpha={a['alpha']}")
    tensors = [v for v in (left, right) if isinstance(v, Ref)]
    if len(tensors) == 1:  # x + c, x * c: an elementwise map of one tensor
        constant = right if isinstance(left, Ref) else left
        if isinstance(constant, torch.Tensor) and constant.numel() != 1:
            raise _unsupported(call, f"{op} with a constant tensor of shape "
                               f"{list(constant.shape)}")
        value = float(constant) if isinstance(constant, (int, float, torch.Tensor)) else constant
        side = f"x {op} {value:g}" if isinstance(left, Ref) else f"{value:g} {op} x"
        _emit(state, call, {"op": "pointwise", "function": side},
              [_tensor(state, call, tensors[0])])
        return
    inputs = [_broadcast(state, call, _tensor(state, call, t)) for t in tensors]
    _emit(state, call, {"op": op}, inputs)


def _broadcast(state: _State, call: Call, source: str) -> str:
    """Size-1 spatial axes repeated to the output's size (an exact nearest upsampling)."""
    shape, target = state.shapes[source], call.shape
    if len(shape) != len(target) or shape[1] != target[1]:
        raise _unsupported(call, f"broadcasting {list(shape)} to {list(target)}: kronconv "
                           "broadcasts size-1 spatial axes only")
    if _spatial(shape) == _spatial(target):
        return source
    if any(n not in (1, m) for n, m in zip(_spatial(shape), _spatial(target), strict=True)):
        raise _unsupported(call, f"broadcasting {list(shape)} to {list(target)}")
    node_id = f"{state.ids[call.name]}/broadcast_{source}"
    state.nodes.append({"id": node_id, "op": "upsample", "inputs": [source],
                        "scale_factor": [m // n for n, m in zip(_spatial(shape),
                                                                 _spatial(target),
                                                                 strict=True)]})
    state.shapes[node_id] = tuple(target)
    return node_id


def _cat(state: _State, call: Call) -> None:
    a = call.args
    dim = int(a.get("dim", 0)) % len(call.shape)
    if dim != 1:
        raise _unsupported(call, f"cat along dim {a.get('dim')} (kronconv concatenates "
                           "channels, dim 1)")
    inputs = [_tensor(state, call, t) for t in a["tensors"]]
    if len(inputs) == 1:
        state.alias[call.name] = inputs[0]
        return
    _emit(state, call, {"op": "concat"}, inputs)


Handler = Callable[[_State, Call], None]
HANDLERS: dict[str, Handler] = {
    **{f"conv{d}d": _conv for d in (1, 2, 3)},
    **{f"conv_transpose{d}d": _conv for d in (1, 2, 3)},
    "convolution": _conv,
    **{f"max_pool{d}d": _pool for d in (1, 2, 3)},
    **{f"max_pool{d}d_with_indices": _tuple_pool for d in (1, 2, 3)},
    **{f"avg_pool{d}d": _pool for d in (1, 2, 3)},
    **{f"adaptive_avg_pool{d}d": _adaptive for d in (1, 2, 3)},
    **{f"adaptive_max_pool{d}d": _tuple_pool for d in (1, 2, 3)},
    "adaptive_avg_pool": _adaptive, "adaptive_max_pool": _adaptive,
    "mean": _mean,
    **{f"max_unpool{d}d": _unpool for d in (2, 3)},
    "upsample_nearest": _upsample, "upsample_linear": _upsample,
    **{f"upsample_nearest{d}d": _upsample for d in (1, 2, 3)},
    **{f"_upsample_nearest_exact{d}d": _upsample for d in (1, 2, 3)},
    "upsample_linear1d": _upsample, "upsample_bilinear2d": _upsample,
    "upsample_trilinear3d": _upsample,
    **{name: _pointwise for name in _POINTWISE},
    "batch_norm": _batchnorm,
    **{name: _identity for name in ("dropout", "feature_dropout", "alpha_dropout",
                                    "contiguous", "clone", "alias", "detach")},
    "add": _elementwise, "sub": _elementwise, "mul": _elementwise,
    "cat": _cat, "pad": _pad, "constant_pad_nd": _pad,
}
SUPPORTED = ("conv1d/2d/3d (stride, padding incl. 'same', dilation, groups)",
             "conv_transpose1d/2d/3d", "F.pad (zero or circular, before a conv)",
             "max_pool (indices, ceil_mode)", "avg_pool (count_include_pad, ceil_mode)",
             "adaptive_avg_pool / adaptive_max_pool (output size dividing the input)",
             "mean over spatial axes", "max_unpool", "upsample / interpolate (nearest, "
             "linear, bilinear, trilinear; align_corners=False)", *sorted(_POINTWISE),
             "batch_norm (eval)", "dropout (identity)", "add", "sub", "mul (broadcasting)",
             "cat")
