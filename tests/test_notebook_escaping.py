"""Text from the corpus shown in a notebook is inert in report-reviewer.html (issue #16 item 2).

Notebooks display findings with ``Markdown(...)``; nbconvert renders Markdown with raw HTML
allowed, so an article sentence or outlet name like ``<img src=x onerror=...>`` would be live in the
reviewer's page unless it passes through :func:`analysis.viz.text.markdown_text`.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat
import pytest

from analysis.viz.text import markdown_list, markdown_text

#: the stage notebooks that show text with Markdown (05_report shows the report's own escaped HTML)
NOTEBOOKS = [p for p in sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("0*.ipynb"))
             if re.search(r"from IPython.display import [^\n]*Markdown", p.read_text(encoding="utf-8"))]
ATTACKS = ["<img src=x onerror=alert(1)>", '<a href="javascript:alert(1)">click</a>',
           '<img src="https://tracker.invalid/t.png">', "![t](https://tracker.invalid/t.png)",
           "[click](javascript:alert(1))", "<script>alert(1)</script>"]
_SAFE_CALLS = {"len", "markdown_text", "markdown_list"}


def _safe(node: ast.AST) -> bool:
    """Whether a Markdown(...) argument can only carry text that was escaped or is a number."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.JoinedStr):
        return all(_safe(v) for v in node.values)
    if isinstance(node, ast.FormattedValue):
        return node.format_spec is not None or _safe(node.value)
    if isinstance(node, ast.Call):
        return isinstance(node.func, ast.Name) and node.func.id in _SAFE_CALLS
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _safe(node.left) and _safe(node.right)
    if isinstance(node, ast.IfExp):
        return _safe(node.body) and _safe(node.orelse)
    return False


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_markdown_display_escapes_what_it_shows(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    calls = 0
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for node in ast.walk(ast.parse(cell.source)):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Markdown":
                calls += 1
                assert node.args and _safe(node.args[0]), f"{path.name}: {ast.unparse(node)[:120]}"
    assert calls, f"{path.name} shows no Markdown: check this test still looks at the right calls"


def test_escaped_text_renders_inert_and_readable() -> None:
    from nbformat import v4
    from selectolax.lexbor import LexborHTMLParser

    from analysis.report import external_urls, render_html

    nb = v4.new_notebook()
    cell = v4.new_code_cell("findings")
    cell.outputs = [v4.new_output("display_data", data={"text/markdown": markdown_list(ATTACKS)}),
                    v4.new_output("display_data", data={"text/markdown": markdown_text(ATTACKS[0])})]
    nb.cells = [cell]
    page = render_html(nb, exclude_input=False, title="t")
    body = LexborHTMLParser(page).body
    empty = v4.new_notebook()
    empty.cells = [v4.new_code_cell("findings")]
    own_scripts = len(LexborHTMLParser(render_html(empty, exclude_input=False, title="t")).css("script"))
    assert not body.css("img, a, iframe"), [n.attributes for n in body.css("img, a, iframe")]
    assert len(LexborHTMLParser(page).css("script")) == own_scripts
    assert external_urls(page) == []
    for attack in ATTACKS:
        assert attack in body.text(), attack  # shown literally


def test_unescaped_markdown_would_be_live() -> None:
    """The control: the same text without escaping does produce live markup (so the check above bites)."""
    from nbformat import v4

    from analysis.report import external_urls, render_html

    nb = v4.new_notebook()
    cell = v4.new_code_cell("findings")
    cell.outputs = [v4.new_output("display_data", data={"text/markdown": "\n".join(f"- {a}" for a in ATTACKS)})]
    nb.cells = [cell]
    assert external_urls(render_html(nb, exclude_input=False, title="t"))
