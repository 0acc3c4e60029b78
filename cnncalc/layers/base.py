"""What every layer is: a frozen record of its input shape and hyperparameters, with pure
methods for its output shape, parameters, buffers, MACs and receptive-field step.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any, ClassVar, NamedTuple

from ..errors import ShapeError
from ..symbolic import Size, decide, divide, equal, product, to_text

Shape = tuple  # tuple[Size, ...], per sample, channels first


def numel(shape: Shape) -> Size:
    return product(shape)


def shape_text(shape: Shape) -> str:
    """6x28x28, or 4*c x H x W when sizes are formulas."""
    texts = [to_text(d) for d in shape]
    return (" x " if any(not text.isdigit() for text in texts) else "x").join(texts) if texts else "scalar"


_AXIS_NAMES = {1: ("length",), 2: ("height", "width"), 3: ("depth", "height", "width")}


def axis_names(rank: int) -> tuple[str, ...]:
    """Names of the spatial axes of a tensor with `rank` spatial axes, for messages."""
    return _AXIS_NAMES.get(rank) or tuple(f"axis {i + 1}" for i in range(rank))


# --- receptive fields --------------------------------------------------------------------


class Field(NamedTuple):
    """Receptive field of a layer's units in network-input coordinates, per spatial axis
    (Araujo, Norris & Sim, Distill 2019): `size` of one unit's field, `jump` between
    neighbouring units (a ratio after upsampling) and `start` of the first unit's field
    (negative where it reaches into padding). `whole` marks units that also see global
    context: after global pooling, flatten or dense every position reaches them, and after
    an SE gate a summary of every position does; `size` stays the local field along the
    paths that keep positions, so it remains comparable between networks.

    `size` and `start` are exact for the first unit. After upsampling, units read their
    inputs in phases, so `centre` keeps the affine centre of the first unit instead (the
    convention of Caffe's coord_map, by which FCN and U-Net choose their crops); merges
    compare centres to find misaligned branches."""

    size: tuple
    jump: tuple
    start: tuple
    whole: bool = False
    centre: tuple = ()
    known: bool = True  # False where no one size, jump and start can state the units' fields
    context: tuple = ()  # per axis, (first, last) input position reaching every unit as context

    @classmethod
    def of_input(cls, shape: Shape) -> Field:
        rank = max(len(shape) - 1, 0)
        return cls((1,) * rank, (1,) * rank, (0,) * rank, centre=(0,) * rank)

    @classmethod
    def unknown(cls, whole: bool = False) -> Field:
        """After a merge whose branches advance at different rates, or a concat along a
        spatial axis: units differ in a way (size, jump, start) cannot state. It stays so."""
        return cls((), (), (), whole, (), False)

    def window(self, kernel: tuple, stride: tuple, before: tuple) -> Field:
        """Step through a sliding window: `kernel` effective extents, `before` padding.
        A whole field keeps growing: its extent stays comparable between networks."""
        if not self.known:
            return self
        if len(kernel) != len(self.size):
            return self.collapse()
        sizes, jumps, starts, centres = [], [], [], []
        for r, j, a, c, k, s, p in zip(self.size, self.jump, self.start, self.centre, kernel, stride, before):
            sizes.append(r + (k - 1) * j)
            jumps.append(j * s)
            starts.append(a - p * j)
            centres.append(c + (divide(k - 1, 2) - p) * j)
        return Field(tuple(sizes), tuple(jumps), tuple(starts), self.whole, tuple(centres), True, self.context)

    def refine(self, taps: tuple, scale: tuple, first: tuple, shift: tuple, spread: bool = False) -> Field:
        """Step through an upsampling layer: each output unit reads at most `taps`
        consecutive inputs, the grid gets `scale` times finer, the first output unit reads
        input `first` onwards, and its affine centre lies at input `shift`. `spread`: the
        layer copies its single input position to every output unit through one tap (a
        broadcast), so every unit sees it as context."""
        if not self.known:
            return self
        if len(taps) != len(self.size):
            return self.collapse()
        if spread:
            return self.covering((1,) * len(taps)).shared()
        return Field(
            tuple(r + (n - 1) * j for r, n, j in zip(self.size, taps, self.jump)),
            tuple(divide(j, s) for j, s in zip(self.jump, scale)),
            tuple(a + f * j for a, f, j in zip(self.start, first, self.jump)),
            self.whole,
            tuple(c + h * j for c, h, j in zip(self.centre, shift, self.jump)),
            context=self.context,
        )

    def covering(self, extent: tuple) -> Field:
        """Every unit now sees `extent` inputs of this layer along each axis: the whole map."""
        if not self.known:
            return Field.unknown(whole=True)
        if len(extent) != len(self.size):
            return self.collapse()
        seen = self.window(extent, (1,) * len(extent), (0,) * len(extent))
        hull = _union(seen.span(), self.context)
        return Field(
            tuple(last - first + 1 for first, last in hull),
            seen.jump,
            tuple(first for first, _ in hull),
            True,
            seen.centre,
            context=hull,  # what every unit now sees, its context included
        )

    def collapse(self) -> Field:
        """A layer that mixes all positions of its input (dense, flatten, recurrent)."""
        return self._replace(whole=True)

    def shared(self) -> Field:
        """Every unit sees this same field (a broadcast from one position, RoI pooling):
        they are 0 apart, and windows over them widen nothing."""
        return self._replace(jump=(0,) * len(self.jump)) if self.known else self

    @property
    def is_shared(self) -> bool:
        return self.known and bool(self.jump) and all(equal(j, 0) for j in self.jump)

    def span(self) -> tuple:
        """(first, last) input position of the first unit's field, per axis."""
        return tuple((a, a + r - 1) for a, r in zip(self.start, self.size))

    def reach(self) -> tuple:
        """(first, last) of everything reaching the first unit, context included, per axis."""
        return _union(self.span(), self.context)


def _union(spans: tuple, others: tuple) -> tuple:
    """Per axis, the hull of two (first, last) spans; `others` may be empty."""
    if not others:
        return spans
    from ..symbolic import smax, smin

    return tuple((smin(a, c), smax(b, d)) for (a, b), (c, d) in zip(spans, others))


# --- layers ------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)  # layers compare by identity; no generated __eq__ keeps start-up fast
class Layer:
    """Base of all layers. `x` is the input shape; the other fields are spec arguments."""

    x: Shape

    PRIMARY: ClassVar[str | None] = None  # the argument a bare value sets, as in `dense: 84`

    def out_shape(self) -> Shape:
        raise NotImplementedError

    @cached_property
    def y(self) -> Shape:
        """The output shape (as `x` is the input's), computed once."""
        return self.out_shape()

    def params(self) -> Size:
        return 0

    def buffers(self) -> Size:
        return 0

    def macs(self) -> Size:
        return 0

    def bias_macs(self) -> Size:
        """MACs that the convention counting bias as a multiply-accumulate adds (torchinfo)."""
        return 0

    def other_ops(self) -> Size:
        """Element-wise work that is not a MAC (comparisons, additions, activations)."""
        return 0

    def field(self, f: Field) -> Field:
        return f

    def explain(self) -> dict:
        """How the numbers come about: quantity -> formula with this layer's numbers, in
        the spec expression language (a test evaluates each and compares)."""
        return {}

    @property
    def inputs(self) -> tuple:
        return (self.x,)

    @property
    def channels(self) -> Size:
        return self.x[0]

    @property
    def spatial(self) -> tuple:
        return tuple(self.x[1:])


def spreads(inputs: tuple, outputs: tuple) -> bool:
    """Whether a single input position is copied to several output units."""
    return all(equal(i, 1) for i in inputs) and not all(equal(o, 1) for o in outputs)


def positive_size(value: Size, what: str, formula: str) -> Size:
    """Raise a ShapeError showing `formula` when a computed size is not positive."""
    if decide(value >= 1) is False:
        raise ShapeError(f"{what} would be {to_text(value)} = {formula}", expected="at least 1")
    return value


def require(condition: Any, message: str, **fields) -> None:
    """Raise a ShapeError unless `condition` holds (or cannot be decided for symbols).
    `condition` is a bool or a sympy relation; never compare sympy values with ==."""
    if decide(condition) is False:
        raise ShapeError(message, **fields)


def require_divides(divisor: Size, value: Size, message: str) -> None:
    if equal(value % divisor, 0) is False:
        raise ShapeError(message)
