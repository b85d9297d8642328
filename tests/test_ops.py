"""The public array API: dilated_conv, composite_kernel, kron."""

from __future__ import annotations

import numpy as np
import pytest
import sympy

from kronconv import (
    InvalidParameterError,
    ResourceLimitError,
    composite_kernel,
    dilated_conv,
    kron,
    reference_dilated_conv,
)
from kronconv.ops import dilate_kernel


def test_dilated_conv_on_numpy_matches_definition() -> None:
    x, k = np.array([1, 2, 3]), np.array([1, 1])
    # (k *_2 x)_t = x_t + x_{t-2}
    assert list(dilated_conv(x, k, 2)) == [1, 2, 4, 2, 3]


def test_dilated_conv_on_sympy_arrays_returns_expanded_expressions() -> None:
    f0, f1, k0, k1 = sympy.symbols("f0 f1 k0 k1")
    out = dilated_conv(sympy.Matrix([[f0, f1]]), sympy.Matrix([[k0, k1]]), (1, 2))
    assert isinstance(out, sympy.Array)
    assert out.tolist() == [[f0 * k0, f1 * k0, f0 * k1, f1 * k1]]


def test_integer_overflow_switches_to_python_ints() -> None:
    big = np.array([2**40, 2**40], dtype=np.int64)
    out = dilated_conv(big, big, 1)
    assert int(out[1]) == 2 * 2**80  # int64 would have overflowed


def test_float_inputs_use_float64() -> None:
    out = dilated_conv(np.array([0.5, 0.25]), np.array([2.0]), 3)
    assert out.dtype == np.float64 and list(out) == [1.0, 0.5]


@pytest.mark.parametrize(("x", "kernel", "dilation", "message"), [
    (np.ones((3, 3)), np.ones(3), 1, "kernel.ndim=1"),
    (np.ones(3), np.ones(2), 0, "dilation=0"),
    (np.ones(3), np.ones(2), -1, "dilation=-1"),
    (np.ones((3, 3)), np.ones((2, 2)), (1, 2, 3), "dilation=(1, 2, 3)"),
    (np.ones(3), np.ones(0), 1, "kernel.shape"),
    (np.ones((2, 2, 2, 2)), np.ones((1, 1, 1, 1)), 1, "x.ndim=4"),
    (np.array(["a"]), np.ones(1), 1, "x.dtype"),
])
def test_bad_operands_get_one_clear_error(x: object, kernel: object, dilation: object,
                                          message: str) -> None:
    with pytest.raises(InvalidParameterError) as info:
        dilated_conv(x, kernel, dilation)  # type: ignore[arg-type]
    assert message in str(info.value)


def test_valid_needs_a_long_enough_input() -> None:
    with pytest.raises(InvalidParameterError, match=r"x\.shape"):
        dilated_conv(np.ones(3), np.ones(3), 2, boundary="valid")


def test_unknown_options_list_the_valid_ones() -> None:
    with pytest.raises(InvalidParameterError, match="'full', 'valid', 'same', 'circular'"):
        dilated_conv(np.ones(3), np.ones(2), 1, boundary="reflect")


def test_composite_kernel_is_the_cascade_impulse_response() -> None:
    rng = np.random.default_rng(0)
    kernels = [rng.integers(-5, 6, (3, 2)) for _ in range(3)]
    dilations = [1, (2, 3), 5]
    composite = composite_kernel(kernels, dilations)
    x = rng.integers(-5, 6, (4, 4))
    cascade = x
    for kernel, d in zip(kernels, dilations, strict=True):
        cascade = reference_dilated_conv(cascade, kernel, d)
    assert np.array_equal(dilated_conv(x, composite, 1), cascade.astype(np.int64))


def test_composite_in_the_correlation_convention() -> None:
    rng = np.random.default_rng(1)
    kernels = [rng.integers(-5, 6, 3) for _ in range(2)]
    composite = composite_kernel(kernels, [1, 3], convention="correlation")
    x = rng.integers(-5, 6, 6)
    step = reference_dilated_conv(x, kernels[0], 1, "full", "correlation")
    step = reference_dilated_conv(step, kernels[1], 3, "full", "correlation")
    assert np.array_equal(dilated_conv(x, composite, 1, convention="correlation"), step)


def test_composite_refuses_sizes_beyond_memory() -> None:
    with pytest.raises(ResourceLimitError, match="memory limit"):
        composite_kernel([np.ones((3, 3), dtype=int)] * 40, [3**level for level in range(40)])


def test_composite_rejects_mismatched_lists() -> None:
    with pytest.raises(InvalidParameterError, match="dilations"):
        composite_kernel([np.ones(2), np.ones(2)], [1])
    with pytest.raises(InvalidParameterError, match=r"kernels\[1\].ndim"):
        composite_kernel([np.ones(2), np.ones((2, 2))], [1, 2])


def test_kron_matches_numpy_and_sympy() -> None:
    a, b = np.array([[1, 2], [3, 4]]), np.array([[5, 6, 7]])
    assert np.array_equal(kron(a, b), np.kron(a, b))
    x, y = sympy.symbols("x y")
    assert kron(sympy.Matrix([[x, y]]), sympy.Matrix([[1, 2]])).tolist() == [[x, 2 * x, y, 2 * y]]


def test_dilate_kernel_places_taps_d_apart() -> None:
    out = dilate_kernel(np.array([[1, 2], [3, 4]]), (2, 3))
    assert out.shape == (3, 4)
    assert out[0, 0] == 1 and out[0, 3] == 2 and out[2, 0] == 3 and out[2, 3] == 4
    assert int(np.count_nonzero(out)) == 4
