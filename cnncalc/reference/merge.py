"""Merges: element-wise add and multiply (NumPy broadcasting of the per-sample shapes, as
SE gating needs) and concatenation; with `crop: center` every branch is first cropped to
the smallest spatial size among them, dropping (size - smallest) // 2 positions before."""

from __future__ import annotations

import numpy as np

from .layout import logical, spec_axis, stored
from .step import Out, Step
from .windows import MIX, gathered


def _cropped(step: Step) -> tuple[list, list]:
    """The branches after the centre crop, and each branch's start per spatial axis."""
    arrays = list(step.inputs)
    if step.layer.crop != "center":
        return arrays, [(0,) * (a.ndim - 2) for a in arrays]
    smallest = [min(sizes) for sizes in zip(*(a.shape[1:-1] for a in arrays))]
    starts = [tuple((n - t) // 2 for n, t in zip(a.shape[1:-1], smallest)) for a in arrays]
    arrays = [a[(slice(None), *(slice(s, s + t) for s, t in zip(start, smallest)), Ellipsis)] for a, start in zip(arrays, starts)]
    return arrays, starts


def _reads(a: np.ndarray, start: tuple, out: np.ndarray, crop_to: tuple) -> tuple | str:
    """Tap tables of a branch read at offset `start`, broadcast where its size is 1."""
    if a.ndim != out.ndim:
        return MIX
    tables = []
    for n, s, m in zip(a.shape[1:-1], start, out.shape[1:-1]):
        if n == 1 and m != 1 and crop_to is None:
            tables.append(gathered(np.zeros(m, dtype=np.int64)))
        elif s == 0 and n == m:
            tables.append(None)
        else:
            tables.append(gathered(np.arange(m) + s))
    return tuple(tables)


def elementwise(step: Step) -> Out:
    arrays, starts = _cropped(step)
    ranks = {a.ndim for a in arrays}
    op = np.add if step.node.kind == "add" else np.multiply
    if len(ranks) == 1:
        shape = np.broadcast_shapes(*(a.shape for a in arrays))
        if step.owned and arrays[0] is step.x and arrays[0].shape == shape:
            result, rest = arrays[0], arrays[1:]  # nobody else reads the first branch: add into it
        elif len(arrays) == 1:
            result, rest = arrays[0].copy(), []
        else:
            result, rest = op(arrays[0], arrays[1]), arrays[2:]
        for a in rest:
            op(result, a, out=result)
    else:  # different ranks: broadcast the channels-first shapes from the right, as the spec does
        rank = max(ranks)
        views = [logical(a).reshape(a.shape[0], *(1,) * (rank - a.ndim), *logical(a).shape[1:]) for a in arrays]
        result = views[0]
        for v in views[1:]:
            result = op(result, v)
        result = np.ascontiguousarray(stored(result))
    crop = step.layer.crop if step.layer.crop == "center" else None
    return Out(result, tuple(_reads(a, s, result, crop) for a, s in zip(step.inputs, starts)))


def concat(step: Step) -> Out:
    arrays, starts = _cropped(step)
    rank = arrays[0].ndim
    axis = int(step.layer.axis) % (rank - 1)
    result = np.concatenate(arrays, axis=spec_axis(axis, rank))
    deps = []
    offset = 0
    for original, a, start in zip(step.inputs, arrays, starts):
        tables = list(_reads(original, start, result, "crop"))
        if axis > 0:  # joined along a spatial axis: each branch fills its own stretch
            n = a.shape[axis]
            q = np.arange(result.shape[axis]) - offset + start[axis - 1]
            inside = (q >= start[axis - 1]) & (q < start[axis - 1] + n)
            tables[axis - 1] = gathered(np.where(inside, q, -1))
            offset += n
        deps.append(tuple(tables))
    return Out(result, tuple(deps))
