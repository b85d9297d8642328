"""Capture a PyTorch model as a list of ATen calls with every argument named.

``torch.export`` (before ``run_decompositions()``, which would break ``max_unpool2d`` apart)
keeps every edge of the model: residual adds, functional convolutions, ``cat``, ``interpolate``
and the pool-to-unpool indices; where export fails (e.g. on unsupported Python), ``torch.fx``
symbolic tracing is the fallback, its module calls and functions translated to the same ATen
names. Shapes are those of the example input (export specialises them). Default arguments,
which export leaves out of the graph, are filled in from the op's schema, so a handler always
finds every argument by name.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import torch
import torch.fx
import torch.nn as nn
import torch.nn.functional as F

from kronconv.errors import ArchitectureError


@dataclass(frozen=True)
class Ref:
    """An argument that is the output of another graph node."""

    name: str


@dataclass(frozen=True)
class Call:
    """One graph node: an ATen op (``op``, e.g. 'conv2d', 'relu_'), its arguments by name
    (tensors as :class:`Ref`), the shape of its output(s), the module path and source line."""

    name: str
    op: str
    args: dict[str, Any]
    shape: tuple[int, ...] | tuple[tuple[int, ...], ...]
    module: str = ""
    source: str = ""


@dataclass(frozen=True)
class Captured:
    """The calls in topological order, the input's name and shape, the output's name, and the
    graph module torch produced (``program``, for cross-checks that run it)."""

    calls: tuple[Call, ...]
    input: str
    input_shape: tuple[int, ...]
    output: str
    method: str
    program: torch.fx.GraphModule


def capture(model: nn.Module, example: torch.Tensor) -> Captured:
    """``torch.export`` first, ``torch.fx`` if export fails (both in eval mode)."""
    model = model.eval()
    try:
        program = torch.export.export(model, (example,)).module()
        method = "torch.export"
    except Exception as export_error:  # export fails in many ways; fx is the documented fallback
        try:
            program = _fx_with_shapes(model, example)
            method = "torch.fx"
        except Exception as fx_error:
            raise ArchitectureError(f"the model cannot be captured: torch.export failed "
                                    f"({_first_line(export_error)}) and torch.fx failed "
                                    f"({_first_line(fx_error)})") from None
    return _read(program, method)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}"


def _fx_with_shapes(model: nn.Module, example: torch.Tensor) -> torch.fx.GraphModule:
    traced = torch.fx.symbolic_trace(model)
    from torch.fx.passes.shape_prop import ShapeProp

    ShapeProp(traced).propagate(example)
    return traced


# -- reading a graph module -------------------------------------------------------------------
def _read(program: torch.fx.GraphModule, method: str) -> Captured:
    calls: list[Call] = []
    inputs: list[torch.fx.Node] = []
    output = ""
    for node in program.graph.nodes:
        if node.op == "placeholder":
            inputs.append(node)
        elif node.op == "output":
            output = _output_name(node)
        elif node.op == "get_attr" or not node.users:
            continue  # parameters are read where used; unused calls (guards, asserts) ignored
        else:
            calls.append(_call(program, node))
    if len(inputs) != 1:
        raise ArchitectureError(f"the model has {len(inputs)} tensor inputs: expected exactly one")
    shape = _shape(inputs[0])
    assert isinstance(shape[0], int)
    return Captured(tuple(calls), inputs[0].name, tuple(int(n) for n in shape), output, method,
                    program)


def _output_name(node: torch.fx.Node) -> str:
    result = node.args[0]
    while isinstance(result, (list, tuple)) and len(result) == 1:
        result = result[0]
    if not isinstance(result, torch.fx.Node):
        raise ArchitectureError(f"the model returns {type(result).__name__}: expected one tensor")
    return result.name


def _shape(node: torch.fx.Node) -> tuple[Any, ...]:
    value: Any = node.meta.get("val", node.meta.get("tensor_meta"))
    if hasattr(value, "shape"):  # a tensor, or torch.fx's TensorMetadata (a named tuple)
        return tuple(int(n) for n in value.shape)
    if isinstance(value, (list, tuple)):
        return tuple(tuple(int(n) for n in v.shape) for v in value if hasattr(v, "shape"))
    return ()


def _source(node: torch.fx.Node) -> str:
    """'file.py:12' of the innermost user frame torch recorded, or ''."""
    found = re.findall(r'File "([^"]+)", line (\d+)', node.meta.get("stack_trace") or "")
    return f"{found[-1][0]}:{found[-1][1]}" if found else ""


def _module(node: torch.fx.Node) -> str:
    stack = node.meta.get("nn_module_stack") or {}
    if not stack:
        return ""
    path = list(stack.values())[-1][0]
    return re.sub(r"^L\['self'\]\.?", "", str(path))


def _value(program: torch.fx.GraphModule, value: Any) -> Any:
    """Nodes become :class:`Ref`, parameters (get_attr) their tensors, lists recursively."""
    if isinstance(value, torch.fx.Node):
        if value.op == "get_attr":
            return _attribute(program, str(value.target))
        return Ref(value.name)
    if isinstance(value, (list, tuple)):
        return [_value(program, v) for v in value]
    return value


def _attribute(program: torch.fx.GraphModule, target: str) -> Any:
    value: Any = program
    for part in target.split("."):
        value = getattr(value, part)
    return value


def _call(program: torch.fx.GraphModule, node: torch.fx.Node) -> Call:
    op, named = _normalise(program, node)
    args = {k: _value(program, v) for k, v in named.items()}
    return Call(node.name, op, args, _shape(node), _module(node), _source(node))


def _normalise(program: torch.fx.GraphModule, node: torch.fx.Node) -> tuple[str, dict[str, Any]]:
    """(ATen op name, every argument by name, defaults filled in)."""
    target = node.target
    if node.op == "call_module":
        return _module_call(program, node)
    if isinstance(target, torch._ops.OpOverload):
        return target.__name__.split(".")[0], _bind(target._schema, node.args, node.kwargs)
    if target is operator.getitem:
        return "getitem", {"self": node.args[0], "index": node.args[1]}
    functional = _FUNCTIONS.get(target)
    if functional is not None:
        return functional(node)
    name = str(getattr(target, "__name__", target)).lstrip("_")
    packet = getattr(torch.ops.aten, name, None)
    if packet is not None and "default" in packet.overloads():  # e.g. torch.avg_pool1d
        return name, _bind(packet.default._schema, node.args, node.kwargs)
    return name, {f"arg{i}": a for i, a in enumerate(node.args)} | dict(node.kwargs)


def _bind(schema: Any, args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for i, argument in enumerate(schema.arguments):
        if i < len(args) and not argument.kwarg_only:
            out[argument.name] = args[i]
        elif argument.name in kwargs:
            out[argument.name] = kwargs[argument.name]
        elif argument.has_default_value():
            out[argument.name] = argument.default_value
    return out


# -- torch.fx: module calls and functions as ATen calls --------------------------------------
def _module_call(program: torch.fx.GraphModule, node: torch.fx.Node) -> tuple[str, dict[str, Any]]:
    module = program.get_submodule(str(node.target))
    x = node.args[0]
    for kinds, translate in _MODULES:
        if isinstance(module, kinds):
            return translate(module, x, node)
    return type(module).__name__, {"input": x}


def _conv_module(module: Any, x: Any, node: torch.fx.Node) -> tuple[str, dict[str, Any]]:
    dims = len(module.kernel_size)
    transposed = isinstance(module, nn.modules.conv._ConvTransposeNd)
    padding = module.padding
    if module.padding_mode != "zeros":
        raise ArchitectureError(f"node {node.name!r}: padding_mode {module.padding_mode!r} of a "
                                "convolution module is not supported under torch.fx; use F.pad")
    args = {"input": x, "weight": module.weight, "bias": module.bias, "stride": module.stride,
            "padding": padding, "dilation": module.dilation, "groups": module.groups}
    if transposed:
        args["output_padding"] = module.output_padding
        return f"conv_transpose{dims}d", args
    return f"conv{dims}d", args


def _fx_pool(kind: str) -> Callable[[Any, Any, torch.fx.Node], tuple[str, dict[str, Any]]]:
    def translate(module: Any, x: Any, node: torch.fx.Node) -> tuple[str, dict[str, Any]]:
        dims = int(type(module).__name__[-2])
        args = {"self": x, "kernel_size": module.kernel_size, "stride": module.stride,
                "padding": module.padding, "ceil_mode": module.ceil_mode}
        if kind == "max":
            args["dilation"] = module.dilation
            return (f"max_pool{dims}d_with_indices" if module.return_indices
                    else f"max_pool{dims}d"), args
        args["count_include_pad"] = module.count_include_pad
        args["divisor_override"] = getattr(module, "divisor_override", None)
        return f"avg_pool{dims}d", args
    return translate


def _simple(op: str, **fields: str) -> Callable[[Any, Any, torch.fx.Node],
                                               tuple[str, dict[str, Any]]]:
    def translate(module: Any, x: Any, node: torch.fx.Node) -> tuple[str, dict[str, Any]]:
        return op, {"self": x, **{k: getattr(module, v) for k, v in fields.items()}}
    return translate


def _batchnorm(module: Any, x: Any, node: torch.fx.Node) -> tuple[str, dict[str, Any]]:
    return "batch_norm", {"input": x, "weight": module.weight, "bias": module.bias,
                          "training": module.training}


def _unpool(module: Any, x: Any, node: torch.fx.Node) -> tuple[str, dict[str, Any]]:
    dims = int(type(module).__name__[-2])
    return f"max_unpool{dims}d", {"self": x, "indices": node.args[1], "output_size": None}


def _upsample(module: Any, x: Any, node: torch.fx.Node) -> tuple[str, dict[str, Any]]:
    return _interpolate_args(x, module.mode, module.align_corners)


def _interpolate_args(x: Any, mode: str, align_corners: Any) -> tuple[str, dict[str, Any]]:
    names = {"nearest": "upsample_nearest", "linear": "upsample_linear",
             "bilinear": "upsample_linear", "trilinear": "upsample_linear"}
    if mode not in names:
        return f"interpolate_{mode}", {"input": x}
    return names[mode], {"input": x, "align_corners": bool(align_corners)}


_MODULES: list[tuple[Any, Callable[[Any, Any, torch.fx.Node], tuple[str, dict[str, Any]]]]] = [
    ((nn.Conv1d, nn.Conv2d, nn.Conv3d, nn.ConvTranspose1d, nn.ConvTranspose2d,
      nn.ConvTranspose3d), _conv_module),
    ((nn.MaxPool1d, nn.MaxPool2d, nn.MaxPool3d), _fx_pool("max")),
    ((nn.AvgPool1d, nn.AvgPool2d, nn.AvgPool3d), _fx_pool("avg")),
    ((nn.AdaptiveAvgPool1d, nn.AdaptiveAvgPool2d, nn.AdaptiveAvgPool3d),
     _simple("adaptive_avg_pool", output_size="output_size")),
    ((nn.AdaptiveMaxPool1d, nn.AdaptiveMaxPool2d, nn.AdaptiveMaxPool3d),
     _simple("adaptive_max_pool", output_size="output_size")),
    ((nn.MaxUnpool2d, nn.MaxUnpool3d), _unpool),
    ((nn.Upsample,), _upsample),
    ((nn.BatchNorm1d, nn.BatchNorm2d, nn.BatchNorm3d), _batchnorm),
    ((nn.ReLU,), _simple("relu")),
    ((nn.LeakyReLU,), _simple("leaky_relu", negative_slope="negative_slope")),
    ((nn.GELU,), _simple("gelu", approximate="approximate")),
    ((nn.SiLU,), _simple("silu")),
    ((nn.Hardswish,), _simple("hardswish")),
    ((nn.Hardsigmoid,), _simple("hardsigmoid")),
    ((nn.Sigmoid,), _simple("sigmoid")),
    ((nn.Tanh,), _simple("tanh")),
    ((nn.Dropout, nn.Dropout1d, nn.Dropout2d, nn.Dropout3d, nn.Identity), _simple("dropout")),
]


def _fx_functional(op: str, first: str = "self") -> Callable[[torch.fx.Node],
                                                             tuple[str, dict[str, Any]]]:
    def translate(node: torch.fx.Node) -> tuple[str, dict[str, Any]]:
        aten = getattr(torch.ops.aten, op)
        overload = aten.Tensor if op in ("add", "sub", "mul") else aten.default
        args = list(node.args)
        kwargs = dict(node.kwargs)
        kwargs.pop("inplace", None)
        return op, _bind(overload._schema, tuple(args[:len(overload._schema.arguments)]), kwargs)
    return translate


def _fx_interpolate(node: torch.fx.Node) -> tuple[str, dict[str, Any]]:
    bound = _bind_python(F.interpolate, node)
    return _interpolate_args(bound["input"], bound.get("mode", "nearest"),
                             bound.get("align_corners"))


def _fx_pad(node: torch.fx.Node) -> tuple[str, dict[str, Any]]:
    bound = _bind_python(F.pad, node)
    return "pad", {"self": bound["input"], "pad": bound["pad"],
                   "mode": bound.get("mode", "constant"), "value": bound.get("value")}


def _fx_cat(node: torch.fx.Node) -> tuple[str, dict[str, Any]]:
    return "cat", {"tensors": node.args[0], "dim": node.args[1] if len(node.args) > 1
                   else node.kwargs.get("dim", 0)}


def _bind_python(function: Any, node: torch.fx.Node) -> dict[str, Any]:
    import inspect

    bound = inspect.signature(function).bind(*node.args, **node.kwargs)
    bound.apply_defaults()
    return dict(bound.arguments)


def _functions() -> dict[Any, Callable[[torch.fx.Node], tuple[str, dict[str, Any]]]]:
    table: dict[Any, Callable[[torch.fx.Node], tuple[str, dict[str, Any]]]] = {
        operator.add: _fx_functional("add"), operator.sub: _fx_functional("sub"),
        operator.mul: _fx_functional("mul"), operator.iadd: _fx_functional("add"),
        operator.imul: _fx_functional("mul"), torch.add: _fx_functional("add"),
        torch.sub: _fx_functional("sub"), torch.mul: _fx_functional("mul"),
        torch.cat: _fx_cat, F.interpolate: _fx_interpolate, F.pad: _fx_pad,
    }
    for name in ("relu", "gelu", "silu", "hardswish", "hardsigmoid", "sigmoid", "tanh",
                 "leaky_relu", "conv1d", "conv2d", "conv3d"):
        op = _fx_functional(name)
        for owner in (F, torch):
            if hasattr(owner, name):
                table[getattr(owner, name)] = op
    return table


_FUNCTIONS = _functions()
