"""A spec expanded into the network it describes: a DAG of placed layers in run order.

The builder walks the spec tree with the tensor at hand, evaluates every expression in its
scope (constants, symbols, block arguments, `channels`), instantiates each layer on the shape
that reaches it and records where its inputs come from. Blocks, repeats and branches are
expanded here, within a fixed budget, so nothing downstream deals with spec syntax.
"""

from __future__ import annotations

import gc
from dataclasses import dataclass, field, replace
from functools import cached_property
from fractions import Fraction
from typing import Any, NamedTuple

from .errors import CnnCalcError, LimitError, SpecError, did_you_mean
from .layers import MERGES, Field, Layer, Shape, layer_class
from .layers.args import MAX_DIMENSION, Ref, arguments
from .located import NOWHERE, Loc, V, wrap
from .spec import (
    BlockCall,
    describe,
    Each,
    From,
    Heads,
    Item,
    LayerItem,
    MergeItem,
    Repeat,
    Residual,
    Spec,
)
from .symbolic import Size, evaluate_text, is_concrete, names_in, normalize, parse, symbol, to_text, truth

MAX_LAYERS = 100_000
NO_ARGUMENTS: dict = {}  # one object: layer keys use the identity of argument mappings
MAX_BLOCK_DEPTH = 64


class Node(NamedTuple):
    """One placed layer. `sources` are the nodes it reads; -1-k is the network's input k.
    Nodes, rows and fields are named tuples: immutable, and several times cheaper to make
    than frozen dataclasses, which matters at thousands per network."""

    index: int
    path: str
    kind: str
    layer: Layer
    sources: tuple
    shape: Shape
    field: Field
    runs: Size = 1  # times it runs per sample, inside `each`
    groups: tuple = ()  # indices of the enclosing groups, outermost first
    shares: int | None = None  # the node whose weights it uses
    frozen: bool = False
    loc: Loc = NOWHERE
    note: str | None = None

    @property
    def depth(self) -> int:
        return len(self.groups)


class Group(NamedTuple):
    """A block call or structure that encloses nodes (for collapsed reports)."""

    path: str
    kind: str
    depth: int
    loc: Loc


@dataclass(frozen=True)
class Graph:
    name: str
    file: str | None
    source: str | None
    notes: str | None
    inputs: tuple  # of (name, shape); the first is where `layers` starts
    nodes: tuple
    groups: tuple
    outputs: tuple  # of (name, node index)
    symbols: tuple  # symbols left free (the results are formulas in them)
    expect: dict = field(default_factory=dict)

    @property
    def input(self) -> Shape:
        return self.inputs[0][1]

    def shape_of(self, source: int) -> Shape:
        """The shape a source index refers to: a node's output or a network input."""
        return self.inputs[-1 - source][1] if source < 0 else self.nodes[source].shape

    def output_shapes(self) -> dict:
        return {name: self.shape_of(index) for name, index in self.outputs}


class Tensor(NamedTuple):
    node: int  # producing node; -1-k for the network's input k
    shape: Shape
    field: Field
    producer: Layer | None = None


def build(spec: Spec, variant: str | None = None, values: dict | None = None, input: list | None = None) -> Graph:
    """Expand `spec` (optionally one of its variants) into a Graph.

    `values` sets constants or symbols by name (numbers or expression text, as `--set`),
    `input` replaces the (first) input shape (a list of sizes or expression texts)."""
    collecting = gc.isenabled()
    gc.disable()  # building makes no cycles; collections would rescan the growing graph
    try:
        return _Builder(spec, variant, values or {}, input).graph()
    finally:
        if collecting:
            gc.enable()


def _located(error: CnnCalcError, loc: Loc, path: str | None) -> CnnCalcError:
    return error.located(**loc.where(), path=path)


class _Builder:
    def __init__(self, spec: Spec, variant: str | None, values: dict, input: list | None):
        self.spec = spec
        self.nodes: list[Node] = []
        self.groups: list[Group] = []
        self.enclosing: list[int] = []
        self.named: dict[str, Tensor] = {}
        self.shared: dict[str, list[int]] = {}
        self.calls: list[str] = []
        self.runs: Size = 1
        self.frozen = False
        self.outputs: list[tuple[str, int]] = []
        self.defaults: dict = {}
        self.layers: dict = {}  # layer key -> the layer built for it
        self.arg_names: dict = {}  # id of an item's arguments -> the names they use
        self.unshared = {cls for cls in map(layer_class, ("max_unpool", "crop"))}  # they read named tensors

        chosen = None
        if variant is not None:
            if variant not in spec.variants:
                raise SpecError(
                    f"spec has no variant '{variant}'", file=spec.file, hint=did_you_mean(variant, list(spec.variants))
                )
            chosen = spec.variants[variant]
        self.name = (chosen and chosen.title) or spec.name or variant or "network"
        self.source = (chosen and chosen.source) or spec.source
        self.notes = " ".join(text for text in (spec.notes, chosen and chosen.notes) if text) or None
        self.expect = {**spec.expect, **(chosen.expect if chosen else {})}
        overrides = {**(chosen.values if chosen else {}), **{k: wrap(v) for k, v in values.items()}}
        self.scope = self.globals(overrides)
        input_v = wrap(input) if input is not None else (chosen.input if chosen and chosen.input else spec.input)
        if input_v is None:
            raise SpecError("the spec has no 'input' shape", file=spec.file, hint="add input: [C, H, W] or pass --input")
        self.input_v = input_v

    def globals(self, overrides: dict) -> dict:
        declared = set(self.spec.symbols) | {name for name, _ in self.spec.constants}
        for name, v in overrides.items():
            if name not in declared:
                raise v.error(
                    f"'{name}' is not a symbol or constant of this spec",
                    hint=did_you_mean(name, sorted(declared)) or (f"it has: {', '.join(sorted(declared))}" if declared else None),
                )
        scope: dict[str, Any] = {}
        for name in self.spec.symbols:
            scope[name] = self.value(overrides[name], scope) if name in overrides else None
        self.free = tuple(name for name in self.spec.symbols if scope[name] is None)
        for name in self.free:
            scope[name] = symbol(name)
        for name, v in self.spec.constants:
            scope[name] = self.value(overrides.get(name, v), scope)
        return scope

    # values

    def value(self, v: V, scope: dict) -> Any:
        """A block argument or constant: a number, a word, a boolean, or a list of them."""
        data = v.data
        if isinstance(data, list):
            return V([wrap(self.value(item, scope), item.loc) for item in data], v.loc)
        if isinstance(data, bool) or data is None:
            return data
        if isinstance(data, str) and data.isidentifier():
            if data not in scope:
                return data  # a word such as 'same' or 'bilinear'
            if isinstance(scope[data], (str, bool, V)) or scope[data] is None:
                return scope[data]
        return self.number(v, scope)

    def number(self, v: V, scope: dict) -> Size:
        """The value of a number or expression; errors point into the expression."""
        data = v.data
        if isinstance(data, (bool, list, dict)) or data is None:
            raise v.error("must be a number or an expression", got=describe(v))
        if isinstance(data, float):
            return normalize(Fraction(repr(data)))
        if not isinstance(data, str):
            return normalize(data)  # already a value (a number, or a formula from a block argument)
        try:
            return evaluate_text(data, scope)
        except CnnCalcError as error:
            column = v.loc.column
            if error.column and column:
                column += error.column - 1
            raise replace(error, file=v.loc.file, line=v.loc.line, column=column) from None

    def resolve(self, v: V, scope: dict) -> V:
        """Replace a name bound to a word, boolean or list by that value, keeping the place."""
        if isinstance(v.data, str) and v.data.isidentifier() and v.data in scope:
            bound = scope[v.data]
            if isinstance(bound, V):
                return V(bound.data, v.loc)
            if isinstance(bound, (str, bool)):
                return V(bound, v.loc)
        if isinstance(v.data, list):
            return V([self.resolve(item, scope) for item in v.data], v.loc)
        return v

    # the walk

    def graph(self) -> Graph:
        inputs = []
        for k, (name, v) in enumerate(self.input_shapes()):
            where = "input" if name == "input" else f"input.{name}"
            if not v.data:
                raise v.error("an input shape cannot be empty", path=where)
            try:
                shape = tuple(self.dimension(item, self.scope) for item in v.data)
            except CnnCalcError as error:
                raise error.located(path=where) from None
            self.named[name] = Tensor(-1 - k, shape, Field.of_input(shape))
            inputs.append((name, shape))
        x = self.named.setdefault("input", self.named[inputs[0][0]])
        out = self.sequence(self.spec.layers, x, self.scope, "layers")
        if out is not None:
            self.outputs.append(("output", out.node))
        if not self.nodes:
            raise SpecError("the spec has no layers", file=self.spec.file)
        return Graph(
            name=self.name,
            file=self.spec.file,
            source=self.source,
            notes=self.notes,
            inputs=tuple(inputs),
            nodes=tuple(self.nodes),
            groups=tuple(self.groups),
            outputs=tuple(self.outputs),
            symbols=self.free,
            expect=self.expect,
        )

    def input_shapes(self) -> list[tuple[str, V]]:
        """(name, shape) of each input: `input: [3, 224, 224]` or `input: {image: [...], tokens: [...]}`."""
        if isinstance(self.input_v.data, dict):
            return list(self.input_v.data.items())
        return [("input", self.input_v)]

    def dimension(self, v: V, scope: dict) -> Size:
        size = self.number(self.resolve(v, scope), scope)
        if is_concrete(size) and (isinstance(size, Fraction) or not 1 <= size <= MAX_DIMENSION):
            raise v.error("an input size must be a whole number from 1 to 2**31-1", got=to_text(size))
        return size

    def sequence(self, items: tuple, x: Tensor | None, scope: dict, path: str) -> Tensor | None:
        for i, item in enumerate(items):
            here = f"{path}[{i}]"
            if x is None:
                raise SpecError("nothing can follow 'heads'", path=here, **item.loc.where())
            x = self.item(item, x, scope, here)
        return x

    def item(self, item: Item, x: Tensor, scope: dict, path: str) -> Tensor | None:
        if item.when is not None and not self.holds(item.when, {**scope, "channels": x.shape[0]}, path):
            if item.label is not None:
                self.named[self.tensor_name(item.label, scope)] = x  # left out, the item is the identity
            return x
        frozen, self.frozen = self.frozen, self.frozen or item.frozen
        first = len(self.nodes)
        try:
            if isinstance(item, LayerItem):
                out = self.layer(item.kind, [x], item.args, scope, path, item.loc)
            elif isinstance(item, From):
                name = self.tensor_name(item.name, scope)
                if name not in self.named:
                    raise SpecError(
                        f"no tensor is named '{name}' here",
                        hint=did_you_mean(name, list(self.named)) or "name one with 'as:'",
                        path=path,
                        **item.loc.where(),
                    )
                out = self.named[name]
            else:
                out = self.structure(item, x, scope, path)
        finally:
            self.frozen = frozen
        if item.share is not None:
            self.share(item, first, path)
        if item.label is not None and out is not None:
            self.named[self.tensor_name(item.label, scope)] = out
        return out

    @staticmethod
    def tensor_name(name: str, scope: dict) -> str:
        """A tensor name as written, or the name a block argument of that name carries."""
        bound = scope.get(name)
        return bound if isinstance(bound, str) else name

    def holds(self, v: V, scope: dict, path: str) -> bool:
        try:
            return truth(self.number(self.resolve(v, scope), scope))
        except CnnCalcError as error:
            raise error.located(path=f"{path}.when", **v.loc.where()) from None

    def structure(self, item: Item, x: Tensor, scope: dict, path: str) -> Tensor | None:
        kind = item.block if isinstance(item, BlockCall) else item.op if isinstance(item, MergeItem) else type(item).__name__.lower()
        self.enclosing.append(len(self.groups))
        self.groups.append(Group(path, kind, len(self.enclosing) - 1, item.loc))
        try:
            if isinstance(item, BlockCall):
                return self.call(item, x, scope, path)
            if isinstance(item, Repeat):
                return self.repeat(item, x, scope, path)
            if isinstance(item, Residual):
                body = self.sequence(item.body, x, scope, f"{path}.residual.body")
                shortcut = self.sequence(item.shortcut or (), x, scope, f"{path}.residual.shortcut")
                return self.layer("add", [body, shortcut], NO_ARGUMENTS, scope, f"{path}.residual.add", item.loc)
            if isinstance(item, MergeItem):
                outs = [self.sequence(b, x, scope, f"{path}.{item.op}[{i}]") for i, b in enumerate(item.branches)]
                return self.layer(item.op, outs, item.args, scope, f"{path}.{item.op}", item.loc)
            if isinstance(item, Each):
                return self.each(item, x, scope, path)
            for name, branch in item.heads:  # Heads
                out = self.sequence(branch, x, scope, f"{path}.heads.{name}")
                self.outputs.append((name, out.node))
            return None
        finally:
            self.enclosing.pop()

    def call(self, item: BlockCall, x: Tensor, scope: dict, path: str) -> Tensor:
        block = self.spec.blocks[item.block]
        where = {"path": path, **item.loc.where()}
        if item.block in self.calls:
            chain = " -> ".join([*self.calls[self.calls.index(item.block) :], item.block])
            raise SpecError(f"block '{item.block}' calls itself ({chain})", **where)
        if len(self.calls) >= MAX_BLOCK_DEPTH:
            raise LimitError("blocks nest too deeply", expected=f"at most {MAX_BLOCK_DEPTH}", **where)
        names = [name for name, _ in block.params]
        if len(item.positional) > len(names):
            raise SpecError(f"block '{item.block}' takes {len(names)} arguments, got {len(item.positional)}", **where)
        given = dict(zip(names, item.positional))
        for key in item.args:
            if key not in names:
                raise SpecError(
                    f"block '{item.block}' has no argument '{key}'",
                    expected=", ".join(names) or "no arguments",
                    hint=did_you_mean(key, names),
                    **{**where, **item.args[key].loc.where()},
                )
            if key in given:
                raise SpecError(f"argument '{key}' of block '{item.block}' is given twice", **where)
        given.update(item.args)
        caller = {**scope, "channels": x.shape[0]}
        bound: dict[str, Any] = {}
        for name, default in block.params:
            if name in given:
                bound[name] = self.value(given[name], caller)
            elif default is not None:
                bound[name] = self.value(default, {**caller, **bound})
            else:
                raise SpecError(f"block '{item.block}' needs '{name}'", **where)
        self.calls.append(item.block)
        try:
            return self.sequence(block.body, x, {**self.scope, **bound}, f"{path}.{item.block}")
        finally:
            self.calls.pop()

    def count(self, v: V, scope: dict, what: str, path: str) -> int:
        n = self.number(self.resolve(v, scope), scope)
        if not is_concrete(n):
            raise v.error(f"{what} must be a number, not a formula", got=to_text(n), hint="set the symbols with --set", path=path)
        if isinstance(n, Fraction) or n < 0:
            raise v.error(f"{what} must be a whole number of at least 0", got=to_text(n), path=path)
        if n > MAX_LAYERS:
            raise LimitError(f"{what} of {n:,} is more than cnncalc expands", expected=f"at most {MAX_LAYERS:,}", path=path, **v.loc.where())
        return n

    def repeat(self, item: Repeat, x: Tensor, scope: dict, path: str) -> Tensor:
        times = self.count(item.times, scope, "repeat count", path)
        if len(self.nodes) + times * self.at_least(item.body, scope) > MAX_LAYERS:
            raise LimitError("the network expands to too many layers", expected=f"at most {MAX_LAYERS:,}", path=path, **item.loc.where())
        for k in range(times):
            inner = {**scope, item.index: k} if item.index else scope
            x = self.sequence(item.body, x, inner, f"{path}.repeat[{k}]")
        return x

    def at_least(self, items: tuple, scope: dict, calls: tuple = ()) -> int:
        """A lower bound on the layers `items` expand to, found without building them, so
        that nested repeats far over the budget stop at once. Counts that cannot be known
        yet (they depend on a repeat index or block argument) count as zero."""
        total = 0
        for item in items:
            if isinstance(item, LayerItem):
                total += 1
            elif isinstance(item, Repeat):
                try:
                    times = self.number(item.times, scope)
                except CnnCalcError:
                    times = 0
                if is_concrete(times) and times >= 1:
                    total += int(times) * self.at_least(item.body, scope, calls)
            elif isinstance(item, BlockCall) and item.block not in calls and len(calls) < MAX_BLOCK_DEPTH:
                total += self.at_least(self.spec.blocks[item.block].body, self.scope, (*calls, item.block))
            elif isinstance(item, Residual):
                total += 1 + self.at_least(item.body, scope, calls) + self.at_least(item.shortcut or (), scope, calls)
            elif isinstance(item, MergeItem):
                total += 1 + sum(self.at_least(branch, scope, calls) for branch in item.branches)
            elif isinstance(item, Each):
                total += self.at_least(item.body, scope, calls)
            elif isinstance(item, Heads):
                total += sum(self.at_least(branch, scope, calls) for _, branch in item.heads)
            if total > MAX_LAYERS:
                break
        return total

    def each(self, item: Each, x: Tensor, scope: dict, path: str) -> Tensor:
        count = self.number(self.resolve(item.count, scope), scope)
        if is_concrete(count) and (isinstance(count, Fraction) or count < 1):
            raise item.count.error("'each' count must be a whole number of at least 1", got=to_text(count), path=path)
        runs, self.runs = self.runs, self.runs * count
        try:
            out = self.sequence(item.body, x, scope, f"{path}.each")
        finally:
            self.runs = runs
        return out

    def share(self, item: Item, first: int, path: str) -> None:
        created = list(range(first, len(self.nodes)))
        if item.share not in self.shared:
            self.shared[item.share] = created
            return
        original = self.shared[item.share]
        mismatch = len(created) != len(original) or any(
            self.nodes[a].kind != self.nodes[b].kind or self.nodes[a].layer.params() != self.nodes[b].layer.params()
            for a, b in zip(original, created)
        )
        if mismatch:
            raise SpecError(f"layers sharing weights '{item.share}' must have the same weights as the first ones", path=path, **item.loc.where())
        for a, b in zip(original, created):
            if self.nodes[a].layer.params() != 0:
                self.nodes[b] = self.nodes[b]._replace(shares=a)

    def layer_key(self, cls: type, kind: str, args: dict, x: Shape, scope: dict) -> tuple | None:
        """What a layer depends on: its arguments as written (a mapping the spec or this
        module keeps alive, so its identity is never reused), the values of the names they
        use and the input. Equal keys give equal layers, so a repeated block reuses the
        immutable layer built the first time. Layers that read named tensors are built
        each time."""
        if cls in self.unshared:
            return None
        names = self.names_used(id(args), args)
        values = tuple(_hashable(scope.get(name)) for name in names)
        channels = x[0][0] if kind in MERGES else (x[0] if x else 1)
        return (kind, id(args), x, values, channels if "channels" in names else None)

    def names_used(self, key: int, args: dict) -> tuple:
        if key not in self.arg_names:
            found: set = set()
            for v in args.values():
                _collect_names(v, found)
            self.arg_names[key] = tuple(sorted(found))
        return self.arg_names[key]

    def make_layer(self, cls: type, args: dict, x: Shape, scope: dict, first: Shape, path: str, loc: Loc):
        """A layer from its spec arguments, converted in `scope`; and the tensors it reads."""
        reader = _Reader(self, scope, first[0] if first else 1)
        values, refs = {}, []
        for name, argument in arguments(cls).items():
            try:
                if name in args:
                    value = argument.convert(self.resolve(args[name], reader.scope), reader, x)
                else:
                    value = self.default(cls, argument, reader, x, loc)
            except CnnCalcError as error:
                raise error.located(path=f"{path}.{name}") from None
            if isinstance(value, Ref):
                refs.append(value)
            values[name] = value
        return cls(x, **values), refs

    def default(self, cls: type, argument, reader: _Reader, x: Shape, loc: Loc):
        """A default argument, converted once per layer class and input rank."""
        if argument.default is None:
            return None
        key = (cls, argument.name, len(x))
        if key not in self.defaults:
            self.defaults[key] = argument.convert(wrap(argument.default, loc), reader, x)
        return self.defaults[key]

    def layer(self, kind: str, inputs: list, args: dict, scope: dict, path: str, loc: Loc) -> Tensor:
        if len(self.nodes) >= MAX_LAYERS:
            raise LimitError("the network expands to too many layers", expected=f"at most {MAX_LAYERS:,}", path=path, **loc.where())
        cls = layer_class(kind)
        x = tuple(t.shape for t in inputs) if kind in MERGES else inputs[0].shape
        key = self.layer_key(cls, kind, args, x, scope)
        refs: list[Ref] = []
        try:
            layer = self.layers.get(key) if key else None
            if layer is None:
                layer, refs = self.make_layer(cls, args, x, scope, inputs[0].shape, path, loc)
                if key:
                    self.layers[key] = layer
            shape = layer.y
            fields = [t.field for t in inputs]
            note = layer.misalignment(*fields) if hasattr(layer, "misalignment") else None
            out_field = layer.field(*fields)
        except CnnCalcError as error:
            raise _located(error, loc, path) from None
        node = Node(
            index=len(self.nodes),
            path=path,
            kind=kind,
            layer=layer,
            sources=tuple(t.node for t in inputs) + tuple(ref.node for ref in refs),
            shape=shape,
            field=out_field,
            runs=self.runs,
            groups=tuple(self.enclosing),
            frozen=self.frozen,
            loc=loc,
            note=note,
        )
        self.nodes.append(node)
        return Tensor(node.index, shape, out_field, layer)


def _collect_names(v: V, found: set) -> None:
    """Every name an argument's expressions use (or that may name a word or a list)."""
    if isinstance(v.data, str):
        try:
            found.update(names_in(parse(v.data)))
        except CnnCalcError:
            found.add(v.data)  # not an expression: a word, or an error to report when built
        if v.data.isidentifier():
            found.add(v.data)
    elif isinstance(v.data, list):
        for item in v.data:
            _collect_names(item, found)
    elif isinstance(v.data, dict):
        for item in v.data.values():
            _collect_names(item, found)


def _hashable(value):
    """A scope value as part of a key: lists (V) by identity, which a build keeps alive."""
    return ("list", id(value)) if isinstance(value, V) else value


class _Reader:
    """Gives layer argument converters the values of spec expressions in one scope."""

    def __init__(self, builder: _Builder, scope: dict, channels: Size):
        self.builder = builder
        self.outer = scope
        self.channels = channels

    @cached_property
    def scope(self) -> dict:
        """The scope with `channels`; built only if an argument is an expression."""
        return {**self.outer, "channels": self.channels}

    def size(self, v: V) -> Size:
        return self.builder.number(v, self.scope)

    def word(self, v: V) -> str:
        if not isinstance(v.data, str):
            raise v.error("must be a word", got=to_text(v.data))
        return v.data

    def flag(self, v: V) -> bool:
        if not isinstance(v.data, bool):
            raise v.error("must be true or false", got=describe(v))
        return v.data

    def tensor(self, v: V) -> Ref:
        name = self.word(v)
        if name not in self.builder.named:
            raise v.error(
                f"no tensor is named '{name}' here",
                hint=did_you_mean(name, list(self.builder.named)) or "name one with 'as:'",
            )
        t = self.builder.named[name]
        return Ref(name, t.shape, t.producer, t.node)
