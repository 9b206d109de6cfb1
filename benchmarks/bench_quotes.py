"""Benchmark quote extraction and speaker attribution on labelled news quotes.

Data (read at run time, never copied into the repo): ``../shared/eval/ggt_quotes_dev.jsonl``
(Gender Gap Tracker annotations) and ``../shared/eval/polnear_dev.jsonl`` (PolNeAR attributions).
Scoring follows ``eval/README.md`` exactly (the Gender Gap Tracker's rule):

* overlap of a prediction with a gold span = share of the gold span's characters it covers;
  a match needs overlap strictly above the threshold (0.3 lenient, 0.8 strict);
* per article, gold quotes in order of start each take the still-unmatched prediction with the
  highest overlap; TP = matched gold, FN = unmatched gold, FP = predictions left over; micro
  averages over articles; all quotes and direct quotes only (gold ``type == "direct"``, and
  for predictions our ``kind`` direct or partial, i.e. the span starts with a quotation mark);
* speaker accuracy over matched pairs (0.3): the gold speaker's last name appears in the
  predicted speaker (case-insensitive), skipping empty and pronoun gold speakers. The last name
  is that of the name part of the gold span (:func:`source_name`: PolNeAR's source spans carry
  appositives, "Scott Pruitt, the attorney general of Oklahoma,"); the figure with the span's
  literal last word (``speaker_acc_literal``, the rule before 2026-11-29) is printed too. The gold
  speaker is the annotated mention (``speaker``); the figure against the annotators' resolved
  person (``speaker_reference``) is printed too.

For PolNeAR, whose one attribution covers the fragments of a quotation split by its frame
(``"A," X said. "B."``), our consecutive fragments with the same speaker are joined before
scoring (:func:`join_fragments`); GGT keeps the fragments apart, as we do.

Predictions are the top-level quotes of :func:`analysis.quotes.extract_corpus` (a quoted
fragment inside a reported clause is part of that clause's span, as in the annotations),
without unattributed partial quotes (scare quotes, titles: no speaker, so not a quotation).
Articles are split in two halves by a hash of their id: ``tune`` (used while developing) and
``held`` (not looked at); both are printed.

Usage::

    .venv/bin/python benchmarks/bench_quotes.py [--eval-dir ../shared/eval] [--detail] [--update-floors]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analysis import quotes  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _record import record  # noqa: E402

FLOORS = Path(__file__).with_name("floors_quotes.json")
PRONOUNS = {"he", "she", "they", "it", "we", "i", "you", "him", "her", "them", "his", "their", "one", "who"}
ANCHORS = {
    ("ggt", "all", 0.3): "GGT system F1 0.837; textacy 0.57; quote-mark regex 0.67",
    ("ggt", "direct", 0.3): "textacy P 0.97 / R 0.69 (F1 ~0.81; 0.72 in eval/README); regex 0.85",
    ("ggt", "speaker", 0.3): "GGT speaker accuracy 0.865",
}


def half_of(article_id: str) -> str:
    return "tune" if int(hashlib.sha1(article_id.encode()).hexdigest(), 16) % 2 == 0 else "held"


def load(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def predict(rows: list[dict], *, include_cognition: bool) -> pd.DataFrame:
    articles = pd.DataFrame({"article_id": [r["id"] for r in rows], "clean_text": [r["text"] for r in rows],
                             "outlet": [r.get("outlet") or r.get("publisher") or "" for r in rows]})
    q = quotes.extract_corpus(articles, include_cognition=include_cognition)
    # a quote is attributed speech: unattributed quoted fragments (scare quotes, titles) are not
    return q[(q["contained_in"] == "") & ~((q["kind"] == "partial") & (q["speaker"] == ""))]


def overlap(gold: tuple[int, int], pred: tuple[int, int]) -> float:
    lo, hi = max(gold[0], pred[0]), min(gold[1], pred[1])
    return max(0, hi - lo) / max(1, gold[1] - gold[0])


def last_name(speaker: str) -> str:
    words = [w.strip(".,;:’'\"()") for w in speaker.split()]
    words = [w for w in words if w and w.lower() not in ("’s", "'s")]
    return words[-1].lower().removesuffix("’s").removesuffix("'s") if words else ""


# where a gold source span's name ends: PolNeAR's source spans carry the appositive, the age, the
# party tag or a relative clause ("Scott Pruitt, the attorney general of Oklahoma,"; "Rep. Jim Jordan
# (R-Ohio)"; "Schiff, 56, who ..."), whose last word is not the speaker's last name
_NAME_END = re.compile(r",|\s\(|\s--|\s[—–]|\swho\s|\swhich\s|\sthat\s")
_NAME_OF = re.compile(r"(.+?)\s(?:of|from|at|for)\s")
_PROPER = re.compile(r"(?:[A-Z][\w.’'-]*\s)*[A-Z][\w’'-]+")


def source_name(speaker: str) -> str:
    """The last name of a gold source span: the last word of its name part, before any appositive.

    "Scott Pruitt, the Republican attorney general of Oklahoma," -> "pruitt"; "Mr. Morgan of the
    Sierra Club" -> "morgan"; "the Roper Center for Public Opinion Research" (not a name of two or
    more capitalised words before "for") keeps its last word. GGT's mentions ("Lonechild", "she")
    are unchanged by this rule.
    """
    head = _NAME_END.split(speaker.strip())[0].strip()
    m = _NAME_OF.match(head)
    if m and _PROPER.fullmatch(m.group(1)) and len(m.group(1).split()) >= 2:
        head = m.group(1)
    return last_name(head)


def join_fragments(pred: pd.DataFrame, texts: dict[str, str], *, max_gap: int = 160) -> pd.DataFrame:
    """PolNeAR's convention: one attribution per utterance, its content the fragments around the frame.

    ``"A," X said. "B."`` is one PolNeAR attribution whose span runs from A to B (the README's
    ``start``/``end``: first to last character of the content spans); we, like the Gender Gap
    Tracker, give two quotes. For scoring against PolNeAR, consecutive quoted predictions of one
    article with the same speaker are joined when the text between them is only the attribution
    frame (short, no paragraph break, holds the first one's speaker mention or is blank).
    """
    if pred.empty:
        return pred
    rows = []
    for aid, g in pred.sort_values(["article_id", "start"]).groupby("article_id", sort=True):
        text = texts[aid]
        cur = None
        for r in g.to_dict("records"):
            if cur is not None and r["speaker"] and r["speaker"] == cur["speaker"] \
                    and cur["kind"] in ("direct", "partial") and r["kind"] in ("direct", "partial") \
                    and 0 <= r["start"] - cur["end"] <= max_gap:
                gap = text[cur["end"]:r["start"]]
                frame = cur["speaker_start"] >= cur["end"] and cur["speaker_end"] <= r["start"]
                if "\n" not in gap and (frame or not gap.strip()) and not any(c in gap for c in "“”\""):
                    cur = {**cur, "end": r["end"]}
                    continue
            if cur is not None:
                rows.append(cur)
            cur = r
        if cur is not None:
            rows.append(cur)
    return pd.DataFrame(rows, columns=pred.columns)


def score(rows: list[dict], pred: pd.DataFrame, *, threshold: float, direct_only: bool) -> dict:
    by_article = {aid: g for aid, g in pred.groupby("article_id")}
    tp = fp = fn = 0
    spk_ok = spk_n = ref_ok = ref_n = head_ok = 0
    for r in rows:
        gold = sorted(r["quotes"], key=lambda g: (g["start"], g["end"]))
        if direct_only:
            gold = [g for g in gold if g["type"] == "direct"]
        p = by_article.get(r["id"], pred.iloc[0:0])
        if direct_only:
            p = p[p["kind"].isin(["direct", "partial"])]
        cand = [(int(x.start), int(x.end), str(x.speaker), str(x.speaker_mention)) for x in p.itertuples()]
        used: set[int] = set()
        for g in gold:
            best, best_k = 0.0, -1
            for k, c in enumerate(cand):
                if k in used:
                    continue
                o = overlap((g["start"], g["end"]), (c[0], c[1]))
                if o > best:
                    best, best_k = o, k
            if best_k >= 0 and best > threshold:
                used.add(best_k)
                tp += 1
                predicted = cand[best_k][2]
                gs = (g.get("speaker") or "").strip()
                if gs and gs.lower() not in PRONOUNS:
                    spk_n += 1
                    spk_ok += last_name(gs) in predicted.lower() if last_name(gs) else 0
                    head_ok += source_name(gs) in predicted.lower() if source_name(gs) else 0
                gr = (g.get("speaker_reference") or "").strip()
                if gr and gr.lower() not in PRONOUNS:
                    ref_n += 1
                    ref_ok += last_name(gr) in predicted.lower() if last_name(gr) else 0
            else:
                fn += 1
        fp += len(cand) - len(used)
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return {"P": prec, "R": rec, "F1": f1, "tp": tp, "fp": fp, "fn": fn, "n_gold": tp + fn,
            "speaker_acc": head_ok / spk_n if spk_n else 0.0, "speaker_n": spk_n,
            "speaker_acc_literal": spk_ok / spk_n if spk_n else 0.0,
            "speaker_ref_acc": ref_ok / ref_n if ref_n else 0.0, "speaker_ref_n": ref_n}


def _labels():
    """``tests/quote_cluster_labels.py``, the hand-made utterance labels (a test helper, not a package)."""
    if str(ROOT / "tests") not in sys.path:
        sys.path.insert(0, str(ROOT / "tests"))
    import quote_cluster_labels

    return quote_cluster_labels


EVAL_DIR = ROOT.parent / "shared" / "eval"


def _cluster_sets() -> list[tuple[str, pd.DataFrame, Callable[[pd.DataFrame], tuple[dict, list[str]]]]]:
    """(name, articles, labeller) of the labelled clustering sets; ``labeller(quotes)`` gives
    ``({quote_id: utterance}, label problems)``. The fourth set (PolNeAR) only when its file is there."""
    from analysis import clean, corpus

    labels = _labels()

    seeds = clean.clean_corpus(corpus.read_corpus(ROOT / "seeds"), today="2026-01-01").articles
    sets = [("seeds", seeds, partial(labels.resolve, groups=labels.SEED_GROUPS)),
            ("invented", labels.invented_articles(), partial(labels.resolve, groups=labels.INVENTED_GROUPS)),
            ("pope", labels.pope_articles(), partial(labels.resolve, groups=labels.POPE_GROUPS))]
    path = EVAL_DIR / "polnear_dev.jsonl"
    if path.exists():
        arts, rows = labels.polnear_set(path)
        sets.append(("polnear", arts,
                     lambda q: (labels.resolve_by_offsets(q, rows, labels.POLNEAR_GROUPS), [])))
    return sets


def cluster_figures(*, use_embeddings: bool = True) -> dict[str, float]:
    """Utterance clusters against our hand-made labels (``tests/quote_cluster_labels.py``).

    Four sets: every quote the stage extracts from the five seed articles, a small invented
    corpus of translated remarks, a real event of another kind (Pope Leo XIV's first address in
    six English renderings, texts written by us around the published translations), and texts
    nobody here wrote (four PolNeAR dev articles: two stories, each told by two outlets; labels as
    attribution indices, the texts read from ``--eval-dir`` at run time). Pairwise and B-cubed
    precision / recall / F1 over all quotes (direct, partial, indirect; a quote with no
    ``cluster_id`` is its own cluster), with the shipped settings, and the missed pairs by cause
    (:func:`missed_by_cause`); with embeddings, :func:`cluster_held_out` adds the figures of
    settings fitted without the set scored.
    """
    from analysis import nlp

    labels = _labels()
    emb = use_embeddings and nlp.embedder_status().available
    figures: dict[str, float] = {}
    for name, arts, labeller in _cluster_sets():
        q = quotes.run(arts, use_embeddings=emb).quotes
        resolved, problems = labeller(q)
        truth, _ = labels.truth_partition(q, resolved)
        s = labels.cluster_scores(truth, labels.predicted_partition(q))
        for p in problems:
            print(f"  clusters  {name}  label problem: {p}")
        print(f"clusters  {name:8s} n={s['n_quotes']:3d} ({'MiniLM' if emb else 'lexical only'})  "
              f"pairwise P {s['pair_P']:.3f} R {s['pair_R']:.3f} F1 {s['pair_F1']:.3f}  "
              f"B-cubed P {s['b3_P']:.3f} R {s['b3_R']:.3f} F1 {s['b3_F1']:.3f}")
        for key in ("pair_P", "pair_R", "pair_F1", "b3_P", "b3_R", "b3_F1"):
            figures[f"clusters_{name}_{key}"] = round(s[key], 4)
        if emb:
            causes = missed_by_cause(q, resolved)
            print(f"clusters  {name:8s} missed pairs by cause: "
                  + ", ".join(f"{k} {v}" for k, v in sorted(causes.items(), key=lambda kv: (-kv[1], kv[0]))))
    if emb:
        figures.update(cluster_held_out())
    return figures


def missed_by_cause(q: pd.DataFrame, truth: dict) -> dict[str, int]:
    """Why the pairs of one labelled utterance that ``q`` (clustered) puts apart were missed, counted.

    ``short fragment``: one side is shorter than ``min_words`` and takes no part (no named speaker, one
    content word) or joins by word alignment only. ``speaker``: the two are not credited to one named speaker (different or unresolved
    names, a description, none), so the speaker step never compares them. Two quotations of one
    article (never compared), or the parts of one quotation interrupted by its attribution ("A," she
    said. "B."), which labels count as one remark when B goes on with A. Otherwise
    the pair score of :func:`analysis.quotes.meaning.pair_evidence`: below ``attach_score`` (by kind:
    quote~quote, i.e. another translation or trim; quote~reported; reported~reported), or above it but
    the groups were kept apart (average linkage, the one-passage rule or the endorse/distance rule).
    """
    from collections import Counter

    from analysis import nlp
    from analysis.quotes import clusters, meaning

    t = quotes.ClusterThresholds()
    eligible = clusters._eligible(q, t)
    found = clusters._renderings(q, eligible, max_gap=t.max_passage_gap, min_words=t.min_words)
    pos = {str(q.at[i, "quote_id"]): k for k, i in enumerate(eligible)}
    cid = dict(zip(q["quote_id"].astype(str), q["cluster_id"].astype(str)))
    members: dict = {}
    for qid, g in truth.items():
        members.setdefault(g, []).append(qid)
    causes: Counter[str] = Counter()
    pending = []
    for ids in members.values():
        for a in range(len(ids)):
            for b in range(a + 1, len(ids)):
                x, y = ids[a], ids[b]
                if cid[x] and cid[x] == cid[y]:
                    continue
                kx, ky = pos.get(x), pos.get(y)
                if kx is None or ky is None or found.fragment[kx] or found.fragment[ky]:
                    causes["short fragment"] += 1  # left out, or joins by word alignment only
                elif not (clusters.speaker_key(found.speakers[kx]) and
                          clusters.speaker_key(found.speakers[kx]) == clusters.speaker_key(found.speakers[ky])):
                    causes["speaker"] += 1
                elif found.articles[kx] == found.articles[ky] and found.quoted_in[kx] and found.quoted_in[ky]:
                    same = found.quoted_in[kx] == found.quoted_in[ky]
                    causes["parts of one interrupted passage" if same else "two quotations of one article"] += 1
                else:
                    pending.append((min(kx, ky), max(kx, ky)))
    evidence = meaning.pair_evidence(found.texts, pending, embed=nlp.embed) if pending else {}
    for x, y in pending:
        kinds = "~".join(sorted("reported" if found.reported[k] else "quote" for k in (x, y)))
        e = evidence[(x, y)]
        causes[f"{kinds} score < {t.attach_score}" if e.score < t.attach_score else "kept apart by a group rule"] += 1
    return dict(causes)


def _speaker_pair_table(q: pd.DataFrame, truth: dict, embed) -> pd.DataFrame:
    """Scored rendering pairs by one named speaker (the pairs the speaker step sees), labelled same/other remark."""
    from analysis.quotes import clusters, meaning

    labels = _labels()
    t = quotes.ClusterThresholds()
    eligible = clusters._eligible(q, t)
    found = clusters._renderings(q, eligible, max_gap=t.max_passage_gap, min_words=t.min_words)
    ev = meaning.pair_evidence(found.texts, clusters._speaker_pairs(found, t, embed), embed=embed)
    ids = [str(q.at[i, "quote_id"]) for i in eligible]
    return pd.DataFrame([{"window": e.window, "words": e.words, "words_short": e.words_short,
                          "y": int(ids[x] in truth and truth.get(ids[x]) == truth.get(ids[y]))}
                         for (x, y), e in ev.items()])


def _fit_setting(pairs: pd.DataFrame, score_sets, names: list[str], grid: list[tuple[float, float]]):
    """Evidence weights by logistic regression on ``pairs``, then a grid setting chosen on ``names``.

    The issue's target is pairwise precision 0.85: among the settings whose precision reaches
    :data:`MIN_PRECISION` on every set in ``names``, the one with the best mean pairwise F1; when
    none does, the best mean F0.5 (precision counts double: a wrong merge shows a reader two remarks
    as one, a missed one only hides a comparison). Sets :data:`meaning.EVIDENCE_WEIGHTS` / ``BIAS``.
    """
    from sklearn.linear_model import LogisticRegression

    from analysis.quotes import meaning

    def f_beta(p: float, r: float, b2: float) -> float:
        return (1 + b2) * p * r / (b2 * p + r) if p + r else 0.0

    fit = LogisticRegression(max_iter=1000).fit(pairs[list(FEATURES)], pairs["y"])
    meaning.EVIDENCE_WEIGHTS = tuple(round(float(w), 3) for w in fit.coef_[0])
    meaning.EVIDENCE_BIAS = round(float(fit.intercept_[0]), 3)

    def key(g: tuple[float, float]) -> tuple:
        s = [score_sets(n, g) for n in names]
        precise = min(x["pair_P"] for x in s) >= MIN_PRECISION
        fb = sum(f_beta(x["pair_P"], x["pair_R"], 1.0 if precise else 0.25) for x in s)
        return precise, round(fb, 6), g

    return max(grid, key=key)


MIN_PRECISION = 0.85


FEATURES = ("window", "words", "words_short")
CLUSTER_KEYS = ("pair_P", "pair_R", "pair_F1", "b3_P", "b3_R", "b3_F1")


def cluster_held_out(attach: tuple[float, ...] = (0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7),
                     report: tuple[float, ...] = (1.0, 0.4, 0.3, 0.2)) -> dict[str, float]:
    """Clustering of each labelled set with settings fitted on the other sets (leave one set out).

    The evidence weights (:data:`analysis.quotes.meaning.EVIDENCE_WEIGHTS`) are refitted by
    logistic regression on the other sets' speaker pairs, and ``attach_score`` and
    ``report_attach`` are the grid values chosen on them by :func:`_fit_setting`. The same fit on
    all sets is printed last: it is what ships (a test checks the shipped weights and thresholds
    equal it), so the shipped figures are in-sample and the held-out ones are those to trust.
    """
    from analysis import nlp
    from analysis.quotes import meaning

    labels = _labels()
    cache: dict = {}
    embed = partial(nlp.embed, cache=cache)
    sets = {}
    for name, arts, labeller in _cluster_sets():
        q = quotes.extract_corpus(arts)
        sets[name] = (q, labeller(q)[0])
    pairs = {name: _speaker_pair_table(q, truth, embed) for name, (q, truth) in sets.items()}
    shipped = meaning.EVIDENCE_WEIGHTS, meaning.EVIDENCE_BIAS
    grid = [(a, r) for a in attach for r in report]

    def scores(name: str, setting: tuple[float, float]) -> dict[str, float]:
        q, truth = sets[name]
        c = quotes.cluster_variants(q, quotes.ClusterThresholds(attach_score=setting[0], report_attach=setting[1]),
                                    embed=embed)
        return labels.cluster_scores(labels.truth_partition(c, truth)[0], labels.predicted_partition(c))

    figures: dict[str, float] = {}
    try:
        for held in sets:
            others = [n for n in sets if n != held]
            chosen = _fit_setting(pd.concat([pairs[n] for n in others]), scores, others, grid)
            s = scores(held, chosen)
            print(f"clusters  {held:8s} held out (weights {meaning.EVIDENCE_WEIGHTS} bias {meaning.EVIDENCE_BIAS}, "
                  f"attach_score {chosen[0]}, report_attach {chosen[1]})  "
                  f"pairwise P {s['pair_P']:.3f} R {s['pair_R']:.3f} F1 {s['pair_F1']:.3f}  "
                  f"B-cubed P {s['b3_P']:.3f} R {s['b3_R']:.3f} F1 {s['b3_F1']:.3f}")
            for key in CLUSTER_KEYS:
                figures[f"clusters_{held}_heldout_{key}"] = round(s[key], 4)
        for key in CLUSTER_KEYS:
            figures[f"clusters_heldout_mean_{key}"] = round(
                sum(figures[f"clusters_{n}_heldout_{key}"] for n in sets) / len(sets), 4)
        print("clusters  held-out mean over sets  " + "  ".join(
            f"{k} {figures[f'clusters_heldout_mean_{k}']:.3f}" for k in CLUSTER_KEYS))
        chosen = _fit_setting(pd.concat(pairs.values()), scores, list(sets), grid)
        t = quotes.ClusterThresholds()
        fitted = (meaning.EVIDENCE_WEIGHTS, meaning.EVIDENCE_BIAS, *chosen)
        figures["clusters_shipped_is_all_sets_fit"] = float(fitted == (*shipped, t.attach_score, t.report_attach))
        print(f"clusters  fit on all sets: EVIDENCE_WEIGHTS {meaning.EVIDENCE_WEIGHTS} EVIDENCE_BIAS "
              f"{meaning.EVIDENCE_BIAS} attach_score {chosen[0]} report_attach {chosen[1]} (shipped: {shipped[0]} "
              f"{shipped[1]} attach_score {t.attach_score} report_attach {t.report_attach}"
              + ("" if figures["clusters_shipped_is_all_sets_fit"] else "; SHIPPED SETTINGS ARE NOT THIS FIT") + ")")
    finally:
        meaning.EVIDENCE_WEIGHTS, meaning.EVIDENCE_BIAS = shipped
    return figures


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--eval-dir", default=str(ROOT.parent / "shared" / "eval"))
    ap.add_argument("--detail", action="store_true",
                    help="also print tune/held halves, direct-only and strict-overlap lines")
    ap.add_argument("--update-floors", action="store_true",
                    help="lower or raise the pinned floors to 0.02 below today's figures")
    args = ap.parse_args(argv)
    eval_dir = Path(args.eval_dir)
    global EVAL_DIR
    EVAL_DIR = eval_dir
    datasets = {"ggt": ("ggt_quotes_dev.jsonl", False), "polnear": ("polnear_dev.jsonl", True)}
    figures: dict[str, float] = cluster_figures()
    for name, (fname, cognition) in datasets.items():
        path = eval_dir / fname
        if not path.exists():
            print(f"quotes  {fname}  missing, skipped")
            continue
        rows = load(path)
        t0 = time.perf_counter()
        pred = predict(rows, include_cognition=cognition)
        secs = time.perf_counter() - t0
        if name == "polnear":  # PolNeAR's spans run over the frame of a split quotation
            pred = join_fragments(pred, {r["id"]: r["text"] for r in rows})
        head = score(rows, pred, threshold=0.3, direct_only=False)
        held = score([r for r in rows if half_of(r["id"]) == "held"], pred, threshold=0.3, direct_only=False)
        anchor = "; ".join(v for k, v in ANCHORS.items() if k[0] == name and k[1] != "direct") or "none published for this split"
        print(f"quotes  {fname}  n={head['n_gold']}  F1 {head['F1']:.3f} (P {head['P']:.3f} R {head['R']:.3f}, "
              f"overlap>0.3, all quotes; held-out half {held['F1']:.3f})  speaker_acc {head['speaker_acc']:.3f} "
              f"(held-out {held['speaker_acc']:.3f})" + (f"  (anchors: {anchor})" if anchor else ""))
        for part in ("all", "tune", "held"):
            sub = rows if part == "all" else [r for r in rows if half_of(r["id"]) == part]
            for scope in ("all", "direct"):
                for thr in (0.3, 0.8):
                    s = score(sub, pred, threshold=thr, direct_only=scope == "direct")
                    anchor = ANCHORS.get((name, scope, thr), "")
                    line = (f"quotes  {fname}  {part:4s} n_art={len(sub):3d} {scope:6s} @{thr}  n={s['n_gold']:4d}  "
                            f"P {s['P']:.3f}  R {s['R']:.3f}  F1 {s['F1']:.3f}")
                    if scope == "all" and thr == 0.3:
                        line += (f"  speaker_acc {s['speaker_acc']:.3f} (n={s['speaker_n']}; "
                                 f"last word of the span {s['speaker_acc_literal']:.3f})"
                                 f"  vs_resolved {s['speaker_ref_acc']:.3f} (n={s['speaker_ref_n']})")
                        if (name, "speaker", 0.3) in ANCHORS:
                            anchor += f"; speaker anchor {ANCHORS[(name, 'speaker', 0.3)]}"
                    if args.detail:
                        print("  " + line + (f"  (anchor {anchor})" if anchor and part == "all" else ""))
                    if part == "all":
                        figures[f"{name}_{scope}_f1_{thr}"] = round(s["F1"], 4)
                        if scope == "all" and thr == 0.3:
                            figures[f"{name}_speaker_acc"] = round(s["speaker_acc"], 4)
                            figures[f"{name}_speaker_acc_literal"] = round(s["speaker_acc_literal"], 4)
        if args.detail:
            print(f"  quotes  {fname}  extraction wall time {secs:.1f} s for {len(rows)} articles")
    print(f"figures recorded in {record('quotes', figures)}")
    floors = json.loads(FLOORS.read_text()) if FLOORS.exists() else {}
    if args.update_floors:
        FLOORS.write_text(json.dumps({k: round(max(0.0, v - 0.02), 3) for k, v in sorted(figures.items())},
                                     indent=2) + "\n")
        print(f"floors written to {FLOORS}")
        return 0
    failed = [f"{k} {figures[k]:.3f} < floor {v:.3f}" for k, v in floors.items() if k in figures and figures[k] < v]
    for f in failed:
        print("BELOW FLOOR:", f)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
