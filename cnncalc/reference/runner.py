"""Runs a Graph node by node on a seeded random float32 input and records what happened."""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from ..errors import LimitError, ShapeError
from . import fields
from .kernels import KERNELS
from .layout import logical, sample_shape, stored
from .memory import estimate
from .step import Step
from .tally import Tally, Weights

DEFAULT_MAX_MEMORY = 4 * 2**30


@dataclass(frozen=True)
class Measured:
    """What the reference observed for one node. `macs` is per sample, times the node's
    runs (a node inside `each` runs once here; its work is multiplied by its count)."""

    shape: tuple
    params: int
    buffers: int
    macs: int
    field: fields.MeasuredField | None


class Refused(ShapeError):
    """The reference cannot run a layer the algebra accepted (`measured`: the nodes before it)."""

    measured: tuple = ()


@dataclass(frozen=True)
class Run:
    nodes: tuple  # one Measured per graph node (empty when not measuring)
    outputs: dict  # output name -> array (batch first, channels first as in the spec)
    peak_bytes: int  # the most bytes held at once: weights, live tensors and field matrices
    estimate_bytes: int


def _gib(n: int) -> str:
    for unit, scale in (("TiB", 2**40), ("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if n >= scale:
            return f"{n / scale:.3g} {unit}"
    return f"{n} bytes"


class Reference:
    """The reference forward of one graph; weights are allocated on the first run and kept."""

    def __init__(self, graph, *, batch: int = 1, seed: int = 0, max_memory: int = DEFAULT_MAX_MEMORY):
        self.graph = graph
        self.batch = batch
        self.seed = seed
        self.max_memory = max_memory
        self.weights = Weights(np.random.default_rng(seed + 1))
        self.last_use: dict[int, int] = {}
        for node in graph.nodes:
            for s in node.sources:
                self.last_use[s] = node.index
        self.keep_indices = {node.sources[1] for node in graph.nodes if node.kind == "max_unpool"}
        self.outputs = {index for _, index in graph.outputs}
        self.scratch: list = []  # the im2col buffer, kept between layers and runs
        self.estimates: dict[bool, int] = {}

    @cached_property
    def inputs(self) -> list[np.ndarray]:
        """The seeded random inputs, made only once the memory estimate allows them."""
        rng = np.random.default_rng(self.seed)
        arrays = []
        for _, shape in self.graph.inputs:
            dims = tuple(int(d) for d in shape)
            arrays.append(np.ascontiguousarray(stored(rng.standard_normal((self.batch, *dims), dtype=np.float32))))
        return arrays

    def check_memory(self, measure: bool) -> int:
        if measure not in self.estimates:
            self.estimates[measure] = estimate(self.graph, self.batch, measure)
        need = self.estimates[measure]
        if need > self.max_memory:
            raise LimitError(
                f"the reference forward would need about {_gib(need)}",
                expected=f"at most {_gib(self.max_memory)} (--max-memory)",
                hint="use a smaller --input, --batch or --set, or raise --max-memory",
            )
        return need

    def run(self, measure: bool = True) -> Run:
        """One forward. With `measure`, also counts and measures every node."""
        # Random weights in a very deep net may overflow; the values are not what is measured.
        with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
            return self._run(measure)

    def _run(self, measure: bool) -> Run:
        graph = self.graph
        need = self.check_memory(measure)
        values = {-1 - k: a for k, a in enumerate(self.inputs)}
        states = {-1 - k: {k: fields.of_input(a.shape[1:-1] if a.ndim >= 3 else ())} for k, a in enumerate(self.inputs)}
        kept: dict[int, dict] = {}
        measured = []
        peak = 0
        for node in graph.nodes:
            tally = Tally()
            inputs = [values[s] for s in node.sources]
            step = Step(node, inputs, self.weights, tally, want_indices=node.index in self.keep_indices, owned=self._owned(node, values))
            step.scratch_pool = self.scratch
            if node.kind == "max_unpool":
                step.extra["pool"] = kept[node.sources[1]]
            try:
                out = KERNELS[node.kind](step)
            except (ValueError, IndexError, ShapeError) as error:  # a shape the kernel cannot run on
                refused = Refused(f"the reference cannot run this layer: {getattr(error, 'message', error)}", path=node.path)
                refused.measured = tuple(measured)
                raise refused from None
            array = out.array if out.array.dtype == np.float32 else out.array.astype(np.float32)
            values[node.index] = np.ascontiguousarray(array)
            if out.keep:
                kept[node.index] = out.keep
            if measure:
                deps = out.deps() if callable(out.deps) else out.deps
                spatial = values[node.index].shape[1:-1] if values[node.index].ndim >= 3 else ()
                states[node.index] = fields.propagate(deps, [states[s] for s in node.sources], spatial)
                measured.append(self._measured(node, values[node.index], tally, states[node.index]))
            held = self._held(values, states if measure else {})
            peak = max(peak, held)
            if held > self.max_memory:
                raise LimitError(f"the reference forward holds {_gib(held)} at {node.path}", expected=f"at most {_gib(self.max_memory)}")
            self._free(node, values, states, kept)
        outputs = {name: logical(values[index]) for name, index in graph.outputs if index in values}
        return Run(tuple(measured), outputs, peak, need)

    def _owned(self, node, values) -> bool:
        """Whether nobody but this node reads its first input (so it may be overwritten)."""
        if not node.sources or node.sources[0] < 0 or node.sources.count(node.sources[0]) > 1:
            return False
        first = node.sources[0]
        if self.last_use.get(first) != node.index or first in self.outputs or first in self.keep_indices:
            return False
        # a view (a slice, a flattened vector) shares its source's memory: never overwrite that
        return not any(np.may_share_memory(a, values[first]) for s, a in values.items() if s != first)

    def _measured(self, node, array: np.ndarray, tally: Tally, state: dict) -> Measured:
        runs = int(node.runs)
        if tally.macs % self.batch:
            raise AssertionError(f"{node.path}: {tally.macs} MACs do not split over a batch of {self.batch}")
        return Measured(
            shape=sample_shape(array),
            params=self.weights.params.get(node.index, 0),
            buffers=self.weights.buffers.get(node.index, 0),
            macs=tally.macs // self.batch * runs,
            field=fields.measured(state),
        )

    def _held(self, values: dict, states: dict) -> int:
        arrays = {id(a): a.nbytes for a in values.values()}
        scratch = sum(a.nbytes for a in self.scratch)
        return self.weights.nbytes + scratch + sum(arrays.values()) + sum(fields.nbytes(s) for s in states.values())

    def _free(self, node, values: dict, states: dict, kept: dict) -> None:
        done = [s for s in set(node.sources) if self.last_use.get(s) == node.index and s >= 0 and s not in self.outputs]
        if node.index not in self.last_use and node.index not in self.outputs:
            done.append(node.index)
        for s in done:
            values.pop(s, None)
            states.pop(s, None)
            kept.pop(s, None)

    def time(self, repeats: int = 5) -> float:
        """Median seconds of `repeats` forwards (weights already allocated, nothing measured)."""
        self.run(measure=False)  # warm-up: allocates the weights
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            self.run(measure=False)
            times.append(time.perf_counter() - start)
        return statistics.median(times)


def run(graph, *, batch: int = 1, seed: int = 0, max_memory: int = DEFAULT_MAX_MEMORY) -> Run:
    """Run and measure `graph` once."""
    return Reference(graph, batch=batch, seed=seed, max_memory=max_memory).run(measure=True)
