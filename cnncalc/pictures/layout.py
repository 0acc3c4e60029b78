"""The structure diagram's layout, with no drawing: the network folded at a depth into
boxes (a layer, or a block standing for what it holds), edges where a tensor flows from
one box to another, and a place for each box. Layers are ranks by longest path from the
input, so branches sit side by side and merges below them; within a rank boxes are
ordered by the mean place of what feeds them (one barycentre pass, as Sugiyama's)."""

from __future__ import annotations

from dataclasses import dataclass

from ..analysis import Report, Row
from ..graph import Graph

MAX_BOXES = 40  # the automatic depth keeps diagrams to what a page shows


@dataclass(frozen=True)
class Box:
    key: tuple  # ("input", k), ("node", index) or ("group", index)
    row: Row | None  # None for a network input
    label: str
    rank: int
    place: float  # horizontal position, in box widths; 0 is the middle


@dataclass(frozen=True)
class Layout:
    boxes: tuple
    edges: tuple  # (from box index, to box index), each once
    depth: int | None
    routes: dict  # edge -> ((rank, place), ...) it passes through on the way down

    @property
    def ranks(self) -> int:
        return 1 + max(box.rank for box in self.boxes)


def auto_depth(report: Report, limit: int = MAX_BOXES) -> int | None:
    """The deepest folding that shows at most `limit` boxes (None: every layer)."""
    deepest = max((len(row.groups) for row in report.rows), default=0)
    if len(report.rows) <= limit:
        return None
    for depth in range(deepest - 1, -1, -1):
        if len(report.collapsed(depth)) <= limit:
            return depth
    return 0


def layout(graph: Graph, report: Report, depth: int | None) -> Layout:
    """Boxes and edges of `graph` folded below `depth` (None: every layer its own box)."""
    keys: list[tuple] = [("input", k) for k in range(len(graph.inputs))]
    rows: dict[tuple, Row | None] = {key: None for key in keys}
    labels = {("input", k): f"{name} {'x'.join(map(str, shape))}" for k, (name, shape) in enumerate(graph.inputs)}
    owner: dict[int, tuple] = {}
    folded = {row.path: row for row in report.collapsed(depth) if row.is_group}
    for node in graph.nodes:
        inside = depth is not None and len(node.groups) > depth
        key = ("group", node.groups[depth]) if inside else ("node", node.index)
        owner[node.index] = key
        if key not in rows:
            keys.append(key)
            rows[key] = folded[report.groups[key[1]].path] if inside else report.rows[node.index]
            labels[key] = rows[key].path
    index = {key: i for i, key in enumerate(keys)}
    edges: dict[tuple, None] = {}
    for node in graph.nodes:
        for source in node.sources:
            a = index[("input", -1 - source)] if source < 0 else index[owner[source]]
            b = index[owner[node.index]]
            if a != b:
                edges[(a, b)] = None
    rank = [0] * len(keys)
    for a, b in sorted(edges, key=lambda e: e[1]):  # keys are in run order: sources come first
        rank[b] = max(rank[b], rank[a] + 1)
    places, routes = _places(rank, list(edges))
    boxes = tuple(Box(key, rows[key], labels[key], rank[i], places[i]) for i, key in enumerate(keys))
    return Layout(boxes, tuple(edges), depth, routes)


def _places(box_ranks: list, edges: list) -> tuple:
    """Order each rank by the mean place of what feeds it, then centre it. A branch that
    ends early and only feeds a merge far below (Inception's 1x1 branch) goes on down its
    own column through placeholders; a fork's long skip (a residual shortcut, U-Net's
    copy) is routed beside the boxes instead. Returns the places of the boxes and
    {edge: ((rank, place), ...)} for the edges that pass through placeholders."""
    rank = list(box_ranks)
    leaving: dict[int, int] = {}
    for a, _ in edges:
        leaving[a] = leaving.get(a, 0) + 1
    feeds: dict[int, list] = {}
    chains: dict[tuple, list] = {}
    for a, b in edges:
        last = a
        if rank[b] - rank[a] > 1 and leaving[a] == 1:
            chains[(a, b)] = []
            for r in range(rank[a] + 1, rank[b]):
                rank.append(r)
                feeds[len(rank) - 1] = [last]
                last = len(rank) - 1
                chains[(a, b)].append(last)
        feeds.setdefault(b, []).append(last)
    places = [0.0] * len(rank)
    by_rank: dict[int, list] = {}
    for i, r in enumerate(rank):
        by_rank.setdefault(r, []).append(i)
    for r in sorted(by_rank):
        members = by_rank[r]
        wanted = {i: sum(places[a] for a in feeds.get(i, [])) / len(feeds[i]) if feeds.get(i) else 0.0 for i in members}
        members.sort(key=lambda i: wanted[i])  # stable: run order breaks ties
        for position, i in enumerate(members):
            places[i] = position - (len(members) - 1) / 2
    return places, {edge: tuple((rank[d], places[d]) for d in chain) for edge, chain in chains.items()}
