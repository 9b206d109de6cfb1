"""The printed report: which evidence ``report.pdf`` opens, which long tables it leaves out.

Paper cannot be clicked, so evidence blocks are opened before printing. Opening all of them made
a five-article report 60+ pages, which nobody prints or mails; ``report.pdf_evidence`` chooses:

* ``top`` (default) — the first :data:`TOP_PER_SECTION` evidence blocks of each section opened
  (each section puts its most telling evidence first; three quotations each), the rest left out
  (report.html has them), fact lists cut to their first fact and changed quotes to three groups,
  figures at most 6 cm high, the long reference tables (all articles, all facts, all
  quotes, per-target stance tables, provenance) replaced by a line pointing to ``report.html``
  and the run folder, and the methods cut to their limitations (each section states its
  benchmark figures where its figures are);
* ``full`` — every block opened and every table printed: the whole evidence as an appendix;
* ``none`` — no block opened, long tables left out: findings, overview, figures.

Page numbers come from the stylesheet's ``@page`` margin box (Chromium 131+ prints them even
with ``--no-pdf-header-footer``).
"""

from __future__ import annotations

import re

from ..errors import ReportError
from .html import PRINT_PER_BLOCK

PDF_EVIDENCE = ("top", "full", "none")

#: evidence blocks opened per section with ``top``
TOP_PER_SECTION = 2

#: tables printed only with ``full``: the reader's page keeps them, the PDF points to them
LONG_TABLES = ("articles-table", "facts-table", "quotes-table", "similarity-table", "inputs-table",
               "params-table", "versions-table", "stance-other")

_EVIDENCE = re.compile(r'<details class="(nr-evidence(?![^"]*nr-figures)[^"]*)">')

_PRINT_STYLE = """<style>
@page { margin: 12mm 12mm 14mm; }
@media print {
  details.nr-evidence:not([open]) { display: none; }
  details.nr-evidence blockquote.nr-quote:nth-of-type(n+@NEXT@) { display: none; }
  .nr-short-pdf { display: block; }
  .nr-not-short-pdf { display: none; }
  h2, h2#summary { break-before: auto; margin-top: 1.2em; }
  h3[id^="methods-"], h3[id^="methods-"] ~ * { display: none; }
  table.nr-sbs { font-size: 8pt; }
  body { font-size: 9.5pt; }
  .nr-summary { font-size: 10pt; }
  figure.nr-figure img { max-height: 6cm; width: auto; }
  ul.nr-facts > li:nth-child(n+2) { display: none; }
  ul.nr-facts:has(> li:nth-child(2))::after { content: '… more in report.html'; font-size: 9pt; color: #555; }
  blockquote.nr-quote:nth-of-type(n+@NEXT@) { display: none; }
  p.nr-legend ~ p.nr-legend { display: none; }
  p.nr-print-only.nr-caption { font-size: 8pt; margin: 0.1em 0 0.3em; }
}
</style>""".replace("@NEXT@", str(PRINT_PER_BLOCK + 1))


def _open_all(html_text: str) -> str:
    """Every block opened, the stages' own figures (``nr-figures``) included."""
    return re.sub(r'<details class="(nr-evidence[^"]*)">', r'<details class="\1" open>', html_text)


def _open_top(html_text: str, per_section: int) -> str:
    """Open the first ``per_section`` evidence blocks after each ``<h2``."""
    parts = re.split(r"(?=<h2[ >])", html_text)
    out = []
    for part in parts:
        count = 0

        def opener(m: re.Match[str]) -> str:
            nonlocal count
            count += 1
            return f'<details class="{m.group(1)}" open>' if count <= per_section else m.group(0)

        out.append(_EVIDENCE.sub(opener, part))
    return "".join(out)


def _leave_out_long_tables(html_text: str) -> str:
    ids = "|".join(re.escape(t) for t in LONG_TABLES)
    pattern = re.compile(rf'<div class="nr-tablewrap"><table class="nr-table nr-sortable" id="({ids}|stance-table-\d+)"')
    return pattern.sub(lambda m: '<p class="nr-caption nr-print-only">This long table is left out of the PDF; it '
                                 'is in report.html and in the run folder.</p><div class="nr-tablewrap '
                                 f'nr-screen-only"><table class="nr-table nr-sortable" id="{m.group(1)}"', html_text)


def pdf_marker(evidence: str) -> str:
    """An invisible element recording ``report.pdf_evidence`` in ``report.html``, so the page says how it
    is to be printed (and a changed setting changes the page, which the PDF cache is keyed on)."""
    if evidence not in PDF_EVIDENCE:
        raise ReportError(f"report.pdf_evidence = {evidence!r}; choose one of {', '.join(PDF_EVIDENCE)}")
    return f'<div hidden data-nr-pdf-evidence="{evidence}"></div>'


def recorded_evidence(html_text: str) -> str | None:
    """The ``report.pdf_evidence`` a page records (:func:`pdf_marker`), or None."""
    m = re.search(r'data-nr-pdf-evidence="(top|full|none)"', html_text)
    return m.group(1) if m else None


def print_version(html_text: str, *, evidence: str | None = None, per_section: int = TOP_PER_SECTION) -> str:
    """The page as printed, with ``evidence`` one of :data:`PDF_EVIDENCE` (see the module docstring);
    by default the page's own setting (:func:`pdf_marker`), else ``full`` (every block opened)."""
    evidence = evidence or recorded_evidence(html_text) or "full"
    if evidence not in PDF_EVIDENCE:
        raise ReportError(f"report.pdf_evidence = {evidence!r}; choose one of {', '.join(PDF_EVIDENCE)}")
    if evidence == "full":
        return _open_all(html_text)
    page = _open_top(html_text, per_section) if evidence == "top" else html_text
    page = _leave_out_long_tables(page)
    head, sep, rest = page.partition("</head>")
    return head + _PRINT_STYLE + sep + rest if sep else _PRINT_STYLE + page


_OBJ = re.compile(rb"(\d+) 0 obj\s*(.*?)endobj", re.S)


def anchor_pages(pdf: bytes) -> dict[str, int]:
    """``anchor id -> page number`` (1-based) from a PDF Chromium printed.

    Chromium has no CSS ``target-counter()``, but it writes every ``id`` a link points to as a
    named destination (``/Dests``: name -> page object) and the pages as a ``/Pages`` tree in
    plain objects; reading both gives the page each section starts on. Returns ``{}`` for a PDF
    laid out otherwise (compressed object streams), so the contents list then goes without pages.
    """
    objects = {int(m.group(1)): m.group(2) for m in _OBJ.finditer(pdf)}
    root = next((n for n, body in objects.items() if b"/Type /Pages" in body and b"/Parent" not in body), None)
    dests_ref = re.search(rb"/Dests (\d+) 0 R", pdf)
    if root is None or dests_ref is None or int(dests_ref.group(1)) not in objects:
        return {}
    order: list[int] = []

    def walk(n: int, depth: int = 0) -> None:
        body = objects.get(n, b"")
        kids = re.search(rb"/Kids \[([^\]]*)\]", body)
        if b"/Type /Pages" in body and kids and depth < 32:
            for kid in re.findall(rb"(\d+) 0 R", kids.group(1)):
                walk(int(kid), depth + 1)
        else:
            order.append(n)

    walk(root)
    page_of = {n: i + 1 for i, n in enumerate(order)}
    out = {}
    for name, ref in re.findall(rb"/([^\s/\[\]<>()]+) \[(\d+) 0 R", objects[int(dests_ref.group(1))]):
        if int(ref) in page_of:
            out[name.decode("latin-1")] = page_of[int(ref)]
    return out


def with_toc_pages(html_text: str, pages: dict[str, int]) -> str:
    """The contents list with the page each section starts on (from :func:`anchor_pages`)."""
    def add(m: re.Match[str]) -> str:
        page = pages.get(m.group(1))
        return m.group(0) + (f'<span class="nr-toc-page"> · page {page}</span>' if page else "")

    found = re.search(r'<nav[^>]*class="nr-toc"', html_text)  # nbconvert may reorder the attributes
    nav_start = found.start() if found else -1
    nav_end = html_text.find("</nav>", nav_start)
    if nav_start < 0 or nav_end < 0:
        return html_text
    nav = re.sub(r'<a href="#([^"]+)">[^<]*</a>', add, html_text[nav_start:nav_end])
    return html_text[:nav_start] + nav + html_text[nav_end:]
