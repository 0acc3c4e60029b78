"""Random valid networks: the algebra and the NumPy reference agree on shape, parameters,
buffers, MACs and receptive field for every layer of every example.

CI runs a bounded number of examples; a longer run by hand:

    CNNCALC_FUZZ_EXAMPLES=5000 pytest tests/test_fuzz_reference.py

A failure hypothesis finds and shrinks becomes a regular test below the property.
"""

from __future__ import annotations

import os

import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from cnncalc.errors import CnnCalcError
from cnncalc.graph import build
from cnncalc.spec import parse_text
from cnncalc.verify import verify_graph

EXAMPLES = int(os.environ.get("CNNCALC_FUZZ_EXAMPLES", "150"))

conv = st.fixed_dictionaries(
    {
        "out": st.sampled_from([1, 2, 3, 4]),
        "kernel": st.one_of(st.integers(1, 4), st.lists(st.integers(1, 3), min_size=2, max_size=2)),
        "stride": st.integers(1, 3),
        "padding": st.one_of(st.integers(0, 2), st.just("same"), st.lists(st.lists(st.integers(0, 2), min_size=2, max_size=2), min_size=2, max_size=2)),
        "dilation": st.integers(1, 2),
        "groups": st.sampled_from([1, 1, 2]),
        "bias": st.booleans(),
    }
).map(lambda args: {"conv": args})

transposed = st.builds(
    lambda out, k, s, p, d, op, g, bias: {
        "conv_transpose": {"out": out, "kernel": k, "stride": s, "padding": p, "dilation": d, "output_padding": op % max(s, d), "groups": g, "bias": bias}
    },
    st.sampled_from([1, 2, 4]),
    st.integers(1, 4),
    st.integers(1, 3),
    st.integers(0, 1),
    st.integers(1, 2),
    st.integers(0, 2),
    st.sampled_from([1, 1, 2]),
    st.booleans(),
)

pool = st.builds(
    lambda kind, k, s, p, ceil: {kind: {"kernel": k, "stride": s, "padding": min(p, k // 2), "ceil_mode": ceil}},
    st.sampled_from(["maxpool", "avgpool"]),
    st.integers(1, 3),
    st.integers(1, 3),
    st.integers(0, 1),
    st.booleans(),
)

# pooling to a fixed grid: adaptive windows, or (roi_pool) one field shared by every unit
fixed_grid = st.builds(lambda kind, n: {kind: {"output": n}}, st.sampled_from(["adaptive_avgpool", "roi_pool"]), st.integers(1, 3))

simple = st.one_of(
    conv,
    conv,
    transposed,
    pool,
    fixed_grid,
    st.sampled_from(["relu", "batchnorm", {"depthwise": {"kernel": 3, "padding": 1}}, {"upsample": 2}, {"upsample": {"scale": 2, "mode": "bilinear"}}]),
)

merge = st.one_of(
    st.lists(simple, min_size=1, max_size=2).map(lambda body: {"residual": body}),
    st.tuples(st.lists(simple, max_size=2), st.lists(simple, max_size=2)).map(
        lambda branches: {"concat": {"branches": list(branches), "crop": "center"}}
    ),
    st.just({"multiply": [[], ["global_avgpool", "sigmoid"]]}),
)

networks = st.fixed_dictionaries(
    {
        "input": st.tuples(st.sampled_from([1, 2, 4]), st.integers(4, 12), st.integers(4, 12)).map(list),
        "layers": st.lists(st.one_of(simple, simple, merge), min_size=1, max_size=4),
    }
)


def built(document: dict):
    try:
        return build(parse_text(yaml.safe_dump(document), "fuzz.yaml"))
    except CnnCalcError:
        return None


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(networks)
def test_random_networks_agree_with_the_reference(document):
    graph = built(document)
    assume(graph is not None)
    result = verify_graph(graph, batch=1)
    assert result.agrees, [(layer.path, check.quantity, check.algebra, check.reference, check.detail) for layer, check in result.disagreements()]


# Failures the property found, shrunk by hypothesis, kept as regular tests (more in
# tests/test_verify.py: branches advancing at different rates, a broadcast residual body).


def agrees(text: str) -> list:
    graph = build(parse_text(text, "found.yaml"))
    result = verify_graph(graph)
    assert result.agrees, [(layer.path, check.quantity, check.detail) for layer, check in result.disagreements()]
    return [node.field for node in graph.nodes]


def test_global_pooling_after_an_se_gate_sees_the_gates_context():
    # the first gate's pooling saw positions 0..3; the second pools a 2x2 map whose own
    # positions are 0 and 2, and its units see 0..3 again through the first gate
    fields = agrees(
        "input: [1, 4, 4]\nlayers:\n  - multiply: [[], [global_avgpool, sigmoid]]\n  - maxpool: {kernel: 1, stride: 2}\n"
        "  - multiply: [[], [global_avgpool, sigmoid]]\n"
    )
    assert fields[-1].context == ((0, 3), (0, 3))


def test_nearest_upsampling_of_a_single_position_is_a_broadcast():
    # 4x4 pooled to 1x1 with stride 3, then copied to 2x2: every unit sees the same position
    fields = agrees("input: [1, 4, 4]\nlayers:\n  - maxpool: {kernel: 2, stride: 3}\n  - upsample: 2\n")
    assert fields[-1].whole


def test_output_padding_units_read_nothing_so_there_is_no_broadcast():
    fields = agrees(
        "input: [1, 4, 4]\nlayers:\n  - maxpool: {kernel: 1, stride: 2}\n  - maxpool: {kernel: 1, stride: 2}\n"
        "  - conv_transpose: {out: 1, kernel: 1, dilation: 2, output_padding: 1}\n"
    )
    assert not fields[-1].whole


def test_whole_branches_advancing_at_different_rates_state_no_field():
    fields = agrees(
        "input: [1, 4, 4]\nlayers:\n  - multiply: [[], [global_avgpool, sigmoid]]\n"
        "  - concat: {branches: [[], [{conv_transpose: {out: 1, kernel: 1, stride: 2}}]], crop: center}\n"
    )
    assert not fields[-1].known


def test_a_merged_unit_one_branch_reaches_only_through_padding():
    # a 1x1 convolution with padding 1 after a 3x3 pool: its border units read padding
    # alone, so at the concat the union the algebra states holds, but only as a bound there
    agrees(
        "input: [1, 4, 4]\nlayers:\n  - concat:\n      branches: [[], [{maxpool: {kernel: 3, stride: 1}}, {conv: {out: 1, kernel: 1, padding: 1}}]]\n"
        "      crop: center\n"
    )


def test_local_claims_are_clipped_to_positions_not_to_context():
    # after an SE gate the context covers the whole input, but a border unit's local field
    # still ends where real positions end: its padded end is not expected to be reached
    agrees(
        "input: [1, 4, 4]\nlayers:\n  - multiply: [[], [global_avgpool, sigmoid]]\n"
        "  - conv_transpose: {out: 1, kernel: 1, padding: 1}\n  - conv: {out: 1, kernel: 2, padding: same}\n"
    )
