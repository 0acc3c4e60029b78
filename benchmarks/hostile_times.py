"""Wall time and peak memory of every hostile spec in tests/hostile/, through the installed
command (issue 6's budget: each under 2 s and 512 MiB).

    python benchmarks/hostile_times.py [--repeats 3]

Prints one line per file (median wall time, peak resident memory, exit code) and the worst
of each. Shared machines are noisy: compare with `python -c pass` in the same run.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "hostile"


def run(command: list[str]) -> tuple[float, int, int]:
    """(wall seconds, peak resident KiB, exit code) of one child process."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    started = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(child.pid, 0)
    return time.perf_counter() - started, usage.ru_maxrss, os.waitstatus_to_exitcode(status)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=3)
    repeats = parser.parse_args().repeats
    cnncalc = shutil.which("cnncalc") or str(Path(sys.executable).parent / "cnncalc")
    baseline = statistics.median(run([sys.executable, "-c", "pass"])[0] for _ in range(repeats))
    print(f"{'python -c pass':34s} {baseline * 1000:6.0f} ms")
    worst_time, worst_memory = (0.0, ""), (0, "")
    for path in sorted(CORPUS.glob("*.yaml")):
        results = [run([cnncalc, "summary", str(path), "--format", "json", "--depth", "0"]) for _ in range(repeats)]
        seconds = statistics.median(r[0] for r in results)
        memory = max(r[1] for r in results)
        print(f"{path.name:34s} {seconds * 1000:6.0f} ms {memory / 1024:6.1f} MiB  exit {results[0][2]}")
        worst_time = max(worst_time, (seconds, path.name))
        worst_memory = max(worst_memory, (memory, path.name))
    print(f"slowest: {worst_time[1]} {worst_time[0] * 1000:.0f} ms; largest: {worst_memory[1]} {worst_memory[0] / 1024:.1f} MiB")


if __name__ == "__main__":
    main()
