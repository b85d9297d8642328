"""``kronconv equivariance ARCH --size N``: which cyclic shifts an architecture respects."""

from __future__ import annotations

import argparse

from kronconv.commands.common import int_list, print_json
from kronconv.equivariance.analysis import (
    PROVE_MODES,
    RECHECK_MODES,
    WEIGHT_MODES,
    analyze_equivariance,
)
from kronconv.equivariance.consistency import compare_with_consistency
from kronconv.equivariance.exhaustive import METHODS, exhaustive_equivariance
from kronconv.equivariance.smt import DEFAULT_RLIMIT
from kronconv.errors import check_int, invalid
from kronconv.specs.architecture import load_architecture


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "equivariance", help="exact set of input shifts an architecture is equivariant to",
        description="For an N-sized circular input, every cyclic shift v: respected (f(T_v x) = "
        "T_u f(x) for every input), or not (a counterexample), or unknown. The answer comes "
        "from the shift calculus (rules proved for every size), checked in exact arithmetic "
        "at N, proved by z3 when small (or with --prove always); shifts come in classes (the "
        "cosets of the respected group). --weights symbolic asks about every choice of weights "
        "(the architecture); --weights random about one seeded draw (these weights).")
    parser.add_argument("architecture", help="architecture file (.json or .toml)")
    parser.add_argument("--size", type=int_list, required=True,
                        help="input size N per axis: one value, or one per axis (16 or 16,8)")
    parser.add_argument("--weights", choices=WEIGHT_MODES, default="symbolic",
                        help="symbolic: for every choice of weights (default); random: for "
                        "the weights drawn from --seed")
    parser.add_argument("--seed", type=int, default=0, help="seed of random weights and inputs")
    parser.add_argument("--prove", choices=PROVE_MODES, default="auto",
                        help="z3 at this size: auto (at most 256 input entries), always, never")
    parser.add_argument("--rlimit", type=int, default=DEFAULT_RLIMIT,
                        help="z3 resource limit per query (solver steps, the same on every "
                        "machine; too small gives 'inconclusive', never a finding)")
    parser.add_argument("--recheck", choices=RECHECK_MODES, default="auto",
                        help="re-check counterexamples with the naive reference engine: auto "
                        "(up to 64x64, 32 of them), all, none")
    parser.add_argument("--exhaustive", action="store_true",
                        help="decide every shift one by one without the calculus (small sizes)")
    parser.add_argument("--method", choices=METHODS, default="generators",
                        help="with --exhaustive: prove a generating set (default) or each shift")
    parser.add_argument("--consistency", type=int, default=0, metavar="COUNT",
                        help="also measure the sampled shift consistency on COUNT random "
                        "shifts, printed beside the exact answer")
    parser.add_argument("--timeout", type=float, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    check_int("--seed", args.seed, minimum=0)
    check_int("--rlimit", args.rlimit, minimum=1)
    check_int("--consistency", args.consistency, minimum=0)
    if args.timeout is not None:
        raise invalid("--timeout", args.timeout, "--rlimit N instead: z3 is bounded by "
                      "resource units (the same verdict on every machine), not seconds")
    arch = load_architecture(args.architecture)
    size = args.size[0] if len(args.size) == 1 else args.size
    if args.exhaustive:
        result = exhaustive_equivariance(arch, size, weights=args.weights, seed=args.seed,
                                         method=args.method, rlimit=args.rlimit,
                                         name=args.architecture)
    else:
        result = analyze_equivariance(arch, size, weights=args.weights, seed=args.seed,
                                      prove=args.prove, rlimit=args.rlimit,
                                      recheck_mode=args.recheck, name=args.architecture)
    data = result.to_json()
    side = compare_with_consistency(arch, result, count=args.consistency, seed=args.seed) \
        if args.consistency else None
    if side is not None:
        data["consistency"] = side.to_json()
    if args.json:
        print_json(data)
        return 0
    print(f"{args.architecture}: input {data['size']} -> output {data['output_size']} "
          f"(circular shifts)")
    print(f"  question: {data['question_text']}")
    gens = ", ".join(f"{g['shift']}->{g['output_shift']}" for g in data["generators"])
    print(f"  respected: {data['respected_count']} of {data['total_shifts']} shifts "
          f"(generators {gens or 'none: only the zero shift'}; method {data['method']})")
    for verdict in data["unknown"] + [v for v in _respected_classes(result)]:
        print(f"    {verdict['shift']}: {verdict['evidence']}")
    print(f"  total stride {data['total_stride']}: respected set "
          + ("equals" if data["matches_total_stride_rule"] else "differs from")
          + " the multiples of the total stride")
    refuted = data["not_equivariant"]
    members = sum(v.get("class", {}).get("members", 1) for v in refuted)
    print(f"  not respected: {members} shifts ({len(refuted)} classes), each class with a "
          "counterexample")
    if refuted:
        first = refuted[0]
        print(f"    e.g. shift {first['shift']}: {first['evidence']}")
    if data["unknown"]:
        print(f"  unknown: {len(data['unknown'])} shifts or classes: "
              + ", ".join(str(u["shift"]) for u in data["unknown"][:16]))
    if side is not None:
        print(f"  exact: {side.respected} of {side.total} shifts respected "
              f"({side.exact_fraction:.4f}); sampled consistency on {side.sampled.count} random "
              f"shifts: exact {side.sampled.exact_consistency:.4f}, positions "
              f"{side.sampled.position_consistency:.4f}")
    print(f"  ({data['seconds']:.2f} s)")
    return 0


def _respected_classes(result: object) -> list[dict]:
    verdicts = getattr(result, "verdicts", ())
    return [v.to_json() for v in verdicts if v.status == "respected" and v.period is not None]

