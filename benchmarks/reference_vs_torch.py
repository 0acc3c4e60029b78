"""The NumPy reference against PyTorch's CPU forward, side by side in one run.

    python benchmarks/reference_vs_torch.py                  # resnet50 vgg16 mobilenet_v2 dcgan_generator
    python benchmarks/reference_vs_torch.py fcn8s --repeats 3

Each network is built from its cnncalc spec; the PyTorch model is made from the same graph,
node by node, and once with the reference's own weights copied in, to show that both compute
the same function (their outputs are compared). Both run at batch 1 with the same number of
threads, each framework in its own process, alternating over three rounds (see `timings`).
Prints median and minimum times, their ratios, GFLOP/s (2 x the MACs the reference counted)
and peak memory: the bytes the reference holds at most (weights included, its own
accounting) and, from a child process per framework, how far one forward raises the resident
memory above what it was before (activations and scratch; the weights exist already).

torch is an optional extra: `pip install torch==2.13.0` (the tests never need it).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

from cnncalc.reference import Reference  # noqa: E402
from cnncalc.reference.windows import same_pads  # noqa: E402
from cnncalc.verify import concrete_graph  # noqa: E402

DEFAULT = ["resnet50", "vgg16", "mobilenet_v2", "dcgan_generator"]


# --- the same graph as a torch module ---------------------------------------------------------------


def torch_model(graph, weights: dict | None):
    """A torch.nn.Module running `graph` node by node with the reference's weights (or with
    torch's own initial values when `weights` is None)."""
    import torch
    import torch.nn.functional as F

    def tensor(a):
        return torch.from_numpy(np.ascontiguousarray(a))

    def param(node, name):
        owner = node.index if node.shares is None else node.shares
        return None if weights is None else weights.get((owner, name))

    class Graph(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.ops = []
            self.mods = torch.nn.ModuleList()
            for node in graph.nodes:
                self.ops.append(self.build(node))

        def build(self, node):
            layer, kind = node.layer, node.kind
            x_shape = graph.shape_of(node.sources[0]) if node.sources else None
            if kind in ("conv", "depthwise"):
                c = int(x_shape[0])
                groups = c if kind == "depthwise" else int(layer.groups)
                out = int(layer.multiplier) * c if kind == "depthwise" else int(layer.out)
                kernel = tuple(int(k) for k in layer.kernel)
                spatial = [int(n) for n in x_shape[1:]]
                stride, dilation = tuple(int(s) for s in layer.stride), tuple(int(d) for d in layer.dilation)
                if layer.padding == "same":
                    pads = [same_pads(n, d * (k - 1) + 1, s) for n, k, s, d in zip(spatial, kernel, stride, dilation)]
                else:
                    pads = [(int(b), int(a)) for b, a in layer.padding]
                symmetric = all(b == a for b, a in pads)
                conv = torch.nn.Conv2d(c, out, kernel, stride, [b for b, _ in pads] if symmetric else 0, dilation, groups, bias=bool(layer.bias))
                w = param(node, "weight")
                if w is not None:
                    g, rows, og = w.shape
                    conv.weight.data = tensor(w.reshape(g, *kernel, rows // np.prod(kernel), og).transpose(0, 4, 3, 1, 2).reshape(out, -1, *kernel))
                    if layer.bias:
                        conv.bias.data = tensor(param(node, "bias"))
                self.mods.append(conv)
                if symmetric:
                    return conv
                flat = [p for b, a in reversed(pads) for p in (b, a)]
                return lambda x: conv(F.pad(x, flat))
            if kind == "conv_transpose":
                c, kernel = int(x_shape[0]), tuple(int(k) for k in layer.kernel)
                conv = torch.nn.ConvTranspose2d(
                    c, int(layer.out), kernel, tuple(int(s) for s in layer.stride), tuple(int(p) for p in layer.padding),
                    tuple(int(p) for p in layer.output_padding), int(layer.groups), bool(layer.bias), tuple(int(d) for d in layer.dilation),
                )
                w = param(node, "weight")
                if w is not None:
                    g, cg, cols = w.shape
                    og = cols // int(np.prod(kernel))
                    conv.weight.data = tensor(w.reshape(g, cg, *kernel, og).transpose(0, 1, 4, 2, 3).reshape(g * cg, og, *kernel))
                    if layer.bias:
                        conv.bias.data = tensor(param(node, "bias"))
                self.mods.append(conv)
                return conv
            if kind == "batchnorm":
                bn = torch.nn.BatchNorm2d(int(x_shape[0]), affine=bool(layer.affine), track_running_stats=bool(layer.running_stats))
                for name in ("weight", "bias", "running_mean", "running_var"):
                    if param(node, name) is not None:
                        getattr(bn, name).data = tensor(param(node, name))
                self.mods.append(bn)
                return bn
            if kind in ("maxpool", "avgpool"):
                stride = layer.kernel if layer.stride is None else layer.stride
                pads = [int(b) for b, _ in layer.padding]
                args = dict(kernel_size=tuple(int(k) for k in layer.kernel), stride=tuple(int(s) for s in stride), padding=pads, ceil_mode=bool(layer.ceil_mode))
                if kind == "maxpool":
                    return torch.nn.MaxPool2d(dilation=tuple(int(d) for d in layer.dilation), **args)
                return torch.nn.AvgPool2d(**args)
            if kind == "dense":
                dense = torch.nn.Linear(int(x_shape[-1]), int(layer.out), bias=bool(layer.bias))
                if param(node, "weight") is not None:
                    dense.weight.data = tensor(param(node, "weight").T)
                    if layer.bias:
                        dense.bias.data = tensor(param(node, "bias"))
                self.mods.append(dense)
                return dense
            if kind == "crop":
                return ("crop", layer)
            simple = {
                "relu": F.relu, "relu6": F.relu6, "tanh": torch.tanh, "sigmoid": torch.sigmoid, "dropout": lambda x: x,
                "flatten": lambda x: torch.flatten(x, 1), "global_avgpool": lambda x: x.mean((2, 3), keepdim=True),
                "adaptive_avgpool": lambda x, o=tuple(int(v) for v in getattr(layer, "output", ()) or ()): F.adaptive_avg_pool2d(x, o),
                "add": "add", "concat": "concat",
            }
            if kind not in simple:
                raise SystemExit(f"the benchmark's torch translation has no '{kind}'")
            return simple[kind]

        def forward(self, *inputs):
            values = {-1 - k: x for k, x in enumerate(inputs)}
            for node, op in zip(graph.nodes, self.ops):
                args = [values[s] for s in node.sources]
                if op == "add":
                    y = args[0]
                    for a in args[1:]:
                        y = y + a
                elif op == "concat":
                    y = torch.cat(args, 1)
                elif isinstance(op, tuple):
                    layer = op[1]
                    size = args[1].shape[2:] if layer.like is not None else tuple(int(s) for s in layer.size)
                    start = [int(o) for o in layer.offset] if layer.offset is not None else [(n - t) // 2 for n, t in zip(args[0].shape[2:], size)]
                    y = args[0][:, :, start[0] : start[0] + size[0], start[1] : start[1] + size[1]]
                else:
                    y = op(args[0])
                values[node.index] = y
            return values[graph.outputs[0][1]]

    return Graph().eval()


# --- measuring --------------------------------------------------------------------------------------


def _forward(framework: str, name: str, threads: int):
    """A function running one forward of `name` in `framework`, and its graph and reference."""
    graph, _ = concrete_graph(name)
    reference = Reference(graph, batch=1)
    if framework == "torch":
        import torch

        torch.set_num_threads(threads)
        torch.set_grad_enabled(False)
        model = torch_model(graph, None)  # torch's own initial weights: time and memory do not depend on values
        x = [torch.from_numpy(np.ascontiguousarray(np.moveaxis(a, -1, 1))) for a in reference.inputs]
        return (lambda: model(*x)), graph, reference
    return (lambda: reference.run(measure=False)), graph, reference


def child_times(framework: str, name: str, repeats: int, threads: int) -> list[float]:
    """Seconds of `repeats` forwards in a fresh process (after two warm-up forwards)."""
    args = [sys.executable, __file__, "--child", "time", framework, name, str(repeats), str(threads)]
    done = subprocess.run(args, capture_output=True, text=True, check=True)
    return json.loads(done.stdout)["seconds"]


def timings(name: str, repeats: int, threads: int, rounds: int = 3) -> dict:
    """Median and minimum seconds per framework. Each framework runs in its own process (so
    one's idle worker threads never compete with the other's), with the same thread count;
    the processes alternate over `rounds` so that load on the machine hits both alike."""
    times = {"reference": [], "torch": []}
    for _ in range(rounds):
        for framework in times:
            times[framework] += child_times(framework, name, repeats, threads)
    return {f: (statistics.median(t), min(t)) for f, t in times.items()}


def _status(field: str) -> int:
    """A memory figure of this process from /proc/self/status, in bytes."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    raise KeyError(field)


def child_peak(framework: str, name: str, threads: int) -> float:
    """MiB one forward of `name` adds to the resident memory at its peak, in a fresh process."""
    done = subprocess.run([sys.executable, __file__, "--child", "memory", framework, name, "1", str(threads)], capture_output=True, text=True, check=True)
    return json.loads(done.stdout)["forward_mib"]


def child(task: str, framework: str, name: str, repeats: int, threads: int) -> None:
    """`time`: seconds of `repeats` forwards after two warm-ups. `memory`: how far the first
    forward raises the resident memory above what it was just before, less the weights it
    allocates (the reference allocates them during its first forward): the activations and
    scratch. Writing 5 to /proc/self/clear_refs resets the high-water mark VmHWM, so what
    happened while building the network does not count."""
    forward, _, reference = _forward(framework, name, threads)
    if task == "memory":
        Path("/proc/self/clear_refs").write_text("5")
        base = _status("VmRSS")
        forward()
        held = reference.weights.nbytes if framework == "reference" else 0
        print(json.dumps({"forward_mib": (_status("VmHWM") - base - held) / 2**20}))
        return
    forward(), forward()
    seconds = []
    for _ in range(repeats):
        start = time.perf_counter()
        forward()
        seconds.append(time.perf_counter() - start)
    print(json.dumps({"seconds": seconds}))


def bench(name: str, repeats: int, threads: int, memory: bool) -> dict:
    """Times, GFLOP/s and memory of both; and how far their outputs differ on the same weights."""
    import torch

    graph, _ = concrete_graph(name)
    reference = Reference(graph, batch=1)
    measured = reference.run(measure=True)
    macs = sum(m.macs for m in measured.nodes)
    model = torch_model(graph, reference.weights.arrays)
    inputs = [torch.from_numpy(np.ascontiguousarray(np.moveaxis(a, -1, 1))) for a in reference.inputs]
    with torch.inference_mode():
        expected = model(*inputs).numpy()
    got = reference.run(measure=False).outputs["output"]
    error = float(np.abs(got - expected).max() / max(np.abs(expected).max(), 1e-30))
    model = reference = None
    t = timings(name, repeats, threads)
    (ref_time, ref_min), (torch_time, torch_min) = t["reference"], t["torch"]
    row = {
        "network": name,
        "input": "x".join(str(int(d)) for d in graph.inputs[0][1]),
        "gmacs": macs / 1e9,
        "reference_s": ref_time,
        "torch_s": torch_time,
        "ratio": ref_time / torch_time,
        "reference_min_s": ref_min,
        "torch_min_s": torch_min,
        "ratio_of_minima": ref_min / torch_min,
        "reference_gflops": 2 * macs / ref_time / 1e9,
        "torch_gflops": 2 * macs / torch_time / 1e9,
        "reference_peak_mib": measured.peak_bytes / 2**20,
        "max_relative_difference": error,
        "threads": threads,
    }
    if memory:
        row["reference_rss_mib"] = child_peak("reference", name, threads)
        row["torch_rss_mib"] = child_peak("torch", name, threads)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("networks", nargs="*", default=DEFAULT)
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--threads", type=int, default=int(os.environ.get("OPENBLAS_NUM_THREADS", os.cpu_count())))
    parser.add_argument("--no-memory", action="store_true", help="skip the child processes that measure peak RSS")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--child", nargs=5, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        task, framework, name, repeats, threads = args.child
        return child(task, framework, name, int(repeats), int(threads))
    os.environ["OPENBLAS_NUM_THREADS"] = str(args.threads)  # for the child processes' numpy
    try:
        import torch
    except ImportError:
        raise SystemExit("torch is not installed: pip install torch==2.13.0")
    torch.set_num_threads(args.threads)
    rows = []
    for name in args.networks:
        row = bench(name, args.repeats, args.threads, not args.no_memory)
        rows.append(row)
        if not args.json:
            print(
                f"{row['network']:16s} {row['input']:>9s} {row['gmacs']:6.2f} GMACs | reference {row['reference_s'] * 1e3:7.1f} ms"
                f" (min {row['reference_min_s'] * 1e3:6.1f}) {row['reference_gflops']:5.1f} GFLOP/s | torch {row['torch_s'] * 1e3:7.1f} ms"
                f" (min {row['torch_min_s'] * 1e3:6.1f}) {row['torch_gflops']:5.1f} GFLOP/s"
                f" | ratio {row['ratio']:.2f} (minima {row['ratio_of_minima']:.2f}) | peak: reference {row['reference_peak_mib']:.0f} MiB held"
                + (f", forward RSS +{row['reference_rss_mib']:.0f} MiB vs torch +{row['torch_rss_mib']:.0f} MiB" if "torch_rss_mib" in row else "")
                + f" | outputs differ by {row['max_relative_difference']:.1e} (relative)",
                flush=True,
            )
    if args.json:
        print(json.dumps(rows, indent=2))
    else:
        print(
            f"threads: {args.threads} (torch.set_num_threads; OPENBLAS_NUM_THREADS for numpy), batch 1,"
            f" median and minimum of 3 rounds x {args.repeats} forwards, each framework in its own process"
        )


if __name__ == "__main__":
    main()
