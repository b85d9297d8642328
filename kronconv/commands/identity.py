"""``kronconv identity``: is this cascade one convolution with K_L kron ... kron K_0?"""

from __future__ import annotations

import argparse

from kronconv.commands.common import int_list, non_negative_int, positive_int, print_json
from kronconv.engines import ENGINES
from kronconv.errors import check_int, invalid
from kronconv.kronecker.identity import IdentityResult, check_identity
from kronconv.serialize import to_json
from kronconv.specs import BOUNDARIES, CONVENTIONS, NONLINEARITIES, Cascade


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Check whether a single-channel linear cascade of dilated convolutions equals one "
        "convolution with the Kronecker product of its kernels (most dilated layer leftmost).")
    parser.epilog = ("exit status: 0, or with --check 1 when the identity does not hold; "
                     "2 on bad input")
    sizes = parser.add_mutually_exclusive_group(required=True)
    sizes.add_argument("--kernel-size", type=int, help="kernel size a of every layer")
    sizes.add_argument("--kernel-sizes", type=int_list,
                       help="one kernel size per layer: a0,a1,...")
    schedule = parser.add_mutually_exclusive_group()
    schedule.add_argument("--layers", type=positive_int,
                          help="N layers with dilations a^0 ... a^(N-1)")
    schedule.add_argument("--dilations", type=int_list, help="one dilation per layer: d0,d1,...")
    parser.add_argument("--dims", type=int, choices=(1, 2, 3), default=2)
    parser.add_argument("--convention", choices=CONVENTIONS, default="convolution")
    parser.add_argument("--boundary", choices=BOUNDARIES, default="full")
    parser.add_argument("--channels", type=int, default=1,
                        help="channels C of every layer (C > 1: the generalised identity)")
    parser.add_argument("--nonlinearity", choices=NONLINEARITIES, default="none",
                        help="pointwise nonlinearity between layers")
    parser.add_argument("--engine", choices=ENGINES.names(), default="symbolic")
    parser.add_argument("--seed", type=non_negative_int,
                        default=0, help="seed of the random kernels")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument("--check", action="store_true",
                        help="exit 1 when the identity does not hold (for scripts and CI)")
    parser.set_defaults(run=run)


def cascade_from_args(args: argparse.Namespace) -> Cascade:
    """The cascade the flags describe (kernel sizes and a schedule)."""
    check_int("--channels", args.channels, minimum=1)
    common = {"dims": args.dims, "convention": args.convention, "boundary": args.boundary,
              "channels": args.channels, "nonlinearity": args.nonlinearity}
    if args.kernel_sizes is not None:
        if args.layers is not None:
            raise invalid("--layers", args.layers, "to be omitted with --kernel-sizes (give "
                          "--dilations, or none for d_l = a_0 ... a_(l-1))")
        sizes = args.kernel_sizes
        if args.dilations is not None:
            return Cascade.from_schedule(sizes, args.dilations, **common)
        # Mixed-radix schedule: d_l is the product of the earlier kernel sizes.
        dilations, product = [], 1
        for a in sizes:
            dilations.append(product)
            product *= max(a, 1)
        return Cascade.from_schedule(sizes, dilations, **common)
    a = args.kernel_size
    if args.dilations is not None:
        return Cascade.from_schedule([a] * len(args.dilations), args.dilations, **common)
    if args.layers is None:
        raise invalid("--layers", None, "a number of layers, or --dilations")
    return Cascade.exponential(a, args.layers, **common)


EXTRA_LINES = ("structure", "kronecker_rank", "tt_ranks", "boundary", "counterexample")


def describe(result: IdentityResult) -> list[str]:
    """The human-readable lines of a result."""
    verdict = "holds" if result.holds else "does not hold"
    lines = [f"identity {verdict} ({result.evidence_kind}, engine {result.engine}, "
             f"{result.seconds:.2f} s)",
             f"  composite extent {list(result.kernel_extent)}, Kronecker product extent "
             f"{list(result.predicted_extent)}",
             f"  {result.comparison}",
             f"  evidence: {result.detail}"]
    return lines + [f"  {key}: {to_json(result.extra[key])}" for key in EXTRA_LINES
                    if key in result.extra]


def run(args: argparse.Namespace) -> int:
    cascade = cascade_from_args(args)
    result = check_identity(cascade, args.engine, seed=args.seed)
    if args.json:
        print_json(result)
    else:
        print("\n".join(describe(result)))
    return 1 if args.check and not result.holds else 0
