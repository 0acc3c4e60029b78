"""`cnncalc check` as a user runs it: exit codes 0/1/2, ✓/✗ lines, stated and computed values."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from cnncalc.cli import app

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, [str(a) for a in args])


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_notes_are_as_the_claims_file_says():
    """The installed command, as CI runs it: every claim of the notes is as the file says."""
    result = subprocess.run(
        [sys.executable, "-m", "cnncalc", "check", "architectures/claims/notes.yaml"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ, "PYTHONIOENCODING": "utf-8", "COLUMNS": "200"},
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    verdicts = [line.split()[0] for line in result.stdout.splitlines() if line[:1] in "✓✗"]
    assert verdicts and set(verdicts) == {"✓"}
    assert "false, as marked" in result.stdout
    assert "padding 2 or 3 gives 96x55x55" in result.stdout  # AlexNet's 224 -> 55
    assert "Traceback" not in result.stderr


def test_a_false_claim_exits_1_and_shows_both_values(tmp_path):
    claims = write(
        tmp_path,
        "c.yaml",
        "claims:\n  - says: LeNet-5 has 60,000 parameters\n    spec: lenet5\n    params: 60000\n"
        "  - says: LeNet-5 has 61,706 parameters\n    spec: lenet5\n    params: 61706\n",
    )
    result = run("check", claims)
    assert result.exit_code == 1
    assert "✗ FALSE, but marked true" in result.output and "✓ true" in result.output
    assert "stated 60,000; actually 61,706" in result.output
    assert "2 claims: 1 as the file says" in result.output
    failures = run("check", claims, "--failures")
    assert "60,000" in failures.output and "61,706 parameters”" not in failures.output


def test_holds_false_prints_what_is_true(tmp_path):
    claims = write(
        tmp_path,
        "c.yaml",
        "claims:\n  - says: c x c x 5 x 5 x 2 => 25c^2\n    expr: c*c*5*5*2\n    value: 25*c^2\n    holds: false\n",
    )
    result = run("check", claims)
    assert result.exit_code == 0
    assert "false, as marked" in result.output and "stated 25*c**2; actually 50*c**2" in result.output


def test_markdown_note(tmp_path):
    note = write(tmp_path, "week6.md", "# notes\n\n```cnncalc\nsays: 512*512*3*3*3 = 7,077,888\nexpr: 512*512*3*3*3\nvalue: 7077888\n```\n")
    result = run("check", note)
    assert result.exit_code == 0 and "week6.md:4" in result.output


def test_bad_input_exits_2_with_the_position(tmp_path):
    bad = write(tmp_path, "bad.yaml", "claims:\n  - says: x\n    spec: lenet5\n    parms: 1\n")
    result = run("check", bad)
    assert result.exit_code == 2
    assert "bad.yaml:4:5: unknown key 'parms' in a claim" in result.output
    assert "Traceback" not in result.output
    assert run("check", tmp_path / "missing.yaml").exit_code == 2
    assert run("check", bad, "--format", "xml").exit_code == 2


def test_a_claim_that_cannot_be_measured_exits_2(tmp_path):
    claims = write(tmp_path, "c.yaml", "claims:\n  - {says: x, spec: lenet55, params: 1}\n  - {says: y, spec: lenet5, params: 61706}\n")
    result = run("check", claims)
    assert result.exit_code == 2
    assert "unknown architecture 'lenet55'" in result.output and "1 could not be checked" in result.output


def test_json_output(tmp_path):
    claims = write(
        tmp_path,
        "c.yaml",
        "claims:\n  - says: AlexNet conv1\n    layer: {conv: {out: 96, kernel: 11, stride: 4}}\n"
        "    input: [3, 224, 224]\n    output: [96, 55, 55]\n    holds: false\n",
    )
    result = run("check", claims, "--format", "json")
    data = json.loads(result.output)
    assert result.exit_code == 0
    assert data["summary"] == {"claims": 1, "as_marked": 1, "false_as_marked": 1, "not_as_marked": 0, "errors": 0}
    claim = data["claims"][0]
    assert (claim["holds"], claim["truth"], claim["passed"], claim["line"]) == (False, False, True, 2)
    assert claim["checks"][0] == {"quantity": "output", "relation": None, "stated": [96, 55, 55], "computed": [96, 54, 54], "truth": False}
    assert claim["suggestion"] == {"padding": [2, 3], "gives": [96, 55, 55]}


def test_a_spec_file_checks_its_expect(tmp_path):
    assert run("check", ROOT / "architectures" / "lenet5.yaml").exit_code == 0
    wrong = write(tmp_path, "w.yaml", "input: [3, 8, 8]\nlayers:\n  - conv: {out: 4, kernel: 3}\nexpect: {params: 108}\n")
    result = run("check", wrong)
    assert result.exit_code == 1 and "stated 108; actually 112" in result.output
