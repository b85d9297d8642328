"""``kronconv equivariance ARCH|--example NAME|--torch FILE.py:FACTORY --size N``: which cyclic
shifts an architecture respects."""

from __future__ import annotations

import argparse
import math

from kronconv.commands.common import (
    add_executor_arguments,
    example_or_file,
    int_list,
    non_negative_int,
    positive_int,
    print_json,
)
from kronconv.commands.rf import add_torch_arguments, torch_architecture
from kronconv.equivariance.analysis import (
    PROVE_MODES,
    RECHECK_MODES,
    WEIGHT_MODES,
    analyze_equivariance,
)
from kronconv.equivariance.consistency import SideBySide, compare_with_consistency
from kronconv.equivariance.exhaustive import METHODS, exhaustive_equivariance
from kronconv.equivariance.results import EquivarianceResult
from kronconv.equivariance.smt import DEFAULT_RLIMIT
from kronconv.errors import check_int, invalid
from kronconv.parallel import executor
from kronconv.serialize import to_json
from kronconv.specs.architecture import Architecture, load_architecture


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "For an N-sized circular input, every cyclic shift v: respected (f(T_v x) = T_u f(x) "
        "for every input), or not (a counterexample), or unknown. The answer comes from the "
        "shift calculus (rules proved for every size), checked in exact arithmetic at N, proved "
        "by z3 when small (or with --prove always); shifts come in classes (the cosets of the "
        "respected group). --weights symbolic asks about every choice of weights (the "
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
    parser.add_argument("--seed", type=non_negative_int, default=0,
                        help="seed of random weights and inputs")
    parser.add_argument("--prove", choices=PROVE_MODES, default="auto",
                        help="z3 at this size: auto (at most 256 input entries), always, never")
    parser.add_argument("--rlimit", type=positive_int, default=DEFAULT_RLIMIT,
                        help="z3 resource limit per query (solver steps, the same on every "
                        "machine; too small gives 'inconclusive', never a finding)")
    parser.add_argument("--recheck", choices=RECHECK_MODES, default="auto",
                        help="re-check counterexamples with the naive reference engine: auto "
                        "(up to 64x64, 32 of them), all, none")
    parser.add_argument("--exhaustive", action="store_true",
                        help="decide every shift one by one without the calculus (small sizes)")
    parser.add_argument("--method", choices=METHODS, default="generators",
                        help="with --exhaustive: prove a generating set (default) or each shift")
    parser.add_argument("--consistency", type=non_negative_int, default=0, metavar="COUNT",
                        help="also measure the sampled shift consistency on COUNT random "
                        "shifts, printed beside the exact answer")
    add_executor_arguments(parser, "the per-shift proofs of --exhaustive --method each")
    parser.add_argument("--timeout", type=float, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.set_defaults(run=run)


def architecture(args: argparse.Namespace) -> tuple[Architecture, str]:
    """The architecture (a file, a shipped example or a PyTorch model) and its name."""
    if args.torch is not None:
        if args.architecture is not None or args.example is not None:
            raise invalid("--torch", args.torch, "no architecture file or --example together "
                          "with --torch")
        arch = torch_architecture(args)
        args.size = args.size or args.input_shape[2:]
        return arch, args.torch
    file = example_or_file(args, args.architecture)
    if file is None:
        raise invalid("ARCH", None, "an architecture file, --example NAME or --torch "
                      "FILE.py:FACTORY")
    return load_architecture(file), args.example or args.architecture


def run(args: argparse.Namespace) -> int:
    check_int("--seed", args.seed, minimum=0)
    check_int("--rlimit", args.rlimit, minimum=1)
    check_int("--consistency", args.consistency, minimum=0)
    if args.timeout is not None:
        raise invalid("--timeout", args.timeout, "--rlimit N instead: z3 is bounded by "
                      "resource units (the same verdict on every machine), not seconds")
    arch, name = architecture(args)
    if not args.size:
        raise invalid("--size", args.size, "the input size per axis, e.g. 16 or 16,8")
    size = args.size[0] if len(args.size) == 1 else args.size
    if args.exhaustive:
        with executor(args.jobs, args.scheduler) as pool:
            result = exhaustive_equivariance(arch, size, weights=args.weights, seed=args.seed,
                                             method=args.method, rlimit=args.rlimit, name=name,
                                             pool=pool)
    else:
        result = analyze_equivariance(arch, size, weights=args.weights, seed=args.seed,
                                      prove=args.prove, rlimit=args.rlimit,
                                      recheck_mode=args.recheck, name=name)
    side = compare_with_consistency(arch, result, count=args.consistency, seed=args.seed) \
        if args.consistency else None
    if args.json:
        data = to_json(result)
        if side is not None:
            data["consistency"] = to_json(side)
        print_json(data)
    else:
        print("\n".join(describe(result, side)))
    return 0


def _shift(v: tuple[int, ...] | None) -> str:
    return str(list(v)) if v is not None else "-"


def describe(result: EquivarianceResult, side: SideBySide | None = None) -> list[str]:
    """The human-readable lines of a result (and of the sampled consistency beside it)."""
    gens = ", ".join(f"{_shift(v)}->{_shift(u)}" for v, u in result.generators)
    lines = [f"{result.name}: input {list(result.size)} -> output {list(result.output_size)} "
             "(circular shifts)", f"  question: {result.question_text}",
             f"  respected: {len(result.respected)} of {math.prod(result.size)} shifts "
             f"(generators {gens or 'none: only the zero shift'}; method {result.method})"]
    classes = [v for v in result.verdicts if v.status == "respected" and v.period is not None]
    unknown = result.with_status("unknown")
    lines += [f"    {_shift(v.shift)}: {v.evidence}" for v in [*unknown, *classes]]
    rule = "equals" if result.matches_total_stride_rule() else "differs from"
    lines.append(f"  total stride {list(result.total_stride)}: respected set {rule} the "
                 "multiples of the total stride")
    refuted = result.with_status("not-respected")
    lines.append(f"  not respected: {sum(v.members for v in refuted)} shifts ({len(refuted)} "
                 "classes), each class with a counterexample")
    if refuted:
        lines.append(f"    e.g. shift {_shift(refuted[0].shift)}: {refuted[0].evidence}")
    if unknown:
        lines.append(f"  unknown: {len(unknown)} shifts or classes: "
                     + ", ".join(_shift(v.shift) for v in unknown[:16]))
    if side is not None:
        lines.append(f"  exact: {side.respected} of {side.total} shifts respected "
                     f"({side.exact_fraction:.4f}); sampled consistency on "
                     f"{side.sampled.count} random shifts: exact "
                     f"{side.sampled.exact_consistency:.4f}, positions "
                     f"{side.sampled.position_consistency:.4f}")
    return [*lines, f"  ({result.seconds:.2f} s)"]
