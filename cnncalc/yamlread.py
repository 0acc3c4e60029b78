"""YAML text to located values (`V`), safely.

Only the plain YAML types are accepted (mappings, sequences, strings, integers, decimals,
booleans, null). Decimals become exact Fractions from their written digits. Duplicate keys,
tags such as ``!!python/object``, merge keys and alias bombs are errors with a position.
"""

from __future__ import annotations

from fractions import Fraction

import yaml

from .errors import LimitError, SpecError
from .located import Loc, V

MAX_FILE_BYTES = 1_000_000
MAX_NODES = 50_000  # values after expanding aliases; a "billion laughs" stops here
MAX_DEPTH = 100  # nesting of lists and mappings

_TAG = "tag:yaml.org,2002:"
_SCALARS = {_TAG + name for name in ("str", "int", "float", "bool", "null")}
_COLLECTIONS = {_TAG + "map", _TAG + "seq"}
_constructor = yaml.constructor.SafeConstructor()


def read_source(path) -> str:
    """The text of a spec, claims file or note, as cnncalc errors when it cannot be read."""
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise SpecError("the file is not UTF-8 text", file=name) from None
    except OSError as error:
        raise SpecError(f"cannot read the file: {error.strerror or error}", file=name) from None
    if len(text) > MAX_FILE_BYTES:
        raise LimitError(f"file is {len(text):,} characters long", file=name, expected=f"at most {MAX_FILE_BYTES:,}")
    return text


def read_yaml(text: str, file: str | None) -> V | None:
    """The document in `text` as a V tree, or None for an empty document."""
    if len(text) > MAX_FILE_BYTES:
        raise LimitError(f"file is {len(text):,} characters long", file=file, expected=f"at most {MAX_FILE_BYTES:,}")
    if text.count("[") + text.count("{") > MAX_DEPTH and _flow_depth(text) > MAX_DEPTH:
        raise LimitError("YAML nests too deeply", file=file, expected=f"at most {MAX_DEPTH} levels")
    try:
        # Not libyaml's CSafeLoader, though 14x faster: it crashes the interpreter on deep
        # nesting, accepts tabs PyYAML refuses, and places empty values elsewhere.
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = {"line": mark.line + 1, "column": mark.column + 1} if mark else {}
        problem = error.problem or error.context or "malformed YAML"
        raise SpecError(f"invalid YAML: {problem}", file=file, **where) from None
    except yaml.YAMLError as error:
        raise SpecError(f"invalid YAML: {error}", file=file) from None
    except RecursionError:
        raise LimitError("YAML nests too deeply", file=file) from None
    if node is None:
        return None
    return _Converter(file).convert(node, 0)


def _flow_depth(text: str) -> int:
    """The deepest nesting of [ and { outside quotes and comments. PyYAML's scanner is
    quadratic in this depth, so deep documents are refused before it sees them."""
    depth = deepest = 0
    quote = None
    previous = ""
    for char in text:
        if quote:
            if char == quote and not (quote == '"' and previous == "\\"):
                quote = None
        elif char == "#" and previous in " \t\n":
            quote = "\n"  # a comment runs to the end of the line
        elif char in "'\"" and previous in " \t\n[{,:":
            quote = char
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
        previous = char
    return deepest


class _Converter:
    def __init__(self, file: str | None):
        self.file = file
        self.nodes = 0

    def loc(self, node) -> Loc:
        mark = node.start_mark
        return Loc(self.file, mark.line + 1, mark.column + 1)

    def convert(self, node, depth: int) -> V:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise LimitError("YAML expands to too many values (alias bomb?)", expected=f"at most {MAX_NODES:,}", **self.loc(node).where())
        if depth > MAX_DEPTH:
            raise LimitError("YAML nests too deeply", expected=f"at most {MAX_DEPTH} levels", **self.loc(node).where())
        loc = self.loc(node)
        if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and node.tag not in _COLLECTIONS:
            raise SpecError(f"YAML tag {node.tag.replace(_TAG, '!!')} is not allowed in a spec", **loc.where())
        if isinstance(node, yaml.MappingNode):
            keys: dict[str, Loc] = {}
            return V(self.mapping(node, depth, keys), loc, keys)
        if isinstance(node, yaml.SequenceNode):
            return V([self.convert(item, depth + 1) for item in node.value], loc)
        if node.style in ("'", '"'):  # point at the text inside the quotes
            loc = Loc(loc.file, loc.line, loc.column + 1)
        return V(self.scalar(node, loc), loc)

    def mapping(self, node, depth: int, keys: dict) -> dict:
        result: dict[str, V] = {}
        for key_node, value_node in node.value:
            where = self.loc(key_node).where()
            if key_node.tag == _TAG + "merge":
                raise SpecError("YAML merge keys ('<<') are not supported; use blocks", **where)
            if not isinstance(key_node, yaml.ScalarNode):
                raise SpecError("mapping keys must be plain words", **where)
            key = self.scalar(key_node, self.loc(key_node))
            if isinstance(key, bool) or key is None:
                raise SpecError(f"mapping key {key_node.value!r} must be a word", **where)
            key = str(key_node.value) if not isinstance(key, str) else key
            if key in result:
                first = result[key].loc.line
                raise SpecError(f"duplicate key '{key}' (first at line {first})", **where)
            keys[key] = self.loc(key_node)
            result[key] = self.convert(value_node, depth + 1)
        return result

    def scalar(self, node, loc: Loc):
        if node.tag not in _SCALARS:
            tag = node.tag.replace(_TAG, "!!")
            raise SpecError(f"YAML tag {tag} is not allowed in a spec", **loc.where())
        if node.tag == _TAG + "float":
            text = node.value.replace("_", "")
            try:
                return Fraction(text)
            except (ValueError, ZeroDivisionError):
                raise SpecError(f"{node.value!r} is not a finite number", **loc.where()) from None
        return _constructor.construct_object(node)
