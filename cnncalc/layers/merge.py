"""Merges of several branches: element-wise add and multiply, and concatenation."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from ..errors import ShapeError
from ..symbolic import Size, decide, divide, equal, is_concrete, smax, smin, to_text
from .args import Integer, choice
from .base import Field, Layer, Shape, axis_names, numel, shape_text


def _shapes(shapes) -> str:
    return " and ".join(shape_text(s) for s in shapes)


@dataclass(frozen=True, eq=False)
class Merge(Layer):
    """Base of merges. `x` holds one input shape per branch. With `crop: center` every
    branch is first centre-cropped to the smallest spatial size among them (U-Net)."""

    x: tuple
    crop: choice("none", "center") = "none"

    @property
    def inputs(self) -> tuple:
        return tuple(self.x)

    @property
    def channels(self) -> Size:
        return self.x[0][0]

    def cropped(self) -> tuple:
        if self.crop == "none":
            return tuple(self.x)
        if len({len(s) for s in self.x}) != 1:
            raise ShapeError(f"cannot centre-crop branches of different ranks: {_shapes(self.x)}")
        smallest = [smin(*sizes) for sizes in zip(*(s[1:] for s in self.x))]
        return tuple((s[0], *smallest) for s in self.x)

    def offsets(self) -> tuple:
        """Per branch, where its centre crop starts along each spatial axis."""
        return tuple(tuple((i - t) // 2 for i, t in zip(s[1:], c[1:])) for s, c in zip(self.x, self.cropped()))

    @cached_property
    def broadcasts(self) -> tuple:
        """Which branches are stretched over positions they do not have (all spatial sizes
        1 where the output's are not)."""
        out = self.y[1:]
        return tuple(all(equal(d, 1) for d in shape[1:]) and not all(equal(d, 1) for d in out) for shape in self.cropped())

    def shifted(self, fields: tuple) -> list[Field]:
        """The branches' fields moved by their crops."""
        if self.crop == "none":
            return list(fields)
        return [
            f.window((1,) * len(offset), (1,) * len(offset), tuple(-o for o in offset)) if offset else f
            for f, offset in zip(fields, self.offsets())
        ]

    def field(self, *fields: Field) -> Field:
        """The union of the branches' fields, after each branch's crop. A branch broadcast
        over the others' positions (SE's C x 1 x 1 gate) makes the result see global context
        (`whole`) but has no positions of its own, so it does not stretch `size`."""
        moved = self.shifted(fields)
        broadcasts = self.broadcasts
        whole = any(f.whole for f in moved) or any(broadcasts)  # a broadcast value reaches every unit
        local = [f for f, broadcast in zip(moved, broadcasts) if not broadcast] or moved
        if not all(f.known for f in moved):
            return Field.unknown(whole)
        if any(f.is_shared for f in local) and not all(f.is_shared for f in local):
            return self._with_shared(moved, broadcasts)
        if _jumps_differ(local):
            return Field.unknown(whole)
        if len({len(f.size) for f in moved}) != 1:
            widest = max(local, key=lambda f: len(f.size))
            return Field(widest.size, widest.jump, widest.start, True, widest.centre)
        # context: all a broadcast branch saw, and the other branches' context
        reached = [f.reach() for f, broadcast in zip(moved, broadcasts) if broadcast]
        reached += [f.context for f in local if f.context]
        context = _hull(reached) if reached else ()
        starts = [smin(*axis) for axis in zip(*(f.start for f in local))]
        ends = [smax(*(f.start[i] + f.size[i] - 1 for f in local)) for i in range(len(starts))]
        centres = [divide(smin(*axis) + smax(*axis), 2) for axis in zip(*(f.centre for f in local))]
        sizes = tuple(end - start + 1 for start, end in zip(starts, ends))
        return Field(sizes, local[0].jump, tuple(starts), whole, tuple(centres), context=context)

    def _with_shared(self, moved: list, broadcasts: tuple) -> Field:
        """Branches on a grid merged with one whose units all see a single field (after RoI
        pooling, or an upsample of one position as in PSPNet): every merged unit sees that
        field, and so all alike when it holds every unit of the grid; otherwise no one
        (size, jump, start) states them."""
        hulls = [f.reach() for f, broadcast in zip(moved, broadcasts) if broadcast or f.is_shared]
        spans = [
            tuple((first, last + (n - 1) * j) for (first, last), n, j in zip(f.reach(), shape[1:], f.jump))
            for f, shape, broadcast in zip(moved, self.cropped(), broadcasts)
            if not broadcast and not f.is_shared
        ]
        if len({len(h) for h in hulls + spans}) != 1:
            return Field.unknown(True)
        hull = _hull(hulls)
        inside = all(decide(a >= first) and decide(b <= last) for span in spans for (a, b), (first, last) in zip(span, hull))
        if not inside:
            return Field.unknown(True)
        size = tuple(last - first + 1 for first, last in hull)
        start = tuple(first for first, _ in hull)
        centre = tuple(divide(first + last, 2) for first, last in hull)
        return Field(size, (0,) * len(size), start, True, centre, context=hull)

    def misalignment(self, *fields: Field) -> str | None:
        """A note when the branches' fields are not centred on the same input position."""
        moved = [f for f, broadcast in zip(self.shifted(fields), self.broadcasts) if not broadcast and not f.is_shared]
        if len(moved) < 2 or any(f.whole or not f.known for f in moved) or len({len(f.size) for f in moved}) != 1:
            return None
        notes = []
        for axis, name in enumerate(axis_names(len(moved[0].size))):
            centres = [f.centre[axis] for f in moved]
            if all(is_concrete(c) for c in centres) and len(set(centres)) > 1:
                notes.append(f"branch field centres differ along {name}: {', '.join(to_text(c) for c in centres)}")
            jumps = [f.jump[axis] for f in moved]
            if all(is_concrete(j) for j in jumps) and len(set(jumps)) > 1:
                jumps = ", ".join(to_text(j) for j in jumps)
                notes.append(f"branch jumps differ along {name} ({jumps}): no one receptive field states the merged units")
        return "; ".join(notes) or None


def _hull(spans: list) -> tuple:
    """Per axis, the (first, last) covering every one of `spans` (each per-axis pairs)."""
    return tuple((smin(*(first for first, _ in axis)), smax(*(last for _, last in axis))) for axis in zip(*spans))


def _jumps_differ(fields: list) -> bool:
    """Branches whose units advance through the input at different rates: a merged unit's
    field is then not an affine function of its index."""
    jumps = [f.jump for f in fields]
    return any(equal(a, b) is False for first in jumps[:1] for other in jumps[1:] for a, b in zip(first, other))


def broadcast(shapes: tuple) -> Shape:
    """NumPy broadcasting of per-sample shapes (SE gating: C x H x W times C x 1 x 1)."""
    rank = max(len(s) for s in shapes)
    padded = [(1,) * (rank - len(s)) + tuple(s) for s in shapes]
    result = []
    for sizes in zip(*padded):
        size = sizes[0]
        for other in sizes[1:]:
            if equal(size, other) or equal(other, 1):  # equal sizes first: the usual case
                continue
            if equal(size, 1):
                size = other
            elif equal(size, other) is False:
                raise ShapeError(f"branch shapes {_shapes(shapes)} do not match")
        result.append(size)
    return tuple(result)


class Add(Merge):
    def out_shape(self) -> Shape:
        return broadcast(self.cropped())

    def other_ops(self) -> Size:
        return numel(self.y) * (len(self.x) - 1)


class Multiply(Add):
    pass


@dataclass(frozen=True, eq=False)
class Concat(Merge):
    """Joins the branches along `axis` (0: channels); all other axes must agree."""

    axis: Integer = 0

    def out_shape(self) -> Shape:
        shapes = self.cropped()
        rank = len(shapes[0])
        axis = self.axis % rank if rank else 0
        for other in shapes[1:]:
            same = len(other) == rank and all(
                equal(a, b) is not False for i, (a, b) in enumerate(zip(shapes[0], other)) if i != axis
            )
            if not same:
                raise ShapeError(f"cannot concatenate {_shapes(shapes)} along axis {self.axis}")
        joined = sum(s[axis] for s in shapes)
        return tuple(joined if i == axis else d for i, d in enumerate(shapes[0]))

    def spatial_axis(self) -> str | None:
        """The name of the spatial axis this concat joins along, if it is one."""
        axis = self.axis % len(self.x[0]) if self.x[0] else 0
        return axis_names(len(self.x[0]) - 1)[axis - 1] if axis else None

    def field(self, *fields: Field) -> Field:
        """Along channels, the union of the branches' fields. Along a spatial axis units of
        different branches sit at shifted positions, which no one size, jump and start
        states, unless the fields already cover everything."""
        if self.spatial_axis() and not all(f.whole for f in fields):
            return Field.unknown(any(f.whole for f in fields))
        return super().field(*fields)

    def misalignment(self, *fields: Field) -> str | None:
        if self.spatial_axis() and not all(f.whole for f in fields):
            return f"units of different branches sit at shifted positions along {self.spatial_axis()}: no one receptive field states them"
        return super().misalignment(*fields)
