"""`summary` and `list` views of a Report: a rich table, JSON, Markdown and CSV."""

from __future__ import annotations

import csv
import io
import json

from ..analysis import Report, Row, group_rows
from ..layers import Field, shape_text
from ..symbolic import is_concrete, to_json, to_text
from . import axes_text, exact, exact_and_human, field_text, human, human_bytes, stdout_console


# --- data --------------------------------------------------------------------------------------


def _shape(shape) -> list:
    return [to_json(d) for d in shape]


def _field(field: Field) -> dict:
    return {
        "size": [to_json(v) for v in field.size],
        "jump": [to_json(v) for v in field.jump],
        "start": [to_json(v) for v in field.start],
        "centre": [to_json(v) for v in field.centre],
        "whole": field.whole,
        "context": [[to_json(first), to_json(last)] for first, last in field.context],
        "known": field.known,
    }


def row_data(row: Row) -> dict:
    data = {
        "path": row.path,
        "type": row.type,
        "depth": row.depth,
        "input_shape": _shape(row.input_shapes[0]) if len(row.input_shapes) == 1 else [_shape(s) for s in row.input_shapes],
        "output_shape": _shape(row.output_shape),
        "params": to_json(row.params),
        "trainable": to_json(row.trainable),
        "buffers": to_json(row.buffers),
        "macs": to_json(row.macs),
        "other_ops": to_json(row.other_ops),
        "receptive_field": _field(row.field),
        "activation_bytes": to_json(row.activation_bytes),
    }
    optional = {"runs": row.runs if row.runs != 1 else None, "shares": row.shares, "note": row.note, "line": row.line}
    data.update({key: to_json(value) for key, value in optional.items() if value is not None})
    if row.explain:
        data["explain"] = dict(row.explain)
    if row.is_group:
        data["collapsed"] = True
    return data


def report_data(report: Report, depth: int | None = None) -> dict:
    totals = report.totals
    outputs = {name: _shape(shape) for name, shape in report.outputs.items()}
    inputs = {name: _shape(shape) for name, shape in report.inputs.items()}
    return {
        "name": report.name,
        "source": report.source,
        "notes": report.notes,
        "input": inputs["input"] if list(inputs) == ["input"] else inputs,
        "output": outputs["output"] if list(outputs) == ["output"] else outputs,
        "dtype": report.dtype,
        "batch": report.batch,
        "bias_macs": report.bias_macs,
        "symbols": list(report.symbols),
        "receptive_field": _field(report.field),
        "totals": {
            "params": to_json(totals.params),
            "trainable": to_json(totals.trainable),
            "frozen": to_json(totals.frozen),
            "buffers": to_json(totals.buffers),
            "macs": to_json(totals.macs),
            "flops": to_json(totals.flops),
            "other_ops": to_json(totals.other_ops),
            "param_bytes": to_json(totals.param_bytes),
            "buffer_bytes": to_json(totals.buffer_bytes),
            "input_bytes": to_json(totals.input_bytes),
            "activation_bytes": to_json(totals.activation_bytes),
            "training_bytes": {name: to_json(value) for name, value in totals.training_bytes.items()},
        },
        "layers": [row_data(row) for row in report.collapsed(depth)],
    }


def render_json(report: Report, depth: int | None = None) -> str:
    return json.dumps(report_data(report, depth), indent=2, ensure_ascii=False)


CSV_COLUMNS = ("path", "type", "input_shape", "output_shape", "params", "buffers", "macs", "rf_size", "rf_jump", "rf_start", "activation_bytes")


def _csv_row(row: Row) -> list:
    return [
        row.path,
        row.type,
        " ".join(shape_text(s) for s in row.input_shapes),
        shape_text(row.output_shape),
        to_text(row.params),
        to_text(row.buffers),
        to_text(row.macs),
        axes_text(row.field.size),
        axes_text(row.field.jump),
        axes_text(row.field.start),
        to_text(row.activation_bytes),
    ]


def render_csv(report: Report, depth: int | None = None) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in report.collapsed(depth):
        writer.writerow(_csv_row(row))
    t = report.totals
    writer.writerow(["total", "", shape_text(report.input), "", to_text(t.params), to_text(t.buffers), to_text(t.macs), "", "", "", to_text(t.activation_bytes)])
    return buffer.getvalue()


def _named_shapes(shapes: dict, default: str) -> str:
    return ", ".join(shape_text(shape) if name == default else f"{name} {shape_text(shape)}" for name, shape in shapes.items())


def summary_lines(report: Report) -> list[tuple[str, str]]:
    """The totals as (label, text) pairs, shared by the table and Markdown views."""
    t = report.totals
    outputs = _named_shapes(report.outputs, "output")
    inputs = _named_shapes(report.inputs, "input")
    params = exact_and_human(t.params)
    if t.frozen != 0:
        params += f", of which {exact(t.frozen)} frozen"
    convention = "bias counted" if report.bias_macs else "bias not counted"
    memory = f"{report.dtype}, batch {report.batch}"
    return [
        ("Input → output", f"{inputs} → {outputs}"),
        ("Parameters", params),
        ("Buffers", exact(t.buffers) + (" (not trained: BatchNorm running statistics)" if t.buffers != 0 else "")),
        ("MACs", f"{exact_and_human(t.macs)}, FLOPs {human(t.flops)}, {convention}"),
        ("Receptive field", f"{field_text(report.field)}, jump {axes_text(report.field.jump)}"),
        (f"Memory ({memory})", f"parameters {human_bytes(t.param_bytes)}, activations {human_bytes(t.activation_bytes)}"),
        ("Training memory", ", ".join(f"{name} {human_bytes(value)}" for name, value in t.training_bytes.items())),
        *([("Source", report.source)] if report.source else []),
    ]


COLUMNS = ("Layer", "Type", "Output", "Params", "MACs", "≈ Params · MACs", "RF")
NUMERIC = ("Params", "MACs", "≈ Params · MACs", "RF")


def _cells(row: Row) -> tuple:
    numbers = is_concrete(row.params) and is_concrete(row.macs)  # a formula is its own rough form
    rough = f"{human(row.params)} · {human(row.macs)}" if numbers and (row.params or row.macs) else ""
    return (row.path, row.type, shape_text(row.output_shape), exact(row.params), exact(row.macs), rough, field_text(row.field))


def explanations(report: Report) -> list[tuple[str, str]]:
    """(row path, 'params (1*5*5 + 1)*6 = 156; ...') for rows that carry formulas."""
    values = {"params": lambda r: r.params, "buffers": lambda r: r.buffers, "macs": lambda r: r.macs // r.runs}
    lines = []
    for row in report.rows:
        parts = []
        for quantity, formula in row.explain:
            if quantity in values:
                parts.append(f"{quantity} {formula} = {exact(values[quantity](row))}")
            else:  # an output size along an axis
                axis = 1 + [name for name, _ in row.explain if name not in values].index(quantity)
                parts.append(f"{quantity} {formula} = {exact(row.output_shape[axis])}")
        if parts:
            lines.append((row.path, "; ".join(parts)))
    return lines


def render_markdown(report: Report, depth: int | None = None) -> str:
    lines = [f"## {report.name}", "", "| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    for row in report.collapsed(depth):
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in _cells(row)) + " |")
    lines.append("")
    lines.extend(f"- **{label}**: {text}" for label, text in summary_lines(report))
    lines.extend(f"- `{path}`: {text}" for path, text in explanations(report))
    return "\n".join(lines) + "\n"


def _relative(path: str, parent: str | None) -> str:
    """A row's name under its enclosing block: layers[2].repeat[0][0] under layers[2] -> repeat[0][0]."""
    if parent and path.startswith(parent):
        return path[len(parent) :].lstrip(".")
    return path


def tree_rows(report: Report, depth: int | None):
    """(label, row) pairs in run order, each block introduced by a row with its totals and
    its contents indented under it; blocks deeper than `depth` stay folded."""
    headers = group_rows(report)
    opened: list[int] = []
    for row in report.collapsed(depth):
        chain = list(row.groups)
        while opened and opened != chain[: len(opened)]:
            opened.pop()
        for index in chain[len(opened) :]:
            parent = report.groups[opened[-1]].path if opened else None
            yield "  " * len(opened) + _relative(report.groups[index].path, parent), headers[index]
            opened.append(index)
        parent = report.groups[opened[-1]].path if opened else None
        yield "  " * len(opened) + _relative(row.path, parent), row


def print_table(report: Report, depth: int | None = None, console=None) -> None:
    from rich.markup import escape
    from rich.table import Table
    from rich.text import Text

    console = console or stdout_console()
    rows = []
    for label, row in tree_rows(report, depth):
        cells = [Text(cell, style="bold" if row.is_group else "") for cell in (label, *_cells(row)[1:])]
        if row.shares:
            cells[3].append(" (shared)", "dim")
        if row.runs != 1:
            cells[4].append(f" (×{to_text(row.runs)})", "dim")
        rows.append(cells)
    widths = [max([len(name), *(cells[i].cell_len for cells in rows)]) for i, name in enumerate(COLUMNS)]
    fits = sum(widths) + 3 * len(COLUMNS) + 1 <= console.width
    table = Table(title=escape(report.name), title_justify="left", header_style="bold")
    for name in COLUMNS:
        table.add_column(name, justify="right" if name in NUMERIC else "left", overflow="fold", no_wrap=fits)
    if fits:
        # One cell per column, a line per row: rich lays out every cell on its own, which
        # took a 200-row table 0.25 s; unwrapped lines that fit line up the same, 4x faster.
        table.add_row(*(Text("\n").join(column) for column in zip(*rows)))
    else:
        for cells in rows:
            table.add_row(*cells)
    console.print(table)
    for label, text in summary_lines(report):
        console.print(f"[bold]{escape(label)}[/bold]: {escape(text)}", highlight=False)
    for row in report.rows:
        if row.note:
            console.print(f"[yellow]note[/yellow] {escape(row.path)}: {escape(row.note)}", highlight=False)
    for path, text in explanations(report):
        console.print(f"[dim]{escape(path)}[/dim] {escape(text)}", highlight=False)


def print_list(entries: list, format: str) -> None:
    """The built-in architectures: (name, report or None, error or None) triples."""
    if format == "json":
        data = [
            {"name": name, "error": error}
            if report is None
            else {
                "name": name,
                "title": report.name,
                "input": _shape(report.input),
                "params": to_json(report.totals.params),
                "macs": to_json(report.totals.macs),
            }
            for name, report, error in entries
        ]
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return
    from rich.markup import escape
    from rich.table import Table

    table = Table(header_style="bold")
    for column in ("Name", "Network", "Input", "Params", "MACs"):
        table.add_column(column, justify="right" if column in ("Params", "MACs") else "left")
    for name, report, error in entries:
        if report is None:
            table.add_row(escape(name), f"[red]{escape(error)}[/red]", "", "", "")
        else:
            t = report.totals
            table.add_row(escape(name), escape(report.name), shape_text(report.input), human(t.params), human(t.macs))
    stdout_console().print(table)
