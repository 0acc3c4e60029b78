"""Convolutions: standard, grouped and dilated; depthwise; transposed."""

from __future__ import annotations

from dataclasses import dataclass

from ..symbolic import Size, divide, product, smax, to_text
from .args import Axes, Count, Flag, NonnegativeAxes, Padding
from .base import Field, Layer, Shape, numel, require, require_divides
from .window import (
    extents,
    same_padding,
    term,
    times,
    transposed_centre,
    transposed_first,
    transposed_formulas,
    transposed_sizes,
    transposed_taps,
    window_formulas,
    window_sizes,
)


def check_groups(groups: Size, channels_in: Size, channels_out: Size) -> None:
    for channels, side in ((channels_in, "input"), (channels_out, "output")):
        require_divides(groups, channels, f"groups {to_text(groups)} must divide the {to_text(channels)} {side} channels")


@dataclass(frozen=True, eq=False)
class Conv(Layer):
    """Convolution over 1, 2 or 3 spatial axes, as PyTorch's Conv1d/Conv2d/Conv3d."""

    out: Count
    kernel: Axes
    stride: Axes = 1
    padding: Padding = 0
    dilation: Axes = 1
    groups: Count = 1
    bias: Flag = True

    PRIMARY = "out"

    def __post_init__(self) -> None:
        check_groups(self.groups, self.channels, self.out)

    def extent(self) -> tuple:
        return extents(self.kernel, self.dilation)

    def pads(self) -> tuple:
        """(before, after) padding per axis, with 'same' worked out."""
        if self.padding == "same":
            return same_padding(self.spatial, self.extent(), self.stride)
        return self.padding

    def out_shape(self) -> Shape:
        return (self.out, *window_sizes(self.spatial, self.extent(), self.stride, self.pads()))

    def weights_per_output(self) -> Size:
        """Weights that one output channel applies: (C_in / groups) * k_h * k_w."""
        return divide(self.channels, self.groups) * product(self.kernel)

    def params(self) -> Size:
        return self.out * self.weights_per_output() + (self.out if self.bias else 0)

    def macs(self) -> Size:
        return numel(self.y) * self.weights_per_output()

    def bias_macs(self) -> Size:
        return numel(self.y) if self.bias else 0

    def field(self, f: Field) -> Field:
        return f.window(self.extent(), self.stride, tuple(before for before, _ in self.pads()))

    def explain(self) -> dict:
        group = "" if self.groups == 1 else f"/{term(self.groups)}"
        per_output = f"{term(self.channels)}{group}*{times(self.kernel)}"
        params = f"({per_output} + 1)*{term(self.out)}" if self.bias else f"{per_output}*{term(self.out)}"
        sizes = window_formulas(self.spatial, self.extent(), self.stride, self.pads(), self.y[1:])
        return {"params": params, "macs": f"{times(self.y)}*{per_output}", **sizes}


@dataclass(frozen=True, eq=False)
class Depthwise(Layer):
    """Depthwise convolution: one filter (or `multiplier` filters) per input channel,
    i.e. a Conv with groups equal to the input channels."""

    kernel: Axes
    stride: Axes = 1
    padding: Padding = 0
    dilation: Axes = 1
    multiplier: Count = 1
    bias: Flag = True

    PRIMARY = "kernel"

    def conv(self) -> Conv:
        return Conv(
            self.x,
            out=self.multiplier * self.channels,
            kernel=self.kernel,
            stride=self.stride,
            padding=self.padding,
            dilation=self.dilation,
            groups=self.channels,
            bias=self.bias,
        )

    def out_shape(self) -> Shape:
        return self.conv().y

    def params(self) -> Size:
        return self.conv().params()

    def macs(self) -> Size:
        return self.conv().macs()

    def bias_macs(self) -> Size:
        return self.conv().bias_macs()

    def field(self, f: Field) -> Field:
        return self.conv().field(f)

    def explain(self) -> dict:
        return self.conv().explain()


@dataclass(frozen=True, eq=False)
class ConvTranspose(Layer):
    """Transposed convolution, as PyTorch's ConvTranspose1d/2d/3d. Each input element is
    scattered through a k_h x k_w window into every output channel of its group."""

    out: Count
    kernel: Axes
    stride: Axes = 1
    padding: NonnegativeAxes = 0
    output_padding: NonnegativeAxes = 0
    dilation: Axes = 1
    groups: Count = 1
    bias: Flag = True

    PRIMARY = "out"

    def __post_init__(self) -> None:
        check_groups(self.groups, self.channels, self.out)
        for op, s, d in zip(self.output_padding, self.stride, self.dilation):
            require(
                op < smax(s, d),
                f"output_padding {to_text(op)} must be smaller than the stride ({to_text(s)}) or the dilation ({to_text(d)})",
            )

    def out_shape(self) -> Shape:
        sizes = transposed_sizes(
            self.spatial, self.kernel, self.stride, self.padding, self.dilation, self.output_padding
        )
        return (self.out, *sizes)

    def weights_per_input(self) -> Size:
        """Weights one input channel scatters with: (C_out / groups) * k_h * k_w."""
        return divide(self.out, self.groups) * product(self.kernel)

    def params(self) -> Size:
        return self.channels * self.weights_per_input() + (self.out if self.bias else 0)

    def macs(self) -> Size:
        return numel(self.x) * self.weights_per_input()

    def bias_macs(self) -> Size:
        return numel(self.y) if self.bias else 0

    def explain(self) -> dict:
        group = "" if self.groups == 1 else f"/{term(self.groups)}"
        per_input = f"{term(self.out)}{group}*{times(self.kernel)}"
        params = f"{term(self.channels)}*{per_input}" + (f" + {term(self.out)}" if self.bias else "")
        sizes = transposed_formulas(self.spatial, self.kernel, self.stride, self.padding, self.dilation, self.output_padding)
        return {"params": params, "macs": f"{times(self.x)}*{per_input}", **sizes}

    def field(self, f: Field) -> Field:
        extent = extents(self.kernel, self.dilation)
        return f.refine(
            tuple(transposed_taps(k, s) for k, s in zip(extent, self.stride)),
            self.stride,
            tuple(transposed_first(k, s, p) for k, s, p in zip(extent, self.stride, self.padding)),
            tuple(transposed_centre(k, s, p) for k, s, p in zip(extent, self.stride, self.padding)),
        )
