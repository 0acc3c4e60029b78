"""One layer from arguments, and solving for the one argument written '?'."""

from __future__ import annotations

import pytest

from cnncalc.errors import ShapeError, SpecError
from cnncalc.solve import compare_output, layer_network, parse_arguments, search_limit, solve
from cnncalc.symbolic import symbol


def report(kind, args, input):
    return layer_network(kind, args, input).summary()


def test_one_layer_from_texts():
    r = report("conv", {"out": "96", "kernel": "11", "stride": "4"}, ["3", "224", "224"])
    # floor((224 - 11) / 4) + 1 = 54; (3*11*11 + 1)*96 weights; 54*54*96 outputs x 3*11*11 MACs
    assert r.outputs["output"] == (96, 54, 54)
    assert r.totals.params == (3 * 11 * 11 + 1) * 96 == 34_944
    assert r.totals.macs == 54 * 54 * 96 * 3 * 11 * 11
    assert r.field.size == (11, 11) and r.field.jump == (4, 4)


def test_names_in_the_input_and_sizes_become_symbols():
    c, k, H, W = symbol("c"), symbol("k"), symbol("H"), symbol("W")
    r = report("conv", {"out": "k", "kernel": "3", "padding": "same"}, ["c", "H", "W"])
    assert r.outputs["output"] == (k, H, W)
    assert r.totals.params == 9 * c * k + k


def test_aliases_blocks_and_recurrent_layers():
    assert report("fc", {"out": "84"}, ["120"]).totals.params == (120 + 1) * 84
    # depthwise 3x3 with bias: 32*9 + 32; pointwise 32 -> 64 with bias: 32*64 + 64
    assert report("separable", {"out": "64", "kernel": "3", "padding": "1"}, ["32", "56", "56"]).totals.params == 32 * 9 + 32 + 32 * 64 + 64
    # LSTM: 4 gates x 512 x (300 + 512) weights + 2 x 4 x 512 biases
    lstm = report("lstm", {"hidden": "512"}, ["10", "300"])
    assert lstm.outputs["output"] == (10, 512) and lstm.totals.params == 4 * 512 * (300 + 512) + 2 * 4 * 512


def test_layer_errors_are_the_specs():
    with pytest.raises(SpecError) as caught:
        report("conv", {"out": "96", "kernal": "11"}, ["3", "224", "224"])
    assert caught.value.hint == "did you mean 'kernel'?" and caught.value.path is None
    with pytest.raises(SpecError) as caught:
        report("convolution", {}, ["3", "8", "8"])
    assert caught.value.message == "unknown layer 'convolution'"
    with pytest.raises(ShapeError):
        report("conv", {"out": "4", "kernel": "5"}, ["3", "4", "4"])


def test_alexnet_padding_has_two_solutions():
    # floor((224 + 2p - 11) / 4) + 1 = 55  <=>  216 <= 213 + 2p <= 219  <=>  p in {2, 3}
    solution = solve("conv", {"out": "96", "kernel": "11", "stride": "4", "padding": "?"}, ["3", "224", "224"], ["96", "55", "55"])
    assert solution.key == "padding" and solution.values == (2, 3)
    assert solution.candidates == tuple(range(0, 2 * 224 + 1))  # 0 to max(64, 2 x 224)
    # both give 55x55; the padded window starts 2 (or 3) pixels before the image
    assert [r.field.start for _, r in solution.found] == [(-2, -2), (-3, -3)]


def test_same_size_padding_has_one_solution_symbolically():
    # H + 2p - 3 + 1 = H  <=>  p = 1, for every H
    solution = solve("conv", {"out": "c", "kernel": "3", "padding": "?"}, ["c", "H", "W"], ["c", "H", "W"])
    assert solution.values == (1,)


def test_no_stride_turns_224_into_100():
    # floor(213 / s) + 1 = 100 needs 99 <= 213/s < 100, i.e. 2.13 < s <= 2.15: no whole s
    solution = solve("conv", {"out": "96", "kernel": "11", "stride": "?"}, ["3", "224", "224"], ["96", "100", "100"])
    assert solution.values == () and solution.found == ()


def test_pool_kernel_with_two_solutions():
    # floor((28 - k) / 2) + 1 = 14  <=>  26 <= 28 - k <= 27  <=>  k in {1, 2}
    assert solve("maxpool", {"kernel": "?", "stride": "2"}, ["6", "28", "28"], ["6", "14", "14"]).values == (1, 2)


def test_flags_and_words_try_their_options():
    both = solve("conv", {"out": "8", "kernel": "3", "bias": "?"}, ["3", "10", "10"], ["8", "8", "8"])
    assert both.values == (False, True) and both.candidates == (False, True)
    mode = solve("upsample", {"scale": "2", "mode": "?"}, ["3", "4", "4"], ["3", "8", "8"])
    assert set(mode.values) == set(mode.candidates) and "bilinear" in mode.values


def test_hidden_size_of_an_lstm():
    solution = solve("lstm", {"hidden": "?"}, ["10", "300"], ["10", "512"])
    assert solution.values == (512,) and solution.candidates[-1] == 1024  # 2 x 512


def test_search_limit():
    assert search_limit((3, 8, 8), (8, 4, 4)) == 64
    assert search_limit((3, 224, 224), (96, 55, 55)) == 448
    assert search_limit((3, 100_000), ()) == 4095  # at most 4,096 candidates


def test_exactly_one_unknown():
    with pytest.raises(SpecError, match="exactly one"):
        solve("conv", {"out": "?", "kernel": "?"}, ["3", "8", "8"], ["4", "6", "6"])
    with pytest.raises(SpecError, match="no argument"):
        solve("conv", {"out": "4", "kernel": "3"}, ["3", "8", "8"], ["4", "6", "6"])
    with pytest.raises(SpecError) as caught:
        solve("conv", {"out": "4", "kernal": "?"}, ["3", "8", "8"], ["4", "6", "6"])
    assert caught.value.hint == "did you mean 'kernel'?"


def test_command_line_arguments_read_as_spec_values():
    args = parse_arguments("conv", ["out=96", "kernel=[1, 7]", "padding=same", "bias=false", "stride=?", "dilation=2*d"])
    assert {key: v.plain() for key, v in args.items()} == {
        "out": 96,
        "kernel": [1, 7],
        "padding": "same",
        "bias": False,
        "stride": "?",
        "dilation": "2*d",
    }
    assert parse_arguments("dense", ["84"])["out"].plain() == 84  # the main argument
    with pytest.raises(SpecError):
        parse_arguments("separable", ["64"])  # a block has no main argument
    for bad in (["=3"], ["out=1", "out=2"], ["out={a: 1}"], ["out=[1"]):
        with pytest.raises(SpecError):
            parse_arguments("conv", bad)


def test_compare_output():
    r = report("conv", {"out": "c", "kernel": "3", "padding": "1"}, ["c", "H", "W"])
    assert compare_output(r, ["c", "H", "W"])[0] is True
    assert compare_output(r, ["c", "H - 2", "W"])[0] is False
