"""Composition: blocks, repeat, branches, named tensors, heads, `each`, shared and frozen
weights, variants and includes. Expected values are worked out in each test."""

from __future__ import annotations

import pytest

from cnncalc.analysis import analyze
from cnncalc.errors import SpecError
from cnncalc.graph import build
from cnncalc.spec import load_file

from conftest import network


def totals(text: str, **options):
    return analyze(network(text, **options)).totals


def test_block_with_defaults_positional_and_named_arguments():
    graph = network(
        """
input: [3, 8, 8]
blocks:
  unit(out, k=3, stride=1):
    - conv: {out: out, kernel: k, stride: stride, padding: k // 2, bias: false}
layers:
  - unit: 4                 # out=4, k=3: 4*3*3*3 = 108
  - unit: [6, 1]            # out=6, k=1: 6*4 = 24
  - unit: {out: 2, stride: 2}   # 2*6*9 = 108, 8 -> 4
"""
    )
    assert [n.layer.params() for n in graph.nodes] == [108, 24, 108]
    assert graph.nodes[-1].shape == (2, 4, 4)
    assert [n.path for n in graph.nodes] == ["layers[0].unit[0]", "layers[1].unit[0]", "layers[2].unit[0]"]


def test_channels_names_the_tensor_at_hand_and_defaults_capture_it():
    # SE on 32 channels with r=4: dense 32->8 and 8->32 as 1x1 convs with bias:
    # (32*8 + 8) + (8*32 + 32) = 264 + 288 = 552
    text = """
input: [32, 4, 4]
blocks:
  se(r=4, c=channels):
    multiply:
      - []
      - [global_avgpool, {conv: {out: c // r, kernel: 1}}, relu, {conv: {out: c, kernel: 1}}, sigmoid]
layers:
  - se
"""
    assert totals(text).params == 552


def test_repeat_with_index_and_zero_times():
    graph = network(
        """
input: [1, 16]
constants: {bn: 0}
layers:
  - repeat:
      times: 3
      index: i
      layers: [{dense: 2^i}]      # 16->1, 1->2, 2->4: (16+1) + (1+1)*2 + (2+1)*4 = 17 + 4 + 12
  - repeat: {times: bn, layers: [batchnorm]}
""".replace("[1, 16]", "[16]")
    )
    assert [n.shape for n in graph.nodes] == [(1,), (2,), (4,)]
    assert sum(n.layer.params() for n in graph.nodes) == 33
    assert graph.nodes[1].path == "layers[0].repeat[1][0]"


def test_residual_with_projection_shortcut():
    # body 64->128 3x3 stride 2 (128*64*9) + shortcut 1x1 stride 2 (128*64), no biases
    graph = network(
        """
input: [64, 56, 56]
layers:
  - residual:
      body: [{conv: {out: 128, kernel: 3, stride: 2, padding: 1, bias: false}}]
      shortcut: [{conv: {out: 128, kernel: 1, stride: 2, bias: false}}]
"""
    )
    assert [n.path for n in graph.nodes] == [
        "layers[0].residual.body[0]",
        "layers[0].residual.shortcut[0]",
        "layers[0].residual.add",
    ]
    assert graph.nodes[-1].shape == (128, 28, 28)
    assert graph.nodes[-1].sources == (0, 1)
    assert analyze(graph).totals.params == 128 * 64 * 9 + 128 * 64


def test_inception_style_concat_sums_channels():
    graph = network(
        """
input: [192, 28, 28]
layers:
  - concat:
      - [{conv: {out: 64, kernel: 1}}]
      - [{conv: {out: 96, kernel: 1}}, {conv: {out: 128, kernel: 3, padding: 1}}]
      - [{maxpool: {kernel: 3, stride: 1, padding: 1}}, {conv: {out: 32, kernel: 1}}]
"""
    )
    assert graph.nodes[-1].shape == (64 + 128 + 32, 28, 28)


def test_named_tensor_long_skip_with_centre_crop():
    # U-Net style: save 8x8, shrink to 4x4 and back to 6x6 (valid 3x3 after 2x up), concat the centre 6x6
    graph = network(
        """
input: [4, 8, 8]
layers:
  - identity:
    as: skip
  - maxpool: 2
  - upsample: 2
  - conv: {out: 4, kernel: 3}
  - concat: {branches: [[{from: skip}], []], crop: center}
"""
    )
    assert graph.nodes[-1].shape == (8, 6, 6)
    assert graph.nodes[-1].sources == (0, 3)


def test_heads_give_several_outputs():
    # Faster R-CNN RPN head with k = 9 anchors: 2k scores, 4k box deltas
    graph = network(
        """
input: [512, 38, 50]
layers:
  - conv: {out: 512, kernel: 3, padding: 1}
  - relu
  - heads:
      scores: [{conv: {out: 18, kernel: 1}}]
      boxes: [{conv: {out: 36, kernel: 1}}]
"""
    )
    assert graph.output_shapes() == {"scores": (18, 38, 50), "boxes": (36, 38, 50)}


def test_nothing_may_follow_heads():
    with pytest.raises(SpecError, match="nothing can follow 'heads'"):
        network("input: [4, 4, 4]\nlayers:\n  - heads: {a: [relu]}\n  - relu\n")


def test_each_multiplies_work_but_not_weights():
    # dense 8->4 (36 params, 32 MACs) run 2000 times per sample
    report = analyze(network("input: [8]\nlayers:\n  - each: {count: 2000, layers: [{dense: 4}]}\n"))
    (row,) = report.rows
    assert (row.params, row.macs, row.runs) == (36, 64_000, 2000)
    assert row.activation_bytes == 4 * 4 * 2000  # 4 outputs, 4 bytes each, 2000 runs


def test_shared_weights_are_counted_once():
    report = analyze(
        network(
            """
input: [8]
layers:
  - dense: 8
    share: tied
  - dense: 8
    share: tied
"""
        )
    )
    assert [r.params for r in report.rows] == [72, 0]
    assert report.rows[1].shares == "layers[0]"
    assert report.totals.macs == 2 * 64


def test_frozen_parameters_are_not_trainable():
    t = totals("input: [8]\nlayers:\n  - dense: 4\n    frozen: true\n  - dense: 2\n")
    assert (t.params, t.trainable, t.frozen) == (36 + 10, 10, 36)


def test_symbols_stay_symbolic_until_set():
    text = "symbols: [c]\ninput: [c, 8, 8]\nlayers:\n  - conv: {out: 2*c, kernel: 3, bias: false}\n"
    from cnncalc.symbolic import equal, symbol

    c = symbol("c")
    assert equal(totals(text).params, 18 * c**2)
    assert totals(text, values={"c": 4}).params == 18 * 16


def test_constants_variants_and_overrides(tmp_path):
    path = tmp_path / "family.yaml"
    path.write_text(
        """
constants: {width: 1, res: 32}
input: [3, res, res]
layers:
  - conv: {out: 8*width, kernel: 3, padding: 1}
variants:
  narrow: {name: Narrow}
  wide: {name: Wide, set: {width: 2}, input: [3, 16, 16]}
"""
    )
    spec = load_file(path)
    narrow, wide = build(spec, "narrow"), build(spec, "wide")
    assert (narrow.name, narrow.nodes[0].shape) == ("Narrow", (8, 32, 32))
    assert (wide.name, wide.nodes[0].shape) == ("Wide", (16, 16, 16))
    assert build(spec, "wide", values={"width": 3}).nodes[0].shape == (24, 16, 16)


def test_include_shares_blocks_between_files(tmp_path):
    (tmp_path / "blocks.yaml").write_text("blocks:\n  pair(out):\n    - dense: out\n    - relu\n")
    (tmp_path / "net.yaml").write_text("include: [blocks.yaml]\ninput: [4]\nlayers:\n  - pair: 3\n")
    graph = build(load_file(tmp_path / "net.yaml"))
    assert [n.kind for n in graph.nodes] == ["dense", "relu"]


def test_separable_is_a_prelude_block():
    # depthwise 3x3 on 32 channels (32*9 weights, no bias) + pointwise 32->64 (64*32)
    graph = network("input: [32, 8, 8]\nlayers:\n  - separable: {out: 64, kernel: 3, padding: 1, bias: false}\n")
    assert [n.kind for n in graph.nodes] == ["depthwise", "conv"]
    assert sum(n.layer.params() for n in graph.nodes) == 32 * 9 + 64 * 32


def test_block_words_booleans_and_lists_pass_through():
    graph = network(
        """
input: [3, 9, 9]
blocks:
  up(mode, k, use_bias=true):
    - conv: {out: 4, kernel: k, bias: use_bias}
    - upsample: {scale: 2, mode: mode}
layers:
  - up: {mode: bilinear, k: [3, 1], use_bias: false}
"""
    )
    conv, up = graph.nodes
    assert conv.shape == (4, 7, 9) and conv.layer.params() == 4 * 3 * 3
    assert up.layer.mode == "bilinear" and up.shape == (4, 14, 18)


def test_depth_collapses_blocks_and_keeps_totals():
    report = analyze(
        network(
            """
input: [8]
blocks:
  mlp(n):
    - dense: n
    - relu
layers:
  - mlp: 4
  - mlp: 2
"""
        )
    )
    collapsed = report.collapsed(0)
    assert [(r.path, r.type, r.params) for r in collapsed] == [("layers[0]", "mlp", 36), ("layers[1]", "mlp", 10)]
    assert sum(r.params for r in collapsed) == report.totals.params


def test_when_keeps_an_item_only_where_its_condition_holds():
    # torchvision's projection shortcut exists only when the stride or the width changes:
    # 64 -> 64 stride 1: none; 64 -> 128 stride 2: 128*64 weights; 128 -> 128: none again
    graph = network(
        """
input: [64, 8, 8]
blocks:
  shortcut(out, stride=1):
    - conv: {out: out, kernel: 1, stride: stride, bias: false}
      when: stride != 1 or channels != out
layers:
  - shortcut: 64
  - shortcut: [128, 2]
  - shortcut: [128, 1]
"""
    )
    assert [(n.path, n.shape, n.layer.params()) for n in graph.nodes] == [("layers[1].shortcut[0]", (128, 4, 4), 128 * 64)]


def test_a_condition_on_free_symbols_is_an_error():
    with pytest.raises(SpecError, match="depends on symbols"):
        network("symbols: [c]\ninput: [c]\nlayers:\n  - dense: 4\n    when: c > 8\n")


def test_from_takes_a_tensor_name_passed_to_a_block():
    graph = network(
        """
input: [4, 8, 8]
blocks:
  join(skip):
    - concat: [[{from: skip}], []]
layers:
  - identity:
    as: early
  - conv: {out: 2, kernel: 1}
  - join: early
"""
    )
    assert graph.nodes[-1].shape == (6, 8, 8)


def test_a_file_changed_on_disk_is_read_again(tmp_path):
    # specs are kept per process by file and version; an edited file must not be served stale
    path = tmp_path / "net.yaml"
    path.write_text("input: [4]\nlayers:\n  - dense: 2\n")
    assert build(load_file(path)).nodes[-1].layer.params() == (4 + 1) * 2
    path.write_text("input: [4]\nlayers:\n  - dense: 30\n")
    assert build(load_file(path)).nodes[-1].layer.params() == (4 + 1) * 30


def test_a_changed_include_is_read_again(tmp_path):
    # the including file is unchanged; the block it takes from another file is edited
    (tmp_path / "blocks.yaml").write_text("blocks:\n  head: [{dense: 2}]\n")
    path = tmp_path / "net.yaml"
    path.write_text("include: [blocks.yaml]\ninput: [4]\nlayers: [head]\n")
    assert build(load_file(path)).nodes[-1].layer.params() == (4 + 1) * 2
    (tmp_path / "blocks.yaml").write_text("blocks:\n  head: [{dense: 30}]\n")
    assert build(load_file(path)).nodes[-1].layer.params() == (4 + 1) * 30
