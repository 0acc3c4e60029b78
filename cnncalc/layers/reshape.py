"""Layers that only rearrange values: flatten, reshape, permute, slice, channel shuffle."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from ..errors import ShapeError
from ..symbolic import decide, divide, equal, is_concrete, to_text
from .args import Count, Integer, Integers, Nonnegative
from .base import Field, Layer, Shape, numel, require_divides, shape_text


class Flatten(Layer):
    """All values of a sample in one vector. Flatten and every layer after it see the whole map."""

    def out_shape(self) -> Shape:
        return (numel(self.x),)

    def field(self, f: Field) -> Field:
        return f.covering(self.spatial)


@dataclass(frozen=True, eq=False)
class Reshape(Layer):
    """A new per-sample shape with the same number of values; one entry may be -1."""

    shape: Integers

    PRIMARY = "shape"

    def __post_init__(self) -> None:
        if list(self.shape).count(-1) > 1:
            raise ShapeError("reshape allows at most one -1")
        if any(is_concrete(d) and d != -1 and d < 1 for d in self.shape):
            raise ShapeError(f"reshape sizes must be positive or -1, got {shape_text(self.shape)}")
        target = self.out_shape()
        if equal(numel(target), numel(self.x)) is False or any(isinstance(d, Fraction) for d in target):
            raise ShapeError(f"cannot reshape {shape_text(self.x)} ({to_text(numel(self.x))} values) into {shape_text(self.shape)}")

    def out_shape(self) -> Shape:
        known = [d for d in self.shape if d != -1]
        rest = divide(numel(self.x), numel(known))
        return tuple(rest if d == -1 else d for d in self.shape)

    def field(self, f: Field) -> Field:
        return f if self.y == tuple(self.x) else f.covering(self.spatial)


@dataclass(frozen=True, eq=False)
class Permute(Layer):
    """Reorders the axes of a sample, e.g. [1, 0] turns C x L into L x C for a recurrent layer."""

    order: Integers

    PRIMARY = "order"

    def __post_init__(self) -> None:
        if sorted(self.order) != list(range(len(self.x))):
            raise ShapeError(f"order {list(self.order)} is not a permutation of the {len(self.x)} axes of {shape_text(self.x)}")

    def out_shape(self) -> Shape:
        return tuple(self.x[axis] for axis in self.order)

    def field(self, f: Field) -> Field:
        return f if list(self.order) == sorted(self.order) else f.covering(self.spatial)


@dataclass(frozen=True, eq=False)
class Slice(Layer):
    """`size` consecutive entries of one axis from `start` (ShuffleNet's channel split)."""

    size: Count
    start: Nonnegative = 0
    axis: Integer = 0

    PRIMARY = "size"

    def __post_init__(self) -> None:
        if not 0 <= self.axis < len(self.x):
            raise ShapeError(f"axis {self.axis} is out of range for {shape_text(self.x)}")
        extent = self.x[self.axis]
        if decide(self.start + self.size <= extent) is False:
            raise ShapeError(f"slice {to_text(self.start)}:{to_text(self.start + self.size)} does not fit in {to_text(extent)} along axis {self.axis}")

    def out_shape(self) -> Shape:
        return tuple(self.size if i == self.axis else d for i, d in enumerate(self.x))

    def field(self, f: Field) -> Field:
        if self.axis == 0:
            return f
        rank = len(self.spatial)
        offsets = tuple(-self.start if i + 1 == self.axis else 0 for i in range(rank))
        return f.window((1,) * rank, (1,) * rank, offsets)


@dataclass(frozen=True, eq=False)
class ChannelShuffle(Layer):
    """Interleaves the channels of `groups` groups (ShuffleNet); moves values, computes nothing."""

    groups: Count

    PRIMARY = "groups"

    def __post_init__(self) -> None:
        require_divides(self.groups, self.channels, f"groups {to_text(self.groups)} must divide the {to_text(self.channels)} channels")

    def out_shape(self) -> Shape:
        return tuple(self.x)
