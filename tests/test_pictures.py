"""The charts and the diagram, compared by structure: the data each drawing holds (bar
heights, line points, box corners, texts), read back from the matplotlib objects, against
figures worked out by hand or published."""

from __future__ import annotations

import math

import pytest

pytest.importorskip("matplotlib", reason="the picture tests need matplotlib: pip install '.[test]'")

import cnncalc
from cnncalc.errors import SpecError
from cnncalc.pictures import canvas, cost, diagram, field, series, versus
from cnncalc.compare import compare


@pytest.fixture(scope="module")
def lenet():
    return cnncalc.load("lenet5").summary()


# LeNet-5 by hand (README): conv (1*5*5+1)*6 = 156 params, 28*28*6*25 = 117,600 MACs;
# conv (6*25+1)*16 = 2,416, 10*10*16*150 = 240,000; conv (16*25+1)*120 = 48,120, 120*400 =
# 48,000; dense 121*84 = 10,164, 120*84 = 10,080; dense 85*10 = 850, 84*10 = 840.
LENET_MACS = [117_600, 0, 0, 240_000, 0, 0, 48_000, 0, 0, 10_080, 0, 840]
LENET_PARAMS = [156, 0, 0, 2_416, 0, 0, 48_120, 0, 0, 10_164, 0, 850]
# Output values x 4 bytes: 6*28*28, 6*28*28, 6*14*14, 16*10*10, 16*10*10, 16*5*5, 120, 120, 120, 84, 84, 10.
LENET_ACTIVATIONS = [4 * n for n in (4704, 4704, 1176, 1600, 1600, 400, 120, 120, 120, 84, 84, 10)]


def _heights(ax) -> list:
    return [patch.get_height() for patch in ax.containers[0]]


def test_cost_chart_bars_are_the_layers_macs_params_and_activations(lenet):
    figure = cost.cost_chart(lenet)
    macs, params, memory = figure.axes
    assert _heights(macs) == LENET_MACS
    assert _heights(params) == LENET_PARAMS
    assert _heights(memory) == LENET_ACTIVATIONS
    assert macs.get_yscale() == "log" and "activation memory" in memory.get_ylabel()
    assert [t.get_text() for t in memory.get_xticklabels()][0] == "layers[0] conv"
    canvas.pyplot().close(figure)


def test_resnet50_cost_chart_marks_its_stages():
    report = cnncalc.load("resnet50").summary()
    figure = cost.cost_chart(report, depth=0)
    macs, params, _ = figure.axes
    # torchvision's published ResNet-50: 25,557,032 parameters, 4.09 GMACs.
    assert sum(_heights(params)) == 25_557_032
    assert round(sum(_heights(macs)) / 1e9, 2) == 4.09
    # The stem (4 layers), four stages, and the head (pool, flatten, dense): 6 spans, 5 boundaries.
    dashed = [line for line in params.get_lines() if line.get_linestyle() == "--"]
    assert len(dashed) == 5
    labels = [t.get_text() for t in figure.axes[-1].get_xticklabels()]
    assert labels[1:5] == ["layers[4] stage", "layers[5] stage", "layers[6] stage", "layers[7] stage"]
    colours = {patch.get_facecolor() for patch in macs.containers[0]}
    assert len(colours) == 5  # four stages and the grey of the top-level layers
    canvas.pyplot().close(figure)


def test_field_chart_plots_size_and_jump_and_marks_the_covering_layer(lenet):
    figure = field.field_chart(lenet)
    ax = figure.axes[0]
    lines = {line.get_label(): line for line in ax.get_lines()}
    # r: 5, 5, 5+1=6, 6+4*2=14, 14, 14+1*2=16, 16+4*4=32, then 32 on; j: 1, 1, 2, 2, 2, 4, 4, ...
    assert list(lines["field size"].get_ydata()) == [5, 5, 6, 14, 14, 16, 32, 32, 32, 32, 32, 32]
    assert list(lines["jump"].get_ydata()) == [1, 1, 2, 2, 2, 4, 4, 4, 4, 4, 4, 4]
    assert lines["input size 32"].get_ydata()[0] == 32
    covering = [label for label in lines if label.startswith("first covers")]
    assert covering == ["first covers the input: layers[6] conv"]
    assert lines[covering[0]].get_xdata()[0] == 6
    canvas.pyplot().close(figure)


def test_box_chart_draws_one_units_field_on_the_input():
    report = cnncalc.load("vgg16").summary()
    figure = field.box_chart(report, series.row_at(report, "layers[3]"))
    ax = figure.axes[0]
    patches = {patch.get_label().split(" ")[0]: patch for patch in ax.patches}
    assert (patches["input"].get_width(), patches["input"].get_height()) == (224, 224)
    # After VGG's 4th stage: r = 100, j = 16; start -(2*1 + 2*2 + 3*4 + 3*8) = -42 (padding 1
    # per conv, at jumps 1, 2, 4, 8). The middle unit of 14 is 6: 6*16 - 42 = 54 to 54 + 99.
    box = patches["field"]
    assert (box.get_x(), box.get_y(), box.get_width(), box.get_height()) == (54, 54, 100, 100)
    centre = next(line for line in ax.get_lines() if line.get_label().startswith("centre"))
    assert (centre.get_xdata()[0], centre.get_ydata()[0]) == (104.0, 104.0)  # pixel 103.5's middle
    assert not any(line.get_label().startswith("effective") for line in ax.get_lines())
    canvas.pyplot().close(figure)


def test_box_effective_centre_is_marked_where_it_differs():
    from fractions import Fraction

    from conftest import network
    from cnncalc.analysis import analyze

    report = analyze(network("input: [1, 8, 8]\nlayers:\n  - conv: {out: 1, kernel: 3}\n  - upsample: {scale: 2, mode: bilinear}\n"))
    # conv 3x3: r 3, centre 1. Bilinear x2 (half-pixel): output unit 0 sits at input
    # (0 + 1/2)/2 - 1/2 = -1/4, reading inputs 0 and 1: r 3 + 1 = 4, span 0..3 (middle 3/2),
    # affine centre 1 - 1/4 = 3/4: the two differ, so both are marked.
    row = report.rows[-1]
    box = series.unit_box(row, (0, 0))
    assert (box.first, box.last) == ((0, 0), (3, 3))
    assert box.centre == (Fraction(3, 2),) * 2 and box.effective == (Fraction(3, 4),) * 2
    figure = field.box_chart(report, row, (0, 0))
    marked = [line for line in figure.axes[0].get_lines() if line.get_label().startswith("effective centre")]
    assert len(marked) == 1 and marked[0].get_xdata()[0] == 1.25  # 3/4 + 1/2, the pixel's middle
    canvas.pyplot().close(figure)


def test_row_at_takes_layer_and_block_paths_as_summary_prints_them():
    report = cnncalc.load("vgg16").summary()
    block = series.row_at(report, "layers[3]")
    assert block.is_group and block.params == 5_899_776  # 3x3 convs 256->512, 512->512 twice: 1,180,160 + 2*2,359,808
    leaf = series.row_at(report, "layers[3].vgg_stage[0].repeat[0][0]")
    assert leaf.type == "conv" and leaf.params == 1_180_160  # (256*9 + 1)*512
    with pytest.raises(SpecError) as raised:
        series.row_at(report, "layers[17]")
    assert "no layer at 'layers[17]'" in str(raised.value)


def test_symbolic_specs_need_values_and_the_error_names_the_symbols():
    report = cnncalc.load("bottleneck").summary()
    with pytest.raises(SpecError) as raised:
        cost.cost_chart(report)
    assert "set c, H, W" in str(raised.value)


def test_scatter_places_each_network_at_its_params_and_macs():
    figure = versus.scatter_chart(compare(["resnet18", "resnet50", "mobilenet_v2"]))
    ax = figure.axes[0]
    points = [tuple(p) for p in ax.collections[0].get_offsets()]
    # torchvision's published figures: 11,689,512 / 1.81 G; 25,557,032 / 4.09 G; 3,504,872 / 0.30 G.
    assert [p for p, _ in points] == [11_689_512, 25_557_032, 3_504_872]
    assert [round(m / 1e9, 2) for _, m in points] == [1.81, 4.09, 0.30]
    assert [t.get_text().split(" ")[0] for t in ax.texts] == ["resnet18", "resnet50", "mobilenet_v2"]
    canvas.pyplot().close(figure)


def test_curves_over_a_range_follow_the_formulas():
    panels = versus.curves(["two-3x3", "one-5x5"], "c", [16, 32, 64], {"H": 56, "W": 56})
    # Two 3x3 convs c->c without bias: 2*9*c^2 = 18c^2; one 5x5: 25c^2. MACs: H*W times that.
    assert panels["parameters"]["two-3x3"] == ([16, 32, 64], [18 * 16**2, 18 * 32**2, 18 * 64**2])
    assert panels["MACs per sample"]["one-5x5"][1] == [25 * c * c * 56 * 56 for c in (16, 32, 64)]
    figure = versus.sweep_chart("c", panels)
    line = figure.axes[0].get_lines()[1]
    assert line.get_label() == "one-5x5" and list(line.get_ydata()) == [25 * 16**2, 25 * 32**2, 25 * 64**2]
    canvas.pyplot().close(figure)


def test_sweep_chart_takes_plain_data_and_leaves_gaps_where_a_point_is_invalid():
    figure = versus.sweep_chart("width", {"parameters": {"a": ([1, 2, 3], [10, None, 30]), "b": ([1, 2, 3], [5, 6, 7])}})
    a, b = figure.axes[0].get_lines()
    assert a.get_ydata()[0] == 10 and math.isnan(a.get_ydata()[1]) and list(b.get_ydata()) == [5, 6, 7]
    assert figure.axes[0].get_xlabel() == "width"
    canvas.pyplot().close(figure)


def test_diagram_of_lenet_is_a_chain_with_shapes_and_costs(lenet):
    net = cnncalc.load("lenet5")
    figure = diagram.diagram(net.graph, lenet)
    plan = figure.layout
    assert len(plan.boxes) == 13 and len(plan.edges) == 12  # the input and 12 layers, one after another
    assert [box.rank for box in plan.boxes] == list(range(13))
    texts = [t.get_text() for t in figure.axes[0].texts]
    assert "6x28x28" in texts and "156 params · 118K MACs" in texts and "120" in texts
    canvas.pyplot().close(figure)


def test_diagram_shows_resnet_branches_and_merges():
    net = cnncalc.load("resnet50")
    report = net.summary()
    plan = diagram.layout(net.graph, report, None)
    adds = [box for box in plan.boxes if box.row is not None and box.row.type == "add"]
    assert len(adds) == 16  # 3 + 4 + 6 + 3 bottleneck blocks
    for add in adds:
        i = plan.boxes.index(add)
        assert len([edge for edge in plan.edges if edge[1] == i]) == 2  # body and shortcut meet
    # 4 blocks project their shortcut (a conv beside the body's first conv); 12 add the identity.
    side_by_side = [box for box in plan.boxes if box.row is not None and "projection[0]" in box.row.path]
    assert len(side_by_side) == 4 and all(box.place != 0 for box in side_by_side)
    skips = [(a, b) for a, b in plan.edges if plan.boxes[b].rank - plan.boxes[a].rank > 1 and (a, b) not in plan.routes]
    assert len(skips) == 12


def test_diagram_folds_blocks_below_a_depth():
    net = cnncalc.load("resnet50")
    plan = diagram.layout(net.graph, net.summary(), 0)
    # Input, stem conv, bn, relu, maxpool, four stages, pool, flatten, dense.
    assert [box.label for box in plan.boxes][5:9] == ["layers[4]", "layers[5]", "layers[6]", "layers[7]"]
    assert len(plan.boxes) == 12 and plan.boxes[5].row.params == 215_808  # stage 1 (256-wide), as summary totals it


@pytest.mark.parametrize("suffix,magic", [(".png", b"\x89PNG"), (".svg", b"<?xml"), (".pdf", b"%PDF")])
def test_pictures_are_written_by_suffix(tmp_path, lenet, suffix, magic):
    path = canvas.save(cost.cost_chart(lenet), tmp_path / f"lenet{suffix}")
    assert path.read_bytes().startswith(magic)


def test_an_unknown_picture_suffix_is_refused(tmp_path, lenet):
    with pytest.raises(SpecError) as raised:
        canvas.check_suffix(tmp_path / "lenet.jpg")
    assert "expected a file ending in .png, .svg, .pdf" in str(raised.value)
