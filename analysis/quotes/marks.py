"""Quotation marks: pair them into quoted spans, character by character.

:func:`find_quote_marks` pairs “ ” " " ‘ ’ « », follows multi-paragraph quotes that reopen each
paragraph with a mark, tells apostrophes from closing single quotes, keeps nested single quotes
inside their double quote, and never fails on unbalanced marks (an unclosed quote ends at its
paragraph end and is flagged). Two apostrophes ('') count as one double mark, as in archives typed
on plain keyboards. A quoted paragraph that opens with a transcript's speaker label ("PENCE: ...")
starts a quote of its own. Offsets index the text given, which is an article's ``clean_text``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .model import MarkSpan


_DASHES = "—–-/"
_MARKS = "“”„«»\"‘’‹›'"  # every character that may be a quotation mark


def _mark_role(text: str, i: int) -> tuple[str, str] | None:
    """Classify the quotation mark at ``text[i]`` as (level, open / close / either), or None."""
    c = text[i]
    prev = text[i - 1] if i > 0 else " "
    nxt = text[i + 1] if i + 1 < len(text) else " "
    if c == "'" and prev == "'":
        return None  # the second half of a '' mark (or a third apostrophe)
    if c == "'" and nxt == "'":  # two apostrophes for a double mark (some archives' plain-text typing)
        c, nxt = '"', text[i + 2] if i + 2 < len(text) else " "
    if c in "“«„":
        return ("double", "open")
    if c in "”»":
        if c == "”" and (prev.isspace() or prev in "([" or i == 0) and nxt.isalpha():
            return ("double", "open")  # a wrongly-turned opening mark (”This guy ...”)
        return ("double", "close")
    if c == '"':
        if (prev.isspace() or prev in "([{" + _DASHES) and not nxt.isspace():
            return ("double", "open")
        if nxt.isspace() or nxt in ".,;:!?)]}…" + _DASHES:
            return ("double", "close")
        return ("double", "either")
    if c in "‘‹":
        if prev.isalnum():
            return None  # rock‘n’roll-style typography, not a quotation
        return ("single", "open")
    if c in "’›'":
        if prev.isalnum() and nxt.isalnum():
            return None  # apostrophe inside a word: don't, Norway’s
        if (prev.isspace() or prev in "([{“\"" + _DASHES or i == 0) and nxt.isalpha():
            return ("single", "open")  # a digit after it is an elision ('90s), not a quote
        if not prev.isspace() and i > 0:
            return ("single", "close")
    return None


def find_quote_marks(text: str) -> list[MarkSpan]:
    """Pair the quotation marks of ``text`` into top-level quoted spans.

    Parameters
    ----------
    text : str
        A whole article; paragraphs are separated by newlines.

    Returns
    -------
    spans : list of MarkSpan
        Top-level quotes in text order. Single quotes nested in a double quote stay inside it.
        A quote left open at a paragraph end continues when the next paragraph opens with the
        same kind of mark (the newspaper convention for long quotations), or when a closing
        double mark follows within three paragraphs before any new opening one (the same quotation
        with its reopening marks lost); otherwise it ends at the paragraph end with ``unbalanced=True`` (unclosed single marks are dropped, as they
        are too often apostrophes). Stray closing marks are ignored.
    """
    scan = _MarkScan(text)
    for i, c in enumerate(text):
        if c == "\n":
            scan.paragraph_end(i)
        elif i != scan.skip and c in _MARKS:
            scan.mark(i)
    return [s for s in scan.finish() if _inner(text, s).strip(" ,.;:!?…—–-")]


@dataclass
class _MarkScan:
    """The state of one left-to-right pass of :func:`find_quote_marks` over ``text``.

    Attributes
    ----------
    text : str
        The article being scanned.
    spans : list of MarkSpan
        Quotes closed so far, in text order.
    open_at : int or None
        Offset of the mark opening the quote still open, None outside a quote.
    level : str
        ``"double"`` or ``"single"``: the kind of mark that opened the open quote.
    skip : int
        Offset of a paragraph's reopening mark, which continues the open quote instead of opening one.
    """

    text: str
    spans: list[MarkSpan] = field(default_factory=list)
    open_at: int | None = None
    level: str = ""
    skip: int = -1

    def paragraph_end(self, i: int) -> None:
        """At the newline ``text[i]``: continue, close or drop the open quote.

        The next paragraph's opening mark continues the quote (unless a transcript label follows
        it: the next speaker's own quote); a closing double mark later on keeps it open; otherwise
        an open double quote ends here flagged ``unbalanced`` and an open single one is dropped.
        """
        if self.open_at is None:
            return
        text = self.text
        again = _reopening_mark(text, i, self.level)
        if again is not None and TRANSCRIPT_LABEL.match(text, again + _mark_width(text, again)):
            # '"PENCE: ...' after '"WALLACE: ...': a transcript's next speaker, a quote of its own
            self.spans.append(MarkSpan(self.open_at, _trimmed_end(text, self.open_at, i), self.level, True))
            self.open_at = None
        elif again is not None:
            self.skip = again  # the reopening mark continues the same quotation
        elif self.level == "double" and _closes_later(text, i):
            pass  # paragraphs quoted without reopening marks: the quote ends at its closing mark
        else:
            end = _trimmed_end(text, self.open_at, i)
            if self.level == "double" and end - self.open_at > 1:
                self.spans.append(MarkSpan(self.open_at, end, self.level, True))
            self.open_at = None

    def mark(self, i: int) -> None:
        """At the possible quotation mark ``text[i]``: open a quote, close the open one, or ignore it.

        Marks of the other level inside an open quote are nested quotations and stay inside it; a
        second opening double mark before a close ends the first quote, flagged ``unbalanced``.
        """
        role = _mark_role(self.text, i)
        if role is None:
            return
        mark_level, kind = role
        if self.open_at is None:
            if kind in ("open", "either"):
                self.open_at, self.level = i, mark_level
        elif mark_level == self.level:
            if kind in ("close", "either"):
                self.spans.append(MarkSpan(self.open_at, i + _mark_width(self.text, i), self.level))
                self.open_at = None
            elif self.level == "double":
                # a second opening mark before a close: the first quote was never closed
                self.spans.append(MarkSpan(self.open_at, _trimmed_end(self.text, self.open_at, i), self.level, True))
                self.open_at = i

    def finish(self) -> list[MarkSpan]:
        """The spans, with a double quote still open at the end of the text closed there (``unbalanced``)."""
        if self.open_at is not None and self.level == "double":
            self.spans.append(MarkSpan(self.open_at, _trimmed_end(self.text, self.open_at, len(self.text)),
                                       self.level, True))
            self.open_at = None
        return self.spans


# a transcript's speaker label opening a quoted paragraph: "WALLACE: ...", "MR. SMITH: ..."
TRANSCRIPT_LABEL = re.compile(r"([A-Z][A-Z.’'-]+(?: [A-Z][A-Z.’'-]+){0,2}):[ \t]")


def _mark_width(text: str, i: int) -> int:
    """Characters of the mark at ``text[i]``: 2 for a double mark typed as two apostrophes ('')."""
    return 2 if text[i:i + 2] == "''" else 1


def _trimmed_end(text: str, start: int, end: int) -> int:
    """``end`` moved left over whitespace (never before ``start``): where an unclosed quote stops."""
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


def _reopening_mark(text: str, newline: int, level: str) -> int | None:
    """Index of the mark opening the next paragraph when it reopens a quote of ``level``, else None."""
    j = newline
    while j < len(text) and text[j].isspace():
        j += 1
    role = _mark_role(text, j) if j < len(text) else None
    if role is not None and role[0] == level and role[1] in ("open", "either"):
        return j
    return None


def _closes_later(text: str, newline: int, *, max_paragraphs: int = 3) -> bool:
    """Whether an open double quote is closed within the next ``max_paragraphs`` paragraphs before any
    new double quote opens: a quotation run over paragraphs without reopening marks (some sites and
    copy-pastes drop them), whose later paragraphs are the same speaker's words, not narration."""
    paragraphs = 0
    for j in range(newline, len(text)):
        if text[j] == "\n" and (j + 1 >= len(text) or text[j + 1] != "\n"):
            paragraphs += 1
            if paragraphs > max_paragraphs:
                return False
            continue
        if text[j] not in _MARKS:
            continue
        role = _mark_role(text, j)
        if role is None or role[0] != "double":
            continue
        return role[1] in ("close", "either")
    return False


def _inner(text: str, span: MarkSpan) -> str:
    """The words between the marks (the closing mark dropped when there is one)."""
    body = text[span.start + 1:span.end]
    if not span.unbalanced and body:
        body = body[:-1]
    return body
