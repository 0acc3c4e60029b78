"""`check` views of claim results: one block per claim (✓/✗, the statement, stated against
computed values) and a summary line; or JSON."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

from ..claims import VALUE, Check, Result, Rounded, Subject
from ..compare import QUANTITIES
from ..layers import shape_text
from ..symbolic import to_json, to_text
from . import axes_text, exact, stdout_console

_WORDS = {"less": "less than", "greater": "greater than", "equal": "equal to", "at_most": "at most", "at_least": "at least"}


def size_text(value) -> str:
    """61,706; 18/25 (0.72); 17*c**2; 144M as written."""
    if isinstance(value, Rounded):
        return f"{value.text} (rounded)"
    if isinstance(value, Fraction):
        if value.denominator > 10**6:
            return f"{to_text(value)} (≈ {float(value):.6g})"
        return f"{to_text(value)} ({float(value):.6g})"
    return exact(value)


def value_text(quantity: str, value) -> str:
    kind = "count" if quantity == VALUE else QUANTITIES[quantity].kind
    if isinstance(value, dict):
        return ", ".join(f"{name} {value_text(quantity, shape)}" for name, shape in value.items())
    if isinstance(value, tuple):
        if value and isinstance(value[0], tuple):
            return ", ".join(shape_text(shape) for shape in value)
        if kind == "axes":
            return axes_text(value)
        return shape_text(value) if all(not isinstance(v, Rounded) for v in value) else "x".join(size_text(v) for v in value)
    return size_text(value)


def check_texts(check: Check) -> tuple[str, str]:
    """(what the claim states, what cnncalc computes) for one check."""
    q = check.quantity
    if check.relation is None:
        return value_text(q, check.stated), value_text(q, check.computed)
    both = f"{value_text(q, check.computed)} vs {value_text(q, check.other)}"
    if check.relation in _WORDS:
        return _WORDS[check.relation] + " the other", both
    name, stated = check.stated
    return f"{name} {size_text(stated)}", f"{both}, {name} {size_text(check.measured)}"


def subject_text(subject: Subject | None) -> str:
    """What a claim is about, briefly: lenet5; conv {out: 96, ...} on 3x224x224; an expression."""
    if subject is None:
        return ""
    v = subject.value
    if subject.kind == "spec":
        text = v.data if isinstance(v.data, str) else "inline spec" if isinstance(v.data, dict) else (v.data.file or "spec")
        text = Path(text).name if text.endswith((".yaml", ".yml")) else text
        if subject.variant:
            text += f" ({subject.variant})"
    elif subject.kind == "layer":
        (kind, args), = v.plain().items()
        text = kind if args is None else _plain_text({kind: args})
    elif subject.kind == "layers":
        text = "layers " + _plain_text([_kind_of(item) for item in v.plain()])
    else:
        text = str(v.data)
    if subject.input is not None:
        text += " on " + shape_text(tuple(_plain_text(item.plain()) for item in subject.input.data))
    extras = []
    if subject.set:
        extras.append(", ".join(f"{name}={_plain_text(item.plain())}" for name, item in subject.set))
    if subject.kinds:
        extras.append("only " + ", ".join(subject.kinds))
    if subject.at:
        extras.append(f"at {subject.at}")
    if subject.dtype != "fp32" or subject.batch != 1:
        extras.append(f"{subject.dtype}, batch {subject.batch}")
    if subject.bias_macs:
        extras.append("bias MACs")
    return text + (f" [{'; '.join(extras)}]" if extras else "")


def _kind_of(item) -> str:
    return next(iter(item)) if isinstance(item, dict) else str(item)


def _plain_text(data) -> str:
    if isinstance(data, dict):
        return "{" + ", ".join(f"{key}: {_plain_text(value)}" for key, value in data.items()) + "}"
    if isinstance(data, list):
        return "[" + ", ".join(_plain_text(item) for item in data) + "]"
    if isinstance(data, bool):
        return str(data).lower()
    if isinstance(data, Fraction) and Fraction(repr(float(data))) == data:
        return repr(float(data))  # 1.15, as written
    return str(data)


def verdict(result: Result) -> str:
    """true; false, as marked; FALSE but marked true; undecided; error."""
    if result.error is not None:
        return "error"
    truth, marked = result.truth, result.claim.holds
    if truth is None:
        return "undecided (symbols leave it open)"
    if truth == marked:
        return "true" if truth else "false, as marked"
    return "FALSE, but marked true" if marked else "TRUE, but marked holds: false"


def counts(results) -> dict:
    return {
        "claims": len(results),
        "as_marked": sum(r.passed for r in results),
        "false_as_marked": sum(r.passed and not r.claim.holds for r in results),
        "not_as_marked": sum(r.error is None and not r.passed for r in results),
        "errors": sum(r.error is not None for r in results),
    }


def summary_text(results) -> str:
    n = counts(results)
    text = f"{n['claims']} claims: {n['as_marked']} as the file says ({n['false_as_marked']} of them false statements marked holds: false)"
    if n["not_as_marked"]:
        text += f", {n['not_as_marked']} not as the file says"
    if n["errors"]:
        text += f", {n['errors']} could not be checked"
    return text


def _where(result: Result) -> str:
    loc = result.claim.loc
    return f"{Path(loc.file).name}:{loc.line}" if loc.file and loc.line else ""


def print_results(results, console=None, failures_only: bool = False) -> None:
    from rich.markup import escape

    console = console or stdout_console()
    for result in results:
        if failures_only and result.passed:
            continue
        claim = result.claim
        mark = "[green]✓[/green]" if result.passed else "[red]✗[/red]"
        source = f" [dim]{escape(claim.source)}[/dim]" if claim.source else ""
        console.print(f"{mark} [bold]{escape(verdict(result))}[/bold]  [dim]{escape(_where(result))}[/dim]{source}", highlight=False, soft_wrap=True)
        console.print(f"    “{escape(claim.says.strip())}”", highlight=False, soft_wrap=True)
        about = subject_text(claim.subject) + (f"  vs  {subject_text(claim.other)}" if claim.other else "")
        console.print(f"    [dim]{escape(about)}[/dim]", highlight=False, soft_wrap=True)
        if result.error is not None:
            console.print(f"    [red]error:[/red] {escape(str(result.error))}", highlight=False, soft_wrap=True)
        for check in result.checks:
            stated, computed = check_texts(check)
            mark = {True: "[green]✓[/green]", False: "[red]✗[/red]", None: "[yellow]?[/yellow]"}[check.truth]
            label = "actually" if check.truth is False else "computed"
            console.print(f"    {mark} {check.quantity}: stated {escape(stated)}; {label} {escape(computed)}", highlight=False, soft_wrap=True)
        if result.suggestion is not None:
            s = result.suggestion
            values = " or ".join(to_text(v) for v in s.values)
            console.print(f"    [cyan]→[/cyan] padding {escape(values)} gives {escape(shape_text(s.expect))}", highlight=False, soft_wrap=True)
        if claim.note:
            console.print(f"    [dim]note: {escape(claim.note.strip())}[/dim]", highlight=False, soft_wrap=True)
    console.print(summary_text(results), highlight=False, soft_wrap=True)


def _json_value(value):
    if isinstance(value, Rounded):
        return value.text
    if isinstance(value, dict):
        return {name: _json_value(item) for name, item in value.items()}
    if isinstance(value, tuple):
        return [_json_value(item) for item in value]
    if isinstance(value, (str, bool)) or value is None:
        return value
    return to_json(value)


def result_data(result: Result) -> dict:
    claim = result.claim
    data = {
        "says": claim.says,
        "source": claim.source,
        "file": claim.loc.file,
        "line": claim.loc.line,
        "subject": subject_text(claim.subject),
        "vs": subject_text(claim.other) or None,
        "holds": claim.holds,
        "truth": result.truth,
        "passed": result.passed,
        "checks": [
            {
                "quantity": c.quantity,
                "relation": c.relation,
                "stated": _json_value(c.stated[1] if c.relation in ("ratio", "difference") else c.stated),
                "computed": _json_value(c.computed),
                **({"other": _json_value(c.other)} if c.relation else {}),
                **({"measured": _json_value(c.measured)} if c.measured is not None else {}),
                "truth": c.truth,
            }
            for c in result.checks
        ],
    }
    if result.error is not None:
        data["error"] = str(result.error)
    if result.suggestion is not None:
        data["suggestion"] = {"padding": [to_json(v) for v in result.suggestion.values], "gives": _json_value(result.suggestion.expect)}
    return data


def render_json(results) -> str:
    return json.dumps({"summary": counts(results), "claims": [result_data(r) for r in results]}, indent=2, ensure_ascii=False)
