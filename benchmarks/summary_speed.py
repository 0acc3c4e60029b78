"""How fast `cnncalc summary` is: command wall time, and analysis cost against depth.

Run after `pip install .` (bytecode compiled, as users have it):

    python benchmarks/summary_speed.py

Budgets (issue 2): `cnncalc summary lenet5` median under 0.3 s; a 1001-layer ResNet
analysed in-process in under 0.1 s, with cost linear in depth. The machine is shared and
noisy, so the script reports medians of many runs and compares ratios within one run.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time


def command_times(commands: list[list[str]], runs: int = 21) -> list[tuple[list[float], list[float]]]:
    """(wall seconds, CPU seconds) of each command, run interleaved so that a change in the
    machine's speed during the run affects all of them alike."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    times = [([], []) for _ in commands]
    for _ in range(runs):
        for (wall, cpu), args in zip(times, commands):
            started = time.perf_counter()
            child = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
            _, status, usage = os.wait4(child.pid, 0)
            wall.append(time.perf_counter() - started)
            cpu.append(usage.ru_utime + usage.ru_stime)
            assert os.waitstatus_to_exitcode(status) == 0, args
    return times


def preact_resnet(blocks: int) -> str:
    """A pre-activation bottleneck ResNet for CIFAR (He et al. 2016) with `blocks` blocks per
    stage: depth 9*blocks + 2 (111 blocks: ResNet-1001)."""
    return f"""
input: [3, 32, 32]
blocks:
  unit(width, stride=1):
    residual:
      body:
        - batchnorm
        - relu
        - conv: {{out: width, kernel: 1, bias: false}}
        - batchnorm
        - relu
        - conv: {{out: width, kernel: 3, stride: stride, padding: 1, bias: false}}
        - batchnorm
        - relu
        - conv: {{out: 4*width, kernel: 1, bias: false}}
      shortcut: [{{conv: {{out: 4*width, kernel: 1, stride: stride, bias: false}}}}]
  same(width):
    residual: [batchnorm, relu, {{conv: {{out: width, kernel: 1, bias: false}}}}, batchnorm, relu,
               {{conv: {{out: width, kernel: 3, padding: 1, bias: false}}}}, batchnorm, relu,
               {{conv: {{out: 4*width, kernel: 1, bias: false}}}}]
  stage(width, stride):
    - unit: [width, stride]
    - repeat: {{times: {blocks} - 1, layers: [{{same: width}}]}}
layers:
  - conv: {{out: 16, kernel: 3, padding: 1, bias: false}}
  - stage: [16, 1]
  - stage: [32, 2]
  - stage: [64, 2]
  - batchnorm
  - relu
  - global_avgpool
  - flatten
  - dense: 10
"""


def analysis_time(text: str, runs: int = 7) -> tuple[float, int]:
    from cnncalc.analysis import analyze
    from cnncalc.graph import build
    from cnncalc.spec import parse_text

    times, layers = [], 0
    for _ in range(runs):
        started = time.perf_counter()
        report = analyze(build(parse_text(text, "bench.yaml")))
        times.append(time.perf_counter() - started)
        layers = len(report.rows)
    return statistics.median(times), layers


def main() -> None:
    cnncalc = shutil.which("cnncalc") or os.path.join(os.path.dirname(sys.executable), "cnncalc")
    commands = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "python: import typer, rich, yaml": [sys.executable, "-c", "import typer, rich.console, rich.table, yaml"],
        "cnncalc summary lenet5": [cnncalc, "summary", "lenet5"],
        "cnncalc summary lenet5 -f json": [cnncalc, "summary", "lenet5", "-f", "json"],
        "cnncalc summary resnet50": [cnncalc, "summary", "resnet50"],
        "cnncalc summary resnet50 -f json": [cnncalc, "summary", "resnet50", "-f", "json"],
        "cnncalc summary bottleneck": [cnncalc, "summary", "bottleneck"],
    }
    for name, (wall, cpu) in zip(commands, command_times(list(commands.values()))):
        print(f"{name:36s} wall median {statistics.median(wall) * 1000:5.0f} ms (min {min(wall) * 1000:4.0f})"
              f"   CPU median {statistics.median(cpu) * 1000:5.0f} ms")
    print()
    rows = []
    for blocks in (12, 111, 1111):  # ResNet-110-ish, ResNet-1001, ResNet-10001
        seconds, layers = analysis_time(preact_resnet(blocks))
        rows.append((blocks, layers, seconds))
        print(f"pre-activation ResNet-{9 * blocks + 2:<6d} {layers:6d} rows  median {seconds * 1000:7.1f} ms  "
              f"{seconds / layers * 1e6:5.1f} us/row")
    (_, small_layers, small), _, (_, large_layers, large) = rows
    print(f"cost ratio 10001 vs 110 layers: {large / small:.1f} for {large_layers / small_layers:.1f}x the rows (linear: equal)")


if __name__ == "__main__":
    main()
