"""How spec values become layer arguments.

A layer's spec arguments are its dataclass fields after ``x``. Each field's annotated type
names the converter that turns a spec value into the stored value (``Axes`` turns ``3``
into ``(3, 3)`` for a 2-D input), so a layer class is the one place listing what it accepts.
"""

from __future__ import annotations

import typing
from dataclasses import MISSING, dataclass, fields
from fractions import Fraction
from functools import cache
from typing import Annotated, Any, Callable, Protocol

from ..errors import ShapeError, did_you_mean
from ..located import V
from ..symbolic import Size, decide, is_concrete, to_text
from .base import Layer, Shape, shape_text

MAX_DIMENSION = 2**31 - 1  # larger than any real tensor axis


class Reader(Protocol):
    """What a converter needs from the builder: values of spec expressions and tensors."""

    def size(self, v: V) -> Size: ...

    def word(self, v: V) -> str: ...

    def flag(self, v: V) -> bool: ...

    def tensor(self, v: V) -> Ref: ...


@dataclass(frozen=True)
class Ref:
    """A named tensor a layer reads besides its input (unpooling indices, a crop target)."""

    name: str
    shape: Shape
    producer: Layer | None  # None for the network input
    node: int  # index of the producing node, -1 for the network input


Converter = Callable[[V, Reader, Shape], Any]


def _checked(value: Size, v: V, least: int) -> Size:
    """A whole number from `least` to MAX_DIMENSION (messages read after the argument's path)."""
    if is_concrete(value):
        if isinstance(value, Fraction):
            raise v.error("must be a whole number", got=to_text(value))
        if value < least:
            raise v.error(f"must be at least {least}", got=to_text(value))
        if value > MAX_DIMENSION:
            raise v.error("is absurdly large", expected=f"at most {MAX_DIMENSION:,}", got=f"{value:,}")
    elif decide(value >= least) is False:
        raise v.error(f"must be at least {least}", got=to_text(value))
    return value


def _size(v: V, reader: Reader) -> Size:
    return v.data if type(v.data) is int else reader.size(v)  # most values are plain numbers


def count(v: V, reader: Reader, x: Shape) -> Size:
    """A positive whole number: channels, units, groups."""
    return _checked(_size(v, reader), v, 1)


def nonnegative(v: V, reader: Reader, x: Shape) -> Size:
    return _checked(_size(v, reader), v, 0)


def _per_axis(v: V, reader: Reader, x: Shape, least: int) -> tuple:
    rank = len(x) - 1
    if rank < 1:
        raise v.error(f"needs an input with spatial axes, got shape {shape_text(x)}", cls=ShapeError)
    if isinstance(v.data, list):
        if len(v.data) != rank:
            raise v.error(f"needs one value per spatial axis ({rank})", got=f"{len(v.data)} values")
        return tuple(_checked(_size(item, reader), item, least) for item in v.data)
    return (_checked(_size(v, reader), v, least),) * rank


def axes(v: V, reader: Reader, x: Shape) -> tuple:
    """A positive size per spatial axis; a single value applies to every axis."""
    return _per_axis(v, reader, x, 1)


def nonnegative_axes(v: V, reader: Reader, x: Shape) -> tuple:
    return _per_axis(v, reader, x, 0)


def padding(v: V, reader: Reader, x: Shape) -> tuple | str:
    """`same`, `valid`, one value, one per axis, or a [before, after] pair per axis."""
    if isinstance(v.data, str) and v.data in ("same", "valid"):
        return "same" if v.data == "same" else tuple((0, 0) for _ in x[1:])
    if isinstance(v.data, list) and any(isinstance(item.data, list) for item in v.data):
        if len(v.data) != len(x) - 1:
            raise v.error(f"needs a [before, after] pair per spatial axis ({len(x) - 1})", got=f"{len(v.data)} items")
        pairs = []
        for item in v.data:
            if not isinstance(item.data, list) or len(item.data) != 2:
                raise item.error("needs a [before, after] pair")
            pairs.append(tuple(_checked(reader.size(side), side, 0) for side in item.data))
        return tuple(pairs)
    return tuple((p, p) for p in nonnegative_axes(v, reader, x))


def flag(v: V, reader: Reader, x: Shape) -> bool:
    return reader.flag(v)


def number(v: V, reader: Reader, x: Shape) -> Size:
    return reader.size(v)


def probability(v: V, reader: Reader, x: Shape) -> Size:
    value = reader.size(v)
    if is_concrete(value) and not 0 <= value < 1:
        raise v.error("must be at least 0 and below 1", got=to_text(value))
    return value


def integers(v: V, reader: Reader, x: Shape) -> tuple:
    """A list of whole numbers (possibly negative): reshape targets, axis orders."""
    items = v.data if isinstance(v.data, list) else [v]
    values = []
    for item in items:
        value = reader.size(item)
        if is_concrete(value) and isinstance(value, Fraction):
            raise item.error("must be a whole number", got=to_text(value))
        values.append(value)
    return tuple(values)


def positive_integers(v: V, reader: Reader, x: Shape) -> tuple:
    items = v.data if isinstance(v.data, list) else [v]
    return tuple(count(item, reader, x) for item in items)


def tensor(v: V, reader: Reader, x: Shape) -> Ref:
    return reader.tensor(v)


def choice(*options: str):
    """The annotated type of an argument that takes one of a few words."""

    def convert(v: V, reader: Reader, x: Shape) -> str:
        word = reader.word(v)
        if word not in options:
            raise v.error(f"has no option {word!r}", expected=" or ".join(options), hint=did_you_mean(word, options))
        return word

    convert.options = options
    return Annotated[str, convert]


Count = Annotated[Any, count]
Nonnegative = Annotated[Any, nonnegative]
Axes = Annotated[tuple, axes]
NonnegativeAxes = Annotated[tuple, nonnegative_axes]
Padding = Annotated[Any, padding]
Flag = Annotated[bool, flag]
Number = Annotated[Any, number]
Probability = Annotated[Any, probability]
Integers = Annotated[tuple, integers]
PositiveIntegers = Annotated[tuple, positive_integers]
Tensor = Annotated[Any, tensor]


@dataclass(frozen=True)
class Argument:
    name: str
    convert: Converter
    required: bool
    default: Any


@cache
def arguments(cls: type) -> dict[str, Argument]:
    """The spec arguments of a layer class, from its annotated dataclass fields."""
    hints = typing.get_type_hints(cls, include_extras=True)
    found = {}
    for f in fields(cls):
        if f.name == "x":
            continue
        converter = hints[f.name].__metadata__[0]
        required = f.default is MISSING and f.default_factory is MISSING
        found[f.name] = Argument(f.name, converter, required, None if required else f.default)
    return found


def integer(v: V, reader: Reader, x: Shape) -> Size:
    """One whole number, possibly negative: an axis index."""
    if isinstance(v.data, list):
        raise v.error("needs a single whole number, not a list")
    return integers(v, reader, x)[0]


Integer = Annotated[Any, integer]
