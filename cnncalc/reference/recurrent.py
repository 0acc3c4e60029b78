"""Recurrent layers as PyTorch defines them (RNN tanh, GRU, LSTM), looping only over time.

Each stacked layer and direction projects the whole sequence with one GEMM, then runs one
(batch, H) @ (H, gates*H) GEMM per step for the hidden state. Gate order: LSTM i, f, g, o;
GRU r, z, n with n = tanh(W_in x + b_in + r * (W_hn h + b_hn))."""

from __future__ import annotations

import numpy as np

from .activation import _sigmoid
from .layout import logical, stored
from .step import Out, Step
from .windows import MIX

GATES = {"rnn": 1, "gru": 3, "lstm": 4}


def recurrent(step: Step) -> Out:
    layer, kind = step.layer, step.node.kind
    hidden, gates = int(layer.hidden), GATES[kind]
    directions = 2 if layer.bidirectional else 1
    seq = np.ascontiguousarray(logical(step.x))  # (batch, T, F)
    for depth in range(int(layer.layers)):
        outs = [_direction(step, seq, f"l{depth}d{d}", hidden, gates, reverse=d == 1) for d in range(directions)]
        seq = np.concatenate(outs, axis=-1)
    y = seq if layer.sequences else seq[:, -1, :]
    return Out(np.ascontiguousarray(stored(y)), (MIX,))


def _direction(step: Step, seq: np.ndarray, name: str, hidden: int, gates: int, reverse: bool) -> np.ndarray:
    batch, steps, features = seq.shape
    width = gates * hidden
    w_ih = step.weights.learnable(step.node, f"{name}.weight_ih", (features, width), fan_in=features + hidden)
    w_hh = step.weights.learnable(step.node, f"{name}.weight_hh", (hidden, width), fan_in=features + hidden)
    projected = step.tally.matmul(seq.reshape(-1, features), w_ih).reshape(batch, steps, width)
    b_hh = np.zeros(width, dtype=np.float32)
    if step.layer.bias:
        projected += step.weights.learnable(step.node, f"{name}.bias_ih", (width,), fill=0.01)
        if step.layer.bias_vectors == 2:  # PyTorch's b_hh; TensorFlow and Keras cells have none
            b_hh = step.weights.learnable(step.node, f"{name}.bias_hh", (width,), fill=0.01)
    h = np.zeros((batch, hidden), dtype=np.float32)
    c = np.zeros((batch, hidden), dtype=np.float32)
    out = np.empty((batch, steps, hidden), dtype=np.float32)
    for t in range(steps - 1, -1, -1) if reverse else range(steps):
        recurrent_part = step.tally.matmul(h, w_hh) + b_hh
        h, c = cell(step.node.kind, projected[:, t], recurrent_part, h, c)
        out[:, t] = h
    return out


def cell(kind: str, x: np.ndarray, r: np.ndarray, h: np.ndarray, c: np.ndarray):
    """One time step from the projected input x and projected hidden state r (biases in)."""
    if kind == "rnn":
        return np.tanh(x + r).astype(np.float32), c
    if kind == "lstm":
        i, f, g, o = np.split(x + r, 4, axis=-1)
        c = _sigmoid(f) * c + _sigmoid(i) * np.tanh(g)
        return (_sigmoid(o) * np.tanh(c)).astype(np.float32), c.astype(np.float32)
    xr, xz, xn = np.split(x, 3, axis=-1)
    hr, hz, hn = np.split(r, 3, axis=-1)
    reset, update = _sigmoid(xr + hr), _sigmoid(xz + hz)
    n = np.tanh(xn + reset * hn)
    return ((1 - update) * n + update * h).astype(np.float32), c
