"""U-Net (Ronneberger, Fischer & Brox, "U-Net: Convolutional Networks for Biomedical Image
Segmentation", MICCAI 2015), Figure 1.

Contracting path: four levels of two 3 x 3 convolutions + ReLU then 2 x 2 max pooling, the
channels doubling from 64 to 1024 at the bottom; expansive path: a 2 x 2 up-convolution
(ConvTranspose2d, stride 2) halving the channels, concatenation with the skip of the same level,
two 3 x 3 convolutions + ReLU; a final 1 x 1 convolution to 2 classes. The paper's convolutions
are unpadded and its skips cropped; here they are padded by 1 so that the skips concatenate
without cropping (the common variant). Input shape: 1,1,512,512.
"""

from __future__ import annotations

import torch
from torch import nn

INPUT_SHAPE = (1, 1, 512, 512)


def _double(c_in: int, c_out: int) -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(c_in, c_out, 3, padding=1), nn.ReLU(inplace=True),
                         nn.Conv2d(c_out, c_out, 3, padding=1), nn.ReLU(inplace=True))


class UNet(nn.Module):
    def __init__(self, base: int = 64, classes: int = 2, depth: int = 4) -> None:
        super().__init__()
        widths = [base * 2**i for i in range(depth + 1)]
        self.down = nn.ModuleList([_double(1, widths[0])]
                                  + [_double(widths[i], widths[i + 1]) for i in range(depth)])
        self.pool = nn.MaxPool2d(2)
        self.up = nn.ModuleList(nn.ConvTranspose2d(widths[i + 1], widths[i], 2, stride=2)
                                for i in reversed(range(depth)))
        self.decode = nn.ModuleList(_double(2 * widths[i], widths[i])
                                    for i in reversed(range(depth)))
        self.out = nn.Conv2d(widths[0], classes, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        skips = []
        for i, block in enumerate(self.down):
            x = block(x if i == 0 else self.pool(x))
            skips.append(x)
        skips.pop()
        for up, decode in zip(self.up, self.decode, strict=True):
            x = decode(torch.cat([skips.pop(), up(x)], dim=1))
        return self.out(x)


def build(base: int = 64) -> nn.Module:
    return UNet(base)
