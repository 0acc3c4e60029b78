"""Measuring a claim's subject: the network, layer or expression it names, and its quantities."""

from __future__ import annotations

from dataclasses import dataclass, replace
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..api import Network
from ..compare import figures
from ..errors import CnnCalcError
from ..graph import build
from ..located import V, wrap
from ..solve import canonical_kind, free_names, spec_from_tree, symbols_for
from ..spec import describe
from ..symbolic import Size, evaluate_text, normalize, symbol
from .model import VALUE, Subject


@dataclass(frozen=True)
class Measured:
    figures: dict  # quantity -> value (None where it means nothing)
    env: dict  # the names stated values may use: `set` values, else symbols


def _values(subject: Subject) -> dict:
    """The `set` values in order, each evaluated with the ones before (and symbols)."""
    env: dict[str, Any] = {}
    for name, v in subject.set:
        data = v.data
        if isinstance(data, str):
            env[name] = evaluate_stated(v, with_symbols(data, env))
        elif isinstance(data, (int, Fraction)) and not isinstance(data, bool):
            env[name] = data
        else:
            raise v.error(f"'{name}' must be set to a number or an expression", got=describe(v))
    return env


def with_symbols(text: str, env: dict) -> dict:
    names = free_names([text])
    return {**{name: symbol(name) for name in names if name not in env}, **env}


def evaluate_stated(v: V, env: dict) -> Size:
    """An expression written in the claims file, errors pointing into it."""
    try:
        return evaluate_text(v.data, env)
    except CnnCalcError as error:
        column = (v.loc.column or 1) + (error.column or 1) - 1 if v.loc.column else None
        raise replace(error, file=v.loc.file, line=v.loc.line, column=column) from None


def measure(subject: Subject) -> Measured:
    """The figures of a subject: a network's quantities, or an expression's value."""
    env = _values(subject)
    if subject.kind == "expr":
        value = subject.value.data
        computed = (
            evaluate_stated(subject.value, with_symbols(value, env)) if isinstance(value, str) else normalize(value)
        )
        return Measured({VALUE: computed}, env)
    network = _network(subject)
    report = network.summary(dtype=subject.dtype, batch=subject.batch, bias_macs=subject.bias_macs)
    return Measured(figures(network, report, subject.kinds, subject.at), env)


def _network(subject: Subject) -> Network:
    values = dict(subject.set)
    input = subject.input.data if subject.input is not None else None
    if subject.kind == "spec" and isinstance(subject.value.data, str):
        return _named_network(subject, values, input)
    if subject.kind == "spec" and isinstance(subject.value.data, dict):  # written inline
        return Network(build(spec_from_tree(subject.value), None, values, input))
    if subject.kind == "spec":  # a spec file's own expectations: the parsed Spec
        return Network(build(subject.value.data, subject.variant, values, input))
    body: dict[str, V] = {}
    names = [name for name in (*subject.symbols, *_auto_symbols(subject)) if name not in values and name != "channels"]
    if names:
        body["symbols"] = wrap(list(dict.fromkeys(names)), subject.value.loc)
    if values:
        body["constants"] = V(values, subject.value.loc, {name: v.loc for name, v in values.items()})
    body["input"] = subject.input
    body["layers"] = V([_layer_item(subject.value)], subject.value.loc) if subject.kind == "layer" else subject.value
    document = V(body, subject.value.loc, {key: subject.value.loc for key in body})
    return Network(build(spec_from_tree(document)))


def _named_network(subject: Subject, values: dict, input) -> Network:
    """A built-in network or spec file; a relative path is relative to the claims file."""
    from ..catalog import find

    name = subject.value.data
    file, hash_, variant_name = name.rpartition("#") if ".yaml#" in name or ".yml#" in name else (name, "", "")
    nearby = Path(subject.base) / file if subject.base else None
    if nearby is not None and nearby.is_file():
        name = str(nearby) + hash_ + variant_name
    try:
        path, variant = find(name)
        spec = _spec_file(str(path.resolve()), path.stat().st_mtime_ns)
        return Network(build(spec, subject.variant or variant, values, input))
    except CnnCalcError as error:
        raise error.located(**subject.value.loc.where()) from None


@lru_cache(maxsize=64)
def _spec_file(path: str, mtime: int):
    """A spec file read once per check run (claims often name the same network)."""
    from ..spec import load_file

    return load_file(path)


def _auto_symbols(subject: Subject) -> list[str]:
    """Names an inline network leaves as letters: those in its input shape and, for one
    layer, in its size arguments."""
    if subject.kind == "layers":
        return free_names(_input_texts(subject.input))
    ((kind, args),) = subject.value.data.items()
    if isinstance(args.data, dict):
        return symbols_for(canonical_kind(kind), args.data, subject.input)
    return free_names(_input_texts(subject.input) + ([args.data] if isinstance(args.data, str) else []))


def _layer_item(layer: V) -> V:
    ((kind, args),) = layer.data.items()
    return V({kind: args}, layer.loc, {kind: (layer.keys or {}).get(kind, layer.loc)})


def _input_texts(input: V | None) -> list[str]:
    if input is None:
        return []
    return [item.data for item in input.data if isinstance(item.data, str)]
