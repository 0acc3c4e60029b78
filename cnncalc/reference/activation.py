"""Activation functions, element by element (in place when nobody else reads the input).
Softmax's sum counts as a constant for receptive fields, like normalisation statistics."""

from __future__ import annotations

import numpy as np

from .layout import spec_axis
from .step import Out, Step, unchanged


def _erf(x: np.ndarray) -> np.ndarray:
    """Abramowitz & Stegun 7.1.26 (error below 1.5e-7): numpy has no erf."""
    t = 1.0 / (1.0 + 0.3275911 * np.abs(x))
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
    return np.sign(x) * (1.0 - poly * np.exp(-x * x))


def _sigmoid(x):
    return 0.5 * (np.tanh(0.5 * x) + 1.0)  # stable for large |x|


FUNCTIONS = {
    "relu": lambda x, out: np.maximum(x, 0, out=out),
    "relu6": lambda x, out: np.clip(x, 0, 6, out=out),
    "tanh": lambda x, out: np.tanh(x, out=out),
    "sigmoid": lambda x, out: np.copyto(out, _sigmoid(x)) or out,
    "gelu": lambda x, out: np.copyto(out, 0.5 * x * (1.0 + _erf(x / np.sqrt(2.0)))) or out,
    "silu": lambda x, out: np.copyto(out, x * _sigmoid(x)) or out,
    "hardswish": lambda x, out: np.copyto(out, x * np.clip(x + 3, 0, 6) / 6) or out,
    "hardsigmoid": lambda x, out: np.copyto(out, np.clip(x + 3, 0, 6) / 6) or out,
    "elu": lambda x, out: np.copyto(out, np.where(x > 0, x, np.expm1(np.minimum(x, 0)))) or out,
    "identity": lambda x, out: np.copyto(out, x) or out,
}



def activation(step: Step) -> Out:
    x = step.x
    out = x if step.owned else np.empty_like(x)
    return Out(FUNCTIONS[step.node.kind](x, out), unchanged(x))


def leaky_relu(step: Step) -> Out:
    x = step.x
    slope = np.float32(float(step.layer.negative_slope))
    return Out(np.where(x > 0, x, x * slope), unchanged(x))


def prelu(step: Step) -> Out:
    x = step.x
    count = x.shape[-1] if step.layer.per_channel else 1
    slope = step.weights.learnable(step.node, "weight", (count,), fill=0.25)
    return Out(np.where(x > 0, x, x * slope), unchanged(x))


def softmax(step: Step) -> Out:
    x = step.x
    axis = spec_axis(int(step.layer.axis) % (x.ndim - 1), x.ndim)
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return Out((e / e.sum(axis=axis, keepdims=True)).astype(np.float32), unchanged(x))

