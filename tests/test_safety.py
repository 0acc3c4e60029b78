"""Specs are data: no code path may execute text, and the loader raises only cnncalc's errors."""

from __future__ import annotations

import ast
import math
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cnncalc.analysis import analyze
from cnncalc.errors import CnnCalcError
from cnncalc.graph import build
from cnncalc.layers import LAYERS, layer_class
from cnncalc.layers.args import arguments
from cnncalc.render.report import render_json
from cnncalc.spec import parse_text

PACKAGE = Path(__file__).resolve().parent.parent / "cnncalc"

BUILTINS = {"eval", "exec", "compile", "__import__"}  # called by bare name
FORBIDDEN_CALLS = BUILTINS | {"sympify", "parse_expr", "unsafe_load", "full_load", "load_all", "system", "popen"}
SAFE_LOADERS = {"SafeLoader", "CSafeLoader"}


def unsafe_calls(source: str, name: str) -> list[str]:
    """Calls that could execute text or construct arbitrary objects, and unsafe YAML loaders."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            func = node.func
            called = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
            if called in FORBIDDEN_CALLS and (isinstance(func, ast.Name) or called not in BUILTINS):  # re.compile is fine
                found.append(f"{name}:{node.lineno}: {called}()")
            if called == "load" and isinstance(func, ast.Attribute) and getattr(func.value, "id", None) == "yaml":
                found.append(f"{name}:{node.lineno}: yaml.load()")
            for keyword in node.keywords:
                loader = keyword.value
                loader_name = loader.attr if isinstance(loader, ast.Attribute) else getattr(loader, "id", None)
                if keyword.arg == "Loader" and loader_name not in SAFE_LOADERS:
                    found.append(f"{name}:{node.lineno}: Loader={loader_name}")
        if isinstance(node, ast.ImportFrom) and any(alias.name in FORBIDDEN_CALLS for alias in node.names):
            found.append(f"{name}:{node.lineno}: imports {[a.name for a in node.names]}")
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            modules = [alias.name for alias in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            found += [f"{name}:{node.lineno}: imports {m}" for m in modules if m.split(".")[0] in ("pickle", "marshal", "subprocess")]
    return found


def test_no_module_executes_text_or_loads_yaml_unsafely():
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        found += unsafe_calls(path.read_text(encoding="utf-8"), str(path.relative_to(PACKAGE)))
    assert found == []


def test_the_scan_catches_what_it_looks_for():
    bad = "import yaml, pickle\nfrom sympy import sympify\neval(x)\nyaml.load(t, Loader=yaml.Loader)\nsympy.parse_expr(t)\n"
    assert len(unsafe_calls(bad, "bad.py")) == 6


def test_spec_loading_imports_nothing_heavy():
    """The concrete path reads YAML and does integer arithmetic: no sympy, no numpy."""
    import subprocess
    import sys

    probe = "import sys, cnncalc; cnncalc.load('lenet5').summary(); print('sympy' in sys.modules, 'numpy' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert result.stdout.split() == ["False", "False"], result.stderr


# --- fuzzing the loader and the builder ---------------------------------------------------

scalars = st.one_of(
    st.integers(-3, 300),
    st.booleans(),
    st.none(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=8),
    st.sampled_from(["same", "valid", "c", "2*c", "c // 2", "nearest", "bilinear", "center", "-1", "x", "skip", "1/2"]),
)
values = st.one_of(scalars, st.lists(scalars, max_size=4), st.lists(st.lists(scalars, max_size=3), max_size=3))
KINDS = sorted(LAYERS)


# mostly plausible argument values, so generated networks get past the first layer
PLAUSIBLE = {
    "out": st.integers(1, 12),
    "kernel": st.one_of(st.integers(1, 5), st.lists(st.integers(1, 3), min_size=2, max_size=2)),
    "stride": st.integers(1, 3),
    "padding": st.one_of(st.integers(0, 2), st.sampled_from(["same", "valid"])),
    "dilation": st.integers(1, 2),
    "groups": st.sampled_from([1, 1, 2]),
    "output_padding": st.integers(0, 1),
    "ceil_mode": st.booleans(),
    "output": st.integers(1, 4),
    "levels": st.just([2, 1]),
    "scale": st.sampled_from([2, 1.5, "1/2"]),
    "mode": st.sampled_from(["nearest", "bilinear"]),
    "hidden": st.integers(1, 6),
    "p": st.sampled_from([0.1, 0.5]),
    "size": st.integers(1, 4),
    "groups_norm": st.just(1),
}


@st.composite
def layer_items(draw):
    kind = draw(st.sampled_from(KINDS))
    names = list(arguments(layer_class(kind)))
    if draw(st.integers(0, 19)) == 0:  # now and then, junk
        return {kind: draw(st.dictionaries(st.sampled_from(names + ["junk"]), values, max_size=3))}
    args = {name: draw(PLAUSIBLE.get(name, scalars)) for name in names if name in PLAUSIBLE and draw(st.booleans())}
    for name, argument in arguments(layer_class(kind)).items():
        if argument.required and name not in args:
            args[name] = draw(PLAUSIBLE.get(name, st.integers(1, 4)))
    item = {kind: args} if args else kind
    if draw(st.integers(0, 4)) == 0:
        item = {kind: args, "as": "skip"} if args else {kind: None, "as": "skip"}
    return item


def structures(items):
    return st.one_of(
        st.builds(lambda n, body: {"repeat": {"times": n, "layers": body}}, st.integers(0, 3), st.lists(items, min_size=1, max_size=3)),
        st.builds(lambda body: {"residual": body}, st.lists(items, min_size=1, max_size=3)),
        st.builds(
            lambda op, branches, crop: {op: {"branches": branches, "crop": crop}},
            st.sampled_from(["add", "multiply", "concat"]),
            st.lists(st.lists(items, max_size=2), min_size=2, max_size=3),
            st.sampled_from(["none", "center"]),
        ),
        st.builds(lambda name: {"from": name}, st.sampled_from(["skip", "input", "nope"])),
    )


items = st.recursive(layer_items(), structures, max_leaves=8)
documents = st.fixed_dictionaries(
    {
        "input": st.integers(0, 9).flatmap(  # mostly C x H x W, sometimes other ranks or junk
            lambda k: st.lists(st.integers(1, 24), min_size=3, max_size=3)
            if k < 7
            else st.lists(st.integers(1, 24), min_size=1, max_size=4)
            if k < 9
            else values
        ),
        "layers": st.lists(items, min_size=1, max_size=6),
    },
    optional={"symbols": st.just(["c"]), "constants": st.dictionaries(st.sampled_from(["w", "d"]), scalars, max_size=2)},
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents)
def test_random_specs_build_or_raise_cnncalc_errors(document):
    text = yaml.safe_dump(document, allow_unicode=True)
    try:
        graph = build(parse_text(text, "fuzz.yaml"), values={"c": 4} if "symbols" in document else None)
    except CnnCalcError:
        return
    report = analyze(graph)
    assert sum(row.params for row in report.rows) == report.totals.params
    render_json(report)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_random_text_loads_or_raises_cnncalc_errors(text):
    try:
        parse_text(text, "fuzz.yaml")
    except CnnCalcError:
        pass


def test_fuzzed_floats_are_exact_or_refused():
    # a float written in YAML becomes the exact decimal it spells
    graph = build(parse_text("input: [10]\nlayers:\n  - dropout: 0.1\n", "x.yaml"))
    assert graph.nodes[0].layer.p * 10 == 1 and not math.isnan(float(graph.nodes[0].layer.p))
