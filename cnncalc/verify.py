"""The algebra against the NumPy reference, layer by layer.

`verify(spec)` builds the network (symbols at the values given, or at small defaults),
analyses it, runs the reference once and compares, for every layer, five quantities:
shape, params, buffers, MACs and receptive field. The result is immutable: per layer, per
quantity, the algebra's value, the reference's and whether they agree.

How a receptive field is compared (docs/verify.md says the same, with examples):
the algebra's Field (size r, jump j, start s per axis) claims that unit o of a layer sees
input positions [s + o*j, s + o*j + r - 1] along the paths that keep positions, and `whole`
says whether global context (a global pool, a dense layer, an SE gate) also reaches it. The
reference measures, for every unit, the first and last input position reaching it along
such paths, and which positions reach every unit as context. Then:

- `whole` must equal "the reference measured global context";
- a claim is clipped to the positions the layer can see at all (the reach: the input's
  edges, and the hull of what reaches any unit along paths that keep positions, since
  padding has no input position, the last rows a floor-mode window drops reach nothing
  downstream, and context is no position);
- exact, when no layer on the way had a fractional jump (every jump a whole multiple of the
  jump before it): every unit's measured interval lies inside its clipped claim and equals
  it at every end of the claim inside the reach (an end clipped away may fall on a hole of
  a dilated kernel); units only padding reaches are not compared (their claim is virtual);
  from a merge where some unit is reached through one branch by padding alone on, fields
  are held to containment (the union includes that branch's virtual field);
- bounds, after transposed convolution, upsampling, unpooling or non-dividing adaptive
  pooling: a unit's field then depends on its phase, which one (r, j, s) cannot state; the
  measured interval must lie inside the claim widened by the slack those layers allow (the
  jump before each such layer, twice that for bilinear with align_corners), rounded outward;
- where every unit sees the same positions (a layer that mixed them all, as a permute or a
  global pool) and the algebra says `whole`, (r, j, s) can only describe the first unit, so
  that unit alone is compared; after flatten or a dense layer on a vector no position is
  kept at all: the union of what reaches the layer must lie inside the clipped [s, s + r - 1].
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from .errors import CnnCalcError, ShapeError
from .symbolic import to_json

DEFAULT_SYMBOL_VALUES = (8, 16, 32, 64, 128, 224)  # tried in turn for symbols left unset
QUANTITIES = ("shape", "params", "buffers", "macs", "field")


@dataclass(frozen=True)
class Check:
    quantity: str
    algebra: Any  # JSON-ready: a number, a list, or for fields a dict
    reference: Any
    agrees: bool
    detail: str | None = None  # where a disagreement shows (a field: which unit, both intervals)


@dataclass(frozen=True)
class LayerCheck:
    path: str
    kind: str
    checks: tuple

    @property
    def agrees(self) -> bool:
        return all(c.agrees for c in self.checks)

    def check(self, quantity: str) -> Check:
        return next(c for c in self.checks if c.quantity == quantity)


@dataclass(frozen=True)
class Verification:
    name: str
    values: dict  # symbol -> value verified at (given with --set or a default)
    inputs: dict  # input name -> shape
    batch: int
    seed: int
    layers: tuple
    peak_bytes: int
    estimate_bytes: int
    forward_seconds: float | None = None

    @property
    def agrees(self) -> bool:
        return all(layer.agrees for layer in self.layers)

    def disagreements(self) -> list[tuple[LayerCheck, Check]]:
        return [(layer, c) for layer in self.layers for c in layer.checks if not c.agrees]


# --- building at concrete values ---------------------------------------------------------


def concrete_graph(spec: str, values: dict | None = None, input: list | None = None):
    """The graph of `spec` with every symbol given a number: the user's values, and for the
    rest the first of 8, 16, 32, 64, 128, 224 at which the network builds. Returns the graph
    and the values used for the symbols."""
    from .catalog import find
    from .graph import build
    from .spec import load_file

    path, variant = find(spec)
    parsed = load_file(path)
    values = {name: int(v) if isinstance(v, str) and v.isdigit() else v for name, v in (values or {}).items()}
    graph = build(parsed, variant, values, input)
    if not graph.symbols:
        return graph, {name: values[name] for name in parsed.symbols if name in values}
    free = graph.symbols
    error: CnnCalcError | None = None
    for default in DEFAULT_SYMBOL_VALUES:
        chosen = {**values, **{name: default for name in free}}
        try:
            return build(parsed, variant, chosen, input), {name: chosen[name] for name in parsed.symbols if name in chosen}
        except ShapeError as failure:
            error = error or failure
    raise error


def verify(
    spec: str,
    *,
    values: dict | None = None,
    input: list | None = None,
    batch: int = 1,
    seed: int = 0,
    time: bool = False,
    max_memory: int | None = None,
) -> Verification:
    """Verify a built-in architecture or spec file; see the module docstring."""
    graph, used = concrete_graph(spec, values, input)
    return verify_graph(graph, values=used, batch=batch, seed=seed, time=time, max_memory=max_memory)


def verify_graph(graph, *, values: dict | None = None, batch: int = 1, seed: int = 0, time: bool = False, max_memory: int | None = None) -> Verification:
    from .analysis import analyze
    from .reference import DEFAULT_MAX_MEMORY, Reference, Refused

    report = analyze(graph)
    reference = Reference(graph, batch=batch, seed=seed, max_memory=max_memory or DEFAULT_MAX_MEMORY)
    slack = _slack(graph)
    try:
        run = reference.run(measure=True)
    except Refused as refused:  # a layer the algebra accepts but no array can have: a disagreement
        done = [_layer(node, row, m, slack[node.index]) for node, row, m in zip(graph.nodes, report.rows, refused.measured)]
        node, row = graph.nodes[len(done)], report.rows[len(done)]
        shape = Check("shape", [to_json(d) for d in row.output_shape], None, False, refused.message)
        done.append(LayerCheck(node.path, node.kind, (shape,)))
        inputs = {name: tuple(int(d) for d in s) for name, s in graph.inputs}
        return Verification(graph.name, values or {}, inputs, batch, seed, tuple(done), 0, 0)
    loose = _loose(graph, run.nodes)
    layers = tuple(
        _layer(node, row, measured, slack[node.index], loose[node.index])
        for node, row, measured in zip(graph.nodes, report.rows, run.nodes)
    )
    seconds = reference.time() if time else None
    return Verification(
        name=graph.name,
        values=values or {},
        inputs={name: tuple(int(d) for d in shape) for name, shape in graph.inputs},
        batch=batch,
        seed=seed,
        layers=layers,
        peak_bytes=run.peak_bytes,
        estimate_bytes=run.estimate_bytes,
        forward_seconds=seconds,
    )


def _partly_virtual(node, measured_nodes) -> bool:
    """Whether some unit of a merge is reached through one branch by padding alone: the
    algebra's union then includes that branch's virtual field, which no input reaches."""
    own = measured_nodes[node.index].field
    if node.kind not in ("add", "multiply", "concat") or own is None or own.whole:
        return False
    for source in node.sources:
        branch = measured_nodes[source].field if source >= 0 else None
        if branch is None or branch.whole or len(branch.units) != len(own.units):
            continue
        for units, mine in zip(branch.units, own.units):
            if len(units) == 1 < len(mine):
                continue  # a broadcast branch: context, not positions
            offset = (len(units) - len(mine)) // 2 if node.layer.crop == "center" else 0
            if any(units[o + offset] is None for o in range(len(mine)) if 0 <= o + offset < len(units)):
                return True
    return False


def _loose(graph, measured_nodes) -> list:
    """Per node: whether it lies after a partly virtual merge, where the exact rule cannot
    hold and its fields are held to containment (like the bounds after fractional jumps)."""
    loose: list = []
    for node in graph.nodes:
        inherited = any(loose[source] for source in node.sources if source >= 0)
        loose.append(inherited or _partly_virtual(node, measured_nodes))
    return loose


def _layer(node, row, measured, slack, loose=False) -> LayerCheck:
    shape = [to_json(d) for d in row.output_shape]
    checks = (
        Check("shape", shape, list(measured.shape), tuple(row.output_shape) == measured.shape),
        Check("params", to_json(row.params), measured.params, row.params == measured.params),
        Check("buffers", to_json(row.buffers), measured.buffers, row.buffers == measured.buffers),
        Check("macs", to_json(row.macs), measured.macs, row.macs == measured.macs),
        compare_field(row.field, measured.field, slack, measured.shape, loose),
    )
    return LayerCheck(node.path, node.kind, checks)


# --- receptive fields ----------------------------------------------------------------------


def _slack(graph) -> list:
    """Per node and axis: how far, in input positions, a unit's true field may stray from
    the algebra's (r, j, s) claim because of fractional-jump layers on the way (0: exact)."""
    slack: list = []

    def of(source):
        if source < 0:
            return None, None
        return graph.nodes[source].field, slack[source]

    for node in graph.nodes:
        rank = len(node.field.jump)
        result = [Fraction(0)] * rank
        for source in node.sources:
            field, before = of(source)
            jump_before = field.jump if field is not None else (1,) * rank
            before = before if before is not None else [Fraction(0)] * rank
            if len(jump_before) != rank or len(before) != rank:
                continue
            for axis in range(rank):
                if jump_before[axis] == 0:  # a shared field: every unit before saw the same inputs
                    result[axis] = max(result[axis], before[axis])
                    continue
                ratio = Fraction(node.field.jump[axis]) / Fraction(jump_before[axis])
                extra = 0 if ratio.denominator == 1 else Fraction(jump_before[axis]) * (2 if _aligned(node) else 1)
                result[axis] = max(result[axis], before[axis] + extra)
        slack.append(result)
    return slack


def _aligned(node) -> bool:
    return node.kind == "upsample" and bool(getattr(node.layer, "align_corners", False)) and node.layer.mode == "bilinear"


def _claim(start, jump, size, o: int, slack) -> tuple:
    """The algebra's interval for unit o, widened by `slack` and rounded outward."""
    if type(start) is int and type(jump) is int and type(size) is int and slack == 0:
        return start + o * jump, start + o * jump + size - 1  # the common case, without Fractions
    lo = math.floor(Fraction(start) + o * Fraction(jump) - slack)
    hi = math.ceil(Fraction(start) + o * Fraction(jump) + Fraction(size) - 1 + slack)
    return lo, hi


def _reach(units: tuple, n: int) -> tuple:
    """The input positions a layer can see at all: the hull of what reaches any of its units.
    Positions outside it (the last rows a floor-mode window drops) cannot be measured in any
    unit's field, so claims are clipped to it, as to the input's edges."""
    seen = [u for u in units if u is not None]
    return (min(u[0] for u in seen), max(u[1] for u in seen)) if seen else (0, n - 1)


def _fits(got, claim: tuple, reach: tuple, exact: bool) -> bool:
    """Whether a measured interval matches a claim (see the module docstring): inside the
    clipped claim always; in exact mode also equal at every end of the claim that lies
    where the layer can see (an end clipped away may fall on a hole, e.g. of a dilated
    kernel). A unit nothing reaches is padding: the algebra's field of it is virtual."""
    if got is None:
        return True
    lo, hi = max(claim[0], reach[0]), min(claim[1], reach[1])
    if not lo <= got[0] <= got[1] <= hi:
        return False
    if exact:
        return (claim[0] < reach[0] or got[0] == claim[0]) and (claim[1] > reach[1] or got[1] == claim[1])
    return True


def _field_json(field) -> dict:
    return {
        "size": [to_json(v) for v in field.size],
        "jump": [to_json(v) for v in field.jump],
        "start": [to_json(v) for v in field.start],
        "whole": field.whole,
        "known": field.known,
    }


def _summary(measured, shape) -> dict:
    """Size, jump and start read off the measurement at the centre unit and its neighbour
    (they are only the true values where those fields are not clipped by the input's edges),
    and whether global context reaches the units (`whole`)."""
    size, jump, start, clipped = [], [], [], False
    for axis, (n, units) in enumerate(zip(measured.lengths, measured.units)):
        c = (len(units) - 1) // 2
        here = units[c]
        after = units[c + 1] if c + 1 < len(units) else None
        if here is None:
            size.append(0), jump.append(None), start.append(None)
            continue
        step = after[0] - here[0] if after is not None and not measured.whole else None
        size.append(here[1] - here[0] + 1)
        jump.append(step)
        start.append(here[0] - c * step if step is not None else here[0])
        clipped = clipped or here[0] == 0 or here[1] == n - 1
    whole = measured.whole or measured.context is not None
    return {"size": size, "jump": jump, "start": start, "whole": whole, "clipped": clipped}


AXES = {1: ("length",), 2: ("height", "width"), 3: ("depth", "height", "width")}


def compare_field(field, measured, slack, shape, loose=False) -> Check:
    """The rule of the module docstring, for one layer."""
    claimed = _field_json(field)
    if measured is None:
        return Check("field", claimed, None, True, "not compared: no single network input reaches this layer")
    if not field.known:
        return Check("field", claimed, _summary(measured, shape), True, "not compared: the algebra states no field here")
    rank = len(measured.lengths)
    seen_whole = measured.whole or measured.context is not None
    summary = _summary(measured, shape)
    if len(field.size) != rank:
        return Check("field", claimed, summary, field.whole and seen_whole, "ranks differ")
    exact = all(s == 0 for s in slack) and not loose
    claimed["rule"] = "exact" if exact else "bounds"
    if field.whole != seen_whole:
        says = "global context reaches every unit" if field.whole else "no global context reaches the units"
        return Check("field", claimed, summary, False, f"the algebra says {says}; the reference measures the opposite")
    names = AXES.get(rank, tuple(f"axis {i}" for i in range(rank)))
    for axis in range(rank):
        n, units = measured.lengths[axis], measured.units[axis]
        reach = _reach(units, n)  # local claims are clipped to what reaches along positions, not to context
        if measured.whole:  # no positions kept: the one union must lie within the field's extent
            claim = _claim(field.start[axis], 0, field.size[axis], 0, slack[axis])
            if not _fits(units[0], claim, reach, False):
                return Check("field", claimed, summary, False, f"{names[axis]}: algebra {_clip(claim, reach)}, measured {units[0]}")
            continue
        if field.whole and len(set(units)) == 1:
            units = units[:1]  # every unit sees the same (a mixing layer): (r, j, s) describes the first
        for o, got in enumerate(units):
            claim = _claim(field.start[axis], field.jump[axis], field.size[axis], o, slack[axis])
            if not _fits(got, claim, reach, exact):
                return Check("field", claimed, summary, False, f"{names[axis]} unit {o}: algebra {_clip(claim, reach)}, measured {got}")
    return Check("field", claimed, summary, True)


def _clip(claim: tuple, reach: tuple):
    lo, hi = max(claim[0], reach[0]), min(claim[1], reach[1])
    return (lo, hi) if lo <= hi else None
