"""What a kernel receives and returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .tally import Tally, Weights


@dataclass
class Step:
    """One node about to run: its input arrays (channels last), where to allocate weights,
    where to count products, and what other nodes asked of it (max-pool indices)."""

    node: Any  # cnncalc.graph.Node: only its kind, layer hyperparameters and sharing are read
    inputs: list
    weights: Weights
    tally: Tally
    want_indices: bool = False
    owned: bool = False  # no other node reads inputs[0]: an element-wise kernel may overwrite it
    extra: dict = field(default_factory=dict)  # e.g. the indices of a max pool an unpool reads
    scratch_pool: list = field(default_factory=list)  # one reusable float32 buffer, shared by all steps

    def scratch(self, size: int) -> np.ndarray:
        """A float32 buffer of at least `size` values, reused from step to step."""
        if not self.scratch_pool or self.scratch_pool[0].size < size:
            self.scratch_pool[:] = [np.empty(size, dtype=np.float32)]
        return self.scratch_pool[0]

    @property
    def layer(self):
        return self.node.layer

    @property
    def x(self) -> np.ndarray:
        return self.inputs[0]


@dataclass
class Out:
    """A kernel's result. `deps` has one entry per input: None (values not read), MIX (every
    position read), or per spatial axis a tap table (taps, outputs) of the input positions
    each output read (-1: none), or None for an axis passed through unchanged. It may be a
    function returning that tuple, called only when fields are measured."""

    array: np.ndarray
    deps: tuple
    keep: dict = field(default_factory=dict)  # what later nodes need (max-pool indices)


def unchanged(x: np.ndarray) -> tuple:
    """`deps` of a layer whose output reads its input at the same positions (element-wise)."""
    return (tuple(None for _ in range(max(x.ndim - 2, 0))),)
