"""Normalisation (inference mode) and dropout.

Batch norm uses its running statistics (one scale and shift per channel); without running
statistics, and for layer and group norm, the statistics of the sample itself. For receptive
fields the statistics count as constants, as in the receptive-field literature: each output
depends on the input at its own position."""

from __future__ import annotations

import numpy as np

from .layout import logical, stored
from .step import Out, Step, unchanged

EPS = np.float32(1e-5)



def _target(step: Step) -> np.ndarray:
    """Where an element-wise result may go: the input itself when nobody else reads it."""
    return step.x if step.owned else np.empty_like(step.x)


def batchnorm(step: Step) -> Out:
    layer, x = step.layer, step.x
    c = x.shape[-1]
    if layer.running_stats:
        mean = step.weights.buffer(step.node, "running_mean", (c,), 0.0)
        var = step.weights.buffer(step.node, "running_var", (c,), 1.0)
    else:
        axes = tuple(range(x.ndim - 1))
        mean, var = x.mean(axis=axes), x.var(axis=axes)
    gamma = step.weights.learnable(step.node, "weight", (c,), fill=1.0) if layer.affine else None
    beta = step.weights.learnable(step.node, "bias", (c,), fill=0.0) if layer.affine else None
    scale, shift = _scale_shift(mean, var, gamma, beta)
    y = np.multiply(x, scale, out=_target(step))
    y += shift
    return Out(y, unchanged(x))


def _scale_shift(mean, var, gamma, beta) -> tuple[np.ndarray, np.ndarray]:
    """(x - mean) / sqrt(var + eps) * gamma + beta as x * scale + shift."""
    scale = 1.0 / np.sqrt(var + EPS)
    shift = -mean * scale
    if gamma is not None:
        scale, shift = scale * gamma, shift * gamma + beta
    return scale.astype(np.float32), shift.astype(np.float32)


def _normalise(a: np.ndarray, axes: tuple) -> np.ndarray:
    mean = a.mean(axis=axes, keepdims=True)
    var = a.var(axis=axes, keepdims=True)
    return ((a - mean) / np.sqrt(var + EPS)).astype(np.float32)


def layernorm(step: Step) -> Out:
    layer, x = step.layer, step.x
    a = logical(x)
    k = int(layer.axes)
    y = _normalise(a, tuple(range(a.ndim - k, a.ndim)))
    if layer.affine:
        y = y * step.weights.learnable(step.node, "weight", a.shape[a.ndim - k :], fill=1.0)
        y = y + step.weights.learnable(step.node, "bias", a.shape[a.ndim - k :], fill=0.0)
    return Out(np.ascontiguousarray(stored(y)), unchanged(x))


def groupnorm(step: Step) -> Out:
    layer, x = step.layer, step.x
    groups, c = int(layer.groups), x.shape[-1]
    grouped = x.reshape(x.shape[0], -1, groups, c // groups)
    y = _normalise(grouped, (1, 3)).reshape(x.shape)
    if layer.affine:
        y = y * step.weights.learnable(step.node, "weight", (c,), fill=1.0)
        y = y + step.weights.learnable(step.node, "bias", (c,), fill=0.0)
    return Out(y, unchanged(x))


def dropout(step: Step) -> Out:
    return Out(step.x, unchanged(step.x))  # inference: nothing is dropped
