"""`cnncalc compare`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import List, Optional

import typer

from ..errors import CnnCalcError, SpecError
from .common import FORMAT_HELP, INPUT_HELP, SPEC_HELP, check_format, fail, parse_shape, parse_values


def compare(
    specs: List[str] = typer.Argument(..., help=SPEC_HELP + " Two or more; ratios are to the first."),
    set_: Optional[List[str]] = typer.Option(None, "--set", "-s", help="Give a symbol or constant a value in every spec that declares it, e.g. --set c=64 (repeatable)."),
    input: Optional[str] = typer.Option(None, "--input", "-i", help=INPUT_HELP + " Applies to every spec."),
    batch: int = typer.Option(1, "--batch", "-b", min=1, help="Batch size for the memory figures."),
    dtype: str = typer.Option("fp32", "--dtype", help="Number format for memory: fp64, fp32, fp16, bf16, fp8, int8, int4, binary."),
    bias_macs: bool = typer.Option(False, "--bias-macs", help="Count one MAC per bias addition, as torchinfo does."),
    format: str = typer.Option("table", "--format", "-f", help=FORMAT_HELP),
    plot: bool = typer.Option(False, "--plot", help="Draw instead of printing: parameters against MACs, or with one --set range (c=16:256:16, c=16,32,64) curves. Needs -o."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="With --plot: the picture to write, .png, .svg or .pdf."),
) -> None:
    """Networks side by side: parameters, MACs, receptive field, shapes, memory, and each figure's ratio to the first network's."""
    if plot:
        from .pictures import compare_plot

        return compare_plot(specs, set_ or [], input, output, bias_macs, dtype, batch)
    from ..compare import compare as side_by_side
    from ..render import compare as views

    try:
        if output is not None:
            raise SpecError("-o writes a picture: use it with --plot")
        check_format(format)
        comparison = side_by_side(specs, parse_values(set_ or []), parse_shape(input), dtype=dtype, batch=batch, bias_macs=bias_macs)
    except CnnCalcError as error:
        fail(error)
    if format == "table":
        views.print_table(comparison)
        return
    writer = {"json": views.render_json, "markdown": views.render_markdown, "csv": views.render_csv}[format]
    sys.stdout.write(writer(comparison) + ("\n" if format == "json" else ""))
