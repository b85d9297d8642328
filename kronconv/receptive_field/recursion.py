"""Receptive fields: the closed forms of Araujo et al. and branch alignment, per node and axis.

Coordinates follow PyTorch: a window op (conv, maxpool, avgpool) with kernel k, stride s,
dilation d and padding (p, p') computes output unit j from input positions s j - p + d t,
t = 0 ... k - 1 (positions < 0 or past the end are padding). Composing from the input upwards,
with r, S, P the receptive field, effective stride and effective padding of the node below
(Araujo et al., "Computing Receptive Fields of Convolutional Neural Networks", Distill 2019,
written bottom-up, with k replaced by the dilated span d (k - 1) + 1):

    r' = r + d (k - 1) S        S' = S s        P' = P + p S

so that r_L = 1 + sum_l d_l (k_l - 1) prod_{i<l} s_i, S_L = prod_l s_l and
P_L = sum_l p_l prod_{i<l} s_i. Output unit j of a node sees input positions
[-P + S j, -P + S j + r - 1]; its centre is -P + S j + (r - 1) / 2. Pointwise ops keep (r, S, P).
A merge (add, concat) needs one effective stride across its inputs (else an error naming the
branches); its receptive field is the union of the branches' intervals, and the branches are
*aligned* when their centres coincide (otherwise :attr:`Alignment.message` says where they
disagree). ``upsample``, ``conv_transpose`` and ``maxunpool`` make the receptive field depend on
the output unit's phase, so the closed forms stop there (``None``);
:mod:`kronconv.receptive_field.dependency` still gives the exact set.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from kronconv.errors import ArchitectureError
from kronconv.specs.architecture import MERGE_OPS, POINTWISE_OPS, Architecture, Node

PHASE_OPS = ("upsample", "conv_transpose", "maxunpool")  # fields depend on the unit's phase


@dataclass(frozen=True)
class AxisField:
    """Receptive field of one node along one axis (closed form)."""

    receptive_field: int
    effective_stride: int
    effective_padding: int

    @property
    def first(self) -> int:
        """First input position seen by output unit 0 (negative means padding)."""
        return -self.effective_padding

    @property
    def last(self) -> int:
        return -self.effective_padding + self.receptive_field - 1

    @property
    def center(self) -> Fraction:
        """Centre of output unit 0's receptive field: -P + (r - 1) / 2."""
        return Fraction(self.first + self.last, 2)


@dataclass(frozen=True)
class Alignment:
    """Alignment of the branches entering a merge node along one axis."""

    node: str
    axis: int
    centers: dict[str, Fraction]

    @property
    def aligned(self) -> bool:
        return len(set(self.centers.values())) <= 1

    @property
    def message(self) -> str:
        if self.aligned:
            return f"node {self.node!r} axis {self.axis}: branches aligned"
        parts = ", ".join(f"{k!r} centre {_fmt(v)}" for k, v in self.centers.items())
        return (f"node {self.node!r} axis {self.axis}: branches disagree on the centre of "
                f"output 0's receptive field ({parts}): the merged receptive field is not "
                "centred on the branches' common unit")


@dataclass(frozen=True)
class FieldReport:
    """Closed forms for every node (``None`` where they do not apply) and alignment checks."""

    fields: dict[str, tuple[AxisField, ...] | None]
    alignments: tuple[Alignment, ...]

    @property
    def aligned(self) -> bool:
        return all(a.aligned for a in self.alignments)


def _fmt(value: Fraction) -> str:
    return str(value.numerator) if value.denominator == 1 else f"{float(value):g}"


def step(field: AxisField, node: Node, axis: int) -> AxisField:
    """One window op on top of ``field`` (the formula of the module docstring)."""
    span = node.dilation[axis] * (node.kernel_size[axis] - 1) + 1
    r, s, p = field.receptive_field, field.effective_stride, field.effective_padding
    return AxisField(r + (span - 1) * s, s * node.stride[axis], p + node.padding[axis][0] * s)


def merge(node: Node, branches: dict[str, AxisField], axis: int) -> tuple[AxisField, Alignment]:
    """Union of the branches' intervals; they must share one effective stride."""
    strides = {k: f.effective_stride for k, f in branches.items()}
    if len(set(strides.values())) > 1:
        listed = ", ".join(f"{k!r} stride {v}" for k, v in strides.items())
        raise ArchitectureError(f"node {node.id!r}: field 'inputs': branches disagree on the "
                                f"effective stride along axis {axis} ({listed}); a merge needs "
                                "inputs on the same grid")
    first = min(f.first for f in branches.values())
    last = max(f.last for f in branches.values())
    stride = next(iter(strides.values()))
    centres = {k: f.center for k, f in branches.items()}
    return AxisField(last - first + 1, stride, -first), Alignment(node.id, axis, centres)


def closed_forms(arch: Architecture) -> FieldReport:
    """Araujo et al.'s closed forms for every node, in topological order, per axis."""
    fields: dict[str, tuple[AxisField, ...] | None] = {}
    alignments: list[Alignment] = []
    for node in arch.nodes:
        below = [fields[i] for i in node.inputs]
        if node.op == "input":
            fields[node.id] = tuple(AxisField(1, 1, 0) for _ in range(arch.dims))
        elif any(b is None for b in below) or node.op in PHASE_OPS:
            fields[node.id] = None
        elif node.op in POINTWISE_OPS:
            fields[node.id] = below[0]
        elif node.op in MERGE_OPS:
            axes = []
            for axis in range(arch.dims):
                branches = {i: f[axis] for i, f in zip(node.inputs, below, strict=True)
                            if f is not None}
                merged, alignment = merge(node, branches, axis)
                axes.append(merged)
                alignments.append(alignment)
            fields[node.id] = tuple(axes)
        else:  # conv, maxpool, avgpool
            base = below[0]
            assert base is not None
            fields[node.id] = tuple(step(base[axis], node, axis) for axis in range(arch.dims))
    return FieldReport(fields, tuple(alignments))


def receptive_field(arch: Architecture, node: str | None = None) -> tuple[AxisField, ...]:
    """Closed-form receptive field, effective stride and padding of ``node`` (default: the
    output), one :class:`AxisField` per axis. Raises :class:`ArchitectureError` where the closed
    forms do not apply (after upsample/maxunpool) or branches disagree on the stride."""
    target = arch.output if node is None else arch.node(node).id
    value = closed_forms(arch).fields[target]
    if value is None:
        raise ArchitectureError(f"node {target!r}: the closed forms of Araujo et al. do not apply "
                                "after upsample, conv_transpose or maxunpool (the receptive field "
                                "depends on the output unit); use "
                                "kronconv.receptive_field.dependency for the exact set")
    return value


def plain_formula(kernel_sizes: list[int], dilations: list[int], strides: list[int],
                  paddings: list[int]) -> tuple[int, int, int]:
    """The summed closed forms (r, S, P) of one axis of a chain of window ops, written directly
    as Araujo et al.'s sums; an independent transcription used to check :func:`step`."""
    r, s_prod, p = 1, 1, 0
    for k, d, s, pad in zip(kernel_sizes, dilations, strides, paddings, strict=True):
        r += d * (k - 1) * s_prod
        p += pad * s_prod
        s_prod *= s
    return r, s_prod, p


# The published statements checked in proofs/group_c.py (kept here so that tests can swap in
# wrong variants and watch the checks fail).
def plain_linear_rf(layer: int, kernel_size: int) -> int:
    """The essay: a stack of k x k convolutions; layer l (from 0) sees l (k - 1) + k inputs."""
    return layer * (kernel_size - 1) + kernel_size


def exponential_rf(i: int) -> int:
    """Yu & Koltun: 3 x 3 kernels, dilations 1, 2, ..., 2^i: F_{i+1} sees 2^(i+2) - 1 inputs."""
    return 2 ** (i + 2) - 1
