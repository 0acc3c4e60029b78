"""Activation functions: one operation per value; PReLU learns its slopes."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import ShapeError
from ..symbolic import Size, to_text
from .args import Flag, Integer, Number
from .base import shape_text
from .norm import Elementwise

class Activation(Elementwise):
    """An activation function without arguments; the spec name (relu, tanh, ...) says which."""


@dataclass(frozen=True, eq=False)
class LeakyReLU(Elementwise):
    negative_slope: Number = 0.01

    PRIMARY = "negative_slope"


@dataclass(frozen=True, eq=False)
class PReLU(Elementwise):
    """Leaky ReLU with a learned slope: one shared, or one per channel."""

    per_channel: Flag = False

    def params(self) -> Size:
        return self.channels if self.per_channel else 1

    def explain(self) -> dict:
        return {"params": to_text(self.params())}


@dataclass(frozen=True, eq=False)
class Softmax(Elementwise):
    """Softmax along one axis of the sample (0: channels)."""

    axis: Integer = 0

    PRIMARY = "axis"

    def __post_init__(self) -> None:
        if not -len(self.x) <= self.axis < len(self.x):
            raise ShapeError(f"axis {self.axis} is out of range for {shape_text(self.x)}")
