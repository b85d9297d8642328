"""Benchmark: exact translation equivariance (kronconv.equivariance.analyze_equivariance, the
shift calculus checked at the size) in CPU seconds, with the growth rate in the side N, against
a named baseline measured in the same run.

Targets (issue 13; CPU seconds = user + sys of this process, from resource.getrusage):
- every architecture of the catalogue at 16 x 16: at most 5 s each (an architecture that does
  not accept 16 x 16 is reported with its one-line error);
- dilated4_circular and segnet16 at 512 x 512: at most 30 s each, with the exact shift set
  (all 262,144 shifts; the 16,384 multiples of 4);
- the gallery's DeepLabV3 at 256 x 256: at most 60 s (skipped with a message while
  examples/torch/deeplabv3.py or torch is missing), with its growth over N = 64, 128, 256.
  Before the group-law reduction and the one-channel restriction (this same call on the
  former main) it did not finish in 15 minutes: one exact evaluation of its 40 million
  weights at 16 x 16 alone took more than 10 minutes (Python integers).
Baseline "exhaustive": kronconv.equivariance.exhaustive_equivariance, the shift-by-shift method
(every shift screened with impulses, z3 for the generators), close to the former analysis.
Growth: the slope of log CPU against log N over N = 64, 128, 256, 512 (2 means linear in the
output size N^2), measured without the reference re-check of counterexamples (a fixed work
budget, about 1 s, so it would flatten the slope).

Group-D claims: CPU of each of the four equivariance claims of the catalogue, run as
``make verify`` runs them, against the baseline of issue 13 (62.2 s, the former main; named,
not re-measured). Target: at most a tenth of it.

Run: .venv/bin/python benchmarks/bench_equivariance.py   (no timing assertions anywhere)
"""

from __future__ import annotations

import importlib.util
import math
import resource
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from kronconv.catalogue import ARCHITECTURES, load_example
from kronconv.equivariance import analyze_equivariance, exhaustive_equivariance
from kronconv.errors import KronconvError

GROWTH_SIZES = (64, 128, 256, 512)
DEEPLAB_SIZES = (64, 128, 256)
GROUP_D_BASELINE = 62.2  # CPU s of the four group-D claims in make verify (issue 13)
DEEPLAB = Path(__file__).resolve().parent.parent / "examples" / "torch" / "deeplabv3.py"


def cpu(function: Callable[[], Any]) -> tuple[Any, float]:
    """(result, CPU seconds of this process spent in ``function``)."""
    def now() -> float:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return usage.ru_utime + usage.ru_stime

    start = now()
    result = function()
    return result, now() - start


def slope(points: list[tuple[int, float]]) -> float:
    """Least-squares slope of log(seconds) against log(N)."""
    xs = [math.log(n) for n, _ in points]
    ys = [math.log(max(s, 1e-3)) for _, s in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum(
        (x - mx) ** 2 for x in xs)


def catalogue_at_16() -> None:
    print("Every catalogue architecture at 16 x 16 (target <= 5 s CPU each)")
    print(f"  {'architecture':22} {'CPU s':>7} {'respected':>10} {'classes refuted':>16}"
          f" {'unknown':>8}  {'baseline s':>10} {'ratio':>6}")
    for path in sorted(ARCHITECTURES.glob("*.json")):
        arch = load_example(path.stem)
        try:
            result, seconds = cpu(partial(analyze_equivariance, arch, 16))
        except KronconvError as error:
            print(f"  {path.stem:22} refused: {error}")
            continue
        baseline = ""
        if path.stem in ("dilated4_circular", "segnet16"):
            _, base = cpu(partial(exhaustive_equivariance, arch, 16))
            baseline = f"{base:10.2f} {base / seconds:6.1f}"
        print(f"  {path.stem:22} {seconds:7.2f} {len(result.respected):10d} "
              f"{len(result.with_status('not-respected')):16d} "
              f"{len(result.with_status('unknown')):8d}  {baseline}")


def large(name: str, expected: int) -> None:
    arch = load_example(name)
    points = []
    for n in GROWTH_SIZES:
        result, seconds = cpu(partial(analyze_equivariance, arch, n, recheck_mode="none"))
        points.append((n, seconds))
        exact = n != 512 or len(result.respected) == expected
        print(f"  {name:18} N={n:4d}: {seconds:6.2f} s CPU, {len(result.respected)} shifts "
              f"respected, {len(result.with_status('not-respected'))} classes refuted, "
              f"{len(result.with_status('unknown'))} unknown"
              + ("" if exact else f"  (EXPECTED {expected})"))
    print(f"  {name:18} growth: CPU ~ N^{slope(points):.2f} (N^2 = linear in the output size; "
          "without the reference re-check, a fixed budget of about 1 s)")
    result, seconds = cpu(lambda: analyze_equivariance(arch, 512))
    print(f"  {name:18} N= 512 with the default re-check: {seconds:6.2f} s CPU, "
          f"{len(result.checks['rechecked_by_reference']['rechecked'])} counterexample(s) "
          "re-checked by the reference")


def deeplab() -> None:
    print("Gallery DeepLabV3 at 256 x 256 (target <= 60 s CPU), growth over N = "
          + ", ".join(map(str, DEEPLAB_SIZES)))
    if not DEEPLAB.exists() or importlib.util.find_spec("torch") is None:
        print("  skipped: examples/torch/deeplabv3.py or torch is missing")
        return
    from kronconv.torch_import import import_spec

    # The gallery model itself, imported from its PyTorch code at each size (import not timed).
    points = []
    for n in DEEPLAB_SIZES:
        arch = import_spec(f"{DEEPLAB}:build", (1, 3, n, n)).architecture
        result, seconds = cpu(partial(analyze_equivariance, arch, n))
        points.append((n, seconds))
        derived = sum(v.counterexample is None for v in result.with_status("not-respected"))
        rechecks = result.checks["rechecked_by_reference"]
        print(f"  N={n:4d}: {seconds:6.2f} s CPU, {len(result.respected)} shift(s) respected, "
              f"{len(result.with_status('not-respected'))} classes refuted ({derived} by the "
              f"group law), {len(result.with_status('unknown'))} unknown; counterexamples "
              f"re-checked by the reference at {rechecks['rechecked']}, not at "
              f"{rechecks['not_rechecked']}; {result.checks['evaluated_on']}")
    print(f"  growth: CPU ~ N^{slope(points):.2f} (whole pipeline, default re-check budget)")
    result, seconds = cpu(partial(analyze_equivariance, arch, n, recheck_mode="all"))
    rechecks = result.checks["rechecked_by_reference"]
    print(f"  N={n:4d} with --recheck all: {seconds:6.2f} s CPU, counterexamples re-checked by "
          f"the reference at {rechecks['rechecked']}, not at {rechecks['not_rechecked']}")


def group_d_claims() -> None:
    """The four equivariance claims of the catalogue (group D), as ``make verify`` runs them
    (every check, the runner's re-check of each counterexample included)."""
    from kronconv.claims.runner import load_claims, run_claim

    proofs = ARCHITECTURES.parent / "proofs" / "group_d.py"
    print(f"Group-D claims (target <= 1/10 of the baseline {GROUP_D_BASELINE} s CPU, "
          "issue 13's measurement of the former main)")
    total = 0.0
    for claim in load_claims([proofs]):
        result, seconds = cpu(partial(run_claim, claim))
        total += seconds
        print(f"  {claim.id:30} {seconds:6.2f} s CPU  {result.status}")
    print(f"  {'together':30} {total:6.2f} s CPU  ratio to the baseline "
          f"{GROUP_D_BASELINE / total:.1f}x")


def main() -> None:
    catalogue_at_16()
    print("512 x 512 (target <= 30 s CPU each, exact shift set), growth over N = "
          + ", ".join(map(str, GROWTH_SIZES)))
    large("dilated4_circular", 512 * 512)
    large("segnet16", 128 * 128)
    deeplab()
    group_d_claims()


if __name__ == "__main__":
    main()
