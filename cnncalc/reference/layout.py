"""How the reference stores a tensor: a batch axis first and channels last.

A spec shape is channels first per sample (C x H x W, C x L, T x F, N). The reference keeps
the same values as an array of shape (batch, H, W, C): channels last, so that every
convolution is one contiguous GEMM over (positions, channels) and a 1x1 convolution needs
no copy at all. A per-sample vector (N) is simply (batch, N).
"""

from __future__ import annotations

import numpy as np


def logical(a: np.ndarray) -> np.ndarray:
    """The same values in the spec's order, (batch, C, *spatial): a view, not a copy."""
    return np.moveaxis(a, -1, 1) if a.ndim >= 3 else a


def stored(b: np.ndarray) -> np.ndarray:
    """Back from the spec's order to channels last: a view, not a copy."""
    return np.moveaxis(b, 1, -1) if b.ndim >= 3 else b


def sample_shape(a: np.ndarray) -> tuple:
    """The per-sample shape in the spec's convention (channels first), read off the array."""
    return tuple(int(d) for d in logical(a).shape[1:])


def spatial(a: np.ndarray) -> tuple:
    """The per-sample spatial sizes (all axes after the channels)."""
    return sample_shape(a)[1:]


def spec_axis(axis: int, ndim: int) -> int:
    """The array axis holding per-sample axis `axis` (0: channels) of a stored array."""
    if ndim < 3:
        return axis + 1
    return ndim - 1 if axis == 0 else axis
