"""One layer on its own, and the value of one of its arguments that gives a wanted shape.

`layer_network("conv", {"out": "96", "kernel": "11", "stride": "4"}, ["3", "224", "224"])`
builds the one-layer network through the spec machinery, so kinds, arguments, defaults
and errors are exactly the spec's. Names in the input shape and in size arguments that
are not numbers become symbols (`--input c,H,W out=c`).

`solve` finds every value of the one argument written `?` that turns the input into the
expected shape, by trying them all: `false`/`true` for a flag, each option for a word
argument, and otherwise every whole number from 0 to SEARCH_LIMIT(input, expected), i.e.
max(64, twice the largest number in the input and expected shapes), at most
MAX_CANDIDATES values. Values the layer rejects (stride 0, groups that do not divide the
channels, an output smaller than 1) are simply not solutions.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from .analysis import Report
from .api import Network
from .errors import CnnCalcError, SpecError, did_you_mean
from .graph import build
from .layers import ALIASES, LAYERS, layer_class
from .layers.args import flag, padding, tensor
from .located import V, wrap
from .symbolic import equal, evaluate_text, is_concrete, names_in, parse, symbol

UNKNOWN = "?"
UNKNOWN_NAME = "_unknown"  # the constant that stands for the unknown while solving
MAX_CANDIDATES = 4096
MIN_SEARCH = 64


def _item(kind: str, args: V) -> V:
    """A spec item `{kind: args}`, with the key positions the spec parser expects."""
    return V({kind: args}, args.loc, {kind: args.loc})


def spec_from_tree(document: V):
    """A spec from values built in code rather than read from a file."""
    from .spec import parse_document

    return parse_document(document)


def canonical_kind(kind: str) -> str:
    """The spec name of a layer kind (aliases resolved), or a prelude block's name."""
    from .catalog import prelude

    name = ALIASES.get(kind, kind)
    if name in LAYERS or name in prelude().blocks:
        return name
    known = sorted({*LAYERS, *ALIASES, *prelude().blocks})
    raise SpecError(f"unknown layer '{kind}'", hint=did_you_mean(kind, known) or f"known: {', '.join(known)}")


def _size_like(kind: str, key: str, v: V) -> bool:
    """Whether an argument's text is a size expression (so its names may be symbols)."""
    if not isinstance(v.data, str):
        return False
    if kind not in LAYERS:
        return True  # a block argument: sizes, except the words the block passes on
    from .layers.args import arguments

    argument = arguments(layer_class(kind)).get(key)
    if argument is None or argument.convert in (flag, tensor) or hasattr(argument.convert, "options"):
        return False
    return not (argument.convert is padding and v.data in ("same", "valid"))


def free_names(texts) -> list[str]:
    """Names used in expression texts, text by text (alphabetically within one), once each."""
    found: list[str] = []
    for text in texts:
        try:
            names = sorted(names_in(parse(text)))
        except CnnCalcError:
            continue  # malformed: building reports it with its position
        found.extend(name for name in names if name not in found)
    return found


def _texts(v: V) -> list[str]:
    if isinstance(v.data, list):
        return [text for item in v.data for text in _texts(item)]
    return [v.data] if isinstance(v.data, str) else []


def symbols_for(kind: str, args: dict, input: V) -> list[str]:
    """The names a one-layer network leaves as letters: those of its input and sizes."""
    texts = _texts(input)
    for key, v in args.items():
        if _size_like(kind, key, v) or isinstance(v.data, list):
            texts.extend(_texts(v))
    return [name for name in free_names(texts) if name not in ("channels", UNKNOWN_NAME)]


def layer_document(kind: str, args: dict, input: V, symbols: list | tuple = (), constants: dict | None = None) -> V:
    """The spec of a one-layer network as a V tree."""
    loc = input.loc
    body: dict[str, V] = {}
    if symbols:
        body["symbols"] = wrap(list(symbols), loc)
    if constants:
        body["constants"] = V(dict(constants), loc, {name: loc for name in constants})
    body["input"] = input
    args_v = V(dict(args), loc, {key: v.loc for key, v in args.items()}) if args else V(None, loc)
    body["layers"] = V([_item(kind, args_v)], loc)
    return V(body, loc, {key: loc for key in body})


def layer_network(kind: str, args: dict, input, *, symbols: list | None = None) -> Network:
    """The network of one layer of `kind` with `args` (texts or V) on `input` (a shape)."""
    kind = canonical_kind(kind)
    args = {key: wrap(value) for key, value in args.items()}
    input_v = wrap(input)
    if not isinstance(input_v.data, list) or not input_v.data:
        raise SpecError("a layer needs an input shape", hint="e.g. --input 3x224x224")
    names = list(symbols) if symbols is not None else symbols_for(kind, args, input_v)
    try:
        return Network(build(spec_from_tree(layer_document(kind, args, input_v, names))))
    except CnnCalcError as error:
        raise (replace(error, path=None) if error.path == "layers[0]" else error) from None


# --- solving for one argument -------------------------------------------------------------------


@dataclass(frozen=True)
class Solution:
    key: str  # the argument solved for
    expect: tuple  # the shape asked for
    candidates: tuple  # every value tried, in order
    found: tuple  # (value, Report) for each value that gives the expected shape

    @property
    def values(self) -> tuple:
        return tuple(value for value, _ in self.found)


def search_limit(input: tuple, expect: tuple) -> int:
    """The largest whole number tried: max(64, twice the largest number in either shape)."""
    numbers = [d for d in (*input, *expect) if is_concrete(d)]
    return min(max(MIN_SEARCH, 2 * int(max(numbers, default=0))), MAX_CANDIDATES - 1)


def matches(shape: tuple, expect: tuple) -> bool:
    """Whether a computed shape is provably the expected one."""
    return len(shape) == len(expect) and all(equal(a, b) is True for a, b in zip(shape, expect))


def evaluate_shape(items, names: list) -> tuple:
    """A shape given as texts ('96', 'H'), numbers or V values, with `names` as symbols."""
    env = {name: symbol(name) for name in names}
    sizes = []
    for item in items:
        data = item.data if isinstance(item, V) else item
        sizes.append(evaluate_text(data, env) if isinstance(data, str) else data)
    return tuple(sizes)


def _candidates(kind: str, key: str, limit: int) -> tuple:
    if kind in LAYERS:
        from .layers.args import arguments

        argument = arguments(layer_class(kind)).get(key)
        if argument is not None and argument.convert is flag:
            return (False, True)
        if argument is not None and hasattr(argument.convert, "options"):
            return tuple(argument.convert.options)
    return tuple(range(0, limit + 1))


def solve(kind: str, args: dict, input, expect) -> Solution:
    """Every value of the one argument given as '?' that makes the layer's output `expect`.

    >>> solve("conv", {"out": "96", "kernel": "11", "stride": "4", "padding": "?"}, ["3", "224", "224"], ["96", "55", "55"]).values
    (2, 3)
    """
    kind = canonical_kind(kind)
    args = {key: wrap(value) for key, value in args.items()}
    unknown = [key for key, v in args.items() if v.data == UNKNOWN]
    if len(unknown) != 1:
        raise SpecError(
            "exactly one argument may be '?'" if unknown else "no argument is '?'",
            got=", ".join(unknown) or None,
            hint="write the argument to solve for as KEY=? and give --expect",
        )
    key = unknown[0]
    if kind in LAYERS:
        from .layers.args import arguments

        accepted = arguments(layer_class(kind))
        if key not in accepted:
            raise SpecError(f"unknown argument '{key}' for {kind}", expected=", ".join(accepted), hint=did_you_mean(key, list(accepted)))
    input_v = wrap(input)
    others = {name: v for name, v in args.items() if name != key}
    names = symbols_for(kind, others, input_v)
    wanted = evaluate_shape(expect, names)
    shape_in = evaluate_shape(input_v.data, names)
    candidates = _candidates(kind, key, search_limit(shape_in, wanted))
    first = candidates[0]
    trial = {**others, key: V(UNKNOWN_NAME, args[key].loc)}
    spec = spec_from_tree(layer_document(kind, trial, input_v, names, {UNKNOWN_NAME: wrap(first)}))
    found = []
    for value in candidates:
        try:
            network = Network(build(spec, None, {UNKNOWN_NAME: value}))
            shape = next(iter(network.graph.output_shapes().values()))
        except CnnCalcError:
            continue
        if matches(shape, wanted):
            found.append((value, network.summary()))
    return Solution(key, wanted, candidates, tuple(found))


def parse_arguments(kind: str, words: list[str]) -> dict[str, V]:
    """Command-line layer arguments as spec values: `kernel=3`, `kernel=[1,7]`,
    `padding=same`, `bias=false`, `out=4*c`, `padding=?`; a word without '=' sets the
    layer's main argument (`dense 84`)."""
    from .yamlread import read_yaml

    kind = canonical_kind(kind)
    args: dict[str, V] = {}
    for word in words:
        key, equals, text = word.partition("=")
        if not equals:
            key, text = _primary(kind, word), word
        key, text = key.strip(), text.strip()
        if not key.isidentifier() or not text:
            raise SpecError(f"cannot read the argument '{word}'", expected="KEY=VALUE, e.g. kernel=3")
        if key in args:
            raise SpecError(f"argument '{key}' is given twice")
        if text == UNKNOWN:
            args[key] = V(UNKNOWN)
            continue
        try:
            value = read_yaml(text, None)
        except CnnCalcError as error:
            raise SpecError(f"cannot read the value of '{key}': {error.message}", got=text) from None
        if value is None or isinstance(value.data, dict):
            raise SpecError(f"cannot read the value of '{key}'", expected="a number, an expression, a word or a [list]", got=text)
        args[key] = _unlocated(value)
    return args


def _unlocated(v: V) -> V:
    """A value from the command line: positions inside a one-line YAML text mean nothing."""
    if isinstance(v.data, list):
        return V([_unlocated(item) for item in v.data])
    return V(v.data)


def _primary(kind: str, word: str) -> str:
    primary = layer_class(kind).PRIMARY if kind in LAYERS else None
    if primary is None:
        raise SpecError(f"cannot read the argument '{word}'", expected="KEY=VALUE, e.g. kernel=3")
    return primary


def compare_output(report: Report, expect) -> tuple[bool, tuple]:
    """Whether a layer's output is the `expect` shape (texts or sizes), and that shape."""
    texts = [item for item in expect if isinstance(item, str)]
    wanted = evaluate_shape(expect, free_names(texts))
    return matches(next(iter(report.outputs.values())), wanted), wanted
