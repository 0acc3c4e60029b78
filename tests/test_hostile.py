"""Hostile and broken specs through the installed command, as CI would meet them.

Every file in tests/hostile/ must end with exit code 2 and one line naming the file (or,
for the valid_* files, exit 0), never a traceback, within 512 MiB of address space and
without hanging. Nothing a spec says is executed: the payloads would create a marker file.
Wall times are measured by benchmarks/hostile_times.py, not asserted here (shared machines
are too noisy for timed tests); the timeout below only catches hangs.
"""

from __future__ import annotations

import resource
import subprocess
import sys
from pathlib import Path

import pytest

CORPUS = sorted((Path(__file__).parent / "hostile").glob("*.yaml"))
COMMAND = Path(sys.executable).parent / "cnncalc"
MEMORY_LIMIT = 512 * 2**20
MARKER = Path("/tmp/cnncalc-pwned")


def limited() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def run(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(COMMAND), "summary", str(path), "--format", "json", "--depth", "0"],
        capture_output=True,
        text=True,
        errors="replace",
        timeout=30,
        preexec_fn=limited,
        cwd=path.parent,
    )


def test_the_corpus_is_there():
    assert len(CORPUS) >= 40


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.stem)
def test_hostile_spec(path):
    MARKER.unlink(missing_ok=True)
    result = run(path)
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    assert not MARKER.exists(), "a spec made cnncalc run a command"
    if path.stem.startswith("valid_"):
        assert result.returncode == 0, result.stderr
        return
    assert result.returncode == 2, result.stdout[:200] + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")
    assert str(path) in lines[0]
