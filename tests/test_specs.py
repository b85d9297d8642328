from __future__ import annotations

import pytest

from kronconv import Cascade, InvalidParameterError, KronconvError, Layer


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"kernel_size": 0}, "kernel_size=0"),
    ({"dilation": 0}, "dilation=0"),
    ({"dilation": -2}, "dilation=-2"),
    ({"dims": 4}, "dims=4"),
    ({"dims": 2, "kernel_size": (3, 3, 3)}, "kernel_size=(3, 3, 3)"),
    ({"boundary": "reflect"}, "boundary='reflect'"),
    ({"convention": "conv"}, "convention='conv'"),
    ({"nonlinearity": "gelu"}, "nonlinearity='gelu'"),
    ({"in_channels": 0}, "in_channels=0"),
    ({"kernel_size": 2.5}, "kernel_size=2.5"),
    ({"kernel_size": True}, "kernel_size=True"),
])
def test_bad_layer_names_parameter_and_value(kwargs: dict, message: str) -> None:
    with pytest.raises(InvalidParameterError) as info:
        Layer(**kwargs)
    assert message in str(info.value)
    assert "expected" in str(info.value)
    assert isinstance(info.value, KronconvError)


def test_layer_broadcasts_per_axis_values() -> None:
    layer = Layer(dims=3, kernel_size=3, dilation=(1, 2, 4))
    assert layer.sizes == (3, 3, 3)
    assert layer.span == (3, 5, 9)


@pytest.mark.parametrize(("a", "layers", "dims", "extent"), [
    (3, 1, 2, (3, 3)), (3, 3, 2, (27, 27)), (2, 5, 1, (32,)), (4, 2, 3, (16, 16, 16)),
])
def test_exponential_extent_is_a_to_the_layers(a: int, layers: int, dims: int,
                                               extent: tuple[int, ...]) -> None:
    cascade = Cascade.exponential(a, layers, dims=dims)
    assert cascade.extent == extent
    assert [layer.dilations[0] for layer in cascade.layers] == [a**level for level in range(layers)]


def test_schedule_extent_formula() -> None:
    cascade = Cascade.from_schedule([3, 2, 5], [1, 4, 2], dims=1)
    assert cascade.extent == (1 + 2 * 1 + 1 * 4 + 4 * 2,)


@pytest.mark.parametrize(("sizes", "dilations", "message"), [
    ([3, 3], [0, 1], "dilations[0]=0"),
    ([3, 0], [1, 3], "kernel_sizes[1]=0"),
    ([3, 3], [1], "dilations=[1]"),
])
def test_bad_schedule(sizes: list, dilations: list, message: str) -> None:
    with pytest.raises(InvalidParameterError, match=message.replace("[", r"\[")):
        Cascade.from_schedule(sizes, dilations)


def test_cascade_checks_channel_chaining_and_dims() -> None:
    with pytest.raises(InvalidParameterError, match="in_channels"):
        Cascade((Layer(out_channels=2), Layer(in_channels=3)))
    with pytest.raises(InvalidParameterError, match="dims"):
        Cascade((Layer(dims=1), Layer(dims=2)))
    with pytest.raises(InvalidParameterError, match="at least one layer"):
        Cascade(())


def test_specs_are_frozen() -> None:
    layer = Layer()
    with pytest.raises(AttributeError):
        layer.dims = 3  # type: ignore[misc]
