"""Pooling: max and average windows, global, adaptive, spatial pyramid, RoI, and unpooling."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import ShapeError
from ..symbolic import Size, ceil_div, divide, equal, is_concrete, product, to_text
from .args import Axes, Flag, Padding, PositiveIntegers, Tensor
from .base import Field, Layer, Shape, numel, require, shape_text, spreads
from .window import (
    adaptive_windows,
    extents,
    same_padding,
    transposed_centre,
    transposed_first,
    transposed_taps,
    window_formulas,
    window_sizes,
)


@dataclass(frozen=True, eq=False)
class Pool(Layer):
    """A max or average window, as PyTorch's MaxPool/AvgPool; the stride defaults to the kernel."""

    kernel: Axes
    stride: Axes = None
    padding: Padding = 0
    dilation: Axes = 1
    ceil_mode: Flag = False

    PRIMARY = "kernel"

    def __post_init__(self) -> None:
        if self.padding != "same":
            for (before, after), extent in zip(self.padding, self.extent()):
                require(2 * before <= extent, f"padding {to_text(before)} must be at most half the kernel extent {to_text(extent)}")

    def strides(self) -> tuple:
        return self.kernel if self.stride is None else self.stride

    def extent(self) -> tuple:
        return extents(self.kernel, self.dilation)

    def pads(self) -> tuple:
        if self.padding == "same":
            return same_padding(self.spatial, self.extent(), self.strides())
        return self.padding

    def out_shape(self) -> Shape:
        return (self.channels, *window_sizes(self.spatial, self.extent(), self.strides(), self.pads(), self.ceil_mode))

    def other_ops(self) -> Size:
        return numel(self.y) * product(self.kernel)

    def field(self, f: Field) -> Field:
        return f.window(self.extent(), self.strides(), tuple(before for before, _ in self.pads()))

    def explain(self) -> dict:
        return window_formulas(self.spatial, self.extent(), self.strides(), self.pads(), self.y[1:], self.ceil_mode)


class MaxPool(Pool):
    pass


class AvgPool(Pool):
    def __post_init__(self) -> None:
        super().__post_init__()
        if any(d != 1 for d in self.dilation):
            raise ShapeError("avgpool has no dilation")


class GlobalPool(Layer):
    """Average or max over all spatial positions; keeps the axes as size 1 (C x 1 x 1)."""

    def out_shape(self) -> Shape:
        return (self.channels, *(1 for _ in self.spatial))

    def other_ops(self) -> Size:
        return numel(self.x)

    def field(self, f: Field) -> Field:
        return f.covering(self.spatial)


class GlobalAvgPool(GlobalPool):
    pass


class GlobalMaxPool(GlobalPool):
    pass


@dataclass(frozen=True, eq=False)
class AdaptivePool(Layer):
    """Pooling to a fixed output size with PyTorch's adaptive windows."""

    output: Axes

    PRIMARY = "output"

    def out_shape(self) -> Shape:
        return (self.channels, *self.output)

    def windows(self, size: Size, out: Size) -> list | None:
        """The windows along one axis when they can be listed (numbers, not symbols)."""
        return adaptive_windows(size, out) if is_concrete(size) and is_concrete(out) else None

    def taps(self, size: Size, out: Size) -> Size:
        """The longest window along one axis."""
        if equal(size % out, 0):
            return divide(size, out)
        windows = self.windows(size, out)
        return max(end - start for start, end in windows) if windows else ceil_div(size, out) + 1

    def other_ops(self) -> Size:
        per_axis = []
        for size, out in zip(self.spatial, self.output):
            windows = self.windows(size, out)
            per_axis.append(sum(end - start for start, end in windows) if windows else self.taps(size, out) * out)
        return self.channels * product(per_axis)

    def field(self, f: Field) -> Field:
        return f.refine(
            tuple(self.taps(size, out) for size, out in zip(self.spatial, self.output)),
            tuple(divide(out, size) for size, out in zip(self.spatial, self.output)),
            (0,) * len(self.output),
            tuple(divide(divide(size, out) - 1, 2) for size, out in zip(self.spatial, self.output)),
            spread=spreads(self.spatial, self.output),
        )


class AdaptiveAvgPool(AdaptivePool):
    pass


class AdaptiveMaxPool(AdaptivePool):
    pass


class RoIPool(AdaptiveMaxPool):
    """Max pooling of one region of interest to a fixed grid (Fast R-CNN). The region is the
    whole input map; wrap the layer in `each` to pool many regions."""

    def field(self, f: Field) -> Field:
        return f.covering(self.spatial).shared()  # a region can lie anywhere in the map


@dataclass(frozen=True, eq=False)
class SPP(Layer):
    """Spatial pyramid pooling (He et al. 2014): max pooling to each grid size in `levels`,
    flattened and concatenated into one vector of C * sum(level^2) values."""

    levels: PositiveIntegers

    PRIMARY = "levels"

    def pools(self) -> list[AdaptiveMaxPool]:
        return [AdaptiveMaxPool(self.x, output=(level,) * len(self.spatial)) for level in self.levels]

    def out_shape(self) -> Shape:
        return (sum(numel(pool.y) for pool in self.pools()),)

    def other_ops(self) -> Size:
        return sum(pool.other_ops() for pool in self.pools())

    def field(self, f: Field) -> Field:
        return f.covering(self.spatial)


@dataclass(frozen=True, eq=False)
class MaxUnpool(Layer):
    """Inverse of a max pool (SegNet): every value goes back to where the pool found it.
    `indices` names the saved output of that max pool; the output has the pool's input shape."""

    indices: Tensor

    PRIMARY = "indices"

    def __post_init__(self) -> None:
        pool = self.indices.producer
        name = self.indices.name
        if not isinstance(pool, MaxPool):
            raise ShapeError(f"'{name}' must name the output of a maxpool, not of {type(pool).__name__ if pool else 'the input'}")
        pooled = pool.y
        require(
            len(pooled) == len(self.x) and all(equal(a, b) is not False for a, b in zip(pooled, self.x)),
            f"input {shape_text(self.x)} does not match the output {shape_text(pooled)} of maxpool '{name}'",
        )

    def pool(self) -> MaxPool:
        return self.indices.producer

    def out_shape(self) -> Shape:
        return self.pool().x

    def other_ops(self) -> Size:
        return numel(self.x)

    def field(self, f: Field) -> Field:
        pool = self.pool()
        extent, stride = pool.extent(), pool.strides()
        before = tuple(b for b, _ in pool.pads())
        return f.refine(
            tuple(transposed_taps(k, s) for k, s in zip(extent, stride)),
            stride,
            tuple(transposed_first(k, s, p) for k, s, p in zip(extent, stride, before)),
            tuple(transposed_centre(k, s, p) for k, s, p in zip(extent, stride, before)),
        )
