"""What the charts draw, read off a Report: plain numbers, no matplotlib. Tests compare
these (and what the charts hold) with independent figures."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from ..analysis import Report, Row, group_rows
from ..errors import SpecError, did_you_mean
from ..symbolic import is_concrete


def require_numbers(report: Report) -> None:
    """Pictures need numbers: a spec with sizes in letters must have them set."""
    if report.symbols:
        names = ", ".join(report.symbols)
        example = " ".join(f"--set {name}=..." for name in report.symbols)
        raise SpecError(f"{report.name} has sizes in letters; pictures need numbers: set {names}", hint=f"e.g. {example}")


@dataclass(frozen=True)
class Span:
    """Consecutive rows inside one block at the chosen depth (or outside every block)."""

    first: int  # row indices, inclusive
    last: int
    block: int | None  # index into Report.groups; None outside any block
    label: str | None  # the block's path and kind
    colour: int | None  # index into the block colours: the blocks in turn


def spans(report: Report, depth: int = 0) -> tuple:
    """The report's rows cut where the enclosing block at `depth` changes."""
    found: list[Span] = []
    for index, row in enumerate(report.rows):
        block = row.groups[depth] if len(row.groups) > depth else None
        if found and found[-1].block == block:
            found[-1] = Span(found[-1].first, index, block, found[-1].label, found[-1].colour)
        else:
            colour = None if block is None else sum(1 for s in found if s.block is not None)
            found.append(Span(index, index, block, _block_label(report, block), colour))
    return tuple(found)


def _block_label(report: Report, key: int | None) -> str | None:
    if key is None:
        return None
    group = report.groups[key]
    return f"{group.path} {group.kind}"


def number(value) -> float:
    """A concrete size as a float for drawing (exact Fractions become the nearest float)."""
    return float(value) if isinstance(value, (int, Fraction)) else float("nan")


def covering(report: Report) -> int | None:
    """Index of the first row whose field spans the whole input along every spatial axis."""
    extent = report.input[1:]
    for index, row in enumerate(report.rows):
        sizes = row.field.size
        if row.field.known and sizes and len(sizes) == len(extent) and all(is_concrete(r) and r >= n for r, n in zip(sizes, extent)):
            return index
    return None


def row_at(report: Report, path: str) -> Row:
    """The row `path` names: any path `summary` prints in full (a layer, or a block whose
    row totals what it holds). One resolver for the picture commands."""
    for row in report.rows:
        if row.path == path:
            return row
    blocks = group_rows(report)
    for index, group in enumerate(report.groups):
        if group.path == path and index in blocks:
            return blocks[index]
    printed = [row.path for row in report.rows] + [group.path for group in report.groups]
    raise SpecError(f"{report.name} has no layer at '{path}'", hint=did_you_mean(path, printed) or f"its first layer is {printed[0]}")


@dataclass(frozen=True)
class Box:
    """One unit's receptive field on the input grid, per spatial axis (height first)."""

    unit: tuple  # the unit's position in the layer's output grid
    first: tuple  # first input position it sees (negative: padding)
    last: tuple
    centre: tuple  # the middle of [first, last]
    effective: tuple  # the affine centre (Field.centre): where the unit's inputs balance
    whole: bool  # global context reaches it too


def unit_box(row: Row, unit: tuple | None = None) -> Box:
    """The field of `unit` of `row` (the middle unit if None), from the row's Field:
    unit o sees [start + o*jump, start + o*jump + size - 1] along each axis."""
    field = row.field
    if not field.known or not field.size:
        raise SpecError(f"{row.path}: its units have no one receptive field to draw", hint="pick a layer before the merge or reshape")
    spatial = tuple(row.output_shape[1:])
    if unit is None:
        unit = tuple((n - 1) // 2 for n in spatial) if len(spatial) == len(field.size) else (0,) * len(field.size)
    if len(unit) != len(field.size):
        raise SpecError(f"{row.path}: a unit needs {len(field.size)} coordinates", got=",".join(map(str, unit)))
    if len(spatial) == len(field.size):
        for o, n in zip(unit, spatial):
            if not 0 <= o < n:
                raise SpecError(f"{row.path}: unit {','.join(map(str, unit))} is outside its {'x'.join(map(str, spatial))} output")
    first = tuple(a + o * j for a, o, j in zip(field.start, unit, field.jump))
    last = tuple(f + r - 1 for f, r in zip(first, field.size))
    centre = tuple(Fraction(f + l, 2) for f, l in zip(first, last))
    effective = tuple(c + o * j for c, o, j in zip(field.centre, unit, field.jump)) if field.centre else centre
    return Box(tuple(unit), first, last, centre, tuple(Fraction(e) for e in effective), field.whole)


def box_row(report: Report) -> Row | None:
    """The row whose field the report draws on the input: the last layer whose field does
    not yet cover the input (the most a unit sees while it still sees a part), else the
    last row with a spatial field."""
    extent = report.input[1:]
    first = covering(report)
    candidates = report.rows[:first] if first is not None else report.rows
    for row in reversed(candidates):
        if row.field.known and len(row.field.size) == len(extent) and len(row.output_shape) - 1 == len(extent):
            return row
    return None
