"""Specifications: frozen dataclasses, validated once at construction.

A :class:`Layer` is one dilated convolution; a :class:`Cascade` is an ordered tuple of layers,
layer 0 applied first. Everything downstream (engines, analyses, claims, CLI) takes specs and can
trust them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from kronconv.errors import check_choice, check_int, check_per_axis, invalid

CONVENTIONS = ("convolution", "correlation")
BOUNDARIES = ("full", "valid", "same", "circular")
NONLINEARITIES = ("none", "relu", "leaky_relu", "tanh", "sigmoid")
MAX_DIMS = 3


@dataclass(frozen=True)
class Layer:
    """One dilated convolution layer.

    ``kernel_size`` and ``dilation`` are given per axis (an int is broadcast to every axis).
    Convention ``convolution``: (k *_d f)_t = sum_tau k_tau f_{t - d tau}; ``correlation``:
    (k star_d f)_t = sum_tau k_tau f_{t + d tau}, as deep-learning frameworks compute.
    """

    dims: int = 2
    kernel_size: tuple[int, ...] | int = 3
    dilation: tuple[int, ...] | int = 1
    in_channels: int = 1
    out_channels: int = 1
    nonlinearity: str = "none"
    convention: str = "convolution"
    boundary: str = "full"

    def __post_init__(self) -> None:
        dims = check_int("dims", self.dims, minimum=1, maximum=MAX_DIMS)
        object.__setattr__(self, "kernel_size",
                           check_per_axis("kernel_size", self.kernel_size, dims, minimum=1))
        object.__setattr__(self, "dilation",
                           check_per_axis("dilation", self.dilation, dims, minimum=1))
        check_int("in_channels", self.in_channels, minimum=1)
        check_int("out_channels", self.out_channels, minimum=1)
        check_choice("nonlinearity", self.nonlinearity, NONLINEARITIES)
        check_choice("convention", self.convention, CONVENTIONS)
        check_choice("boundary", self.boundary, BOUNDARIES)

    @property
    def sizes(self) -> tuple[int, ...]:
        """Kernel size per axis (typed view of ``kernel_size``)."""
        assert isinstance(self.kernel_size, tuple)
        return self.kernel_size

    @property
    def dilations(self) -> tuple[int, ...]:
        """Dilation per axis (typed view of ``dilation``)."""
        assert isinstance(self.dilation, tuple)
        return self.dilation

    @property
    def span(self) -> tuple[int, ...]:
        """Extent of the dilated kernel per axis: 1 + d (a - 1)."""
        return tuple(1 + d * (a - 1) for a, d in zip(self.sizes, self.dilations, strict=True))

    @property
    def parameters(self) -> int:
        return math.prod(self.sizes) * self.in_channels * self.out_channels


@dataclass(frozen=True)
class Cascade:
    """An ordered cascade of layers; layer 0 is applied first."""

    layers: tuple[Layer, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        layers = tuple(self.layers)
        object.__setattr__(self, "layers", layers)
        if not layers:
            raise invalid("layers", [], "at least one layer")
        for index, layer in enumerate(layers):
            if not isinstance(layer, Layer):
                raise invalid(f"layers[{index}]", layer, "a kronconv.Layer")
            if layer.dims != layers[0].dims:
                raise invalid(f"layers[{index}].dims", layer.dims,
                              f"the same dims as layer 0 ({layers[0].dims})")
            if index and layer.in_channels != layers[index - 1].out_channels:
                raise invalid(f"layers[{index}].in_channels", layer.in_channels,
                              f"layer {index - 1}'s out_channels "
                              f"({layers[index - 1].out_channels})")

    # -- constructors -------------------------------------------------------------------------
    @classmethod
    def exponential(cls, kernel_size: int, layers: int, *, dims: int = 2, channels: int = 1,
                    nonlinearity: str = "none", convention: str = "convolution",
                    boundary: str = "full") -> Cascade:
        """The essay's schedule: ``layers`` layers of size ``a``, layer l dilated by a^l."""
        a = check_int("kernel_size", kernel_size, minimum=1)
        n = check_int("layers", layers, minimum=1)
        return cls.from_schedule([a] * n, [a**level for level in range(n)], dims=dims,
                                 channels=channels, nonlinearity=nonlinearity,
                                 convention=convention, boundary=boundary)

    @classmethod
    def from_schedule(cls, kernel_sizes: Sequence[int | tuple[int, ...]],
                      dilations: Sequence[int | tuple[int, ...]], *,
                      dims: int = 2, channels: int = 1, nonlinearity: str = "none",
                      convention: str = "convolution", boundary: str = "full") -> Cascade:
        """One layer per (kernel size, dilation) pair, the same on every axis."""
        if len(kernel_sizes) != len(dilations):
            raise invalid("dilations", list(dilations),
                          f"one dilation per layer ({len(kernel_sizes)} kernel sizes given)")
        check_int("dims", dims, minimum=1, maximum=MAX_DIMS)
        check_int("channels", channels, minimum=1)
        count = len(kernel_sizes)
        layers = []
        for index, (a, d) in enumerate(zip(kernel_sizes, dilations, strict=True)):
            # Validate here too, so that messages name the list entry the user typed.
            check_per_axis(f"kernel_sizes[{index}]", a, dims, minimum=1)
            check_per_axis(f"dilations[{index}]", d, dims, minimum=1)
            # The last layer's nonlinearity would act on the output, not between layers.
            layers.append(Layer(dims=dims, kernel_size=a, dilation=d, in_channels=channels,
                                out_channels=channels,
                                nonlinearity=nonlinearity if index < count - 1 else "none",
                                convention=convention, boundary=boundary))
        return cls(tuple(layers))

    # -- derived quantities -------------------------------------------------------------------
    @property
    def dims(self) -> int:
        return self.layers[0].dims

    def __len__(self) -> int:
        return len(self.layers)

    @property
    def extent(self) -> tuple[int, ...]:
        """Composite kernel extent per axis: 1 + sum_l (a_l - 1) d_l."""
        return tuple(1 + sum((layer.sizes[axis] - 1) * layer.dilations[axis]
                             for layer in self.layers) for axis in range(self.dims))

    @property
    def is_linear(self) -> bool:
        return all(layer.nonlinearity == "none" for layer in self.layers)

    @property
    def is_single_channel(self) -> bool:
        return all(layer.in_channels == 1 and layer.out_channels == 1 for layer in self.layers)

    @property
    def max_channels(self) -> int:
        """The largest channel count of any layer's input or output (1 iff single-channel)."""
        return max(max(layer.in_channels, layer.out_channels) for layer in self.layers)

    @property
    def parameters(self) -> int:
        return sum(layer.parameters for layer in self.layers)

    def with_dilations(self, dilations: Sequence[int]) -> Cascade:
        """The same cascade with other (isotropic) dilations; used to build wrong variants."""
        from dataclasses import replace

        if len(dilations) != len(self.layers):
            raise invalid("dilations", list(dilations), f"{len(self.layers)} values")
        return Cascade(tuple(replace(layer, dilation=d)
                             for layer, d in zip(self.layers, dilations, strict=True)))
