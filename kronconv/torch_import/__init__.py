"""Import a PyTorch model as a kronconv :class:`~kronconv.specs.Architecture` (needs torch:
``pip install 'kronconv[torch]'``; the rest of kronconv never imports it).

:func:`from_torch` captures the model with ``torch.export`` (``torch.fx`` as the fallback),
maps every ATen call onto kronconv's ops (:mod:`kronconv.torch_import.convert`) and validates
the result like any architecture file. The architecture is specialised to the example input:
its shape fixes adaptive poolings, interpolation factors and broadcasting.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kronconv.errors import ArchitectureError, invalid
from kronconv.specs.architecture import Architecture, parse_architecture


@dataclass(frozen=True)
class Imported:
    """An imported model: the architecture, its JSON form, and for each kronconv node the name
    of the torch graph node it came from, the output shape torch recorded and the model's
    weights (float64 NumPy arrays in kronconv's layout: batchnorm as scale and shift)."""

    architecture: Architecture
    data: dict[str, Any]
    torch_names: dict[str, str]
    shapes: dict[str, tuple[int, ...]]
    weights: dict[str, dict[str, Any]]
    method: str
    program: Any  # the torch.fx.GraphModule torch produced


def import_torch(model: Any, example_input: Any, *, unknown_pointwise: bool = False,
                 name: str = "model") -> Imported:
    """Capture and convert ``model`` (an ``nn.Module``) at ``example_input`` (a tensor of
    shape (batch, channels, *spatial))."""
    import torch

    from kronconv.torch_import.capture import capture
    from kronconv.torch_import.convert import convert

    if not isinstance(model, torch.nn.Module):
        raise invalid("model", type(model).__name__, "a torch.nn.Module")
    if not isinstance(example_input, torch.Tensor) or not 3 <= example_input.ndim <= 5:
        raise invalid("example_input", getattr(example_input, "shape", example_input),
                      "a tensor of shape (batch, channels, 1 to 3 spatial axes)")
    captured = capture(model, example_input)
    state = convert(captured, unknown_pointwise=unknown_pointwise)
    data = {"name": name, "source": f"{captured.method} at input shape "
            f"{list(captured.input_shape)}", "dims": state.dims,
            "in_channels": captured.input_shape[1], "nodes": state.nodes,
            "output": state.alias[captured.output]}
    arch = parse_architecture(data, source=name)
    return Imported(arch, data, dict(state.names), dict(state.shapes), dict(state.weights),
                    captured.method, captured.program)


def from_torch(model: Any, example_input: Any, *, unknown_pointwise: bool = False
               ) -> Architecture:
    """The kronconv architecture of a PyTorch model at the example input's shape."""
    return import_torch(model, example_input, unknown_pointwise=unknown_pointwise).architecture


def load_factory(spec: str, flag: str = "--torch") -> Any:
    """'FILE.py:FACTORY' or 'package.module:FACTORY' -> the nn.Module FACTORY() returns."""
    path, sep, attribute = spec.rpartition(":")
    if not sep or not path or not attribute.isidentifier():
        raise invalid(flag, spec, "FILE.py:FACTORY or package.module:FACTORY")
    if path.endswith(".py"):
        file = Path(path)
        if not file.is_file():
            raise invalid(flag, spec, f"an existing Python file ({path} does not exist)")
        module_name = f"kronconv_user_{file.stem}"
        loader = importlib.util.spec_from_file_location(module_name, file)
        assert loader is not None and loader.loader is not None
        module = importlib.util.module_from_spec(loader)
        sys.modules[module_name] = module
        loader.loader.exec_module(module)
    else:
        try:
            module = importlib.import_module(path)
        except ImportError as exc:
            raise invalid(flag, spec, f"an importable module ({exc})") from None
    factory = getattr(module, attribute, None)
    if not callable(factory):
        raise invalid(flag, spec, f"a callable {attribute!r} in {path}")
    model = factory()
    import torch

    if not isinstance(model, torch.nn.Module):
        raise ArchitectureError(f"{spec}: the factory returned {type(model).__name__}: "
                                "expected a torch.nn.Module")
    return model


def import_spec(spec: str, input_shape: Sequence[int], *, unknown_pointwise: bool = False,
                seed: int = 0, flag: str = "--torch") -> Imported:
    """Import the model of 'FILE.py:FACTORY' at a seeded random input of ``input_shape``
    (errors name the command-line ``flag`` that gave ``spec``)."""
    try:
        import torch
    except ImportError:
        raise invalid(flag, spec, "PyTorch installed: pip install 'kronconv[torch]'") \
            from None
    shape = list(input_shape)
    if not 3 <= len(shape) <= 5 or min(shape) < 1:
        raise invalid("--input-shape", ",".join(map(str, shape)), "batch,channels and 1 to 3 "
                      "spatial sizes, all >= 1 (e.g. 1,3,224,224)")
    model = load_factory(spec, flag)
    generator = torch.Generator().manual_seed(seed)
    example = torch.randn(*shape, generator=generator)
    return import_torch(model, example, unknown_pointwise=unknown_pointwise, name=spec)


__all__ = ["Imported", "from_torch", "import_spec", "import_torch", "load_factory"]
