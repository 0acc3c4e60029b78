"""`cnncalc compare`: symbolic and concrete ratios in every format."""

from __future__ import annotations

import csv
import io
import json

from typer.testing import CliRunner

from cnncalc.cli import app

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args))


def test_symbolic_table_shows_both_formulas_and_the_ratio():
    result = run("compare", "two-3x3", "one-5x5")
    assert result.exit_code == 0, result.output
    assert "18*c**2" in result.output and "25*c**2" in result.output and "18/25" in result.output


def test_json_values_and_ratios():
    data = json.loads(run("compare", "two-3x3", "one-5x5", "bottleneck", "-f", "json").output)
    assert [n["name"] for n in data["networks"]] == ["two-3x3", "one-5x5", "bottleneck"]
    params = data["quantities"]["params"]
    assert params["values"] == ["18*c**2", "25*c**2", "17*c**2"]
    assert params["ratios"] == [1, "18/25", "18/17"]  # the first column divided by each
    assert data["quantities"]["receptive_field"]["values"] == [[5, 5], [5, 5], [3, 3]]


def test_set_and_csv():
    result = run("compare", "bottleneck", "two-3x3", "--set", "c=64", "-f", "csv")
    rows = {row[0]: row for row in csv.reader(io.StringIO(result.output))}
    assert rows["quantity"] == ["quantity", "bottleneck", "two-3x3", "bottleneck/two-3x3"]
    # 17 * 64^2 = 69,632; 18 * 64^2 = 73,728
    assert rows["params"] == ["params", "69632", "73728", "17/18"]


def test_real_networks_in_markdown():
    result = run("compare", "resnet50", "resnext50_32x4d", "-f", "markdown")
    assert result.exit_code == 0
    assert "| Parameters | 25,557,032 | 25,028,904 |" in result.output


def test_errors_exit_2():
    assert run("compare", "two-3x3", "nosuchnet").exit_code == 2
    assert run("compare", "two-3x3", "one-5x5", "--set", "k=3").exit_code == 2
    assert run("compare", "two-3x3", "-f", "xml").exit_code == 2
