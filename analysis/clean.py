"""Turn raw documents into clean articles and sentences, logging every removal.

Outputs (see ``DESIGN.md``)
---------------------------
articles : DataFrame
    ``article_id, file, outlet, url, date, title, clean_text, lang`` plus ``dateline, words,
    encoding, title_source, date_source, flags`` (``;``-separated notes such as
    ``title_conflict``). ``clean_text`` starts with the headline as its own paragraph when a
    title is known, so headline sentences have offsets like any other.
sentences : DataFrame
    ``article_id, sent_id, start, end, text, section, paragraph`` with ``section`` in
    ``headline / lede / body`` (lede = first two body sentences); offsets index ``clean_text``.
audit : DataFrame
    ``article_id, rule, removed_text, reason`` — one row per removal or repair.
inputs : DataFrame
    ``file, status, reason, duplicate_of, sha256, bytes, article_id`` — the ledger; status is
    ``kept``, ``duplicate`` or ``rejected``.

Rules are data (:data:`BOILERPLATE_RULES`), grouped by concept, applied to whole short lines
only: a long line that happens to contain "subscribe" is reporting, not boilerplate.
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Iterable

import ftfy
import pandas as pd

from .corpus import RawCorpus, RawDocument, Rejection
from .annotate import Annotation, Annotator, Mapper, local_map
from .errors import CleanError

# ---------------------------------------------------------------------------------------------
# rules as data
# ---------------------------------------------------------------------------------------------

#: Whole-line patterns (case-insensitive) for site furniture, grouped by why they are removed.
#: Sources: trafilatura's boilerplate heuristics and the Gender Gap Tracker's scraper clean-up,
#: re-expressed as short generic English patterns.
BOILERPLATE_RULES: dict[str, tuple[str, ...]] = {
    "paywall": (
        r".*\b(free|paid|digital) subscription\b.*",
        r"(subscribe|subscription)\b.*\b(read|reading|access|unlimited|member|free|now|today)\b.*",
        r".*\b(subscribe|log in|sign in)( now| today)? to (read|continue|keep reading|get|access)\b.*",
        r"(start|continue|keep) reading\b.{0,60}",
        r"you('ve| have) (reached|used)\b.*\b(limit|free (articles|stories))\b.*",
        r"already (a|an) (member|subscriber|account holder)\b.*",
        r"sign (up|in)( here| now)? to (read|continue|keep reading|get)\b.*",
        r"(this (article|content) is (for|only available to) subscribers)\b.*",
    ),
    "signin": (r"(sign|log) (in|up)( here| now)?\.?", r"create (a free )?account\.?"),
    "newsletter": (r".*\bnewsletters?\b.*\b(sign up|subscribe|inbox)\b.*",
                   r"(sign up|subscribe) (for|to) (our|the) .*newsletter.*",
                   r".*\bin your inbox\b.{0,40}"),
    "license": (r"(license|licence|republish|reprint) this (article|story|content)\.?",),
    "share": (r"(share|share this|share on \w+|tweet|email|print|copy link)( (article|story|page))?\.?",
              r"follow us on .*", r"(click|tap) (here|to) .*"),
    "related": (r"(related|recommended|more) (posts|stories|articles|coverage|content|news)\b.*",
                r"(recommended|suggested) (for you|reading)\b.*",
                r"more (from|in) (this|the|our) \w+( \w+)?",
                r"(top|latest|trending|popular) (stories|news|headlines)\b.*",
                r"(read|see) (more|also)\s*:?.*", r"most (read|viewed|popular)\b.*"),
    "load_more": (r"load(ing)? more\b.*", r"no more (posts|stories)\.?"),
    "source_link": (r"source link\.?", r"(original|view) (source|article)\.?"),
    "label": (r"(featured|advertisement|advert|sponsored( content)?|ad|breaking|exclusive|opinion|"
              r"analysis|live|watch|listen)\.?",
              r"advertisement\b.{0,40}"),
    "slogan": (r"(\w+\.\s*){2,4}",),  # "Factual. Independent. Impartial." — a masthead, not a sentence
}

#: Photo captions and credits: a line that ends with or is a credit.
CAPTION_PATTERNS: tuple[str, ...] = (
    r".*\((?:[A-Z][\w.&/ -]{0,30}\s)?(?:PHOTO|PHOTOS|IMAGE|FILE PHOTO|AP PHOTO)[^)]{0,60}\)\.?\s*$",
    r".*\((?:AP|AFP|Reuters|Getty|EPA|PA)(?: Photo)?/[^)]{1,60}\)\.?\s*$",
    r".*\((?:photo|picture|image)s? by [^)]{2,80}\)\.?\s*$",
    r"^(?:photo|image|picture|photograph|credit|photo credit)\s*(?::|by)\s.{1,120}$",
    r".*\.\s(?:Photo|Picture|Image|Credit)s?:\s.{1,80}$",
    r"^FILE PHOTO\b.{0,200}$",
    r".*\|\s*(?:photo|image|credit)\b.{0,80}$",
    r".*\b(?:Getty Images|Shutterstock|AP Photo|Reuters/[A-Z]\w+)\.?\s*$",
)

_METADATA_PREFIX = re.compile(
    r"^\s*(?:date|published|updated|posted)\s*[:\-]?\s*(\d{4}-\d{2}-\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2})?Z?)?\s+",
    re.IGNORECASE)
# "(CNN) —", "WASHINGTON (AP) —", "LONDON, March 3 (Reuters) -", "PARIS, France —"
_DATELINE = re.compile(
    r"^(?P<dateline>(?:[A-Z][A-Z .'-]{1,30}(?:,\s*[A-Z][\w .]{1,25})?\s*)?\((?:[A-Z][\w .&]{0,20})\)|"
    r"[A-Z][A-Z'-]{2,}(?:\s[A-Z][A-Z'-]{2,})?(?:,\s*[A-Z][a-z]+(?:\s[A-Z][a-z]+)?)?)\s*[—–-]{1,2}\s+")
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

#: Frequent English function words; their share of tokens separates English from other languages
#: without a model download (news English: 0.35-0.50; French/German/Spanish: < 0.08).
ENGLISH_FUNCTION_WORDS = frozenset(
    "the of and to a in that is was he for it with as his on be at by i this had not are but from "
    "or have an they which one you were her all she there would their we him been has when who will "
    "more no if out so said what up its about into than them can only other new some could time "
    "these two may then do first any my now such like our over man me even most made after also did "
    "many before must through back years where much your way well down should because each just "
    "those people how too little state good very make world still own see men work long get here "
    "between both life being under never day same another know while last might us great old year "
    "off come since against go came right used take three".split())

_FTFY_CONFIG = ftfy.TextFixerConfig(uncurl_quotes=False, unescape_html=False, normalization="NFC",
                                    fix_line_breaks=True, explain=False)


@dataclass
class CleanedDocument:
    """Result of cleaning one document: an article record or a rejection reason, plus audit rows."""

    article: dict[str, object] | None
    audit: list[dict[str, str]] = field(default_factory=list)
    rejection: str | None = None
    paragraphs: list[tuple[int, int]] = field(default_factory=list)  # (start, end) in clean_text


@dataclass
class CleanedCorpus:
    articles: pd.DataFrame
    sentences: pd.DataFrame
    audit: pd.DataFrame
    inputs: pd.DataFrame


# ---------------------------------------------------------------------------------------------
# text-level steps
# ---------------------------------------------------------------------------------------------

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


def _compile_rules() -> list[tuple[str, re.Pattern[str]]]:
    compiled = []
    for rule, patterns in BOILERPLATE_RULES.items():
        for pat in patterns:
            compiled.append((rule, re.compile(rf"^(?:{pat})$", re.IGNORECASE)))
    for pat in CAPTION_PATTERNS:
        compiled.append(("caption", re.compile(pat, re.IGNORECASE if pat.startswith("^") else 0)))
    return compiled


_RULES = _compile_rules()
_RULE_REASONS = {
    "paywall": "subscription or paywall prompt",
    "signin": "sign-in prompt",
    "newsletter": "newsletter prompt",
    "license": "syndication/licensing link",
    "share": "share button text",
    "related": "related-content list",
    "load_more": "pagination widget text",
    "source_link": "link back to the source page",
    "label": "section label or badge",
    "slogan": "masthead slogan",
    "caption": "photo caption or credit",
    "caption_header": "photo caption keyword line",
    "fragment": "short line without sentence punctuation inside the body (widget or link text)",
}


def boilerplate_rule(line: str, *, max_words: int = 25) -> str | None:
    """Name the boilerplate rule a whole line matches, or None when it is reporting."""
    if len(line.split()) > max_words:
        return None
    for rule, pattern in _RULES:
        if pattern.match(line):
            return rule
    return None


def _has_digits_or_quote(text: str) -> bool:
    return bool(re.search(r"[\d\"“”«»]", text))


def english_share(text: str) -> float:
    """Share of word tokens that are frequent English function words."""
    words = re.findall(r"[a-z']+", text.lower())
    if not words:
        return 0.0
    return sum(1 for w in words if w in ENGLISH_FUNCTION_WORDS) / len(words)


def _parse_date(value: str) -> str | None:
    value = value.strip()
    m = re.match(r"^(\d{4})-(\d{1,2})-(\d{1,2})", value)
    if not m:
        return None
    try:
        return _dt.date(int(m[1]), int(m[2]), int(m[3])).isoformat()
    except ValueError:
        return None


def _same_title(a: str, b: str) -> bool:
    from rapidfuzz import fuzz

    norm = lambda s: re.sub(r"\W+", " ", s.lower()).strip()  # noqa: E731
    return fuzz.ratio(norm(a), norm(b)) >= 85


def _looks_like_headline(paragraph: str) -> bool:
    words = paragraph.split()
    return 3 <= len(words) <= 30 and not paragraph.rstrip().endswith((".", "!", "…", ":", "”", '"'))


# ---------------------------------------------------------------------------------------------
# one document
# ---------------------------------------------------------------------------------------------

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

    date_in_text = ""
    m = _METADATA_PREFIX.match(text)
    if m:
        date_in_text = m.group(1)
        log("metadata_prefix", m.group(0).strip(), "leading date metadata moved to the date field")
        text = text[m.end():]

    html_title = ""
    if doc.file.lower().endswith((".html", ".htm")) or looks_like_html(text):
        text, html_title, removed = html_to_text(text)
        for rule, snippet in removed:
            log(rule, snippet, "non-article HTML element dropped")
        log("html", "", "HTML converted to text (tags and attributes dropped, link text kept)")
    elif doc.file.lower().endswith(".md"):
        text = _markdown_to_text(text)
    if "&" in text:
        import html as _html

        text = _html.unescape(text)

    paragraphs = split_paragraphs(text)
    longest = max((len(p) for p in paragraphs), default=0)
    if longest > MAX_PARAGRAPH_CHARS:
        return CleanedDocument(None, audit, f"one paragraph of {longest:,} characters is longer than the "
                                            f"{MAX_PARAGRAPH_CHARS:,} the sentence splitter takes; not an "
                                            "article as written (break it into paragraphs to include it)")
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

    flags: list[str] = []
    meta = doc.metadata
    title = meta.get("title", "")
    title_source = "manifest" if title else ""
    if title and title_in_text and not _same_title(title, title_in_text):
        flags.append("title_conflict")
        log("title_conflict", title_in_text, f"headline in text differs from manifest title {title!r}")
    if not title and title_in_text:
        title, title_source = title_in_text, "text"
    title = _normalize_line(strip_bidi_controls(unicodedata.normalize("NFC", title))[0])

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

    body_words = sum(len(p.split()) for p in kept)
    if not kept or body_words == 0:
        return CleanedDocument(None, audit, "no article text left after removing markup and boilerplate")
    if body_words < min_words:
        return CleanedDocument(None, audit, f"too short after cleaning ({body_words} words < "
                                            f"min_words={min_words})")
    share = english_share(" ".join(kept))
    if share < min_english_share:
        return CleanedDocument(None, audit, f"not English (English function-word share {share:.2f} < "
                                            f"{min_english_share}); only English text is analysed")

    parts = ([title] if title else []) + kept
    clean_text = "\n\n".join(parts)
    spans, pos = [], 0
    for part in parts:
        spans.append((pos, pos + len(part)))
        pos += len(part) + 2
    article = {
        "article_id": aid, "file": doc.file, "outlet": meta.get("outlet", "") or _outlet_from_url(meta),
        "url": meta.get("url", ""), "date": date, "title": title, "clean_text": clean_text,
        "lang": "en", "dateline": dateline, "words": body_words, "encoding": doc.encoding,
        "title_source": title_source, "date_source": date_source, "has_headline": bool(title),
        "english_share": round(share, 3), "flags": ";".join(flags),
    }
    return CleanedDocument(article, audit, None, spans)


def _outlet_from_url(meta: dict[str, str]) -> str:
    m = re.match(r"^[a-z]+://(?:www\.)?([^/:]+)", meta.get("url", ""))
    return m.group(1) if m else ""


# ---------------------------------------------------------------------------------------------
# corpus level
# ---------------------------------------------------------------------------------------------

def _shingles(text: str, k: int = 5) -> set[str]:
    words = re.findall(r"\w+", text.lower())
    if len(words) < k:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i:i + k]) for i in range(len(words) - k + 1)}


def _signatures(texts: list[str], *, num_perm: int = 128) -> list[tuple[frozenset[str], Any, str]]:
    """5-word shingles and their MinHash signature, per text (per-article work, runs on any engine)."""
    from datasketch import MinHash

    out = []
    for text in texts:
        shingles = frozenset(_shingles(text))
        mh = MinHash(num_perm=num_perm, seed=1)
        mh.update_batch(s.encode("utf-8") for s in sorted(shingles))
        out.append((shingles, mh.hashvalues, mh.scheme))
    return out


def find_duplicates(texts: dict[str, str], *, threshold: float = 0.8, num_perm: int = 128,
                    order: Iterable[str] | None = None, mapper: Mapper = local_map
                    ) -> dict[str, tuple[str, float]]:
    """Map each duplicate article id to ``(kept id, Jaccard)``.

    Exact copies and near copies (syndicated versions with a changed line or two) share most
    5-word shingles. Candidates come from MinHash LSH, so the work grows with the corpus, not its
    square; every candidate is verified with the exact shingle Jaccard. The first id in ``order``
    (earliest article) of each group is kept. ``mapper`` runs the per-article signatures
    (:meth:`analysis.annotate.Annotator.map`; this process by default).
    """
    from datasketch import MinHash, MinHashLSH

    ids = list(order) if order is not None else sorted(texts)
    rank = {aid: i for i, aid in enumerate(ids)}
    signatures = dict(zip(ids, mapper(partial(_signatures, num_perm=num_perm), [texts[a] for a in ids])))
    lsh = MinHashLSH(threshold=max(0.5, threshold - 0.1), num_perm=num_perm)
    duplicates: dict[str, tuple[str, float]] = {}
    for aid in ids:
        shingles, hashvalues, scheme = signatures[aid]
        mh = MinHash(num_perm=num_perm, seed=1, hashvalues=hashvalues, scheme=scheme)
        best: tuple[str, float] | None = None
        for other in sorted(lsh.query(mh), key=rank.__getitem__):
            a, b = shingles, signatures[other][0]
            jac = len(a & b) / len(a | b) if a | b else 1.0
            if jac >= threshold and (best is None or jac > best[1]):
                best = (duplicates.get(other, (other, 1.0))[0], jac)
        if best:
            duplicates[aid] = best
        else:
            lsh.insert(aid, mh)
    return duplicates


_OPENERS_AT_END = re.compile(r"\s+([“‘«(\[\"]+)$")
_CLOSERS = ("”", '"', "’")


def sentence_spans(doc: Any) -> list[tuple[int, int]]:
    """Sentence (start, end) offsets in ``doc.text`` from the rule-based sentencizer, repaired.

    Repairs: an opening quote/bracket at a sentence end moves to the next sentence; a "sentence"
    starting in lower case or with , ; : ) or following one that ends in , or ; continues the
    previous one ("Ont., was"; '"...30 days?", he said.'); a short
    attribution after a closing quote ('... our son?" Kim said.') joins the quote.
    """
    from spacy.attrs import IDX, SENT_START

    text = doc.text
    # token arrays instead of doc.sents: building a Token object per word dominated the stage
    marks = doc.to_array([IDX, SENT_START]) if len(doc) else []
    starts = [int(idx) for idx, is_start in marks if is_start == 1] or ([0] if len(doc) else [])
    if starts and starts[0] != 0:
        starts.insert(0, 0)
    raw = [(a, len(text[:b].rstrip())) for a, b in zip(starts, starts[1:] + [len(text)])]
    spans: list[list[int]] = []
    carry: int | None = None
    for i, (start, end) in enumerate(raw):
        if carry is not None:
            start, carry = carry, None
        m = _OPENERS_AT_END.search(text, start, end)
        if m and i + 1 < len(raw):
            carry, end = m.start(1), m.start()
        piece = text[start:end].strip()
        if not piece:
            continue
        if spans:
            prev = text[spans[-1][0]:spans[-1][1]].rstrip()
            joins = piece[0].islower() or piece[0] in ",;:)" or prev.endswith((",", ";")) or (
                prev.endswith(_CLOSERS) and len(piece.split()) <= 4 and piece.endswith("."))
            if joins:
                spans[-1][1] = end
                continue
        spans.append([start, end])
    return [(s, e) for s, e in spans]


def _split_articles(records: list[tuple[str, str, list[tuple[int, int]], bool]], *, batch_size: int = 256
                    ) -> list[list[dict[str, object]]]:
    """Sentence rows for each (article_id, clean_text, paragraph spans, has_headline) record."""
    from .nlp import load_sentencizer

    nlp = load_sentencizer()
    jobs: list[tuple[int, int, int, bool]] = []  # record index, paragraph index, start, is_headline
    texts: list[str] = []
    for r_idx, (_aid, text, spans, has_headline) in enumerate(records):
        for p_idx, (start, end) in enumerate(spans):
            jobs.append((r_idx, p_idx, start, has_headline and p_idx == 0))
            texts.append(text[start:end])
    out: list[list[dict[str, object]]] = [[] for _ in records]
    body_seen = [0] * len(records)
    for (r_idx, p_idx, p_start, is_headline), doc in zip(jobs, nlp.pipe(texts, batch_size=batch_size)):
        aid = records[r_idx][0]
        spans = [(0, len(doc.text))] if is_headline else sentence_spans(doc)
        for s_start, s_end in spans:
            raw = doc.text[s_start:s_end]
            text = raw.strip()
            if not text:
                continue
            if is_headline:
                section = "headline"
            else:
                section = "lede" if body_seen[r_idx] < 2 else "body"
                body_seen[r_idx] += 1
            start = p_start + s_start + len(raw) - len(raw.lstrip())
            rows = out[r_idx]
            rows.append({"article_id": aid, "sent_id": f"{aid}:s{len(rows):03d}", "start": start,
                         "end": start + len(text), "text": text, "section": section, "paragraph": p_idx})
    return out


def split_sentences(articles: pd.DataFrame, paragraphs: dict[str, list[tuple[int, int]]], *,
                    mapper: Mapper = local_map) -> pd.DataFrame:
    """Sentences of every article with offsets into ``clean_text``, never crossing a paragraph
    (``mapper`` runs the per-article split: :meth:`analysis.annotate.Annotator.map`)."""
    records = [(row.article_id, row.clean_text, paragraphs[row.article_id], bool(row.has_headline))
               for row in articles.itertuples(index=False)]
    per_article = mapper(_split_articles, records)
    return pd.DataFrame([row for rows in per_article for row in rows],
                        columns=["article_id", "sent_id", "start", "end", "text", "section", "paragraph"])


def clean_corpus(corpus: RawCorpus, *, min_words: int = 40, min_english_share: float = 0.15,
                 max_fragment_words: int = 4, duplicate_threshold: float = 0.8, min_articles: int = 2,
                 today: str | None = None, annotator: Annotation | None = None,
                 show_progress: bool = False) -> CleanedCorpus:
    """Clean every document, drop duplicates, split sentences and build the input ledger.

    Per-article work (cleaning, MinHash signatures, sentence splits) runs through
    ``annotator.map`` (:class:`analysis.annotate.Annotator`: this process by default, or a Dask
    cluster); the results are the same either way.

    Raises
    ------
    CleanError
        When fewer than ``min_articles`` articles survive; the message lists what happened to
        each input.
    """
    docs = corpus.documents
    today = today or _dt.datetime.now(_dt.timezone.utc).date().isoformat()
    clean_one = partial(_clean_many, min_words=min_words, min_english_share=min_english_share,
                        max_fragment_words=max_fragment_words, today=today)
    mapper = (annotator or Annotator()).map
    results = mapper(clean_one, docs)
    iterator: Iterable[tuple[RawDocument, CleanedDocument]] = zip(docs, results)
    if show_progress:
        from tqdm.auto import tqdm

        iterator = tqdm(iterator, total=len(docs), desc="clean", unit="article")
    ledger: dict[str, dict[str, object]] = {}
    for rej in corpus.rejections:
        ledger[rej.file] = _ledger_row(rej.file, "rejected", rej.reason, "", rej.sha256, rej.n_bytes, "")
    audit_rows: list[dict[str, str]] = []
    by_id: dict[str, tuple[RawDocument, CleanedDocument]] = {}
    for doc, result in iterator:
        audit_rows.extend(result.audit)
        if result.article is None:
            ledger[doc.file] = _ledger_row(doc.file, "rejected", result.rejection or "", "", doc.sha256,
                                           doc.n_bytes, doc.doc_id)
        else:
            by_id[doc.doc_id] = (doc, result)

    def sort_key(aid: str) -> tuple[str, str]:
        return (str(by_id[aid][1].article["date"]) or "9999-99-99", aid)  # type: ignore[index]

    order = sorted(by_id, key=sort_key)
    bodies = {aid: _body(by_id[aid][1]) for aid in order}
    duplicates = find_duplicates(bodies, threshold=duplicate_threshold, order=order, mapper=mapper)
    for aid in order:
        doc, result = by_id[aid]
        if aid in duplicates:
            kept_id, jac = duplicates[aid]
            kind = "exact copy" if jac >= 0.999 else f"near-duplicate (shingle Jaccard {jac:.2f})"
            ledger[doc.file] = _ledger_row(doc.file, "duplicate", f"{kind} of {by_id[kept_id][0].file}",
                                           kept_id, doc.sha256, doc.n_bytes, aid)
        else:
            ledger[doc.file] = _ledger_row(doc.file, "kept", doc.note, "", doc.sha256, doc.n_bytes, aid)

    kept_ids = sorted(a for a in by_id if a not in duplicates)
    inputs = pd.DataFrame([ledger[k] for k in sorted(ledger)],
                          columns=["file", "status", "reason", "duplicate_of", "sha256", "bytes", "article_id"])
    if len(kept_ids) < min_articles:
        lines = "\n".join(f"  {r.file}: {r.status}{' - ' + r.reason if r.reason else ''}"
                          for r in inputs.itertuples())
        raise CleanError(f"{corpus.root}: only {len(kept_ids)} usable article(s) after cleaning; "
                         f"at least {min_articles} are needed to compare coverage.\n{lines or '  (no inputs)'}")
    articles = pd.DataFrame([by_id[a][1].article for a in kept_ids])
    paragraphs = {a: by_id[a][1].paragraphs for a in kept_ids}
    sentences = split_sentences(articles, paragraphs, mapper=mapper)
    audit = pd.DataFrame(audit_rows, columns=["article_id", "rule", "removed_text", "reason"])
    return CleanedCorpus(articles, sentences, audit, inputs)


def _clean_many(docs: list[RawDocument], **kwargs: Any) -> list[CleanedDocument]:
    return [clean_document(doc, **kwargs) for doc in docs]


def _body(result: CleanedDocument) -> str:
    article = result.article or {}
    text = str(article.get("clean_text", ""))
    if article.get("has_headline") and result.paragraphs:
        text = text[result.paragraphs[0][1]:]
    return text


def _ledger_row(file: str, status: str, reason: str, duplicate_of: str, sha256: str, n_bytes: int,
                article_id: str) -> dict[str, object]:
    return {"file": file, "status": status, "reason": reason, "duplicate_of": duplicate_of,
            "sha256": sha256, "bytes": n_bytes, "article_id": article_id}


def rejection_messages(inputs: pd.DataFrame) -> list[str]:
    """One human-readable line per input that did not make it into the analysis."""
    return [f"{r.file}: {r.status} - {r.reason}" for r in inputs.itertuples() if r.status != "kept"]


__all__ = ["BOILERPLATE_RULES", "CAPTION_PATTERNS", "CleanedCorpus", "CleanedDocument", "Rejection",
           "boilerplate_rule", "clean_corpus", "clean_document", "english_share", "find_duplicates",
           "html_to_text", "rejection_messages", "split_paragraphs", "split_sentences"]
