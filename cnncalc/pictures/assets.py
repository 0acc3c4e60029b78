"""The report page's inline style and script: no fetches, no fonts, no framework. The
script only folds and unfolds blocks of the layer table; without it every row shows."""

CSS = """
:root { --ink: #1f2328; --muted: #59636e; --line: #d1d9e0; --band: #f6f8fa; --accent: #4c72b0; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1180px; padding: 1.5rem 1.25rem 3rem; color: var(--ink);
       font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
h1 { font-size: 1.7rem; margin: 0 0 .25rem; }
h2 { font-size: 1.2rem; margin: 2rem 0 .6rem; padding-bottom: .25rem; border-bottom: 1px solid var(--line); }
nav a { margin-right: 1rem; color: var(--accent); text-decoration: none; }
.muted { color: var(--muted); }
table { border-collapse: collapse; width: 100%; font-size: .86rem; }
th, td { padding: .22rem .55rem; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
th { background: var(--band); position: sticky; top: 0; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.block td { font-weight: 600; background: #fbfcfd; }
tr.block button { border: 0; background: none; cursor: pointer; font-size: .9rem; width: 1.3rem; padding: 0; color: var(--accent); }
table.totals th { width: 16rem; position: static; }
.verdict { padding: .6rem .9rem; border-radius: 6px; font-weight: 600; }
.verdict.agrees { background: #e6f4ea; } .verdict.differs { background: #fde7e9; }
figure { margin: 1rem 0 1.5rem; overflow-x: auto; }
figure svg { max-width: 100%; height: auto; }
figure.diagram svg { max-width: none; }
figcaption { color: var(--muted); font-size: .85rem; }
code { font-size: .86rem; }
.tools button { font: inherit; font-size: .85rem; margin: 0 .4rem .5rem 0; }
"""

# Each row carries data-level (its nesting in the table); a block row's aria-expanded says
# whether its rows show. Rows under a folded block are hidden, however deep.
JS = """
(function () {
  var table = document.getElementById('layer-table');
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);
  var fold = parseInt(table.getAttribute('data-fold'), 10);
  function level(row) { return parseInt(row.getAttribute('data-level'), 10); }
  function refresh() {
    var closedAt = Infinity;
    rows.forEach(function (row) {
      var l = level(row);
      if (l <= closedAt) { closedAt = Infinity; }
      row.hidden = l > closedAt;
      if (!row.hidden && row.classList.contains('block') && row.getAttribute('aria-expanded') === 'false') { closedAt = l; }
    });
  }
  function set(row, open) {
    row.setAttribute('aria-expanded', open ? 'true' : 'false');
    row.querySelector('button').textContent = open ? '\\u25be' : '\\u25b8';
  }
  rows.forEach(function (row) {
    if (!row.classList.contains('block')) { return; }
    set(row, isNaN(fold) || level(row) < fold);
    row.querySelector('button').addEventListener('click', function () {
      set(row, row.getAttribute('aria-expanded') === 'false'); refresh();
    });
  });
  document.getElementById('expand-all').addEventListener('click', function () {
    rows.forEach(function (row) { if (row.classList.contains('block')) { set(row, true); } }); refresh();
  });
  document.getElementById('fold-all').addEventListener('click', function () {
    rows.forEach(function (row) { if (row.classList.contains('block')) { set(row, false); } }); refresh();
  });
  refresh();
  table.setAttribute('data-ready', 'true');
})();
"""
