"""The HTML report: one self-contained page (inline CSS, SVG and a little script to fold
blocks; nothing fetched) with the layer table, the totals and conventions, every chart,
the structure diagram, the formulas of a symbolic spec and, if asked, verify's verdict."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from .. import __version__
from ..analysis import Report
from ..api import Network, load
from ..render import exact, field_text, human_bytes
from ..render.report import summary_lines, tree_rows
from ..layers import shape_text
from .assets import CSS, JS
from .canvas import svg_text
from .cost import cost_chart
from .diagram import diagram
from .field import box_chart, field_chart
from .layout import auto_depth
from .series import box_row, require_numbers


@dataclass(frozen=True)
class Page:
    html: str
    verification: object | None  # the Verification, when asked for

    @property
    def agrees(self) -> bool:
        return self.verification is None or self.verification.agrees


def report_page(spec: str, *, values: dict | None = None, input: list | None = None, depth: int | None = None,
                dtype: str = "fp32", batch: int = 1, bias_macs: bool = False, verify: bool = False) -> Page:  # fmt: skip
    """The page for `spec` with `values` set. `depth` folds the table's blocks below it
    (None: as deep as keeps about 40 rows open). Symbolic specs need every symbol set; the
    page then shows the formulas beside the numbers."""
    values = values or {}
    network = load(spec, values=values, input=input)
    report = network.summary(dtype=dtype, batch=batch, bias_macs=bias_macs)
    require_numbers(report)
    symbolic = load(spec, input=input).graph.symbols
    formulas = None
    if any(name in values for name in symbolic):
        kept = {name: value for name, value in values.items() if name not in symbolic}
        formulas = load(spec, values=kept, input=input).summary(dtype=dtype, batch=batch, bias_macs=bias_macs)
    verification = None
    if verify:
        from ..verify import verify as run_verify

        verification = run_verify(spec, values=values, input=input, batch=batch)
    fold = depth if depth is not None else auto_depth(report)
    return Page(render_page(network, report, fold, formulas, verification), verification)


def render_page(network: Network, report: Report, fold: int | None, formulas: Report | None = None, verification=None) -> str:
    sections = [
        ("totals", "Totals", _totals(report)),
        *([("verify", "Verified against the NumPy reference", _verdict(verification))] if verification is not None else []),
        ("layers", "Layers", _layers(report, fold)),
        ("charts", "Charts", _charts(report)),
        ("diagram", "Structure", _diagram(network, report)),
        *([("formulas", "Formulas", _formulas(formulas))] if formulas is not None else []),
        ("conventions", "Conventions", _conventions(report)),
    ]
    head = f"<h1>{escape(report.name)}</h1>"
    if report.source:
        head += f'<p class="muted">Source: {escape(report.source)}</p>'
    if report.notes:
        head += f"<p>{escape(report.notes)}</p>"
    nav = "<nav>" + "".join(f'<a href="#{key}">{escape(title)}</a>' for key, title, _ in sections) + "</nav>"
    body = "".join(f'<section id="{key}"><h2>{escape(title)}</h2>{content}</section>' for key, title, content in sections)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(report.name)} · cnncalc</title><style>{CSS}</style></head>"
        f"<body><header>{head}{nav}</header>{body}"
        f'<footer class="muted"><p>Made by cnncalc {__version__}.</p></footer>'
        f"<script>{JS}</script></body></html>\n"
    )


def _totals(report: Report) -> str:
    rows = "".join(f"<tr><th>{escape(label)}</th><td>{escape(text)}</td></tr>" for label, text in summary_lines(report))
    return f'<table class="totals" id="totals-table">{rows}</table>'


COLUMNS = (("Layer", ""), ("Type", ""), ("Output", ""), ("Params", "num"), ("MACs", "num"), ("RF", "num"), ("Activations", "num"))


def _layers(report: Report, fold: int | None) -> str:
    head = "".join(f'<th class="{cls}">{name}</th>' for name, cls in COLUMNS)
    lines = []
    for label, row in tree_rows(report, None):
        level = (len(label) - len(label.lstrip(" "))) // 2
        name = escape(label.strip())
        cells = [shape_text(row.output_shape), exact(row.params), exact(row.macs), field_text(row.field), human_bytes(row.activation_bytes)]
        toggle = '<button type="button" aria-label="fold or unfold">\u25be</button>' if row.is_group else ""
        indent = f' style="padding-left:{0.55 + 1.1 * level:.2f}rem"'
        tds = [f"<td{indent}>{toggle}{name}</td>", f"<td>{escape(row.type)}</td>", f"<td>{escape(cells[0])}</td>"]
        tds += [f'<td class="num">{escape(text)}</td>' for text in cells[1:]]
        kind = "block" if row.is_group else "layer"
        lines.append(f'<tr class="{kind}" data-level="{level}" data-path="{escape(row.path)}">{"".join(tds)}</tr>')
    tools = '<div class="tools"><button type="button" id="expand-all">Unfold all</button><button type="button" id="fold-all">Fold all</button></div>'
    fold_attr = "" if fold is None else str(fold)
    return (
        f'{tools}<table id="layer-table" data-fold="{fold_attr}" data-layers="{len(report.rows)}">'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(lines)}</tbody></table>"
        '<p class="muted">Block rows total the rows inside them; ▸ unfolds a block.</p>'
    )


def _figure(key: str, figure, caption: str, cls: str = "chart") -> str:
    return f'<figure class="{cls}" id="chart-{key}">{svg_text(figure)}<figcaption>{escape(caption)}</figcaption></figure>'


def _charts(report: Report) -> str:
    parts = [_figure("cost", cost_chart(report), "MACs, parameters and activation memory per layer, coloured by top-level block (log scales).")]
    if report.input[1:]:
        parts.append(_figure("field", field_chart(report), "Receptive-field size and jump per layer against the input size; the red line marks the first layer whose field covers the input."))
        row = box_row(report)
        if row is not None:
            parts.append(_figure("box", box_chart(report, row), f"What the middle unit of {row.path} sees: its receptive field on the input grid."))
    return "".join(parts)


def _diagram(network: Network, report: Report) -> str:
    return _figure("diagram", diagram(network.graph, report), "Boxes are layers or folded blocks, with output shape and cost; arrows are tensors.", "diagram")


def _formulas(formulas: Report) -> str:
    lines = "".join(f"<tr><th>{escape(label)}</th><td><code>{escape(text)}</code></td></tr>" for label, text in summary_lines(formulas))
    rows = "".join(
        f"<tr><td>{escape(row.path)}</td><td>{escape(row.type)}</td><td><code>{escape(shape_text(row.output_shape))}</code></td>"
        f"<td><code>{escape(exact(row.params))}</code></td><td><code>{escape(exact(row.macs))}</code></td></tr>"
        for row in formulas.collapsed(0)
    )
    symbols = ", ".join(formulas.symbols)
    return (
        f"<p>In the letters {escape(symbols)}, before the values above are put in:</p>"
        f'<table class="totals" id="formula-totals">{lines}</table>'
        f'<table id="formula-table"><thead><tr><th>Layer</th><th>Type</th><th>Output</th><th>Params</th><th>MACs</th></tr></thead><tbody>{rows}</tbody></table>'
    )


def _verdict(verification) -> str:
    layers = len(verification.layers)
    if verification.agrees:
        text = f"✓ The reference agrees with the algebra on all {layers} layers: shape, parameters, buffers, MACs and receptive field."
        return f'<p class="verdict agrees" id="verdict" data-agrees="true">{escape(text)}</p>'
    wrong = "".join(
        f"<tr><td>{escape(layer.path)}</td><td>{escape(check.quantity)}</td><td><code>{escape(str(check.algebra))}</code></td>"
        f"<td><code>{escape(str(check.reference))}</code></td></tr>"
        for layer, check in verification.disagreements()
    )
    text = f"✗ The reference disagrees with the algebra: {len(verification.disagreements())} figures in {layers} layers."
    return (
        f'<p class="verdict differs" id="verdict" data-agrees="false">{escape(text)}</p>'
        f"<table><thead><tr><th>Layer</th><th>Quantity</th><th>Algebra</th><th>Reference</th></tr></thead><tbody>{wrong}</tbody></table>"
    )


def _conventions(report: Report) -> str:
    bias = "counted as one MAC each (torchinfo's convention)" if report.bias_macs else "not counted (torchvision and fvcore's convention)"
    items = [
        "Shapes are per sample, channels first: C x H x W (1-D layers C x L, dense N).",
        "Parameters are learnable parameters as PyTorch's model.parameters() counts them; BatchNorm running statistics are buffers, not parameters. Shared weights count once.",
        f"MACs are multiply-accumulates per sample, bias additions {bias}; FLOPs = 2 x MACs. Pooling, normalisation, activations and adds are not MACs.",
        "Receptive field (Araujo, Norris and Sim, Distill 2019): size of one unit's field in input pixels, jump between neighbouring units, start of the first unit's field; '(all)' means global context reaches every unit.",
        f"Memory: values in {report.dtype}, batch {report.batch}; activations are the sum of every layer's output.",
    ]
    return "<ul>" + "".join(f"<li>{escape(item)}</li>" for item in items) + "</ul>"
