"""Build larger synthetic corpora from the seed articles, deterministically, for scale and engine tests.

Each synthetic article takes one seed's headline and a seeded shuffle of paragraphs drawn from
all seeds, with numbers and weekdays varied so that articles overlap the way real coverage of one
event does, without being duplicates of each other.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

from analysis import clean, corpus

WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def seed_paragraphs(seeds_dir: Path) -> tuple[list[str], list[str]]:
    """(titles, body paragraphs) of the cleaned seed articles."""
    cleaned = clean.clean_corpus(corpus.read_corpus(seeds_dir), today="2026-01-01")
    titles = list(cleaned.articles["title"])
    paragraphs = []
    for text, title in zip(cleaned.articles["clean_text"], titles):
        paragraphs.extend(p for p in text.split("\n\n")[1:] if len(p.split()) >= 8)
    return titles, paragraphs


def write_corpus(seeds_dir: Path, out_dir: Path, n_articles: int, *, seed: int = 7) -> Path:
    titles, paragraphs = seed_paragraphs(seeds_dir)
    rng = random.Random(seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    rows = ["file,outlet,url,date,title"]
    for i in range(n_articles):
        body = rng.sample(paragraphs, k=min(len(paragraphs), rng.randint(6, 12)))
        body = [re.sub(r"\b(\d+)\b", lambda m: str(int(m.group(1)) + rng.randint(0, 3)), p) for p in body]
        body = [re.sub(r"\b(" + "|".join(WEEKDAYS) + r")\b", lambda m: rng.choice(WEEKDAYS), p) for p in body]
        title = f"{rng.choice(titles)} ({i})"
        name = f"synth_{i:05d}.txt"
        (out_dir / name).write_text(title + "\n\n" + "\n\n".join(body) + "\n", encoding="utf-8")
        rows.append(f"{name},Outlet {i % 17:02d},,2025-03-{1 + i % 28:02d},\"{title}\"")
    (out_dir / "manifest.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return out_dir


def line_corpus(texts: dict[str, str], outlets: dict[str, str] | None = None):
    """Articles and one-sentence-per-line sentences of a small hand-written corpus (the first line is
    the headline), as the clean stage would give them: ``(articles, sentences)`` DataFrames."""
    import pandas as pd

    arts, sents = [], []
    for art_id, text in texts.items():
        arts.append({"article_id": art_id, "file": f"{art_id}.txt",
                     "outlet": (outlets or {}).get(art_id, f"Outlet {art_id}"), "url": "", "date": "",
                     "title": "", "clean_text": text, "lang": "en"})
        pos = 0
        for k, line in enumerate(text.split("\n")):
            sents.append({"article_id": art_id, "sent_id": f"{art_id}:s{k:03d}", "start": pos,
                          "end": pos + len(line), "text": line, "section": "headline" if k == 0 else "body"})
            pos += len(line) + 1
    return pd.DataFrame(arts), pd.DataFrame(sents)
