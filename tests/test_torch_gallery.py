"""The gallery (examples/torch) checked against PyTorch itself:

- the exact dependency set kronconv computes for an output unit equals the support of torch's
  input gradient at that unit (cancellation-free copy of the model, tests/torch_checks.py),
  and the closed forms (receptive field, effective stride and padding, holes) equal that
  support's bounding box at an interior unit and its move from unit j to j + 1;
- the shift calculus: every shift it reports respected survives torch's own shifted forward
  pass (random weights and input), every shift it reports not respected is refuted by one; at
  each model's real input size, on a seeded sample of shifts plus the multiples of the stride.

Models run at reduced channel widths (receptive fields do not depend on widths; the DeepLabV3
test checks that the per-layer table is the same at full width). The largest models are
``slow``. Skipped locally without torch; required in CI.
"""

from __future__ import annotations

import importlib.util
import json
import random
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from optional import missing

if importlib.util.find_spec("torch") is None:
    missing("torch", "pip install 'kronconv[torch]'; .ci/run installs it", module_level=True)

import torch
from torch_checks import gradient_support, shift_refuted, shift_respected

from kronconv import parse_architecture
from kronconv.cli import main
from kronconv.equivariance.shifts import derived_shifts
from kronconv.receptive_field.dependency import dependency_set
from kronconv.receptive_field.recursion import closed_forms, receptive_field
from kronconv.receptive_field.report import rf_report
from kronconv.semantics.shapes import node_sizes
from kronconv.serialize import to_json
from kronconv.torch_import import Imported, import_torch

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "torch"
SLOW = pytest.mark.slow
# (model, build() keywords, input shape): real input sizes, reduced widths.
GALLERY = [
    pytest.param("wavenet", {"width": 8}, (1, 1, 4096), id="wavenet"),
    pytest.param("tcn", {"width": 5}, (1, 1, 784), id="tcn"),
    pytest.param("context", {"channels": 4}, (1, 4, 64, 64), id="context"),
    pytest.param("hdc", {"channels": 4}, (1, 4, 64, 64), id="hdc"),
    pytest.param("deeplabv3", {"base": 4, "channels": 16}, (1, 3, 512, 512), id="deeplabv3",
                 marks=SLOW),
    pytest.param("resnet50_dilated", {"base": 4}, (1, 3, 512, 512), id="resnet50",
                 marks=SLOW),
    pytest.param("unet", {"base": 4}, (1, 1, 512, 512), id="unet", marks=SLOW),
    pytest.param("segnet", {"base": 4}, (1, 3, 352, 480), id="segnet", marks=SLOW),
]


def load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"gallery_{name}", EXAMPLES / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def imported(name: str, kwargs: dict[str, Any], shape: tuple[int, ...]) -> Imported:
    torch.manual_seed(0)
    return import_torch(load(name).build(**kwargs), torch.randn(*shape), name=name)


def inside(positions: set[tuple[int, ...]], size: tuple[int, ...]) -> set[tuple[int, ...]]:
    return {p for p in positions if all(0 <= a < n for a, n in zip(p, size, strict=True))}


def check_output_support(model: Imported, shape: tuple[int, ...]) -> None:
    """kronconv's set at the central output unit = torch's gradient support."""
    arch = model.architecture
    unit = tuple(n // 2 for n in node_sizes(arch, shape[2:], strict_strides=False)[arch.output])
    ours = inside(dependency_set(arch, unit=unit).positions(), shape[2:])
    assert ours == gradient_support(model.program, model.torch_names[arch.output], shape, unit)


def check_closed_forms(model: Imported, shape: tuple[int, ...], node: str) -> None:
    """Closed forms of ``node`` = the bounding box of torch's support at an interior unit j,
    and the box moves by the effective stride from j to j + 1 (every axis)."""
    arch = model.architecture
    fields = closed_forms(arch).fields[node]
    assert fields is not None
    holes = next(e for e in to_json(rf_report(arch))["layers"] if e["id"] == node)["holes"]
    sizes = node_sizes(arch, shape[2:], strict_strides=False)[node]
    unit = tuple(n // 2 for n in sizes)
    boxes = []
    for j in (unit, tuple(u + 1 for u in unit)):
        support = gradient_support(model.program, model.torch_names[node], shape, j)
        first = [min(p[a] for p in support) for a in range(arch.dims)]
        last = [max(p[a] for p in support) for a in range(arch.dims)]
        expected = [-f.effective_padding + f.effective_stride * u for f, u in zip(fields, j,
                                                                                  strict=True)]
        interior = all(e >= 0 and e + f.receptive_field <= n for e, f, n in zip(
            expected, fields, shape[2:], strict=True))
        assert interior, f"{node}: unit {j} is not interior; choose another node"
        assert first == expected
        assert [b - a + 1 for a, b in zip(first, last, strict=True)] == [
            f.receptive_field for f in fields]
        box = 1
        for f in fields:
            box *= f.receptive_field
        assert box - len(support) == holes
        boxes.append(first)
    assert [b - a for a, b in zip(*boxes, strict=True)] == [f.effective_stride for f in fields]


def last_closed(model: Imported, shape: tuple[int, ...]) -> str:
    """The deepest node with closed forms whose central unit is interior."""
    arch = model.architecture
    fields = closed_forms(arch).fields
    sizes = node_sizes(arch, shape[2:], strict_strides=False)
    for node in reversed(arch.nodes):
        f = fields[node.id]
        if f is None or node.op == "input":
            continue
        starts = [-a.effective_padding + a.effective_stride * (n // 2 + 1) for a, n in zip(
            f, sizes[node.id], strict=True)]
        if all(s - a.effective_stride >= 0 and s + a.receptive_field <= n
               for s, a, n in zip(starts, f, shape[2:], strict=True)):
            return node.id
    raise AssertionError("no interior node with closed forms")


@pytest.mark.parametrize(("name", "kwargs", "shape"), GALLERY)
def test_receptive_fields_equal_torch_gradient_support(name: str, kwargs: dict[str, Any],
                                                       shape: tuple[int, ...]) -> None:
    model = imported(name, kwargs, shape)
    check_output_support(model, shape)
    check_closed_forms(model, shape, last_closed(model, shape))


def test_a_wrong_architecture_is_caught_by_the_gradient() -> None:
    """Wrong twin: the context module with one dilation off by one."""
    shape = (1, 4, 64, 64)
    model = imported("context", {"channels": 4}, shape)
    data = json.loads(json.dumps(model.data))
    conv = next(n for n in data["nodes"] if n["op"] == "conv" and n["dilation"] == [4, 4])
    conv["dilation"] = [5, 5]
    conv["padding"] = [[5, 5], [5, 5]]
    wrong = parse_architecture(data)
    node = next(n.id for n in wrong.nodes if n.op == "conv" and n.dilation == (8, 8))
    unit = (32, 32)
    support = gradient_support(model.program, model.torch_names[node], shape, unit)
    assert inside(dependency_set(model.architecture, node, unit).positions(), (64, 64)) \
        == support
    assert inside(dependency_set(wrong, node, unit).positions(), (64, 64)) != support


def test_wavenet_receptive_field_is_3070() -> None:
    model = imported("wavenet", {}, (1, 1, 4096))
    (field,) = receptive_field(model.architecture)
    assert field.receptive_field == 3070 and field.effective_stride == 1


def test_deeplabv3_rf_torch_table_matches_torch(capsys: pytest.CaptureFixture[str]) -> None:
    """Acceptance: the CLI's table at full width; the same numbers at a small width; those
    numbers against torch's gradient support."""
    shape = (1, 3, 512, 512)
    assert main(["rf", "--torch", f"{EXAMPLES / 'deeplabv3.py'}:build", "--input-shape",
                 ",".join(map(str, shape)), "--json"]) == 0
    full = json.loads(capsys.readouterr().out)
    model = imported("deeplabv3", {"base": 4, "channels": 16}, shape)
    report = to_json(rf_report(model.architecture))
    columns = ("receptive_field", "effective_stride", "effective_padding", "holes")
    assert [[e[c] for c in columns] for e in report["layers"]] == [
        [row[c] for c in columns] for row in full["table"]]
    assert full["table"][-1]["output_shape"] == [21, 512, 512]
    check_output_support(model, shape)
    check_closed_forms(model, shape, last_closed(model, shape))


def _sample(size: tuple[int, ...], stride: int, seed: int) -> list[tuple[int, ...]]:
    rng = random.Random(seed)
    shifts = {tuple(0 for _ in size)}
    for axis, n in enumerate(size):
        for a in [1, stride % n, *rng.sample(range(1, n), 3)]:
            shifts.add(tuple(a if i == axis else 0 for i in range(len(size))))
    return sorted(shifts)


@pytest.mark.parametrize(("name", "kwargs", "shape"), [
    *GALLERY[:4],
    pytest.param("circular", {}, (1, 1, 16, 16), id="circular-toy"),
])
def test_shift_calculus_against_torch_forward(name: str, kwargs: dict[str, Any],
                                              shape: tuple[int, ...]) -> None:
    if name == "circular":  # not in the gallery: a model that respects nonzero shifts
        net = torch.nn.Sequential(
            torch.nn.Conv2d(1, 2, 3, padding=1, padding_mode="circular"), torch.nn.ReLU(),
            torch.nn.MaxPool2d(2), torch.nn.Conv2d(2, 1, 3, padding=2, dilation=2,
                                                   padding_mode="circular"))
    else:
        net = load(name).build(**kwargs)
    torch.manual_seed(1)
    net = net.eval().double()
    x = torch.randn(*shape, dtype=torch.float64)
    arch = import_torch(net, x).architecture
    stride = max(f.effective_stride for f in receptive_field(arch)) \
        if closed_forms(arch).fields[arch.output] is not None else 1
    shifts = _sample(shape[2:], stride, seed=0)
    kept = derived_shifts(arch, shape[2:], shifts)
    assert kept, "the zero shift is always respected"
    for v in shifts:
        if v in kept:
            assert shift_respected(net, x, v, kept[v], tolerance=1e-9), v
        else:
            assert shift_refuted(net, x, v, tolerance=1e-9), v
    if name == "circular":
        assert (2, 0) in kept and (1, 0) not in kept
