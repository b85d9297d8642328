"""Fuzz suite: hostile command lines and architecture files (JSON, TOML, raw bytes).

Every case must end in exit 0 with a valid answer, 1 with a finding, or 2 with exactly one line
on stderr; never exit 3, never a traceback; within a CPU-time limit (an interval timer on the
process' CPU time, so the verdict does not depend on the machine's load). A subprocess subset
runs the real exit path under a memory limit (``resource.setrlimit``). Hypothesis runs
derandomised (seeded by the test), without a database: the same cases on every machine.

``make test`` runs a fast subset; ``make test-slow`` (marker ``slow``) runs
FUZZ_SLOW_CASES per strategy, over 1,000 cases in all.
"""

from __future__ import annotations

import contextlib
import io
import json
import resource
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kronconv.catalogue import example_path
from kronconv.cli import main
from kronconv.specs.architecture import OPS

CPU_SECONDS = 60  # per case: the budget refuses anything that would take longer
MEMORY_BYTES = 4 * 2**30  # address space of a subprocess case (the budget allows 2 GiB arrays)
FUZZ_FAST_CASES = 10
FUZZ_SLOW_CASES = 300


def _settings(cases: int) -> settings:
    return settings(max_examples=cases, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.function_scoped_fixture])


# -- values a hostile user types ---------------------------------------------------------------
HOSTILE_INTS = ["0", "-1", "-7", "99999999999999999999", str(2**31), str(2**63), "1e3", "x", "",
                " 3", "nan", "inf", "9" * 5000]
small = st.integers(min_value=1, max_value=4).map(str)
number = st.one_of(small, small, st.sampled_from(HOSTILE_INTS))


def _int_list(max_size: int) -> st.SearchStrategy[str]:
    items = st.one_of(st.integers(1, 4).map(str), st.sampled_from(["0", "-2", "10" * 12, ""]))
    plain = st.lists(st.integers(1, 4).map(str), min_size=1, max_size=max_size).map(",".join)
    return st.one_of(plain, plain, st.lists(items, min_size=1, max_size=max_size).map(",".join),
                     st.sampled_from(["1,,2", "1,", ",", "a,b", "nan"]))


def _flags(options: dict[str, st.SearchStrategy[str]]) -> st.SearchStrategy[list[str]]:
    """A random subset of flags, each with a value drawn from its strategy."""
    def build(chosen: list[tuple[str, str]]) -> list[str]:
        return [part for flag, value in chosen for part in (flag, value)]
    pairs = [st.tuples(st.just(flag), value) for flag, value in options.items()]
    return st.lists(st.one_of(*pairs), max_size=5, unique_by=lambda p: p[0]).map(build)


RF_FLAGS = _flags({"--kernel-sizes": _int_list(6), "--dilations": _int_list(6),
                   "--strides": _int_list(6), "--paddings": _int_list(6),
                   "--dims": st.sampled_from(["1", "2", "3", "0", "x"])})
IDENTITY_FLAGS = _flags({"--layers": st.one_of(st.integers(1, 3).map(str),
                                               st.sampled_from(["0", "-2", "10" * 10])),
                         "--dims": st.sampled_from(["1", "2", "4"]),
                         "--engine": st.sampled_from(["exact", "modular", "float", "symbolic",
                                                      "sympy"]),
                         "--channels": st.sampled_from(["1", "2", "0", "-1", "10" * 6]),
                         "--seed": number,
                         "--boundary": st.sampled_from(["full", "same", "valid", "circular",
                                                        "bogus"]),
                         "--nonlinearity": st.sampled_from(["none", "relu", "bogus"]),
                         "--dilations": _int_list(3)})
EXAMPLES = ["dilated4_circular", "gridding", "residual", "residual_misaligned", "segnet_like"]
EQUIVARIANCE_FLAGS = _flags({"--weights": st.sampled_from(["symbolic", "random", "bogus"]),
                             "--seed": number,
                             "--timeout": st.sampled_from(["30", "0", "-1", "nan", "inf", "x"]),
                             "--method": st.sampled_from(["generators", "each", "bogus"])})

command_lines = st.one_of(
    st.tuples(st.just(["rf"]), RF_FLAGS, st.sampled_from([[], ["--json"]])),
    st.tuples(st.just(["identity", "--kernel-size"]), st.one_of(small, number).map(
        lambda v: [v]), IDENTITY_FLAGS),
    st.tuples(st.just(["equivariance"]), st.sampled_from(EXAMPLES).map(
        lambda n: [str(example_path(n)), "--size"]), st.one_of(
        st.sampled_from(["4", "8", "8,4", "0", "-4", "1,,2", "99999999999"]).map(lambda v: [v]),
        EQUIVARIANCE_FLAGS.map(lambda f: ["4", *f]))),
    st.lists(st.sampled_from(["rf", "identity", "sweep", "verify", "derive", "figures", "-o",
                              "", "--json", "--bogus", "-k", "a" * 300, "--markdown",
                              "/dev/null/x"]), max_size=4).map(lambda a: (a,)),
).map(lambda parts: [arg for part in parts for arg in part])


# -- architecture files ------------------------------------------------------------------------
WILD = st.one_of(st.none(), st.booleans(), st.integers(-3, 6), st.sampled_from(
    [10**20, 2**31, 65536, 10**9, -(2**40), 1.5, float("nan"), float("inf"), "same", "valid",
     "x", "", [1, 2], [[1, 0], [0, 1]], [3], [], {}, [[[]]]]))
FIELD_NAMES = ["kernel_size", "stride", "padding", "dilation", "out_channels", "groups", "bias",
               "padding_mode", "scale_factor", "indices", "negative_slope", "id", "inputs",
               "bogus"]


@st.composite
def layer(draw: st.DrawFn, index: int, ids: list[str]) -> dict[str, Any]:
    op = draw(st.sampled_from([*OPS, "bogus"]))
    out: dict[str, Any] = {"op": op, "id": f"n{index}"}
    if op in ("conv", "maxpool", "avgpool"):
        out["kernel_size"] = draw(st.one_of(st.integers(1, 3), WILD))
    if op == "maxunpool":
        out["indices"] = draw(st.sampled_from([*ids, "nope"])) if ids else "nope"
    if op == "upsample":
        out["scale_factor"] = draw(st.one_of(st.integers(1, 3), WILD))
    for name in draw(st.lists(st.sampled_from(FIELD_NAMES), max_size=3)):
        out[name] = draw(st.one_of(st.integers(0, 3), WILD))
    if ids and draw(st.booleans()):
        out["inputs"] = draw(st.lists(st.sampled_from(ids), min_size=1, max_size=2))
    return out


@st.composite
def architecture(draw: st.DrawFn) -> dict[str, Any]:
    dims = draw(st.one_of(st.integers(1, 2), WILD))
    count = draw(st.integers(1, 6))
    nodes: list[dict[str, Any]] = []
    for i in range(count):
        nodes.append(draw(layer(i, [n["id"] for n in nodes])))
    data: dict[str, Any] = {"dims": dims}
    if draw(st.booleans()):  # chain form
        data["layers"] = [{k: v for k, v in n.items() if k != "inputs"} for n in nodes]
    else:
        data["nodes"] = [{"id": "x", "op": "input"}, *nodes]
        data["output"] = draw(st.sampled_from(["x", nodes[-1]["id"], "nope"]))
    if draw(st.booleans()):
        data["in_channels"] = draw(st.one_of(st.integers(1, 3), WILD))
    return data


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return {"nan": "nan", "inf": "inf"}.get(str(value), repr(value))
    if value is None:
        return '"null"'
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} = {_toml_value(v)}" for k, v in value.items()) + "}"
    return json.dumps(value) if not isinstance(value, list) else \
        "[" + ", ".join(_toml_value(v) for v in value) + "]"


def to_toml(data: dict[str, Any]) -> str:
    """A small TOML writer: top-level keys, then arrays of tables."""
    lines = [f"{k} = {_toml_value(v)}" for k, v in data.items() if k not in ("layers", "nodes")]
    for key in ("layers", "nodes"):
        for table in data.get(key, []):
            lines.append(f"[[{key}]]")
            lines.extend(f"{k} = {_toml_value(v)}" for k, v in table.items())
    return "\n".join(lines) + "\n"


files = st.one_of(
    architecture().map(lambda d: ("json", json.dumps(d).encode())),
    architecture().map(lambda d: ("toml", to_toml(d).encode())),
    st.tuples(st.sampled_from(["json", "toml"]), st.binary(max_size=200)),
    st.tuples(st.sampled_from(["json", "toml"]), st.text(max_size=200).map(str.encode)),
)
FILE_COMMANDS = st.sampled_from([["rf"], ["rf", "--json"], ["rf", "--size", "8"],
                                 ["equivariance", "--size", "4", "--weights", "random"],
                                 ["equivariance", "--size", "4"]])


# -- running a case ----------------------------------------------------------------------------
class CpuTimeExceeded(Exception):
    pass


@contextlib.contextmanager
def cpu_limit(seconds: float) -> Iterator[None]:
    """Raise in the test after ``seconds`` of this process' CPU time."""
    def expired(signum: int, frame: object) -> None:
        raise CpuTimeExceeded(f"over {seconds} s of CPU")
    previous = signal.signal(signal.SIGPROF, expired)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)


def run_in_process(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), cpu_limit(CPU_SECONDS):
        try:
            code = main(argv)
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else 2
    return code, out.getvalue(), err.getvalue()


TALLY: Counter[int] = Counter()  # exit codes of the cases run in this process


def check_outcome(argv: list[str], code: int, out: str, err: str) -> None:
    TALLY[code] += 1
    shown = " ".join(a[:40] for a in argv)
    assert code in (0, 1, 2), f"exit {code} for {shown}: {err}"
    assert "Traceback" not in err + out, f"traceback for {shown}"
    if code == 2:
        assert len(err.strip().splitlines()) == 1, f"not one line for {shown}: {err!r}"
    if code == 0 and "--json" in argv and argv[0] == "rf":
        json.loads(out)  # a valid answer


@contextlib.contextmanager
def totals(name: str) -> Iterator[None]:
    """Print how many cases ended with each exit code (shown by `make test-slow`, -rP)."""
    before = Counter(TALLY)
    yield
    ran = TALLY - before
    print(f"fuzz totals, {name}: {sum(ran.values())} cases; "
          + ", ".join(f"exit {code}: {n}" for code, n in sorted(ran.items())))


def _case(argv: list[str], tmp_path: Path) -> None:
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    check_outcome(argv, *run_in_process(argv))


def _file_case(case: tuple[str, bytes], command: list[str], tmp_path: Path) -> None:
    suffix, content = case
    path = tmp_path / f"arch.{suffix}"
    path.write_bytes(content)
    argv = [command[0], str(path), *command[1:]]
    check_outcome(argv, *run_in_process(argv))


@pytest.mark.parametrize("cases", [pytest.param(FUZZ_FAST_CASES, id="fast"),
                                   pytest.param(FUZZ_SLOW_CASES, id="slow",
                                                marks=pytest.mark.slow)])
def test_fuzz_command_lines(cases: int, tmp_path: Path) -> None:
    with totals("command lines"):
        given(command_lines)(_settings(cases)(lambda argv: _case(argv, tmp_path)))()


@pytest.mark.parametrize("cases", [pytest.param(FUZZ_FAST_CASES, id="fast"),
                                   pytest.param(FUZZ_SLOW_CASES * 5 // 2, id="slow",
                                                marks=pytest.mark.slow)])
def test_fuzz_architecture_files(cases: int, tmp_path: Path) -> None:
    with totals("architecture files"):
        given(files, FILE_COMMANDS)(_settings(cases)(
            lambda case, command: _file_case(case, command, tmp_path)))()


# -- the real exit path, under a memory limit ---------------------------------------------------
LIMITED = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, ({memory}, {memory}))
resource.setrlimit(resource.RLIMIT_CPU, ({cpu}, {cpu}))
from kronconv.cli import main
sys.exit(main(sys.argv[1:]))
"""


def run_subprocess(argv: list[str]) -> tuple[int, str, str]:
    code = LIMITED.format(memory=MEMORY_BYTES, cpu=CPU_SECONDS)
    done = subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, text=True,
                          check=False)
    return done.returncode, done.stdout, done.stderr


SUBPROCESS_CASES = [
    ["rf", "--kernel-sizes", "99999999999999999999"],
    ["rf", "--kernel-sizes", "2147483647", "--dims", "2"],
    ["rf", "--kernel-sizes", "3,3,3", "--dilations", "1,1000000,1000000000"],
    ["identity", "--kernel-size", "3", "--layers", "40", "--engine", "exact"],
    ["identity", "--kernel-size", "3", "--layers", "2", "--channels", "1000000"],
    ["equivariance", "{residual}", "--size", "1000000000"],
    ["rf", "{residual}", "--json"],
]


@pytest.mark.parametrize("argv", [pytest.param(a, marks=[] if i < 2 else [pytest.mark.slow])
                                  for i, a in enumerate(SUBPROCESS_CASES)],
                         ids=[" ".join(a) for a in SUBPROCESS_CASES])
def test_real_exit_path_under_a_memory_limit(argv: list[str]) -> None:
    argv = [a.format(residual=example_path("residual")) for a in argv]
    code, out, err = run_subprocess(argv)
    assert code != -signal.SIGXCPU and code != -signal.SIGKILL, f"killed: {err}"
    check_outcome(argv, code, out, err)


@pytest.mark.slow
def test_fuzz_subprocess_subset(tmp_path: Path) -> None:
    """Generated command lines through a real interpreter with a memory limit."""
    @_settings(40)
    @given(command_lines)
    def one(argv: list[str]) -> None:
        check_outcome(argv, *run_subprocess(argv))
    with totals("command lines in a subprocess"):
        one()


def test_cpu_limit_can_fail() -> None:
    """The time limit itself: a busy loop past it is interrupted."""
    with pytest.raises(CpuTimeExceeded), cpu_limit(0.05):
        while True:
            pass


def test_outcome_check_can_fail() -> None:
    for code, err in [(3, "x\n"), (2, "a\nb\n"), (2, "Traceback (most recent call last):\n")]:
        with pytest.raises(AssertionError):
            check_outcome(["rf"], code, "", err)
    assert resource.getrlimit(resource.RLIMIT_AS)  # the limit used by the subprocess cases
