"""The one error type cnncalc raises for a user's mistake, with where it happened.

Library code raises these with the fields it knows; code further out fills in what it
knows better (the spec loader adds file and line, the builder adds the layer path).
Only the CLI turns an error into a red line and exit code 2.
"""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass
class CnnCalcError(Exception):
    """A problem with the user's input. `message` says what is wrong, in one sentence."""

    message: str
    file: str | None = None
    line: int | None = None  # 1-based
    column: int | None = None  # 1-based
    path: str | None = None  # layer path, e.g. layers[3].residual.body[1]
    expected: str | None = None
    got: str | None = None
    hint: str | None = None

    def __post_init__(self) -> None:
        super().__init__(self.message)

    def located(self, **where: object) -> CnnCalcError:
        """A copy with the location fields that are still empty filled in from `where`."""
        missing = {key: value for key, value in where.items() if getattr(self, key) is None}
        return replace(self, **missing) if missing else self

    def __str__(self) -> str:
        place = ":".join(str(p) for p in (self.file, self.line, self.column) if p is not None)
        text = self.message
        if self.path:
            text = f"{self.path}: {text}"
        if place:
            text = f"{place}: {text}"
        details = [f"expected {self.expected}" if self.expected is not None else None, f"got {self.got}" if self.got is not None else None]
        if any(details):
            text += f" ({', '.join(d for d in details if d)})"
        if self.hint:
            text += f"; {self.hint}"
        return text


class SpecError(CnnCalcError):
    """The spec file or a command-line value is malformed or names something unknown."""


class ShapeError(CnnCalcError):
    """The layers are well formed but cannot be applied to the shapes that reach them."""


class LimitError(CnnCalcError):
    """The input asks for more than cnncalc allows (layers, expression size, memory)."""


def did_you_mean(word: str, choices: list[str] | tuple[str, ...]) -> str | None:
    """A 'did you mean' hint for an unknown name, or None if nothing is close."""
    import difflib  # only on the error path

    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else None
