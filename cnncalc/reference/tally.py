"""What a forward pass did: the weight arrays it allocated and the products it executed.

Kernels never report a count of their own. They allocate weights through `Weights` (whose
records are the parameter and buffer counts) and multiply through `Tally` (whose records
are the MACs), so every number is read off an array that really existed or a product that
really ran.
"""

from __future__ import annotations

from math import prod

import numpy as np


class Tally:
    """Counts multiply-accumulates as they execute: M*K*N for each matrix product (times
    any stacked batch axes), and one per element of each broadcast multiply-add."""

    def __init__(self) -> None:
        self.macs = 0

    def matmul(self, a: np.ndarray, b: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        """a @ b for (..., M, K) @ (..., K, N)."""
        result = np.matmul(a, b, out=out) if out is not None else a @ b
        self.macs += prod(result.shape) * a.shape[-1]
        return result

    def multiply_add(self, acc: np.ndarray, a: np.ndarray, b: np.ndarray, scratch: np.ndarray | None = None) -> None:
        """acc += a * b, elementwise with broadcasting (one tap of a depthwise filter);
        `scratch`, shaped like acc, holds the products."""
        product = np.multiply(a, b, out=scratch)
        self.macs += product.size
        acc += product


POOL = 1_000_003  # random values tiled into every weight array (a prime: no alignment with shapes)


class Weights:
    """Allocates a network's weight arrays and remembers their sizes per node.

    A node that shares another's weights (`Node.shares`) gets the owner's arrays back and
    allocates nothing, so shared weights are counted once."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self.random: np.ndarray | None = None
        self.offset = 0
        self.nbytes = 0  # of every array allocated so far
        self.arrays: dict[tuple[int, str], np.ndarray] = {}
        self.params: dict[int, int] = {}
        self.buffers: dict[int, int] = {}

    def learnable(self, node, name: str, shape: tuple, fan_in: int | None = None, fill: float | None = None) -> np.ndarray:
        """A trainable array: He-scaled random values, or a constant `fill` (norm scales)."""
        return self._get(node, name, shape, self.params, fan_in, fill)

    def buffer(self, node, name: str, shape: tuple, fill: float) -> np.ndarray:
        """Non-trainable state, such as batch norm's running mean and variance."""
        return self._get(node, name, shape, self.buffers, None, fill)

    def _get(self, node, name, shape, counts, fan_in, fill) -> np.ndarray:
        owner = node.index if node.shares is None else node.shares
        key = (owner, name)
        counts.setdefault(node.index, 0)
        if key in self.arrays:
            return self.arrays[key]
        if fill is not None:
            array = np.full(shape, fill, dtype=np.float32)
        else:  # He-uniform values, tiled from one random pool: big layers cost no generator time
            bound = np.float32(np.sqrt(6.0 / max(fan_in or 1, 1)))
            array = self._tiled(int(np.prod(shape, dtype=np.int64))).reshape(shape)
            array *= bound
        self.arrays[key] = array
        self.nbytes += array.nbytes
        counts[node.index] += array.size
        return array

    def _tiled(self, size: int) -> np.ndarray:
        """`size` values in [-1, 1): the random pool from a rotating offset, tiled as needed."""
        if self.random is None:
            self.random = self.rng.uniform(-1.0, 1.0, 2 * POOL).astype(np.float32)
        start, self.offset = self.offset, (self.offset + size) % POOL
        if size <= POOL:
            return self.random[start : start + size].copy()
        return np.resize(self.random[start : start + POOL], size)
