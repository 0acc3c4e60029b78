"""`cnncalc layer`: one layer's figures, and solving for a '?' argument."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from cnncalc.cli import app

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args))


def test_alexnet_first_layer():
    result = run("layer", "conv", "--input", "3x224x224", "out=96", "kernel=11", "stride=4")
    assert result.exit_code == 0
    # floor((224 - 11)/4) + 1 = 54; (3*11*11 + 1) * 96 = 34,944; 54*54*96*363 = 101,616,768
    assert "96x54x54" in result.output and "34,944" in result.output and "101,616,768" in result.output
    assert "Receptive field: 11, jump 4" in result.output


def test_solving_for_padding():
    result = run("layer", "conv", "--input", "3x224x224", "out=96", "kernel=11", "stride=4", "padding=?", "--expect", "96x55x55")
    assert result.exit_code == 0
    assert "padding = 2 or 3" in result.output and "tried 0 to 448" in result.output


def test_no_solution_exits_1():
    result = run("layer", "conv", "--input", "3x224x224", "out=96", "kernel=11", "stride=?", "--expect", "96x100x100")
    assert result.exit_code == 1 and "no value of stride gives 96x100x100" in result.output


def test_expect_without_unknown_checks_the_shape():
    ok = run("layer", "conv", "--input", "c,H,W", "out=c", "kernel=3", "padding=1", "--expect", "c,H,W")
    assert ok.exit_code == 0 and "as expected" in ok.output
    wrong = run("layer", "conv", "--input", "3x224x224", "out=96", "kernel=11", "stride=4", "--expect", "96x55x55")
    assert wrong.exit_code == 1 and "not 96x55x55" in wrong.output


def test_json_and_recurrent_input():
    data = json.loads(run("layer", "lstm", "--input", "10x300", "hidden=512", "-f", "json").output)
    # 4 gates x 512 x (300 + 512) + 2 x 4 x 512 biases; 10 steps of 4 x 512 x 812 MACs
    assert (data["output"], data["params"], data["macs"]) == ([10, 512], 4 * 512 * 812 + 4096, 10 * 4 * 512 * 812)
    solved = json.loads(run("layer", "conv_transpose", "--input", "128x28x28", "out=64", "kernel=4", "padding=1", "stride=?", "--expect", "64x56x56", "-f", "json").output)
    # (28 - 1)*s - 2 + 3 + 1 = 56 <=> s = 2
    assert solved["solve_for"] == "stride" and [s["value"] for s in solved["solutions"]] == [2]


def test_errors_exit_2():
    assert run("layer", "conv", "--input", "3x8x8", "out=4", "kernal=3").exit_code == 2
    assert run("layer", "conv", "--input", "3x8x8", "out=4", "kernel=?").exit_code == 2  # no --expect
    assert run("layer", "convolution", "--input", "3x8x8").exit_code == 2
    result = run("layer", "conv", "--input", "3x4x4", "out=4", "kernel=5")
    assert result.exit_code == 2 and "Traceback" not in result.output
