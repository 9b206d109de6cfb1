"""The report: digests of the run tables, their sentences, the reader's HTML sections, figures, rendering.

Two audiences, two files from the same run (see :mod:`.render`): ``report.html`` for readers (the
executed ``05_report`` notebook without code) and ``report-reviewer.html`` with every notebook's
code; ``report.pdf`` on request. The package is the project's one presentation layer together
with :mod:`analysis.viz`; stage modules return data only.

Modules, in the order data flows through them:

* :mod:`.load` — reads the run folder (tables, summaries, params) and the recorded benchmark figures
* :mod:`.digests` — pure tables from the run tables: event, fact matrix, omissions, rankings
* :mod:`.findings` — plain-English sentences from the digests
* :mod:`.html` — escaping and HTML building blocks (tables, evidence blocks, embedded figures)
* :mod:`.sections`, :mod:`.coverage_section`, :mod:`.stance_section`, :mod:`.quotes_section` — the
  reader's sections as escaped HTML; :mod:`.stance_measures` the per-actor part of the stance section
  (both measures per outlet with intervals, the trust sentence, the sentences that move each score)
* :mod:`.overview`, :mod:`.side_by_side`, :mod:`.trust` — outlets at a glance, any two articles aligned, how far to trust each section
* :mod:`.pdf` — the printed version (which evidence is opened, page numbers)
* :mod:`.figures` — the report's matplotlib figures and the stages' saved ones
* :mod:`.style` — the page's CSS, table script and palette
* :mod:`.render` — nbconvert HTML, the merged reviewer notebook, Chromium PDF, :func:`render_run`
"""

from __future__ import annotations

from ..viz.text import highlight, word_diff_html
from .coverage_section import coverage_section
from .digests import (NEWS_FILLER, UNCHANGED_MUTATIONS, EventSummary, _top_text, article_label, changed_quotes,
                      coverage_order, fact_matrix, fact_texts, infer_event, main_targets, omissions,
                      outlet_labels, parameter_rows, preferred_targets, quote_categories, stance_ranking)
from .figures import (coverage_figure, notebook_figure_captions, quotes_figure, stage_figures,
                      stage_figures_block, stage_figures_html, stance_figure, measures_figure)
from .findings import (benchmark_lines, coverage_findings, event_sentences, inputs_findings, limitations,
                       quote_findings, stance_findings)
from .html import (SECTIONS, bullets, esc, evidence, evidence_html, figure_html, interactive_table, note,
                   paragraph, section_heading, table_html, toc_html)
from .load import BENCHMARKS_RESOURCE, REPORT_TABLES, STAGE_SUMMARIES, load_benchmark_floors, load_run
from .quotes_section import quotes_section
from .pdf import PDF_EVIDENCE, pdf_marker, recorded_evidence
from .overview import OverviewInputs, outlet_overview, overview_figure, overview_section
from .side_by_side import SIDE_BY_SIDE_JS, side_by_side_section
from .trust import method_sentence, overview_trust_html, thin_stance_note, trust_html, with_trust
from .render import (REVIEWER_ONLY_TAG, STAGE_TITLES, TEMPLATE_DIR, chromium_flags, external_urls, find_chromium,
                     merged_notebook, print_pdf, print_version, render_html, render_run)
from .sections import articles_section, header_html, methods_html, provenance_section, summary_section
from .stance_section import STANCE_LEGEND, stance_evidence_html, stance_section
from .stance_measures import (actor_measures_html, drivers_html, measures_finding, measures_trust_sentence,
                              stance_measures)
from .style import OKABE_ITO, READER_CSS, READER_JS, STANCE_COLOURS, STANCE_ORDER

__all__ = [
    "OverviewInputs", "PDF_EVIDENCE", "pdf_marker", "recorded_evidence", "SIDE_BY_SIDE_JS", "method_sentence", "outlet_overview", "overview_figure", "overview_section",
    "side_by_side_section", "thin_stance_note", "trust_html", "with_trust", "overview_trust_html",
    "BENCHMARKS_RESOURCE", "EventSummary", "NEWS_FILLER", "OKABE_ITO", "READER_CSS", "READER_JS", "REPORT_TABLES",
    "REVIEWER_ONLY_TAG", "SECTIONS", "STAGE_SUMMARIES", "STAGE_TITLES", "STANCE_COLOURS", "STANCE_LEGEND",
    "STANCE_ORDER", "TEMPLATE_DIR", "UNCHANGED_MUTATIONS", "article_label", "articles_section", "benchmark_lines",
    "bullets", "changed_quotes", "chromium_flags", "coverage_figure", "coverage_findings", "coverage_order",
    "coverage_section", "esc", "event_sentences", "evidence", "evidence_html", "external_urls", "fact_matrix",
    "fact_texts", "figure_html", "find_chromium", "header_html", "highlight", "infer_event", "inputs_findings",
    "interactive_table", "limitations", "load_benchmark_floors", "load_run", "main_targets", "merged_notebook",
    "methods_html", "note", "notebook_figure_captions", "omissions", "outlet_labels", "paragraph",
    "parameter_rows", "preferred_targets", "print_pdf", "print_version", "provenance_section", "quote_categories",
    "quote_findings", "quotes_figure", "quotes_section", "render_html", "render_run", "section_heading",
    "stage_figures", "stage_figures_block", "stage_figures_html", "stance_evidence_html", "stance_figure",
    "stance_findings", "stance_ranking", "stance_section", "summary_section", "table_html", "toc_html",
    "word_diff_html", "measures_figure", "actor_measures_html", "drivers_html", "measures_finding", "measures_trust_sentence",
    "stance_measures",
]
