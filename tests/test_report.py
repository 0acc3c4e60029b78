"""The report: rows add up to the totals, LeNet-5 as the notes count it, the symbolic
specs, and the memory arithmetic."""

from __future__ import annotations

import dataclasses

import pytest

import cnncalc
from cnncalc.analysis import analyze
from cnncalc.symbolic import equal, symbol

from conftest import network

c, H, W = symbol("c"), symbol("H"), symbol("W")


def test_lenet5_as_the_notes_count_it():
    # seeds/001: shapes 1x32x32 -> 6x28x28 -> 6x14x14 -> 16x10x10 -> 16x5x5 -> 120x1x1 -> 84 -> 10,
    # parameters (1*5*5+1)*6 = 156, (6*5*5+1)*16 = 2,416, (16*5*5+1)*120 = 48,120,
    # (120+1)*84 = 10,164, (84+1)*10 = 850; in all 61,706
    report = cnncalc.load("lenet5").summary()
    counted = [r for r in report.rows if r.type in ("conv", "avgpool", "dense")]
    assert [r.output_shape for r in counted] == [(6, 28, 28), (6, 14, 14), (16, 10, 10), (16, 5, 5), (120, 1, 1), (84,), (10,)]
    assert [r.params for r in counted] == [156, 0, 2_416, 0, 48_120, 10_164, 850]
    assert report.totals.params == 61_706
    # conv layers 156 + 2,416 + 48,120 = 50,692; FC layers 10,164 + 850 = 11,014
    assert sum(r.params for r in counted if r.type == "conv") == 50_692
    assert sum(r.params for r in counted if r.type == "dense") == 11_014


@pytest.mark.parametrize(
    "name, params, macs",
    [
        # two 3x3 convs c -> c: 2*(3*3*c*c); each output of both layers costs 9c MACs per channel
        ("two-3x3", 18 * c**2, 18 * c**2 * H * W),
        ("one-5x5", 25 * c**2, 25 * c**2 * H * W),
        # 1x1 4c -> c, 3x3 c -> c, 1x1 c -> 4c: 4c^2 + 9c^2 + 4c^2
        ("bottleneck", 17 * c**2, 17 * c**2 * H * W),
    ],
)
def test_symbolic_specs(name, params, macs):
    report = cnncalc.load(name).summary()
    assert equal(report.totals.params, params) and equal(report.totals.macs, macs)
    assert report.symbols == ("c", "H", "W")


def test_symbolic_specs_at_values_equal_the_concrete_computation():
    # bottleneck at c = 64, 56x56: 17 * 64^2 = 69,632 params; MACs 17 * 64^2 * 56 * 56
    report = cnncalc.load("bottleneck", values={"c": 64, "H": 56, "W": 56}).summary()
    assert (report.totals.params, report.totals.macs) == (69_632, 17 * 64**2 * 56 * 56)
    assert report.symbols == ()


def test_rows_add_up_to_the_totals():
    report = cnncalc.load("lenet5").summary(batch=8, dtype="fp16")
    t = report.totals
    assert sum(r.params for r in report.rows) == t.params
    assert sum(r.buffers for r in report.rows) == t.buffers
    assert sum(r.macs for r in report.rows) == t.macs
    assert sum(r.other_ops for r in report.rows) == t.other_ops
    assert sum(r.activation_bytes for r in report.rows) == t.activation_bytes
    assert t.flops == 2 * t.macs
    for depth in (0, 1):
        assert sum(r.macs for r in report.collapsed(depth)) == t.macs


def test_report_is_immutable():
    report = cnncalc.load("lenet5").summary()
    with pytest.raises(dataclasses.FrozenInstanceError):
        report.totals.params = 0
    with pytest.raises(AttributeError):
        report.rows[0].macs = 0
    assert isinstance(report.rows, tuple)


def test_memory_for_dtype_and_batch():
    # dense 100 -> 10 with bias: 1,010 parameters; batch 4 in fp16 (2 bytes):
    # parameters 2,020 bytes, input 4*100*2 = 800, activations 4*10*2 = 80
    graph = network("input: [100]\nlayers:\n  - dense: 10\n")
    t = analyze(graph, dtype="fp16", batch=4).totals
    assert (t.param_bytes, t.input_bytes, t.activation_bytes) == (2_020, 800, 80)
    # training: weights + gradients (+1 copy) + Adam's two moments (+2) + input + activations
    assert t.training_bytes == {"sgd": 2 * 2_020 + 880, "momentum": 3 * 2_020 + 880, "adam": 4 * 2_020 + 880}
    # int4 packs two values per byte; 1,010 values need 505 bytes; binary needs ceil(1010/8) = 127
    assert analyze(graph, dtype="int4").totals.param_bytes == 505
    assert analyze(graph, dtype="binary").totals.param_bytes == 127
    assert analyze(graph, dtype="fp8").totals.param_bytes == 1_010  # one byte each


def test_frozen_weights_have_no_gradients_or_optimizer_state():
    # 1,010 frozen + 11 trainable parameters in fp32: weights 4,084 bytes, of which 44 trainable
    graph = network("input: [100]\nlayers:\n  - dense: 10\n    frozen: true\n  - dense: 1\n")
    t = analyze(graph).totals
    inputs_and_activations = 100 * 4 + (10 + 1) * 4
    assert t.training_bytes["sgd"] == 4_084 + 44 + inputs_and_activations


def test_bias_macs_convention():
    # LeNet-5 has one bias per output value of each conv and dense layer:
    # 6*28*28 + 16*10*10 + 120 + 84 + 10 = 4,704 + 1,600 + 214
    plain = cnncalc.load("lenet5").summary().totals.macs
    with_bias = cnncalc.load("lenet5").summary(bias_macs=True).totals.macs
    assert with_bias - plain == 4_704 + 1_600 + 214
