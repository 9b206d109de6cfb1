"""SemEval-2022 Task 8 pairs scored the way a run scores them: all texts as one corpus.

``bench_coverage.semeval`` scores the 177 labelled pairs directly. A user instead gives the stage a
folder of articles and reads ``data/similarity.csv``; this module runs
:func:`analysis.coverage.document_similarity` on the benchmark's distinct texts as one corpus and
looks the labelled pairs up in its table, so the figure measures what a run writes: every pair up to
``all_pairs_max`` articles, only nearest neighbours above it (then labelled pairs can be missing).
The texts are read from the shared evaluation folder at run time, never stored here.
"""

from __future__ import annotations

import inspect
import time
from pathlib import Path

import numpy as np
import pandas as pd

from analysis import coverage, nlp


def _headline(text: str) -> str:
    return text.strip().split("\n", 1)[0].strip()  # the SemEval texts start with the title line


def corpus(path: Path) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, str]]:
    """The distinct texts as an ``articles`` table (title = first line), the labelled pairs, and
    each text's article id."""
    d = pd.read_csv(path)
    texts = sorted(set(d["text1"]) | set(d["text2"]))
    ids = {t: f"t{k:04d}" for k, t in enumerate(texts)}
    arts = pd.DataFrame({"article_id": [ids[t] for t in texts], "outlet": [ids[t] for t in texts],
                         "title": [_headline(t) for t in texts], "clean_text": texts})
    return arts, d, ids


def _embedding(cache: dict) -> dict:
    """The stage's embedding argument, with ``cache`` (``embed=`` callable, or the older ``cache=``)."""
    if "embed" in inspect.signature(coverage.document_similarity).parameters:
        return {"embed": lambda texts: nlp.embed(list(texts), cache=cache)}
    return {"cache": cache}


def all_pairs_figure(path: Path, method: str, cache: dict, *, all_pairs_max: int = coverage.similarity.ALL_PAIRS_MAX
                     ) -> dict[str, float]:
    """Pearson r of the run's similarity table against the labelled pairs it holds, and how many it holds."""
    arts, d, ids = corpus(path)
    t0 = time.perf_counter()
    sim = coverage.document_similarity(arts, None, method=method, all_pairs_max=all_pairs_max, **_embedding(cache))
    seconds = time.perf_counter() - t0
    score = {(a, b): s for a, b, s in zip(sim["article_a"], sim["article_b"], sim["score"])}
    got, gold = [], []
    for t1, t2, overall in zip(d["text1"], d["text2"], d["overall"]):
        a, b = sorted((ids[t1], ids[t2]))
        if (a, b) in score:
            got.append(score[(a, b)])
            gold.append(-float(overall))
    r = float(np.corrcoef(got, gold)[0, 1]) if len(got) > 2 else float("nan")
    return {"articles": len(arts), "pairs": len(sim), "labelled": len(d), "found": len(got), "r": r,
            "seconds": seconds}
