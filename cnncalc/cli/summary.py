"""`cnncalc summary` and `cnncalc list`."""

from __future__ import annotations

from typing import List, Optional

import typer

from ..errors import CnnCalcError
from .common import FORMAT_HELP, INPUT_HELP, SET_HELP, SPEC_HELP, check_format, emit, fail, parse_shape, parse_values


def summary(
    spec: str = typer.Argument(..., help=SPEC_HELP),
    set_: Optional[List[str]] = typer.Option(None, "--set", "-s", help=SET_HELP),
    input: Optional[str] = typer.Option(None, "--input", "-i", help=INPUT_HELP),
    depth: Optional[int] = typer.Option(None, "--depth", "-d", min=0, help="Fold blocks nested deeper than this (0: top level only)."),
    batch: int = typer.Option(1, "--batch", "-b", min=1, help="Batch size for the memory figures."),
    dtype: str = typer.Option("fp32", "--dtype", help="Number format for memory: fp64, fp32, fp16, bf16, fp8, int8, int4, binary."),
    bias_macs: bool = typer.Option(False, "--bias-macs", help="Count one MAC per bias addition, as torchinfo does."),
    explain: bool = typer.Option(False, "--explain", help="Show how each layer's numbers come about, as formulas."),
    format: str = typer.Option("table", "--format", "-f", help=FORMAT_HELP),
) -> None:
    """Per-layer shapes, parameters, MACs and receptive fields, and the totals."""
    from ..api import load

    try:
        check_format(format)
        network = load(spec, values=parse_values(set_ or []), input=parse_shape(input))
        report = network.summary(dtype=dtype, batch=batch, bias_macs=bias_macs, explain=explain)
    except CnnCalcError as error:
        fail(error)
    emit(report, format, depth)


def list_(format: str = typer.Option("table", "--format", "-f", help="table or json.")) -> None:
    """The built-in architectures with their totals."""
    from ..api import load
    from ..catalog import builtins
    from ..render import report as views

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
    views.print_list(entries, format)
