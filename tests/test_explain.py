"""--explain: every formula a layer gives, evaluated by cnncalc's own expression parser,
equals the number the layer reports, so the explanation cannot drift from the arithmetic."""

from __future__ import annotations

import pytest

import cnncalc
from cnncalc.catalog import builtins
from cnncalc.layers import axis_names
from cnncalc.symbolic import evaluate_text

from conftest import network
from test_layers import CONV, POOL, TRANSPOSED, WEIGHTED

SMALL_SYMBOLS = {"c": 8, "H": 16, "W": 16}


def check_formulas(graph) -> int:
    checked = 0
    for node in graph.nodes:
        layer = node.layer
        axes = dict(zip(axis_names(len(node.shape) - 1), node.shape[1:]))
        values = {"params": layer.params(), "buffers": layer.buffers(), "macs": layer.macs(), **axes}
        for quantity, formula in layer.explain().items():
            assert evaluate_text(formula, {}) == values[quantity], f"{node.path} {quantity}: {formula}"
            checked += 1
    return checked


def test_lenet5_reads_like_the_notes():
    # seeds/001 writes (1 * 5 * 5 + 1) * 6 = 156 and (120 + 1) * 84 = 10164
    report = cnncalc.load("lenet5").summary(explain=True)
    assert dict(report.rows[0].explain)["params"] == "(1*5*5 + 1)*6"
    assert dict(report.rows[9].explain)["params"] == "(120 + 1)*84"


@pytest.mark.parametrize("layer, input", [(case[0], case[1]) for case in CONV + TRANSPOSED + POOL + WEIGHTED])
def test_formulas_of_each_layer_kind(layer, input):
    graph = network(f"input: {input}\nlayers:\n  - {layer}\n")
    check_formulas(graph)


def test_formulas_of_every_built_in_network():
    checked = 0
    for name in builtins():
        graph = cnncalc.load(name).graph
        values = {symbol: SMALL_SYMBOLS[symbol] for symbol in graph.symbols}
        checked += check_formulas(cnncalc.load(name, values=values).graph if values else graph)
    assert checked > 50
