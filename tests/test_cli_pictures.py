"""`cnncalc plot`, `cnncalc report` and `compare --plot` as a user runs them."""

from __future__ import annotations

import subprocess
import sys

import pytest
from typer.testing import CliRunner

from cnncalc.cli import app

pytest.importorskip("matplotlib", reason="the picture tests need matplotlib: pip install '.[test]'")

runner = CliRunner()
EXTRA = "pip install 'cnncalc[plot]'"


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_plot_writes_the_picture_and_says_so(tmp_path):
    out = tmp_path / "lenet.png"
    result = run("plot", "lenet5", "-o", out)
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"wrote {out}"
    assert out.read_bytes().startswith(b"\x89PNG")


@pytest.mark.parametrize("kind", ["field", "diagram"])
def test_plot_kinds_write_svg(tmp_path, kind):
    out = tmp_path / f"{kind}.svg"
    assert run("plot", "lenet5", "--kind", kind, "-o", out).exit_code == 0
    assert "<svg" in out.read_text()


def test_plot_field_at_a_layer_draws_the_box(tmp_path):
    out = tmp_path / "box.svg"
    assert run("plot", "lenet5", "--kind", "field", "--at", "layers[3]", "--unit", "0,0", "-o", out).exit_code == 0
    # layers[3] (conv after the first pool): r = 6 + 4*2 = 14, unit 0 sees 0..13.
    assert "field 0..13 x 0..13" in out.read_text()


@pytest.mark.parametrize(
    "args,message",
    [
        (["bottleneck"], "set c, H, W"),
        (["lenet5", "--at", "layers[3]"], "use them with --kind field"),
        (["vgg16", "--kind", "field", "--at", "layers[17]"], "VGG-16 has no layer at 'layers[17]'; did you mean 'layers[1]'?"),
        (["lenet5", "--kind", "bars"], "unknown kind of plot 'bars'"),
        (["lenet5", "--kind", "field", "--at", "layers[3]", "--unit", "99,0"], "unit 99,0 is outside its 10x10 output"),
    ],
)
def test_plot_mistakes_are_one_line_and_exit_2(tmp_path, args, message):
    result = run("plot", *args, "-o", tmp_path / "x.png")
    assert result.exit_code == 2
    assert message in result.output and "Traceback" not in result.output
    assert not (tmp_path / "x.png").exists()


def test_plot_refuses_an_unknown_picture_format(tmp_path):
    result = run("plot", "lenet5", "-o", tmp_path / "x.jpg")
    assert result.exit_code == 2 and "expected a file ending in .png, .svg, .pdf" in result.output


@pytest.mark.parametrize(
    "args",
    [
        ["plot", "lenet5", "-o", "x.png"],
        ["report", "lenet5", "-o", "x.html"],
        ["compare", "lenet5", "alexnet", "--plot", "-o", "x.png"],
    ],
)
def test_without_matplotlib_the_commands_name_the_extra(monkeypatch, tmp_path, args):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # `import matplotlib` now fails
    monkeypatch.chdir(tmp_path)
    result = run(*args)
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and EXTRA in result.output
    assert not list(tmp_path.iterdir())


def test_without_matplotlib_the_installed_command_says_so_in_one_line(tmp_path):
    code = "import sys; sys.modules['matplotlib'] = None; from cnncalc.cli import main; sys.argv = ['cnncalc', 'plot', 'lenet5', '-o', 'x.png']; main()"
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.strip().splitlines() == [f"error: pictures need matplotlib, which is not installed: {EXTRA}"]


def test_compare_plot_scatter_and_curves(tmp_path):
    scatter = tmp_path / "pareto.svg"
    assert run("compare", "lenet5", "alexnet", "--plot", "-o", scatter).exit_code == 0
    assert "lenet5 (61.7K, 417K)" in scatter.read_text()  # LeNet-5: 61,706 params, 416,520 MACs
    curves = tmp_path / "curves.svg"
    result = run("compare", "two-3x3", "one-5x5", "--set", "c=16:64:16", "--set", "H=56", "--set", "W=56", "--plot", "-o", curves)
    assert result.exit_code == 0, result.output
    assert "Totals against c" in curves.read_text()


@pytest.mark.parametrize(
    "args,message",
    [
        (["two-3x3", "one-5x5", "--plot", "-o", "{tmp}/x.png"], "two-3x3 has sizes in letters"),
        (["two-3x3", "--set", "c=1:x", "--plot", "-o", "{tmp}/x.png"], "'x' is not a number"),
        (["two-3x3", "--set", "c=1:4", "--set", "H=1,2", "--plot", "-o", "{tmp}/x.png"], "curves over one value"),
        (["two-3x3", "--set", "c=5:1", "--plot", "-o", "{tmp}/x.png"], "is empty"),
        (["two-3x3", "--set", "c=1:100000", "--plot", "-o", "{tmp}/x.png"], "at most 500"),
        (["two-3x3", "--set", "q=1:4", "--set", "H=8", "--plot", "-o", "{tmp}/x.png"], "'q' is not a symbol or constant"),
        (["lenet5", "alexnet", "--plot"], "--plot needs -o FILE"),
        (["lenet5", "alexnet", "-o", "{tmp}/x.png"], "use it with --plot"),
    ],
)
def test_compare_plot_mistakes(tmp_path, args, message):
    result = run("compare", *[a.format(tmp=tmp_path) for a in args])
    assert result.exit_code == 2 and message in result.output, result.output


def test_report_writes_one_page(tmp_path):
    out = tmp_path / "b.html"
    result = run("report", "bottleneck", "--set", "c=64", "--set", "H=56", "--set", "W=56", "--verify", "-o", out)
    assert result.exit_code == 0, result.output
    html = out.read_text()
    assert html.startswith("<!DOCTYPE html>") and 'id="verdict" data-agrees="true"' in html


def test_report_of_a_symbolic_spec_without_values_names_the_symbols(tmp_path):
    result = run("report", "bottleneck", "-o", tmp_path / "b.html")
    assert result.exit_code == 2 and "set c, H, W" in result.output
