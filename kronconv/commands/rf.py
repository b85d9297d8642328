"""``kronconv rf``: receptive field, effective stride and padding, coverage holes and parameters
of an architecture file or of a plain stack given by flags."""

from __future__ import annotations

import argparse
from typing import Any

from kronconv.commands.common import int_list, print_json
from kronconv.errors import invalid
from kronconv.receptive_field.report import rf_report
from kronconv.specs.architecture import MERGE_OPS, Architecture, load_architecture, plain_stack
from kronconv.specs.shapes import check_branch_shapes


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
    parser.add_argument("--size", type=int_list, help="input size per axis (16 or 16,8): the "
                        "branches meeting at add/concat must then have equal shapes (default: "
                        "refused only when no input size makes them equal)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.set_defaults(run=run)


def architecture_from_args(args: argparse.Namespace) -> Architecture:
    flags = [args.kernel_sizes, args.dilations, args.strides, args.paddings, args.dims]
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
    check_branch_shapes(arch, None if args.size is None else
                        args.size[0] if len(args.size) == 1 else args.size)
    report = rf_report(arch)
    if args.json:
        print_json(report)
        return 0
    header = ("layer", "op", "rf", "stride", "padding", "centre", "holes", "params")
    rows = [[e["id"], e["op"], _axes(e["receptive_field"]), _axes(e["effective_stride"]),
             _axes(e["effective_padding"]), _axes(e["center"]), str(e["holes"]),
             str(e["parameters"])] for e in report["layers"]]
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    for row in [list(header), *rows]:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
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
        print(f"  alignment: not checked for {', '.join(unchecked)} (after upsample or "
              "maxunpool the receptive field depends on the output unit's phase)")
    for message in report["alignment"]:
        print(f"  alignment: {message}")
    return 0
