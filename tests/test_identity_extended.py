"""`kronconv identity` beyond the Kronecker case: structure, rank, counterexamples, channels,
nonlinearities and boundaries; bad input is one clear error."""

from __future__ import annotations

import json

import numpy as np
import pytest

from kronconv import Cascade, check_identity
from kronconv.cli import main
from kronconv.engines import reference_dilated_conv
from kronconv.kronecker.boundary import boundary_relation, direct_boundary_agreement
from kronconv.kronecker.identity import linear_counterexample
from kronconv.serialize import to_json


def _json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict:
    assert main(["identity", *argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_acceptance_yu_koltun_schedule(capsys: pytest.CaptureFixture[str]) -> None:
    data = _json(capsys, "--kernel-size", "3", "--dilations", "1,2,4", "--dims", "2")
    assert data["holds"] is False and data["evidence"]["kind"] == "counterexample"
    assert data["kernel_extent"] == [15, 15] and data["structure"] == "not-kronecker"
    assert data["kronecker_rank"] == 4
    example = data["counterexample"]
    assert "reference" in example["rechecked_by"]
    # Re-check independently here with the naive reference.
    kernels = [np.array(k, dtype=object) for k in example["kernels"]]
    x = np.array(example["input"], dtype=object)
    out = x
    for kernel, d in zip(kernels, (1, 2, 4), strict=True):
        out = reference_dilated_conv(out, kernel, d)
    kron = reference_dilated_conv(x, np.kron(np.kron(kernels[2], kernels[1]), kernels[0]), 1)
    assert out.shape != kron.shape or np.any(out != kron)


def test_foundation_keys_still_there(capsys: pytest.CaptureFixture[str]) -> None:
    data = _json(capsys, "--kernel-size", "3", "--layers", "3", "--dims", "2",
                 "--engine", "symbolic")
    assert data["holds"] is True and data["evidence"]["kind"] == "proof"
    assert data["structure"] == "kronecker" and data["kronecker_rank"] == 1
    assert {"engine", "kernel_extent", "seconds"} <= set(data) and "counterexample" not in data


@pytest.mark.parametrize(("dilations", "structure"), [("1,4,16", "padded-kronecker"),
                                                      ("1,3,9", "kronecker")])
def test_structure_key(capsys: pytest.CaptureFixture[str], dilations: str,
                       structure: str) -> None:
    data = _json(capsys, "--kernel-size", "3", "--dilations", dilations, "--dims", "1")
    assert data["structure"] == structure and data["kronecker_rank"] == 1


def test_nonlinear_and_channels(capsys: pytest.CaptureFixture[str]) -> None:
    data = _json(capsys, "--kernel-size", "2", "--layers", "3", "--dims", "1",
                 "--nonlinearity", "relu")
    assert data["structure"] == "nonlinear" and not data["holds"]
    assert "reference" in data["counterexample"]["rechecked_by"]
    data = _json(capsys, "--kernel-size", "2", "--layers", "2", "--dims", "2",
                 "--channels", "2")
    assert data["structure"] == "matrix-product" and data["generalised_identity"]["holds"]
    assert data["tt_ranks"]["reaches_bound"] and data["counterexample"]


@pytest.mark.parametrize(("flag", "value", "message"), [
    ("--channels", "0", "channels=0"), ("--nonlinearity", "softplus", "nonlinearity='softplus'"),
    ("--boundary", "reflect", "boundary='reflect'")])
def test_bad_input_is_one_line(capsys: pytest.CaptureFixture[str], flag: str, value: str,
                               message: str) -> None:
    assert main(["identity", "--kernel-size", "2", "--layers", "2", flag, value]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


@pytest.mark.parametrize("boundary", ["same", "circular"])
@pytest.mark.parametrize(("a", "dilations"), [(2, (1, 1)), (3, (1, 3)), (2, (1, 2, 4))])
def test_boundary_region_matches_direct_test(boundary: str, a: int,
                                             dilations: tuple) -> None:
    cascade = Cascade.from_schedule([a] * len(dilations), list(dilations), dims=2,
                                    boundary=boundary)
    shape = (cascade.extent[0] + 2, 5)
    relation = boundary_relation(cascade, shape)
    assert np.array_equal(direct_boundary_agreement(cascade, shape, relation.shift),
                          relation.region)
    if relation.shift != (0, 0):  # wrong twin: ignoring the shift breaks agreement
        unshifted = direct_boundary_agreement(cascade, shape, (0, 0))
        assert not np.array_equal(unshifted, relation.region)


def test_circular_shift_is_nonzero_for_even_spans() -> None:
    cascade = Cascade.from_schedule([2, 2], [1, 1], dims=1, boundary="circular")
    relation = boundary_relation(cascade, (6,))
    assert relation.shift == (1,) and relation.region.all()


def test_same_boundary_counterexample() -> None:
    result = check_identity(Cascade.exponential(3, 2, dims=1, boundary="same"), "exact")
    data = to_json(result)
    assert not result.holds and data["boundary"]["agreeing_outputs"] < data["boundary"]["outputs"]
    assert linear_counterexample(Cascade.exponential(3, 2, dims=1)) is None


@pytest.mark.parametrize(("argv", "channels", "layers"), [
    (["--kernel-size", "2", "--layers", "3"], 2, 3),
    (["--kernel-size", "2", "--layers", "4"], 3, 4),
    (["--kernel-size", "3", "--dilations", "1,2,4", "--dims", "2"], 2, 3),
])
def test_multichannel_counterexample_for_every_depth(argv: list[str], channels: int, layers: int,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    # A cyclic-shift channel matrix M has M^(C+1) = M: its counterexample vanished when
    # L+1 = 1 mod C. I + N has (I + N)^(L+1) with (0, 1) entry L+1, never 1 for L >= 1.
    assert main(["identity", *argv, "--channels", str(channels), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    example = data["counterexample"]
    assert not data["holds"] and example["cascade_output_at_offset_0"][0][1] == layers
    assert example["naive_kronecker_at_offset_0"][0][1] == 1


def test_one_multichannel_layer_is_its_own_kronecker_product(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["identity", "--kernel-size", "2", "--layers", "1", "--channels", "2",
                 "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["holds"] is True
