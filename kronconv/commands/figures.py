"""``kronconv figures -o DIR [--seed N] [--only NAME ...]``: the essay's figures."""

from __future__ import annotations

import argparse

from kronconv.commands.common import check_output, non_negative_int
from kronconv.render.figures import DEFAULT_SEED, FIGURE_NAMES, PIXELS, write_figures


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Draw the essay's figures from the engines with matplotlib: Kronecker products of "
        "random 3x3 kernels, self-similar kernels, rank-1 kernels beside them, receptive-field "
        f"growth and coverage maps. Each is seeded and written as NAME.png ({PIXELS[0]}x"
        f"{PIXELS[1]} pixels) and NAME.pdf; DIR/figures.md holds the captions.")
    parser.add_argument("-o", "--output", required=True, metavar="DIR",
                        help="directory to write the figures into (created if missing)")
    parser.add_argument("--seed", type=non_negative_int,
                        default=DEFAULT_SEED, help="seed of the random "
                        f"kernels (default {DEFAULT_SEED})")
    parser.add_argument("--only", nargs="+", choices=FIGURE_NAMES, metavar="NAME",
                        help=f"only these figures: {', '.join(FIGURE_NAMES)}")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    check_output("-o", args.output, directory=True)
    for path in write_figures(args.output, args.only or (), args.seed):
        print(f"wrote {path}")
    return 0
