"""A dilated ResNet-50 backbone at output stride 8 (He et al., "Deep Residual Learning for
Image Recognition", CVPR 2016, Table 1; Chen et al., "Rethinking Atrous Convolution for
Semantic Image Segmentation" (DeepLabV3), 2017, Section 3.2).

The 50-layer network: a 7 x 7 stride-2 stem, 3 x 3 stride-2 max pooling, then 3, 4, 6 and 3
bottleneck blocks (1 x 1, 3 x 3, 1 x 1, expansion 4, batch norm, ReLU, projection shortcuts).
For output stride 8 the strides of the last two stages are replaced by dilation, as
torchvision's ``replace_stride_with_dilation=[False, True, True]`` does: the first block of
such a stage uses the previous dilation, the others the new one (2, then 4). Input shape:
1,3,512,512; output 2048 x 64 x 64.
"""

from __future__ import annotations

import torch
from torch import nn

INPUT_SHAPE = (1, 3, 512, 512)


class Bottleneck(nn.Module):
    def __init__(self, c_in: int, width: int, stride: int, dilation: int,
                 project: bool) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(c_in, width, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(width)
        self.conv2 = nn.Conv2d(width, width, 3, stride, padding=dilation, dilation=dilation,
                               bias=False)
        self.bn2 = nn.BatchNorm2d(width)
        self.conv3 = nn.Conv2d(width, 4 * width, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(4 * width)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = nn.Sequential(nn.Conv2d(c_in, 4 * width, 1, stride, bias=False),
                                        nn.BatchNorm2d(4 * width)) if project else None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        identity = x if self.downsample is None else self.downsample(x)
        out += identity
        return self.relu(out)


class DilatedResNet50(nn.Module):
    def __init__(self, base: int = 64) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(3, base, 7, 2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(base)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(3, 2, padding=1)
        self.channels = base
        self.dilation = 1
        self.layer1 = self._stage(base, 3, 1, dilate=False)
        self.layer2 = self._stage(2 * base, 4, 2, dilate=False)
        self.layer3 = self._stage(4 * base, 6, 2, dilate=True)
        self.layer4 = self._stage(8 * base, 3, 2, dilate=True)

    def _stage(self, width: int, blocks: int, stride: int, dilate: bool) -> nn.Sequential:
        previous = self.dilation
        if dilate:
            self.dilation *= stride
            stride = 1
        layers = [Bottleneck(self.channels, width, stride, previous,
                             stride != 1 or self.channels != 4 * width)]
        self.channels = 4 * width
        layers += [Bottleneck(self.channels, width, 1, self.dilation, False)
                   for _ in range(blocks - 1)]
        return nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        return self.layer4(self.layer3(self.layer2(self.layer1(x))))


def build(base: int = 64) -> nn.Module:
    return DilatedResNet50(base)
