"""A spec file as a validated tree of items, each remembering where it was written.

The pipeline is file -> YAML values (yamlread) -> this tree -> graph (graph.py). Everything
that can be checked without knowing shapes is checked here: unknown keys and layers, wrong
value kinds, block signatures, names. Values stay unevaluated (`V`) because they may refer to
block arguments and to `channels`, which only exist while the graph is built.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .errors import LimitError, SpecError, did_you_mean
from .layers import ALIASES, LAYERS, layer_class
from .layers.args import arguments
from .located import Loc, V
from .symbolic import FUNCTIONS, KEYWORDS

TOP_KEYS = ("name", "source", "notes", "symbols", "constants", "input", "include", "blocks", "layers", "variants", "expect")
VARIANT_KEYS = ("name", "source", "notes", "set", "input", "expect")
MODIFIERS = ("as", "frozen", "share", "when")
STRUCTURES = ("repeat", "residual", "add", "multiply", "concat", "each", "heads", "from")
BUILTIN_NAMES = ("channels",)  # the channel count of the tensor at hand, inside any expression
MAX_INCLUDES = 50

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


# --- the tree -------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True, eq=False)
class Item:
    loc: Loc
    label: str | None = None  # `as:` names the item's output tensor
    frozen: bool = False  # parameters inside are not trained
    share: str | None = None  # items with the same tag share one set of weights
    when: V | None = None  # a condition; the item is left out (as the identity) when it is false


@dataclass(frozen=True, eq=False)
class LayerItem(Item):
    kind: str
    args: dict  # str -> V


@dataclass(frozen=True, eq=False)
class BlockCall(Item):
    block: str
    args: dict  # str -> V
    positional: tuple = ()


@dataclass(frozen=True, eq=False)
class Repeat(Item):
    times: V
    body: tuple
    index: str | None = None


@dataclass(frozen=True, eq=False)
class Residual(Item):
    body: tuple
    shortcut: tuple | None = None  # None: identity


@dataclass(frozen=True, eq=False)
class MergeItem(Item):
    op: str
    branches: tuple  # of item tuples; () is the identity
    args: dict  # crop, axis


@dataclass(frozen=True, eq=False)
class Each(Item):
    count: V
    body: tuple


@dataclass(frozen=True, eq=False)
class Heads(Item):
    heads: tuple  # of (name, items)


@dataclass(frozen=True, eq=False)
class From(Item):
    name: str


@dataclass(frozen=True)
class Block:
    name: str
    params: tuple  # of (name, default V or None)
    body: tuple
    loc: Loc


@dataclass(frozen=True)
class Variant:
    name: str
    title: str | None
    source: str | None
    notes: str | None
    values: dict  # str -> V, overriding constants or setting symbols
    input: V | None
    expect: dict
    loc: Loc


@dataclass(frozen=True)
class Spec:
    file: str | None
    name: str | None
    source: str | None
    notes: str | None
    symbols: tuple
    constants: tuple  # of (name, V)
    input: V | None
    blocks: dict  # name -> Block, including included ones
    layers: tuple
    variants: dict = field(default_factory=dict)
    expect: dict = field(default_factory=dict)
    loc: Loc = Loc(None, None, None)
    depends: tuple = ()  # the files it includes, directly or not (resolved paths)


# --- reading ----------------------------------------------------------------------------------


def load_file(path: str | Path, _including: tuple = ()) -> Spec:
    """Read and validate a spec file, with the blocks of the files it includes."""
    path = Path(path)
    name = str(path)
    if len(_including) > MAX_INCLUDES:
        raise LimitError("includes nest too deeply", file=name)
    from .yamlread import read_source

    resolved = path.resolve()
    key = (name, resolved)
    if key in _LOADED:
        versions, spec = _LOADED[key]
        if versions == _versions((resolved, *spec.depends)):
            return spec
    spec = parse_text(read_source(path), name, _including=(*_including, resolved))
    if len(_LOADED) < MAX_LOADED:
        _LOADED[key] = (_versions((resolved, *spec.depends)), spec)
    return spec


# Specs already read in this process, with the versions of the files they were read from
# (their own and every include): `list`, `check` and `verify --all` read the same family
# files and shared blocks many times. A file that read without error includes no cycle, so
# its Spec is the same whichever file included it.
_LOADED: dict[tuple, tuple] = {}
MAX_LOADED = 256


def _versions(paths: tuple) -> tuple:
    def version(path: Path):
        try:
            stat = path.stat()
        except OSError:
            return None
        return stat.st_mtime_ns, stat.st_size

    return tuple(version(path) for path in paths)


def parse_text(text: str, file: str | None, _including: tuple = ()) -> Spec:
    from .yamlread import read_yaml

    document = read_yaml(text, file)
    if document is None:
        raise SpecError("the spec is empty", file=file, expected="a mapping with 'input' and 'layers'")
    return parse_document(document, _including)


def parse_document(document: V, _including: tuple = ()) -> Spec:
    """A spec from values already read (a claim's inline spec, a layer from the command line)."""
    return _Parser(document.loc.file, _including).spec(document)


def _words(v: V, what: str) -> list[str]:
    items = v.data if isinstance(v.data, list) else None
    if items is None or not all(isinstance(item.data, str) for item in items):
        raise v.error(f"'{what}' must be a list of names")
    for item in items:
        if not _IDENTIFIER.match(item.data):
            raise item.error(f"'{item.data}' is not a valid name")
    return [item.data for item in items]


def _text(v: V, what: str) -> str:
    if not isinstance(v.data, str):
        raise v.error(f"'{what}' must be text")
    return v.data


def _mapping(v: V, what: str) -> dict:
    if not isinstance(v.data, dict):
        raise v.error(f"{what} must be a mapping", got=describe(v))
    return v.data


def _check_keys(v: V, allowed: tuple, what: str) -> None:
    for key in v.data:
        if key not in allowed:
            raise v.key_error(key, f"unknown key '{key}' in {what}", expected=", ".join(allowed), hint=did_you_mean(key, allowed))


def describe(v: V) -> str:
    """What kind of value `v` is, for messages."""
    data = v.data
    if isinstance(data, str):
        return repr(data if len(data) <= 40 else data[:40] + "...")
    return {dict: "a mapping", list: "a list", bool: "a boolean", type(None): "nothing"}.get(type(data), repr(data))


def _check_input(v: V) -> None:
    """One input `[3, 224, 224]`, or several by name `{image: [3, 224, 224], tokens: [16]}`."""
    shapes = v.data.values() if isinstance(v.data, dict) else [v]
    if not shapes:
        raise v.error("'input' needs at least one shape")
    for shape in shapes:
        if not isinstance(shape.data, list):
            raise shape.error("an input shape must be a list of sizes, e.g. [3, 224, 224]", got=describe(shape))
    for name in v.data if isinstance(v.data, dict) else ():
        if not _IDENTIFIER.match(name):
            raise v.key_error(name, f"'{name}' is not a valid input name")


def _checked_input(v: V | None) -> V | None:
    if v is not None:
        _check_input(v)
    return v


def _signature(key: str, loc: Loc) -> tuple[str, tuple]:
    """'bottleneck(width, stride=1)' -> ('bottleneck', (('width', None), ('stride', V('1'))))."""
    match = re.fullmatch(r"\s*([A-Za-z_]\w*)\s*(?:\((.*)\))?\s*", key)
    if not match:
        raise SpecError(f"'{key}' is not a block signature", expected="name or name(arg, arg=default)", **loc.where())
    name, inside = match.group(1), match.group(2)
    params, depth, current = [], 0, ""
    for char in (inside or "") + ",":
        if char == "," and depth == 0:
            if current.strip():
                params.append(current.strip())
            elif inside and inside.strip():
                raise SpecError(f"empty argument in block signature '{key}'", **loc.where())
            current = ""
            continue
        depth += {"(": 1, ")": -1}.get(char, 0)
        current += char
    parsed, seen = [], set()
    for param in params:
        pname, _, default = (part.strip() for part in param.partition("="))
        if not _IDENTIFIER.match(pname):
            raise SpecError(f"'{pname}' is not a valid argument name in '{key}'", **loc.where())
        if pname in seen:
            raise SpecError(f"argument '{pname}' appears twice in '{key}'", **loc.where())
        seen.add(pname)
        if default:
            value = {"true": True, "false": False}.get(default.lower(), default)
            parsed.append((pname, V(value, loc)))
        elif "=" in param:
            raise SpecError(f"argument '{pname}' has an empty default in '{key}'", **loc.where())
        else:
            if parsed and parsed[-1][1] is not None:
                raise SpecError(f"argument '{pname}' without a default follows one with a default in '{key}'", **loc.where())
            parsed.append((pname, None))
    return name, tuple(parsed)


# How the structures that take a list of layers are written, for the hint when their
# arguments stand beside the kind instead of under it.
NESTED_FORMS = {
    "repeat": "{repeat: {times: 2, layers: [...]}}",
    "each": "{each: {count: 2000, layers: [...]}}",
    "residual": "{residual: {body: [...], shortcut: [...]}}",
    "concat": "{concat: {branches: [[...], [...]], crop: center}}",
}


class _Parser:
    def __init__(self, file: str | None, including: tuple):
        self.file = file
        self.including = including
        self.block_names: dict[str, Loc] = {}
        self.blocks: dict[str, Block] = {}
        self.depends: list[Path] = []

    def spec(self, document: V) -> Spec:
        top = _mapping(document, "a spec")
        _check_keys(document, TOP_KEYS, "the spec")
        for included in self.includes(top.get("include")):
            for name, block in included.blocks.items():
                self.declare(name, block.loc)
                self.blocks[name] = block
        signatures = []
        if "blocks" in top:
            for key, body in _mapping(top["blocks"], "'blocks'").items():
                loc = top["blocks"].data[key].loc
                name, params = _signature(key, loc)
                self.declare(name, loc)
                signatures.append((name, params, body, loc))
        for name, params, body, loc in signatures:
            self.blocks[name] = Block(name, params, self.items(body, f"blocks.{name}", allow_single=True), loc)
        symbols = _words(top["symbols"], "symbols") if "symbols" in top else []
        constants = list(_mapping(top["constants"], "'constants'").items()) if "constants" in top else []
        for name, value in [(s, top["symbols"]) for s in symbols] + constants:
            self.check_name(name, value)
        if len(set(symbols) | {n for n, _ in constants}) != len(symbols) + len(constants):
            raise top.get("symbols", document).error("a name is declared twice among symbols and constants")
        layers = ()
        if "layers" in top:
            if not isinstance(top["layers"].data, list) or not top["layers"].data:
                raise top["layers"].error("'layers' must be a non-empty list of layers")
            layers = self.items(top["layers"], "layers")
        if "input" in top:
            _check_input(top["input"])
        return Spec(
            file=self.file,
            name=_text(top["name"], "name") if "name" in top else None,
            source=_text(top["source"], "source") if "source" in top else None,
            notes=_text(top["notes"], "notes") if "notes" in top else None,
            symbols=tuple(symbols),
            constants=tuple(constants),
            input=top.get("input"),
            blocks=dict(self.blocks),
            layers=layers,
            variants=self.variants(top["variants"]) if "variants" in top else {},
            expect=_mapping(top["expect"], "'expect'") if "expect" in top else {},
            loc=document.loc,
            depends=tuple(dict.fromkeys(self.depends)),
        )

    def includes(self, v: V | None) -> list[Spec]:
        if v is None:
            return []
        from .catalog import resolve_include

        specs = []
        for item in v.data if isinstance(v.data, list) else [v]:
            path = resolve_include(_text(item, "include"), self.file)
            if path is None:
                raise item.error(f"cannot find the included file '{item.data}'")
            if path.resolve() in self.including:
                raise item.error(f"'{item.data}' includes itself")
            try:
                specs.append(load_file(path, self.including))
            except SpecError as error:
                raise error.located(hint=f"included from {self.file}:{item.loc.line}") from None
            self.depends += [path.resolve(), *specs[-1].depends]
        return specs

    def variants(self, v: V) -> dict:
        found = {}
        for name, body in _mapping(v, "'variants'").items():
            if not _IDENTIFIER.match(name):
                raise body.error(f"'{name}' is not a valid variant name")
            entries = _mapping(body, f"variant '{name}'") if body.data is not None else {}
            if entries:
                _check_keys(body, VARIANT_KEYS, f"variant '{name}'")
            found[name] = Variant(
                name=name,
                title=_text(entries["name"], "name") if "name" in entries else None,
                source=_text(entries["source"], "source") if "source" in entries else None,
                notes=_text(entries["notes"], "notes") if "notes" in entries else None,
                values=_mapping(entries["set"], "'set'") if "set" in entries else {},
                input=_checked_input(entries.get("input")),
                expect=_mapping(entries["expect"], "'expect'") if "expect" in entries else {},
                loc=body.loc,
            )
        return found

    def declare(self, name: str, loc: Loc) -> None:
        if name in LAYERS or name in ALIASES or name in STRUCTURES or name in MODIFIERS:
            raise SpecError(f"block '{name}' would hide the built-in layer or keyword '{name}'", **loc.where())
        if name in self.block_names:
            first = self.block_names[name]
            raise SpecError(f"block '{name}' is defined twice (first at {first.file}:{first.line})", **loc.where())
        self.block_names[name] = loc

    def check_name(self, name: str, v: V) -> None:
        if not _IDENTIFIER.match(name):
            raise v.error(f"'{name}' is not a valid name")
        if name in FUNCTIONS or name in BUILTIN_NAMES or name in KEYWORDS:
            raise v.error(f"'{name}' is a built-in name and cannot be redefined")

    # items

    def items(self, v: V, path: str, allow_single: bool = False) -> tuple:
        if isinstance(v.data, list):
            return tuple(self.item(entry, f"{path}[{i}]") for i, entry in enumerate(v.data))
        if allow_single and isinstance(v.data, (dict, str)):
            return (self.item(v, f"{path}[0]"),)
        raise v.error("expected a list of layers", got=describe(v), path=path)

    def item(self, v: V, path: str) -> Item:
        """One layer or structure; errors inside it name its path (the innermost one wins)."""
        try:
            return self.parse_item(v, path)
        except SpecError as error:
            raise error.located(path=path) from None

    def parse_item(self, v: V, path: str) -> Item:
        if isinstance(v.data, str):
            return self.call(v.data, V(None, v.loc), v.loc, {}, path)
        if not isinstance(v.data, dict) or not v.data:
            raise v.error("a layer is a name or a mapping such as {conv: {out: 6, kernel: 5}}", got=describe(v))
        kinds = [key for key in v.data if key not in MODIFIERS]
        if len(kinds) != 1:
            names = " and ".join(f"'{k}'" for k in kinds) or "only modifiers"
            example = NESTED_FORMS.get(kinds[0] if kinds else "", "{conv: {out: 6, kernel: 5}}")
            raise v.error(
                f"a layer has exactly one kind, found {names}",
                hint=f"indent a layer's arguments under its kind, as in {example}",
            )
        kind = kinds[0]
        modifiers = {
            "label": self.word(v.data["as"], "as") if "as" in v.data else None,
            "frozen": self.boolean(v.data["frozen"], "frozen") if "frozen" in v.data else False,
            "share": self.word(v.data["share"], "share") if "share" in v.data else None,
            "when": v.data.get("when"),
        }
        return self.call(kind, v.data[kind], v.keys[kind], modifiers, path)

    def word(self, v: V, what: str) -> str:
        if not isinstance(v.data, str) or not _IDENTIFIER.match(v.data):
            raise v.error(f"'{what}' must be a name")
        return v.data

    def boolean(self, v: V, what: str) -> bool:
        if not isinstance(v.data, bool):
            raise v.error(f"'{what}' must be true or false", got=describe(v))
        return v.data

    def call(self, kind: str, value: V, loc: Loc, modifiers: dict, path: str) -> Item:
        modifiers = {"loc": loc, **modifiers}
        kind = ALIASES.get(kind, kind)
        if kind in STRUCTURES:
            build = {
                "repeat": self.structure_repeat,
                "residual": self.structure_residual,
                "each": self.structure_each,
                "heads": self.structure_heads,
                "from": self.structure_from,
            }.get(kind, self.structure_merge)
            return build(kind, value, modifiers, f"{path}.{kind}")
        if kind in LAYERS:
            return LayerItem(kind=kind, args=self.layer_args(kind, value), **modifiers)
        if kind in self.block_names or self.prelude_has(kind):
            if isinstance(value.data, dict):
                return BlockCall(block=kind, args=value.data, **modifiers)
            if isinstance(value.data, list):
                return BlockCall(block=kind, args={}, positional=tuple(value.data), **modifiers)
            positional = () if value.data is None else (value,)
            return BlockCall(block=kind, args={}, positional=positional, **modifiers)
        known = sorted({*LAYERS, *ALIASES, *STRUCTURES, *self.block_names})
        raise SpecError(f"unknown layer '{kind}'", hint=did_you_mean(kind, known), **loc.where())

    def prelude_has(self, name: str) -> bool:
        from .catalog import prelude

        if name in prelude().blocks and name not in self.blocks:
            self.blocks[name] = prelude().blocks[name]
            self.block_names[name] = prelude().blocks[name].loc
        return name in prelude().blocks

    def layer_args(self, kind: str, value: V) -> dict:
        cls = layer_class(kind)
        accepted = arguments(cls)
        if value.data is None:
            args = {}
        elif isinstance(value.data, dict):
            args = value.data
            for key, arg in args.items():
                if key not in accepted:
                    allowed = ", ".join(accepted) or "none"
                    raise value.key_error(
                        key, f"unknown argument '{key}' for {kind}", expected=allowed, hint=did_you_mean(key, list(accepted))
                    )
        elif cls.PRIMARY is not None:
            args = {cls.PRIMARY: value}
        else:
            raise value.error(f"{kind} takes no value" if not accepted else f"{kind} needs named arguments: {', '.join(accepted)}")
        missing = [f"'{name}'" for name, arg in accepted.items() if arg.required and name not in args]
        if missing:
            raise value.error(f"{kind} needs {' and '.join(missing)}")
        return args

    def structure_repeat(self, kind: str, value: V, modifiers: dict, path: str) -> Repeat:
        body = self.structured(value, ("times", "layers", "index"), ("times", "layers"), kind)
        index = self.word(body["index"], "index") if "index" in body else None
        if index is not None:
            self.check_name(index, body["index"])
        return Repeat(times=body["times"], body=self.items(body["layers"], f"{path}.layers"), index=index, **modifiers)

    def structure_residual(self, kind: str, value: V, modifiers: dict, path: str) -> Residual:
        if isinstance(value.data, list):
            return Residual(body=self.items(value, f"{path}.body"), **modifiers)
        body = self.structured(value, ("body", "shortcut"), ("body",), kind)
        shortcut = self.items(body["shortcut"], f"{path}.shortcut", allow_single=True) if "shortcut" in body else None
        return Residual(body=self.items(body["body"], f"{path}.body", allow_single=True), shortcut=shortcut, **modifiers)

    def structure_merge(self, kind: str, value: V, modifiers: dict, path: str) -> MergeItem:
        args = {}
        branches = value
        if isinstance(value.data, dict):
            allowed = ("branches", *arguments(layer_class(kind)))
            body = self.structured(value, allowed, ("branches",), kind)
            branches = body["branches"]
            args = {key: arg for key, arg in body.items() if key != "branches"}
        if not isinstance(branches.data, list) or len(branches.data) < 2:
            raise branches.error(f"{kind} needs a list of at least two branches", hint="[] is the identity branch")
        parsed = tuple(self.items(branch, f"{path}[{i}]", allow_single=True) for i, branch in enumerate(branches.data))
        return MergeItem(op=kind, branches=parsed, args=args, **modifiers)

    def structure_each(self, kind: str, value: V, modifiers: dict, path: str) -> Each:
        body = self.structured(value, ("count", "layers"), ("count", "layers"), kind)
        return Each(count=body["count"], body=self.items(body["layers"], f"{path}.layers"), **modifiers)

    def structure_heads(self, kind: str, value: V, modifiers: dict, path: str) -> Heads:
        heads = _mapping(value, "'heads'")
        if not heads:
            raise value.error("'heads' needs at least one named branch")
        return Heads(heads=tuple((name, self.items(branch, f"{path}.{name}", allow_single=True)) for name, branch in heads.items()), **modifiers)

    def structure_from(self, kind: str, value: V, modifiers: dict, path: str) -> From:
        return From(name=self.word(value, "from"), **modifiers)

    def structured(self, value: V, allowed: tuple, required: tuple, kind: str) -> dict:
        body = _mapping(value, f"'{kind}'")
        _check_keys(value, allowed, f"'{kind}'")
        for key in required:
            if key not in body:
                raise value.error(f"'{kind}' needs '{key}'", expected=", ".join(f"'{r}'" for r in required))
        return body
