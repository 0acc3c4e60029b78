"""Claims files: reading (YAML, Markdown, spec expectations), errors with positions, and
checking true, false and undecidable statements against independent hand arithmetic."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

from cnncalc.claims import Rounded, check_claims, check_file, parse_claims, parse_markdown, read_claims
from cnncalc.errors import SpecError
from cnncalc.symbolic import symbol

ROOT = Path(__file__).resolve().parent.parent
NOTES = ROOT / "architectures" / "claims" / "notes.yaml"
SEEDS = Path(__file__).resolve().parent.parent / "architectures" / "claims" / "seeds"  # a copy of ../shared/seeds


def results(text: str, file: str = "claims.yaml"):
    return check_claims(parse_claims(text, file))


def one(text: str):
    (result,) = results("claims:\n" + text)
    return result


# --- true and false statements --------------------------------------------------------------


def test_a_true_count_passes_and_a_wrong_one_fails():
    true, wrong = results(
        """
claims:
  - says: LeNet-5 has 61,706 parameters
    spec: lenet5
    params: 61,706
  - says: LeNet-5 has 60,000 parameters
    spec: lenet5
    params: 60000
"""
    )
    assert (true.truth, true.passed) == (True, True)
    assert (wrong.truth, wrong.passed) == (False, False)
    assert wrong.checks[0].computed == 61_706 and wrong.checks[0].stated == 60_000


def test_holds_false_passes_only_when_the_statement_is_false():
    alexnet = """
  - says: 224x224x3 through 11x11 stride 4 gives 55x55x96
    layer: {conv: {out: 96, kernel: 11, stride: 4}}
    input: [3, 224, 224]
    output: [96, 55, 55]
    holds: false
"""
    result = one(alexnet)
    assert (result.truth, result.passed) == (False, True)
    # floor((224 - 11) / 4) + 1 = 54; with padding p: floor((213 + 2p) / 4) + 1 = 55 for p = 2, 3
    assert result.checks[0].computed == (96, 54, 54)
    assert result.suggestion.key == "padding" and result.suggestion.values == (2, 3)
    wrongly_marked = one(alexnet.replace("stride: 4}", "stride: 4, padding: 2}"))
    assert (wrongly_marked.truth, wrongly_marked.passed) == (True, False)
    assert wrongly_marked.suggestion is None


def test_every_check_of_a_claim_must_hold():
    result = one(
        """
  - says: the first LeNet-5 layer
    layer: {conv: {out: 6, kernel: 5}}
    input: [1, 32, 32]
    output: [6, 28, 28]
    params: 150
"""
    )
    # (1*5*5 + 1)*6 = 156 with the bias: the shape is right, the count is not
    assert [c.truth for c in result.checks] == [True, False] and result.truth is False


def test_symbolic_identities_and_their_negations():
    true, wrong = results(
        """
claims:
  - says: (4c*c)+(c*c*9)+(c*4c) = 17c^2
    expr: (4*c*c) + (c*c*9) + (c*4*c)
    value: 17*c^2
  - says: c x c x 5 x 5 x 2 => 25c^2
    expr: c*c*5*5*2
    value: 25*c^2
"""
    )
    c = symbol("c")
    assert true.truth is True and true.checks[0].computed == 17 * c**2
    # 50c^2 - 25c^2 = 25c^2 > 0 for every positive c: decidedly false, not open
    assert wrong.truth is False and wrong.checks[0].computed == 50 * c**2


def test_symbolic_spec_values():
    result = one(
        """
  - says: two 3x3 convolutions have 18c^2 weights and see 5x5
    spec: two-3x3
    params: 18*c^2
    receptive_field: 5
    output: [c, H, W]
"""
    )
    assert result.passed and [c.truth for c in result.checks] == [True, True, True]


def test_an_open_comparison_is_undecided_and_fails():
    result = one(
        """
  - says: c is less than five
    expr: c
    vs: {expr: 5}
    value: less
"""
    )
    assert result.truth is None and not result.passed


def test_rounded_figures():
    # VGG-19: 143,667,240 parameters (torchvision)
    assert one("  - {says: 144M parameters, spec: vgg19, params: 144M}\n").truth is True
    assert one("  - {says: 143M parameters, spec: vgg19, params: 143M}\n").truth is False
    assert one("  - {says: 143.7M parameters, spec: vgg19, params: 143.7M}\n").truth is True
    check = one("  - {says: 61.7K, spec: lenet5, params: 61.7K}\n").checks[0]
    assert check.stated == Rounded("61.7K", Fraction(61_650), Fraction(61_750)) and check.truth is True


def test_within_a_relative_tolerance():
    text = """
  - says: alpha * beta^2 * gamma^2 is about 2
    expr: alpha * beta^2 * gamma^2
    set: {alpha: 1.2, beta: 1.1, gamma: 1.15}
    value: 2
    within: %s
"""
    # 1.2 * 1.21 * 1.3225 = 1.920270: 4.0% below 2
    assert one(text % "5%").truth is True
    assert one(text % "0.03").truth is False
    assert one(text % "5%").checks[0].computed == Fraction(192_027, 100_000)


def test_relations_between_two_subjects():
    result = one(
        """
  - says: two 3x3 against one 5x5
    spec: two-3x3
    vs: one-5x5
    params: {ratio: 18/25}
    macs: less
    receptive_field: equal
    output: equal
"""
    )
    assert [c.truth for c in result.checks] == [True, True, True, True]
    assert result.checks[0].measured == Fraction(18, 25)


def test_vs_inherits_what_it_does_not_say():
    result = one(
        """
  - says: F2 favours precision
    expr: (1 + B^2) * P * R / (B^2 * P + R)
    set: {B: 2, P: 1, R: 1/2}
    vs: {set: {P: 1/2, R: 1}}
    value: greater
    holds: false
"""
    )
    # F2(P=1, R=1/2) = 5 * 1/2 / (4 + 1/2) = 5/9; F2(P=1/2, R=1) = 5 * 1/2 / (2 + 1) = 5/6
    check = result.checks[0]
    assert (check.computed, check.other, check.truth, result.passed) == (Fraction(5, 9), Fraction(5, 6), False, True)


def test_kinds_and_rows():
    conv, row = results(
        """
claims:
  - says: LeNet-5's convolutions
    spec: lenet5
    kinds: [conv]
    params: (1*5*5+1)*6 + (6*5*5+1)*16 + (16*5*5+1)*120
  - says: C3
    spec: lenet5
    at: layers[3]
    input_shape: 6x14x14
    output: 16x10x10
"""
    )
    assert conv.passed and conv.checks[0].computed == 50_692
    assert row.passed


def test_differences_depth_paths_and_runs():
    result = one(
        """
  - says: a bias adds one per kernel
    layer: {conv: {out: k, kernel: h}}
    input: [c, M, N]
    vs: {layer: {conv: {out: k, kernel: h, bias: false}}}
    params: {difference: k}
"""
    )
    assert result.passed
    paths = one(
        """
  - says: three residual blocks give 8 paths
    layers: [{repeat: {times: 3, layers: [{residual: [{conv: {out: c, kernel: 3, padding: 1}}]}]}}]
    input: [c, H, W]
    paths: 8
    depth: 3
"""
    )
    assert paths.passed
    assert one("  - {says: VGG-19 has 19 layers, spec: vgg19, depth: 19}\n").passed


def test_set_values_in_layer_subjects_are_constants():
    result = one(
        """
  - says: 64 kernels of 3x3 on RGB
    layer: {conv: {out: k, kernel: 3}}
    input: [3, 32, 32]
    set: {k: 64}
    params: (3*3*3 + 1)*k
    output: [64, 30, 30]
"""
    )
    assert result.passed and result.checks[0].computed == (27 + 1) * 64


# --- reading and its errors -----------------------------------------------------------------


def error_of(text: str, file: str = "claims.yaml") -> SpecError:
    with pytest.raises(SpecError) as caught:
        parse_claims(text, file)
    return caught.value


def test_unknown_key_is_located_and_lists_the_allowed():
    error = error_of("claims:\n  - says: x\n    spec: lenet5\n    parms: 61706\n")
    assert (error.file, error.line, error.column) == ("claims.yaml", 4, 5)
    assert error.message == "unknown key 'parms' in a claim" and error.hint == "did you mean 'params'?"
    assert "params" in error.expected and "says" in error.expected


def test_invalid_yaml_is_located():
    error = error_of("claims:\n  - says: x\n    spec: [lenet5\n")
    assert error.file == "claims.yaml" and error.line == 4 and error.message.startswith("invalid YAML")


def test_structural_errors():
    cases = {
        "claims:\n  - spec: lenet5\n    params: 1\n": ("a claim needs 'says': the statement it checks, quoted", 2),
        "claims:\n  - says: x\n    spec: lenet5\n": ("the claim states nothing to check", 2),
        "claims:\n  - says: x\n    params: 1\n": ("a claim needs a subject", 2),
        "claims:\n  - says: x\n    spec: lenet5\n    layer: flatten\n    params: 1\n": ("a claim has one subject, found spec and layer", 2),
        "claims:\n  - says: x\n    expr: 2\n    params: 2\n": ("'params' is not an expression's quantity", 4),
        "claims:\n  - says: x\n    layer: {conv: {out: 4, kernel: 3}}\n    params: 2\n": ("a 'layer' subject needs 'input', the shape it is applied to", 2),
        "claims:\n  - says: x\n    spec: lenet5\n    holds: maybe\n    params: 1\n": ("'holds' must be true or false", 4),
        "claims:\n  - says: x\n    spec: lenet5\n    kinds: [convolution]\n    params: 1\n": ("unknown layer kind 'convolution'", 4),
        "claim:\n  - says: x\n": ("unknown key 'claim' in a claims file", 1),
    }
    for text, (message, line) in cases.items():
        error = error_of(text)
        assert (error.message, error.line) == (message, line), text


def test_a_relation_needs_vs_and_a_value_needs_none():
    result = one("  - says: x\n    spec: two-3x3\n    vs: one-5x5\n    params: 18*c^2\n")
    assert result.error is not None and result.error.message == "with 'vs', a quantity states a relation"
    assert result.error.line == 5


def test_a_subject_that_cannot_be_built_is_an_error_of_that_claim_only():
    broken, fine = results(
        """
claims:
  - says: x
    spec: lenet55
    params: 1
  - says: y
    spec: lenet5
    params: 61706
"""
    )
    assert broken.error.message == "unknown architecture 'lenet55'" and (broken.error.line, broken.error.column) == (4, 11)
    assert broken.truth is None and not broken.passed
    assert fine.passed


def test_errors_inside_a_layer_point_at_it():
    (result,) = results("claims:\n  - says: x\n    layer: {conv: {out: 4, kernal: 3}}\n    input: [3, 8, 8]\n    params: 1\n")
    assert result.error.message == "unknown argument 'kernal' for conv" and result.error.line == 3


def test_markdown_blocks_keep_the_notes_line_numbers():
    note = """# Week 6

LeNet-5 has 61,706 parameters.

```cnncalc
- says: LeNet-5 has 61,706 parameters
  spec: lenet5
  params: 61706
```

Some prose, and code that is not checked:

```yaml
claims: nonsense
```

````cnncalc
says: two 3x3 see 5x5
spec: two-3x3
receptive_field: 5
````
"""
    claims = parse_markdown(note, "notes/week6.md")
    assert [c.loc.line for c in claims] == [6, 18]
    assert {c.source for c in claims} == {"week6.md"}
    assert all(r.passed for r in check_claims(claims))


def test_markdown_errors_point_into_the_note():
    with pytest.raises(SpecError) as caught:
        parse_markdown("text\n\n```cnncalc\n- says: x\n  spec: lenet5\n  params: [1\n```\n", "n.md")
    assert (caught.value.file, caught.value.line) == ("n.md", 6)  # the unclosed list, at the block's end
    with pytest.raises(SpecError) as caught:
        parse_markdown("```cnncalc\n- says: x\n", "n.md")
    assert (caught.value.message, caught.value.line) == ("the cnncalc block is not closed", 1)


def test_markdown_and_yaml_files_by_suffix(tmp_path):
    (tmp_path / "note.md").write_text("```cnncalc\nsays: a\nexpr: 512*512*3*3*3\nvalue: 7,077,888\n```\n", encoding="utf-8")
    (tmp_path / "claims.yaml").write_text("source: s.txt\nclaims:\n  - {says: b, expr: 2+2, value: 5, holds: false}\n", encoding="utf-8")
    md, yml = check_file(tmp_path / "note.md"), check_file(tmp_path / "claims.yaml")
    assert md[0].passed and md[0].checks[0].computed == 7_077_888  # 262,144 x 27
    assert yml[0].passed and yml[0].claim.source == "s.txt"


def test_spec_paths_are_relative_to_the_claims_file(tmp_path):
    (tmp_path / "tiny.yaml").write_text("input: [3, 8, 8]\nlayers:\n  - conv: {out: 4, kernel: 3}\n", encoding="utf-8")
    (tmp_path / "claims.yaml").write_text("claims:\n  - {says: t, spec: tiny.yaml, params: 112, output: [4, 6, 6]}\n", encoding="utf-8")
    (result,) = check_file(tmp_path / "claims.yaml")
    assert result.passed  # (3*3*3 + 1) * 4 = 112


def test_a_spec_file_checks_its_expectations(tmp_path):
    (result,) = check_file(ROOT / "architectures" / "lenet5.yaml")
    assert result.passed and [q for q, _ in result.claim.checks] == ["params", "output"]
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text("input: [3, 8, 8]\nlayers:\n  - conv: {out: 4, kernel: 3}\nexpect: {params: 108}\n", encoding="utf-8")
    (result,) = check_file(wrong)
    assert not result.passed and result.checks[0].computed == 112


def test_several_heads():
    first, named = results(
        """
claims:
  - {says: the first head, spec: rpn_head, output: [18, 38, 50]}
  - says: both heads
    spec: rpn_head
    output: {cls: [18, 38, 50], bbox: [36, 38, 50]}
"""
    )
    # 9 anchors: 2 scores (18 maps) and 4 box offsets (36 maps) per anchor on a 38x50 map
    assert first.passed and named.passed


@pytest.mark.parametrize("spec", sorted(p.name for p in (ROOT / "architectures").glob("*.yaml")))
def test_every_built_in_meets_its_expectations_through_check(spec):
    assert all(r.passed for r in check_file(ROOT / "architectures" / spec))


# --- the notes --------------------------------------------------------------------------------


def test_the_notes_claims_are_as_the_file_says():
    outcomes = check_file(NOTES)
    assert [(r.claim.loc.line, str(r.error)) for r in outcomes if r.error] == []
    assert [r.claim.loc.line for r in outcomes if not r.passed] == []
    false = [r for r in outcomes if not r.claim.holds]
    assert len(false) >= 5 and all(r.truth is False for r in false)


def test_every_notes_claim_quotes_its_source():
    claims = read_claims(NOTES)
    sources = {c.source for c in claims}
    assert sources == {f"00{i}_{h}.txt" for i, h in enumerate(("672596218608bda1", "3ef9363d42e6a983", "e661217fd1aa69e7", "dd6d658b5364c725", "8e79a35e06c2fa93"))}

    def norm(text: str) -> str:
        return "".join(ch for ch in text if not ch.isspace() and ch != "-")

    for claim in claims:
        note = norm((SEEDS / claim.source).read_text(encoding="utf-8"))
        for part in claim.says.split("…"):
            assert norm(part) in note, (claim.loc.line, part)
