"""Sizes and the expressions that produce them.

A *size* is an exact number (``int``, or ``Fraction`` for ratios such as a receptive-field
jump of 1/2) or a sympy expression when it depends on a declared symbol such as ``c``.
Layer formulas are written once with ordinary operators and work on both; the helpers
here cover the few places where Python and sympy spell an operation differently.

Spec expressions (``4*c``, ``c // 4``, ``2^k``, ``ceil(d * 1.2)``) are parsed by the small
parser below into a tuple tree and evaluated against an environment of names. Nothing is
ever handed to ``eval``, ``sympify`` or ``parse_expr``; sympy is imported only when a value
actually involves a symbol.
"""

from __future__ import annotations

import math
from fractions import Fraction
from functools import lru_cache
from typing import Any, Callable, Mapping

from .errors import LimitError, SpecError, did_you_mean

Size = Any  # int | Fraction | sympy.Expr

MAX_EXPRESSION_LENGTH = 1000
MAX_EXPRESSION_DEPTH = 50
MAX_MAGNITUDE = 10**30  # no honest network hyperparameter comes near this

_sympy = None


def sympy():
    """The sympy module, imported on first use (it costs ~0.3 s)."""
    global _sympy
    if _sympy is None:
        import sympy as module

        _sympy = module
    return _sympy


def symbol(name: str):
    """A size symbol: a positive integer, as every tensor dimension is."""
    return sympy().Symbol(name, integer=True, positive=True)


_NUMBERS = (int, Fraction)


def is_concrete(value: Size) -> bool:
    return value.__class__ in _NUMBERS  # exact classes: bool is not a size


def normalize(value: Size) -> Size:
    """int for whole numbers, Fraction for other ratios, sympy only for true expressions."""
    if type(value) is int:
        return value
    if isinstance(value, Fraction):
        return value.numerator if value.denominator == 1 else value
    if getattr(value, "is_Integer", False):
        return int(value)
    if getattr(value, "is_Rational", False):
        return Fraction(int(value.p), int(value.q))
    return value


# --- operations that differ between Python numbers and sympy --------------------------


def divide(a: Size, b: Size) -> Size:
    """Exact division: a Fraction for numbers, a sympy quotient otherwise."""
    if type(a) is int and type(b) is int and b and a % b == 0:
        return a // b  # the common case, without Fraction's cost
    if is_concrete(a) and is_concrete(b):
        return normalize(Fraction(a) / b)
    return normalize(a / b)


def ceil_div(a: Size, b: Size) -> Size:
    if is_concrete(a) and is_concrete(b):
        return -((-a) // b)
    return normalize(sympy().ceiling(a / b))  # reads better than sympy's -floor(-a/b)


def smax(*values: Size) -> Size:
    try:
        return max(values)  # numbers, and formulas sympy can order
    except TypeError:  # an order that depends on the symbols' values
        return normalize(sympy().Max(*values))


def smin(*values: Size) -> Size:
    try:
        return min(values)
    except TypeError:
        return normalize(sympy().Min(*values))


def decide(condition: Any) -> bool | None:
    """True or False when the condition can be decided, None when it depends on symbols."""
    if isinstance(condition, bool):
        return condition
    try:
        return bool(condition)
    except TypeError:  # an undecidable sympy relational
        return None


def where(condition: Any, if_true: Size, if_false: Size) -> Size:
    """`if_true if condition else if_false`, as a Piecewise when symbols leave it open."""
    decided = decide(condition)
    if decided is not None:
        return if_true if decided else if_false
    return sympy().Piecewise((if_true, condition), (if_false, True))


def sign(value: Size) -> int | None:
    """-1, 0 or 1, or None when symbols leave it open (c**2 is positive, c - 3 is open)."""
    if is_concrete(value):
        return (value > 0) - (value < 0)
    return _symbolic_sign(value)


@lru_cache(maxsize=4096)
def _symbolic_sign(value) -> int | None:
    # sympy's assumptions decide most sizes at once (4*c - 1 > 0 for a positive integer c);
    # expanding decides polynomials; simplify, a hundred times slower, is kept for the
    # floors, ceilings and maxima that it can resolve
    for form in (value, sympy().expand(value)):
        decided = _assumed_sign(form)
        if decided is not None:
            return decided
    if value.atoms(sympy().Function):
        return _assumed_sign(sympy().simplify(value))
    return None


def _assumed_sign(value) -> int | None:
    if value.is_zero:
        return 0
    if value.is_positive:
        return 1
    if value.is_negative:
        return -1
    return None


def equal(a: Size, b: Size) -> bool | None:
    """Whether two sizes are equal: True, False, or None when symbols leave it open.
    50*c**2 and 25*c**2 differ for every positive c, so they are not equal."""
    if a.__class__ in _NUMBERS and b.__class__ in _NUMBERS:
        return a == b
    if a == b:  # the same formula
        return True
    difference = sign(normalize(a - b))
    return None if difference is None else difference == 0


def product(values) -> Size:
    result = 1
    for value in values:
        result = result * value
    return normalize(result)


def to_text(value: Size) -> str:
    """How a size is printed: 61706, 3/2, 17*c**2."""
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def to_json(value: Size):
    """Exact integers as JSON numbers, anything else as its text."""
    return value if type(value) is int else to_text(value)


# --- the expression parser ---------------------------------------------------------------


class ExpressionError(SpecError):
    """A malformed or unevaluable expression; `column` is 1-based within the expression."""


_SINGLE = "+-*/%^(),<>"
_COMPARISONS = ("==", "!=", "<", "<=", ">", ">=")
KEYWORDS = ("and", "or", "not")


def _tokens(text: str) -> list[tuple[str, str, int]]:
    """(kind, text, position) triples ending with an 'end' token."""
    if len(text) > MAX_EXPRESSION_LENGTH:
        raise LimitError(
            f"expression is {len(text)} characters long",
            expected=f"at most {MAX_EXPRESSION_LENGTH}",
        )
    tokens, i = [], 0
    while i < len(text):
        char = text[i]
        if char.isspace():
            i += 1
        elif char.isdigit() or (char == "." and text[i + 1 : i + 2].isdigit()):
            start = i
            while i < len(text) and (text[i].isdigit() or text[i] in "._"):
                i += 1
            if i < len(text) and text[i] in "eE":
                i += 1
                if i < len(text) and text[i] in "+-":
                    i += 1
                while i < len(text) and text[i].isdigit():
                    i += 1
            tokens.append(("num", text[start:i], start))
        elif char.isascii() and (char.isalpha() or char == "_"):
            start = i
            while i < len(text) and text[i].isascii() and (text[i].isalnum() or text[i] == "_"):
                i += 1
            tokens.append(("name", text[start:i], start))
        elif text.startswith(("**", "//", "==", "!=", "<=", ">="), i):
            tokens.append(("op", text[i : i + 2], i))
            i += 2
        elif char in _SINGLE:
            tokens.append(("op", char, i))
            i += 1
        else:
            raise ExpressionError(f"unexpected character {char!r} in expression {text!r}", column=i + 1)
    tokens.append(("end", "", len(text)))
    return tokens


class _Parser:
    """Recursive descent over the grammar

    either  := both ('or' both)*
    both    := negation ('and' negation)*
    negation := 'not' negation | compare
    compare := sum (('==' | '!=' | '<' | '<=' | '>' | '>=') sum)?
    sum     := product (('+' | '-') product)*
    product := unary (('*' | '/' | '//' | '%') unary)*
    unary   := ('-' | '+') unary | power
    power   := atom (('^' | '**') unary)?          # right-associative, binds tighter than unary minus
    atom    := number | name | name '(' sum (',' sum)* ')' | '(' sum ')'
    """

    def __init__(self, text: str):
        self.text = text
        self.tokens = _tokens(text)
        self.i = 0
        self.depth = 0

    def fail(self, message: str, position: int):
        raise ExpressionError(f"{message} in expression {self.text!r}", column=position + 1)

    def peek(self) -> tuple[str, str, int]:
        return self.tokens[self.i]

    def take(self) -> tuple[str, str, int]:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def expect(self, op: str) -> None:
        kind, text, position = self.take()
        if (kind, text) != ("op", op):
            self.fail(f"expected '{op}' but found {text or 'the end'!r}", position)

    def parse(self):
        tree = self.either()
        kind, text, position = self.peek()
        if kind != "end":
            self.fail(f"unexpected {text!r}", position)
        return tree

    def nested(self):
        self.depth += 1
        if self.depth > MAX_EXPRESSION_DEPTH:
            raise LimitError(
                f"expression {self.text[:40]!r}... nests too deeply",
                expected=f"at most {MAX_EXPRESSION_DEPTH} levels",
            )

    def keyword(self, word: str) -> bool:
        return self.peek()[:2] == ("name", word)

    def either(self):
        tree = self.both()
        while self.keyword("or"):
            position = self.take()[2]
            tree = ("or", tree, self.both(), position)
        return tree

    def both(self):
        tree = self.negation()
        while self.keyword("and"):
            position = self.take()[2]
            tree = ("and", tree, self.negation(), position)
        return tree

    def negation(self):
        if self.keyword("not"):
            position = self.take()[2]
            self.nested()
            tree = ("not", self.negation(), position)
            self.depth -= 1
            return tree
        return self.compare()

    def compare(self):
        tree = self.sum()
        kind, text, position = self.peek()
        if kind == "op" and text in _COMPARISONS:
            self.take()
            tree = (text, tree, self.sum(), position)
        return tree

    def sum(self):
        self.nested()
        tree = self.product()
        while self.peek()[:2] in (("op", "+"), ("op", "-")):
            _, op, position = self.take()
            tree = (op, tree, self.product(), position)
        self.depth -= 1
        return tree

    def product(self):
        tree = self.unary()
        while self.peek()[0] == "op" and self.peek()[1] in ("*", "/", "//", "%"):
            _, op, position = self.take()
            tree = (op, tree, self.unary(), position)
        return tree

    def unary(self):
        kind, text, position = self.peek()
        if kind == "op" and text in "+-":
            self.take()
            self.nested()
            operand = self.unary()
            self.depth -= 1
            return ("neg", operand, position) if text == "-" else operand
        return self.power()

    def power(self):
        base = self.atom()
        kind, text, position = self.peek()
        if kind == "op" and text in ("^", "**"):
            self.take()
            self.nested()
            exponent = self.unary()
            self.depth -= 1
            return ("^", base, exponent, position)
        return base

    def atom(self):
        kind, text, position = self.take()
        if kind == "num":
            try:
                value = Fraction(text.replace("_", ""))
            except (ValueError, ZeroDivisionError):
                self.fail(f"malformed number {text!r}", position)
            return ("num", normalize(value))
        if kind == "name":
            if text in KEYWORDS:
                self.fail(f"'{text}' needs something before and after it", position)
            if self.peek()[:2] == ("op", "("):
                self.take()
                args = [self.either()]
                while self.peek()[:2] == ("op", ","):
                    self.take()
                    args.append(self.either())
                self.expect(")")
                return ("call", text, tuple(args), position)
            return ("name", text, position)
        if (kind, text) == ("op", "("):
            tree = self.either()
            self.expect(")")
            return tree
        self.fail(f"expected a number, a name or '(' but found {text or 'the end'!r}", position)


@lru_cache(maxsize=4096)
def parse(text: str):
    """The expression tree of `text`; raises ExpressionError with the column of the problem."""
    return _Parser(text).parse()


def names_in(tree) -> set[str]:
    """The free names an expression refers to (function names excluded)."""
    kind = tree[0]
    if kind == "num":
        return set()
    if kind == "name":
        return {tree[1]}
    if kind == "call":
        return set().union(*(names_in(arg) for arg in tree[2]))
    if kind in ("neg", "not"):
        return names_in(tree[1])
    return names_in(tree[1]) | names_in(tree[2])


# --- evaluation ------------------------------------------------------------------------------


def _check_magnitude(value: Size, position: int) -> Size:
    if is_concrete(value) and abs(value) > MAX_MAGNITUDE:
        raise LimitError("expression value is absurdly large", column=position + 1, expected="at most 10**30")
    return value


def _number(value: Any, name: str, position: int) -> Size:
    if isinstance(value, bool) or isinstance(value, str) or value is None:
        raise ExpressionError(f"'{name}' is {to_text(value)!r}, not a number", column=position + 1)
    return value


def _concrete_only(function: str, args: tuple, position: int) -> None:
    if not all(is_concrete(arg) for arg in args):
        raise ExpressionError(
            f"{function}() needs numbers, not symbols", column=position + 1, hint="give the symbols values with --set"
        )


def _round(args, position):
    _concrete_only("round", args, position)
    value, *digits = args
    if digits:
        return normalize(Fraction(round(Fraction(value), int(digits[0]))))
    return round(Fraction(value))  # half to even, as Python's round


def _ceil(args, position):
    (value,) = args
    return math.ceil(value) if is_concrete(value) else normalize(sympy().ceiling(value))


def _floor(args, position):
    (value,) = args
    return math.floor(value) if is_concrete(value) else normalize(sympy().floor(value))


def _int(args, position):
    _concrete_only("int", args, position)
    return math.trunc(args[0])


def _abs(args, position):
    (value,) = args
    return abs(value) if is_concrete(value) else normalize(sympy().Abs(value))


def make_divisible(value: Size, divisor: Size, min_value: Size | None = None) -> int:
    """Round `value` to a multiple of `divisor`, never below 90% of it (torchvision, MobileNet)."""
    if min_value is None:
        min_value = divisor
    rounded = max(min_value, math.floor(value + Fraction(divisor) / 2) // divisor * divisor)
    if rounded < Fraction(9, 10) * value:
        rounded += divisor
    return int(rounded)


def _make_divisible(args, position):
    _concrete_only("make_divisible", args, position)
    if args[1] <= 0:
        raise ExpressionError("make_divisible() needs a positive divisor", column=position + 1)
    return make_divisible(*args)


FUNCTIONS: dict[str, tuple[int, int, Callable]] = {
    # name: (fewest arguments, most arguments, implementation)
    "ceil": (1, 1, _ceil),
    "floor": (1, 1, _floor),
    "round": (1, 2, _round),
    "int": (1, 1, _int),
    "abs": (1, 1, _abs),
    "min": (2, 16, lambda args, position: smin(*args)),
    "max": (2, 16, lambda args, position: smax(*args)),
    "make_divisible": (2, 3, _make_divisible),
}


def _power(base: Size, exponent: Size, position: int) -> Size:
    if is_concrete(exponent) and not isinstance(exponent, int):
        raise ExpressionError("the exponent must be a whole number", column=position + 1, got=to_text(exponent))
    if is_concrete(base) and is_concrete(exponent):
        if base == 0 and exponent < 0:
            raise ExpressionError("0 raised to a negative power", column=position + 1)
        if abs(base) > 1 and abs(exponent) * math.log2(abs(base)) > 100:
            raise LimitError("expression value is absurdly large", column=position + 1, expected="at most 2**100")
        return normalize(Fraction(base) ** exponent)
    if is_concrete(exponent) and abs(exponent) > 64:
        raise LimitError("exponent too large", column=position + 1, expected="at most 64")
    return normalize(base**exponent)


def truth(value: Size, position: int = 0) -> bool:
    """Whether a condition holds; a condition that depends on symbols is an error."""
    decided = decide(value != 0) if is_concrete(value) else decide(value)
    if decided is None:
        raise ExpressionError(
            f"the condition {to_text(value)} depends on symbols", column=position + 1, hint="give them values with --set"
        )
    return decided


def _compare(op: str, a: Size, b: Size) -> Size:
    """1 or 0 for numbers (so conditions can also count), a sympy relation for symbols."""
    if op in ("==", "!="):
        same = equal(a, b)
        if same is None:
            relation = sympy().Eq(a, b)
            return relation if op == "==" else sympy().Not(relation)
        return int(same == (op == "=="))
    result = {"<": lambda: a < b, "<=": lambda: a <= b, ">": lambda: a > b, ">=": lambda: a >= b}[op]()
    decided = decide(result)
    return result if decided is None else int(decided)


def _binary(op: str, a: Size, b: Size, position: int) -> Size:
    if op == "+":
        return normalize(a + b)
    if op == "-":
        return normalize(a - b)
    if op == "*":
        return normalize(a * b)
    if op == "^":
        return _power(a, b, position)
    if decide(b == 0):
        raise ExpressionError("division by zero", column=position + 1)
    if op == "/":
        return divide(a, b)
    if op == "//":
        return normalize(a // b)
    return normalize(a % b)  # '%'


def evaluate(tree, env: Mapping[str, Any]) -> Size:
    """The value of a parsed expression, with names looked up in `env`."""
    kind = tree[0]
    if kind == "num":
        return tree[1]
    if kind == "name":
        name, position = tree[1], tree[2]
        if name not in env:
            known = sorted(k for k, v in env.items() if not isinstance(v, (bool, str)))
            raise ExpressionError(
                f"undefined name '{name}'",
                column=position + 1,
                hint=did_you_mean(name, known) or "declare it under 'symbols' or 'constants', or pass it to the block",
            )
        return _number(env[name], name, position)
    if kind == "neg":
        return normalize(-evaluate(tree[1], env))
    if kind == "not":
        return int(not truth(evaluate(tree[1], env), tree[2]))
    if kind in ("and", "or"):
        left = truth(evaluate(tree[1], env), tree[3])
        if left == (kind == "or"):  # short-circuit, as Python does
            return int(left)
        return int(truth(evaluate(tree[2], env), tree[3]))
    if kind == "call":
        name, arg_trees, position = tree[1], tree[2], tree[3]
        if name not in FUNCTIONS:
            raise ExpressionError(
                f"unknown function '{name}'",
                column=position + 1,
                hint=did_you_mean(name, list(FUNCTIONS)) or f"known: {', '.join(FUNCTIONS)}",
            )
        fewest, most, implementation = FUNCTIONS[name]
        if not fewest <= len(arg_trees) <= most:
            count = f"{fewest}" if fewest == most else f"{fewest} to {most}"
            noun = "argument" if most == 1 else "arguments"
            raise ExpressionError(f"{name}() takes {count} {noun}, not {len(arg_trees)}", column=position + 1)
        args = tuple(evaluate(arg, env) for arg in arg_trees)
        return _check_magnitude(normalize(implementation(args, position)), position)
    op, left, right, position = tree
    if op in _COMPARISONS:
        return _compare(op, evaluate(left, env), evaluate(right, env))
    return _check_magnitude(_binary(op, evaluate(left, env), evaluate(right, env), position), position)


def evaluate_text(text: str, env: Mapping[str, Any]) -> Size:
    """Parse and evaluate in one step.

    >>> evaluate_text("4*c", {"c": 16}), evaluate_text("make_divisible(32 * 1.1, 8)", {})
    (64, 32)
    >>> evaluate_text("2^k + c // 4", {"k": 3, "c": 10})
    10
    >>> str(evaluate_text("17*c^2", {"c": symbol("c")}))
    '17*c**2'
    """
    return evaluate(parse(text), env)
