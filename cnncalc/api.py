"""The library's front door: load a spec by name or path, get its report."""

from __future__ import annotations

from dataclasses import dataclass

from .analysis import Report, analyze
from .catalog import find
from .graph import Graph, build
from .spec import load_file


@dataclass(frozen=True)
class Network:
    """A built network; `summary()` gives its Report."""

    graph: Graph

    def summary(self, *, dtype: str = "fp32", batch: int = 1, bias_macs: bool = False, explain: bool = False) -> Report:
        return analyze(self.graph, dtype=dtype, batch=batch, bias_macs=bias_macs, explain=explain)


def load(spec: str, *, values: dict | None = None, input: list | None = None) -> Network:
    """A built-in architecture by name (``"lenet5"``, ``"resnet50"``) or a spec file path.

    ``values`` sets symbols or constants (``{"c": 64}``); ``input`` replaces the input shape.

    >>> load("lenet5").summary().totals.params
    61706
    """
    path, variant = find(spec)
    return Network(build(load_file(path), variant, values, input))
