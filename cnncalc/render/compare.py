"""`compare` views of a Comparison: a rich table, JSON, Markdown and CSV."""

from __future__ import annotations

import csv
import io
import json
from fractions import Fraction

from ..compare import QUANTITIES, Comparison
from ..layers import shape_text
from ..symbolic import is_concrete, to_json, to_text
from . import axes_text, exact, human_bytes, stdout_console


def value_text(quantity: str, value) -> str:
    """A figure as the views print it: 61,706; 4*c x H x W; 5; 272 KiB."""
    if value is None:
        return "-"
    kind = QUANTITIES[quantity].kind
    if kind == "shape":
        if isinstance(value, dict):
            return ", ".join(f"{name} {shape_text(shape)}" for name, shape in value.items())
        if value and isinstance(value[0], tuple):  # a merge's inputs
            return ", ".join(shape_text(shape) for shape in value)
        return shape_text(value)
    if kind == "axes":
        return axes_text(value)
    if quantity.endswith("_bytes") and is_concrete(value):
        return human_bytes(value)
    return exact(value)


def ratio_text(ratio, approximate: bool = True) -> str:
    """18/25 (0.72); 1; a formula."""
    if ratio is None:
        return "-"
    if isinstance(ratio, Fraction) and approximate:
        if ratio.denominator > 1000:
            return f"≈ {float(ratio):.3g}"
        return f"{to_text(ratio)} ({float(ratio):.3g})"
    return to_text(ratio)


def _json_value(value):
    if value is None:
        return None
    if isinstance(value, dict):
        return {name: _json_value(shape) for name, shape in value.items()}
    if isinstance(value, tuple):
        return [_json_value(item) for item in value]
    return to_json(value)


def comparison_data(comparison: Comparison) -> dict:
    return {
        "networks": [
            {"name": c.name, "title": c.title, "symbols": list(c.symbols), "whole_field": c.figures["whole_field"]}
            for c in comparison.columns
        ],
        "dtype": comparison.dtype,
        "batch": comparison.batch,
        "bias_macs": comparison.bias_macs,
        "quantities": {
            line.quantity: {
                "label": line.label,
                "values": [_json_value(v) for v in line.values],
                "ratios": [_json_value(r) for r in line.ratios],
            }
            for line in comparison.lines
        },
    }


def render_json(comparison: Comparison) -> str:
    return json.dumps(comparison_data(comparison), indent=2, ensure_ascii=False)


def _header(comparison: Comparison) -> list[str]:
    first = comparison.columns[0].name
    cells = ["Quantity", first]
    for column in comparison.columns[1:]:
        cells += [column.name, f"{first} / {column.name}"]
    return cells


def _cell(comparison: Comparison, line, i: int) -> str:
    text = value_text(line.quantity, line.values[i])
    if line.quantity == "receptive_field" and comparison.columns[i].figures.get("whole_field"):
        text += " (all)"
    return text


def _cells(comparison: Comparison, line, approximate: bool) -> list[str]:
    cells = [line.label, _cell(comparison, line, 0)]
    for i, ratio in enumerate(line.ratios[1:], start=1):
        cells += [_cell(comparison, line, i), ratio_text(ratio, approximate) if QUANTITIES[line.quantity].kind != "shape" else ""]
    return cells


def render_markdown(comparison: Comparison) -> str:
    header = _header(comparison)
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for line in comparison.lines:
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in _cells(comparison, line, True)) + " |")
    return "\n".join(lines) + "\n"


def render_csv(comparison: Comparison) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    first = comparison.columns[0].name
    header = ["quantity", first]
    for column in comparison.columns[1:]:
        header += [column.name, f"{first}/{column.name}"]
    writer.writerow(header)
    for line in comparison.lines:
        row = [line.quantity, _csv_value(line.quantity, line.values[0])]
        for value, ratio in zip(line.values[1:], line.ratios[1:]):
            row += [_csv_value(line.quantity, value), "" if ratio is None else to_text(ratio)]
        writer.writerow(row)
    return buffer.getvalue()


def _csv_value(quantity: str, value) -> str:
    """Exact, unformatted: 61706, 4*c x H x W."""
    if value is None:
        return ""
    kind = QUANTITIES[quantity].kind
    if kind in ("shape", "axes"):
        return value_text(quantity, value)
    return to_text(value)


def print_table(comparison: Comparison, console=None) -> None:
    from rich.table import Table

    console = console or stdout_console()
    table = Table(header_style="bold", title=" vs ".join(c.title for c in comparison.columns), title_justify="left")
    for i, name in enumerate(_header(comparison)):
        ratio_column = i >= 3 and i % 2 == 1
        table.add_column(name, justify="left" if i == 0 else "right", style="dim" if ratio_column else None, overflow="fold")
    for line in comparison.lines:
        table.add_row(*_cells(comparison, line, True))
    console.print(table)
    convention = "bias counted" if comparison.bias_macs else "bias not counted"
    console.print(f"[dim]MACs {convention}; memory in {comparison.dtype}, batch {comparison.batch}[/dim]", highlight=False)
