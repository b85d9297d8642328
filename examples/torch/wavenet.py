"""WaveNet (van den Oord et al., "WaveNet: A Generative Model for Raw Audio", 2016).

Section 2.1-2.4: causal dilated convolutions of filter size 2, dilations doubling 1, 2, ..., 512
and the block repeated three times (30 layers); each layer a gated activation
tanh(W_f * x) . sigmoid(W_g * x), a 1 x 1 convolution back to the residual channels with a
residual connection, and a 1 x 1 skip connection; the skips are summed, then ReLU, 1 x 1,
ReLU, 1 x 1 to the 256 mu-law classes. Causality is left zero padding of d (F.pad). The input
here is one raw-audio channel through a 1 x 1 convolution, so the receptive field is
1 + 3 (1 + 2 + ... + 512) = 3070 samples. Input shape: 1,1,4096.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

INPUT_SHAPE = (1, 1, 4096)
DILATIONS = [2**i for i in range(10)] * 3


class GatedLayer(nn.Module):
    def __init__(self, residual: int, skip: int, dilation: int) -> None:
        super().__init__()
        self.dilation = dilation
        self.filter = nn.Conv1d(residual, residual, 2, dilation=dilation)
        self.gate = nn.Conv1d(residual, residual, 2, dilation=dilation)
        self.residual = nn.Conv1d(residual, residual, 1)
        self.skip = nn.Conv1d(residual, skip, 1)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        padded = F.pad(x, (self.dilation, 0))  # causal: output t sees t - d and t
        z = torch.tanh(self.filter(padded)) * torch.sigmoid(self.gate(padded))
        return x + self.residual(z), self.skip(z)


class WaveNet(nn.Module):
    def __init__(self, residual: int = 32, skip: int = 256, classes: int = 256) -> None:
        super().__init__()
        self.input = nn.Conv1d(1, residual, 1)
        self.layers = nn.ModuleList(GatedLayer(residual, skip, d) for d in DILATIONS)
        self.head1 = nn.Conv1d(skip, skip, 1)
        self.head2 = nn.Conv1d(skip, classes, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.input(x)
        total = None
        for layer in self.layers:
            x, skip = layer(x)
            total = skip if total is None else total + skip
        assert total is not None
        return self.head2(F.relu(self.head1(F.relu(total))))


def build(width: int = 1) -> nn.Module:
    """The paper's layout; ``width`` divides the channel counts (tests use small widths)."""
    return WaveNet(32 // width, 256 // width, 256 // width)
