"""Reading claims: YAML claims files, the cnncalc blocks of Markdown notes, a spec's expect:."""

from __future__ import annotations

import re
from dataclasses import replace
from fractions import Fraction
from pathlib import Path
from typing import Any

from ..compare import QUANTITIES
from ..errors import SpecError, did_you_mean
from ..layers import ALIASES, LAYERS, MERGES
from ..located import V
from ..spec import describe
from ..yamlread import read_source
from .model import (
    CLAIM_KEYS,
    FILE_KEYS,
    OPTION_KEYS,
    SUBJECT_KEYS,
    VALUE,
    Claim,
    Subject,
)

_PERCENT = re.compile(r"\s*([0-9]+(?:\.[0-9]+)?)\s*%\s*\Z")


def read_claims(path: str | Path) -> tuple:
    """The claims of a YAML claims file, a Markdown note or a spec file."""
    path = Path(path)
    name = str(path)
    text = read_source(path)
    if path.suffix.lower() in (".md", ".markdown"):
        return parse_markdown(text, name)
    return parse_claims(text, name)


def parse_claims(text: str, file: str | None) -> tuple:
    """The claims in YAML text: `claims: [...]`, a bare list, or a spec's expectations."""
    from ..yamlread import read_yaml

    document = read_yaml(text, file)
    if document is None:
        raise SpecError("the claims file is empty", file=file, expected="claims: [...]")
    if (
        isinstance(document.data, dict)
        and "claims" not in document.data
        and ("layers" in document.data or "variants" in document.data)
    ):
        from ..spec import parse_text

        return expectations(parse_text(text, file))
    return _document_claims(document, file, default_source=None)


_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})[ \t]*cnncalc[ \t]*$")


def parse_markdown(text: str, file: str | None) -> tuple:
    """The claims in a note's ```cnncalc fenced blocks, with the note's line numbers."""
    from ..yamlread import read_yaml

    lines = text.split("\n")
    claims: list[Claim] = []
    i = 0
    while i < len(lines):
        opening = _FENCE.match(lines[i])
        if not opening:
            i += 1
            continue
        fence, start = opening.group(1), i + 1
        end = next(
            (
                j
                for j in range(start, len(lines))
                if lines[j].strip().startswith(fence) and set(lines[j].strip()) == {fence[0]}
            ),
            None,
        )
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
                raise SpecError(
                    f"unknown expectation '{key}'",
                    expected=", ".join(QUANTITIES),
                    hint=did_you_mean(key, list(QUANTITIES)),
                    **value.loc.where(),
                )
        claims.append(
            Claim(
                f"{title}: expect " + ", ".join(expect),
                None,
                None,
                True,
                None,
                subject,
                None,
                tuple(expect.items()),
                spec.loc,
            )
        )
    return tuple(claims)


def _check_keys(v: V, allowed: tuple, what: str) -> None:
    for key in v.data:
        if key not in allowed:
            raise v.key_error(
                key,
                f"unknown key '{key}' in {what}",
                expected=", ".join(allowed),
                hint=did_you_mean(key, list(allowed)),
            )


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
            raise v.key_error(
                key,
                f"'{key}' is not {what} quantity",
                expected=VALUE if subject.kind == "expr" else ", ".join(QUANTITIES),
            )
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
        raise subject.value.error(
            "'spec' is a built-in name, a spec file, or a spec written inline", got=describe(subject.value)
        )
    if subject.kind == "expr" and (isinstance(subject.value.data, (bool, list, dict)) or subject.value.data is None):
        raise subject.value.error("'expr' is an arithmetic expression", got=describe(subject.value))
    changes: dict[str, Any] = {}
    if "set" in entries:
        given = entries["set"]
        if not isinstance(given.data, dict):
            raise given.error("'set' is a mapping of names to values", got=describe(given))
        changes["set"] = tuple({**dict(subject.set), **given.data}.items())
    if "input" in entries:
        changes["input"] = shape_value(entries["input"])
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
        raise v.error(
            f"a '{subject.kind}' subject needs 'input', the shape it is applied to",
            expected="e.g. input: [3, 224, 224]",
        )
    return subject


def shape_value(v: V) -> V:
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
