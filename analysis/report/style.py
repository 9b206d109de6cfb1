"""The reader's page style: stylesheet, table script and the colour palette shared by figures and highlights."""

from __future__ import annotations

#: Okabe & Ito (2008), "Color Universal Design": distinguishable with the common colour-vision
#: deficiencies; used for every figure and for the cue highlights.
OKABE_ITO = {"blue": "#0072B2", "orange": "#E69F00", "vermillion": "#D55E00", "green": "#009E73",
             "sky": "#56B4E9", "yellow": "#F0E442", "purple": "#CC79A7", "grey": "#999999",
             "black": "#000000"}

#: stance labels from most to least favourable (``analysis.stance.stance_label``) and their colours
STANCE_ORDER = ("supportive", "conditional", "skeptical", "opposed", "unclear")

STANCE_COLOURS = {"supportive": OKABE_ITO["blue"], "conditional": OKABE_ITO["sky"],
                  "skeptical": OKABE_ITO["orange"], "opposed": OKABE_ITO["vermillion"],
                  "unclear": OKABE_ITO["grey"]}

READER_CSS = """
:root { --ink: #1b1b1b; --muted: #555; --rule: #d5d8dc; --accent: #0b5394; --paper: #fff; --tint: #f4f6f8; }
html { -webkit-text-size-adjust: 100%; }
body { font-family: Charter, 'Bitstream Charter', Georgia, 'DejaVu Serif', serif; font-size: 17px;
       line-height: 1.6; color: var(--ink); background: var(--paper); margin: 0; }
main { max-width: 980px; margin: 0 auto; padding: 1.5em 1.5em 4em; }
h1, h2, h3, h4, nav, table, figcaption, .nr-caption, .nr-note, .nr-filter, summary, .nr-meta {
       font-family: 'Helvetica Neue', Arial, 'DejaVu Sans', sans-serif; }
h1 { font-size: 2em; line-height: 1.2; margin: 0.4em 0 0.2em; }
h2 { font-size: 1.45em; margin: 2em 0 0.5em; padding-top: 0.4em; border-top: 2px solid var(--ink); }
h3 { font-size: 1.12em; margin: 1.4em 0 0.4em; }
p, li { max-width: 46em; }
a { color: var(--accent); }
.nr-meta { color: var(--muted); font-size: 14px; margin: 0 0 1em; }
nav.nr-toc { background: var(--tint); border: 1px solid var(--rule); padding: 0.6em 1.2em; font-size: 15px; }
nav.nr-toc ol { margin: 0.3em 0; padding-left: 1.4em; columns: 2; }
.nr-summary { font-size: 18px; }
.nr-summary li { margin: 0.35em 0; }
.nr-tablewrap { max-height: 32em; overflow: auto; border: 1px solid var(--rule); margin: 0.4em 0 0.2em; }
table.nr-table { border-collapse: collapse; font-size: 13.5px; line-height: 1.4; width: 100%; margin: 0; }
table.nr-table th, table.nr-table td { border-bottom: 1px solid var(--rule); padding: 5px 8px;
       vertical-align: top; text-align: left; }
table.nr-table td.nr-num { text-align: right; font-variant-numeric: tabular-nums; }
table.nr-table thead th { background: #e9edf1; position: sticky; top: 0; z-index: 1; }
table.nr-sortable thead th { cursor: pointer; user-select: none; white-space: nowrap; }
table.nr-table td.nr-short { white-space: nowrap; }
ul.nr-facts { padding-left: 1.2em; }
ul.nr-facts > li { margin: 0.5em 0; }
ul.nr-facts details.nr-evidence { margin: 0.1em 0 0.2em; }
.nr-rank { font-family: Arial, sans-serif; font-weight: bold; font-size: 0.85em; color: #555; }
table.nr-sortable thead th::after { content: ' \\2195'; color: #889; font-size: 11px; }
table.nr-sortable thead th[aria-sort=ascending]::after { content: ' \\25B2'; color: var(--ink); }
table.nr-sortable thead th[aria-sort=descending]::after { content: ' \\25BC'; color: var(--ink); }
table.nr-table tbody tr:nth-child(even) { background: #fafbfc; }
.nr-filter { font-size: 14px; padding: 4px 8px; margin: 0.5em 0 0; width: 20em; max-width: 100%;
       border: 1px solid #9aa; border-radius: 3px; }
.nr-count { font-size: 13px; color: var(--muted); margin-left: 0.6em; font-family: Arial, sans-serif; }
details.nr-evidence { margin: 0.3em 0 0.9em; font-size: 15px; }
details.nr-evidence > summary { cursor: pointer; color: var(--accent); font-size: 14px; }
details.nr-evidence[open] > summary { margin-bottom: 0.3em; }
blockquote.nr-quote { border-left: 3px solid #8a8f96; margin: 0.4em 0; padding: 0.1em 0.9em; color: #262626; }
blockquote.nr-quote small { color: var(--muted); font-family: Arial, sans-serif; }
mark.nr-cue { background: #fde68a; padding: 0 2px; }
mark.nr-pos { background: #cfe3f3; border-bottom: 2px solid #0072B2; padding: 0 2px; }
mark.nr-neg { background: #f7d9c4; border-bottom: 2px dashed #D55E00; padding: 0 2px; }
mark.nr-cond { background: #eeeeee; border-bottom: 2px dotted #555; padding: 0 2px; }
mark.nr-target { background: none; outline: 1.5px solid #262626; font-weight: 600; padding: 0 1px; }
del.nr-del { background: #f7d9c4; text-decoration: line-through; }
ins.nr-ins, ins.qd-ins { background: #cfe3f3; text-decoration: underline; }
del.qd-del { background: #f7d9c4; text-decoration: line-through; }
.qd-trim { color: #8a8a8a; }
.qd-trim::before { content: '['; } .qd-trim::after { content: ']'; }
.nr-note { background: var(--tint); border-left: 4px solid #4a6fa5; padding: 0.5em 0.9em; font-size: 14.5px;
       margin: 0.6em 0; max-width: 46em; }
.nr-missing { border-left-color: #D55E00; }
.nr-caption { font-size: 13.5px; color: #444; margin: 0.2em 0 0.6em; max-width: 52em; }
figure.nr-figure { margin: 1em 0 1.4em; }
figure.nr-figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
figure.nr-figure figcaption { font-size: 14px; color: #333; max-width: 50em; margin-top: 0.3em; }
.nr-legend { font-size: 13.5px; font-family: Arial, sans-serif; }
img { max-width: 100%; height: auto; }
a.anchor-link, .jp-Collapser { display: none; }
pre { white-space: pre-wrap; }
.nr-print-only { display: none; }
.nr-short-pdf { display: none; }
.nr-toc-page { color: var(--muted); font-size: 0.9em; }
main { overflow-wrap: break-word; }
p.nr-trust { font-size: 14px; color: #333; background: #f7f7f2; border-left: 4px solid #999; padding: 0.4em 0.8em;
       max-width: 50em; font-family: 'Helvetica Neue', Arial, 'DejaVu Sans', sans-serif; }
.nr-low, .nr-low a { color: #8a8a8a; font-style: italic; }
table.nr-table td.nr-na { color: #aaa; }
table#overview-table th[scope=row] { white-space: nowrap; font-weight: 600; }
.nr-tablewrap.nr-overview { max-height: none; }
.nr-sbs-picker label { font-family: Arial, sans-serif; font-size: 14px; margin-right: 0.8em; }
.nr-sbs-picker select { max-width: 100%; font-size: 14px; margin: 0.3em 0; }
table.nr-sbs td { width: 42%; }
table.nr-sbs td.nr-sbs-kind { width: 16%; font-family: Arial, sans-serif; font-size: 12px; color: #444; }
table.nr-sbs tr.nr-sbs-same td { background: #e8f1f8; }
table.nr-sbs tr.nr-sbs-quote td { background: #fdf6d8; }
table.nr-sbs tr.nr-sbs-moved td { color: #555; font-style: italic; }
.nr-sbs-wrap { max-height: 40em; }
@media (max-width: 640px) {
  body { font-size: 16px; }
  main { padding: 1em 0.8em 3em; }
  h1 { font-size: 1.5em; }
  nav.nr-toc ol { columns: 1; }
  .nr-summary { font-size: 16px; }
  table.nr-sbs, table.nr-sbs tbody, table.nr-sbs tr, table.nr-sbs td { display: block; width: auto; }
  table.nr-sbs thead { display: none; }
  table.nr-sbs tr { border-bottom: 2px solid var(--rule); }
  table.nr-sbs td:empty { display: none; }
}
@page { size: A4; margin: 16mm 14mm 18mm;
  @bottom-right { content: "page " counter(page) " of " counter(pages); font-family: Arial, sans-serif;
                  font-size: 8.5pt; color: #555; } }
@media print {
  .nr-print-only { display: block; }
  .nr-screen-only { display: none; }
  table#overview-table { font-size: 7.5pt; }
  table#overview-table td { word-break: normal; hyphens: auto; }
  body { font-size: 11pt; }
  main { max-width: none; padding: 0; }
  h2 { break-before: page; }
  h2#summary { break-before: auto; }
  h2, h3 { break-after: avoid; }
  .nr-tablewrap { max-height: none; overflow: visible; border: 0; }
  table.nr-table { font-size: 8.5pt; }
  table.nr-table thead { display: table-header-group; }
  table.nr-table tr, figure.nr-figure, blockquote.nr-quote { break-inside: avoid; }
  table.nr-table td { word-break: break-word; }
  /* the per-actor tables on paper: the outlet keeps its words whole, else seven columns of nowrap
     headings squeeze an outlet name into "Indep / enden / t" */
  table.nr-table[id^="stance-measures-"] td:first-child { word-break: normal; overflow-wrap: normal; }
  /* a reworded quote's word diff needs room on paper; the two sentences are clipped to ~130 characters */
  table.nr-sbs td { width: 35%; }
  table.nr-sbs td.nr-sbs-kind { width: 30%; }
  table.nr-table thead th { position: static; }
  .nr-filter, .nr-count { display: none; }
  nav.nr-toc ol { columns: 1; }
  table.nr-sortable thead th::after { content: ''; }
  details.nr-evidence > summary { color: var(--ink); font-weight: bold; }
}
"""

#: Sorting and filtering for tables marked ``nr-sortable`` / preceded by an ``nr-filter`` box.
#: Shipped inside the page (no library, nothing fetched); marks <html> with ``nr-js`` once run so
#: a browser test can tell the script executed.
READER_JS = r"""
(function () {
  'use strict';
  function cellValue(row, i) {
    var cell = row.cells[i];
    if (!cell) { return ''; }
    return cell.getAttribute('data-sort') || cell.textContent.trim();
  }
  function asNumber(text) {
    if (text === '') { return NaN; }
    var n = Number(text.replace(/[,\u2009%]/g, ''));
    return isFinite(n) ? n : NaN;
  }
  function sortBy(table, index, th) {
    var body = table.tBodies[0];
    if (!body) { return; }
    var rows = Array.prototype.slice.call(body.rows);
    var descending = th.getAttribute('aria-sort') === 'ascending';
    var numeric = rows.every(function (r) {
      var v = cellValue(r, index); return v === '' || !isNaN(asNumber(v));
    });
    rows.sort(function (a, b) {
      var x = cellValue(a, index), y = cellValue(b, index), c;
      if (numeric) {
        var nx = asNumber(x), ny = asNumber(y);
        c = (isNaN(nx) ? -Infinity : nx) - (isNaN(ny) ? -Infinity : ny);
      } else {
        c = x.localeCompare(y, undefined, {numeric: true, sensitivity: 'base'});
      }
      return descending ? -c : c;
    });
    rows.forEach(function (r) { body.appendChild(r); });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (h) { h.removeAttribute('aria-sort'); });
    th.setAttribute('aria-sort', descending ? 'descending' : 'ascending');
  }
  function filterRows(input) {
    var table = document.getElementById(input.getAttribute('data-table'));
    if (!table || !table.tBodies[0]) { return; }
    var q = input.value.trim().toLowerCase(), shown = 0, rows = table.tBodies[0].rows;
    Array.prototype.forEach.call(rows, function (r) {
      var hit = q === '' || r.textContent.toLowerCase().indexOf(q) !== -1;
      r.style.display = hit ? '' : 'none';
      if (hit) { shown += 1; }
    });
    var counter = document.getElementById(input.getAttribute('data-count'));
    if (counter) { counter.textContent = shown + ' of ' + rows.length + ' rows'; }
  }
  function init() {
    Array.prototype.forEach.call(document.querySelectorAll('table.nr-sortable'), function (table) {
      if (!table.tHead) { return; }
      Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, i) {
        th.setAttribute('tabindex', '0');
        th.setAttribute('title', 'Sort by this column');
        th.addEventListener('click', function () { sortBy(table, i, th); });
        th.addEventListener('keydown', function (e) {
          if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); sortBy(table, i, th); }
        });
      });
    });
    Array.prototype.forEach.call(document.querySelectorAll('input.nr-filter'), function (input) {
      input.addEventListener('input', function () { filterRows(input); });
    });
    document.documentElement.classList.add('nr-js');
  }
  if (document.readyState === 'loading') { document.addEventListener('DOMContentLoaded', init); } else { init(); }
})();
"""
