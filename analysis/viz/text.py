"""Marked-up text: the package's one highlighter and one HTML word diff.

Both take article text (any characters) and return an HTML fragment in which every piece of text
is escaped, so the report, the stance evidence page and the quote clusters page can embed the
result as is. Keeping one of each means a fix to escaping or overlap handling reaches every page.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Iterable, Literal, NamedTuple, Sequence

if TYPE_CHECKING:  # the quotes stage's diff steps; imported lazily below so viz loads without it
    from ..quotes.model import Edit


class Mark(NamedTuple):
    """One highlighted span: character offsets into the text, its CSS class and a tooltip."""

    start: int
    end: int
    css: str
    title: str | None = None  # None: no title attribute; "" still writes title=""


def _marks(text: str, spans: Iterable[Sequence], css_class: str) -> list[Mark]:
    """Spans as :class:`Mark` clipped to the text; empty and reversed spans dropped.

    A span is ``(start, end)``, ``(start, end, css)`` or ``(start, end, css, title)``. A
    three-item ``css`` may carry its tooltip after a ``|`` (``"nr-pos|endorsing (+0.50)"``).
    """
    out = []
    for span in spans:
        start, end = max(0, int(span[0])), min(len(text), int(span[1]))
        css = str(span[2]) if len(span) > 2 else css_class
        if len(span) > 3:
            title: str | None = str(span[3])
        else:
            css, sep, tip = css.partition("|")
            title = tip if sep and tip else None
        if end > start:
            out.append(Mark(start, end, css, title))
    return out


def _merge(marks: list[Mark]) -> list[Mark]:
    """Overlapping or touching marks become one, keeping the first mark's class and title."""
    merged: list[Mark] = []
    for mark in sorted(marks, key=lambda m: (m.start, m.end)):
        if merged and mark.start <= merged[-1].end:
            merged[-1] = merged[-1]._replace(end=max(merged[-1].end, mark.end))
        else:
            merged.append(mark)
    return merged


def _first(marks: list[Mark]) -> list[Mark]:
    """Of overlapping marks keep the earliest (then the longest); the others are dropped whole."""
    kept: list[Mark] = []
    for mark in sorted(marks, key=lambda m: (m.start, -m.end, m.css)):
        if not kept or mark.start >= kept[-1].end:
            kept.append(mark)
    return kept


def highlight(text: str, spans: Iterable[Sequence], *, css_class: str = "nr-cue",
              overlap: Literal["merge", "first"] = "merge") -> str:
    """Escape ``text`` and wrap the character ``spans`` in ``<mark>``.

    Parameters
    ----------
    text : str
        Article text; escaped here, so ``<script>`` stays text.
    spans : iterable of tuples
        ``(start, end)``, ``(start, end, css)`` or ``(start, end, css, title)``; offsets into
        ``text``, clipped to it. ``css`` defaults to ``css_class``; see :func:`_marks` for the
        ``css|title`` form.
    overlap : {"merge", "first"}
        ``merge`` joins overlapping spans into one mark (the report's evidence: every cue word
        stays visible); ``first`` keeps the earliest, longest span and drops the ones it overlaps
        (the stance page: each mark keeps its own class and weight).

    Returns
    -------
    str
        The escaped text with ``<mark class="css" title="…">`` around each kept span.
    """
    marks = _marks(text, spans, css_class)
    marks = _merge(marks) if overlap == "merge" else _first(marks)
    out, pos = [], 0
    for mark in marks:
        title = "" if mark.title is None else f' title="{html.escape(mark.title, quote=True)}"'
        out.append(html.escape(text[pos:mark.start]))
        out.append(f'<mark class="{html.escape(mark.css, quote=True)}"{title}>'
                   f"{html.escape(text[mark.start:mark.end])}</mark>")
        pos = mark.end
    out.append(html.escape(text[pos:]))
    return "".join(out)


def edits_html(edits: Sequence[Edit], variant: str = "") -> str:
    """Word-diff :class:`~analysis.quotes.model.Edit` steps as an escaped HTML fragment.

    ``delete`` words are ``<del class="qd-del">``, ``insert`` words ``<ins class="qd-ins">``,
    reference words outside the quoted excerpt (``trim``) are greyed ``<span class="qd-trim">``.
    With no edits at all (nothing to align) the whole ``variant`` is shown as added.
    """
    from ..quotes.fidelity import join_hyphenated

    if not edits:
        return f'<span class="quote-diff"><ins class="qd-ins">{html.escape(variant or "")}</ins></span>'
    parts: list[str] = []
    for tag, r, v in edits:
        rs, vs = html.escape(" ".join(r)), html.escape(" ".join(v))
        if tag == "equal":
            parts.append(vs)
        elif tag == "trim":
            parts.append(f'<span class="qd-trim">{rs}</span>')
        elif tag == "delete":
            parts.append(f'<del class="qd-del">{rs}</del>')
        elif tag == "insert":
            parts.append(f'<ins class="qd-ins">{vs}</ins>')
        else:
            parts.append(f'<del class="qd-del">{rs}</del> <ins class="qd-ins">{vs}</ins>')
    return '<span class="quote-diff">' + join_hyphenated(" ".join(parts)) + "</span>"


def word_diff_html(reference: str, version: str) -> str:
    """A word diff of ``version`` against ``reference`` as an escaped HTML fragment.

    The edits are the quotes stage's alignment (:func:`analysis.quotes.fidelity.word_edits`:
    the version is aligned with the best-matching stretch of the reference), so the diff a reader
    sees is the one the fidelity score was computed from. See :func:`edits_html` for the markup.
    """
    from ..quotes.fidelity import word_edits

    reference, version = reference or "", version or ""
    return edits_html(word_edits(str(reference), str(version)), str(version))


# ---------------------------------------------------------------------------------------------
# text shown as Markdown in the notebooks (and so in report-reviewer.html)
# ---------------------------------------------------------------------------------------------

#: characters Markdown or the HTML inside it would read as markup (``:/@`` stop bare links being linkified)
_MARKDOWN_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_{}[]()#+-.!|~>:/@"} | {
    "<": "&lt;", ">": "&gt;", "&": "&amp;"})


def markdown_text(text: object) -> str:
    """Text from the corpus (a sentence, an outlet name, a note) made inert for a Markdown display.

    Notebooks show findings with ``display(Markdown(...))``; nbconvert renders Markdown with raw
    HTML allowed, so an article sentence such as ``<img src=x onerror=...>`` or a link to
    ``javascript:`` would be live in the reviewer's page. Every character Markdown or HTML could
    read as markup is escaped; the words read the same.
    """
    return str(text).translate(_MARKDOWN_SPECIAL)


def markdown_list(items: Iterable[object]) -> str:
    """A Markdown bullet list of corpus-derived sentences, each escaped with :func:`markdown_text`."""
    return "\n".join(f"- {markdown_text(item)}" for item in items)
