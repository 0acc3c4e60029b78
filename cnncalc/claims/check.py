"""Checking claims: stated values against measured ones, relations between two subjects."""

from __future__ import annotations

import re
from dataclasses import replace
from fractions import Fraction
from pathlib import Path

from ..compare import QUANTITIES, ratio
from ..errors import CnnCalcError
from ..layers import ALIASES, LAYERS
from ..located import V
from ..solve import Solution, solve
from ..spec import describe
from ..symbolic import Size, equal, is_concrete, normalize
from ..symbolic import sign as symbolic_sign
from .measure import Measured, evaluate_stated, measure, with_symbols
from .model import (
    MEASURES,
    VALUE,
    WORDS,
    Check,
    Claim,
    Result,
    Rounded,
)
from .read import read_claims, shape_value

_SUFFIXES = {"K": 10**3, "M": 10**6, "G": 10**9, "B": 10**9, "T": 10**12}
_ROUNDED = re.compile(r"\s*([0-9][0-9_]*(?:\.[0-9]+)?)\s*([KMGBT])\s*\Z")
_GROUPED = re.compile(r"\s*-?[0-9]{1,3}(?:,[0-9]{3})+\s*\Z")


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
        raise stated_v.error(
            f"'{quantity}' cannot be stated of this subject", hint="drop 'kinds'/'at', or check another quantity"
        )
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
        ((measure_name, value_v),) = stated_v.data.items()
        a, b = (_one(computed, stated_v), _one(that, stated_v)) if kind != "count" else (computed, that)
        measured = ratio(a, b) if measure_name == "ratio" else normalize(a - b)
        if measured is None:
            raise stated_v.error("a ratio to zero is undefined")
        stated = _stated(value_v, "count", env)
        return Check(
            quantity,
            (measure_name, stated),
            computed,
            _same(measured, stated, claim.within),
            that,
            measure_name,
            measured,
        )
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
    return tuple(_stated_size(item, env) for item in shape_value(v).data)


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
    return evaluate_stated(v, with_symbols(data, env))


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
    return {"less": sign < 0, "greater": sign > 0, "equal": sign == 0, "at_most": sign <= 0, "at_least": sign >= 0}[
        word
    ]


def _suggest(claim: Claim, checks: tuple) -> Solution | None:
    """For a one-layer claim with a wrong output shape: the paddings that give the stated one."""
    subject = claim.subject
    wrong = [
        check for check in checks if check.quantity == "output" and check.truth is False and check.relation is None
    ]
    if subject.kind != "layer" or not wrong or not isinstance(wrong[0].stated, tuple):
        return None
    ((kind, args),) = subject.value.data.items()
    kind = ALIASES.get(kind, kind)
    if kind not in LAYERS:
        return None
    from ..layers import layer_class
    from ..layers.args import arguments

    if "padding" not in arguments(layer_class(kind)) or not isinstance(args.data, (dict, type(None))):
        return None
    given = {key: value for key, value in (args.data or {}).items() if key != "padding"}
    try:
        solution = solve(kind, {**given, "padding": "?"}, subject.input, wrong[0].stated)
    except CnnCalcError:
        return None
    return solution if solution.found else None
