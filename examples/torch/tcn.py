"""Temporal convolutional network (Bai, Kolter & Koltun, "An Empirical Evaluation of Generic
Convolutional and Recurrent Networks for Sequence Modeling", 2018).

Section 3 / Figure 1: residual blocks of two causal dilated convolutions (kernel k, dilation
2^i at level i), each followed by ReLU and dropout, a 1 x 1 convolution on the residual path
when the channel count changes. The sequential-MNIST setting of Table 2's supplement: 8 levels,
kernel size 7, 25 hidden channels, one input channel of 784 pixels, a linear read-out at the
last step (here a 1 x 1 convolution to the 10 classes at every step). Weight normalisation
(a reparametrisation of the same weights) is left out; causal padding is F.pad on the left
(the paper pads both sides and chomps the end, which computes the same). Receptive field:
1 + 2 (k - 1)(2^8 - 1) = 3061.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

INPUT_SHAPE = (1, 1, 784)


class TemporalBlock(nn.Module):
    def __init__(self, c_in: int, c_out: int, kernel: int, dilation: int) -> None:
        super().__init__()
        self.pad = (kernel - 1) * dilation
        self.conv1 = nn.Conv1d(c_in, c_out, kernel, dilation=dilation)
        self.conv2 = nn.Conv1d(c_out, c_out, kernel, dilation=dilation)
        self.dropout = nn.Dropout(0.05)
        self.downsample = nn.Conv1d(c_in, c_out, 1) if c_in != c_out else None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.dropout(F.relu(self.conv1(F.pad(x, (self.pad, 0)))))
        y = self.dropout(F.relu(self.conv2(F.pad(y, (self.pad, 0)))))
        residual = x if self.downsample is None else self.downsample(x)
        return F.relu(y + residual)


class TCN(nn.Module):
    def __init__(self, channels: int = 25, levels: int = 8, kernel: int = 7,
                 classes: int = 10) -> None:
        super().__init__()
        sizes = [1] + [channels] * levels
        self.blocks = nn.Sequential(*(TemporalBlock(sizes[i], sizes[i + 1], kernel, 2**i)
                                      for i in range(levels)))
        self.readout = nn.Conv1d(channels, classes, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.readout(self.blocks(x))


def build(width: int = 1) -> nn.Module:
    return TCN(max(25 // width, 1))
