"""A Hybrid Dilated Convolution block (Wang et al., "Understanding Convolution for Semantic
Segmentation", WACV 2018), Section 3.3.

Instead of one dilation rate repeated (which leaves a checkerboard of input positions unseen,
"gridding"), consecutive 3 x 3 layers use rates with no common factor whose maximum distance
M_2 <= K: here the sawtooth 1, 2, 5, 9 of the paper's ResNet-101 res4b groups, each layer
convolution, batch norm, ReLU, with a residual connection around the group. Input shape:
1,64,64,64.
"""

from __future__ import annotations

import torch
from torch import nn

INPUT_SHAPE = (1, 64, 64, 64)
RATES = (1, 2, 5, 9)


class HDCBlock(nn.Module):
    def __init__(self, channels: int = 64) -> None:
        super().__init__()
        layers: list[nn.Module] = []
        for r in RATES:
            layers += [nn.Conv2d(channels, channels, 3, padding=r, dilation=r, bias=False),
                       nn.BatchNorm2d(channels), nn.ReLU()]
        self.body = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.relu(x + self.body(x))


def build(channels: int = 64) -> nn.Module:
    return HDCBlock(channels)
