"""Measured receptive fields: which network-input positions can reach each output unit.

Every kernel reports, per spatial axis, the input position each tap of each output read
(its tap table, built from the very window layout it ran on), or that the output mixed every
position (MIX). From these the runner carries a dependency per spatial axis and network
input: a boolean matrix of rows (units of this tensor x positions of the input), a row true
where that input position can reach the unit along a path that keeps positions; and the
positions that reach every unit as global context. A layer's rows are the OR, over its taps,
of its source's rows; nothing is weighted, so a max pool cannot hide part of a field and a
zero weight cannot shrink one.

Context arises where a layer mixes every position (global pooling, dense: each unit then
sees the union, which is also its local field) and where a merge broadcasts a branch with a
single position over all others (an SE gate): the gate's union reaches every unit as
context, not along a path that keeps positions, so it leaves the rows alone. This is the
algebra's distinction between `whole` and the local `size`.

Working one axis at a time is exact for what is compared: every layer reads a box of
positions (a product over axes), so the projection of a unit's field onto one axis depends
only on the unit's coordinate along that axis, and the union of projections is the
projection of the union. A layer whose output has other spatial axes than the input (a
flatten, a dense layer on a vector) keeps only the union (`Whole`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .windows import MIX


@dataclass(frozen=True)
class Local:
    rows: tuple  # per spatial axis: bool (units, input positions)
    context: tuple | None = None  # per axis: bool (input positions,) reaching every unit as context


@dataclass(frozen=True)
class Whole:
    union: tuple  # per input spatial axis: bool (input positions,)


@dataclass(frozen=True)
class Context:
    """What a broadcast branch contributes: positions every unit sees, no rows of its own."""

    union: tuple


def of_input(spatial: tuple) -> Local:
    """An input position depends on itself only."""
    return Local(tuple(np.eye(n, dtype=bool) for n in spatial))


def _union(dep) -> tuple:
    if isinstance(dep, (Whole, Context)):
        return dep.union
    seen = tuple(m.any(axis=0) for m in dep.rows)
    return seen if dep.context is None else tuple(a | b for a, b in zip(seen, dep.context))


def _read(table, rows: np.ndarray) -> np.ndarray:
    """Rows of the output: OR over taps of the source rows each tap read (-1: none)."""
    if table is None:
        return rows
    padded = np.vstack([rows, np.zeros((1, rows.shape[1]), dtype=bool)])  # row -1 reads nothing
    return padded[table].any(axis=0)


def _broadcast(tables, dep: Local) -> bool:
    """A branch with one position along every axis, stretched over more (an SE gate)."""
    return any(t is not None for t in tables) and all(
        m.shape[0] == 1 and (t is None or (t.shape[0] == 1 and not t.any())) for t, m in zip(tables, dep.rows)
    ) and any(t is not None and t.shape[1] > 1 for t in tables)


def _mixed(union: tuple, spatial: tuple):
    """Every unit of an output with `spatial` axes sees `union`: its rows and its context."""
    if len(spatial) != len(union):
        return Whole(union)
    return Local(tuple(np.broadcast_to(u, (n, len(u))) for u, n in zip(union, spatial)), union)


def _through(tables, dep, spatial: tuple):
    if tables is MIX or isinstance(dep, Whole) or len(tables) != len(dep.rows):
        return _mixed(_union(dep), spatial)
    if _broadcast(tables, dep):
        return Context(_union(dep))
    return Local(tuple(_read(t, m) for t, m in zip(tables, dep.rows)), dep.context)


def _or(a: tuple | None, b: tuple | None) -> tuple | None:
    if a is None or b is None:
        return a if b is None else b
    return tuple(x | y for x, y in zip(a, b))


def _join(a, b):
    if a is None:
        return b
    if isinstance(a, Local) and isinstance(b, Local):
        return Local(tuple(x | y for x, y in zip(a.rows, b.rows)), _or(a.context, b.context))
    if isinstance(b, Local):
        a, b = b, a
    if isinstance(a, Local):  # with a broadcast branch, or a whole one: context for every unit
        return Local(a.rows, _or(a.context, b.union))
    return (Context if isinstance(a, Context) and isinstance(b, Context) else Whole)(_or(a.union, b.union))


def propagate(deps: tuple, sources: list[dict], spatial: tuple) -> dict:
    """A node's dependency on each network input ({input index: Local | Whole}) from its
    kernel's `deps` (one per source), its sources' dependencies and its output's spatial sizes."""
    result: dict = {}
    for tables, state in zip(deps, sources):
        if tables is None:
            continue  # the values of this source are not read (a crop's `like`)
        for k, dep in state.items():
            result[k] = _join(result.get(k), _through(tables, dep, spatial))
    return {k: _mixed(dep.union, spatial) if isinstance(dep, Context) else dep for k, dep in result.items()}


@dataclass(frozen=True)
class MeasuredField:
    """Per input spatial axis: the input's length and, per unit of the layer along that axis,
    the first and last input position that reaches it along paths that keep positions (None:
    nothing does). `context`: the first and last position reaching every unit as global
    context, per axis (None: no context). A layer that mixed every position into an output
    with other axes lists one unit, the union, and `whole` is true."""

    input: int  # which network input (0 is the first)
    lengths: tuple
    units: tuple  # per axis: tuple of (lo, hi) or None
    context: tuple | None
    whole: bool


def hulls(rows: np.ndarray) -> tuple:
    reached = rows.any(axis=1)
    lo = rows.argmax(axis=1)
    hi = rows.shape[1] - 1 - rows[:, ::-1].argmax(axis=1)
    return tuple((int(a), int(b)) if r else None for a, b, r in zip(lo, hi, reached))


def measured(state: dict) -> MeasuredField | None:
    """The field of a layer whose dependency is `state`, when one network input reaches it."""
    if len(state) != 1:
        return None
    (k, dep), = state.items()
    if isinstance(dep, Whole):
        union = tuple(hulls(u[None, :])[0] for u in dep.union)
        return MeasuredField(k, tuple(len(u) for u in dep.union), tuple((u,) for u in union), union, True)
    context = None if dep.context is None else tuple(hulls(u[None, :])[0] for u in dep.context)
    return MeasuredField(k, tuple(m.shape[1] for m in dep.rows), tuple(hulls(m) for m in dep.rows), context, False)


def nbytes(state: dict) -> int:
    total = 0
    for dep in state.values():
        arrays = dep.rows + (dep.context or ()) if isinstance(dep, Local) else dep.union
        total += sum(a.nbytes for a in arrays)
    return total
