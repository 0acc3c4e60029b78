"""Convolution kernels: im2col + one GEMM per layer (stacked over groups), a tap-by-tap
multiply-add for filters that read one input channel (depthwise), and transposed
convolution as one GEMM + col2im with one strided add per kernel tap."""

from __future__ import annotations

from math import prod

import numpy as np

from .step import Out, Step
from .windows import Scatter, Window, pad, row_views, rows_are_runs, same_pads, tap_views


def _ints(values) -> tuple:
    return tuple(int(v) for v in values)


def conv_windows(spatial: tuple, kernel, stride, padding, dilation, ceil_mode: bool = False) -> list[Window]:
    """The windows of a convolution or pooling layer; 'same' padding worked out here."""
    kernel, stride, dilation = _ints(kernel), _ints(stride), _ints(dilation)
    if padding == "same":
        pairs = [same_pads(n, d * (k - 1) + 1, s) for n, k, s, d in zip(spatial, kernel, stride, dilation)]
    else:
        pairs = [(int(before), int(after)) for before, after in padding]
    return [Window.of(n, k, s, d, b, a, ceil_mode) for n, k, s, d, (b, a) in zip(spatial, kernel, stride, dilation, pairs)]


def conv(step: Step) -> Out:
    layer, x = step.layer, step.x
    channels = x.shape[-1]
    if step.node.kind == "depthwise":
        out, groups = int(layer.multiplier) * channels, channels
    else:
        out, groups = int(layer.out), int(layer.groups)
    windows = conv_windows(x.shape[1:-1], layer.kernel, layer.stride, layer.padding, layer.dilation)
    y = convolve(step, x, windows, out, groups, bool(layer.bias))
    return Out(y, lambda: (tuple(w.taps() for w in windows),))


BLOCK_BYTES = 8 * 2**20  # im2col columns are built and multiplied this many bytes at a time


def convolve(step: Step, x: np.ndarray, windows: list[Window], out: int, groups: int, bias: bool) -> np.ndarray:
    """y (batch, *counts, out) of a grouped convolution of x (batch, *spatial, C)."""
    batch, channels = x.shape[0], x.shape[-1]
    per_group, out_per_group = channels // groups, out // groups
    taps = prod(w.kernel for w in windows)
    counts = tuple(w.count for w in windows)
    weight = step.weights.learnable(step.node, "weight", (groups, taps * per_group, out_per_group), fan_in=taps * per_group)
    xp = pad(x, windows, 0.0)
    if per_group == 1 and groups > 1:
        y = _depthwise(step, xp, windows, weight.reshape(groups, taps, out_per_group), counts)
    elif taps == 1 and groups == 1 and all(w.stride == 1 and w.before == 0 for w in windows) and counts == x.shape[1:-1]:
        y = step.tally.matmul(x.reshape(-1, channels), weight[0]).reshape(batch, *counts, out)  # 1x1: no copy
    else:
        y = np.empty((batch, *counts, out), dtype=x.dtype)
        _blocked(step, xp, windows, weight, y)
    if bias:
        y += step.weights.learnable(step.node, "bias", (out,), fill=0.01)
    return y


def _blocked(step: Step, xp: np.ndarray, windows: list[Window], weight: np.ndarray, y: np.ndarray) -> None:
    """im2col + GEMM over blocks of output rows of one sample at a time, so that the columns
    fit one reused scratch buffer; the GEMM writes straight into y."""
    groups, _, out_per_group = weight.shape
    channels, taps = xp.shape[-1], prod(w.kernel for w in windows)
    per_group = channels // groups
    inner = prod(w.count for w in windows[1:])
    row_values = inner * taps * channels
    block = max(1, min(windows[0].count, BLOCK_BYTES // (row_values * xp.itemsize)))
    scratch = step.scratch(block * row_values)
    by_rows = windows[-1].dilation == 1 and windows[-1].kernel > 1 and rows_are_runs(xp)
    for n in range(xp.shape[0]):
        for r0 in range(0, windows[0].count, block):
            rows = min(block, windows[0].count - r0)
            cols = scratch[: rows * row_values].reshape(rows, *(w.count for w in windows[1:]), taps, channels)
            if by_rows:  # one copy per kernel row: runs of kernel*C values instead of C
                kernel_rows = cols.reshape(*cols.shape[:-2], taps // windows[-1].kernel, windows[-1].kernel * channels)
                for t, (_, view) in enumerate(row_views(xp[n : n + 1], windows, first=(r0, rows))):
                    kernel_rows[..., t, :] = view[0]
            else:
                for t, (_, view) in enumerate(tap_views(xp[n : n + 1], windows, first=(r0, rows))):
                    cols[..., t, :] = view[0]
            m = rows * inner
            target = y[n, r0 : r0 + rows].reshape(m, groups * out_per_group)
            if groups == 1:
                step.tally.matmul(cols.reshape(m, taps * channels), weight[0], out=target)
            else:  # one stacked GEMM: (groups, rows, taps*C/g) @ (groups, taps*C/g, out/g)
                stacked = cols.reshape(m, taps, groups, per_group).transpose(2, 0, 1, 3).reshape(groups, m, taps * per_group)
                target[...] = step.tally.matmul(stacked, weight).transpose(1, 0, 2).reshape(m, -1)


DEPTHWISE_BLOCK = 256 * 1024  # values of the accumulator worked on at once: it stays in cache


def _depthwise(step: Step, xp: np.ndarray, windows: list[Window], weight: np.ndarray, counts: tuple) -> np.ndarray:
    """Each output channel reads one input channel: accumulate tap by tap (no GEMM helps),
    a block of output rows at a time. With one filter per channel and stride 1 along the
    last axis, its positions and the channels form one contiguous run (long inner loops)."""
    channels, multiplier = weight.shape[0], weight.shape[2]
    single = multiplier == 1
    merged = single and windows[-1].stride == 1
    acc = np.zeros((xp.shape[0], *counts, channels, multiplier), dtype=xp.dtype)
    inner = prod(counts[1:]) * channels * multiplier
    block = max(1, min(counts[0], DEPTHWISE_BLOCK // inner)) if merged else counts[0]  # strided views gain nothing
    if merged:
        runs = (*counts[1:-1], counts[-1] * channels)
        filters = [np.tile(weight[:, t, 0], counts[-1]) for t in range(weight.shape[1])]
    else:
        runs = (*counts[1:], channels) if single else (*counts[1:], channels, multiplier)
        filters = [weight[:, t, 0] if single else weight[:, t, :] for t in range(weight.shape[1])]
    product = np.empty((block, *runs), dtype=xp.dtype)
    for n in range(xp.shape[0]):
        for r0 in range(0, counts[0], block):
            rows = min(block, counts[0] - r0)
            target = acc[n, r0 : r0 + rows].reshape(rows, *runs)
            for t, (_, view) in enumerate(tap_views(xp[n : n + 1], windows, first=(r0, rows))):
                taps = view[0].reshape(rows, *runs) if single else view[0][..., None]
                step.tally.multiply_add(target, taps, filters[t], product[:rows])
    return acc.reshape(xp.shape[0], *counts, channels * multiplier)


def conv_transpose(step: Step) -> Out:
    layer, x = step.layer, step.x
    batch, channels = x.shape[0], x.shape[-1]
    out, groups = int(layer.out), int(layer.groups)
    per_group, out_per_group = channels // groups, out // groups
    axes = [
        Scatter(n, int(k), int(s), int(d), int(p), int(op))
        for n, k, s, d, p, op in zip(x.shape[1:-1], layer.kernel, layer.stride, layer.dilation, layer.padding, layer.output_padding)
    ]
    kernel = tuple(a.kernel for a in axes)
    taps = prod(kernel)
    weight = step.weights.learnable(step.node, "weight", (groups, per_group, taps * out_per_group), fan_in=per_group * taps)
    rows = x.size // channels
    flat = x.reshape(rows, channels)
    if groups == 1:
        y = step.tally.matmul(flat, weight[0]).reshape(rows, taps, out)
    else:
        stacked = flat.reshape(rows, groups, per_group).transpose(1, 0, 2)
        y = step.tally.matmul(stacked, weight).reshape(groups, rows, taps, out_per_group)
        y = y.transpose(1, 2, 0, 3).reshape(rows, taps, out)
    y = y.reshape(batch, *x.shape[1:-1], taps, out)
    full = np.zeros((batch, *(a.full for a in axes), out), dtype=x.dtype)
    for t, index in enumerate(np.ndindex(*kernel)):  # col2im: one strided add per tap
        full[(slice(None), *(a.tap_slice(i) for a, i in zip(axes, index)), Ellipsis)] += y[..., t, :]
    result = full[(slice(None), *(slice(a.padding, a.padding + a.count) for a in axes), Ellipsis)]
    if layer.bias:
        result = result + step.weights.learnable(step.node, "bias", (out,), fill=0.01)
    return Out(np.ascontiguousarray(result), lambda: (tuple(a.taps() for a in axes),))
