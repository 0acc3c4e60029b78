"""Normalisation and dropout: element-wise layers, some with per-channel parameters."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import ShapeError
from ..symbolic import Size, product, to_text
from .args import Count, Flag, Probability
from .base import Layer, Shape, numel, require_divides, shape_text
from .window import term, times


class Elementwise(Layer):
    """A layer whose output has its input's shape and costs one operation per value."""

    def out_shape(self) -> Shape:
        return tuple(self.x)

    def other_ops(self) -> Size:
        return numel(self.x)


@dataclass(frozen=True, eq=False)
class BatchNorm(Elementwise):
    """Per-channel scale and shift (learnable) and running mean and variance (buffers)."""

    affine: Flag = True
    running_stats: Flag = True

    def params(self) -> Size:
        return 2 * self.channels if self.affine else 0

    def buffers(self) -> Size:
        return 2 * self.channels if self.running_stats else 0

    def explain(self) -> dict:
        both = f"2*{term(self.channels)}"
        return {**({"params": both} if self.affine else {}), **({"buffers": both} if self.running_stats else {})}


@dataclass(frozen=True, eq=False)
class LayerNorm(Elementwise):
    """Normalises over the last `axes` axes, with a scale and shift per normalised value."""

    axes: Count = 1
    affine: Flag = True

    PRIMARY = "axes"

    def __post_init__(self) -> None:
        if self.axes > len(self.x):
            raise ShapeError(f"cannot normalise over the last {to_text(self.axes)} axes of {shape_text(self.x)}")

    def params(self) -> Size:
        return 2 * product(self.x[len(self.x) - self.axes :]) if self.affine else 0

    def explain(self) -> dict:
        return {"params": f"2*{times(self.x[len(self.x) - self.axes :])}"} if self.affine else {}


@dataclass(frozen=True, eq=False)
class GroupNorm(Elementwise):
    """Normalises groups of channels, with a scale and shift per channel."""

    groups: Count
    affine: Flag = True

    PRIMARY = "groups"

    def __post_init__(self) -> None:
        require_divides(self.groups, self.channels, f"groups {to_text(self.groups)} must divide the {to_text(self.channels)} channels")

    def params(self) -> Size:
        return 2 * self.channels if self.affine else 0

    def explain(self) -> dict:
        return {"params": f"2*{term(self.channels)}"} if self.affine else {}


@dataclass(frozen=True, eq=False)
class Dropout(Layer):
    """Zeroes a fraction `p` of the values while training; nothing at inference."""

    p: Probability = 0.5

    PRIMARY = "p"

    def out_shape(self) -> Shape:
        return tuple(self.x)
