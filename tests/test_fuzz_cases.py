"""Issue 11's reproductions, one row each: a clean one-line error (exit 2) naming the parameter,
or a correct answer. Plus the regressions of the one-pass receptive-field table, the branch-shape
check and the Hypothesis counterexample (a unit no input reaches has the empty set)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from kronconv.catalogue import example_path
from kronconv.cli import main
from kronconv.errors import ArchitectureError, ResourceLimitError
from kronconv.receptive_field import dependency as cov
from kronconv.semantics.shapes import node_sizes
from kronconv.specs.architecture import Architecture, parse_architecture, plain_stack
from kronconv.specs.shapes import check_branch_shapes, check_tensor_budget, tensor_shapes

FILES: dict[str, Callable[[], bytes]] = {
    "utf16.json": lambda: '{"dims": 1}'.encode("utf-16"),
    "binary.json": lambda: bytes(range(256)),
    "digits.json": lambda: ('{"dims": 1, "layers": [{"op": "conv", "kernel_size": '
                            + "9" * 5000 + "}]}").encode(),
    "deep.json": lambda: ('{"dims": 1, "layers": ' + "[" * 100_000 + "]" * 100_000
                          + "}").encode(),
    "deep.toml": lambda: ("x = " + "[" * 100_000 + "]" * 100_000 + "\n").encode(),
    "only_input.json": lambda: json.dumps({"dims": 1, "nodes": [{"id": "x", "op": "input"}],
                                           "output": "x"}).encode(),
    "nan.json": lambda: b'{"dims": 1, "layers": [{"op": "leaky_relu", "negative_slope": NaN}]}',
    "channels.json": lambda: json.dumps({"dims": 2, "in_channels": 10**9, "layers": [
        {"op": "conv", "kernel_size": 3}]}).encode(),
    "padding.json": lambda: json.dumps({"dims": 2, "layers": [
        {"op": "conv", "kernel_size": 3, "padding": 10**12}]}).encode(),
    "k1e9.json": lambda: json.dumps({"dims": 1, "layers": [
        {"op": "conv", "kernel_size": 10**9}]}).encode(),
    "k65536.json": lambda: json.dumps({"dims": 2, "layers": [
        {"op": "conv", "kernel_size": 65536}]}).encode(),
    "circular1d.json": lambda: json.dumps({"dims": 1, "layers": [
        {"op": "conv", "kernel_size": 3, "dilation": 2, "padding": 2,
         "padding_mode": "circular"}, {"op": "relu"}]}).encode(),
}

# (argv, exit code, text the single stderr line must contain); {dir} is a temporary folder.
CASES = [
    (["identity", "--kernel-size", "3", "--layers", "2", "--seed", "-1"], 2, "--seed='-1'"),
    (["figures", "-o", "{dir}/f", "--seed", "-7"], 2, "--seed='-7'"),
    (["rf", "--kernel-sizes", "99999999999999999999"], 2, "99999999999999999999"),
    (["rf", "--kernel-sizes", "1,,2"], 2, "an item is empty"),
    (["equivariance", "{circular}", "--size", "16", "--timeout", "nan"], 2, "--timeout="),
    (["equivariance", "{circular}", "--size", "16", "--timeout", "inf"], 2, "--timeout="),
    (["equivariance", "{circular}", "--size", "16", "--timeout", "0"], 2, "--timeout="),
    (["rf", "{dir}/utf16.json"], 2, "not UTF-8"),
    (["rf", "{dir}/binary.json"], 2, "not UTF-8"),
    (["rf", "{dir}/digits.json"], 2, "not valid JSON"),
    (["rf", "{dir}/deep.json"], 2, "nested too deeply"),
    (["rf", "{dir}/deep.toml"], 2, "nested too deeply"),
    (["rf", "{dir}/only_input.json"], 2, "is the input node"),
    (["equivariance", "{dir}/nan.json", "--size", "8"], 2, "'negative_slope': nan"),
    (["equivariance", "{dir}/channels.json", "--size", "8"], 2, "memory limit"),
    (["rf", "{dir}/padding.json"], 2, "'padding': 1000000000000"),
    (["rf", "{dir}/k1e9.json"], 2, "memory limit"),
    (["rf", "{dir}/k65536.json"], 0, ""),  # per-axis sets: 65536 entries each, a quick answer
    (["verify", "a" * 5000], 2, "File name too long"),
    (["identity", "--kernel-size", "3", "--layers", "2", "--channels", "1000000"], 2,
     "memory limit"),
    (["sweep", "--markdown", "{dir}/utf16.json/x.md"], 2, "cannot be written"),
    (["figures", "-o", ""], 2, "output=''"),
    (["derive", "--all", "-o", "{dir}/utf16.json/out"], 2, "cannot be written"),
    (["verify", "--json", "{dir}"], 2, "it is a directory"),
    (["rf", "{misaligned}"], 2, "32x32x32 from 'b2_c2' and 32x31x31 from 'b2_short'"),
    (["rf", "{misaligned}", "--size", "64"], 2, "PyTorch cannot add them"),
    # Found by the slow fuzz run on main: sizes the calculus would walk shift by shift.
    (["equivariance", "{circular}", "--size", "99999999999"], 2, "memory limit"),
    (["equivariance", "{dir}/circular1d.json", "--size", "30000000"], 2, "work limit"),
]


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("fuzz_cases")
    for name, content in FILES.items():
        (path / name).write_bytes(content())
    return path


@pytest.mark.parametrize(("argv", "code", "needle"), CASES,
                         ids=[" ".join(c[0])[:60] for c in CASES])
def test_issue_reproduction(argv: list[str], code: int, needle: str, folder: Path,
                            capsys: pytest.CaptureFixture[str]) -> None:
    values = {"dir": str(folder), "circular": str(example_path("dilated4_circular")),
              "misaligned": str(example_path("residual_misaligned"))}
    try:
        got = main([arg.format(**values) for arg in argv])
    except SystemExit as exit_:
        got = int(exit_.code or 0)
    _, err = capsys.readouterr()
    assert got == code, err
    if code == 2:
        assert len(err.strip().splitlines()) == 1 and needle in err, err


def test_unit_that_no_input_reaches_has_the_empty_set() -> None:
    """Hypothesis' counterexample: maxpool (kernel 1, stride 2), then maxunpool. Output unit 1
    is never chosen by a window (windows start at even positions), so nothing reaches it."""
    arch = parse_architecture({"dims": 1, "layers": [
        {"op": "maxpool", "id": "p", "kernel_size": 1, "stride": 2},
        {"op": "maxunpool", "indices": "p"}]})
    empty = cov.dependency_set(arch, unit=[1], separable=False)
    assert empty.positions() == set() == cov.naive_dependency_set(arch, unit=[1])
    assert empty.extent == (0,) and empty.count == 0
    assert cov.dependency_set(arch, unit=[0], separable=False).positions() == {(0,)}


CHAINS = [  # (kernel sizes, dilations, strides, paddings): dense, holes, strided, padded
    ([3, 3, 3], [1, 2, 4], [1, 1, 1], [1, 0, 2]),
    ([2, 2, 3], [1, 3, 9], [1, 1, 1], [0, 0, 0]),
    ([3, 2, 3, 2], [1, 1, 2, 3], [2, 1, 2, 1], [1, 0, 1, 0]),
    ([1, 4, 2], [5, 2, 7], [3, 2, 1], [0, 3, 1]),
]


@pytest.mark.parametrize(("ks", "ds", "ss", "ps"), CHAINS)
def test_one_pass_table_matches_the_backward_sets(ks: list[int], ds: list[int], ss: list[int],
                                                  ps: list[int]) -> None:
    """The forward table (cost linear in depth) against the backward propagation per node and
    the naive reference: box, count, holes and the N-D hole positions."""
    arch = plain_stack(ks, ds, strides=ss, paddings=ps, dims=2)
    table = cov.axis_set_table(arch, 20)
    for node in arch.nodes[1:]:
        parts = cov.axis_dependency_sets(arch, node.id)
        assert table[node.id] == tuple(cov.AxisSet.of(p, 20) for p in parts)
        full = cov.dependency_set(arch, node.id, separable=False)
        assert full.positions() == cov.naive_dependency_set(arch, node.id)
        assert cov.product_hole_positions(table[node.id], 20) == full.hole_positions(20)


def test_spread_is_the_minkowski_sum() -> None:
    """The running-count spread against the definition, for steps and counts on both sides of
    the mask length (a wrong window width or offset is caught)."""
    import numpy as np

    rng = np.random.default_rng(11)
    for n in (1, 2, 5, 9):
        for step in (1, 2, 3, 7):
            for count in (1, 2, 3, 6):
                mask = rng.random((n, 2)) < 0.5
                mask[0, 0] = True
                want = np.zeros((n + step * (count - 1), 2), dtype=bool)
                for t in range(count):
                    want[t * step:t * step + n] |= mask
                assert np.array_equal(cov._spread(mask, 0, step, count), want)


def test_budget_refuses_before_allocating() -> None:
    arch = plain_stack([3] * 3, [1, 10**6, 10**9])
    with pytest.raises(ResourceLimitError, match="memory limit"):
        cov.dependency_set(arch)


@pytest.mark.parametrize(("nodes", "ok"), [
    # concat: channels may differ, spatial sizes may not
    ([{"id": "a", "op": "conv", "inputs": ["x"], "kernel_size": 3, "out_channels": 2},
      {"id": "b", "op": "conv", "inputs": ["x"], "kernel_size": 1, "out_channels": 5},
      {"id": "out", "op": "concat", "inputs": ["a", "b"]}], False),
    ([{"id": "a", "op": "conv", "inputs": ["x"], "kernel_size": 3, "padding": 1,
       "out_channels": 2},
      {"id": "b", "op": "conv", "inputs": ["x"], "kernel_size": 1, "out_channels": 5},
      {"id": "out", "op": "concat", "inputs": ["a", "b"]}], True),
    # equal only for even sizes (stride 2 then upsample): accepted without a size
    ([{"id": "p", "op": "maxpool", "inputs": ["x"], "kernel_size": 2},
      {"id": "u", "op": "upsample", "inputs": ["p"], "scale_factor": 2},
      {"id": "out", "op": "add", "inputs": ["u", "x"]}], True),
])
def test_branch_shapes(nodes: list[dict[str, object]], ok: bool) -> None:
    arch = parse_architecture({"dims": 2, "nodes": [{"id": "x", "op": "input"}, *nodes],
                               "output": "out"})
    if ok:
        check_branch_shapes(arch)
    else:
        with pytest.raises(ArchitectureError, match=r"node 'out' \(concat\).*2x\d+x\d+ from 'a'"):
            check_branch_shapes(arch)


def test_branch_shapes_at_a_given_size() -> None:
    arch = parse_architecture({"dims": 1, "nodes": [
        {"id": "x", "op": "input"},
        {"id": "p", "op": "maxpool", "inputs": ["x"], "kernel_size": 2},
        {"id": "u", "op": "upsample", "inputs": ["p"], "scale_factor": 2},
        {"id": "out", "op": "add", "inputs": ["u", "x"]}], "output": "out"})
    assert tensor_shapes(arch, 8)["out"] == (1, 8)
    with pytest.raises(ArchitectureError, match=r"'out' \(add\).*1x8 from 'u' and 1x9 from 'x'"):
        check_branch_shapes(arch, 9)


def test_a_period_too_long_to_try_leaves_the_check_to_a_given_size() -> None:
    """Sizes n - 2 and n never match; with a stride of 2^20 after the merge the period is too
    long to try every phase (over MAX_CHECK_WORK steps), so only a given size is refused."""
    arch = parse_architecture({"dims": 1, "nodes": [
        {"id": "x", "op": "input"},
        {"id": "a", "op": "conv", "inputs": ["x"], "kernel_size": 3},
        {"id": "s", "op": "add", "inputs": ["a", "x"]},
        {"id": "out", "op": "maxpool", "inputs": ["s"], "kernel_size": 1, "stride": 2**20}],
        "output": "out"})
    check_branch_shapes(arch)  # silent: nothing refused without a size
    with pytest.raises(ArchitectureError, match=r"'s' \(add\).*1x14 from 'a' and 1x16 from 'x'"):
        check_branch_shapes(arch, 16)


def test_the_budget_counts_the_padding_on_both_sides() -> None:
    """A padded node holds n + before + after entries per axis: a padding of 10^4 on each side
    of 3 channels (6 x 10^4 entries) fits the 2 GiB budget, 10^8 does not (6 x 10^8 x 8 B)."""
    def conv(padding: int) -> Architecture:
        return parse_architecture({"dims": 1, "in_channels": 3, "layers": [
            {"op": "conv", "kernel_size": 3, "padding": padding}]})
    check_tensor_budget(conv(10**4), node_sizes(conv(10**4), 16))
    with pytest.raises(ResourceLimitError, match="memory limit"):
        check_tensor_budget(conv(10**8), node_sizes(conv(10**8), 16))
