"""The context module of Yu & Koltun ("Multi-Scale Context Aggregation by Dilated
Convolutions", ICLR 2016), basic form, Table 1.

Seven 3 x 3 layers with dilations 1, 1, 2, 4, 8, 16, 1, each truncated by a ReLU, padding equal
to the dilation (the output keeps the input size), then a 1 x 1 layer; C channels throughout
(C = 21 for Pascal VOC), applied to the front end's 21-channel score map (64 x 64 for a
512 x 512 image at output stride 8). Receptive field of the last 3 x 3 layer: 67 x 67.
"""

from __future__ import annotations

from torch import nn

INPUT_SHAPE = (1, 21, 64, 64)
DILATIONS = (1, 1, 2, 4, 8, 16, 1)


def build(channels: int = 21) -> nn.Module:
    layers: list[nn.Module] = []
    for d in DILATIONS:
        layers += [nn.Conv2d(channels, channels, 3, padding=d, dilation=d), nn.ReLU()]
    layers.append(nn.Conv2d(channels, channels, 1))
    return nn.Sequential(*layers)
