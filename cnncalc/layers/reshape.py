"""Layers that only rearrange values: flatten, reshape, permute."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from ..errors import ShapeError
from ..symbolic import divide, equal, is_concrete, to_text
from .args import Integers
from .base import Field, Layer, Shape, numel, shape_text


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
        return f if self.out_shape() == tuple(self.x) else f.covering(self.spatial)


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
