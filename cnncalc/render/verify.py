"""`verify` views: a per-layer table (algebra vs reference, ✓/✗ per quantity), JSON, and
for `--all` a progress bar and a summary. Formatting only: every value comes from a
Verification."""

from __future__ import annotations

import json
from contextlib import contextmanager

from ..verify import QUANTITIES, Check, Verification
from . import human, human_bytes, stdout_console

HEADERS = {"shape": "shape", "params": "params", "buffers": "buffers", "macs": "MACs", "field": "field r / j / s"}


# --- data --------------------------------------------------------------------------------------


def _check_data(check: Check) -> dict:
    data = {"algebra": check.algebra, "reference": check.reference, "agrees": check.agrees}
    if check.detail:
        data["detail"] = check.detail
    return data


def verification_data(v: Verification) -> dict:
    data = {
        "name": v.name,
        "agrees": v.agrees,
        "values": v.values,
        "input": {name: list(shape) for name, shape in v.inputs.items()},
        "batch": v.batch,
        "seed": v.seed,
        "peak_bytes": v.peak_bytes,
        "estimated_bytes": v.estimate_bytes,
        "layers": [
            {"path": layer.path, "type": layer.kind, "agrees": layer.agrees, **{c.quantity: _check_data(c) for c in layer.checks}}
            for layer in v.layers
        ],
        "disagreements": [
            {"path": layer.path, "type": layer.kind, "quantity": c.quantity, **_check_data(c)} for layer, c in v.disagreements()
        ],
    }
    if v.forward_seconds is not None:
        data["forward_seconds"] = v.forward_seconds
    return data


def render_json(v: Verification) -> str:
    return json.dumps(verification_data(v), indent=2)


def _titled(data: dict) -> dict:
    """A network's data under its built-in name: its own name becomes the title."""
    data["title"] = data.pop("name")
    return data


def render_all_json(entries: list) -> str:
    """entries: (name, Verification | None, error text | None, seconds)."""
    return json.dumps(
        {
            "agrees": all(v is not None and v.agrees for _, v, _, _ in entries),
            "networks": [
                {"name": name, "seconds": round(seconds, 3), **({"error": error} if error else _titled(verification_data(v)))}
                for name, v, error, seconds in entries
            ],
        },
        indent=2,
    )


# --- text ----------------------------------------------------------------------------------------


def _axes(values) -> str:
    texts = ["?" if v is None else str(v) for v in values]
    return texts[0] if len(set(texts)) == 1 else "x".join(texts)


def field_text(value: dict | None) -> str:
    """size/jump/start per axis ('all' for whole fields); a measured field clipped by the
    input's edges is marked, since its size and start are then only what could be seen."""
    if value is None:
        return "-"
    if value.get("whole"):
        return f"{_axes(value['size'])} (all)"
    text = f"{_axes(value['size'])} / {_axes(value['jump'])} / {_axes(value['start'])}"
    return text + (" (clipped)" if value.get("clipped") else "")


def value_text(quantity: str, value) -> str:
    if value is None:
        return "cannot run"
    if quantity == "field":
        return field_text(value)
    if quantity == "shape":
        return "x".join(str(d) for d in value)
    return f"{value:,}" if isinstance(value, int) else str(value)


def _cell(check: Check) -> str:
    from rich.markup import escape

    algebra = escape(value_text(check.quantity, check.algebra))
    if check.agrees:
        return f"{algebra} [green]✓[/green]"
    reference = escape(value_text(check.quantity, check.reference))
    return f"[red]{algebra} ≠ {reference} ✗[/red]"


def disagreement_lines(v: Verification) -> list[str]:
    lines = []
    for layer, c in v.disagreements():
        text = (
            f"{layer.path} ({layer.kind}) {c.quantity}: algebra {value_text(c.quantity, c.algebra)},"
            f" reference {value_text(c.quantity, c.reference)}"
        )
        lines.append(text + (f" — {c.detail}" if c.detail else ""))
    return lines


def print_table(v: Verification, console=None) -> None:
    from rich.markup import escape
    from rich.table import Table

    console = console or stdout_console()
    table = Table(title=escape(f"{v.name}: algebra vs NumPy reference"), title_justify="left", header_style="bold")
    table.add_column("layer", overflow="fold", min_width=12)
    table.add_column("type", no_wrap=True)
    for quantity in QUANTITIES:
        table.add_column(HEADERS[quantity], justify="right" if quantity in ("params", "buffers", "macs") else "left", no_wrap=True)
    for layer in v.layers:
        cells = [_cell(c) for c in layer.checks]
        table.add_row(escape(layer.path), layer.kind, *cells, *([""] * (len(QUANTITIES) - len(cells))))
    console.print(table)
    console.print("field: receptive field size / jump / start per axis; every unit of every layer is compared (docs/verify.md)")
    setting = ", ".join(f"{k}={val}" for k, val in v.values.items())
    inputs = ", ".join(f"{name} {'x'.join(map(str, shape))}" for name, shape in v.inputs.items())
    console.print(f"input {inputs}{f' at {setting}' if setting else ''}; batch {v.batch}, seed {v.seed}; reference peak memory {human_bytes(v.peak_bytes)}")
    if v.forward_seconds is not None:
        console.print(f"forward: {v.forward_seconds:.4f} s (median of 5)")
    if v.agrees:
        console.print(f"[green]✓ all {len(v.layers)} layers agree[/green] (shape, params, buffers, MACs, receptive field)")
        return
    lines = disagreement_lines(v)
    console.print(f"[red]✗ {len(lines)} disagreement{'s' if len(lines) != 1 else ''}:[/red]")
    for line in lines:
        console.print(f"  {escape(line)}", highlight=False)


@contextmanager
def progress(total: int, enabled: bool = True):
    """A rich progress bar over the networks of `--all`; yields `advance(name)`."""
    if not enabled:
        yield lambda name: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("verifying {task.fields[name]:<24}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=Console(stderr=True), transient=True,
    ) as bar:
        task = bar.add_task("verify", total=total, name="")

        def advance(name: str) -> None:
            bar.update(task, advance=1, name=name)

        yield advance


def print_all(entries: list, console=None) -> None:
    """The summary of `--all`: one row per network, then every disagreement and error."""
    from rich.markup import escape
    from rich.table import Table

    console = console or stdout_console()
    table = Table(title="every built-in architecture: algebra vs NumPy reference", title_justify="left", header_style="bold")
    for name, justify in (("network", "left"), ("layers", "right"), ("MACs", "right"), ("agrees", "left"), ("seconds", "right")):
        table.add_column(name, justify=justify)
    failures = []
    for name, v, error, seconds in entries:
        if error is not None:
            table.add_row(escape(name), "-", "-", "[red]error ✗[/red]", f"{seconds:.2f}")
            failures.append(f"{name}: {error}")
            continue
        macs = sum(c.reference for layer in v.layers for c in layer.checks if c.quantity == "macs")
        mark = "[green]✓[/green]" if v.agrees else f"[red]✗ {len(v.disagreements())}[/red]"
        table.add_row(escape(name), str(len(v.layers)), human(macs), mark, f"{seconds:.2f}")
        failures.extend(f"{name}: {line}" for line in disagreement_lines(v))
    console.print(table)
    agreeing = sum(1 for _, v, error, _ in entries if error is None and v.agrees)
    total = sum(seconds for *_, seconds in entries)
    colour = "green" if agreeing == len(entries) else "red"
    console.print(f"[{colour}]{agreeing} of {len(entries)} networks agree in every layer[/{colour}] ({total:.1f} s)")
    for line in failures:
        console.print(f"  [red]✗[/red] {escape(line)}", highlight=False)
