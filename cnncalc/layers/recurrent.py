"""Recurrent layers over a sequence of T steps of F features (PyTorch's RNN, GRU, LSTM)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from ..errors import ShapeError
from ..symbolic import Size
from .args import Count, Flag
from .base import Field, Layer, Shape, shape_text
from .window import term


@dataclass(frozen=True, eq=False)
class Recurrent(Layer):
    """`layers` stacked recurrent layers of `hidden` units, optionally bidirectional. Each
    gate of each direction multiplies the step's input and the previous hidden state."""

    hidden: Count
    layers: Count = 1
    bidirectional: Flag = False
    bias: Flag = True
    bias_vectors: Count = 2  # PyTorch adds b_ih and b_hh; TensorFlow and Keras keep one
    sequences: Flag = True  # output every step (T x H), or only the last (H)

    PRIMARY = "hidden"
    GATES: ClassVar[int] = 1

    def __post_init__(self) -> None:
        if self.bias_vectors not in (1, 2):
            raise ShapeError(f"bias_vectors is 1 (TensorFlow, Keras) or 2 (PyTorch), not {self.bias_vectors}")
        if len(self.x) != 2:
            raise ShapeError(f"{type(self).__name__.lower()} needs a T x F sequence, got {shape_text(self.x)}")

    @property
    def directions(self) -> int:
        return 2 if self.bidirectional else 1

    @property
    def steps(self) -> Size:
        return self.x[0]

    def layer_inputs(self) -> list:
        """Features entering each stacked layer: F, then the previous layer's output."""
        return [self.x[1]] + [self.directions * self.hidden] * (self.layers - 1)

    def step_macs(self) -> Size:
        """MACs of one time step: gates x hidden x (input + hidden), per layer and direction."""
        return sum(self.directions * self.GATES * self.hidden * (n + self.hidden) for n in self.layer_inputs())

    def bias_count(self) -> Size:
        return self.layers * self.directions * self.bias_vectors * self.GATES * self.hidden if self.bias else 0

    def out_shape(self) -> Shape:
        width = self.directions * self.hidden
        return (self.steps, width) if self.sequences else (width,)

    def params(self) -> Size:
        return self.step_macs() + self.bias_count()

    def macs(self) -> Size:
        return self.steps * self.step_macs()

    def bias_macs(self) -> Size:
        return self.steps * self.bias_count()

    def other_ops(self) -> Size:
        return self.steps * self.layers * self.directions * self.GATES * self.hidden

    def field(self, f: Field) -> Field:
        return f.covering(self.spatial)  # every step reads every feature of every step before

    def explain(self) -> dict:
        gates, hidden = self.GATES * self.hidden, term(self.hidden)
        steps = [f"{term(gates)}*({term(n)} + {hidden})" for n in self.layer_inputs()]
        per_direction = " + ".join(steps)
        step = per_direction if self.directions == 1 else f"2*({per_direction})"
        biases = f" + {term(self.layers * self.directions)}*{self.bias_vectors}*{term(gates)}" if self.bias else ""
        return {"params": f"{step}{biases}", "macs": f"{term(self.steps)}*({step})"}


class RNN(Recurrent):
    GATES = 1


class GRU(Recurrent):
    GATES = 3


class LSTM(Recurrent):
    GATES = 4
