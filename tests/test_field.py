"""Receptive fields against sequences with known answers (Araujo, Norris & Sim, Distill 2019:
r_out = r_in + (k - 1)*j_in, j_out = j_in*s, start_out = start_in - p*j_in)."""

from __future__ import annotations

from fractions import Fraction

from conftest import network


def fields(layers: str, input: str = "[1, 64, 64]"):
    graph = network(f"input: {input}\nlayers:\n{layers}")
    return [(n.field.size[0], n.field.jump[0], n.field.start[0]) for n in graph.nodes]


def test_the_issue_sequence():
    # conv3 s1 p1 -> conv3 s2 p1 -> pool2 s2 -> conv3 s1 p2 d2
    # sizes 1+2=3, 3+2*1=5, 5+1*2=7, 7+(5-1)*4=23; jumps 1, 2, 4, 4;
    # starts 0-1*1=-1, -1-1*1=-2, -2-0=-2, -2-2*4=-10
    got = fields(
        """
  - conv: {out: 4, kernel: 3, padding: 1}
  - conv: {out: 4, kernel: 3, stride: 2, padding: 1}
  - maxpool: {kernel: 2, stride: 2}
  - conv: {out: 4, kernel: 3, padding: 2, dilation: 2}
"""
    )
    assert got == [(3, 1, -1), (5, 2, -2), (7, 4, -2), (23, 4, -10)]


def test_two_3x3_see_as_much_as_one_5x5():
    two = fields("  - conv: {out: 1, kernel: 3}\n  - conv: {out: 1, kernel: 3}\n")
    one = fields("  - conv: {out: 1, kernel: 5}\n")
    assert two[-1][0] == one[-1][0] == 5


def test_lenet5_fields():
    # C1 5, S2 5+1*1=6 (jump 2), C3 6+4*2=14, S4 14+1*2=16 (jump 4), C5 16+4*4=32
    got = [size for size, _, _ in fields(open_spec("lenet5"))]
    assert got[:7] == [5, 5, 6, 14, 14, 16, 32]


def open_spec(name: str) -> str:
    from cnncalc.catalog import architectures_dir

    text = (architectures_dir() / f"{name}.yaml").read_text()
    return text.split("layers:\n", 1)[1].split("expect:")[0]


def test_transposed_convolution_makes_the_jump_a_fraction():
    # output 0 of a 4x4 stride-2 padding-1 transposed conv reads inputs i with 2i in {1, 0, -1, -2}:
    # i = -1 and 0, so the field starts at -1 and spans ceil(4/2) = 2 inputs; jump 1/2
    assert fields("  - conv_transpose: {out: 1, kernel: 4, stride: 2, padding: 1}\n") == [(2, Fraction(1, 2), -1)]


def test_upsampling_then_convolution():
    # nearest x2 reads one input: size 1, jump 1/2; a 3x3 with padding 1 then spans
    # 1 + 2*(1/2) = 2 and starts at 0 - 1*(1/2)
    got = fields("  - upsample: 2\n  - conv: {out: 1, kernel: 3, padding: 1}\n")
    assert got == [(1, Fraction(1, 2), 0), (2, Fraction(1, 2), Fraction(-1, 2))]


def test_global_pooling_covers_the_whole_map():
    # conv3 p1 on 8x8: 3, start -1; global pooling over 8 positions: 3 + 7*1 = 10
    graph = network("input: [1, 8, 8]\nlayers:\n  - conv: {out: 2, kernel: 3, padding: 1}\n  - global_avgpool\n")
    field = graph.nodes[-1].field
    assert (field.size, field.start, field.whole) == ((10, 10), (-1, -1), True)


def test_a_global_branch_merged_into_a_grid_widens_every_unit_alike():
    # PSPNet's pooling branch: conv3 p1 on 8x8 spans [-1, 8] over its units (3 + 7*1 = 10);
    # global pooling sees all of it, and upsampling copies that one field to every unit
    # (jump 0). Concatenated with the conv's own grid, which lies inside [-1, 8], every
    # merged unit sees the same 10 positions, and a 3x3 conv after it sees no more.
    graph = network(
        """
input: [4, 8, 8]
layers:
  - conv: {out: 4, kernel: 3, padding: 1}
  - concat: [[], [global_avgpool, {upsample: {size: [8, 8]}}]]
  - conv: {out: 2, kernel: 3, padding: 1}
"""
    )
    upsample, merge, last = graph.nodes[2].field, graph.nodes[3].field, graph.nodes[4].field
    assert upsample.jump == (0, 0)
    assert (merge.size, merge.jump, merge.start, merge.whole) == ((10, 10), (0, 0), (-1, -1), True)
    assert (last.size, last.start) == ((10, 10), (-1, -1))


def test_adaptive_pooling_uses_the_longest_window():
    # 13 -> 6: windows [floor(13i/6), ceil(13(i+1)/6)) are 3 long at most; jump 13/6
    assert fields("  - adaptive_avgpool: 6\n", "[1, 13, 13]") == [(3, Fraction(13, 6), 0)]


def test_merge_takes_the_union_and_reports_misaligned_centres():
    # branch 0: 3x3 valid conv, field [0, 2], centre 1; branch 1: a 6x6 crop at offset 0,
    # field [0, 0], centre 0. The union spans 3 positions; the centres differ.
    graph = network(
        """
input: [1, 8, 8]
layers:
  - add:
      - [{conv: {out: 1, kernel: 3}}]
      - [{crop: {size: [6, 6], offset: [0, 0]}}]
"""
    )
    merge = graph.nodes[-1]
    assert merge.field.size == (3, 3)
    assert "centres differ" in merge.note


def test_centre_crop_keeps_fields_aligned():
    # U-Net style: the skip (field 1, start 0) is centre-cropped from 8 to 6, moving its start
    # to 1 = the centre of the 3x3 branch's field [0, 2]: aligned, no note
    graph = network(
        """
input: [1, 8, 8]
layers:
  - concat:
      branches: [[{conv: {out: 1, kernel: 3}}], []]
      crop: center
"""
    )
    merge = graph.nodes[-1]
    assert merge.shape == (2, 6, 6)
    assert merge.field.size == (3, 3) and merge.note is None


def test_affine_centres_track_upsampling_phases():
    # U-Net: a 2x2 stride-2 pool moves the centre to 0 + (1/2)*1 = 1/2 (jump 2); a 2x2
    # stride-2 up-convolution maps output 0 to input (0 + 0 - 1/2)/2 = -1/4, i.e.
    # 1/2 - (1/4)*2 = 0: back on the fine grid's first position, as the skip is
    graph = network("input: [1, 8, 8]\nlayers:\n  - maxpool: 2\n  - conv_transpose: {out: 1, kernel: 2, stride: 2}\n")
    assert [n.field.centre[0] for n in graph.nodes] == [Fraction(1, 2), 0]
    # nearest upsampling by 2 samples input (o + 1/2)/2 - 1/2: output 0 sits at -1/4
    assert network("input: [1, 4, 4]\nlayers:\n  - upsample: 2\n").nodes[0].field.centre == (Fraction(-1, 4),) * 2


def test_unet_skip_and_up_path_are_aligned():
    # the pooled-and-upsampled branch and the identity branch are centred alike: no note
    graph = network(
        """
input: [1, 8, 8]
layers:
  - concat:
      - []
      - [{maxpool: 2}, {conv_transpose: {out: 1, kernel: 2, stride: 2}}]
"""
    )
    assert graph.nodes[-1].note is None


def test_a_broadcast_gate_adds_global_context_but_no_extent():
    # SE: the gate's global pooling sees everything, but it is a C x 1 x 1 map stretched over
    # the positions; the local field stays the 3x3 path's (3), now marked as seeing it all,
    # and it keeps growing through the next 3x3 (3 + 2 = 5)
    graph = network(
        """
input: [4, 8, 8]
layers:
  - conv: {out: 4, kernel: 3, padding: 1}
  - multiply:
      - []
      - [global_avgpool, {conv: {out: 4, kernel: 1}}, sigmoid]
  - conv: {out: 4, kernel: 3, padding: 1}
"""
    )
    gated, after = graph.nodes[-2].field, graph.nodes[-1].field
    assert (gated.size, gated.whole) == ((3, 3), True)
    assert (after.size, after.whole) == ((5, 5), True)
