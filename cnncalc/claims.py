"""Claims: statements from notes or designs, each checked against what cnncalc computes.

A claims file is YAML (``claims: [...]``), or a Markdown note whose ```` ```cnncalc ````
fenced blocks hold claims, or a spec file (its ``expect:`` entries become claims). Each
claim quotes what it checks (``says``), names a subject (a network by ``spec:``, one
``layer:``, inline ``layers:``, or an arithmetic ``expr:``) and states quantities of it
(``params: 61706``), or relations to a second subject (``vs: one-5x5`` with
``params: {ratio: 18/25}``). ``holds: false`` marks a statement the notes get wrong: the
claim is then as the file says only if cnncalc finds it false. docs/claims.md is the
reference; the pipeline is file -> YAML values -> Claim -> Result, and nothing here prints.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from fractions import Fraction
from pathlib import Path
from typing import Any

from .api import Network
from .compare import QUANTITIES, figures, ratio
from .errors import CnnCalcError, LimitError, SpecError, did_you_mean
from .graph import build
from .layers import ALIASES, LAYERS, MERGES
from .located import Loc, V, wrap
from .spec import describe
from .solve import Solution, canonical_kind, free_names, solve, spec_from_tree, symbols_for
from .symbolic import Size, equal, evaluate_text, is_concrete, normalize, symbol, sympy
from .symbolic import sign as symbolic_sign

SUBJECT_KEYS = ("spec", "layer", "layers", "expr")
OPTION_KEYS = ("set", "input", "symbols", "kinds", "at", "dtype", "batch", "bias_macs")
ABOUT_KEYS = ("says", "source", "note", "holds", "within", "vs")
VALUE = "value"  # the one quantity of an expr subject
CLAIM_KEYS = (*ABOUT_KEYS, *SUBJECT_KEYS, *OPTION_KEYS, *QUANTITIES, VALUE)
FILE_KEYS = ("claims", "source", "notes")
WORDS = ("less", "greater", "equal", "at_most", "at_least")  # relations of a quantity to the vs subject's
MEASURES = ("ratio", "difference")  # relations with a stated value: this / that, this - that

_SUFFIXES = {"K": 10**3, "M": 10**6, "G": 10**9, "B": 10**9, "T": 10**12}
_ROUNDED = re.compile(r"\s*([0-9][0-9_]*(?:\.[0-9]+)?)\s*([KMGBT])\s*\Z")
_GROUPED = re.compile(r"\s*-?[0-9]{1,3}(?:,[0-9]{3})+\s*\Z")
_PERCENT = re.compile(r"\s*([0-9]+(?:\.[0-9]+)?)\s*%\s*\Z")


# --- what a claims file holds ---------------------------------------------------------------


@dataclass(frozen=True)
class Subject:
    """What a claim is about: a network (spec, layer, layers) or an expression."""

    kind: str  # one of SUBJECT_KEYS
    value: V  # the spec name/path/mapping (or parsed Spec), the {kind: args} layer, the layer list, the expression
    set: tuple = ()  # (name, V) pairs: symbols and constants given values
    input: V | None = None
    symbols: tuple = ()
    kinds: tuple | None = None  # only rows of these layer kinds count
    at: str | None = None  # only this row counts
    dtype: str = "fp32"
    batch: int = 1
    bias_macs: bool = False
    variant: str | None = None  # for a spec file's own expectations
    base: str | None = None  # directory of the claims file, for relative spec paths


@dataclass(frozen=True)
class Claim:
    says: str
    source: str | None
    note: str | None
    holds: bool  # what the file says about the statement
    within: Fraction | None  # relative tolerance for numeric comparisons
    subject: Subject
    other: Subject | None  # the `vs` subject of relations
    checks: tuple  # (quantity, V) pairs, in the file's order
    loc: Loc


@dataclass(frozen=True)
class Rounded:
    """A stated value written rounded, '144M': any value that rounds to it matches."""

    text: str
    low: Fraction
    high: Fraction


@dataclass(frozen=True)
class Check:
    quantity: str
    stated: Any  # a size, shape, Rounded, or for relations a word or (measure, value)
    computed: Any  # the subject's value
    truth: bool | None  # None: symbols leave it open
    other: Any = None  # the vs subject's value
    relation: str | None = None  # None, one of WORDS, or one of MEASURES
    measured: Any = None  # the computed ratio or difference


@dataclass(frozen=True)
class Result:
    claim: Claim
    checks: tuple = ()
    error: CnnCalcError | None = None
    suggestion: Solution | None = None  # a wrong layer output: the padding that gives the stated one

    @property
    def truth(self) -> bool | None:
        """Whether the statement is true: False if any check fails, None if one is open."""
        if self.error is not None:
            return None
        truths = [check.truth for check in self.checks]
        return False if False in truths else None if None in truths else True

    @property
    def passed(self) -> bool:
        """The statement is as true (or as false) as the file says."""
        return self.truth is not None and self.truth == self.claim.holds


# --- reading -----------------------------------------------------------------------------------


def read_claims(path: str | Path) -> tuple:
    """The claims of a YAML claims file, a Markdown note or a spec file."""
    path = Path(path)
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise SpecError("the file is not UTF-8 text", file=name) from None
    except OSError as error:
        raise SpecError(f"cannot read the file: {error.strerror or error}", file=name) from None
    if path.suffix.lower() in (".md", ".markdown"):
        from .yamlread import MAX_FILE_BYTES

        if len(text) > MAX_FILE_BYTES:
            raise LimitError(f"file is {len(text):,} characters long", file=name, expected=f"at most {MAX_FILE_BYTES:,}")
        return parse_markdown(text, name)
    return parse_claims(text, name)


def parse_claims(text: str, file: str | None) -> tuple:
    """The claims in YAML text: `claims: [...]`, a bare list, or a spec's expectations."""
    from .yamlread import read_yaml

    document = read_yaml(text, file)
    if document is None:
        raise SpecError("the claims file is empty", file=file, expected="claims: [...]")
    if isinstance(document.data, dict) and "claims" not in document.data and ("layers" in document.data or "variants" in document.data):
        from .spec import parse_text

        return expectations(parse_text(text, file))
    return _document_claims(document, file, default_source=None)


_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})[ \t]*cnncalc[ \t]*$")


def parse_markdown(text: str, file: str | None) -> tuple:
    """The claims in a note's ```cnncalc fenced blocks, with the note's line numbers."""
    from .yamlread import read_yaml

    lines = text.split("\n")
    claims: list[Claim] = []
    i = 0
    while i < len(lines):
        opening = _FENCE.match(lines[i])
        if not opening:
            i += 1
            continue
        fence, start = opening.group(1), i + 1
        end = next((j for j in range(start, len(lines)) if lines[j].strip().startswith(fence) and set(lines[j].strip()) == {fence[0]}), None)
        if end is None:
            raise SpecError("the cnncalc block is not closed", file=file, line=i + 1, expected=f"a line with {fence}")
        block = "\n" * start + "\n".join(lines[start:end])  # blank lines keep the note's numbering
        document = read_yaml(block, file)
        if document is not None:
            source = Path(file).name if file else None
            claims.extend(_document_claims(document, file, default_source=source))
        i = end + 1
    return tuple(claims)


def _document_claims(document: V, file: str | None, default_source: str | None) -> tuple:
    entries = document
    if isinstance(document.data, dict):
        if "says" in document.data:  # a single claim (Markdown blocks)
            entries = V([document], document.loc)
        else:
            _check_keys(document, FILE_KEYS, "a claims file")
            if "claims" not in document.data:
                raise document.error("a claims file needs 'claims'", expected="claims: [...]")
            default_source = _text(document.data["source"], "source") if "source" in document.data else default_source
            entries = document.data["claims"]
    if not isinstance(entries.data, list):
        raise entries.error("'claims' must be a list of claims", got=describe(entries))
    base = str(Path(file).parent) if file else None
    return tuple(_claim(entry, default_source, base) for entry in entries.data)


def expectations(spec) -> tuple:
    """A spec's `expect:` entries (and each variant's) as claims about it."""
    file = spec.file
    claims = []
    for variant in list(spec.variants) or [None]:
        chosen = spec.variants[variant] if variant else None
        expect = {**spec.expect, **(chosen.expect if chosen else {})}
        if not expect:
            continue
        title = (chosen and chosen.title) or spec.name or variant or Path(file or "spec").stem
        subject = Subject("spec", V(spec, spec.loc), variant=variant)
        for key, value in expect.items():
            if key not in QUANTITIES:
                raise SpecError(f"unknown expectation '{key}'", expected=", ".join(QUANTITIES), hint=did_you_mean(key, list(QUANTITIES)), **value.loc.where())
        claims.append(Claim(f"{title}: expect " + ", ".join(expect), None, None, True, None, subject, None, tuple(expect.items()), spec.loc))
    return tuple(claims)


def _check_keys(v: V, allowed: tuple, what: str) -> None:
    for key in v.data:
        if key not in allowed:
            raise v.key_error(key, f"unknown key '{key}' in {what}", expected=", ".join(allowed), hint=did_you_mean(key, list(allowed)))


def _text(v: V, what: str) -> str:
    if not isinstance(v.data, str) or not v.data.strip():
        raise v.error(f"'{what}' must be text", got=describe(v))
    return v.data


def _claim(v: V, default_source: str | None, base: str | None) -> Claim:
    if not isinstance(v.data, dict):
        raise v.error("a claim is a mapping with 'says' and what to check", got=describe(v))
    entries = v.data
    _check_keys(v, CLAIM_KEYS, "a claim")
    if "says" not in entries:
        raise v.error("a claim needs 'says': the statement it checks, quoted")
    holds = entries.get("holds", V(True))
    if not isinstance(holds.data, bool):
        raise holds.error("'holds' must be true or false", got=describe(holds))
    subject = _subject(v, entries, base, None)
    other = None
    if "vs" in entries:
        vs = entries["vs"]
        vs_entries = {"spec": vs} if isinstance(vs.data, str) else vs.data
        if not isinstance(vs_entries, dict):
            raise vs.error("'vs' is a spec name or a mapping like the claim's subject", got=describe(vs))
        if isinstance(vs.data, dict):
            _check_keys(vs, (*SUBJECT_KEYS, *OPTION_KEYS), "'vs'")
        other = _subject(vs, vs_entries, base, subject)
    checks = tuple((key, value) for key, value in entries.items() if key in QUANTITIES or key == VALUE)
    if not checks:
        raise v.error("the claim states nothing to check", expected="one of " + ", ".join((*QUANTITIES, VALUE)))
    for key, value in checks:
        if (key == VALUE) != (subject.kind == "expr"):
            what = "an expression's" if subject.kind == "expr" else "a network's"
            raise v.key_error(key, f"'{key}' is not {what} quantity", expected=VALUE if subject.kind == "expr" else ", ".join(QUANTITIES))
    return Claim(
        says=_text(entries["says"], "says"),
        source=_text(entries["source"], "source") if "source" in entries else default_source,
        note=_text(entries["note"], "note") if "note" in entries else None,
        holds=holds.data,
        within=_within(entries["within"]) if "within" in entries else None,
        subject=subject,
        other=other,
        checks=checks,
        loc=v.loc,
    )


def _within(v: V) -> Fraction:
    data = v.data
    if isinstance(data, str) and _PERCENT.match(data):
        return Fraction(_PERCENT.match(data).group(1)) / 100
    if isinstance(data, (int, Fraction)) and not isinstance(data, bool) and data >= 0:
        return Fraction(data)
    raise v.error("'within' is a relative tolerance", expected="a number such as 0.05, or '5%'", got=describe(v))


def _subject(v: V, entries: dict, base: str | None, inherit: Subject | None) -> Subject:
    kinds = [key for key in SUBJECT_KEYS if key in entries]
    if len(kinds) > 1:
        raise v.error(f"a claim has one subject, found {' and '.join(kinds)}")
    if not kinds and inherit is None:
        raise v.error("a claim needs a subject", expected="spec, layer, layers or expr")
    start = inherit if not kinds else Subject(kinds[0], entries[kinds[0]], base=base)
    if inherit is not None:  # vs: what it does not say is as in the claim, but a subject of
        # its own keeps none of the claim's `set` (its names may mean nothing there)
        inherited = ("input", "symbols", "kinds", "at", "dtype", "batch", "bias_macs") + (() if kinds else ("set",))
        start = replace(start, **{f: getattr(inherit, f) for f in inherited})
        if kinds and kinds[0] != inherit.kind:
            start = replace(start, kinds=None, at=None)
    subject = start
    if subject.kind == "layer":
        layer = subject.value
        if isinstance(layer.data, str):  # a layer without arguments: `layer: flatten`
            layer = V({layer.data: V(None, layer.loc)}, layer.loc, {layer.data: layer.loc})
            subject = replace(subject, value=layer)
        if not isinstance(layer.data, dict) or len(layer.data) != 1:
            raise layer.error("'layer' is one layer, e.g. {conv: {out: 96, kernel: 11}}", got=describe(layer))
    if subject.kind == "layers" and not isinstance(subject.value.data, list):
        raise subject.value.error("'layers' is a list of layers", got=describe(subject.value))
    if subject.kind == "spec" and not isinstance(subject.value.data, (str, dict)):
        raise subject.value.error("'spec' is a built-in name, a spec file, or a spec written inline", got=describe(subject.value))
    if subject.kind == "expr" and (isinstance(subject.value.data, (bool, list, dict)) or subject.value.data is None):
        raise subject.value.error("'expr' is an arithmetic expression", got=describe(subject.value))
    changes: dict[str, Any] = {}
    if "set" in entries:
        given = entries["set"]
        if not isinstance(given.data, dict):
            raise given.error("'set' is a mapping of names to values", got=describe(given))
        changes["set"] = tuple({**dict(subject.set), **given.data}.items())
    if "input" in entries:
        changes["input"] = _shape_v(entries["input"])
    if "symbols" in entries:
        changes["symbols"] = tuple(_words(entries["symbols"], "symbols"))
    if "kinds" in entries:
        changes["kinds"] = tuple(_kind(item) for item in _word_items(entries["kinds"], "kinds"))
    if "at" in entries:
        changes["at"] = _text(entries["at"], "at")
    if "dtype" in entries:
        changes["dtype"] = _text(entries["dtype"], "dtype")
    if "batch" in entries:
        batch = entries["batch"]
        if not isinstance(batch.data, int) or isinstance(batch.data, bool) or batch.data < 1:
            raise batch.error("'batch' must be a whole number of at least 1", got=describe(batch))
        changes["batch"] = batch.data
    if "bias_macs" in entries:
        flag = entries["bias_macs"]
        if not isinstance(flag.data, bool):
            raise flag.error("'bias_macs' must be true or false", got=describe(flag))
        changes["bias_macs"] = flag.data
    subject = replace(subject, **changes)
    if subject.kind == "expr" and (subject.kinds or subject.at or subject.input):
        raise v.error("an expr subject takes only 'set' and 'symbols'")
    if subject.kind in ("layer", "layers") and subject.input is None:
        raise v.error(f"a '{subject.kind}' subject needs 'input', the shape it is applied to", expected="e.g. input: [3, 224, 224]")
    return subject


def _shape_v(v: V) -> V:
    """A shape as a V list: [3, 224, 224] or '3x224x224'."""
    if isinstance(v.data, list) and v.data:
        return v
    if isinstance(v.data, str):
        return V([V(part.strip(), v.loc) for part in v.data.split("x")], v.loc)
    raise v.error("a shape is a list of sizes, e.g. [3, 224, 224], or '3x224x224'", got=describe(v))


def _word_items(v: V, what: str) -> list:
    items = v.data if isinstance(v.data, list) else [v]
    for item in items:
        if not isinstance(item.data, str):
            raise item.error(f"'{what}' must be a name or a list of names", got=describe(item))
    return items


def _words(v: V, what: str) -> list[str]:
    return [item.data for item in _word_items(v, what)]


def _kind(v: V) -> str:
    kind = ALIASES.get(v.data, v.data)
    if kind not in LAYERS and kind not in MERGES:
        raise v.error(f"unknown layer kind '{v.data}'", hint=did_you_mean(v.data, sorted({*LAYERS, *MERGES})))
    return kind


# --- measuring a subject --------------------------------------------------------------------------


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
            env[name] = _evaluate(v, _with_symbols(data, env))
        elif isinstance(data, (int, Fraction)) and not isinstance(data, bool):
            env[name] = data
        else:
            raise v.error(f"'{name}' must be set to a number or an expression", got=describe(v))
    return env


def _with_symbols(text: str, env: dict) -> dict:
    names = free_names([text])
    return {**{name: symbol(name) for name in names if name not in env}, **env}


def _evaluate(v: V, env: dict) -> Size:
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
        computed = _evaluate(subject.value, _with_symbols(value, env)) if isinstance(value, str) else normalize(value)
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
    from .catalog import find

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
    from .spec import load_file

    return load_file(path)


def _auto_symbols(subject: Subject) -> list[str]:
    """Names an inline network leaves as letters: those in its input shape and, for one
    layer, in its size arguments."""
    if subject.kind == "layers":
        return free_names(_input_texts(subject.input))
    (kind, args), = subject.value.data.items()
    if isinstance(args.data, dict):
        return symbols_for(canonical_kind(kind), args.data, subject.input)
    return free_names(_input_texts(subject.input) + ([args.data] if isinstance(args.data, str) else []))


def _layer_item(layer: V) -> V:
    (kind, args), = layer.data.items()
    return V({kind: args}, layer.loc, {kind: (layer.keys or {}).get(kind, layer.loc)})


def _input_texts(input: V | None) -> list[str]:
    if input is None:
        return []
    return [item.data for item in input.data if isinstance(item.data, str)]


# --- checking -----------------------------------------------------------------------------------


def check_claims(claims) -> tuple:
    """The result of each claim, in order. A claim whose subject cannot be measured gets
    its error in the result; the others are still checked."""
    return tuple(check_claim(claim) for claim in claims)


def check_file(path: str | Path) -> tuple:
    return check_claims(read_claims(path))


def check_claim(claim: Claim) -> Result:
    try:
        this = measure(claim.subject)
        other = measure(claim.other) if claim.other is not None else None
        checks = tuple(_check(claim, quantity, stated, this, other) for quantity, stated in claim.checks)
    except CnnCalcError as error:
        return Result(claim, error=error if error.line is not None else error.located(**claim.loc.where()))
    result = Result(claim, checks)
    return replace(result, suggestion=_suggest(claim, checks))


def _check(claim: Claim, quantity: str, stated_v: V, this: Measured, other: Measured | None) -> Check:
    computed = this.figures.get(quantity)
    if computed is None:
        raise stated_v.error(f"'{quantity}' cannot be stated of this subject", hint="drop 'kinds'/'at', or check another quantity")
    kind = "count" if quantity == VALUE else QUANTITIES[quantity].kind
    env = this.env
    if other is None:
        stated = _stated(stated_v, kind, env)
        return Check(quantity, stated, computed, _same(computed, stated, claim.within))
    that = other.figures.get(quantity)
    if that is None:
        raise stated_v.error(f"'{quantity}' cannot be stated of the 'vs' subject")
    if isinstance(stated_v.data, str) and stated_v.data in WORDS:
        word = stated_v.data
        return Check(quantity, word, computed, _relate(word, computed, that, kind, stated_v), that, word)
    if isinstance(stated_v.data, dict) and len(stated_v.data) == 1 and next(iter(stated_v.data)) in MEASURES:
        (measure_name, value_v), = stated_v.data.items()
        a, b = (_one(computed, stated_v), _one(that, stated_v)) if kind != "count" else (computed, that)
        measured = ratio(a, b) if measure_name == "ratio" else normalize(a - b)
        if measured is None:
            raise stated_v.error("a ratio to zero is undefined")
        stated = _stated(value_v, "count", env)
        return Check(quantity, (measure_name, stated), computed, _same(measured, stated, claim.within), that, measure_name, measured)
    raise stated_v.error(
        "with 'vs', a quantity states a relation",
        expected=", ".join(WORDS) + ", {ratio: X} or {difference: X}",
        got=describe(stated_v),
    )


def _one(value, v: V) -> Size:
    """The single size of a field that is the same on every axis (for ratios)."""
    if isinstance(value, tuple) and value and all(equal(item, value[0]) is True for item in value):
        return value[0]
    raise v.error("a ratio needs one size, not a shape")


def _stated(v: V, kind: str, env: dict):
    """A stated value: a size (or Rounded) for counts, a tuple of sizes for shapes and fields."""
    data = v.data
    if kind == "count":
        return _stated_size(v, env)
    if kind == "shape" and isinstance(data, dict):
        return {name: _stated(item, "shape", env) for name, item in data.items()}
    if kind == "axes" and not isinstance(data, list):
        return _stated_size(v, env)  # one size for every axis
    if kind == "shape" and isinstance(data, int) and not isinstance(data, bool):
        return (data,)  # a vector's length
    return tuple(_stated_size(item, env) for item in _shape_v(v).data)


def _stated_size(v: V, env: dict):
    data = v.data
    if isinstance(data, bool) or data is None or isinstance(data, (list, dict)):
        raise v.error("expected a number or an expression", got=describe(v))
    if isinstance(data, (int, Fraction)):
        return normalize(data)
    if _GROUPED.match(data):
        return int(data.replace(",", ""))
    rounded = _ROUNDED.match(data)
    if rounded:
        digits, suffix = rounded.groups()
        scale = _SUFFIXES[suffix]
        decimals = len(digits.split(".")[1]) if "." in digits else 0
        half = Fraction(scale, 2 * 10**decimals)
        centre = Fraction(digits.replace("_", "")) * scale
        return Rounded(data.strip(), centre - half, centre + half)
    return _evaluate(v, _with_symbols(data, env))


def _same(computed, stated, within: Fraction | None) -> bool | None:
    if isinstance(stated, dict):
        if not isinstance(computed, dict) or set(computed) != set(stated):
            return False
        return _all(_same(computed[name], stated[name], within) for name in stated)
    if isinstance(computed, dict):  # several heads: one shape is the first head's
        return _same(next(iter(computed.values())), stated, within)
    if isinstance(computed, tuple) and not isinstance(stated, tuple):
        return _all(_same(item, stated, within) for item in computed)
    if isinstance(stated, tuple):
        if not isinstance(computed, tuple) or len(computed) != len(stated):
            return False
        return _all(_same(a, b, within) for a, b in zip(computed, stated))
    if isinstance(stated, Rounded):
        if not is_concrete(computed):
            return None
        return stated.low <= computed <= stated.high
    if within is not None and is_concrete(computed) and is_concrete(stated):
        return abs(computed - stated) <= within * abs(stated)
    return equal(computed, stated)


def _all(truths) -> bool | None:
    truths = list(truths)
    return False if False in truths else None if None in truths else True


def _relate(word: str, a, b, kind: str, v: V) -> bool | None:
    if kind == "shape" or isinstance(a, (tuple, dict)) and word == "equal":
        if word != "equal":
            raise v.error(f"shapes can only be 'equal', not '{word}'")
        return _same(a, b, None)
    if isinstance(a, tuple):
        a, b = _one(a, v), _one(b, v)
    sign = symbolic_sign(normalize(a - b))
    if sign is None:
        return None
    return {"less": sign < 0, "greater": sign > 0, "equal": sign == 0, "at_most": sign <= 0, "at_least": sign >= 0}[word]


def _suggest(claim: Claim, checks: tuple) -> Solution | None:
    """For a one-layer claim with a wrong output shape: the paddings that give the stated one."""
    subject = claim.subject
    wrong = [check for check in checks if check.quantity == "output" and check.truth is False and check.relation is None]
    if subject.kind != "layer" or not wrong or not isinstance(wrong[0].stated, tuple):
        return None
    (kind, args), = subject.value.data.items()
    kind = ALIASES.get(kind, kind)
    if kind not in LAYERS:
        return None
    from .layers import layer_class
    from .layers.args import arguments

    if "padding" not in arguments(layer_class(kind)) or not isinstance(args.data, (dict, type(None))):
        return None
    given = {key: value for key, value in (args.data or {}).items() if key != "padding"}
    try:
        solution = solve(kind, {**given, "padding": "?"}, subject.input, wrong[0].stated)
    except CnnCalcError:
        return None
    return solution if solution.found else None
