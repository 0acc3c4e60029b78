"""The expression parser and the int/sympy algebra."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cnncalc.errors import CnnCalcError, LimitError
from cnncalc.symbolic import (
    ExpressionError,
    ceil_div,
    equal,
    evaluate,
    evaluate_text,
    make_divisible,
    parse,
    symbol,
    to_text,
)


@pytest.mark.parametrize(
    "text, env, value",
    [
        ("4*c", {"c": 16}, 64),
        ("c // 4", {"c": 18}, 4),
        ("H/32", {"H": 224}, 7),
        ("H/32", {"H": 100}, Fraction(25, 8)),
        ("2^k", {"k": 5}, 32),
        ("2**k", {"k": 5}, 32),
        ("-2^2", {}, -4),  # power binds tighter than unary minus, as in Python
        ("2^3^2", {}, 512),  # and groups to the right: 2^(3^2)
        ("2^-1", {}, Fraction(1, 2)),
        ("ceil(3 * 1.2)", {}, 4),  # 3.6 exactly, not 3.5999...
        ("floor(7/2) + round(2.5) + round(3.5)", {}, 3 + 2 + 4),  # round halves to even, as Python
        ("min(3, 5, 2) + max(1, 4)", {}, 6),
        ("int(-7/2) + abs(-3)", {}, -3 + 3),
        ("10 % 4", {}, 2),
        ("1_000 + 1e3", {}, 2000),
        # torchvision's _make_divisible(32 * 1.1, 8): int(35.2 + 4) // 8 * 8 = 32, and 32 >= 0.9 * 35.2
        ("make_divisible(32 * 1.1, 8)", {}, 32),
        # 16 * 0.25 = 4 rounds to 8 (never below the divisor)
        ("make_divisible(16 * 0.25, 8)", {}, 8),
    ],
)
def test_values(text, env, value):
    assert evaluate_text(text, env) == value


@pytest.mark.parametrize(
    "text, column, words",
    [
        ("4*", 3, "expected a number, a name or '('"),
        ("(((1", 5, "expected ')'"),
        ("1 2", 3, "unexpected '2'"),
        ("a.b", 2, "unexpected character '.'"),
        ('__import__("os")', 12, "unexpected character '\"'"),
        ("open('x')", 6, "unexpected character"),
        ("foo(1)", 1, "unknown function 'foo'"),
        ("ceil(1, 2)", 1, "ceil() takes 1 argument, not 2"),
        ("x + 1", 1, "undefined name 'x'"),
        ("1/0", 2, "division by zero"),
        ("2^0.5", 2, "exponent must be a whole number"),
    ],
)
def test_errors_point_into_the_expression(text, column, words):
    with pytest.raises(ExpressionError) as caught:
        evaluate_text(text, {})
    assert caught.value.column == column and words in str(caught.value)


def test_limits():
    with pytest.raises(LimitError):
        evaluate_text("9^9^9", {})
    with pytest.raises(LimitError):
        parse("1+" * 600 + "1")
    with pytest.raises(LimitError):
        parse("(" * 60 + "1" + ")" * 60)


def test_symbols_are_positive_integers_and_results_formulas():
    c = symbol("c")
    assert to_text(evaluate_text("4*c*c + 9*c^2 + 4*c**2", {"c": c})) == "17*c**2"
    assert evaluate_text("18*c^2 / (25*c^2)", {"c": c}) == Fraction(18, 25)
    assert equal(evaluate_text("c // 4", {"c": c}) * 0 + c, c)
    assert (c > 0) is not False and c.is_integer


def test_rounding_helpers_need_numbers():
    with pytest.raises(ExpressionError, match="needs numbers"):
        evaluate_text("make_divisible(c, 8)", {"c": symbol("c")})


def test_names_bound_to_words_are_not_numbers():
    with pytest.raises(ExpressionError, match="not a number"):
        evaluate_text("mode + 1", {"mode": "bilinear"})


def torchvision_make_divisible(v, divisor, min_value=None):
    """torchvision.models._utils._make_divisible, copied as the independent reference."""
    if min_value is None:
        min_value = divisor
    new_v = max(min_value, int(v + divisor / 2) // divisor * divisor)
    if new_v < 0.9 * v:
        new_v += divisor
    return new_v


@given(st.integers(1, 2048), st.sampled_from(["1.0", "1.1", "1.2", "1.4", "1.6", "1.8", "2.0", "2.2", "0.5", "0.75"]))
def test_make_divisible_follows_torchvisions_rule_on_exact_values(channels, width):
    value = channels * Fraction(width)
    assert make_divisible(value, 8) == torchvision_make_divisible(value, 8)


def test_make_divisible_is_exact_where_torchvision_rounds_a_float():
    # 180 * 1.4 is 252 exactly, so 252 + 4 = 256 is a multiple of 8; in floating point the
    # product is 251.99999999999997 and torchvision's int(255.99...) // 8 * 8 gives 248.
    assert torchvision_make_divisible(180 * 1.4, 8) == 248
    assert make_divisible(180 * Fraction("1.4"), 8) == 256


OPERATORS = ["+", "-", "*", "//", "%"]


@st.composite
def expressions(draw, depth=0):
    """Random expressions over c and small numbers."""
    if depth > 3 or draw(st.booleans()):
        return draw(st.sampled_from(["c", "1", "2", "3", "7"]))
    op = draw(st.sampled_from(OPERATORS))
    return f"({draw(expressions(depth + 1))} {op} {draw(expressions(depth + 1))})"


@given(expressions(), st.integers(1, 50))
def test_symbolic_results_at_a_value_equal_the_concrete_computation(text, value):
    try:
        concrete = evaluate_text(text, {"c": value})
    except CnnCalcError:
        return  # e.g. division by zero at this value
    c = symbol("c")
    formula = evaluate_text(text, {"c": c})
    at_value = formula.subs(c, value) if hasattr(formula, "subs") else formula
    assert at_value == concrete


@given(st.text(max_size=40))
def test_any_text_parses_or_raises_a_cnncalc_error(text):
    try:
        evaluate(parse(text), {"c": 3})
    except CnnCalcError:
        pass


def test_ceil_div_works_for_ints_and_symbols():
    assert ceil_div(7, 2) == 4 and ceil_div(-7, 2) == -3
    c = symbol("c")
    assert to_text(ceil_div(c, 2)) == "ceiling(c/2)"
    assert math.ceil(Fraction(7, 2)) == ceil_div(7, 2)


@pytest.mark.parametrize(
    "text, value",
    [
        ("stride != 1 or c != out", 1),
        ("stride == 1 and c == out", 0),
        ("not stride > 1", 0),
        ("(c >= 64) * 3", 3),  # a true condition counts as 1
        ("c < out or 1 / 0", ExpressionError),  # 'or' evaluates its right side only when needed: here it is
        ("c == out or 1 / 0", 1),  # and here it is not
    ],
)
def test_conditions(text, value):
    env = {"stride": 2, "c": 64, "out": 64}
    if value is ExpressionError:
        with pytest.raises(ExpressionError):
            evaluate_text(text, env)
    else:
        assert evaluate_text(text, env) == value


def test_comparisons_do_not_chain_and_keywords_are_not_names():
    with pytest.raises(ExpressionError, match="unexpected '<'"):
        evaluate_text("1 < 2 < 3", {})
    with pytest.raises(ExpressionError, match="needs something before and after"):
        evaluate_text("and + 1", {})
