"""Pooling kernels: max and average windows (tap by tap over strided views, ceil mode and
padding included), global, adaptive (PyTorch's windows, one axis at a time, since max and
mean over a box are separable), spatial pyramid, RoI over the whole map, and max-unpooling
with the indices the named max pool recorded."""

from __future__ import annotations

from math import prod

import numpy as np

from .conv import conv_windows
from .layout import logical
from .step import Out, Step
from .windows import MIX, Window, pad, ranges, tap_views


def _windows(step: Step, x: np.ndarray) -> list[Window]:
    layer = step.layer
    stride = layer.kernel if layer.stride is None else layer.stride  # PyTorch: stride defaults to the kernel
    return conv_windows(x.shape[1:-1], layer.kernel, stride, layer.padding, layer.dilation, bool(layer.ceil_mode))


def maxpool(step: Step) -> Out:
    x = step.x
    windows = _windows(step, x)
    xp = pad(x, windows, -np.inf)
    best = index = None
    planes = np.cumprod((1, *x.shape[-2:1:-1]))[::-1]  # row-major strides of the spatial plane
    for taps, view in tap_views(xp, windows):
        if best is None:
            best = view.copy()
            if step.want_indices:
                index = np.broadcast_to(_flat(windows, taps, planes), best.shape).copy()
            continue
        if step.want_indices:
            better = view > best
            np.copyto(index, _flat(windows, taps, planes), where=better)
        np.maximum(best, view, out=best)
    keep = {"indices": index, "windows": windows, "spatial": x.shape[1:-1]} if step.want_indices else {}
    return Out(best, lambda: (tuple(w.taps() for w in windows),), keep)


def _flat(windows: list[Window], taps: tuple, planes: np.ndarray) -> np.ndarray:
    """Flat index in the input plane (PyTorch's max-pool indices) read by one tap, (1, *counts, 1)."""
    total = 0
    for axis, (w, t) in enumerate(zip(windows, taps)):
        shape = [1] * (len(windows) + 2)
        shape[axis + 1] = w.count
        total = total + (w.positions()[t] * int(planes[axis])).reshape(shape)
    return total


def avgpool(step: Step) -> Out:
    x = step.x
    windows = _windows(step, x)
    xp = pad(x, windows, 0.0)
    total = None
    for _, view in tap_views(xp, windows):
        total = view.astype(np.float32, copy=True) if total is None else np.add(total, view, out=total)
    # PyTorch divides by the taps inside the padded input (count_include_pad); 'same' is
    # TensorFlow's rule and TensorFlow divides by the taps inside the input itself.
    divisor = np.ones((1,) * x.ndim, dtype=np.float32)
    for axis, w in enumerate(windows):
        q = w.positions()
        low, high = (0, w.length) if step.layer.padding == "same" else (-w.before, w.length + w.after)
        counts = ((q >= low) & (q < high)).sum(axis=0).astype(np.float32)
        shape = [1] * x.ndim
        shape[axis + 1] = w.count
        divisor = divisor * counts.reshape(shape)
    return Out(total / divisor, lambda: (tuple(w.taps() for w in windows),))


def global_pool(step: Step) -> Out:
    x = step.x
    axes = tuple(range(1, x.ndim - 1))
    y = x.max(axis=axes, keepdims=True) if step.node.kind == "global_maxpool" else x.mean(axis=axes, keepdims=True)
    return Out(y, (MIX,))


def adaptive_windows(n: int, m: int) -> tuple[np.ndarray, np.ndarray]:
    """PyTorch's adaptive windows along one axis: [floor(i*n/m), ceil((i+1)*n/m))."""
    i = np.arange(m)
    return (i * n) // m, -((-(i + 1) * n) // m)


def adaptive(x: np.ndarray, output: tuple, reduce) -> tuple[np.ndarray, tuple]:
    """Adaptive pooling to `output`, one spatial axis after another; and the tap tables."""
    tables = []
    for axis, m in enumerate(output, start=1):
        n = x.shape[axis]
        starts, ends = adaptive_windows(n, m)
        tables.append(ranges(starts, ends, n))
        if n % m == 0:  # equal windows: a reshape, no loop
            x = reduce(x.reshape(*x.shape[:axis], m, n // m, *x.shape[axis + 1 :]), axis + 1)
        else:
            x = np.stack([reduce(x[(slice(None),) * axis + (slice(s, e),)], axis) for s, e in zip(starts, ends)], axis=axis)
    return x, tuple(tables)


def _max(a, axis):
    return a.max(axis=axis)


def _mean(a, axis):
    return a.mean(axis=axis, dtype=np.float32)


def adaptive_pool(step: Step) -> Out:
    reduce = _mean if step.node.kind == "adaptive_avgpool" else _max
    y, tables = adaptive(step.x, tuple(int(m) for m in step.layer.output), reduce)
    return Out(y, (tables,))


def roi_pool(step: Step) -> Out:
    """The region is the whole map; since a proposal may lie anywhere, every output may
    depend on every position: the dependency is the whole map, not the bin."""
    y, _ = adaptive(step.x, tuple(int(m) for m in step.layer.output), _max)
    return Out(y, (MIX,))


def spp(step: Step) -> Out:
    x = step.x
    rank = x.ndim - 2
    parts = []
    for level in step.layer.levels:
        pooled, _ = adaptive(x, (int(level),) * rank, _max)
        parts.append(logical(pooled).reshape(x.shape[0], -1))  # flattened C x l x l, as PyTorch
    return Out(np.concatenate(parts, axis=1), (MIX,))


def max_unpool(step: Step) -> Out:
    """Each value goes back where the named max pool found it; the rest are zeros."""
    x = step.x
    pool = step.extra["pool"]
    indices, windows, spatial = pool["indices"], pool["windows"], pool["spatial"]
    batch, channels = x.shape[0], x.shape[-1]
    out = np.zeros((batch, prod(spatial), channels), dtype=x.dtype)
    np.put_along_axis(out, indices.reshape(batch, -1, channels), x.reshape(batch, -1, channels), axis=1)
    # Output y can receive pooled unit i whenever y lies in window i: the taps inverted.
    tables = tuple(_inverse(w) for w in windows)
    return Out(out.reshape(batch, *spatial, channels), (tables, tables))


def _inverse(w: Window) -> np.ndarray:
    """(taps, length): the window each tap of each input position belongs to, -1 if none."""
    q = np.arange(w.length)[None, :] + w.before - np.arange(w.kernel)[:, None] * w.dilation
    i = q // w.stride
    return np.where((q % w.stride == 0) & (i >= 0) & (i < w.count), i, -1)
