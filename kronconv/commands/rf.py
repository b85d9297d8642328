"""``kronconv rf``: receptive field, effective stride and padding, coverage holes and parameters
of an architecture file, a shipped example, a plain stack given by flags, or a PyTorch model
(``--torch``); with ``--input-shape`` the per-layer table (output shapes, own parameters,
alignment)."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import replace

from kronconv.commands.common import example_or_file, int_list, print_json
from kronconv.errors import invalid
from kronconv.receptive_field.report import RFLayer, RFReport, rf_report
from kronconv.specs.architecture import MERGE_OPS, Architecture, load_architecture, plain_stack
from kronconv.specs.shapes import check_branch_shapes

PLAIN_STACK_FLAGS = ("--kernel-sizes", "--dilations", "--strides", "--paddings", "--dims")


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Receptive field (closed forms of Araujo et al.), the exact coverage set and its holes, "
        "branch alignment and parameter counts, per layer and for the output. Give an "
        "architecture file (.json or .toml), a shipped example (--example), or a plain stack "
        "with --kernel-sizes.")
    parser.epilog = ("examples: kronconv rf --example vgg16; kronconv rf --kernel-sizes 3,3,3 "
                     "--dilations 1,2,4 --json")
    parser.add_argument("arch", nargs="?", metavar="ARCH",
                        help="architecture file (.json or .toml)")
    parser.add_argument("--example", metavar="NAME", help="a shipped example architecture "
                        "(e.g. vgg16; an unknown name lists them all)")
    parser.add_argument("--kernel-sizes", type=int_list, help="plain stack: k0,k1,...")
    parser.add_argument("--dilations", type=int_list, help="plain stack: d0,d1,... (default 1)")
    parser.add_argument("--strides", type=int_list, help="plain stack: s0,s1,... (default 1)")
    parser.add_argument("--paddings", type=int_list, help="plain stack: p0,p1,... (default 0)")
    parser.add_argument("--dims", type=int, choices=(1, 2, 3), default=None,
                        help="plain stack: number of spatial axes (default 1)")
    add_torch_arguments(parser)
    parser.add_argument("--size", type=int_list, help="input size per axis (16 or 16,8): the "
                        "branches meeting at add/concat must then have equal shapes (default: "
                        "refused only when no input size makes them equal)")
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


def _given(args: argparse.Namespace) -> list[str]:
    """The plain-stack flags the user gave, in the order of ``PLAIN_STACK_FLAGS``."""
    return [flag for flag in PLAIN_STACK_FLAGS
            if getattr(args, flag[2:].replace("-", "_")) is not None]


def architecture_from_args(args: argparse.Namespace) -> Architecture:
    given = _given(args)
    if args.torch is not None:
        if args.arch is not None or args.example is not None or given:
            raise invalid("--torch", args.torch, "no architecture file, --example or "
                          "plain-stack flag together with --torch")
        return torch_architecture(args)
    file = example_or_file(args, args.arch)
    if file is not None:
        if given:
            flag = given[0]
            raise invalid(flag, getattr(args, flag[2:].replace("-", "_")), "no plain-stack flag "
                          "together with an architecture file or --example")
        return load_architecture(file)
    if args.kernel_sizes is None:
        raise invalid("ARCH", None, "an architecture file, --example NAME, or --kernel-sizes "
                      "for a plain stack")
    return plain_stack(args.kernel_sizes, args.dilations, strides=args.strides,
                       paddings=args.paddings, dims=args.dims or 1)


def axes(values: Sequence[object] | None) -> str:
    """Per-axis values as ``15x15``; ``-`` where there are none."""
    return "-" if values is None else "x".join(str(v) for v in values)


def table(rows: Sequence[RFLayer]) -> list[str]:
    """One line per node: layer, op, rf, stride, padding, centre, holes, params."""
    header = ("layer", "op", "rf", "stride", "padding", "centre", "holes", "params")
    cells = [[r.id, r.op, axes(r.receptive_field), axes(r.effective_stride),
              axes(r.effective_padding), axes(r.center), str(r.holes), str(r.parameters)]
             for r in rows]
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(header)]
    return ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
            for row in [list(header), *cells]]


def summary(report: RFReport) -> list[str]:
    """The output's line, its first holes and the branch alignment."""
    top = report.top
    density = "dense" if top.dense else f"{top.holes} holes"
    lines = [f"output {report.output!r}: receptive field {axes(top.receptive_field)}, "
             f"effective stride {axes(top.effective_stride)}, effective padding "
             f"{axes(top.effective_padding)}, centre {axes(top.center)}, {density}, "
             f"{top.parameters} parameters"]
    if top.hole_positions:
        lines.append(f"  first holes: {[list(h) for h in top.hole_positions[:10]]}")
    merges = [r for r in report.layers if r.op in MERGE_OPS]
    checked = [r.id for r in merges if r.effective_stride is not None]
    unchecked = [r.id for r in merges if r.effective_stride is None]
    if checked and report.aligned:
        lines.append(f"  alignment: the branches of {', '.join(checked)} are aligned on every "
                     "axis")
    if unchecked:
        lines.append(f"  alignment: not checked for {', '.join(unchecked)} (after upsample, "
                     "conv_transpose or maxunpool the receptive field depends on the output "
                     "unit's phase)")
    lines += [f"  alignment: {message}" for message in report.alignment]
    return lines


def run(args: argparse.Namespace) -> int:
    arch = architecture_from_args(args)
    check_branch_shapes(arch, None if args.size is None else
                        args.size[0] if len(args.size) == 1 else args.size)
    report = rf_report(arch)
    if args.input_shape is not None:  # the semantics (output shapes) only when asked for
        from kronconv.receptive_field.layers import format_table, layer_table

        report = replace(report, input_shape=tuple(args.input_shape),
                         table=tuple(layer_table(arch, args.input_shape, report)))
    if args.json:
        print_json(report)
        return 0
    rows = table(report.layers)
    if report.table:
        from kronconv.receptive_field.layers import format_table

        rows = format_table(report.table)
    print("\n".join([*rows, *summary(report)]))
    return 0
