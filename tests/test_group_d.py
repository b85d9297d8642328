"""Group D claims: the outcomes the evidence establishes, and checks that fail when the
semantics underneath are wrong."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from kronconv.catalogue import PROOFS as CATALOGUE_PROOFS
from kronconv.claims import load_claims, run_claim

PROOFS = CATALOGUE_PROOFS / "group_d.py"
EXPECTED = {"conv-equivariant": "confirmed", "dilated-net-equivariant": "qualified",
            "pooling-breaks-equivariance": "qualified", "strided-conv-equivariance": "qualified"}


@pytest.fixture(scope="module")
def claims() -> dict:
    return {c.id: c for c in load_claims([PROOFS])}


def test_group_d_is_complete(claims: dict) -> None:
    assert sorted(claims) == sorted(EXPECTED)
    assert all(c.group == "D" and c.expected == EXPECTED[c.id] for c in claims.values())


def test_fast_claims(claims: dict) -> None:
    result = run_claim(claims["conv-equivariant"])
    assert result.status == EXPECTED["conv-equivariant"], result.error
    # The strided claim without its share of the small-domain sweep (slow, below).
    check = next(c for c in claims["strided-conv-equivariance"].checks
                 if c.function.__name__ == "strided_conv_respects_multiples_of_the_stride")
    assert any(e.kind == "proof" for e in check.function())


@pytest.mark.slow
@pytest.mark.parametrize("claim_id", ["dilated-net-equivariant", "pooling-breaks-equivariance",
                                      "strided-conv-equivariance"])
def test_slow_claims(claims: dict, claim_id: str) -> None:
    result = run_claim(claims[claim_id])
    assert result.status == EXPECTED[claim_id], result.error
    assert any(e.kind == "proof" for e in result.evidence)


def test_strided_claim_fails_when_the_stride_is_dropped(claims: dict,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    # A corrupted conv that forgets to subsample: the shift sets no longer match the claim.
    module = sys.modules["kronconv.semantics.evaluate"]
    original = module.conv

    def unstrided(node, x, weight, bias, backend):  # type: ignore[no-untyped-def]
        out = original(node, x, weight, bias, backend)
        return np.repeat(out, node.stride[0], axis=2)[:, :, :x.shape[2]] if x.ndim == 3 else out

    monkeypatch.setattr(module, "conv", unstrided)
    check = next(c for c in claims["strided-conv-equivariance"].checks
                 if c.function.__name__ == "strided_conv_respects_multiples_of_the_stride")
    with pytest.raises(Exception):  # noqa: B017  (the run_claim turns any raise into "error")
        check.function()


# -- the small-domain sweep, the shift calculus and the zero-padding region --------------------
def _named(*names: str) -> list:
    from kronconv.equivariance.consistency import small_architectures

    every = dict(small_architectures())
    return [(name, every[name]) for name in names]


def test_whole_domain_pooling_respects_more_than_multiples_of_the_stride() -> None:
    from kronconv.equivariance.analysis import derived_shifts, total_stride
    from kronconv.equivariance.consistency import small_sweep
    from kronconv.semantics.shapes import node_sizes

    cases = _named("conv k=1 d=1 s=2 circular relu maxpool 2", "conv k=2 d=1 s=2 zeros",
                   "conv k=3 d=2 s=1 circular relu avgpool 2", "conv k=2 d=1 s=1 zeros")
    right = small_sweep((4,), architectures=cases)
    assert right["checked"] == 4 and not right["mismatches"]

    def stride_rule(arch, n):  # type: ignore[no-untyped-def]  # wrong twin: multiples of S
        s = total_stride(arch, node_sizes(arch, n))[0]
        return {(v,): (v * len(derived_shifts(arch, n)) // n,) for v in range(0, n, s)}

    wrong = small_sweep((4,), rule=stride_rule, architectures=cases)
    assert any(m["architecture"].startswith("conv k=1") for m in wrong["mismatches"])


def test_the_shift_calculus_on_examples() -> None:
    from kronconv.catalogue import ARCHITECTURES as examples
    from kronconv.equivariance.analysis import derived_shifts
    from kronconv.specs.architecture import load_architecture
    segnet = derived_shifts(load_architecture(examples / "segnet16.json"), 16)
    assert segnet == {(a, b): (a, b) for a in range(0, 16, 4) for b in range(0, 16, 4)}
    ((_, never_padded),) = _named("conv k=2 d=1 s=2 zeros")  # the padding is never read
    assert derived_shifts(never_padded, 8) == {(v,): (v // 2,) for v in (0, 2, 4, 6)}
    ((_, padded),) = _named("conv k=3 d=1 s=2 zeros")
    assert derived_shifts(padded, 8) == {(0,): (0,)}


def test_a_screening_coincidence_still_gets_a_counterexample() -> None:
    from kronconv.equivariance.analysis import analyze_equivariance

    ((_, arch),) = _named("conv k=2 d=1 s=2 circular relu maxpool 2")
    result = analyze_equivariance(arch, 8)
    assert not result.with_status("unknown")
    assert result.respected == {(0,): (0,), (4,): (1,)}


def test_zero_padding_region_is_rechecked_by_the_reference(claims: dict) -> None:
    names = claims["dilated-net-equivariant"].checks[0].function.__globals__
    from kronconv.equivariance.consistency import dilated_stack

    n, clean = 12, set(range(3, 9))
    zeros = dilated_stack([1, 2], dims=1, padding_mode="zeros")
    for v in (1, 4, 7):
        predicted = np.array([i in clean and (i - v) % n in clean for i in range(n)])
        assert np.array_equal(names["_reference_disagreement"](zeros, n, v), ~predicted)
    # Wrong variant: a circular stack has no disagreement, so the closed form is rejected.
    circular = dilated_stack([1, 2], dims=1)
    assert not names["_reference_disagreement"](circular, n, 4).any()


def test_the_reference_recheck_sees_rolls_and_only_rolls() -> None:
    from kronconv.catalogue.proofs.group_d import _is_a_roll

    rng = np.random.default_rng(5)
    for _ in range(100):
        y = rng.integers(0, 3, (2, 4, 5))
        z = np.roll(y, (int(rng.integers(0, 4)), int(rng.integers(0, 5))), axis=(1, 2))
        assert _is_a_roll(y, z)
        z[1, 2, 3] += 1  # the wrong twin: no longer any roll of y (every entry counts)
        brute = any(np.array_equal(z, np.roll(y, u, axis=(1, 2))) for u in np.ndindex(4, 5))
        assert _is_a_roll(y, z) == brute
