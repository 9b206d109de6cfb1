"""Benchmark the coverage stage: document similarity against human judgement, wire-copy recall, speed.

Datasets (read at run time, never copied into the repository):

* ``../shared/eval/semeval2022_en_dev.csv`` — SemEval-2022 Task 8 English pairs. Score: Pearson r
  of our similarity against ``-overall`` (gold 1 = very similar ... 4 = very dissimilar). Anchors:
  TF-IDF about 0.73, a MiniLM embedding about 0.84, the best competition system 0.82. Besides the
  fixed weights of ``coverage.DOC_WEIGHTS`` (chosen on these pairs, so in-sample), the script
  re-chooses the weight inside 10-fold cross-validation, repeated 10 times, and prints the
  held-out r — the honest figure.
* ``seeds/`` — 28 hand-labelled claim pairs (same fact or not; :data:`SEED_PAIRS`) score the
  claim similarity at the default threshold; and the wall time of the stage on the five articles.
* a synthetic 200-article corpus built at run time from the SemEval texts: 160 articles plus 40
  wire copies (a copy with light edits and its own headline under another outlet). Score: share
  of planted copies found by the MinHash/LSH syndication step, and wall time.

Usage: ``.venv/bin/python benchmarks/bench_coverage.py [--eval-dir DIR] [--update-floors]``.
Exits non-zero when a figure falls below its floor in ``floors_coverage.json``.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analysis import coverage, nlp  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _record import record  # noqa: E402

FLOORS = Path(__file__).with_name("floors_coverage.json")

#: Hand-labelled claim pairs from the seed corpus (our dev set for claim alignment): substrings
#: locating two claims in different articles, and whether they state the same fact. Negatives are
#: hard ones: same event, same people, different fact.
SEED_PAIRS: list[tuple[str, str, bool]] = [
    ("The idea itself is correct, and we support it", "The idea itself is correct, and we certainly support it", True),
    ("The idea itself is correct, and we support it", "The idea itself is the right one", True),
    ("lauded the US proposal", "The idea itself is correct, and we certainly support it", True),
    ("many things that still need to be discussed", "questions that need to be discussed", True),
    ("But there are questions that we need to discuss", "But there are issues that we need to discuss", True),
    ("key details must be worked out", "but details to iron out", True),
    ("Ukraine agreed to the 30-day truce", "in which Kyiv accepted proposals", True),
    ("Russia has recaptured Sudzha", "said Thursday it had recaptured Sudzha", True),
    ("had retaken the town of Sudzha", "said Thursday it had recaptured Sudzha", True),
    ("Steve Witkoff, was in Moscow", "US envoy Steve Witkoff was in Moscow", True),
    ("(I) outlined our position", "Our position is that this is nothing more", True),
    ("United States agreed to resume weapons deliveries", "The US agreed to resume military aid", True),
    ("We agree with the proposals to cease hostilities", "We agree with the proposal to cease hostilities", True),
    ("Maybe we need to have a call with President Trump", "Putin said he might call Trump", True),
    ("Ushakov said that Moscow opposes a temporary ceasefire", "Ushakov said Thursday that Moscow doesn", True),
    ("donned green camouflage", "Mr. Putin visited troops in the Kursk region on Wednesday", True),
    ("Zelenskyy accused Putin", "Putin thanked Trump", False),
    ("Zakharova went further", "Putin also proposed that Ukraine suspend", False),
    ("Peskov told CNN", "Ushakov said that Moscow opposes a temporary ceasefire", False),
    ("Trump, who said he was willing to talk to Putin", "It’s up to Russia now", False),
    ("Syrskyi confirmed", "said Thursday it had recaptured Sudzha", False),
    ("The ceasefire proposal applies to the entire front line", "Putin backs US ceasefire plan", False),
    ("almost 2,000 kilometers", "stems from the battlefield situation", False),
    ("Mr Trump has threatened to", "Hopefully Russia will do the right thing", False),
    ("top aides were even more negative", "The idea itself is correct, and we certainly support it", False),
    ("Putin sent tens of thousands of troops", "Will all those who are there come out", False),
    ("Zelenskyy accused Putin", "Putin’s top aides were even more negative", False),
    ("Marco Rubio was asked", "Putin also proposed that Ukraine suspend", False),
]


def seed_pairs(articles: pd.DataFrame, sentences: pd.DataFrame, method: str, cache: dict) -> dict[str, float]:
    """Pairwise precision/recall/F1 of the claim similarity at the default ``core`` threshold."""
    ct = coverage.claims(articles, sentences)
    texts = ct["text"].tolist()
    V = coverage.center(nlp.embed(texts, cache=cache)) if method == "minilm" else coverage._dense(
        coverage._tfidf_vectors(texts))

    def find(needle: str) -> int:
        hits = ct.index[ct["text"].str.contains(needle, regex=False)]
        if not len(hits):
            raise SystemExit(f"seed pair claim not found: {needle!r}; the seed corpus or cleaning changed")
        return int(hits[0])

    thr = coverage.FACT_THRESHOLDS[method]["core"]
    got = [(float(V[find(a)] @ V[find(b)]) >= thr, label) for a, b, label in SEED_PAIRS]
    tp = sum(p and l for p, l in got)
    fp = sum(p and not l for p, l in got)
    fn = sum(l and not p for p, l in got)
    return {"threshold": thr, "precision": tp / max(1, tp + fp), "recall": tp / max(1, tp + fn),
            "f1": 2 * tp / max(1, 2 * tp + fp + fn), "n": len(got)}


def _pearson(x: np.ndarray, y: np.ndarray) -> float:
    return float(np.corrcoef(x, y)[0, 1])


def _headline(text: str) -> str:
    # the SemEval texts start with the title on its own line
    return text.strip().split("\n", 1)[0].strip()


def semeval(path: Path, method: str, cache: dict) -> dict[str, float]:
    d = pd.read_csv(path)
    y = -d["overall"].to_numpy(dtype=float)
    texts = sorted(set(d["text1"]) | set(d["text2"]))
    parts = coverage.pair_scores(d["text1"].tolist(), d["text2"].tolist(),
                                 [_headline(t) for t in d["text1"]], [_headline(t) for t in d["text2"]],
                                 method=method, cache=cache, fit_on=texts)
    fixed = _pearson(parts["score"].to_numpy(), y)
    # honest figure: choose the lead weight on 9 folds, score the 10th, 10 shuffles
    grid = np.round(np.arange(0.0, 1.0001, 0.05), 2)
    lead, head = parts["lead"].to_numpy(), parts["headline"].to_numpy()
    held = []
    for rep in range(10):
        rng = np.random.default_rng(rep)
        folds = np.array_split(rng.permutation(len(y)), 10)
        pred = np.zeros(len(y))
        for k, test in enumerate(folds):
            train = np.concatenate([f for j, f in enumerate(folds) if j != k])
            best = max(grid, key=lambda w: (_pearson(w * lead[train] + (1 - w) * head[train], y[train]), -w))
            pred[test] = best * lead[test] + (1 - best) * head[test]
        held.append(_pearson(pred, y))
    return {"n": len(d), "fixed": fixed, "heldout": float(np.mean(held)), "lead_only": _pearson(lead, y),
            "headline_only": _pearson(head, y)}


def _split(text: str) -> list[tuple[int, int]]:
    """Sentence spans for the synthetic corpus (paragraphs, then end punctuation)."""
    spans = []
    for para in re.finditer(r"[^\n]+", text):
        start = para.start()
        for m in re.finditer(r".+?(?:[.!?][\"”’]?(?=\s+[A-Z“\"])|$)", para.group(0)):
            s = m.group(0).strip()
            if s:
                a = start + m.start() + (len(m.group(0)) - len(m.group(0).lstrip()))
                spans.append((a, a + len(s)))
    return spans


def synthetic_corpus(path: Path, *, n_original: int = 160, n_copies: int = 40, seed: int = 7
                     ) -> tuple[pd.DataFrame, pd.DataFrame, set[tuple[str, str]]]:
    """200 articles from the SemEval texts, 40 of them planted wire copies of others."""
    d = pd.read_csv(path)
    texts = sorted(set(d["text1"]) | set(d["text2"]))
    rng = random.Random(seed)
    originals = rng.sample(texts, n_original)
    arts, planted = [], set()
    for i, t in enumerate(originals):
        arts.append((f"s{i:03d}", f"Outlet {i % 12:02d}", t.strip()))
    for k in range(n_copies):
        src = rng.randrange(n_original)
        src_id, _, src_text = arts[src]
        head, _, body = src_text.partition("\n")
        words = body.split(" ")
        for _ in range(max(1, len(words) // 40)):  # light edits, as a subeditor would make
            j = rng.randrange(len(words))
            words[j] = words[j].upper() if rng.random() < 0.5 else "reportedly"
        new_id = f"s{n_original + k:03d}"
        arts.append((new_id, f"Wire outlet {k % 5}", f"Copied: {head}\n" + " ".join(words)))
        planted.add(tuple(sorted((src_id, new_id))))
    art_rows, sent_rows = [], []
    for art_id, outlet, text in arts:
        art_rows.append({"article_id": art_id, "file": f"{art_id}.txt", "outlet": outlet, "url": "", "date": "",
                         "title": text.split("\n", 1)[0], "clean_text": text, "lang": "en"})
        for k, (a, b) in enumerate(_split(text)):
            sent_rows.append({"article_id": art_id, "sent_id": f"{art_id}:s{k:03d}", "start": a, "end": b,
                              "text": text[a:b], "section": "headline" if k == 0 else ("lede" if k < 3 else "body")})
    return pd.DataFrame(art_rows), pd.DataFrame(sent_rows), planted


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--eval-dir", default=str(ROOT.parent / "shared" / "eval"))
    ap.add_argument("--update-floors", action="store_true", help="lower/raise the floors to this run's figures")
    args = ap.parse_args()
    path = Path(args.eval_dir) / "semeval2022_en_dev.csv"
    floors = json.loads(FLOORS.read_text()) if FLOORS.exists() else {}
    methods = ["minilm", "tfidf"] if nlp.embedder_status().available else ["tfidf"]
    figures: dict[str, float] = {}
    cache: dict = {}
    anchors = {"minilm": "anchor MiniLM doc 0.84, TF-IDF 0.73, best SemEval system 0.82; target 0.85",
               "tfidf": "anchor TF-IDF 0.73"}
    for method in methods:
        r = semeval(path, method, cache)
        print(f"coverage  semeval2022_en_dev.csv  {method:6s}  n={r['n']}  Pearson r held-out {r['heldout']:.3f}  "
              f"(fixed weights {r['fixed']:.3f} in-sample; lead only {r['lead_only']:.3f}, headline only "
              f"{r['headline_only']:.3f})  ({anchors[method]})")
        figures[f"semeval_{method}_heldout"] = round(r["heldout"], 3)

    from analysis import clean, corpus

    cleaned = clean.clean_corpus(corpus.read_corpus(ROOT / "seeds"))
    for method in methods:
        r = seed_pairs(cleaned.articles, cleaned.sentences, method, cache)
        print(f"coverage  seed claim pairs (hand-labelled dev set)  {method:6s}  n={r['n']}  at core threshold "
              f"{r['threshold']}: P {r['precision']:.2f}  R {r['recall']:.2f}  F1 {r['f1']:.2f}  "
              f"(anchor: precision 1.0, no hard negative merged)")
        figures[f"seed_pairs_{method}_f1"] = round(r["f1"], 3)
    for method in methods:
        t0 = time.perf_counter()
        res = coverage.run(cleaned.articles, cleaned.sentences, use_embeddings=(method == "minilm"))
        sec = time.perf_counter() - t0
        print(f"coverage  seeds/  {method:6s}  n=5 articles  {len(res.claims)} claims  {res.matrix.shape[0]} facts  "
              f"wall {sec:.1f} s (model already loaded)")

    arts, sents, planted = synthetic_corpus(path)
    for method in methods:
        t0 = time.perf_counter()
        res = coverage.run(arts, sents, use_embeddings=(method == "minilm"))
        sec = time.perf_counter() - t0
        found = set(zip(res.syndication["article_a"], res.syndication["article_b"]))
        recall = len(found & planted) / len(planted)
        extra = len(found - planted)
        print(f"coverage  synthetic-200 (from SemEval texts)  {method:6s}  n={len(arts)} articles  "
              f"{len(sents)} sentences  {len(res.claims)} claims  {res.matrix.shape[0]} facts  "
              f"wire-copy recall {recall:.3f} ({len(planted)} planted, {extra} other pairs flagged)  "
              f"wall {sec:.1f} s  (anchor: every planted copy found)")
        figures[f"synthetic_{method}_copy_recall"] = round(recall, 3)

    print(f"figures recorded in {record('coverage', figures)}")
    if args.update_floors:
        FLOORS.write_text(json.dumps(figures, indent=2, sort_keys=True) + "\n")
        print(f"floors written to {FLOORS}")
        return 0
    failed = [k for k, v in floors.items() if k in figures and figures[k] < v]
    for k in failed:
        print(f"BELOW FLOOR: {k} = {figures[k]} < {floors[k]}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
