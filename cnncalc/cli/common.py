"""What every command shares: the app, error reporting, parsing of shapes and --set values."""

from __future__ import annotations

import sys
import typer

from ..errors import CnnCalcError, SpecError

SPEC_HELP = "A built-in architecture (see 'cnncalc list') or a spec file (.yaml)."
SET_HELP = "Give a symbol or constant a value, e.g. --set c=64 (repeatable)."
INPUT_HELP = "Replace the input shape, e.g. 3x224x224 (or 3,H,W)."
FORMAT_HELP = "Output format: table, json, markdown or csv."


def fail(error: CnnCalcError) -> None:
    from rich.console import Console
    from rich.markup import escape

    Console(stderr=True, soft_wrap=True, emoji=False).print(f"[bold red]error:[/bold red] {escape(str(error))}", highlight=False)
    raise typer.Exit(2)


def split_top_level(text: str, separator: str) -> list[str]:
    """Split on `separator` outside parentheses."""
    parts, depth, current = [], 0, ""
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == separator and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    return [*parts, current]


def parse_shape(text: str | None) -> list[str] | None:
    """'3x224x224' or '3,H,W' -> ['3', '224', '224']."""
    if text is None:
        return None
    parts = [part.strip() for part in split_top_level(text, "," if "," in text else "x")]
    if not all(parts):
        raise SpecError(f"cannot read the shape '{text}'", expected="sizes separated by x or commas, e.g. 3x224x224")
    return parts


def parse_values(pairs: list[str]) -> dict[str, str]:
    values = {}
    for pair in pairs:
        name, equals, value = pair.partition("=")
        if not equals or not name.strip() or not value.strip():
            raise SpecError(f"cannot read --set '{pair}'", expected="NAME=VALUE, e.g. c=64")
        values[name.strip()] = value.strip()
    return values


def check_format(format: str) -> str:
    from ..render import FORMATS

    if format not in FORMATS:
        raise SpecError(f"unknown format '{format}'", expected=", ".join(FORMATS))
    return format


def emit(report, format: str, depth: int | None) -> None:
    from ..render import report as views

    if format == "table":
        views.print_table(report, depth)
    else:
        writer = {"json": views.render_json, "markdown": views.render_markdown, "csv": views.render_csv}[format]
        sys.stdout.write(writer(report, depth) + ("\n" if format == "json" else ""))
