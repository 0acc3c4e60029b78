"""Fully connected layers and embeddings."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import ShapeError
from ..symbolic import Size
from .args import Count, Flag
from .base import Field, Layer, Shape, numel, shape_text
from .window import term


@dataclass(frozen=True, eq=False)
class Dense(Layer):
    """y = W x + b over the last axis: a vector (N) or each step of a sequence (T x F)."""

    out: Count
    bias: Flag = True

    PRIMARY = "out"

    def __post_init__(self) -> None:
        if len(self.x) not in (1, 2):
            raise ShapeError(
                f"dense needs a vector or a T x F sequence, got {shape_text(self.x)}",
                hint="add 'flatten' (or global pooling) before it",
            )

    @property
    def features(self) -> Size:
        return self.x[-1]

    def positions(self) -> Size:
        """How many vectors the layer is applied to: 1, or T for a sequence."""
        return numel(self.x[:-1])

    def out_shape(self) -> Shape:
        return (*self.x[:-1], self.out)

    def params(self) -> Size:
        return self.features * self.out + (self.out if self.bias else 0)

    def macs(self) -> Size:
        return self.positions() * self.features * self.out

    def bias_macs(self) -> Size:
        return self.positions() * self.out if self.bias else 0

    def field(self, f: Field) -> Field:
        return f.covering(self.spatial)  # every output reads all the features it mixes

    def explain(self) -> dict:
        weights = f"{term(self.features)}*{term(self.out)}"
        params = f"({term(self.features)} + 1)*{term(self.out)}" if self.bias else weights
        return {"params": params, "macs": weights if len(self.x) == 1 else f"{term(self.x[0])}*{weights}"}


@dataclass(frozen=True, eq=False)
class Embedding(Layer):
    """A lookup table: each of T token ids becomes a row of `dim` numbers."""

    vocab: Count
    dim: Count

    def __post_init__(self) -> None:
        if len(self.x) != 1:
            raise ShapeError(f"embedding needs a sequence of T token ids, got {shape_text(self.x)}")

    def out_shape(self) -> Shape:
        return (self.x[0], self.dim)

    def params(self) -> Size:
        return self.vocab * self.dim

    def explain(self) -> dict:
        return {"params": f"{term(self.vocab)}*{term(self.dim)}"}

    def field(self, f: Field) -> Field:
        return f.collapse()
