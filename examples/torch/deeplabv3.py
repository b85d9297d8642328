"""DeepLabV3 (Chen et al., "Rethinking Atrous Convolution for Semantic Image Segmentation",
2017), Section 3.3 and Figure 5, at output stride 8.

The dilated ResNet-50 backbone (``resnet50_dilated.py``), then Atrous Spatial Pyramid Pooling:
one 1 x 1 convolution, three 3 x 3 convolutions with rates 12, 24 and 36 (doubled for output
stride 8), and image pooling (global average pooling, 1 x 1 convolution, bilinear upsampling
back to the feature size), each with 256 filters and batch norm; the five branches are
concatenated and fused by a 1 x 1 convolution; then (as in torchvision's DeepLabHead) a 3 x 3
convolution, the 1 x 1 classifier and bilinear upsampling by 8 to the input size. Input shape:
1,3,512,512.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

INPUT_SHAPE = (1, 3, 512, 512)
RATES = (12, 24, 36)


def _backbone(base: int) -> nn.Module:
    name = "kronconv_gallery_resnet50_dilated"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(
            name, Path(__file__).with_name("resnet50_dilated.py"))
        assert spec is not None and spec.loader is not None
        sys.modules[name] = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(sys.modules[name])
    return sys.modules[name].build(base)


def _conv_bn_relu(c_in: int, c_out: int, kernel: int, dilation: int = 1) -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(c_in, c_out, kernel, padding=dilation * (kernel // 2),
                                   dilation=dilation, bias=False),
                         nn.BatchNorm2d(c_out), nn.ReLU())


class ASPP(nn.Module):
    def __init__(self, c_in: int, c_out: int) -> None:
        super().__init__()
        self.branches = nn.ModuleList([_conv_bn_relu(c_in, c_out, 1)]
                                      + [_conv_bn_relu(c_in, c_out, 3, r) for r in RATES])
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.pool_conv = _conv_bn_relu(c_in, c_out, 1)
        self.project = _conv_bn_relu(5 * c_out, c_out, 1)
        self.dropout = nn.Dropout(0.5)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        pooled = F.interpolate(self.pool_conv(self.pool(x)), size=x.shape[-2:],
                               mode="bilinear", align_corners=False)
        features = [branch(x) for branch in self.branches] + [pooled]
        return self.dropout(self.project(torch.cat(features, dim=1)))


class DeepLabV3(nn.Module):
    def __init__(self, base: int = 64, channels: int = 256, classes: int = 21) -> None:
        super().__init__()
        self.backbone = _backbone(base)
        self.aspp = ASPP(32 * base, channels)
        self.head = _conv_bn_relu(channels, channels, 3)
        self.classifier = nn.Conv2d(channels, classes, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.classifier(self.head(self.aspp(self.backbone(x))))
        return F.interpolate(y, size=x.shape[-2:], mode="bilinear", align_corners=False)


def build(base: int = 64, channels: int = 256) -> nn.Module:
    return DeepLabV3(base, channels)
