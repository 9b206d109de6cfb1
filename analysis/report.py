"""The report: narrative pieces as escaped HTML, and rendering of the executed notebooks.

Two audiences, two files from the same run:

* ``report.html`` — the reader's version: the executed ``05_report`` notebook without code,
  self-contained (figures embedded as base64 PNG, CSS and JS inline, no URL loaded).
* ``report-reviewer.html`` — every executed stage notebook, code visible, one after another.
* ``report.pdf`` — ``report.html`` printed by headless Chromium when asked for.

Every string that comes from an article passes through :func:`esc` (``html.escape``) before it is
put into markup: article text is data, never HTML.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any, Iterable, Sequence

import pandas as pd

from .errors import ReportError

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
STAGE_TITLES = {
    "01_clean": "1. Cleaning the corpus",
    "02_coverage": "2. Coverage overlap",
    "03_stance": "3. Stance wording",
    "04_quotes": "4. Quote fidelity",
    "05_report": "5. Report",
}

READER_CSS = """
@page { size: A4; margin: 16mm 14mm; }
body { font-family: Georgia, 'Times New Roman', serif; font-size: 16px; line-height: 1.55;
       color: #1b1b1b; background: #fff; }
.jp-Notebook, main { max-width: 1000px; margin: 0 auto; }
h1, h2, h3, h4 { font-family: 'Helvetica Neue', Arial, sans-serif; line-height: 1.25; }
.jp-RenderedHTMLCommon table, table.nr-table { border-collapse: collapse; font-family: Arial, sans-serif;
       font-size: 13px; margin: 0.6em 0; }
.jp-RenderedHTMLCommon th, .jp-RenderedHTMLCommon td, table.nr-table th, table.nr-table td {
       border: 1px solid #d0d0d0; padding: 4px 8px; vertical-align: top; text-align: left; }
.jp-RenderedHTMLCommon thead th, table.nr-table thead th { background: #f1f3f5; }
details.nr-evidence { margin: 0.3em 0 0.8em; font-size: 14px; }
details.nr-evidence summary { cursor: pointer; color: #0b5394; }
blockquote.nr-quote { border-left: 3px solid #999; margin: 0.4em 0; padding: 0.1em 0.8em; color: #333; }
mark.nr-cue { background: #fde68a; padding: 0 2px; }
.nr-note { background: #f5f7fa; border-left: 4px solid #4a6fa5; padding: 0.5em 0.9em; font-size: 14px; }
.nr-caption { font-size: 13px; color: #444; margin-top: -0.3em; }
img { max-width: 100%; height: auto; }
@media print { details.nr-evidence { display: block; } details.nr-evidence > * { display: block; } }
"""


# ---------------------------------------------------------------------------------------------
# HTML pieces (pure)
# ---------------------------------------------------------------------------------------------

def esc(value: Any) -> str:
    """Escape any value for HTML text or attribute context."""
    return html.escape("" if value is None else str(value), quote=True)


def note(text: str) -> str:
    return f'<div class="nr-note">{esc(text)}</div>'


def table_html(df: pd.DataFrame, *, max_rows: int = 50, caption: str | None = None) -> str:
    """A plain escaped HTML table (pandas' ``to_html`` with ``escape=True``), capped at ``max_rows``."""
    shown = df.head(max_rows)
    out = shown.to_html(index=False, escape=True, border=0, classes="nr-table", na_rep="")
    if caption:
        out = f'<p class="nr-caption">{esc(caption)}</p>' + out
    if len(df) > max_rows:
        out += f'<p class="nr-caption">Showing {max_rows} of {len(df)} rows; the full table is in the run folder.</p>'
    return out


def evidence(summary: str, items: Iterable[tuple[str, str]]) -> str:
    """A collapsed details block: ``summary`` line, then (source label, text) quotations."""
    body = "".join(f'<blockquote class="nr-quote">{esc(text)}<br><small>— {esc(label)}</small></blockquote>'
                   for label, text in items)
    return f'<details class="nr-evidence"><summary>{esc(summary)}</summary>{body}</details>'


def highlight(text: str, spans: Sequence[tuple[int, int]], *, css_class: str = "nr-cue") -> str:
    """Escape ``text`` and wrap the character ``spans`` in ``<mark>``; overlapping spans are merged."""
    merged: list[list[int]] = []
    for start, end in sorted((max(0, s), min(len(text), e)) for s, e in spans if e > s):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out, pos = [], 0
    for start, end in merged:
        out.append(esc(text[pos:start]))
        out.append(f'<mark class="{css_class}">{esc(text[start:end])}</mark>')
        pos = end
    out.append(esc(text[pos:]))
    return "".join(out)


# ---------------------------------------------------------------------------------------------
# rendering
# ---------------------------------------------------------------------------------------------

def _exporter(*, exclude_input: bool) -> Any:
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="newsreport", extra_template_basedirs=[str(TEMPLATE_DIR)])
    exporter.exclude_input = exclude_input
    exporter.exclude_input_prompt = exclude_input
    exporter.exclude_output_prompt = True
    exporter.embed_images = True
    return exporter


def _reader_resources(title: str) -> dict[str, Any]:
    return {"metadata": {"name": title}, "newsreport_css": READER_CSS, "newsreport_js": ""}


def render_html(notebook: Any, *, exclude_input: bool, title: str) -> str:
    """Render an executed notebook (nbformat node) to a self-contained HTML string."""
    body, _ = _exporter(exclude_input=exclude_input).from_notebook_node(notebook, resources=_reader_resources(title))
    return body


def merged_notebook(paths: Sequence[Path]) -> Any:
    """One notebook holding every executed stage notebook, each under a heading, for reviewers."""
    import nbformat

    merged = nbformat.v4.new_notebook()
    merged.metadata = nbformat.read(str(paths[0]), as_version=4).metadata if paths else {}
    for path in paths:
        nb = nbformat.read(str(path), as_version=4)
        heading = STAGE_TITLES.get(path.stem, path.stem)
        merged.cells.append(nbformat.v4.new_markdown_cell(f"# {heading}\n\n`notebooks/{path.name}` as executed."))
        merged.cells.extend(nb.cells)
    for i, cell in enumerate(merged.cells):  # stage notebooks reuse ids; the merged one needs unique ids
        cell["id"] = f"c{i:04d}"
    return merged


def external_urls(html_text: str) -> list[str]:
    """URLs the page would load (src/href/srcset/url() pointing off the file), for self-containment checks."""
    found = re.findall(r"""(?:src|href|srcset|data)\s*=\s*["']?\s*((?:https?:)?//[^"' >]+)""", html_text, re.I)
    found += re.findall(r"""url\(\s*["']?((?:https?:)?//[^"')]+)""", html_text, re.I)
    found += re.findall(r"""@import\s+["']((?:https?:)?//[^"']+)""", html_text, re.I)
    return sorted(set(found))


def find_chromium() -> str | None:
    for candidate in (os.environ.get("NEWSREPORT_CHROMIUM"), "chromium", "chromium-browser", "google-chrome"):
        if candidate and shutil.which(candidate):
            return shutil.which(candidate)
    return None


def chromium_flags(user_data_dir: str) -> list[str]:
    """Flags for a headless Chromium that never reaches the network."""
    return ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-quic",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-extensions", "--disable-dev-shm-usage", "--host-resolver-rules=MAP * ~NOTFOUND",
            f"--user-data-dir={user_data_dir}"]


def print_pdf(html_path: Path, pdf_path: Path, *, timeout_s: int = 120) -> Path:
    """Print ``html_path`` to PDF with headless Chromium (Debian package ``chromium``)."""
    browser = find_chromium()
    if browser is None:
        raise ReportError("PDF requested but no Chromium found; install Debian's 'chromium' "
                          "(make system-deps) or set NEWSREPORT_CHROMIUM to a Chrome/Chromium binary")
    with tempfile.TemporaryDirectory() as profile:
        cmd = [browser, *chromium_flags(profile), "--no-pdf-header-footer",
               f"--print-to-pdf={pdf_path}", html_path.resolve().as_uri()]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout_s)
    if not pdf_path.exists() or pdf_path.stat().st_size == 0:
        raise ReportError(f"Chromium did not write {pdf_path} (exit {proc.returncode}): {proc.stderr[-500:]}")
    return pdf_path


def render_run(run_dir: str | Path, *, formats: Sequence[str] = ("html",)) -> dict[str, Path]:
    """Write report.html, report-reviewer.html and (if asked) report.pdf from the executed notebooks."""
    import nbformat

    run_dir = Path(run_dir)
    nb_dir = run_dir / "notebooks"
    executed = sorted(nb_dir.glob("[0-9][0-9]_*.ipynb"))
    report_nb = nb_dir / "05_report.ipynb"
    if not report_nb.exists():
        raise ReportError(f"{report_nb}: missing; the report stage has not run")
    title = f"newsreport: {run_dir.name}"
    outputs: dict[str, Path] = {}
    reader = render_html(nbformat.read(str(report_nb), as_version=4), exclude_input=True, title=title)
    leaks = external_urls(reader)
    if leaks:
        raise ReportError(f"report.html would load external resources {leaks[:5]}; refusing to publish")
    outputs["report.html"] = run_dir / "report.html"
    outputs["report.html"].write_text(reader, encoding="utf-8")
    reviewer = render_html(merged_notebook(executed), exclude_input=False, title=f"{title} (reviewer)")
    outputs["report-reviewer.html"] = run_dir / "report-reviewer.html"
    outputs["report-reviewer.html"].write_text(reviewer, encoding="utf-8")
    stale_pdf = run_dir / "report.pdf"
    if "pdf" in formats:
        outputs["report.pdf"] = print_pdf(outputs["report.html"], stale_pdf)
    elif stale_pdf.exists():  # a PDF from an earlier run would no longer match report.html
        stale_pdf.unlink()
    return outputs
