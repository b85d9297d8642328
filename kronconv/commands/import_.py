"""``kronconv import FILE.py:FACTORY --input-shape 1,3,224,224 -o arch.json``: write the
architecture of a PyTorch model as a kronconv graph file (needs kronconv[torch])."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from kronconv.commands.common import int_list
from kronconv.errors import invalid


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Capture a PyTorch model (torch.export, torch.fx as the fallback) at an input shape and "
        "write its kronconv architecture (graph form, JSON). FACTORY is a callable taking no "
        "argument that returns an nn.Module.")
    parser.add_argument("model", metavar="FILE.py:FACTORY",
                        help="the model factory (or package.module:FACTORY)")
    parser.add_argument("--input-shape", type=int_list, required=True, metavar="B,C,N...",
                        help="input shape, e.g. 1,3,224,224")
    parser.add_argument("-o", "--output", required=True, help="architecture file to write "
                        "(.json)")
    parser.add_argument("--unknown-pointwise", action="store_true", help="treat ops kronconv "
                        "does not know that keep the shape as elementwise functions")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from kronconv.torch_import import import_spec

    target = Path(args.output)
    if target.suffix.lower() != ".json":
        raise invalid("--output", args.output, "a .json file name")
    imported = import_spec(args.model, args.input_shape,
                           unknown_pointwise=args.unknown_pointwise, flag="MODEL")
    target.write_text(json.dumps(imported.data, indent=2) + "\n", encoding="utf-8")
    arch = imported.architecture
    print(f"{target}: {len(arch.nodes)} nodes, {arch.dims}-D, output {arch.output!r} "
          f"(captured with {imported.method})")
    return 0
