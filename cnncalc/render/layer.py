"""`layer` views: one layer's figures, and the values found for a '?' argument."""

from __future__ import annotations

import json

from ..analysis import Report
from ..layers import shape_text
from ..solve import Solution
from ..symbolic import to_json, to_text
from . import axes_text, exact, exact_and_human, field_text, human, stdout_console


def _shape(shape) -> list:
    return [to_json(d) for d in shape]


def _output(report: Report) -> tuple:
    return next(iter(report.outputs.values()))


def layer_data(report: Report) -> dict:
    t = report.totals
    field = report.field
    return {
        "input": _shape(report.input),
        "output": _shape(_output(report)),
        "params": to_json(t.params),
        "buffers": to_json(t.buffers),
        "macs": to_json(t.macs),
        "flops": to_json(t.flops),
        "other_ops": to_json(t.other_ops),
        "receptive_field": {
            "size": [to_json(v) for v in field.size],
            "jump": [to_json(v) for v in field.jump],
            "start": [to_json(v) for v in field.start],
            "whole": field.whole,
        },
    }


def _count(value) -> str:
    """34,944 (34.9K); 156 without a repeat of itself."""
    return exact_and_human(value) if human(value) != exact(value) else exact(value)


def layer_lines(report: Report) -> list[tuple[str, str]]:
    """(label, text) pairs for one layer's report."""
    t = report.totals
    field = report.field
    lines = [
        ("Output", f"{shape_text(_output(report))}  (from {shape_text(report.input)})"),
        ("Parameters", _count(t.params)),
        ("MACs", f"{_count(t.macs)}, FLOPs {human(t.flops)}"),
        ("Receptive field", f"{field_text(field)}, jump {axes_text(field.jump)}, start {axes_text(field.start)}"),
    ]
    if t.buffers != 0:
        lines.insert(2, ("Buffers", _count(t.buffers)))
    return lines


def solution_data(solution: Solution) -> dict:
    return {
        "solve_for": solution.key,
        "expect": _shape(solution.expect),
        "tried": [_json(v) for v in (solution.candidates[0], solution.candidates[-1])] if solution.candidates else [],
        "tried_count": len(solution.candidates),
        "solutions": [{"value": _json(value), **layer_data(report)} for value, report in solution.found],
    }


def _json(value):
    return value if isinstance(value, (bool, str)) else to_json(value)


def _value_text(value) -> str:
    return str(value).lower() if isinstance(value, bool) else to_text(value)


def tried_text(solution: Solution) -> str:
    candidates = solution.candidates
    if all(isinstance(v, int) and not isinstance(v, bool) for v in candidates):
        return f"{candidates[0]} to {candidates[-1]}"
    return ", ".join(_value_text(v) for v in candidates)


def print_layer(report: Report, title: str, expect=None, console=None) -> None:
    from rich.markup import escape

    console = console or stdout_console()
    console.print(f"[bold]{escape(title)}[/bold]", highlight=False, soft_wrap=True)
    for label, text in layer_lines(report):
        console.print(f"  [bold]{label}[/bold]: {escape(text)}", highlight=False, soft_wrap=True)
    if expect is not None:
        got = shape_text(_output(report))
        if expect[0]:
            console.print(f"[green]✓[/green] the output is {escape(got)}, as expected", highlight=False, soft_wrap=True)
        else:
            console.print(f"[red]✗[/red] the output is {escape(got)}, not {escape(shape_text(expect[1]))}", highlight=False, soft_wrap=True)


def print_solution(solution: Solution, title: str, console=None) -> None:
    from rich.markup import escape

    console = console or stdout_console()
    wanted = shape_text(solution.expect)
    if not solution.found:
        console.print(
            f"[red]✗[/red] no value of {solution.key} gives {escape(wanted)} for {escape(title)} "
            f"(tried {escape(tried_text(solution))})",
            highlight=False,
        )
        return
    values = " or ".join(_value_text(v) for v in solution.values)
    console.print(f"[green]✓[/green] [bold]{solution.key} = {escape(values)}[/bold] gives {escape(wanted)}  [dim](tried {escape(tried_text(solution))})[/dim]", highlight=False, soft_wrap=True)
    for value, report in solution.found:
        console.print(f"[bold]{escape(title)} with {solution.key}={escape(_value_text(value))}[/bold]", highlight=False, soft_wrap=True)
        for label, text in layer_lines(report):
            console.print(f"  [bold]{label}[/bold]: {escape(text)}", highlight=False, soft_wrap=True)


def render_layer_json(report: Report, kind: str, args: dict, expect=None) -> str:
    data = {"layer": kind, "args": args, **layer_data(report)}
    if expect is not None:
        data["expect"] = _shape(expect[1])
        data["matches"] = expect[0]
    return json.dumps(data, indent=2, ensure_ascii=False)


def render_solution_json(solution: Solution, kind: str, args: dict) -> str:
    return json.dumps({"layer": kind, "args": args, **solution_data(solution)}, indent=2, ensure_ascii=False)
