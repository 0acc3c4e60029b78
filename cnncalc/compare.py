"""Networks side by side: the figures cnncalc can state about a network, and their ratios.

`figures` reads every comparable quantity off a built network and its report (optionally
only some layer kinds, or one row); `compare` lines up several networks and, for each
other network, the first network's figure divided by its figure ("two-3x3 / one-5x5").
Ratios are exact: Fractions for numbers, simplified formulas where sizes are letters
(18*c**2 against 25*c**2 gives 18/25).
"""

from __future__ import annotations

from dataclasses import dataclass

from .analysis import Report, Row
from .api import Network
from .catalog import find
from .errors import SpecError, did_you_mean
from .graph import Graph, build
from .layers import ALIASES, numel
from .spec import load_file
from .symbolic import Size, divide, equal, is_concrete, normalize, smax, sympy


@dataclass(frozen=True)
class Quantity:
    label: str
    kind: str  # "count": a size with ratios; "shape"; "axes": one size per spatial axis
    help: str


# Everything `compare` shows and a claim can state, in display order.
QUANTITIES: dict[str, Quantity] = {
    "input_shape": Quantity("Input", "shape", "the (first) input shape, or a row's input"),
    "output": Quantity("Output", "shape", "the output shape (a mapping of shapes for several heads)"),
    "output_elements": Quantity("Output values", "count", "values in the (first) output tensor"),
    "params": Quantity("Parameters", "count", "learnable parameters"),
    "trainable": Quantity("Trainable", "count", "parameters not frozen"),
    "frozen": Quantity("Frozen", "count", "parameters marked frozen"),
    "buffers": Quantity("Buffers", "count", "non-learnable state (BatchNorm running statistics)"),
    "macs": Quantity("MACs", "count", "multiply-accumulates, bias not counted unless bias_macs"),
    "flops": Quantity("FLOPs", "count", "2 x MACs"),
    "other_ops": Quantity("Other ops", "count", "element-wise work that is not a MAC"),
    "receptive_field": Quantity("Receptive field", "axes", "receptive-field size per spatial axis"),
    "jump": Quantity("RF jump", "axes", "distance in input pixels between neighbouring outputs"),
    "depth": Quantity("Weight layers", "count", "conv, dense and recurrent layers on the longest input-output path"),
    "paths": Quantity("Paths", "count", "distinct paths from the input to the output through the graph"),
    "runs": Quantity("Runs", "count", "most times a layer runs per sample (inside 'each')"),
    "param_bytes": Quantity("Parameter memory", "count", "bytes of parameters in the dtype"),
    "activation_bytes": Quantity("Activation memory", "count", "bytes of all layer outputs x batch"),
    "training_bytes": Quantity("Training memory (Adam)", "count", "parameters, gradients, Adam state and activations"),
}

# Layers whose count is a network's depth, as papers count it ("VGG-19", "ResNet-152").
WEIGHT_KINDS = frozenset({"conv", "depthwise", "conv_transpose", "dense", "rnn", "gru", "lstm"})
RECURRENT = frozenset({"rnn", "gru", "lstm"})


def _sum(values) -> Size:
    total = 0
    for value in values:
        total = total + value
    return normalize(total)


def _data_sources(node) -> tuple:
    """The sources a node computes from (not the tensors it only reads indices or sizes of)."""
    return node.sources[: len(node.layer.inputs)]


def weight_depth(graph: Graph) -> int:
    """Weight layers on the longest path from an input to an output: 19 for VGG-19."""
    depth: dict[int, int] = {}
    for node in graph.nodes:
        before = max((depth.get(s, 0) for s in _data_sources(node)), default=0)
        own = (node.layer.layers if node.kind in RECURRENT else 1) if node.kind in WEIGHT_KINDS else 0
        depth[node.index] = before + own
    return max((depth.get(index, 0) for _, index in graph.outputs), default=0)


def path_count(graph: Graph) -> int:
    """Distinct paths from the inputs to the first output: 2**n through n residual blocks."""
    paths: dict[int, int] = {}
    for node in graph.nodes:
        paths[node.index] = sum(paths[s] if s >= 0 else 1 for s in _data_sources(node))
    index = graph.outputs[0][1]
    return paths[index] if index >= 0 else 1


def _shape(shape) -> tuple:
    return tuple(shape)


def figures(network: Network, report: Report, kinds: tuple | None = None, at: str | None = None) -> dict:
    """Every quantity of QUANTITIES for a network: of all layers, of the rows of some
    `kinds` only (network-wide quantities such as shapes stay), or of the one row `at`.
    Quantities that make no sense for the selection are None. `whole_field` says whether
    the receptive field covers the whole input (after global pooling or dense layers)."""
    if at is not None:
        return _row_figures(_row_at(report, at), report)
    rows = report.rows
    if kinds is not None:
        wanted = {ALIASES.get(kind, kind) for kind in kinds}
        rows = tuple(row for row in rows if row.type in wanted)
    totals = report.totals
    whole = kinds is None
    outputs = report.outputs
    first_output = next(iter(outputs.values()))
    macs = _sum(row.macs for row in rows)
    return {
        "input_shape": _shape(report.input),
        "output": _shape(first_output) if len(outputs) == 1 else {name: _shape(s) for name, s in outputs.items()},
        "output_elements": numel(first_output),
        "params": _sum(row.params for row in rows),
        "trainable": _sum(row.trainable for row in rows),
        "frozen": normalize(_sum(row.params for row in rows) - _sum(row.trainable for row in rows)),
        "buffers": _sum(row.buffers for row in rows),
        "macs": macs,
        "flops": normalize(2 * macs),
        "other_ops": _sum(row.other_ops for row in rows),
        "receptive_field": tuple(report.field.size),
        "jump": tuple(report.field.jump),
        "whole_field": report.field.whole,  # not a quantity: marks a field that covers the input
        "depth": weight_depth(network.graph),
        "paths": path_count(network.graph),
        "runs": smax(*(row.runs for row in rows)) if rows else 0,
        "param_bytes": totals.param_bytes if whole else None,
        "activation_bytes": _sum(row.activation_bytes for row in rows),
        "training_bytes": totals.training_bytes["adam"] if whole else None,
    }


def _row_at(report: Report, path: str) -> Row:
    for row in report.rows:
        if row.path == path:
            return row
    paths = [row.path for row in report.rows]
    raise SpecError(f"the network has no layer at '{path}'", hint=did_you_mean(path, paths) or f"its first layer is {paths[0]}")


def _row_figures(row: Row, report: Report) -> dict:
    inputs = row.input_shapes
    return {
        "input_shape": _shape(inputs[0]) if len(inputs) == 1 else tuple(_shape(s) for s in inputs),
        "output": _shape(row.output_shape),
        "output_elements": numel(row.output_shape),
        "params": row.params,
        "trainable": row.trainable,
        "frozen": normalize(row.params - row.trainable),
        "buffers": row.buffers,
        "macs": row.macs,
        "flops": normalize(2 * row.macs),
        "other_ops": row.other_ops,
        "receptive_field": tuple(row.field.size),
        "jump": tuple(row.field.jump),
        "whole_field": row.field.whole,
        "depth": None,
        "paths": None,
        "runs": row.runs,
        "param_bytes": None,
        "activation_bytes": row.activation_bytes,
        "training_bytes": None,
    }


def ratio(value: Size, other: Size) -> Size | None:
    """`value / other`, exact and simplified; None when `other` is zero. A formula that
    could only be zero for sizes the network rejects (H - 2 for H < 3) counts as nonzero."""
    if (other == 0) if is_concrete(other) else getattr(other, "is_zero", None) is True:
        return None
    quotient = divide(value, other)
    return quotient if is_concrete(quotient) else normalize(sympy().simplify(quotient))


def _axes_value(values: tuple) -> Size | None:
    """The one size of a field that is the same along every axis, else None."""
    if not values or any(equal(v, values[0]) is not True for v in values[1:]):
        return None
    return values[0]


def quantity_ratio(name: str, value, other) -> Size | None:
    """`value / other` for a quantity, or None where a ratio means nothing (shapes)."""
    if value is None or other is None:
        return None
    kind = QUANTITIES[name].kind
    if kind == "count":
        return ratio(value, other)
    if kind == "axes":
        a, b = _axes_value(value), _axes_value(other)
        return None if a is None or b is None else ratio(a, b)
    return None


# --- comparing networks -------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    name: str  # as the user named it
    title: str  # the network's own name
    symbols: tuple
    figures: dict


@dataclass(frozen=True)
class Line:
    quantity: str
    label: str
    values: tuple  # one per column
    ratios: tuple  # the first column's value / this column's, None where meaningless


@dataclass(frozen=True)
class Comparison:
    columns: tuple
    lines: tuple
    dtype: str
    batch: int
    bias_macs: bool


SHOWN = ("input_shape", "output", "params", "buffers", "macs", "flops", "receptive_field", "depth", "param_bytes", "activation_bytes", "training_bytes")


def load_with(name: str, values: dict, input: list | None) -> tuple[Network, set]:
    """A network by built-in name or path, given only those `values` its spec declares;
    and the names it declares."""
    path, variant = find(name)
    spec = load_file(path)
    declared = set(spec.symbols) | {constant for constant, _ in spec.constants}
    mine = {key: value for key, value in values.items() if key in declared}
    return Network(build(spec, variant, mine, input)), declared


def compare(
    names: list[str],
    values: dict | None = None,
    input: list | None = None,
    *,
    dtype: str = "fp32",
    batch: int = 1,
    bias_macs: bool = False,
) -> Comparison:
    """Side-by-side figures of the named networks, and the first one's figures divided by
    each other's (18*c**2 against 25*c**2: 18/25).

    `values` (as --set) go to every network that declares the name; a name no network
    declares is an error. `input` replaces every network's input shape.

    >>> c = compare(["two-3x3", "one-5x5"])
    >>> [line.ratios[1] for line in c.lines if line.quantity == "params"]
    [Fraction(18, 25)]
    """
    if len(names) < 1:
        raise SpecError("compare needs at least one network")
    values = values or {}
    columns = []
    declared: set = set()
    for name in names:
        network, names_declared = load_with(name, values, input)
        declared |= names_declared
        report = network.summary(dtype=dtype, batch=batch, bias_macs=bias_macs)
        columns.append(Column(name, report.name, report.symbols, figures(network, report)))
    unknown = [key for key in values if key not in declared]
    if unknown:
        raise SpecError(
            f"'{unknown[0]}' is not a symbol or constant of any of these specs",
            hint=did_you_mean(unknown[0], sorted(declared)) or (f"they have: {', '.join(sorted(declared))}" if declared else None),
        )
    lines = []
    for name in SHOWN:
        row = tuple(column.figures[name] for column in columns)
        first = row[0]
        lines.append(Line(name, QUANTITIES[name].label, row, tuple(quantity_ratio(name, first, v) for v in row)))
    return Comparison(tuple(columns), tuple(lines), dtype, batch, bias_macs)
