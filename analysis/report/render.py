"""Rendering: executed notebooks to the reader's and the reviewer's HTML, and the reader's page to PDF.

* ``report.html`` — the executed ``05_report`` notebook without code, self-contained (figures
  embedded as base64 PNG, CSS and JS inline, no URL loaded).
* ``report-reviewer.html`` — every executed stage notebook, code visible, one after another.
* ``report.pdf`` — ``report.html`` printed by headless Chromium (A4), every evidence block opened.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any, Callable, Sequence

from ..errors import ReportError
from .pdf import anchor_pages, print_version, with_toc_pages
from .side_by_side import SIDE_BY_SIDE_JS
from .style import READER_CSS, READER_JS

TEMPLATE_DIR = Path(__file__).resolve().parents[1] / "templates"

STAGE_TITLES = {
    "01_clean": "1. Cleaning the corpus",
    "02_coverage": "2. Coverage overlap",
    "03_stance": "3. Stance wording",
    "04_quotes": "4. Quote fidelity",
    "05_report": "5. Report",
}

#: cell tag for notebook markdown meant for reviewers only (dropped from report.html)
REVIEWER_ONLY_TAG = "nr-reviewer-only"


def _exporter(*, exclude_input: bool) -> Any:
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="newsreport", extra_template_basedirs=[str(TEMPLATE_DIR)])
    exporter.exclude_input = exclude_input
    exporter.exclude_input_prompt = exclude_input
    exporter.exclude_output_prompt = True
    exporter.embed_images = True
    if exclude_input:
        from nbconvert.preprocessors import TagRemovePreprocessor

        # notes addressed to reviewers ("this cell reads ...") stay out of the reader's page
        exporter.register_preprocessor(TagRemovePreprocessor(remove_cell_tags={REVIEWER_ONLY_TAG}, enabled=True),
                                       enabled=True)
    return exporter


def _resources(title: str, *, reader: bool) -> dict[str, Any]:
    # the reader gets only our stylesheet (not JupyterLab's 260 KB one): its content is HTML we
    # wrote; the reviewer keeps the lab look so code cells read as in Jupyter
    return {"metadata": {"name": title}, "newsreport_css": READER_CSS, "newsreport_js": READER_JS + SIDE_BY_SIDE_JS,
            "newsreport_reader": reader}


def _without_stderr(notebook: Any) -> Any:
    """A copy of ``notebook`` without stderr streams: library warnings mean nothing to readers
    (the reviewer's version keeps them)."""
    import copy

    nb = copy.deepcopy(notebook)
    for cell in nb.cells:
        if cell.get("outputs"):
            cell["outputs"] = [o for o in cell["outputs"]
                               if not (o.get("output_type") == "stream" and o.get("name") == "stderr")]
    return nb


def render_html(notebook: Any, *, exclude_input: bool, title: str) -> str:
    """Render an executed notebook (nbformat node) to a self-contained HTML string.

    ``exclude_input=True`` is the reader's version: no code, no reviewer-only notes, no stderr.
    """
    import copy

    notebook = _without_stderr(notebook) if exclude_input else copy.deepcopy(notebook)
    for i, cell in enumerate(notebook.cells):  # papermill's injected cell gets a random id; HTML must not
        cell["id"] = f"c{i:04d}"
    body, _ = _exporter(exclude_input=exclude_input).from_notebook_node(
        notebook, resources=_resources(title, reader=exclude_input))
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

#: attributes through which a page loads something (not ``<a href>``, which only navigates on click)
_LOADING_ATTRS = ("src", "srcset", "data", "poster", "background", "formaction", "action", "xlink:href")


def external_urls(html_text: str) -> list[str]:
    """URLs the page would load from off the file (scripts, images, styles, frames, CSS ``url()``).

    Parsed as a DOM, so escaped article text that merely mentions ``src=http://…`` is not
    mistaken for a load, and a real ``<img src>`` smuggled in is caught.
    """
    from selectolax.lexbor import LexborHTMLParser

    def remote(url: str) -> bool:
        url = url.strip().lower()
        return url.startswith(("http:", "https:", "//", "ftp:", "ws:", "wss:"))

    tree = LexborHTMLParser(html_text)
    found: set[str] = set()
    for node in tree.css("*"):
        attrs = node.attributes
        for name in _LOADING_ATTRS:
            value = attrs.get(name)
            if value and any(remote(part.split()[0]) for part in value.split(",") if part.strip()):
                found.add(value.strip())
        if node.tag == "link" and attrs.get("href") and remote(attrs["href"]):
            found.add(attrs["href"].strip())
        if node.tag == "meta" and (attrs.get("http-equiv") or "").lower() == "refresh":
            found.add(attrs.get("content") or "meta refresh")
        style = attrs.get("style") or ""
        for url in re.findall(r"""url\(\s*["']?([^"')]+)""", style, re.I):
            if remote(url):
                found.add(url)
    for node in tree.css("style"):
        css = node.text() or ""
        found.update(u for u in re.findall(r"""url\(\s*["']?([^"')]+)""", css, re.I) if remote(u))
        found.update(u for u in re.findall(r"""@import\s+(?:url\()?\s*["']?([^"')\s;]+)""", css, re.I) if remote(u))
    return sorted(found)


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


def print_pdf(html_path: Path, pdf_path: Path, *, timeout_s: int = 120, evidence: str | None = None) -> Path:
    """Print ``html_path`` to PDF with headless Chromium (Debian package ``chromium``); ``evidence``
    (``report.pdf_evidence``) defaults to the one the page records (:func:`.pdf.print_version`)."""
    browser = find_chromium()
    if browser is None:
        raise ReportError("PDF requested but no Chromium found; install Debian's 'chromium' "
                          "(make system-deps) or set NEWSREPORT_CHROMIUM to a Chrome/Chromium binary")
    with tempfile.TemporaryDirectory() as profile:
        printable = Path(profile) / "print.html"
        page = print_version(html_path.read_text(encoding="utf-8"), evidence=evidence)
        for pages in (None, "from the first print"):  # a second print puts page numbers in the contents
            if pages:
                pages_of = anchor_pages(pdf_path.read_bytes()) if pdf_path.exists() else {}
                if not pages_of:
                    break
                page = with_toc_pages(page, pages_of)
            printable.write_text(page, encoding="utf-8")
            cmd = [browser, *chromium_flags(str(Path(profile) / "profile")), "--no-pdf-header-footer",
                   f"--print-to-pdf={pdf_path}", printable.resolve().as_uri()]
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout_s)
    if not pdf_path.exists() or pdf_path.stat().st_size == 0:
        raise ReportError(f"Chromium did not write {pdf_path} (exit {proc.returncode}): {proc.stderr[-500:]}")
    return pdf_path


def _reviewer_page(executed: Sequence[Path], title: str) -> str:
    return render_html(merged_notebook(executed), exclude_input=False, title=f"{title} (reviewer)")


def _beside(func: Callable[..., str], *args: Any) -> Callable[[], str]:
    """Start ``func(*args)`` in a forked process; the returned callable waits for its result.

    Why: the reviewer page (every notebook) and the reader's page are independent and took about
    1.2 and 0.4 s of CPU one after the other (seeds); on two idle cores they overlap (on a busy
    machine nothing is gained, and the CPU spent is the same). Where ``fork`` is missing the work
    is done here, at once. Errors reach the caller as they would in-process.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    if "fork" not in multiprocessing.get_all_start_methods():
        value = func(*args)
        return lambda: value
    pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork"))
    future = pool.submit(func, *args)

    def result() -> str:
        try:
            return future.result()
        finally:
            pool.shutdown()
    return result


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
    from nbconvert import HTMLExporter  # noqa: F401  (imported once, before the fork)

    reviewer_page = _beside(_reviewer_page, executed, title)  # the two pages render side by side
    reader = render_html(nbformat.read(str(report_nb), as_version=4), exclude_input=True, title=title)
    leaks = external_urls(reader)
    if leaks:
        raise ReportError(f"report.html would load external resources {leaks[:5]}; refusing to publish")
    outputs["report.html"] = run_dir / "report.html"
    outputs["report.html"].write_text(reader, encoding="utf-8")
    reviewer = reviewer_page()
    leaks = external_urls(reviewer)
    if leaks:
        raise ReportError(f"report-reviewer.html would load external resources {leaks[:5]}; refusing to publish")
    outputs["report-reviewer.html"] = run_dir / "report-reviewer.html"
    outputs["report-reviewer.html"].write_text(reviewer, encoding="utf-8")
    stale_pdf = run_dir / "report.pdf"
    if "pdf" in formats:
        outputs["report.pdf"] = print_pdf(outputs["report.html"], stale_pdf)
    else:  # a PDF from an earlier run would no longer match report.html; a user's own file is kept
        from ..runfolder import remove_if_written

        remove_if_written(run_dir, stale_pdf)
    return outputs
