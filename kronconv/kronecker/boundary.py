"""Boundaries: where a cascade of 'same' / 'circular' layers equals the single convolution
with its composite kernel (the derived relation), and the direct test it is checked against."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import product

import numpy as np

from kronconv.engines import ModularEngine
from kronconv.errors import check_choice
from kronconv.specs import Cascade


@dataclass(frozen=True)
class BoundaryRelation:
    """cascade(x)_t = single(x)_{t + shift} (circular: indices mod n) for t in ``region``.

    Per axis, layer l spans D_l = d_l (a_l - 1) and its 'same'/'circular' output is the full
    convolution read from offset c_l = D_l - D_l // 2 (PyTorch's split, smaller half first); the
    single convolution with the composite reads from c = D - D // 2, D = sum_l D_l. Hence
    shift = sum_l c_l - c. 'circular' loses nothing: the region is everything. 'same' crops
    every intermediate to [0, n): output t agrees iff no tap path (sigma_l in [0, a_l)) with
    its input index s = t + sum_l (c_l - d_l sigma_l) in [0, n) passes an intermediate index
    i_l = t + sum_{j > l} (c_j - d_j sigma_j) outside [0, n), and t + shift is in [0, n).
    """

    boundary: str
    shape: tuple[int, ...]
    shift: tuple[int, ...]
    region: np.ndarray  # bool mask over the output


def _axis_paths(cascade: Cascade, axis: int, n: int) -> tuple[np.ndarray, np.ndarray, int]:
    """Per output t: (some valid path exists, some valid path is cut), and the shift."""
    spans = [layer.dilations[axis] * (layer.sizes[axis] - 1) for layer in cascade.layers]
    offsets = [s - s // 2 for s in spans]
    total = sum(spans)
    shift = sum(offsets) - (total - total // 2)
    valid, cut = np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)
    taps = [range(layer.sizes[axis]) for layer in cascade.layers]
    dilations = [layer.dilations[axis] for layer in cascade.layers]
    for t in range(n):
        for sigma in product(*taps):
            steps = [c - d * s for c, d, s in zip(offsets, dilations, sigma, strict=True)]
            if not 0 <= t + sum(steps) < n:
                continue
            valid[t] = True
            levels = len(steps)
            if any(not 0 <= t + sum(steps[level + 1:]) < n for level in range(levels - 1)):
                cut[t] = True
    return valid, cut, shift


def boundary_relation(cascade: Cascade, shape: Sequence[int]) -> BoundaryRelation:
    """The derived shift and agreement region (see :class:`BoundaryRelation`)."""
    boundary = cascade.layers[0].boundary
    check_choice("boundary", boundary, ("same", "circular", "full", "valid"))
    dims = cascade.dims
    axes = [_axis_paths(cascade, axis, shape[axis]) for axis in range(dims)]
    shift = tuple(a[2] for a in axes)
    if boundary in ("full", "valid"):
        out_shape = tuple(n + (e - 1 if boundary == "full" else 1 - e)
                          for n, e in zip(shape, cascade.extent, strict=True))
        return BoundaryRelation(boundary, tuple(shape), (0,) * dims,
                                np.ones(out_shape, dtype=bool))
    if boundary == "circular":
        return BoundaryRelation(boundary, tuple(shape), shift,
                                np.ones(tuple(shape), dtype=bool))
    region = np.zeros(tuple(shape), dtype=bool)
    for t in np.ndindex(*shape):
        if not all(0 <= t[p] + shift[p] < shape[p] for p in range(dims)):
            continue
        cut_somewhere = any(axes[p][1][t[p]] and all(axes[q][0][t[q]] for q in range(dims)
                                                     if q != p) for p in range(dims))
        region[t] = not cut_somewhere
    return BoundaryRelation(boundary, tuple(shape), shift, region)


def direct_boundary_agreement(cascade: Cascade, shape: Sequence[int], shift: Sequence[int], *,
                              seed: int = 0) -> np.ndarray:
    """The direct test: random kernels and input modulo p (one draw), the cascade against the
    single convolution with the composite; True where cascade[t] == single[t + shift]."""
    engine = ModularEngine()
    kernels = engine.kernels(cascade, seed=seed)
    rng = np.random.default_rng(seed + 1)
    x = rng.integers(0, engine.prime, tuple(shape), dtype=np.int64)
    convention, boundary = cascade.layers[0].convention, cascade.layers[0].boundary
    dilations = [layer.dilations for layer in cascade.layers]
    left = engine.apply_cascade(x, kernels, dilations, boundary, convention)
    composite = engine.composite(kernels, dilations, convention)
    if convention == "correlation":
        composite = composite[(slice(None, None, -1),) * cascade.dims]
    right = engine.dilated_conv(x, composite, 1, boundary, convention)
    agree = np.zeros(left.shape, dtype=bool)
    for t in np.ndindex(*left.shape):
        target = tuple(i + s for i, s in zip(t, shift, strict=True))
        if boundary == "circular":
            target = tuple(i % n for i, n in zip(target, right.shape, strict=True))
        if all(0 <= i < n for i, n in zip(target, right.shape, strict=True)):
            agree[t] = left[t] == right[target]
    return agree
