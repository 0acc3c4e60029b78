"""Values read from a spec, each with the place it was written, so errors can point at it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .errors import SpecError


@dataclass(frozen=True)
class Loc:
    file: str | None
    line: int | None  # 1-based
    column: int | None  # 1-based

    def where(self) -> dict:
        return {"file": self.file, "line": self.line, "column": self.column}


NOWHERE = Loc(None, None, None)


@dataclass(frozen=True)
class V:
    """A spec value: int, Fraction, bool, str, None, list[V] or dict[str, V], with its location."""

    data: Any
    loc: Loc = NOWHERE
    keys: dict | None = None  # for mappings: where each key was written

    def error(self, message: str, cls: type = SpecError, **fields) -> SpecError:
        return cls(message, **fields).located(**self.loc.where())

    def key_error(self, key: str, message: str, **fields) -> SpecError:
        """An error located at one of this mapping's keys."""
        loc = (self.keys or {}).get(key, self.data[key].loc)
        return SpecError(message, **fields).located(**loc.where())

    def plain(self) -> Any:
        """The value with all locations stripped."""
        if isinstance(self.data, list):
            return [item.plain() for item in self.data]
        if isinstance(self.data, dict):
            return {key: item.plain() for key, item in self.data.items()}
        return self.data


def wrap(data: Any, loc: Loc = NOWHERE) -> V:
    """A V tree from plain Python data (for values that come from the command line or code)."""
    if isinstance(data, V):
        return data
    if isinstance(data, (list, tuple)):
        return V([wrap(item, loc) for item in data], loc)
    if isinstance(data, dict):
        return V({str(key): wrap(item, loc) for key, item in data.items()}, loc)
    return V(data, loc)
