"""Rules as data: boilerplate and caption patterns, metadata/dateline patterns, and the small
line-level tests (English share, dates, headlines) that the document cleaner applies.

Rules are grouped by concept and applied to whole short lines only: a long line that happens to
contain "subscribe" is reporting, not boilerplate.
"""

from __future__ import annotations

import datetime as _dt
import re

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
    r"[A-Z][A-Z'-]{2,}(?:\s[A-Z][A-Z'-]{2,})?(?:,\s*[A-Z][a-z]+(?:\s[A-Z][a-z]+)?)?)\s*[—–―-]{1,2}\s+")

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
