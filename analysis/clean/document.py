"""One raw document → an article record or a rejection reason, every removal in the audit.

:func:`clean_document` runs the steps in order: normalise the characters, turn markup into text,
drop site furniture paragraph by paragraph, take the headline and dateline off the top, settle
title and date against the manifest, then check the text is long enough and English.
"""

from __future__ import annotations

import datetime as _dt
import html as _html
import re
import unicodedata
from typing import Callable

import ftfy

from ..corpus import RawDocument
from .records import CleanedDocument
from .rules import (_DATELINE, _METADATA_PREFIX, _RULE_REASONS, _has_digits_or_quote, _looks_like_headline,
                    _parse_date, _same_title, boilerplate_rule, english_share)
from .text import (_FTFY_CONFIG, _TERMINAL, MAX_PARAGRAPH_CHARS, _markdown_to_text, _normalize_line,
                   html_to_text, looks_like_html, split_paragraphs, strip_bidi_controls)

#: ``log(rule, removed_text, reason)``: appends one audit row for the document being cleaned
Log = Callable[[str, str, str], None]


def clean_document(doc: RawDocument, *, min_words: int = 40, min_english_share: float = 0.15,
                   max_fragment_words: int = 4, today: str | None = None) -> CleanedDocument:
    """Clean one raw document into an article record, or say why it cannot be one.

    Parameters
    ----------
    doc : RawDocument
    min_words : int, default=40
        Articles shorter than this after cleaning are rejected as too short to compare.
    min_english_share : float, default=0.15
        Minimum share of English function words; below it the text is rejected as not English.
    max_fragment_words : int, default=4
        Body lines this short without closing punctuation are dropped as widget text (0: keep).
    today : str, optional
        ISO date after which a date is flagged as in the future (default: the current UTC date).
    """
    aid = doc.doc_id
    audit: list[dict[str, str]] = []

    def log(rule: str, removed: str, reason: str) -> None:
        audit.append({"article_id": aid, "rule": rule, "removed_text": removed[:500], "reason": reason})

    text = _normalise(doc, log)
    text, date_in_text = _strip_metadata_prefix(text, log)
    text, html_title = _markup_to_text(doc.file, text, log)
    paragraphs = split_paragraphs(text)
    longest = max((len(p) for p in paragraphs), default=0)
    if longest > MAX_PARAGRAPH_CHARS:
        return CleanedDocument(None, audit, f"one paragraph of {longest:,} characters is longer than the "
                                            f"{MAX_PARAGRAPH_CHARS:,} the sentence splitter takes; not an "
                                            "article as written (break it into paragraphs to include it)")
    kept = _drop_furniture(paragraphs, max_fragment_words, log)
    title_in_text, dateline = _take_title_and_dateline(kept, html_title, log)
    flags: list[str] = []
    title, title_source = _resolve_title(doc.metadata, title_in_text, flags, log)
    date, date_source = _resolve_date(doc.metadata, date_in_text, today, flags, log)
    rejection, body_words, share = _acceptance(kept, min_words, min_english_share)
    if rejection:
        return CleanedDocument(None, audit, rejection)
    parts = ([title] if title else []) + kept
    clean_text = "\n\n".join(parts)
    spans, pos = [], 0
    for part in parts:
        spans.append((pos, pos + len(part)))
        pos += len(part) + 2
    meta = doc.metadata
    article = {
        "article_id": aid, "file": doc.file, "outlet": meta.get("outlet", "") or _outlet_from_url(meta),
        "url": meta.get("url", ""), "date": date, "title": title, "clean_text": clean_text,
        "lang": "en", "dateline": dateline, "words": body_words, "encoding": doc.encoding,
        "title_source": title_source, "date_source": date_source, "has_headline": bool(title),
        "english_share": round(share, 3), "flags": ";".join(flags),
    }
    return CleanedDocument(article, audit, None, spans)


def _normalise(doc: RawDocument, log: Log) -> str:
    """Unify line ends, repair mojibake, NFC-normalise and strip bidi controls, logging each."""
    text = doc.text.replace("\r\n", "\n").replace("\r", "\n")
    if doc.encoding not in ("utf-8", "utf-8-sig"):
        log("encoding", "", f"decoded as {doc.encoding} (not UTF-8)")
    fixed = ftfy.fix_text(text, _FTFY_CONFIG)
    if fixed != text:
        first = next((i for i, (a, b) in enumerate(zip(text, fixed)) if a != b), 0)
        log("mojibake", text[max(0, first - 20):first + 40], "mis-decoded characters repaired (ftfy)")
        text = fixed
    text = unicodedata.normalize("NFC", text)
    text, n_bidi = strip_bidi_controls(text)
    if n_bidi:
        log("bidi_control", "", f"{n_bidi} invisible text-direction control character(s) removed")
    return text


def _strip_metadata_prefix(text: str, log: Log) -> tuple[str, str]:
    """Move a leading "Published: 2024-03-01" line to the date field; return (text, date in text)."""
    m = _METADATA_PREFIX.match(text)
    if not m:
        return text, ""
    log("metadata_prefix", m.group(0).strip(), "leading date metadata moved to the date field")
    return text[m.end():], m.group(1)


def _markup_to_text(file: str, text: str, log: Log) -> tuple[str, str]:
    """HTML or Markdown to plain text, entities unescaped; return (text, HTML title)."""
    html_title = ""
    if file.lower().endswith((".html", ".htm")) or looks_like_html(text):
        text, html_title, removed = html_to_text(text)
        for rule, snippet in removed:
            log(rule, snippet, "non-article HTML element dropped")
        log("html", "", "HTML converted to text (tags and attributes dropped, link text kept)")
    elif file.lower().endswith(".md"):
        text = _markdown_to_text(text)
    if "&" in text:
        text = _html.unescape(text)
    return text, html_title


def _drop_furniture(paragraphs: list[str], max_fragment_words: int, log: Log) -> list[str]:
    """Paragraphs that are reporting; boilerplate, captions and fragments go to the audit."""
    kept: list[str] = []
    for i, para in enumerate(paragraphs):
        rule = boilerplate_rule(para)
        # a short keyword line directly above a caption belongs to the caption ("Protest Paris")
        if (rule is None and i + 1 < len(paragraphs) and len(para.split()) <= 4
                and not para.endswith(_TERMINAL) and boilerplate_rule(paragraphs[i + 1]) == "caption"):
            rule = "caption_header"
        # a few words without sentence punctuation inside the body are widget or link text
        # ("Tweet this", "You may also like"); the first lines may be a headline, so are spared
        if (rule is None and kept and len(para.split()) <= max_fragment_words
                and not para.endswith(_TERMINAL) and not _has_digits_or_quote(para)):
            rule = "fragment"
        if rule:
            log(rule, para, _RULE_REASONS[rule])
        else:
            kept.append(para)
    return kept


def _take_title_and_dateline(kept: list[str], html_title: str, log: Log) -> tuple[str, str]:
    """Pop a headline off ``kept`` and cut a dateline off its new first paragraph (in place);
    return (title in text, dateline)."""
    title_in_text = ""
    if len(kept) >= 2 and _looks_like_headline(kept[0]):
        title_in_text = kept.pop(0)
    elif html_title and not title_in_text:
        title_in_text = html_title
    dateline = ""
    if kept:
        m = _DATELINE.match(kept[0])
        if m and len(kept[0]) - m.end() > 40:
            dateline = m.group("dateline").strip()
            log("dateline", m.group(0).strip(), "dateline kept as metadata")
            kept[0] = kept[0][m.end():]
    return title_in_text, dateline


def _resolve_title(meta: dict[str, str], title_in_text: str, flags: list[str], log: Log) -> tuple[str, str]:
    """The manifest title wins; a differing headline in the text is flagged. Return (title, source)."""
    title = meta.get("title", "")
    title_source = "manifest" if title else ""
    if title and title_in_text and not _same_title(title, title_in_text):
        flags.append("title_conflict")
        log("title_conflict", title_in_text, f"headline in text differs from manifest title {title!r}")
    if not title and title_in_text:
        title, title_source = title_in_text, "text"
    title = _normalize_line(strip_bidi_controls(unicodedata.normalize("NFC", title))[0])
    return title, title_source


def _resolve_date(meta: dict[str, str], date_in_text: str, today: str | None, flags: list[str],
                  log: Log) -> tuple[str, str]:
    """The manifest date wins when readable; conflicts and future dates are flagged."""
    date, date_source = "", ""
    raw_date = meta.get("date", "")
    if raw_date:
        date, date_source = (_parse_date(raw_date) or ""), "manifest"
        if not date:
            flags.append("bad_date")
            # an unreadable manifest date must not hide a good one in the text (it also decides
            # which of two duplicates is kept: the earliest)
            date = (_parse_date(date_in_text) or "") if date_in_text else ""
            date_source = "text" if date else ""
            log("bad_date", raw_date, "manifest date is not an ISO date (YYYY-MM-DD); "
                + (f"using the date in the text, {date}" if date else "left empty"))
        if date and date_in_text and date != date_in_text:
            flags.append("date_conflict")
            log("date_conflict", date_in_text, f"date in text differs from manifest date {date}")
    elif date_in_text:
        date, date_source = (_parse_date(date_in_text) or ""), "text"
    today = today or _dt.datetime.now(_dt.timezone.utc).date().isoformat()
    if date and date > today:
        flags.append("future_date")
        log("future_date", date, f"date is after {today}; check the source")
    return date, date_source


def _acceptance(kept: list[str], min_words: int, min_english_share: float) -> tuple[str | None, int, float]:
    """Rejection reason (or None), body word count and English share of the kept paragraphs."""
    body_words = sum(len(p.split()) for p in kept)
    if not kept or body_words == 0:
        return "no article text left after removing markup and boilerplate", body_words, 0.0
    if body_words < min_words:
        return f"too short after cleaning ({body_words} words < min_words={min_words})", body_words, 0.0
    share = english_share(" ".join(kept))
    if share < min_english_share:
        return (f"not English (English function-word share {share:.2f} < "
                f"{min_english_share}); only English text is analysed"), body_words, share
    return None, body_words, share


def _outlet_from_url(meta: dict[str, str]) -> str:
    m = re.match(r"^[a-z]+://(?:www\.)?([^/:]+)", meta.get("url", ""))
    return m.group(1) if m else ""


# ---------------------------------------------------------------------------------------------
# corpus level
# ---------------------------------------------------------------------------------------------
