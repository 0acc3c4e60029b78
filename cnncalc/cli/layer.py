"""`cnncalc layer`."""

from __future__ import annotations

from typing import List, Optional

import typer

from ..errors import CnnCalcError, SpecError
from .common import fail, parse_shape

ARGS_HELP = (
    "The layer's arguments as in a spec, KEY=VALUE: out=96 kernel=11 stride=4 padding=same bias=false kernel=[1,7]. "
    "One may be KEY=? together with --expect: every value that gives the expected shape is found "
    "(flags: false/true; words: each option; numbers: 0 to max(64, twice the largest size in --input and --expect))."
)


def layer(
    kind: str = typer.Argument(..., help="The layer kind, as in a spec: conv, depthwise, separable, conv_transpose, maxpool, avgpool, dense, lstm, upsample, ..."),
    args: Optional[List[str]] = typer.Argument(None, help=ARGS_HELP, show_default=False),
    input: str = typer.Option(..., "--input", "-i", help="The input shape, channels first: 3x224x224, 64x56x56, TxF (10x300) for recurrent layers; letters are symbols (c,H,W)."),
    expect: Optional[str] = typer.Option(None, "--expect", "-e", help="The output shape wanted: checked (exit 1 if different), or solved for with KEY=?."),
    format: str = typer.Option("table", "--format", "-f", help="table or json."),
) -> None:
    """One layer from the command line: output shape, parameters, MACs and receptive field; or which value of one argument gives a wanted shape."""
    from ..render import layer as views
    from ..solve import UNKNOWN, compare_output, layer_network, parse_arguments, solve

    try:
        if format not in ("table", "json"):
            raise SpecError(f"unknown format '{format}'", expected="table or json")
        parsed = parse_arguments(kind, args or [])
        shape = parse_shape(input)
        wanted = parse_shape(expect)
        texts = {key: "?" if v.data == UNKNOWN else _text(v.plain()) for key, v in parsed.items()}
        title = " ".join([kind, *(f"{key}={text}" for key, text in texts.items()), "on", _shape_text(shape)])
        if any(v.data == UNKNOWN for v in parsed.values()):
            if wanted is None:
                raise SpecError("an argument is '?' but there is no --expect shape to solve for", hint="add --expect, e.g. --expect 96x55x55")
            solution = solve(kind, parsed, shape, wanted)
        else:
            solution = None
            report = layer_network(kind, parsed, shape).summary()
            outcome = compare_output(report, wanted) if wanted is not None else None
    except CnnCalcError as error:
        fail(error)
    if solution is not None:
        if format == "json":
            print(views.render_solution_json(solution, kind, texts))
        else:
            views.print_solution(solution, title)
        raise typer.Exit(0 if solution.found else 1)
    if format == "json":
        print(views.render_layer_json(report, kind, texts, outcome))
    else:
        views.print_layer(report, title, outcome)
    raise typer.Exit(0 if outcome is None or outcome[0] else 1)


def _shape_text(shape: list[str]) -> str:
    return ("x" if all(part.isdigit() for part in shape) else " x ").join(shape)


def _text(data) -> str:
    if isinstance(data, list):
        return "[" + ",".join(_text(item) for item in data) + "]"
    if isinstance(data, bool):
        return str(data).lower()
    return str(data)
