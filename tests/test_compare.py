"""Side-by-side figures: exact and symbolic ratios, kind filters, depth and path counts."""

from __future__ import annotations

from fractions import Fraction

import pytest

from cnncalc.api import load
from cnncalc.compare import compare, figures, path_count, ratio, weight_depth
from cnncalc.errors import SpecError
from cnncalc.symbolic import symbol

from conftest import network


def line(comparison, quantity):
    return next(l for l in comparison.lines if l.quantity == quantity)


def test_two_3x3_against_one_5x5_symbolically():
    c = symbol("c")
    comparison = compare(["two-3x3", "one-5x5"])
    params = line(comparison, "params")
    # 2 * (3*3*c*c) against 5*5*c*c, no bias
    assert params.values == (18 * c**2, 25 * c**2)
    assert params.ratios == (1, Fraction(18, 25))
    field = line(comparison, "receptive_field")
    assert field.values == ((5, 5), (5, 5)) and field.ratios == (1, 1)
    assert line(comparison, "output").ratios == (None, None)  # shapes have no ratio


def test_symbolic_ratio_is_simplified():
    H, W, c = symbol("H"), symbol("W"), symbol("c")
    macs = line(compare(["two-3x3", "one-5x5"]), "macs")
    assert macs.values == (18 * H * W * c**2, 25 * H * W * c**2)
    assert macs.ratios[1] == Fraction(18, 25)  # H, W and c cancel


def test_set_goes_to_the_specs_that_declare_it():
    comparison = compare(["bottleneck", "two-3x3", "lenet5"], {"c": "64"})
    params = line(comparison, "params")
    # 4*64*64 + 9*64*64 + 64*4*64 = 69,632; 2*9*64*64 = 73,728; LeNet-5 as in the notes
    assert params.values == (69_632, 73_728, 61_706)
    assert params.ratios[1] == Fraction(69_632, 73_728) == Fraction(17, 18)  # first / this


def test_a_value_no_spec_declares_is_an_error():
    with pytest.raises(SpecError) as caught:
        compare(["two-3x3", "one-5x5"], {"k": "3"})
    assert "'k'" in caught.value.message and caught.value.hint == "they have: H, W, c"


def test_input_replaces_every_input():
    comparison = compare(["two-3x3", "one-5x5"], {"c": "8"}, ["8", "32", "32"])
    # 32*32 outputs x 8 channels x (8*3*3) weights, twice; and 32*32*8*(8*5*5)
    assert line(comparison, "macs").values == (2 * 32 * 32 * 8 * 72, 32 * 32 * 8 * 200)


def test_figures_of_some_kinds_only():
    net = load("lenet5")
    report = net.summary()
    conv = figures(net, report, kinds=("conv",))
    dense = figures(net, report, kinds=("fc",))  # an alias of dense
    assert conv["params"] == 156 + 2_416 + 48_120
    assert dense["params"] == 10_164 + 850
    assert conv["output"] == dense["output"] == (10,)  # shapes stay the network's
    assert conv["param_bytes"] is None  # memory totals are not split by kind


def test_figures_of_one_row():
    net = load("lenet5")
    row = figures(net, net.summary(), at="layers[3]")
    assert (row["input_shape"], row["output"], row["params"]) == ((6, 14, 14), (16, 10, 10), (6 * 25 + 1) * 16)
    assert row["depth"] is None


def test_unknown_row_names_the_nearest():
    net = load("lenet5")
    with pytest.raises(SpecError) as caught:
        figures(net, net.summary(), at="layer[3]")
    assert caught.value.hint == "did you mean 'layers[3]'?"


def test_depth_counts_weight_layers_on_the_longest_path():
    assert weight_depth(load("lenet5").graph) == 5
    assert weight_depth(load("bottleneck").graph) == 3  # the identity shortcut has none
    graph = network(
        """
input: [8, 4, 4]
layers:
  - residual: {body: [{conv: {out: 8, kernel: 1}}, {conv: {out: 8, kernel: 1}}], shortcut: [{conv: {out: 8, kernel: 1}}]}
  - flatten
  - dense: 3
"""
    )
    assert weight_depth(graph) == 3  # two on the body (not the one on the shortcut), then dense


def test_recurrent_layers_count_their_stack():
    assert weight_depth(network("input: [5, 3]\nlayers:\n  - lstm: {hidden: 4, layers: 2}\n  - dense: 2\n")) == 3


def test_paths_double_with_each_residual_block():
    text = "symbols: [c]\ninput: [c, 8, 8]\nlayers:\n  - repeat: {times: %d, layers: [{residual: [{conv: {out: c, kernel: 3, padding: 1}}]}]}\n"
    assert [path_count(network(text % n)) for n in (1, 2, 3, 5)] == [2, 4, 8, 32]
    concat = network("input: [4, 8, 8]\nlayers:\n  - concat: [[], {conv: {out: 2, kernel: 1}}, {maxpool: {kernel: 3, stride: 1, padding: 1}}]\n")
    assert path_count(concat) == 3


def test_ratio_to_zero_is_none_and_numbers_stay_exact():
    assert ratio(5, 0) is None
    assert ratio(3, 4) == Fraction(3, 4)
    c = symbol("c")
    assert ratio(9 * c + c**2, 9 * c**2) == (c + 9) / (9 * c)


def test_memory_lines_follow_the_dtype():
    comparison = compare(["lenet5", "lenet5"], dtype="fp16", batch=2)
    assert line(comparison, "param_bytes").values == (61_706 * 2, 61_706 * 2)
    # LeNet-5's outputs: 6*28*28 x 3 (conv, tanh, pool input) ... summed by the report; here
    # only the batch scaling is checked: twice the batch-1 figure
    single = line(compare(["lenet5"], dtype="fp16"), "activation_bytes").values[0]
    assert line(comparison, "activation_bytes").values[0] == 2 * single
