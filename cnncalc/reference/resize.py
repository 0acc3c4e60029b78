"""Upsampling (PyTorch's nearest and bilinear, align_corners false by default), zero padding
and cropping. Interpolation is separable: one gather (and for bilinear a blend of two)
along each spatial axis in turn."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from ..errors import ShapeError
from .step import Out, Step
from .windows import gathered


def _sources(n: int, m: int, scale, mode: str, align_corners: bool):
    """For each of m outputs along an axis of n inputs: the inputs it blends and the weight
    of the second one. `scale` is the spec's factor (None when a size was given)."""
    dst = np.arange(m, dtype=np.float64)
    if align_corners and mode != "nearest":
        ratio = (n - 1) / (m - 1) if m > 1 else 0.0
        src = dst * ratio
    else:
        ratio = 1.0 / float(scale) if scale is not None else n / m  # PyTorch's rule for each case
        src = dst * ratio if mode == "nearest" else np.maximum((dst + 0.5) * ratio - 0.5, 0.0)
    if mode == "nearest":
        return np.minimum(np.floor(src).astype(np.int64), n - 1), None, None
    first = np.minimum(np.floor(src).astype(np.int64), n - 1)
    second = np.minimum(first + 1, n - 1)
    weight = (src - first).astype(np.float32)
    return first, second, weight


def upsample(step: Step) -> Out:
    layer, y = step.layer, step.x
    scale = layer.scale
    tables = []
    for axis in range(1, y.ndim - 1):
        n = y.shape[axis]
        m = int(layer.size[axis - 1]) if layer.size is not None else math.floor(n * Fraction(scale))
        first, second, weight = _sources(n, m, scale, layer.mode, bool(layer.align_corners))
        if second is None:
            y = np.take(y, first, axis=axis)
            tables.append(gathered(first))
        else:
            shape = [1] * y.ndim
            shape[axis] = m
            w = weight.reshape(shape)
            a, b = np.take(y, first, axis=axis), np.take(y, second, axis=axis)
            y = a + (b - a) * w
            tables.append(np.stack([first, second]))
    return Out(y, (tuple(tables),))


def pad_layer(step: Step) -> Out:
    x = step.x
    pairs = [(int(b), int(a)) for b, a in step.layer.padding]
    shape = (x.shape[0], *(n + b + a for n, (b, a) in zip(x.shape[1:-1], pairs)), x.shape[-1])
    y = np.zeros(shape, dtype=x.dtype)
    y[(slice(None), *(slice(b, b + n) for n, (b, _) in zip(x.shape[1:-1], pairs)), Ellipsis)] = x
    return Out(y, (tuple(_shifted(n + b + a, b, n) for n, (b, a) in zip(x.shape[1:-1], pairs)),))


def _shifted(count: int, offset: int, length: int) -> np.ndarray:
    """Tap table of an output of `count` positions reading input o - offset (a pad or crop)."""
    q = np.arange(count) - offset
    return gathered(np.where((q >= 0) & (q < length), q, -1))


def crop(step: Step) -> Out:
    layer, x = step.layer, step.x
    spatial = x.shape[1:-1]
    if layer.amount is not None:
        starts = [int(b) for b, _ in layer.amount]
        sizes = [n - int(b) - int(a) for n, (b, a) in zip(spatial, layer.amount)]
    else:
        sizes = [int(s) for s in layer.size] if layer.size is not None else list(step.inputs[1].shape[1:-1])
        # centred: as many positions dropped before as after, the odd one after (U-Net's diff // 2)
        starts = [int(o) for o in layer.offset] if layer.offset is not None else [(n - t) // 2 for n, t in zip(spatial, sizes)]
    for n, s, t in zip(spatial, starts, sizes):
        if s < 0 or t < 1 or s + t > n:
            raise ShapeError(f"a crop of {t} at offset {s} does not fit in {n} positions")
    y = x[(slice(None), *(slice(s, s + t) for s, t in zip(starts, sizes)), Ellipsis)]
    tables = tuple(_shifted(t, -s, n) for t, s, n in zip(sizes, starts, spatial))
    return Out(np.ascontiguousarray(y), (tables,) + (None,) * (len(step.inputs) - 1))
