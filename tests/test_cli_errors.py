"""The error path of every command: exit code 2, a message, never a traceback. Run through
the installed command, as a user or a CI job meets it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

COMMAND = str(Path(sys.executable).parent / "cnncalc")
HOSTILE = Path(__file__).parent / "hostile"


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bad")
    (folder / "unknown_key.yaml").write_text("claims:\n  - says: x\n    spec: lenet5\n    parms: 1\n")
    (folder / "broken.yaml").write_text("claims: [\n")
    (folder / "bad_spec.yaml").write_text("input: [1, 8, 8]\nlayers:\n  - conv: {out: 6, kernal: 5}\n")
    return folder


CASES = [
    ["summary"],
    ["summary", "no-such-network"],
    ["summary", "{bad_spec.yaml}"],
    ["summary", "lenet5", "--set", "nope=3"],
    ["summary", "lenet5", "--batch", "0"],
    ["list", "--format", "xml"],
    ["compare"],
    ["compare", "lenet5", "no-such-network"],
    ["compare", "lenet5", "{bad_spec.yaml}"],
    ["layer", "convv", "--input", "3x8x8", "out=4"],
    ["layer", "conv", "--input", "3x8x8", "out=4"],
    ["layer", "conv", "--input", "3xx8", "out=4", "kernel=3"],
    ["layer", "conv", "--input", "3x8x8", "out=4", "kernel=99"],
    ["layer", "conv", "--input", "3x8x8", "out=4", "kernel=?"],
    ["check", "/nonexistent/claims.yaml"],
    ["check", "{unknown_key.yaml}"],
    ["check", "{broken.yaml}"],
    ["verify"],
    ["verify", "no-such-network"],
    ["verify", "lenet5", "--max-memory", "lots"],
    ["verify", "lenet5", "--max-memory", "1KiB"],
    ["verify", "lenet5", "--batch", "0"],
    # a network whose reference run would need about 1.3 TiB: refused from the estimate
    ["verify", "{hostile/valid_huge_input.yaml}"],
]


@pytest.mark.parametrize("args", CASES, ids=lambda args: " ".join(args))
def test_bad_input_exits_2_without_a_traceback(args, files):
    folders = {"hostile": HOSTILE.parent}  # {name} is a file made above, {hostile/name} one of the corpus
    argv = [str(folders.get(arg[1:].split("/")[0], files) / arg[1:-1]) if arg.startswith("{") else arg for arg in args]
    result = subprocess.run([COMMAND, *argv], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert "error" in result.stderr.lower() or "Missing argument" in result.stderr
