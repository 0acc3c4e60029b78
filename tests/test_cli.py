"""The command line as a user runs it: exit codes, key output, and what must not appear."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from cnncalc.cli import app

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args))


def test_summary_table_shows_exact_and_human_counts():
    result = run("summary", "lenet5")
    assert result.exit_code == 0
    assert "61,706 (61.7K)" in result.output
    assert "48,120" in result.output and "6x28x28" in result.output


def test_summary_json_has_the_documented_shape():
    result = run("summary", "lenet5", "--format", "json")
    data = json.loads(result.output)
    assert (data["name"], data["input"], data["output"]) == ("LeNet-5", [1, 32, 32], [10])
    assert data["totals"]["params"] == 61_706 and data["totals"]["flops"] == 2 * data["totals"]["macs"]
    first = data["layers"][0]
    assert (first["path"], first["type"], first["input_shape"], first["output_shape"], first["params"]) == (
        "layers[0]",
        "conv",
        [1, 32, 32],
        [6, 28, 28],
        156,
    )
    # a 5x5 window from position 0: field 0..4, centred on 2
    assert first["receptive_field"] == {
        "size": [5, 5],
        "jump": [1, 1],
        "start": [0, 0],
        "centre": [2, 2],
        "whole": False,
        "context": [],
        "known": True,
    }


def test_symbolic_values_are_strings_in_sympy_form():
    data = json.loads(run("summary", "bottleneck", "-f", "json").output)
    assert data["totals"]["params"] == "17*c**2"
    assert data["symbols"] == ["c", "H", "W"]


def test_set_input_depth_batch_and_dtype():
    result = run("summary", "bottleneck", "--set", "c=64", "--input", "256x56x56", "--depth", "0", "--batch", "32", "--dtype", "fp16", "-f", "json")
    data = json.loads(result.output)
    assert data["totals"]["params"] == 17 * 64 * 64
    assert [layer["type"] for layer in data["layers"]] == ["bottleneck"]
    # input 256*56*56 values, 32 samples, 2 bytes each
    assert (data["batch"], data["dtype"], data["totals"]["input_bytes"]) == (32, "fp16", 256 * 56 * 56 * 32 * 2)


def test_markdown_and_csv():
    markdown = run("summary", "lenet5", "-f", "markdown").output
    assert "| layers[6] | conv | 120x1x1 | 48,120 |" in markdown
    rows = list(csv.DictReader(io.StringIO(run("summary", "lenet5", "-f", "csv").output)))
    assert rows[-1]["path"] == "total" and rows[-1]["params"] == "61706"
    assert sum(int(r["params"]) for r in rows[:-1]) == 61_706


def test_list_shows_the_built_in_networks():
    result = run("list", "--format", "json")
    names = {entry["name"]: entry for entry in json.loads(result.output)}
    assert names["lenet5"]["params"] == 61_706 and names["bottleneck"]["params"] == "17*c**2"


def test_bad_input_gives_one_line_and_exit_code_2(tmp_path):
    spec = tmp_path / "bad.yaml"
    spec.write_text("input: [1, 8, 8]\nlayers:\n  - conv: {out: 6, kernal: 5}\n")
    result = run("summary", str(spec))
    assert result.exit_code == 2
    assert f"{spec}:3:20: layers[0]: unknown argument 'kernal'" in result.output
    assert "Traceback" not in result.output


def test_usage_errors_exit_2():
    assert run("summary", "no-such-net").exit_code == 2
    assert run("summary", "lenet5", "--set", "c").exit_code == 2
    assert run("summary", "lenet5", "--set", "c=1").exit_code == 2  # lenet5 has no symbol c
    assert run("summary", "lenet5", "--format", "xml").exit_code == 2
    assert run("summary", "lenet5", "--dtype", "fp7").exit_code == 2
    assert run("summary", "lenet5", "--input", "1xx32").exit_code == 2


def test_installed_command_runs_from_any_directory(tmp_path):
    """The real console script, as `pip install .` put it next to this Python."""
    command = Path(sys.executable).parent / "cnncalc"
    result = subprocess.run([str(command), "summary", "lenet5", "-f", "json"], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["totals"]["params"] == 61_706
    module = subprocess.run([sys.executable, "-m", "cnncalc", "--help"], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert module.returncode == 0 and "summary" in module.stdout


def test_a_variant_of_a_spec_file(tmp_path):
    family = tmp_path / "family.yaml"
    family.write_text("constants: {w: 1}\ninput: [8]\nlayers:\n  - dense: 4*w\nvariants:\n  small: {}\n  big: {set: {w: 2}}\n")
    # dense 8 -> 8 with bias: 8*8 + 8 = 72
    assert json.loads(run("summary", f"{family}#big", "-f", "json").output)["totals"]["params"] == 72
    assert run("summary", f"{family}#huge").exit_code == 2


def test_explain_shows_the_arithmetic():
    result = run("summary", "lenet5", "--explain")
    assert "params (1*5*5 + 1)*6 = 156" in result.output
    data = json.loads(run("summary", "lenet5", "--explain", "-f", "json").output)
    assert data["layers"][9]["explain"] == {"params": "(120 + 1)*84", "macs": "120*84"}


def test_piped_tables_keep_long_numbers_on_one_line(monkeypatch):
    # At rich's default 80 columns this table folds its MAC column. ResNet-50's stem conv:
    # 64 x 112 x 112 outputs, each 3*7*7 = 147 MACs: 64*12,544*147 = 118,013,952.
    monkeypatch.delenv("COLUMNS", raising=False)
    result = run("summary", "resnet50")
    assert result.exit_code == 0
    assert "118,013,952" in result.output
    assert "25,557,032" in result.output  # torchvision's ResNet-50 parameter count


def test_a_long_table_keeps_one_line_per_row(monkeypatch):
    # the summary table is laid out a column at a time: every row (each layer, and a row
    # opening each block) must stay one line, its columns aligned with the header's
    monkeypatch.delenv("COLUMNS", raising=False)
    lines = run("summary", "resnet50").output.splitlines()
    body = [line for line in lines if line.startswith("│")]
    header = next(line for line in lines if line.startswith("┃ Layer"))
    # one line per convolution: the stem, 3 in each of 16 bottlenecks, 4 projections
    assert sum(line.split("│")[2].strip() == "conv" for line in body) == 1 + 16 * 3 + 4
    # and each line holds its own row: the stem conv with its MACs, the classifier with
    # 2048*1000 + 1000 = 2,049,000 parameters
    assert "118,013,952" in body[0] and body[0].split("│")[2].strip() == "conv"
    dense = [line for line in body if line.split("│")[2].strip() == "dense"]
    assert len(dense) == 1 and "2,049,000" in dense[0]
    assert {len(line) for line in body} == {len(header)}
    assert [line.index("│", 2) for line in body] == [header.index("┃", 2)] * len(body)
