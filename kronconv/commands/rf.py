"""``kronconv rf``: receptive field, effective stride and padding, coverage holes and parameters
of an architecture file, of a plain stack given by flags, or of a PyTorch model (``--torch``);
with ``--input-shape`` the per-layer table (output shapes, own parameters, alignment)."""

from __future__ import annotations

import argparse
from typing import Any

from kronconv.commands.common import int_list, print_json
from kronconv.errors import invalid
from kronconv.receptive_field.layers import format_table, layer_table
from kronconv.receptive_field.report import rf_report
from kronconv.specs.architecture import MERGE_OPS, Architecture, load_architecture, plain_stack


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "rf", help="receptive field, stride, padding, holes and parameters of an architecture",
        description="Receptive field (closed forms of Araujo et al.), the exact coverage set and "
        "its holes, branch alignment and parameter counts, per layer and for the output. Give "
        "an architecture file (.json or .toml) or a plain stack with --kernel-sizes.")
    parser.add_argument("arch", nargs="?", help="architecture file (.json or .toml)")
    parser.add_argument("--kernel-sizes", type=int_list, help="plain stack: k0,k1,...")
    parser.add_argument("--dilations", type=int_list, help="plain stack: d0,d1,... (default 1)")
    parser.add_argument("--strides", type=int_list, help="plain stack: s0,s1,... (default 1)")
    parser.add_argument("--paddings", type=int_list, help="plain stack: p0,p1,... (default 0)")
    parser.add_argument("--dims", type=int, choices=(1, 2, 3), default=None,
                        help="plain stack: number of spatial axes (default 1)")
    add_torch_arguments(parser)
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.set_defaults(run=run)


def add_torch_arguments(parser: argparse.ArgumentParser) -> None:
    """--torch FILE.py:FACTORY, --input-shape, --unknown-pointwise (shared with equivariance)."""
    parser.add_argument("--torch", metavar="FILE.py:FACTORY", help="analyse a PyTorch model: "
                        "FACTORY() returns an nn.Module (a dotted module path works too; needs "
                        "kronconv[torch])")
    parser.add_argument("--input-shape", type=int_list, metavar="B,C,N...", help="input shape, "
                        "e.g. 1,3,224,224: needed with --torch; with a file, adds the per-layer "
                        "table of output shapes")
    parser.add_argument("--unknown-pointwise", action="store_true", help="--torch: treat ops "
                        "kronconv does not know that keep the shape as elementwise functions")


def torch_architecture(args: argparse.Namespace) -> Architecture:
    """The architecture of --torch at --input-shape (torch is imported only here)."""
    if args.input_shape is None:
        raise invalid("--input-shape", None, "the model's input shape with --torch, e.g. "
                      "1,3,224,224")
    from kronconv.torch_import import import_spec

    return import_spec(args.torch, args.input_shape,
                       unknown_pointwise=args.unknown_pointwise).architecture


def architecture_from_args(args: argparse.Namespace) -> Architecture:
    flags = [args.kernel_sizes, args.dilations, args.strides, args.paddings, args.dims]
    if args.torch is not None:
        if args.arch is not None or any(f is not None for f in flags):
            raise invalid("--torch", args.torch, "no architecture file or plain-stack flags "
                          "together with --torch")
        return torch_architecture(args)
    if args.arch is not None:
        if any(f is not None for f in flags):
            raise invalid("--kernel-sizes", args.kernel_sizes, "no plain-stack flags together "
                          "with an architecture file")
        return load_architecture(args.arch)
    if args.kernel_sizes is None:
        raise invalid("ARCH", None, "an architecture file, or --kernel-sizes for a plain stack")
    return plain_stack(args.kernel_sizes, args.dilations, strides=args.strides,
                       paddings=args.paddings, dims=args.dims or 1)


def _axes(values: list[Any] | None) -> str:
    if values is None:
        return "-"
    return "x".join(str(v) for v in values)


def run(args: argparse.Namespace) -> int:
    arch = architecture_from_args(args)
    report = rf_report(arch)
    rows = None if args.input_shape is None else layer_table(arch, args.input_shape)
    if rows is not None:
        report["input_shape"] = list(args.input_shape)
        report["table"] = [row.to_json() for row in rows]
    if args.json:
        print_json(report)
        return 0
    if rows is not None:
        for line in format_table(rows):
            print(line)
    else:
        _print_layers(report)
    _print_summary(report)
    return 0


def _print_layers(report: dict[str, Any]) -> None:
    header = ("layer", "op", "rf", "stride", "padding", "centre", "holes", "params")
    rows = [[e["id"], e["op"], _axes(e["receptive_field"]), _axes(e["effective_stride"]),
             _axes(e["effective_padding"]), _axes(e["center"]), str(e["holes"]),
             str(e["parameters"])] for e in report["layers"]]
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    for row in [list(header), *rows]:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())


def _print_summary(report: dict[str, Any]) -> None:
    density = "dense" if report["dense"] else f"{report['holes']} holes"
    print(f"output {report['output']!r}: receptive field {_axes(report['receptive_field'])}, "
          f"effective stride {_axes(report['effective_stride'])}, effective padding "
          f"{_axes(report['effective_padding'])}, centre {_axes(report['center'])}, {density}, "
          f"{report['parameters']} parameters")
    if report["hole_positions"]:
        print(f"  first holes: {report['hole_positions'][:10]}")
    merges = [e for e in report["layers"] if e["op"] in MERGE_OPS]
    checked = [e["id"] for e in merges if e["effective_stride"] is not None]
    unchecked = [e["id"] for e in merges if e["effective_stride"] is None]
    if checked and report["aligned"]:
        print(f"  alignment: the branches of {', '.join(checked)} are aligned on every axis")
    if unchecked:
        print(f"  alignment: not checked for {', '.join(unchecked)} (after upsample, "
              "conv_transpose or maxunpool the receptive field depends on the output unit's "
              "phase)")
    for message in report["alignment"]:
        print(f"  alignment: {message}")
