"""A conservative estimate of the reference's peak memory, made before anything runs.

This is a guard, not a measurement: it reads the node shapes the graph already holds and
the layer hyperparameters, adds the weights, the tensors alive at each step (each output
lives until its last reader has run) and the largest scratch array of that step (im2col
columns, transposed-convolution taps, field matrices), and takes the maximum. The runner
also checks the bytes it actually holds as it goes."""

from __future__ import annotations

from math import prod

FLOAT = 4
BLOCK_BYTES = 8 * 2**20  # as conv.BLOCK_BYTES


def _ints(values) -> list[int]:
    return [int(v) for v in values]


def _weights(node, graph) -> int:
    layer, kind = node.layer, node.kind
    x = _ints(graph.shape_of(node.sources[0])) if node.sources else [1]
    if kind in ("conv", "depthwise"):
        groups = x[0] if kind == "depthwise" else int(layer.groups)
        out = int(layer.multiplier) * x[0] if kind == "depthwise" else int(layer.out)
        return out * (x[0] // groups) * prod(_ints(layer.kernel)) + out
    if kind == "conv_transpose":
        return x[0] * (int(layer.out) // int(layer.groups)) * prod(_ints(layer.kernel)) + int(layer.out)
    if kind == "dense":
        return (x[-1] + 1) * int(layer.out)
    if kind == "embedding":
        return int(layer.vocab) * int(layer.dim)
    if kind in ("lstm", "gru", "rnn"):
        width = 4 * int(layer.hidden) * (2 if layer.bidirectional else 1)
        return int(layer.layers) * width * (max(x[-1], 2 * int(layer.hidden)) + int(layer.hidden) + 2)
    if kind == "layernorm":
        return 2 * prod(x)
    return 4 * x[0]  # batch and group norm, PReLU: a few values per channel at most


def _scratch(node, graph, batch: int) -> int:
    out = prod(_ints(node.shape)) * batch
    x = _ints(graph.shape_of(node.sources[0])) if node.sources else [1]
    layer, kind = node.layer, node.kind
    if kind in ("conv", "depthwise"):  # im2col columns, built a block of rows at a time
        shape = _ints(node.shape)
        row = prod(shape[2:]) * x[0] * prod(_ints(layer.kernel))
        columns = out // max(shape[0], 1) * x[0] * prod(_ints(layer.kernel))
        return min(columns, max(BLOCK_BYTES // FLOAT, row)) + out
    if kind == "conv_transpose":
        return 3 * prod(x[1:]) * batch * prod(_ints(layer.kernel)) * int(layer.out) + 2 * out
    return 2 * out + sum(prod(_ints(graph.shape_of(s))) * batch for s in node.sources)


def _field_bytes(node, graph) -> int:
    inputs = [_ints(shape[1:]) for _, shape in graph.inputs]
    spatial = _ints(node.shape[1:])
    return sum(n * m for shape in inputs if len(shape) == len(spatial) for n, m in zip(spatial, shape))


def estimate(graph, batch: int, measure: bool) -> int:
    """Peak bytes the reference will need to run `graph` at `batch` (an upper estimate)."""
    last_use: dict[int, int] = {}
    for node in graph.nodes:
        for s in node.sources:
            last_use[s] = node.index
    live = sum(prod(_ints(shape)) * batch for _, shape in graph.inputs) * FLOAT
    weights = sum(_weights(node, graph) for node in graph.nodes if node.shares is None) * FLOAT
    peak = live
    alive: dict[int, int] = {}
    for node in graph.nodes:
        size = prod(_ints(node.shape)) * batch * FLOAT + (_field_bytes(node, graph) if measure else 0)
        peak = max(peak, live + size + _scratch(node, graph, batch) * FLOAT)
        alive[node.index] = size
        live += size
        for s in set(node.sources):
            if s >= 0 and last_use.get(s) == node.index:
                live -= alive.pop(s, 0)
        if node.index not in last_use:
            live -= alive.pop(node.index, 0)
    return weights + peak
