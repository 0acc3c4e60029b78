"""`cnncalc plot`, `cnncalc report` and `compare --plot`: parse, call the pictures room, write."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import List, Optional

import typer

from ..errors import CnnCalcError, SpecError
from .common import INPUT_HELP, SET_HELP, SPEC_HELP, fail, parse_shape, parse_values, split_top_level

KINDS = ("cost", "field", "diagram")
MAX_POINTS = 500

# The options plot and report share (typer reads these as plain defaults, once per command).
SET = typer.Option(None, "--set", "-s", help=SET_HELP)
INPUT = typer.Option(None, "--input", "-i", help=INPUT_HELP)
BATCH = typer.Option(1, "--batch", "-b", min=1, help="Batch size for the memory figures.")
DTYPE = typer.Option("fp32", "--dtype", help="Number format for memory: fp64, fp32, fp16, bf16, fp8, int8, int4, binary.")
BIAS_MACS = typer.Option(False, "--bias-macs", help="Count one MAC per bias addition, as torchinfo does.")


def plot(
    spec: str = typer.Argument(..., help=SPEC_HELP),
    output: Path = typer.Option(..., "--output", "-o", help="The picture to write: .png, .svg or .pdf."),
    kind: str = typer.Option("cost", "--kind", "-k", help="cost (MACs, params, memory per layer), field (receptive field per layer; with --at, one unit's field on the input), or diagram (the structure)."),
    at: Optional[str] = typer.Option(None, "--at", help="With --kind field: the layer whose unit's field is drawn, as summary prints its path, e.g. layers[3]."),
    unit: Optional[str] = typer.Option(None, "--unit", help="With --at: the unit, e.g. 0,0 (default: the middle one)."),
    depth: Optional[int] = typer.Option(None, "--depth", "-d", min=0, help="Colour by blocks at this depth (cost, field; default 0); fold blocks below it (diagram; default: what fits a page)."),
    set_: Optional[List[str]] = SET,
    input: Optional[str] = INPUT,
    batch: int = BATCH,
    dtype: str = DTYPE,
    bias_macs: bool = BIAS_MACS,
) -> None:
    """Draw a network: cost per layer, receptive-field growth, one unit's field, or its structure."""
    from ..api import load

    try:
        from ..pictures import canvas

        canvas.pyplot()
        canvas.check_suffix(output)
        if kind not in KINDS:
            raise SpecError(f"unknown kind of plot '{kind}'", expected=", ".join(KINDS))
        if (at is not None or unit is not None) and kind != "field":
            raise SpecError("--at and --unit draw one unit's field: use them with --kind field")
        if unit is not None and at is None:
            raise SpecError("--unit needs --at, the layer the unit belongs to")
        network = load(spec, values=parse_values(set_ or []), input=parse_shape(input))
        report = network.summary(dtype=dtype, batch=batch, bias_macs=bias_macs)
        figure = _figure(network, report, kind, at, _unit(unit), depth)
        canvas.save(figure, output)
    except CnnCalcError as error:
        fail(error)
    typer.echo(f"wrote {output}")


def _figure(network, report, kind: str, at: str | None, unit: tuple | None, depth: int | None):
    from ..pictures import cost, diagram, field, series

    if kind == "cost":
        return cost.cost_chart(report, depth or 0)
    if kind == "diagram":
        series.require_numbers(report)
        return diagram.diagram(network.graph, report, "auto" if depth is None else depth)
    if at is None:
        return field.field_chart(report, depth or 0)
    series.require_numbers(report)
    return field.box_chart(report, series.row_at(report, at), unit)


def _unit(text: str | None) -> tuple | None:
    if text is None:
        return None
    parts = [part.strip() for part in text.split(",")]
    if not all(part.isdigit() for part in parts):
        raise SpecError(f"cannot read the unit '{text}'", expected="whole numbers separated by commas, e.g. 0,0")
    return tuple(int(part) for part in parts)


def report(
    spec: str = typer.Argument(..., help=SPEC_HELP),
    output: Path = typer.Option(..., "--output", "-o", help="The page to write, e.g. unet.html."),
    depth: Optional[int] = typer.Option(None, "--depth", "-d", min=0, help="Fold the table's blocks below this depth (default: what keeps about 40 rows open)."),
    set_: Optional[List[str]] = SET,
    input: Optional[str] = INPUT,
    batch: int = BATCH,
    dtype: str = DTYPE,
    bias_macs: bool = BIAS_MACS,
    verify: bool = typer.Option(False, "--verify", help="Also run the NumPy reference and show its verdict (exit 1 if it disagrees)."),
) -> None:
    """One self-contained HTML page: the layer table, totals, charts, diagram, formulas."""
    try:
        from ..pictures import canvas, page

        canvas.pyplot()
        values = parse_values(set_ or [])
        built = page.report_page(spec, values=values, input=parse_shape(input), depth=depth, dtype=dtype, batch=batch, bias_macs=bias_macs, verify=verify)
        try:
            output.write_text(built.html, encoding="utf-8")
        except OSError as error:
            raise SpecError(f"cannot write '{output}': {error.strerror or error}") from None
    except CnnCalcError as error:
        fail(error)
    typer.echo(f"wrote {output}" + ("" if built.agrees else " (the reference disagrees: see its verdict)"))
    if not built.agrees:
        raise typer.Exit(1)


def compare_plot(specs: list, set_: list, input: str | None, output: Path | None, bias_macs: bool, dtype: str, batch: int) -> None:
    """`compare --plot`: a params-vs-MACs scatter, or with one --set range, curves."""
    from ..compare import compare as side_by_side

    try:
        from ..pictures import canvas, versus

        canvas.pyplot()
        if output is None:
            raise SpecError("--plot needs -o FILE (.png, .svg or .pdf)")
        canvas.check_suffix(output)
        fixed, ranges = split_ranges(set_)
        shape = parse_shape(input)
        if not ranges:
            figure = versus.scatter_chart(side_by_side(specs, fixed, shape, dtype=dtype, batch=batch, bias_macs=bias_macs))
        else:
            (name, xs), = ranges.items()
            panels = versus.curves(specs, name, xs, fixed, shape, bias_macs=bias_macs)
            figure = versus.sweep_chart(name, panels, title=f"Totals against {name}")
        canvas.save(figure, output)
    except CnnCalcError as error:
        fail(error)
    typer.echo(f"wrote {output}")


def split_ranges(pairs: list) -> tuple[dict, dict]:
    """--set values: fixed ones (c=64) and at most one range (c=16:256:16, inclusive, or c=16,32,64)."""
    fixed, ranges = {}, {}
    for name, text in parse_values(pairs).items():
        if ":" in text or len(split_top_level(text, ",")) > 1:
            ranges[name] = _range(name, text)
        else:
            fixed[name] = text
    if len(ranges) > 1:
        raise SpecError(f"compare --plot draws curves over one value; got ranges for {', '.join(ranges)}", hint="fix all but one with --set NAME=VALUE")
    return fixed, ranges


def _number(name: str, text: str) -> Fraction:
    try:
        value = Fraction(text.strip())
    except (ValueError, ZeroDivisionError):
        raise SpecError(f"cannot read --set {name}: '{text}' is not a number", expected="start:stop[:step] or v1,v2,...") from None
    return value


def _range(name: str, text: str) -> list:
    if ":" not in text:
        values = [_number(name, part) for part in split_top_level(text, ",")]
    else:
        parts = text.split(":")
        if len(parts) not in (2, 3):
            raise SpecError(f"cannot read the range --set {name}={text}", expected="start:stop or start:stop:step")
        start, stop = _number(name, parts[0]), _number(name, parts[1])
        step = _number(name, parts[2]) if len(parts) == 3 else Fraction(1)
        if step <= 0 or stop < start:
            raise SpecError(f"the range --set {name}={text} is empty", expected="start <= stop and a positive step")
        if (stop - start) / step + 1 > MAX_POINTS:
            raise SpecError(f"the range --set {name}={text} has more points than a chart shows", expected=f"at most {MAX_POINTS}")
        count = int((stop - start) / step) + 1
        values = [start + k * step for k in range(count)]
    return [int(v) if v.denominator == 1 else v for v in values]
