"""Bad specs give one error with the file, the 1-based line and column, and the layer path.
Columns are counted by hand in the comments (the first character of a line is column 1)."""

from __future__ import annotations

import time

import pytest

from cnncalc.errors import CnnCalcError, LimitError, ShapeError, SpecError
from cnncalc.symbolic import ExpressionError

from conftest import network

HEAD = "input: [1, 8, 8]\nlayers:\n"

CASES = [
    # (spec text, error class, line, column, path, words the message must contain)
    # '  - conv: {out: 6 kernel: 5}': the ':' after 'kernel' is column 25
    (HEAD + "  - conv: {out: 6 kernel: 5}\n", SpecError, 3, 25, None, "invalid YAML"),
    # the second 'out' starts at column 31 of '  - conv: {out: 6, kernel: 5, out: 7}'
    (HEAD + "  - conv: {out: 6, kernel: 5, out: 7}\n", SpecError, 3, 31, None, "duplicate key 'out' (first at line 3)"),
    # 'conv2d' starts at column 5 of the second layer's line
    (HEAD + "  - relu\n  - conv2d: {out: 6, kernel: 5}\n", SpecError, 4, 5, "layers[1]", "unknown layer 'conv2d'; did you mean 'conv'?"),
    # 'kernal' is at column 20 of '  - conv: {out: 6, kernal: 5}'
    (HEAD + "  - conv: {out: 6, kernal: 5}\n", SpecError, 3, 20, "layers[0]", "did you mean 'kernel'?"),
    (HEAD + "  - conv: {out: 6}\n", SpecError, 3, 11, "layers[0]", "conv needs 'kernel'"),
    # values of 'out' start at column 17 of '  - conv: {out: ...'
    (HEAD + "  - conv: {out: true, kernel: 5}\n", SpecError, 3, 17, "layers[0].out", "must be a number or an expression (got a boolean)"),
    (HEAD + "  - conv: {out: 0, kernel: 5}\n", SpecError, 3, 17, "layers[0].out", "must be at least 1 (got 0)"),
    (HEAD + "  - conv: {out: 7/2, kernel: 5}\n", SpecError, 3, 17, "layers[0].out", "must be a whole number (got 7/2)"),
    (HEAD + "  - conv: {out: 3000000000, kernel: 5}\n", SpecError, 3, 17, "layers[0].out", "absurdly large"),
    # the undefined 'k' of '4*k' is column 19
    (HEAD + "  - conv: {out: 4*k, kernel: 3}\n", ExpressionError, 3, 19, "layers[0].out", "undefined name 'k'"),
    (HEAD + "  - conv: {out: 6, kernel: [3, 3, 3]}\n", SpecError, 3, 28, "layers[0].kernel", "one value per spatial axis (2)"),
    (HEAD + "  - upsample: {scale: 2, mode: bilinaer}\n", SpecError, 3, 32, "layers[0].mode", "did you mean 'bilinear'?"),
    # impossible shapes show the formula with the numbers; the layer starts at column 5
    ("input: [1, 5, 5]\nlayers:\n  - conv: {out: 6, kernel: 7}\n", ShapeError, 3, 5, "layers[0]",
     "output height would be -1 = floor((5 + 0 + 0 - 7)/1) + 1, that is floor((input + padding before + padding after - kernel extent) / stride) + 1"),
    ("input: [6, 8, 8]\nlayers:\n  - conv: {out: 8, kernel: 1, groups: 4}\n", ShapeError, 3, 5, "layers[0]", "groups 4 must divide the 6 input channels"),
    ("input: [4, 8, 8]\nlayers:\n  - add: [[{conv: {out: 8, kernel: 1}}], []]\n", ShapeError, 3, 5, "layers[0].add", "branch shapes 8x8x8 and 4x8x8 do not match"),
    ("input: [6, 8, 8]\nlayers:\n  - dense: 4\n", ShapeError, 3, 5, "layers[0]", "add 'flatten'"),
    # an error inside a block points at the block's line and names the call's path:
    # '    - conv: ...' in the block body: 'conv' is column 7 of line 4
    ("input: [4, 8, 8]\nblocks:\n  unit(k):\n    - conv: {out: 4, kernel: k}\nlayers:\n  - relu\n  - unit: 9\n",
     ShapeError, 4, 7, "layers[1].unit[0]", "output height would be 0"),
    # block b's body '[a]' puts 'a' at column 7 of line 4
    ("input: [4]\nblocks:\n  a: [{b: null}]\n  b: [a]\nlayers:\n  - a\n", SpecError, 4, 7, "layers[0].a[0].b[0]", "block 'a' calls itself (a -> b -> a)"),
    ("input: [4]\nlayers:\n  - missing_block: 3\n", SpecError, 3, 5, "layers[0]", "unknown layer 'missing_block'"),
    ("input: [4]\nlayers:\n  - from: nowhere\n", SpecError, 3, 5, "layers[0]", "no tensor is named 'nowhere'"),
    # the H of 'input: [3, H, 8]' is column 12
    ("input: [3, H, 8]\nlayers: [relu]\n", ExpressionError, 1, 12, "input", "undefined name 'H'"),
    ("input: [4]\nlayer: [relu]\n", SpecError, 2, 1, None, "did you mean 'layers'?"),
    ("- conv\n", SpecError, 1, 1, None, "a spec must be a mapping"),
    ("input: [4]\nlayers:\n  - relu:\n    dense: 4\n", SpecError, 3, 5, "layers[0]", "exactly one kind"),
    # a repeat's list beside the kind instead of under it: the hint shows the nested form
    ("input: [4]\nlayers:\n  - repeat: 2\n    layers: [relu]\n", SpecError, 3, 5, "layers[0]",
     "found 'repeat' and 'layers'; indent a layer's arguments under its kind, as in {repeat: {times: 2, layers: [...]}}"),
    # the count of '  - repeat: {times: 1000000000, ...' starts at column 21
    ("input: [4]\nlayers:\n  - repeat: {times: 1000000000, layers: [relu]}\n", LimitError, 3, 21, "layers[0]", "more than cnncalc expands"),
    ("input: [4]\nlayers:\n  - repeat: {times: 1000, layers: [{repeat: {times: 1000, layers: [relu]}}]}\n", LimitError, 3, 5, "layers[0]", "too many layers"),
    # tags would construct Python objects with an unsafe loader; here they are refused
    ("input: !!python/object:os.system [1]\nlayers: [relu]\n", SpecError, 1, 8, None, "!!python/object:os.system is not allowed"),
    ("input: [!!python/name:os.system 1]\nlayers: [relu]\n", SpecError, 1, 9, None, "!!python/name:os.system is not allowed"),
    ("input: [.inf]\nlayers: [relu]\n", SpecError, 1, 9, None, "not a finite number"),
]


@pytest.mark.parametrize("text, cls, line, column, path, words", CASES)
def test_error_names_file_line_column_and_path(text, cls, line, column, path, words):
    with pytest.raises(CnnCalcError) as caught:
        network(text)
    error = caught.value
    assert type(error) is cls
    assert (error.file, error.line, error.column, error.path) == ("test.yaml", line, column, path)
    assert words in str(error)


def test_an_empty_spec_names_the_file():
    with pytest.raises(SpecError) as caught:
        network("")
    assert (caught.value.file, str(caught.value)) == ("test.yaml", "test.yaml: the spec is empty (expected a mapping with 'input' and 'layers')")


def test_an_alias_bomb_stops_quickly():
    # nine levels of nine aliases each would expand to 9**9 values
    lines = ["a0: &a0 [1, 1, 1, 1, 1, 1, 1, 1, 1]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    started = time.perf_counter()
    with pytest.raises(LimitError, match="too many values"):
        network("\n".join(lines) + "\n")
    assert time.perf_counter() - started < 2


def test_messages_render_as_one_line():
    with pytest.raises(CnnCalcError) as caught:
        network(HEAD + "  - conv: {out: 0, kernel: 5}\n")
    assert str(caught.value) == "test.yaml:3:17: layers[0].out: must be at least 1 (got 0)"
