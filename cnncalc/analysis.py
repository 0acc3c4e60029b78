"""Per-layer rows and totals of a graph: the numbers cnncalc reports, computed once.

`analyze` returns an immutable Report. Every total is the sum of the rows' values (or, for
memory, a documented formula of those sums), so the rows always add up to the totals.
Renderers only format a Report; they never compute.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from .errors import SpecError
from .graph import Graph, Node
from .layers import Field, Shape, numel
from .symbolic import Size, ceil_div, normalize

DTYPE_BITS = {"fp64": 64, "fp32": 32, "fp16": 16, "bf16": 16, "fp8": 8, "int8": 8, "int4": 4, "binary": 1}

# Extra copies of the trainable parameters kept while training: gradients plus optimizer state.
OPTIMIZER_COPIES = {"sgd": 1, "momentum": 2, "adam": 3}


class Row(NamedTuple):
    """One layer's (or, folded, one block's) figures."""

    path: str
    type: str
    depth: int
    input_shapes: tuple  # one shape per input
    output_shape: Shape
    params: Size  # learnable, counted once even where weights are shared
    trainable: Size
    buffers: Size
    macs: Size
    other_ops: Size
    field: Field
    activation_bytes: Size  # output values x batch x runs, in the dtype
    runs: Size = 1
    shares: str | None = None  # path of the row whose weights this one uses
    note: str | None = None
    line: int | None = None
    groups: tuple = ()  # indices into Report.groups of the enclosing blocks, outermost first
    is_group: bool = False
    explain: tuple = ()  # (quantity, formula) pairs, when asked for


@dataclass(frozen=True)
class Totals:
    params: Size
    trainable: Size
    frozen: Size
    buffers: Size
    macs: Size
    flops: Size  # 2 x MACs
    other_ops: Size
    param_bytes: Size
    buffer_bytes: Size
    input_bytes: Size
    activation_bytes: Size
    training_bytes: dict  # optimizer -> bytes for weights, gradients, state, activations and input


@dataclass(frozen=True)
class Report:
    name: str
    source: str | None
    notes: str | None
    file: str | None
    inputs: dict  # input name -> shape
    outputs: dict  # output name -> shape
    field: Field  # of the (first) output
    rows: tuple  # one Row per layer, in run order
    totals: Totals
    dtype: str
    batch: int
    bias_macs: bool
    symbols: tuple
    groups: tuple = ()  # Graph groups, for collapsed views

    @property
    def input(self) -> Shape:
        """The first input's shape."""
        return next(iter(self.inputs.values()))

    def collapsed(self, depth: int | None) -> tuple:
        """Rows with everything nested deeper than `depth` folded into its enclosing block."""
        if depth is None:
            return self.rows
        return tuple(_collapse(self, depth))


def _bytes(values: Size, bits: int) -> Size:
    return normalize(ceil_div(values * bits, 8))


def analyze(graph: Graph, *, dtype: str = "fp32", batch: int = 1, bias_macs: bool = False, explain: bool = False) -> Report:
    """The report of `graph` for a dtype and batch size. `bias_macs` counts one MAC per bias
    addition, as torchinfo does; by default bias is not a MAC (torchvision, fvcore).
    `explain` keeps each layer's formulas on its row."""
    if dtype not in DTYPE_BITS:
        raise SpecError(f"unknown dtype '{dtype}'", expected=", ".join(DTYPE_BITS))
    if batch < 1:
        raise SpecError("batch must be at least 1", got=str(batch))
    bits = DTYPE_BITS[dtype]
    figures: dict[int, _Figures] = {}  # by layer identity: repeated blocks share their layers
    for node in graph.nodes:
        if id(node.layer) not in figures:
            figures[id(node.layer)] = _figures(node.layer, bias_macs, explain)
    rows = tuple(_row(graph, node, figures[id(node.layer)], bits, batch) for node in graph.nodes)
    params = _sum(r.params for r in rows)
    trainable = _sum(r.trainable for r in rows)
    buffers = _sum(r.buffers for r in rows)
    macs = _sum(r.macs for r in rows)
    param_bytes = _bytes(params, bits)
    buffer_bytes = _bytes(buffers, bits)
    input_bytes = _sum(_bytes(numel(shape) * batch, bits) for _, shape in graph.inputs)
    activation_bytes = _sum(r.activation_bytes for r in rows)
    trainable_bytes = _bytes(trainable, bits)
    training = {
        name: normalize(param_bytes + copies * trainable_bytes + buffer_bytes + input_bytes + activation_bytes)
        for name, copies in OPTIMIZER_COPIES.items()
    }
    totals = Totals(
        params=params,
        trainable=trainable,
        frozen=normalize(params - trainable),
        buffers=buffers,
        macs=macs,
        flops=normalize(2 * macs),
        other_ops=_sum(r.other_ops for r in rows),
        param_bytes=param_bytes,
        buffer_bytes=buffer_bytes,
        input_bytes=input_bytes,
        activation_bytes=activation_bytes,
        training_bytes=training,
    )
    first_output = graph.outputs[0][1]
    return Report(
        name=graph.name,
        source=graph.source,
        notes=graph.notes,
        file=graph.file,
        inputs=dict(graph.inputs),
        outputs=graph.output_shapes(),
        field=graph.nodes[first_output].field if first_output >= 0 else Field.of_input(graph.shape_of(first_output)),
        rows=rows,
        totals=totals,
        dtype=dtype,
        batch=batch,
        bias_macs=bias_macs,
        symbols=graph.symbols,
        groups=graph.groups,
    )


def _sum(values) -> Size:
    total = 0
    for value in values:
        total = total + value
    return normalize(total)


class _Figures(NamedTuple):
    """What a layer contributes wherever it is placed."""

    params: Size
    buffers: Size
    macs: Size
    other_ops: Size
    explain: tuple


def _figures(layer, bias_macs: bool, explain: bool) -> _Figures:
    return _Figures(
        layer.params(),
        layer.buffers(),
        layer.macs() + (layer.bias_macs() if bias_macs else 0),
        layer.other_ops(),
        tuple(layer.explain().items()) if explain else (),
    )


def _row(graph: Graph, node: Node, figures: _Figures, bits: int, batch: int) -> Row:
    params = 0 if node.shares is not None else figures.params
    return Row(
        path=node.path,
        type=node.kind,
        depth=node.depth,
        input_shapes=tuple(node.layer.inputs),
        output_shape=node.shape,
        params=params,
        trainable=0 if node.frozen else params,
        buffers=figures.buffers,
        macs=normalize(figures.macs * node.runs),
        other_ops=normalize(figures.other_ops * node.runs),
        field=node.field,
        activation_bytes=_bytes(numel(node.shape) * node.runs * batch, bits),
        runs=node.runs,
        shares=graph.nodes[node.shares].path if node.shares is not None else None,
        note=node.note,
        line=node.loc.line,
        groups=node.groups,
        explain=figures.explain,
    )


def _collapse(report: Report, depth: int):
    """Fold rows nested deeper than `depth` into one row per enclosing group."""
    inside_group: dict[int, list] = {}  # group index -> rows inside it
    order = []  # rows and group indices in run order
    for row in report.rows:
        if len(row.groups) <= depth:
            order.append(row)
            continue
        key = row.groups[depth]
        if key not in inside_group:
            inside_group[key] = []
            order.append(key)
        inside_group[key].append(row)
    for entry in order:
        yield entry if isinstance(entry, Row) else _group_row(report, entry, inside_group[entry])


def _group_row(report: Report, index: int, inside: list) -> Row:
    """One row standing for a group: the sums of the rows inside it."""
    group = report.groups[index]
    return Row(
        path=group.path,
        type=group.kind,
        depth=group.depth,
        input_shapes=inside[0].input_shapes,
        output_shape=inside[-1].output_shape,
        params=_sum(r.params for r in inside),
        trainable=_sum(r.trainable for r in inside),
        buffers=_sum(r.buffers for r in inside),
        macs=_sum(r.macs for r in inside),
        other_ops=_sum(r.other_ops for r in inside),
        field=inside[-1].field,
        activation_bytes=_sum(r.activation_bytes for r in inside),
        runs=inside[-1].runs,
        line=group.loc.line,
        groups=inside[0].groups[: group.depth],
        is_group=True,
    )


def group_rows(report: Report) -> dict:
    """Group index -> the row summing everything inside that group."""
    inside: dict[int, list] = {}
    for row in report.rows:
        for index in row.groups:
            inside.setdefault(index, []).append(row)
    return {index: _group_row(report, index, rows) for index, rows in inside.items()}
