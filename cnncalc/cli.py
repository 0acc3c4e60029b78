"""The command line: parses arguments, calls the library, renders. No arithmetic here."""

from __future__ import annotations

import os
import sys
from typing import List, Optional

import typer

from .errors import CnnCalcError, SpecError

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Exact shapes, parameters, MACs, receptive fields and memory of convolutional networks.",
)

SPEC_HELP = "A built-in architecture (see 'cnncalc list') or a spec file (.yaml)."
SET_HELP = "Give a symbol or constant a value, e.g. --set c=64 (repeatable)."
INPUT_HELP = "Replace the input shape, e.g. 3x224x224 (or 3,H,W)."
FORMAT_HELP = "Output format: table, json, markdown or csv."


def fail(error: CnnCalcError) -> None:
    from rich.console import Console
    from rich.markup import escape

    Console(stderr=True).print(f"[bold red]error:[/bold red] {escape(str(error))}", highlight=False)
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
    from .render import FORMATS

    if format not in FORMATS:
        raise SpecError(f"unknown format '{format}'", expected=", ".join(FORMATS))
    return format


def emit(report, format: str, depth: int | None) -> None:
    from . import render

    if format == "table":
        render.print_table(report, depth)
    else:
        writer = {"json": render.render_json, "markdown": render.render_markdown, "csv": render.render_csv}[format]
        sys.stdout.write(writer(report, depth) + ("\n" if format == "json" else ""))


@app.command()
def summary(
    spec: str = typer.Argument(..., help=SPEC_HELP),
    set_: Optional[List[str]] = typer.Option(None, "--set", "-s", help=SET_HELP),
    input: Optional[str] = typer.Option(None, "--input", "-i", help=INPUT_HELP),
    depth: Optional[int] = typer.Option(None, "--depth", "-d", min=0, help="Fold blocks nested deeper than this (0: top level only)."),
    batch: int = typer.Option(1, "--batch", "-b", min=1, help="Batch size for the memory figures."),
    dtype: str = typer.Option("fp32", "--dtype", help="Number format for memory: fp64, fp32, fp16, bf16, int8, int4, binary."),
    bias_macs: bool = typer.Option(False, "--bias-macs", help="Count one MAC per bias addition, as torchinfo does."),
    format: str = typer.Option("table", "--format", "-f", help=FORMAT_HELP),
) -> None:
    """Per-layer shapes, parameters, MACs and receptive fields, and the totals."""
    from .api import load

    try:
        check_format(format)
        network = load(spec, values=parse_values(set_ or []), input=parse_shape(input))
        report = network.summary(dtype=dtype, batch=batch, bias_macs=bias_macs)
    except CnnCalcError as error:
        fail(error)
    emit(report, format, depth)


@app.command("list")
def list_(format: str = typer.Option("table", "--format", "-f", help="table or json.")) -> None:
    """The built-in architectures with their totals."""
    from . import render
    from .catalog import builtins
    from .api import load

    try:
        check_format(format)
    except CnnCalcError as error:
        fail(error)
    entries = []
    for name in builtins():
        try:
            report = load(name).summary()
            entries.append((name, report, None))
        except CnnCalcError as error:
            entries.append((name, None, str(error)))
    render.print_list(entries, format)


def main() -> None:
    """Entry point of the `cnncalc` command."""
    try:
        app()
    except (RecursionError, MemoryError) as error:
        from rich.console import Console

        Console(stderr=True).print(f"[bold red]error:[/bold red] the input is too large or too deeply nested ({type(error).__name__})")
        sys.exit(2)
    except Exception as error:  # a bug in cnncalc, not the user's mistake
        if os.environ.get("CNNCALC_DEBUG"):
            raise
        print(f"internal error: {type(error).__name__}: {error} (set CNNCALC_DEBUG=1 for a traceback)", file=sys.stderr)
        sys.exit(3)
