"""Sentence numbering for hand-labelled BASIL facts (benchmarks only; reads the shared file at run time).

Labels of the coverage benchmark name sentences by index, never by text, so the texts stay in
``../shared/eval/``. This module fixes what an index means: the body ``text`` of a BASIL article is
split into paragraphs on blank lines, each paragraph into sentences after ``.``, ``!`` or ``?`` (with
any closing quotation marks) followed by a space and an upper-case letter, digit or opening quote.
Index 0 is the headline (``title``); body sentences are numbered from 1 in reading order.

``python benchmarks/labels/basil_sentences.py EVENT_NUMBER`` prints the three articles of the
event (numbered by first appearance in the file, from 0) with their sentence indices, for labelling.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

EVAL = Path(__file__).resolve().parents[3] / "shared" / "eval"
BASIL = EVAL / "basil_dev.jsonl"

_BOUNDARY = re.compile(r"(?<=[.!?])[\"'\u201d\u2019)]*\s+(?=[\"'\u201c\u2018(]?[A-Z0-9])")
#: words that end in a full stop without ending a sentence (titles, initials, "U.S.")
_ABBREVIATIONS = frozenset("mr mrs ms dr prof rep reps sen sens gov gen lt col sgt capt st jr sr inc corp "
                           "co ltd no vs u.s u.k u.n d.c a.m p.m jan feb aug sept oct nov dec".split())


def _is_abbreviation(before: str) -> bool:
    word = before.rsplit(None, 1)[-1].rstrip(".").lstrip("(\"'\u201c").lower() if before.strip() else ""
    return word in _ABBREVIATIONS or bool(re.fullmatch(r"(?:[a-z]\.)*[a-z]", word))


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Character spans ``(start, end)`` of the body's sentences, in reading order."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for para in text.split("\n\n"):
        cursor = 0
        for m in _BOUNDARY.finditer(para):
            if _is_abbreviation(para[cursor:m.start()]):
                continue
            end = m.start() + len(m.group(0).rstrip())
            spans.append((pos + cursor, pos + end))
            cursor = m.end()
        spans.append((pos + cursor, pos + len(para)))
        pos += len(para) + 2
    out = []
    for a, b in spans:
        piece = text[a:b]
        if piece.strip():
            out.append((a + len(piece) - len(piece.lstrip()), b - len(piece) + len(piece.rstrip())))
    return out


def events(path: Path = BASIL) -> list[list[dict]]:
    """The triplets in file order: each a list of three article rows (fox, nyt, hpo)."""
    order: list[str] = []
    by_event: dict[str, list[dict]] = {}
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            if row["event_id"] not in by_event:
                order.append(row["event_id"])
                by_event[row["event_id"]] = []
            by_event[row["event_id"]].append(row)
    return [by_event[e] for e in order]


def numbered_sentences(row: dict) -> list[str]:
    """Index -> sentence text: 0 is the headline, then the body sentences."""
    return [row["title"]] + [row["text"][a:b] for a, b in split_sentences(row["text"])]


def main(argv: list[str]) -> int:
    number = int(argv[0])
    triplet = events()[number]
    print(f"# event {number}: {triplet[0]['event_id']} — {triplet[0]['main_event']}")
    for row in triplet:
        print(f"\n## {row['outlet']} ({row['article_id']})")
        for i, sent in enumerate(numbered_sentences(row)):
            print(f"[{i}] {sent}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
