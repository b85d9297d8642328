"""``kronconv equivariance ARCH --size N``: which cyclic shifts an architecture respects."""

from __future__ import annotations

import argparse

from kronconv.commands.common import int_list, non_negative_int, print_json, timeout_seconds
from kronconv.equivariance.analysis import METHODS, WEIGHT_MODES, analyze_equivariance
from kronconv.specs.architecture import load_architecture


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "equivariance", help="exact set of input shifts an architecture is equivariant to",
        description="For an N-sized circular input, every cyclic shift v: respected (f(T_v x) = "
        "T_u f(x) for every input, proved by z3), or not (a counterexample re-checked by the "
        "reference engine), or unknown. --weights symbolic asks about every choice of weights "
        "(the architecture); --weights random about one seeded draw (these weights).")
    parser.add_argument("architecture", help="architecture file (.json or .toml)")
    parser.add_argument("--size", type=int_list, required=True,
                        help="input size N per axis: one value, or one per axis (16 or 16,8)")
    parser.add_argument("--weights", choices=WEIGHT_MODES, default="symbolic",
                        help="symbolic: for every choice of weights (default); random: for "
                        "the weights drawn from --seed")
    parser.add_argument("--seed", type=non_negative_int,
                        default=0, help="seed of random weights and inputs")
    parser.add_argument("--method", choices=METHODS, default="generators",
                        help="prove a generating set of the shift group (default) or each shift")
    parser.add_argument("--timeout", type=timeout_seconds,
                        default=60.0, help="z3 time limit per query (s)")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    arch = load_architecture(args.architecture)
    size = args.size[0] if len(args.size) == 1 else args.size
    result = analyze_equivariance(arch, size, weights=args.weights, seed=args.seed,
                                  method=args.method, timeout=args.timeout,
                                  name=args.architecture)
    data = result.to_json()
    if args.json:
        print_json(data)
        return 0
    print(f"{args.architecture}: input {data['size']} -> output {data['output_size']} "
          f"(circular shifts)")
    print(f"  question: {data['question_text']}")
    gens = ", ".join(str(g["shift"]) for g in data["proof"]["generators"])
    how = f"proof: z3 unsat for the generators {gens}" if gens else "only the zero shift"
    print(f"  respected: {data['respected_count']} of {data['total_shifts']} shifts ({how})")
    shown = data["equivariant_shifts"][:32]
    print("    " + ", ".join(f"{s['shift']}->{s['output_shift']}" for s in shown)
          + (" ..." if len(data["equivariant_shifts"]) > len(shown) else ""))
    print(f"  total stride {data['total_stride']}: respected set "
          + ("equals" if data["matches_total_stride_rule"] else "differs from")
          + " the multiples of the total stride")
    refuted = data["not_equivariant"]
    print(f"  not respected: {len(refuted)} shifts, each with a counterexample re-checked by "
          "the reference engine")
    if refuted:
        first = refuted[0]["counterexample"]
        print(f"    e.g. shift {first['shift']}: input {_short(first['input'])}; f(x) and "
              "f(T_v x) differ for every output shift")
    if data["unknown"]:
        print(f"  unknown: {len(data['unknown'])} shifts: "
              + ", ".join(str(u["shift"]) for u in data["unknown"][:16]))
    print(f"  ({data['seconds']:.2f} s)")
    return 0


def _short(nested: object) -> str:
    text = str(nested)
    return text if len(text) <= 80 else text[:77] + "..."
