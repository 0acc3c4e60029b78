"""Fully connected layers (one GEMM over every vector of the batch) and embeddings."""

from __future__ import annotations

import numpy as np

from .layout import logical, stored
from .step import Out, Step
from .windows import MIX


def dense(step: Step) -> Out:
    x = logical(step.x)  # (batch, F) or (batch, T, F)
    features, out = x.shape[-1], int(step.layer.out)
    weight = step.weights.learnable(step.node, "weight", (features, out), fan_in=features)
    y = step.tally.matmul(np.ascontiguousarray(x).reshape(-1, features), weight).reshape(*x.shape[:-1], out)
    if step.layer.bias:
        y += step.weights.learnable(step.node, "bias", (out,), fill=0.01)
    return Out(np.ascontiguousarray(stored(y)), (MIX,))


def embedding(step: Step) -> Out:
    """Token ids are made from the random input (|x| scaled, modulo the vocabulary)."""
    vocab, dim = int(step.layer.vocab), int(step.layer.dim)
    table = step.weights.learnable(step.node, "weight", (vocab, dim), fan_in=1)
    ids = (np.abs(step.x.astype(np.float64)) * 7919).astype(np.int64) % vocab
    return Out(np.ascontiguousarray(stored(table[ids])), (MIX,))
