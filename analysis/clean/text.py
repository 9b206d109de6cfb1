"""Text-level steps: decoding fixes, HTML/Markdown to text, paragraphs, bidi controls."""

from __future__ import annotations

import re

import ftfy

_HTML_HINT = re.compile(r"<(?:p|div|br|a|span|script|style|html|body|head|h[1-6]|li|ul|ol|img|iframe|"
                        r"article|section|em|strong|b|i|figure|figcaption|table|meta|link)\b[^>]*>",
                        re.IGNORECASE)
_BLOCK_TAGS = ("p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "blockquote",
               "article", "section", "header", "footer", "figure", "figcaption", "table", "ul", "ol",
               "pre", "hr", "aside", "nav")
# content that is never article text
_DROP_TAGS = ("script", "style", "noscript", "iframe", "svg", "template", "form", "button", "nav",
              "aside", "footer", "header", "figcaption", "object", "embed", "canvas", "select")
_TERMINAL = tuple(".!?:\"”’)]…'")
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)

_FTFY_CONFIG = ftfy.TextFixerConfig(uncurl_quotes=False, unescape_html=False, normalization="NFC",
                                    fix_line_breaks=True, explain=False)


#: spaCy refuses longer texts (E088); a paragraph this long is not news prose
MAX_PARAGRAPH_CHARS = 1_000_000
#: embedding and override controls of the Unicode bidirectional algorithm: invisible, and able to
#: make a title or sentence display in an order other than the one analysed (U+202A-U+202E,
#: U+2066-U+2069); the plain marks U+200E/U+200F are kept
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def strip_bidi_controls(text: str) -> tuple[str, int]:
    """Remove bidirectional embedding/override/isolate controls; return the text and how many."""
    cleaned, n = _BIDI_CONTROLS.subn("", text)
    return cleaned, n


def looks_like_html(text: str) -> bool:
    return len(_HTML_HINT.findall(text[:200_000])) >= 1


def html_to_text(html: str) -> tuple[str, str, list[tuple[str, str]]]:
    """Convert HTML to plain text with paragraphs, keeping link text and dropping markup.

    Returns ``(text, title, removed)`` where ``removed`` lists ``(rule, text)`` of dropped
    elements such as scripts, so the audit can show them.
    """
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(html)
    removed: list[tuple[str, str]] = []
    title = ""
    title_node = tree.css_first("title")
    if title_node is not None:
        title = " ".join(title_node.text(deep=True).split())
        title_node.decompose()
    for tag in _DROP_TAGS:
        for node in tree.css(tag):
            snippet = " ".join((node.text(deep=True) or "").split())[:200]
            removed.append((f"html_{tag}", snippet or f"<{tag}>"))
            node.decompose()
    for node in tree.css("head, meta, link, img"):
        node.decompose()
    h1 = tree.css_first("h1")
    if h1 is not None and not title:
        title = " ".join(h1.text(deep=True).split())
    for tag in _BLOCK_TAGS:
        for node in tree.css(tag):
            node.insert_before("\n\n")
            node.insert_after("\n\n")
    root = tree.body or tree.root
    text = root.text(deep=True, separator="") if root is not None else ""
    return text, title, removed


def _markdown_to_text(text: str) -> str:
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", text)  # images carry no reporting
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)  # links keep their text
    text = re.sub(r"^\s{0,3}#{1,6}\s+", "", text, flags=re.MULTILINE)
    text = re.sub(r"(\*\*|__)(.+?)\1", r"\2", text)
    text = re.sub(r"^\s{0,3}>\s?", "", text, flags=re.MULTILINE)
    return text


def _normalize_line(line: str) -> str:
    line = line.translate(_ZERO_WIDTH).replace("\u00a0", " ")
    return re.sub(r"[ \t\f\v]+", " ", line).strip()


def _is_hard_wrapped(lines: list[str]) -> bool:
    """True when most lines break at a fixed width (e-mail/wire style), not at paragraph ends."""
    body = [ln for ln in lines if ln]
    if len(body) < 6:
        return False
    widths = sorted(len(ln) for ln in body)
    p90 = widths[int(len(widths) * 0.9) - 1]
    near_width = sum(1 for w in widths if 0.75 * p90 <= w <= p90 + 2)
    return 40 <= p90 <= 100 and near_width >= 0.6 * len(body)


def split_paragraphs(text: str) -> list[str]:
    """Split text into paragraphs, rejoining hard-wrapped lines.

    A blank line always ends a paragraph; a single newline ends one unless the text is
    hard-wrapped (then only blank lines count) or the line plainly continues (no closing
    punctuation, next line lowercase).
    """
    lines = [_normalize_line(ln) for ln in text.split("\n")]
    wrapped = _is_hard_wrapped(lines)
    paragraphs: list[str] = []
    current: list[str] = []
    for line in lines:
        if not line:
            if current:
                paragraphs.append(" ".join(current))
                current = []
            continue
        if current:
            prev = current[-1]
            # in hard-wrapped text only blank lines end paragraphs; elsewhere a newline does,
            # unless the sentence plainly runs on
            continues = wrapped or (not prev.endswith(_TERMINAL) and line[:1].islower())
            if not continues:
                paragraphs.append(" ".join(current))
                current = []
        current.append(line)
    if current:
        paragraphs.append(" ".join(current))
    return paragraphs

