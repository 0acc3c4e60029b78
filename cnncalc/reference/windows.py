"""Sliding windows as the reference lays them out, one spatial axis at a time.

This is the reference's own statement of PyTorch's window rules, written as conditions on
window positions rather than as output-size formulas: a window starts every `stride`
positions of the padded input; in floor mode it must fit inside; in ceil mode one more
window may run past the end, unless it would start inside the right padding. The kernels
run on exactly the layout built here, and `Window.taps` / `Scatter.taps` report which input
position each tap of each output read, which is what receptive fields are measured from.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, replace

import numpy as np

MIX = "mix"  # a dependency on every position of a source (dense, flatten, global pooling)


def same_pads(length: int, extent: int, stride: int) -> tuple[int, int]:
    """TensorFlow's 'SAME': output ceil(length/stride); the odd padding pixel goes after."""
    out = -(-length // stride)
    total = max((out - 1) * stride + extent - length, 0)
    return total // 2, total - total // 2


def count_windows(length: int, before: int, after: int, extent: int, stride: int, ceil_mode: bool) -> int:
    padded = length + before + after
    starts = np.arange(0, max(padded, 0), stride)
    keep = starts + extent <= padded
    if ceil_mode:  # one window may run off the end, but never one that starts in the right padding
        keep |= (starts - stride + extent < padded) & (starts < length + before)
    return int(np.count_nonzero(keep))


@dataclass(frozen=True)
class Window:
    """One axis of a sliding window: `count` outputs, each reading `kernel` taps spaced by
    `dilation`, the first at `stride*o - before` in input coordinates."""

    length: int
    kernel: int
    stride: int
    dilation: int
    before: int
    after: int  # padding the spec asked for after the input (ceil mode may reach further)
    count: int

    @classmethod
    def of(cls, length, kernel, stride, dilation, before, after, ceil_mode=False) -> Window:
        extent = dilation * (kernel - 1) + 1
        return cls(length, kernel, stride, dilation, before, after, count_windows(length, before, after, extent, stride, ceil_mode))

    @property
    def reach(self) -> int:
        """Padded length the windows span: before + input + whatever they read after it."""
        return (self.count - 1) * self.stride + self.dilation * (self.kernel - 1) + 1

    def positions(self) -> np.ndarray:
        """(kernel, count): the input position each tap of each output reads (may be outside)."""
        return np.arange(self.count)[None, :] * self.stride + np.arange(self.kernel)[:, None] * self.dilation - self.before

    def taps(self) -> np.ndarray:
        """As `positions`, with -1 where a tap reads padding."""
        q = self.positions()
        return np.where((q >= 0) & (q < self.length), q, -1)

    def tap_slice(self, t: int) -> slice:
        """Where tap t of every output lies in the padded input."""
        start = t * self.dilation
        return slice(start, start + (self.count - 1) * self.stride + 1, self.stride)


def pad(x: np.ndarray, windows: list[Window], fill: float) -> np.ndarray:
    """x (batch, *spatial, C) with `fill` around each spatial axis as far as its windows reach."""
    if all(w.before == 0 and w.reach <= w.length for w in windows):
        return x
    shape = list(x.shape)
    inner = []
    for axis, w in enumerate(windows, start=1):
        shape[axis] = max(w.reach, w.before + w.length)
        inner.append(slice(w.before, w.before + w.length))
    out = np.full(shape, fill, dtype=x.dtype)
    out[(slice(None), *inner, Ellipsis)] = x
    return out


def tap_views(xp: np.ndarray, windows: list[Window], first: tuple | None = None):
    """(tap index per axis, view of shape (batch, *counts, C)) for every tap of the windows;
    `first` = (start, count) restricts the outputs along the first axis to a block."""
    for taps in itertools.product(*(range(w.kernel) for w in windows)):
        where = [w.tap_slice(t) for w, t in zip(windows, taps)]
        if first is not None:
            start, count = first
            stride = windows[0].stride
            begin = where[0].start + start * stride
            where[0] = slice(begin, begin + (count - 1) * stride + 1, stride)
        yield taps, xp[(slice(None), *where, Ellipsis)]


def rows_are_runs(xp: np.ndarray) -> bool:
    """Whether each position of the last spatial axis holds its C values side by side and
    the next position follows at once. Not `flags.c_contiguous`: with one channel, NumPy
    calls an array contiguous whatever the channel axis's stride (a transposed input has
    H*W*itemsize there), and a view built on that stride reads outside the array."""
    itemsize, channels = xp.itemsize, xp.shape[-1]
    return xp.strides[-2] == channels * itemsize and (channels == 1 or xp.strides[-1] == itemsize)


def row_views(xp: np.ndarray, windows: list[Window], first: tuple | None = None):
    """As `tap_views`, but all taps along the last axis at once: with channels last and no
    dilation there, a kernel row's taps lie side by side in memory, so one strided view of
    shape (batch, *counts, kernel*C) holds them (only where `rows_are_runs(xp)`)."""
    last = windows[-1]
    starts = replace(last, kernel=1)
    for taps, view in tap_views(xp, [*windows[:-1], starts], first):
        shape = (*view.shape[:-1], last.kernel * xp.shape[-1])
        yield taps[:-1], np.lib.stride_tricks.as_strided(view, shape, (*view.strides[:-1], xp.itemsize), writeable=False)


@dataclass(frozen=True)
class Scatter:
    """One axis of a transposed window: input i, tap t lands at i*stride + t*dilation of a
    full output of `full` positions; the output keeps [padding, full - padding)."""

    length: int
    kernel: int
    stride: int
    dilation: int
    padding: int
    output_padding: int

    @property
    def full(self) -> int:
        return (self.length - 1) * self.stride + self.dilation * (self.kernel - 1) + 1 + self.output_padding

    @property
    def count(self) -> int:
        return self.full - 2 * self.padding

    def tap_slice(self, t: int) -> slice:
        start = t * self.dilation
        return slice(start, start + (self.length - 1) * self.stride + 1, self.stride)

    def taps(self) -> np.ndarray:
        """(kernel, count): which input each output received from tap t, -1 where none."""
        q = np.arange(self.count)[None, :] + self.padding - np.arange(self.kernel)[:, None] * self.dilation
        i = q // self.stride
        return np.where((q % self.stride == 0) & (i >= 0) & (i < self.length), i, -1)


def gathered(index: np.ndarray) -> np.ndarray:
    """Tap table of a layer whose output o reads input index[o] (one tap)."""
    return np.asarray(index, dtype=np.int64)[None, :]


def ranges(starts, ends, length: int) -> np.ndarray:
    """Tap table of windows [start, end) of varying length (adaptive pooling), -1 padded."""
    starts, ends = np.asarray(starts), np.asarray(ends)
    width = int((ends - starts).max())
    q = starts[None, :] + np.arange(width)[:, None]
    return np.where((q < ends[None, :]) & (q < length), q, -1)
