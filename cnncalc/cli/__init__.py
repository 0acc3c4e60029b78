"""The command line: parses arguments, calls the library, renders. No arithmetic here.

Each command lives in its own module; this table is the one place that names them.
"""

from __future__ import annotations

import os
import sys

import typer

from . import check, compare, layer, pictures, summary, verify

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Exact shapes, parameters, MACs, receptive fields and memory of convolutional networks.",
)
app.command("summary")(summary.summary)
app.command("list")(summary.list_)
app.command("compare")(compare.compare)
app.command("layer")(layer.layer)
app.command("check")(check.check)
app.command("verify")(verify.verify)
app.command("plot")(pictures.plot)
app.command("report")(pictures.report)


def main() -> None:
    """Entry point of the `cnncalc` command."""
    try:
        app()
    except (RecursionError, MemoryError) as error:
        from rich.console import Console

        Console(stderr=True, soft_wrap=True, emoji=False).print(f"[bold red]error:[/bold red] the input is too large or too deeply nested ({type(error).__name__})")
        sys.exit(2)
    except Exception as error:  # a bug in cnncalc, not the user's mistake
        if os.environ.get("CNNCALC_DEBUG"):
            raise
        print(f"internal error: {type(error).__name__}: {error} (set CNNCALC_DEBUG=1 for a traceback)", file=sys.stderr)
        sys.exit(3)
