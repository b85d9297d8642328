"""SegNet (Badrinarayanan, Kendall & Cipolla, "SegNet: A Deep Convolutional Encoder-Decoder
Architecture for Image Segmentation", TPAMI 2017), Figure 2 and Section 3.

Encoder: the 13 convolutional layers of VGG16 (3 x 3, batch norm, ReLU) in five stages of
2, 2, 3, 3, 3 layers, each stage ending in 2 x 2 max pooling of stride 2 whose indices are
stored; decoder: the mirror image, each stage starting with max-unpooling by the stored
indices of its encoder stage, followed by 3 x 3 convolutions with batch norm and ReLU; a final
3 x 3 convolution to the classes (11 for CamVid). Input shape: 1,3,352,480 (CamVid's 360 x 480
cropped to a multiple of 32).
"""

from __future__ import annotations

import torch
from torch import nn

INPUT_SHAPE = (1, 3, 352, 480)
STAGES = (2, 2, 3, 3, 3)


def _layers(c_in: int, c_out: int, count: int) -> nn.Sequential:
    layers: list[nn.Module] = []
    for i in range(count):
        layers += [nn.Conv2d(c_in if i == 0 else c_out, c_out, 3, padding=1),
                   nn.BatchNorm2d(c_out), nn.ReLU(inplace=True)]
    return nn.Sequential(*layers)


class SegNet(nn.Module):
    def __init__(self, base: int = 64, classes: int = 11) -> None:
        super().__init__()
        widths = [base, 2 * base, 4 * base, 8 * base, 8 * base]
        inputs = [3, *widths[:-1]]
        self.encoder = nn.ModuleList(_layers(i, w, n) for i, w, n in zip(inputs, widths,
                                                                          STAGES, strict=True))
        # Decoder stage s mirrors encoder stage s: its last layer goes to the stage's input width
        # (the first decoder stage after the deepest unpooling keeps 8 base channels).
        self.decoder = nn.ModuleList(
            nn.Sequential(_layers(w, w, n - 1), _layers(w, max(i, base), 1))
            for i, w, n in zip(inputs, widths, STAGES, strict=True))
        self.pool = nn.MaxPool2d(2, 2, return_indices=True)
        self.unpool = nn.MaxUnpool2d(2, 2)
        self.classifier = nn.Conv2d(base, classes, 3, padding=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        indices = []
        for stage in self.encoder:
            x, where = self.pool(stage(x))
            indices.append(where)
        for stage in reversed(self.decoder):
            x = stage(self.unpool(x, indices.pop()))
        return self.classifier(x)


def build(base: int = 64) -> nn.Module:
    return SegNet(base)
