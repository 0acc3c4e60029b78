"""`cnncalc check`."""

from __future__ import annotations

from pathlib import Path

import typer

from ..errors import CnnCalcError, SpecError
from .common import fail


def check(
    file: Path = typer.Argument(..., help="A claims file (.yaml), a Markdown note with ```cnncalc blocks (.md), or a spec file (its expect: entries)."),
    format: str = typer.Option("table", "--format", "-f", help="table or json."),
    failures: bool = typer.Option(False, "--failures", help="Show only the claims that are not as the file says."),
) -> None:
    """Check claims: exit 0 if every claim is as true (or as false) as the file says, 1 if one is not, 2 on bad input."""
    from ..claims import check_file
    from ..render import claims as views

    try:
        if format not in ("table", "json"):
            raise SpecError(f"unknown format '{format}'", expected="table or json")
        results = check_file(file)
    except CnnCalcError as error:
        fail(error)
    if format == "json":
        print(views.render_json(results))
    else:
        views.print_results(results, failures_only=failures)
    if any(result.error is not None for result in results):
        raise typer.Exit(2)
    raise typer.Exit(0 if all(result.passed for result in results) else 1)
