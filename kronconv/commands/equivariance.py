"""``kronconv equivariance ARCH --size N``: which cyclic shifts an architecture respects."""

from __future__ import annotations

import argparse
import math

from kronconv.commands.common import example_or_file, int_list, print_json
from kronconv.commands.rf import add_torch_arguments, torch_architecture
from kronconv.engines.smt import RLIMIT
from kronconv.equivariance.analysis import (
    METHODS,
    WEIGHT_MODES,
    EquivarianceResult,
    analyze_equivariance,
)
from kronconv.errors import check_int, invalid
from kronconv.serialize import to_json
from kronconv.specs.architecture import load_architecture


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "For an N-sized circular input, every cyclic shift v: respected (f(T_v x) = T_u f(x) "
        "for every input, proved by z3), or not (a counterexample re-checked by the reference "
        "engine), or unknown. --weights symbolic asks about every choice of weights (the "
        "architecture); --weights random about one seeded draw (these weights).")
    parser.epilog = "example: kronconv equivariance --example segnet16 --size 8"
    parser.add_argument("architecture", nargs="?", metavar="ARCH",
                        help="architecture file (.json or .toml)")
    parser.add_argument("--example", metavar="NAME", help="a shipped example architecture "
                        "(e.g. segnet16; an unknown name lists them all)")
    parser.add_argument("--size", type=int_list,
                        help="input size N per axis: one value, or one per axis (16 or 16,8); "
                        "with --torch, default: the spatial sizes of --input-shape")
    add_torch_arguments(parser)
    parser.add_argument("--weights", choices=WEIGHT_MODES, default="symbolic",
                        help="symbolic: for every choice of weights (default); random: for "
                        "the weights drawn from --seed")
    parser.add_argument("--seed", type=int, default=0, help="seed of random weights and inputs")
    parser.add_argument("--method", choices=METHODS, default="generators",
                        help="prove a generating set of the shift group (default) or each shift")
    parser.add_argument("--rlimit", type=int, default=RLIMIT,
                        help="z3 resource limit per query (solver steps, not seconds)")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.set_defaults(run=run)


def describe(result: EquivarianceResult) -> list[str]:
    """The human-readable lines of a result."""
    respected = sorted(result.respected.items())
    lines = [f"{result.name}: input {list(result.size)} -> output {list(result.output_size)} "
             "(circular shifts)", f"  question: {result.question_text}"]
    gens = ", ".join(str(list(v)) for v, _ in result.generators)
    how = f"proof: z3 unsat for the generators {gens}" if gens else "only the zero shift"
    lines.append(f"  respected: {len(respected)} of {math.prod(result.size)} shifts ({how})")
    lines.append("    " + ", ".join(f"{list(v)}->{list(u)}" for v, u in respected[:32])
                 + (" ..." if len(respected) > 32 else ""))
    rule = "equals" if set(result.respected) == result.rule_shifts() else "differs from"
    lines.append(f"  total stride {list(result.total_stride)}: respected set {rule} the "
                 "multiples of the total stride")
    refuted = result.with_status("not-respected")
    lines.append(f"  not respected: {len(refuted)} shifts, each with a counterexample "
                 "re-checked by the reference engine")
    first = next((v.counterexample for v in refuted if v.counterexample is not None), None)
    if first is not None:
        lines.append(f"    e.g. shift {list(first.shift)}: input {_short(to_json(first.input))};"
                     " f(x) and f(T_v x) differ for every output shift")
    unknown = result.with_status("unknown")
    if unknown:
        lines.append(f"  unknown: {len(unknown)} shifts: "
                     + ", ".join(str(list(v.shift)) for v in unknown[:16]))
    return [*lines, f"  ({result.seconds:.2f} s)"]


def run(args: argparse.Namespace) -> int:
    check_int("--seed", args.seed, minimum=0)
    if args.torch is not None:
        if args.architecture is not None or args.example is not None:
            raise invalid("--torch", args.torch, "no architecture file or --example together "
                          "with --torch")
        arch = torch_architecture(args)
        args.size = args.size or args.input_shape[2:]
        name = args.torch
    else:
        file = example_or_file(args, args.architecture)
        if file is None:
            raise invalid("ARCH", None, "an architecture file, --example NAME or --torch "
                          "FILE.py:FACTORY")
        arch = load_architecture(file)
        name = args.example or args.architecture
    if not args.size:
        raise invalid("--size", args.size, "the input size per axis, e.g. 16 or 16,8")
    size = args.size[0] if len(args.size) == 1 else args.size
    result = analyze_equivariance(arch, size, weights=args.weights, seed=args.seed,
                                  method=args.method, rlimit=args.rlimit,
                                  name=name)
    if args.json:
        print_json(result)
    else:
        print("\n".join(describe(result)))
    return 0


def _short(nested: object) -> str:
    text = str(nested)
    return text if len(text) <= 80 else text[:77] + "..."
