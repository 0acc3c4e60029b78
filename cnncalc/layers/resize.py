"""Layers that change the spatial size without weights: upsampling, padding, cropping."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import ShapeError
from ..symbolic import Size, divide, to_text
from .args import Axes, Flag, NonnegativeAxes, Number, Padding, Tensor, choice
from .base import Field, Layer, Shape, axis_names, numel, positive_size, require, shape_text, spreads


@dataclass(frozen=True, eq=False)
class Upsample(Layer):
    """Nearest or bilinear resizing by a `scale` factor or to a fixed `size`, as F.interpolate."""

    scale: Number = None
    size: Axes = None
    mode: choice("nearest", "bilinear") = "nearest"
    align_corners: Flag = False

    PRIMARY = "scale"

    def __post_init__(self) -> None:
        if (self.scale is None) == (self.size is None):
            raise ShapeError("upsample needs exactly one of 'scale' and 'size'")
        if self.scale is not None:
            require(self.scale > 0, f"scale must be positive, got {to_text(self.scale)}")

    def out_shape(self) -> Shape:
        if self.size is not None:
            return (self.channels, *self.size)
        names = axis_names(len(self.spatial))
        return (
            self.channels,
            *(
                positive_size(i * self.scale // 1, f"output {name}", f"floor({name} {to_text(i)} * scale {to_text(self.scale)})")
                for name, i in zip(names, self.spatial)
            ),
        )

    def ratios(self) -> tuple:
        """How many times finer the output grid is, as interpolation uses it."""
        if self.scale is not None:
            return (self.scale,) * len(self.spatial)
        return tuple(divide(o, i) for o, i in zip(self.y[1:], self.spatial))

    def other_ops(self) -> Size:
        return numel(self.y) if self.mode == "bilinear" else 0

    def field(self, f: Field) -> Field:
        taps = 2 if self.mode == "bilinear" else 1  # interpolation reads two neighbours per axis
        rank = len(self.spatial)
        # output o samples input (o + 1/2)/scale - 1/2, or o*(in - 1)/(out - 1) with align_corners
        shift = (0,) * rank if self.align_corners else tuple(divide(1, 2 * r) - divide(1, 2) for r in self.ratios())
        spread = self.mode == "nearest" and spreads(self.spatial, self.y[1:])  # bilinear reads two taps
        return f.refine((taps,) * rank, self.ratios(), (0,) * rank, shift, spread)


@dataclass(frozen=True, eq=False)
class Pad(Layer):
    """Zero padding around the spatial axes."""

    padding: Padding

    PRIMARY = "padding"

    def __post_init__(self) -> None:
        if self.padding == "same":
            raise ShapeError("pad needs explicit amounts; 'same' is for conv and pooling")

    def out_shape(self) -> Shape:
        return (self.channels, *(i + before + after for i, (before, after) in zip(self.spatial, self.padding)))

    def field(self, f: Field) -> Field:
        rank = len(self.spatial)
        return f.window((1,) * rank, (1,) * rank, tuple(before for before, _ in self.padding))


@dataclass(frozen=True, eq=False)
class Crop(Layer):
    """Cropping: `amount` removed from each side, or a window of `size` (or the size of the
    named tensor `like`) taken at `offset`, centred when no offset is given."""

    amount: Padding = None
    size: Axes = None
    like: Tensor = None
    offset: NonnegativeAxes = None

    PRIMARY = "amount"

    def __post_init__(self) -> None:
        given = [name for name in ("amount", "size", "like") if getattr(self, name) is not None]
        if len(given) != 1:
            raise ShapeError("crop needs exactly one of 'amount', 'size' and 'like'")
        if self.amount == "same" or (self.amount is not None and self.offset is not None):
            raise ShapeError("crop 'amount' takes numbers per side and no 'offset'")
        if self.like is not None and len(self.like.shape) != len(self.x):
            raise ShapeError(f"cannot crop {shape_text(self.x)} like '{self.like.name}' of shape {shape_text(self.like.shape)}")
        for name, i, target, start in zip(axis_names(len(self.spatial)), self.spatial, self.target(), self.offsets()):
            positive_size(target, f"cropped {name}", f"{name} {to_text(i)} cropped")
            fits = f"crop of {to_text(target)} at offset {to_text(start)} does not fit in {name} {to_text(i)}"
            require(start >= 0, fits)
            require(start + target <= i, fits)

    def target(self) -> tuple:
        if self.amount is not None:
            return tuple(i - before - after for i, (before, after) in zip(self.spatial, self.amount))
        return tuple(self.size if self.size is not None else self.like.shape[1:])

    def offsets(self) -> tuple:
        if self.amount is not None:
            return tuple(before for before, _ in self.amount)
        if self.offset is not None:
            return self.offset
        return tuple((i - t) // 2 for i, t in zip(self.spatial, self.target()))

    def out_shape(self) -> Shape:
        return (self.channels, *self.target())

    def field(self, f: Field) -> Field:
        rank = len(self.spatial)
        return f.window((1,) * rank, (1,) * rank, tuple(-start for start in self.offsets()))


