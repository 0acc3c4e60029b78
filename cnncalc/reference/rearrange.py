"""Layers that only move values: flatten, reshape, permute, slice, channel shuffle.

Reshapes follow the spec's channels-first order (as PyTorch's memory order), so they work
on the logical view and store the result channels last again."""

from __future__ import annotations

import numpy as np

from .layout import logical, spec_axis, stored
from .step import Out, Step, unchanged
from .windows import MIX, gathered



def flatten(step: Step) -> Out:
    x = step.x
    return Out(np.ascontiguousarray(logical(x)).reshape(x.shape[0], -1), (MIX,))


def reshape(step: Step) -> Out:
    x = step.x
    target = tuple(int(d) for d in step.layer.shape)
    y = np.ascontiguousarray(logical(x)).reshape(x.shape[0], *target)  # numpy works out the -1
    moved = y.shape != logical(x).shape
    return Out(np.ascontiguousarray(stored(y)), (MIX,) if moved else unchanged(x))


def permute(step: Step) -> Out:
    x = step.x
    order = [int(a) for a in step.layer.order]
    y = np.transpose(logical(x), (0, *(a + 1 for a in order)))
    moved = order != sorted(order)
    return Out(np.ascontiguousarray(stored(y)), (MIX,) if moved else unchanged(x))


def slice_layer(step: Step) -> Out:
    layer, x = step.layer, step.x
    axis, start, size = int(layer.axis), int(layer.start), int(layer.size)
    where = [slice(None)] * x.ndim
    where[spec_axis(axis, x.ndim)] = slice(start, start + size)
    y = np.ascontiguousarray(x[tuple(where)])
    if axis == 0:
        return Out(y, unchanged(x))
    tables = tuple(gathered(np.arange(size) + start) if a == axis - 1 else None for a in range(x.ndim - 2))
    return Out(y, (tables,))


def channel_shuffle(step: Step) -> Out:
    x = step.x
    groups = int(step.layer.groups)
    c = x.shape[-1]
    y = x.reshape(*x.shape[:-1], groups, c // groups).swapaxes(-1, -2).reshape(x.shape)
    return Out(y, unchanged(x))
