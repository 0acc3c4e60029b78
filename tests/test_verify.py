"""`verify`: the algebra against the NumPy reference, and proof that the check can fail."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import network
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from cnncalc import catalog
from cnncalc.cli import app
from cnncalc.errors import LimitError
from cnncalc.layers import conv as conv_module
from cnncalc.layers.base import Field
from cnncalc.layers.norm import BatchNorm
from cnncalc.verify import compare_field, verify, verify_graph

runner = CliRunner()


def disagreeing(result) -> set:
    return {(layer.kind, check.quantity) for layer, check in result.disagreements()}


# --- the library ---------------------------------------------------------------------------------


def test_lenet5_agrees_in_every_layer_and_quantity():
    result = verify("lenet5", batch=2, seed=3)
    assert result.agrees
    assert len(result.layers) == 12
    conv = result.layers[0]
    assert conv.check("shape").reference == [6, 28, 28]
    assert conv.check("params").reference == 156  # (1*5*5 + 1) * 6, read off the arrays allocated
    assert conv.check("macs").reference == 117_600  # 28*28*6 * 25
    assert result.layers[8].check("field").reference["whole"]  # flatten sees the whole 32x32 input


@pytest.mark.parametrize("name, params", [("bottleneck", 17 * 8 * 8), ("one-5x5", 25 * 8 * 8), ("two-3x3", 18 * 8 * 8)])
def test_symbolic_specs_verify_at_small_defaults(name, params):
    result = verify(name)
    assert result.agrees
    assert result.values["c"] == 8
    assert sum(layer.check("params").reference for layer in result.layers) == params


def test_symbolic_specs_verify_at_given_values():
    result = verify("bottleneck", values={"c": "3", "H": "11", "W": "7"})
    assert result.agrees
    assert result.inputs["input"] == (12, 11, 7)
    assert result.values == {"c": 3, "H": 11, "W": 7}


def test_verify_refuses_above_the_memory_limit():
    with pytest.raises(LimitError) as error:
        verify("lenet5", max_memory=10_000)
    assert "--max-memory" in str(error.value)


# --- the check can fail: break a formula of the algebra on purpose ---------------------------------


def test_a_wrong_mac_formula_is_caught(monkeypatch):
    monkeypatch.setattr(conv_module.Conv, "macs", lambda self: 2 * conv_module.numel(self.out_shape()) * self.weights_per_output())
    result = verify("lenet5")
    assert not result.agrees
    assert disagreeing(result) == {("conv", "macs")}
    layer, check = result.disagreements()[0]
    assert (layer.path, check.algebra, check.reference) == ("layers[0]", 235_200, 117_600)


def test_a_wrong_window_size_is_caught(monkeypatch):
    real = conv_module.window_sizes

    def off_by_one(spatial, extent, stride, pads, ceil_mode=False):
        return tuple(n + 1 for n in real(spatial, extent, stride, pads, ceil_mode))

    monkeypatch.setattr(conv_module, "window_sizes", off_by_one)
    result = verify("two-3x3", values={"c": 2})
    assert ("conv", "shape") in disagreeing(result)
    assert ("conv", "macs") in disagreeing(result)


def test_a_receptive_field_that_forgets_padding_is_caught(monkeypatch):
    def no_padding(self, f):
        return f.window(self.extent(), self.stride, (0,) * len(self.stride))

    monkeypatch.setattr(conv_module.Conv, "field", no_padding)
    result = verify("two-3x3", values={"c": 2, "H": 9, "W": 9})
    assert disagreeing(result) == {("conv", "field")}
    assert "unit" in result.disagreements()[0][1].detail


def test_wrong_buffers_and_params_are_caught(monkeypatch):
    monkeypatch.setattr(BatchNorm, "buffers", lambda self: self.channels)
    monkeypatch.setattr(BatchNorm, "params", lambda self: 3 * self.channels)
    graph = network("input: [3, 8, 8]\nlayers:\n  - conv: {out: 4, kernel: 3}\n  - batchnorm\n")
    assert disagreeing(verify_graph(graph)) == {("batchnorm", "buffers"), ("batchnorm", "params")}


def test_field_rule_exact_bounds_and_context():
    from cnncalc.reference import MeasuredField

    def measured(units, context=None, whole=False):
        return MeasuredField(0, (5,), (units,), context, whole)

    # exact: unit o of a 3-wide, stride-1 field starting at -1 sees [o-1, o+1], clipped to [0, 4]
    field = Field((3,), (1,), (-1,))
    units = ((0, 1), (0, 2), (1, 3), (2, 4), (3, 4))
    assert compare_field(field, measured(units), [0], (1, 5)).agrees
    shifted = ((0, 2), (1, 3), (2, 4), (3, 4), (4, 4))
    check = compare_field(field, measured(shifted), [0], (1, 5))
    assert not check.agrees and check.detail == "length unit 0: algebra (0, 1), measured (0, 2)"
    # bounds: with slack 1/2 a measurement one position wider on one side still fits
    assert compare_field(field, measured(shifted), [0.5], (1, 5)).agrees
    # holes: a dilated kernel's first tap in the padding; the clipped end need not be hit
    assert compare_field(Field((5,), (1,), (-1,)), measured(((1, 3), (0, 4), (1, 4), (2, 4), (3, 4))), [0], (1, 5)).agrees
    # whole: global context must reach the units exactly when the algebra says so
    assert not compare_field(field, measured(units, context=((0, 4),)), [0], (1, 5)).agrees
    assert compare_field(field._replace(whole=True), measured(units, context=((0, 4),)), [0], (1, 5)).agrees
    # no positions kept (after flatten): the union lies within [s, s + r - 1]
    flat = Field((5,), (1,), (0,), True)
    assert compare_field(flat, MeasuredField(0, (5,), (((0, 4),),), ((0, 4),), True), [0], (5,)).agrees
    assert not compare_field(flat._replace(size=(3,)), MeasuredField(0, (5,), (((0, 4),),), ((0, 4),), True), [0], (5,)).agrees


# --- every layer kind, in small specs ----------------------------------------------------------------

KINDS = {
    "conv same, strided": "input: [3, 17, 15]\nlayers:\n  - conv: {out: 4, kernel: [5, 3], stride: [3, 2], padding: same}\n  - conv: {out: 2, kernel: 3, stride: 2, dilation: 2, padding: same}",
    "conv per-side padding": "input: [3, 12, 11]\nlayers:\n  - conv: {out: 4, kernel: 3, padding: [[1, 0], [0, 2]], dilation: 2}\n  - relu",
    "grouped and depthwise": "input: [6, 13, 13]\nlayers:\n  - conv: {out: 6, kernel: 3, groups: 3}\n  - depthwise: {kernel: 3, stride: 2, padding: 1, multiplier: 2}\n  - separable: {out: 8, kernel: 3}",
    "conv 1-d": "input: [2, 20]\nlayers:\n  - conv: {out: 3, kernel: 5, stride: 2, bias: false}\n  - maxpool: 2\n  - avgpool: {kernel: 3, stride: 1, padding: 1}",
    "conv 3-d": "input: [2, 6, 7, 8]\nlayers:\n  - conv: {out: 3, kernel: 3, padding: 1}\n  - maxpool: {kernel: 2, ceil_mode: true}",
    "transposed": "input: [4, 5, 6]\nlayers:\n  - conv_transpose: {out: 3, kernel: 4, stride: 2, padding: 1, output_padding: 1}\n  - conv: {out: 2, kernel: 3}\n  - conv_transpose: {out: 4, kernel: 3, stride: 3, dilation: 2, groups: 2}",
    "pools": "input: [3, 19, 18]\nlayers:\n  - maxpool: {kernel: 3, stride: 2, padding: 1, ceil_mode: true}\n  - avgpool: {kernel: 2, ceil_mode: true}\n  - maxpool: {kernel: 2, stride: 1, dilation: 2}",
    "global pools": "input: [3, 9, 7]\nlayers:\n  - conv: {out: 4, kernel: 3}\n  - add: [[global_avgpool], [global_maxpool]]\n  - flatten\n  - dense: 5",
    "adaptive": "input: [3, 7, 5]\nlayers:\n  - adaptive_avgpool: {output: [3, 2]}\n  - adaptive_maxpool: {output: 5}\n  - conv: {out: 2, kernel: 3}",
    "spp": "input: [3, 13, 11]\nlayers:\n  - conv: {out: 4, kernel: 3}\n  - spp: {levels: [4, 2, 1]}\n  - dense: 6",
    "roi in each": "input: [3, 16, 16]\nlayers:\n  - conv: {out: 4, kernel: 3, padding: 1}\n  - each: {count: 50, layers: [{roi_pool: {output: 3}}, flatten, {dense: 10}]}",
    # found by fuzzing: one field copied to every unit (jump 0), then cropped or merged
    "broadcast then crop": "input: [1, 4, 4]\nlayers:\n  - adaptive_avgpool: 1\n  - adaptive_avgpool: 3\n  - conv_transpose: {out: 1, kernel: 1, padding: 1, bias: false}",
    "roi beside a cropped grid": "input: [1, 4, 4]\nlayers:\n  - concat: {branches: [[], [{roi_pool: {output: 1}}]], crop: center}",
    "roi merged, then cropped": "input: [1, 4, 4]\nlayers:\n  - concat: {branches: [[], [{roi_pool: {output: 3}}]], crop: center}\n  - conv_transpose: {out: 1, kernel: 1, padding: 1}",
    # every roi_pool unit sees the same field (jump 0); windows after it must not widen it
    "layers after roi_pool": "input: [3, 16, 16]\nlayers:\n  - conv: {out: 4, kernel: 3, stride: 2}\n  - roi_pool: {output: 4}\n  - conv_transpose: {out: 2, kernel: 3, stride: 2}\n  - upsample: {scale: 2, mode: bilinear}\n  - maxpool: 2\n  - flatten",
    "unpool": "input: [3, 9, 8]\nlayers:\n  - conv: {out: 4, kernel: 3, padding: 1}\n  - maxpool: {kernel: 2, ceil_mode: true}\n    as: p\n  - conv: {out: 4, kernel: 3, padding: 1}\n  - max_unpool: p\n  - conv: {out: 2, kernel: 1}",
    "upsample": "input: [2, 5, 6]\nlayers:\n  - upsample: 2\n  - upsample: {size: [13, 9], mode: bilinear}\n  - upsample: {scale: 1.5, mode: bilinear, align_corners: true}\n  - conv: {out: 2, kernel: 3}",
    "pad and crop": "input: [2, 9, 8]\nlayers:\n  - conv: {out: 3, kernel: 3}\n    as: small\n  - pad: {padding: [[1, 2], [0, 3]]}\n  - crop: {like: small}\n  - crop: {amount: [[1, 0], [2, 1]]}\n  - crop: {size: [4, 2], offset: [1, 0]}\n  - crop: {size: [3, 2]}",
    "rearrange": "input: [4, 6, 5]\nlayers:\n  - slice: {size: 2, start: 1}\n  - slice: {size: 4, start: 2, axis: 1}\n  - channel_shuffle: 2\n  - permute: [0, 2, 1]\n  - reshape: [2, 20]\n  - flatten\n  - dense: 3",
    "sequences": "input: [7, 3]\nlayers:\n  - dense: 5\n  - lstm: {hidden: 6, layers: 2, bidirectional: true}\n  - gru: 4\n  - rnn: {hidden: 3, sequences: false}",
    "embedding": "input: [9]\nlayers:\n  - embedding: {vocab: 20, dim: 6}\n  - gru: {hidden: 5, bias: false}\n  - layernorm",
    "norms": "input: [4, 6, 6]\nlayers:\n  - batchnorm\n  - batchnorm: {affine: false, running_stats: false}\n  - layernorm: 2\n  - groupnorm: 2\n  - dropout: 0.2",
    "activations": "input: [3, 5, 5]\nlayers:\n  - relu\n  - relu6\n  - tanh\n  - sigmoid\n  - gelu\n  - silu\n  - hardswish\n  - hardsigmoid\n  - elu\n  - identity\n  - leaky_relu: 0.2\n  - prelu: {per_channel: true}\n  - prelu\n  - softmax",
    "merges": "input: [4, 12, 12]\nlayers:\n  - residual: [{conv: {out: 4, kernel: 3, padding: 1}}]\n  - multiply: [[], [global_avgpool, {conv: {out: 4, kernel: 1}}, sigmoid]]\n  - concat: {branches: [[], [{conv: {out: 2, kernel: 3}}]], crop: center}\n  - add: [[], [{conv: {out: 6, kernel: 3, padding: 1}}]]",
    "shared weights and heads": "input: [3, 8, 8]\nlayers:\n  - conv: {out: 3, kernel: 3, padding: 1}\n    share: t\n  - conv: {out: 3, kernel: 3, padding: 1}\n    share: t\n  - heads: {a: [flatten, {dense: 2}], b: [{conv: {out: 1, kernel: 1}}]}",
}


@pytest.mark.parametrize("name", KINDS)
def test_every_layer_kind_agrees(name):
    result = verify_graph(network(KINDS[name]), batch=2)
    assert disagreeing(result) == set(), [(layer.path, c.quantity, c.detail) for layer, c in result.disagreements()]


def test_a_crop_larger_than_its_input_is_rejected():
    from cnncalc.errors import ShapeError

    with pytest.raises(ShapeError, match="does not fit"):
        network("input: [1, 6, 5]\nlayers:\n  - crop: {size: [7, 6]}")


def test_a_concat_along_width_of_local_fields_states_no_field():
    # the reference found that no (size, jump, start) describes its units, so the algebra
    # states none (and says why) while its other figures still verify
    graph = network("input: [2, 6, 5]\nlayers:\n  - concat: {branches: [[], [{conv: {out: 2, kernel: 3, padding: 1}}]], axis: 2}")
    concat = graph.nodes[-1]
    assert (concat.shape, concat.field.known) == ((2, 6, 10), False)  # 2 channels, width 5 + 5
    assert "shifted positions along width" in concat.note
    assert verify_graph(graph).agrees


def test_branches_advancing_at_different_rates_state_no_field():
    # found by tests/test_fuzz_reference.py: the identity (jump 1) and a stride-2 transposed
    # convolution (jump 1/2), centre-cropped to the same size, cannot share one field
    graph = network(
        "input: [1, 4, 8]\nlayers:\n  - concat:\n      branches: [[], [{conv_transpose: {out: 1, kernel: 1, stride: 2}}]]\n      crop: center\n  - conv: {out: 1, kernel: 3}\n"
    )
    assert [node.field.known for node in graph.nodes] == [True, False, False]
    assert "jumps differ" in graph.nodes[1].note
    assert verify_graph(graph).agrees


def test_a_layer_the_reference_cannot_run_is_a_disagreement(monkeypatch):
    from cnncalc.reference import kernels

    def refuse(step):
        raise ValueError("no such array")

    monkeypatch.setitem(kernels.KERNELS, "tanh", refuse)
    result = verify("lenet5")
    assert len(result.layers) == 2 and not result.agrees
    layer, check = result.disagreements()[0]
    assert (layer.path, check.quantity, check.reference) == ("layers[1]", "shape", None)
    assert "cannot run" in check.detail


def test_shared_weights_are_allocated_once():
    result = verify_graph(network(KINDS["shared weights and heads"]))
    assert [layer.check("params").reference for layer in result.layers[:2]] == [84, 0]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    size=st.integers(5, 16),
    kernel=st.integers(1, 4),
    stride=st.integers(1, 3),
    dilation=st.integers(1, 2),
    padding=st.integers(0, 2),
    ceil=st.booleans(),
    kind=st.sampled_from(["conv", "maxpool", "avgpool", "conv_transpose"]),
)
def test_windows_agree_for_any_hyperparameters(size, kernel, stride, dilation, padding, ceil, kind):
    """Hypothesis fuzzing of the window algebra against the reference, behind a 3x3 conv."""
    extent = dilation * (kernel - 1) + 1
    if kind == "conv":
        layer = f"conv: {{out: 2, kernel: {kernel}, stride: {stride}, padding: {padding}, dilation: {dilation}}}"
    elif kind == "conv_transpose":
        op = min(padding, max(stride, dilation) - 1)
        layer = f"conv_transpose: {{out: 2, kernel: {kernel}, stride: {stride}, padding: {padding}, output_padding: {op}, dilation: {dilation}}}"
    else:
        padding = min(padding, extent // 2)
        dilation = dilation if kind == "maxpool" else 1
        layer = f"{kind}: {{kernel: {kernel}, stride: {stride}, padding: {padding}, dilation: {dilation}, ceil_mode: {str(ceil).lower()}}}"
    try:
        graph = network(f"input: [2, {size}, {size + 1}]\nlayers:\n  - conv: {{out: 2, kernel: 3, padding: 1}}\n  - {layer}\n  - conv: {{out: 1, kernel: 2}}")
    except Exception:  # the algebra rejects sizes that leave no output; nothing to compare
        return
    result = verify_graph(graph)
    assert result.agrees, [(layer.path, c.quantity, c.algebra, c.reference, c.detail) for layer, c in result.disagreements()]


# --- the whole zoo ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(catalog.builtins()))
def test_every_builtin_network_verifies_at_its_native_size(name):
    result = verify(name)
    assert result.agrees, [(layer.path, c.quantity, c.algebra, c.reference, c.detail) for layer, c in result.disagreements()][:5]


# --- the command ----------------------------------------------------------------------------------------


def test_cli_verify_agrees_with_exit_0():
    result = runner.invoke(app, ["verify", "lenet5"])
    assert result.exit_code == 0, result.output
    assert "all 12 layers agree" in result.output
    assert "✗" not in result.output


def test_cli_json_with_timing():
    result = runner.invoke(app, ["verify", "bottleneck", "--set", "c=4", "--time", "--format", "json", "--batch", "2", "--seed", "5"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["agrees"] and data["values"]["c"] == 4 and data["batch"] == 2 and data["seed"] == 5
    assert data["forward_seconds"] > 0
    assert data["layers"][0]["params"] == {"algebra": 64, "reference": 64, "agrees": True}


def test_cli_disagreement_exits_1_and_names_layer_quantity_and_values(monkeypatch):
    monkeypatch.setattr(conv_module.Conv, "params", lambda self: 7)
    result = runner.invoke(app, ["verify", "lenet5"])
    assert result.exit_code == 1
    assert "layers[0] (conv) params: algebra 7, reference 156" in result.output
    assert "3 disagreements" in result.output


@pytest.mark.parametrize(
    "args, message",
    [
        (["verify", "no-such-net"], "unknown architecture"),
        (["verify", "lenet5", "--format", "csv"], "verify has no 'csv' format"),
        (["verify", "lenet5", "--format", "yaml"], "unknown format"),
        (["verify", "lenet5", "--max-memory", "lots"], "memory limit"),
        (["verify", "lenet5", "--max-memory", "10KiB"], "--max-memory"),
        (["verify", "bottleneck", "--set", "nope=3"], "not a symbol"),
        (["verify", "lenet5", "--input", "1x4x4"], "output"),
        (["verify", "lenet5", "--all"], "not both"),
        (["verify"], "give a SPEC"),
        (["verify", "--all", "--set", "c=3"], "--all"),
    ],
)
def test_cli_bad_input_exits_2(args, message):
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output


def test_cli_all_shows_a_summary(monkeypatch):
    chosen = {name: where for name, where in catalog.builtins().items() if name in ("lenet5", "two-3x3")}
    monkeypatch.setattr(catalog, "builtins", lambda: chosen)
    result = runner.invoke(app, ["verify", "--all"])
    assert result.exit_code == 0, result.output
    assert "2 of 2 networks agree" in result.output
    monkeypatch.setattr(conv_module.Conv, "macs", lambda self: 1)
    result = runner.invoke(app, ["verify", "--all", "--format", "json"])
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert not data["agrees"] and {n["name"] for n in data["networks"]} == {"lenet5", "two-3x3"}
    assert data["networks"][0]["title"] == "LeNet-5"


def test_installed_command_runs():
    done = subprocess.run([sys.executable, "-m", "cnncalc", "verify", "lenet5", "--format", "json"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["agrees"]


def test_a_broadcast_branch_is_context_for_every_unit():
    # found by tests/test_fuzz_reference.py: the body shrinks 4x4 to 1x1 and is added to the
    # identity, broadcast; the one value reaches every output unit
    graph = network(
        "input: [1, 4, 4]\nlayers:\n  - residual: [{maxpool: {kernel: 1, stride: 2}}, {conv: {out: 1, kernel: 1, stride: 2, padding: same}}]\n"
    )
    assert graph.nodes[-1].field.whole
    assert verify_graph(graph).agrees
