"""kronconv.from_torch and the CLI around it, checked against PyTorch's own forward pass.
Skipped locally without torch; in CI (CI=true, which installs kronconv[torch]) required."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from optional import missing

if importlib.util.find_spec("torch") is None:
    missing("torch", "pip install 'kronconv[torch]'; .ci/run installs it", module_level=True)

import torch
import torch.nn.functional as F
from torch import nn

from kronconv.cli import main
from kronconv.semantics import evaluate, get_backend, reference_evaluate
from kronconv.torch_import import capture as capture_module
from kronconv.torch_import import from_torch, import_torch
from kronconv.torch_import.convert import UnsupportedOpError

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "torch"


class EveryOp2d(nn.Module):
    """One block with every op the importer maps (2-D)."""

    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3, padding="same", dilation=2)
        self.bn = nn.BatchNorm2d(4)
        self.drop = nn.Dropout(0.3)
        self.pool = nn.MaxPool2d(2, 2, return_indices=True, ceil_mode=True)
        self.unpool = nn.MaxUnpool2d(2, 2)
        self.up = nn.ConvTranspose2d(4, 4, 2, stride=2)
        self.squeeze = nn.AdaptiveAvgPool2d(1)
        self.excite = nn.Conv2d(4, 4, 1)
        self.grouped = nn.Conv2d(4, 4, 3, stride=2, padding=1, groups=2)
        self.weight = nn.Parameter(torch.randn(4, 4, 3, 3))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.drop(F.leaky_relu(self.bn(self.conv(x)), 0.2))
        y = y + F.conv2d(y, self.weight, padding=1)  # functional conv, residual add
        y.relu_()  # in place
        z, where = self.pool(y)
        u = self.unpool(z, where)
        u = u * torch.sigmoid(self.excite(self.squeeze(u)))  # squeeze-excitation
        w = F.conv2d(F.pad(u, (1, 1, 1, 1), mode="circular"), self.weight)
        v = F.interpolate(self.grouped(u), scale_factor=2, mode="bilinear", align_corners=False)
        q = F.gelu(self.up(z)) - F.silu(u)
        r = F.hardswish(F.avg_pool2d(u, 3, 1, 1, count_include_pad=False))
        s = F.hardsigmoid(F.adaptive_max_pool2d(u, 4))
        s = F.interpolate(torch.tanh(s), scale_factor=2, mode="nearest")
        return torch.cat([u, v, w, q, r, s], dim=1)


class EveryOp1d(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.a = nn.Conv1d(2, 3, 2, dilation=4)
        self.b = nn.ConvTranspose1d(3, 2, 3, stride=2, padding=1, output_padding=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = torch.relu(self.a(F.pad(x, (4, 0))))  # causal
        y = F.avg_pool1d(y, 3, 2, 1, ceil_mode=True)
        return F.interpolate(self.b(y), scale_factor=2, mode="linear")


class EveryOp3d(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.a = nn.Conv3d(1, 2, 3, padding=1, stride=(1, 2, 2))
        self.b = nn.BatchNorm3d(2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = F.max_pool3d(self.b(self.a(x)), 2, ceil_mode=True)
        return F.interpolate(y, scale_factor=(1, 2, 2), mode="trilinear")


def _randomised(model: nn.Module) -> nn.Module:
    torch.manual_seed(0)
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.randn_like(p))
        for m in model.modules():
            if isinstance(m, nn.modules.batchnorm._BatchNorm):
                m.running_mean.copy_(torch.randn_like(m.running_mean))
                m.running_var.copy_(torch.rand_like(m.running_var) + 0.5)
    return model.eval().double()


@pytest.mark.parametrize(("model", "shape"), [
    (EveryOp2d, (1, 3, 8, 8)), (EveryOp1d, (1, 2, 11)), (EveryOp3d, (1, 1, 4, 6, 6))])
def test_kronconv_semantics_equal_torch_forward(model: Any, shape: tuple[int, ...]) -> None:
    """Float64: the two compute the same sums in other orders; 1e-9 relative covers that."""
    net = _randomised(model())
    x = torch.randn(*shape, dtype=torch.float64, generator=torch.Generator().manual_seed(1))
    imported = import_torch(net, x)
    ours = evaluate(imported.architecture, x.numpy(), imported.weights, get_backend("float"))
    with torch.no_grad():
        theirs = net(x).numpy()
    assert ours.shape == theirs.shape
    assert np.abs(ours - theirs).max() <= 1e-9 * np.abs(theirs).max()
    reference = reference_evaluate(imported.architecture, x.numpy()[0], imported.weights)
    assert np.abs(reference.astype(float) - ours[0]).max() <= 1e-9 * np.abs(theirs).max()
    for node, torch_shape in imported.shapes.items():  # shapes: kronconv's rule = torch's
        assert torch_shape[1:] == (imported.architecture.channels()[node],
                                   *_sizes(imported)[node]), node


def _sizes(imported: Any) -> dict[str, tuple[int, ...]]:
    from kronconv.semantics.shapes import node_sizes

    return node_sizes(imported.architecture, imported.shapes["input"][2:],
                      strict_strides=False)


def test_every_op_is_mapped() -> None:
    arch = from_torch(EveryOp2d(), torch.randn(1, 3, 8, 8))
    ops = {node.op for node in arch.nodes}
    assert ops >= {"conv", "conv_transpose", "batchnorm", "leaky_relu", "relu", "maxpool",
                   "maxunpool", "avgpool", "mul", "sub", "sigmoid", "upsample", "gelu", "silu",
                   "hardswish", "hardsigmoid", "tanh", "add", "concat"}
    assert any(n.padding_mode == "circular" for n in arch.nodes)
    assert any(n.op == "upsample" and n.mode == "linear" for n in arch.nodes)


def test_a_wrong_weight_transfer_is_caught() -> None:
    """Wrong twin: batch norm read without its running statistics."""
    net = _randomised(EveryOp3d())
    x = torch.randn(1, 1, 4, 6, 6, dtype=torch.float64)
    imported = import_torch(net, x)
    weights = {**imported.weights, "b": {"scale": np.ones(2), "shift": np.zeros(2)}}
    ours = evaluate(imported.architecture, x.numpy(), weights, get_backend("float"))
    with torch.no_grad():
        assert not np.allclose(ours, net(x).numpy())


class Flipper(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.flip(torch.relu(x), dims=[2])


class Shuffler(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.pixel_shuffle(x, 2)


def test_an_unsupported_op_gives_one_clear_error() -> None:
    with pytest.raises(UnsupportedOpError) as error:
        from_torch(Flipper(), torch.randn(1, 1, 8, 8))
    message = str(error.value)
    assert "node 'flip'" in message and "op 'flip'" in message
    assert "test_torch_import.py:" in message  # the source line torch recorded
    assert "supported ops:" in message and "conv_transpose" in message
    assert "\n" not in message


def test_unknown_pointwise_lets_shape_preserving_ops_pass() -> None:
    arch = from_torch(Flipper(), torch.randn(1, 1, 8, 8), unknown_pointwise=True)
    assert arch.node(arch.output).op == "pointwise" and arch.node(arch.output).function == "flip"
    with pytest.raises(UnsupportedOpError, match="pixel_shuffle"):  # changes the shape
        from_torch(Shuffler(), torch.randn(1, 4, 4, 4), unknown_pointwise=True)


def test_torch_fx_is_the_fallback_and_agrees(monkeypatch: pytest.MonkeyPatch) -> None:
    model = EveryOp1d()
    x = torch.randn(1, 2, 11)
    exported = from_torch(model, x)

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("export refused")

    monkeypatch.setattr(capture_module.torch.export, "export", refuse)
    imported = import_torch(model, x)
    assert imported.method == "torch.fx"
    assert [(n.op, n.kernel_size, n.stride, n.padding, n.dilation, n.mode)
            for n in imported.architecture.nodes] == [
        (n.op, n.kernel_size, n.stride, n.padding, n.dilation, n.mode) for n in exported.nodes]


def test_import_then_rf_equals_rf_torch(tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    spec = f"{EXAMPLES / 'hdc.py'}:build"
    target = tmp_path / "hdc.json"
    assert main(["import", spec, "--input-shape", "1,64,32,32", "-o", str(target)]) == 0
    capsys.readouterr()
    assert json.loads(target.read_text())["nodes"][0]["op"] == "input"
    assert main(["rf", str(target), "--input-shape", "1,64,32,32", "--json"]) == 0
    from_file = json.loads(capsys.readouterr().out)
    assert main(["rf", "--torch", spec, "--input-shape", "1,64,32,32", "--json"]) == 0
    direct = json.loads(capsys.readouterr().out)
    assert from_file == direct
    assert direct["receptive_field"] == [35, 35] and len(direct["table"]) > 10


def test_a_dotted_module_path_works(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "my_models.py").write_text(
        "from torch import nn\n\ndef build():\n    return nn.Sequential(nn.Conv1d(1, 1, 3, "
        "dilation=2), nn.ReLU(), nn.Conv1d(1, 1, 3, dilation=4))\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert main(["rf", "--torch", "my_models:build", "--input-shape", "1,1,64", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["receptive_field"] == [13]


@pytest.mark.parametrize(("argv", "message"), [
    (["rf", "--torch", "missing.py:build", "--input-shape", "1,1,8"], "does not exist"),
    (["rf", "--torch", "nocolon", "--input-shape", "1,1,8"], "FILE.py:FACTORY"),
    (["rf", "--torch", f"{EXAMPLES / 'hdc.py'}:build"], "--input-shape"),
    (["rf", "--torch", f"{EXAMPLES / 'hdc.py'}:nothing", "--input-shape", "1,64,8,8"],
     "callable"),
    (["import", f"{EXAMPLES / 'hdc.py'}:build", "--input-shape", "1,64,8,8", "-o", "x.txt"],
     ".json"),
])
def test_bad_torch_arguments_give_one_line(argv: list[str], message: str,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_equivariance_torch(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "tiny.py").write_text(
        "from torch import nn\n\ndef build():\n    return nn.Sequential(nn.Conv1d(1, 1, 3, "
        "padding=1, padding_mode='circular', bias=False), nn.ReLU(), nn.MaxPool1d(2))\n")
    assert main(["equivariance", "--torch", f"{tmp_path / 'tiny.py'}:build", "--input-shape",
                 "1,1,4", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["respected_count"] == 2  # the multiples of the total stride 2 of Z_4
