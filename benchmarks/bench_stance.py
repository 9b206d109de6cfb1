"""Benchmark the stance stage on BASIL (Fan et al., EMNLP 2019): 50 events x 3 outlets.

Two questions, printed one line each:

1. Span level: do our cue words land on the annotated *lexical* bias spans? A cue matches a gold
   span when they share at least one token (any character overlap). Precision = matched cues /
   cues, recall = gold spans hit / gold spans. Two cue sets: the stance cues in clauses of the
   annotated main entities (what the stage scores), and every stance-class cue in the article
   (target-agnostic). Anchor: the share of all tokens that sit inside a lexical span — the
   precision of picking tokens at random.
2. Article level: within each event, does ``support_score`` towards a main entity order the
   three articles as the annotators did? Gold is ``author_feeling_entities`` (neg < neu < pos)
   and, separately, the span polarity balance (positive minus negative spans aimed at the
   entity). Pairwise concordance over article pairs whose gold differs; tied predictions count
   one half. Anchor 0.50 (chance).

3. NewsMTSC dev (Hamborg & Donnay, EACL 2021), framing vs portrayal: each sentence scored alone
   with its annotated mention as the actor. On the sentences where the framing finds a stance cue
   in the actor's clauses and the gold polarity is not neutral, does the sign of ``support_score``
   equal the gold polarity? Anchors: 0.50 (a coin), and the majority sign among those sentences.
   The two measures ask different things (which way an actor leans vs how the wording makes the
   reader feel about the actor), so agreement is expected to be modest.
4. Portrayal on BASIL: per article, the mean portrayal (P(pos) - P(neg)) of the main entity over
   the article's narration sentences (quotes left out), ordered within each event against
   ``author_feeling_entities`` (pairwise concordance as in 2). Needs the trained weights.

Run: ``.venv/bin/python benchmarks/bench_stance.py [--data ../shared/eval/basil_dev.jsonl]``.
Exits non-zero when a figure falls below its floor in ``floors_stance.json``; ``--update-floors``
rewrites the floors from this run (an explicit, reviewed act).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analysis import stance  # noqa: E402
from analysis.nlp import load_spacy  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _record import record  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "eval" / "basil_dev.jsonl"
FLOORS = Path(__file__).with_name("floors_stance.json")
STANCE_CLASSES = ("endorsing", "distancing", "opposing", "positive", "negative")
FEELING = {"neg": -1, "neu": 0, "pos": 1}


def load(path: Path) -> list[dict]:
    """Rows of the JSONL; ``uid`` = event + outlet, since a few BASIL ``article_id`` are "empty"."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [dict(r, uid=f"{r['event_id']}:{r['outlet']}") for r in rows]


def tables(rows: list[dict]) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, list[tuple[int, int, dict]]]]:
    """articles/sentences as the clean stage would give them: clean_text = title + blank line + body."""
    senter = load_spacy(parser=False, ner=False)
    arts, sents, gold = [], [], {}
    for r in rows:
        aid = r["uid"]
        title = " ".join(r["title"].split())
        shift = len(title) + 2
        text = title + "\n\n" + r["text"]
        arts.append(dict(article_id=aid, file=aid, outlet=r["outlet"], url=r["url"], date=r["date"], title=title,
                         clean_text=text, lang="en"))
        spans = [(0, len(title))]
        pos = shift
        paras = r["text"].split("\n\n")
        for para, doc in zip(paras, senter.pipe(paras, batch_size=64)):
            # some bodies repeat the title as their first paragraph: it is the headline already
            if " ".join(para.split()) == title and len(spans) == 1:
                pos += len(para) + 2
                continue
            for s in doc.sents:
                if s.text.strip():
                    spans.append((pos + s.start_char, pos + s.end_char))
            pos += len(para) + 2
        for k, (a, b) in enumerate(spans):
            section = "headline" if k == 0 else "lede" if k <= 2 else "body"
            sents.append(dict(article_id=aid, sent_id=f"{aid}:s{k:03d}", start=a, end=b, text=text[a:b],
                              section=section))
        gold[aid] = [((sp["start"] if sp["field"] == "title" else sp["start"] + shift),
                      (sp["end"] if sp["field"] == "title" else sp["end"] + shift), sp) for sp in r["spans"]]
    return pd.DataFrame(arts), pd.DataFrame(sents), gold


def overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def span_scores(cues: pd.DataFrame, gold: dict, *, kind: str = "lexical") -> tuple[float, float, int, int]:
    n_pred = n_pred_hit = n_gold = n_gold_hit = 0
    for aid, spans in gold.items():
        g = [(a, b) for a, b, sp in spans if sp["bias_type"] == kind]
        p = [(r.start, r.end) for r in cues[cues["article_id"] == aid].itertuples()]
        n_pred += len(p)
        n_gold += len(g)
        n_pred_hit += sum(any(overlap(x, y) for y in g) for x in p)
        n_gold_hit += sum(any(overlap(y, x) for x in p) for y in g)
    return (n_pred_hit / n_pred if n_pred else 0.0, n_gold_hit / n_gold if n_gold else 0.0, n_pred, n_gold)


def base_rate(articles: pd.DataFrame, gold: dict) -> float:
    inside = total = 0
    for r in articles.itertuples():
        g = [(a, b) for a, b, sp in gold[r.article_id] if sp["bias_type"] == "lexical"]
        pos = 0
        for tok in r.clean_text.split():
            start = r.clean_text.index(tok, pos)
            pos = start + len(tok)
            total += 1
            inside += any(overlap((start, pos), y) for y in g)
    return inside / total


def all_cues(articles: pd.DataFrame, sentences: pd.DataFrame, docs: dict) -> pd.DataFrame:
    """Every stance-class lexicon match in the article, whoever the clause belongs to."""
    lex = stance.default_lexicon()
    rows = []
    for s in sentences.itertuples():
        doc = docs[s.sent_id]
        for a, b, cue in stance.match_cues(doc, lex):
            if cue.cue_class in STANCE_CLASSES:
                rows.append(dict(article_id=s.article_id, start=s.start + doc[a].idx,
                                 end=s.start + doc[b - 1].idx + len(doc[b - 1])))
    return pd.DataFrame(rows, columns=["article_id", "start", "end"])


def concordance(rows: list[dict], scores: pd.DataFrame, gold_of) -> tuple[float, int]:
    by_event: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        by_event[r["event_id"]].append(r)
    score = scores.set_index(["article_id", "target"])["support_score"]
    agree = n = 0.0
    for event, arts in sorted(by_event.items()):
        for ent in arts[0]["main_entities"]:
            target = ent.replace("_", " ")
            vals = []
            for r in arts:
                g = gold_of(r, ent)
                if g is None or (r["uid"], target) not in score.index:
                    continue
                vals.append((g, float(score[(r["uid"], target)])))
            for i in range(len(vals)):
                for j in range(i + 1, len(vals)):
                    (g1, p1), (g2, p2) = vals[i], vals[j]
                    if g1 == g2:
                        continue
                    n += 1
                    agree += 0.5 if p1 == p2 else float((g1 - g2) * (p1 - p2) > 0)
    return (agree / n if n else 0.0), int(n)


def feeling(r: dict, ent: str) -> int | None:
    key = next((k for k in r["author_feeling_entities"] if k.lower() == ent.replace(" ", "_").lower()), None)
    return FEELING.get(r["author_feeling_entities"].get(key)) if key else None


def span_balance(r: dict, ent: str) -> int:
    return sum((1 if s["polarity"] == "positive" else -1) for s in r["spans"]
               if s["target"].lower() == ent.replace(" ", "_").lower())


def newsmtsc_figures(path: Path = DEFAULT_DATA.with_name("newsmtsc_dev.jsonl")) -> dict[str, float]:
    """Portrayal classifier on NewsMTSC dev (Hamborg & Donnay, EACL 2021): F1m and accuracy, rw and mt.

    F1m is the macro F1 over negative/neutral/positive, as the paper reports it. Anchors (paper,
    test split): RoBERTa+GRU 83.1 rw / 82.5 mt, BERT 80.2 / 77.3, opinion lexicon ~50, majority ~18.
    """
    from sklearn.metrics import accuracy_score, f1_score

    from analysis.portrayal import classify

    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    classify([rows[0]["sentence"]], [(rows[0]["target_from"], rows[0]["target_to"])])  # load outside the clock
    t0 = time.perf_counter()
    res = classify([r["sentence"] for r in rows], [(r["target_from"], r["target_to"]) for r in rows])
    rate = len(rows) / (time.perf_counter() - t0)
    figures = {}
    for name in ("rw", "mt"):
        idx = [i for i, r in enumerate(rows) if r["set"] == name]
        gold, pred = [rows[i]["polarity"] for i in idx], [res[i].polarity for i in idx]
        figures[f"newsmtsc_{name}_f1m"] = float(f1_score(gold, pred, labels=[-1, 0, 1], average="macro"))
        figures[f"newsmtsc_{name}_accuracy"] = float(accuracy_score(gold, pred))
        print(f"portrayal  newsmtsc_dev.jsonl  {name}  n={len(idx)}  F1m {figures[f'newsmtsc_{name}_f1m']:.3f}  "
              f"accuracy {figures[f'newsmtsc_{name}_accuracy']:.3f}  (anchors, test: paper best "
              f"{'83.1' if name == 'rw' else '82.5'}, BERT {'80.2' if name == 'rw' else '77.3'}, majority ~18)")
    print(f"portrayal  newsmtsc_dev.jsonl  {rate:.1f} sentences/s (2 torch threads, CPU)")
    figures["newsmtsc_sentences_per_second"] = rate
    return figures


def framing_vs_newsmtsc(path: Path = DEFAULT_DATA.with_name("newsmtsc_dev.jsonl")) -> dict[str, float]:
    """Sign agreement of the framing score with NewsMTSC sentence-level polarity (see the module docstring, 3)."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    arts = pd.DataFrame([dict(article_id=f"m{i}", outlet="", clean_text=r["sentence"]) for i, r in enumerate(rows)])
    sents = pd.DataFrame([dict(article_id=f"m{i}", sent_id=f"m{i}:s0", start=0, end=len(r["sentence"]),
                               text=r["sentence"], section="body") for i, r in enumerate(rows)])
    docs = stance.parse_sentences(sents)
    cue = agree = 0
    signs: list[int] = []
    for i, r in enumerate(rows):
        targets = pd.DataFrame([dict(target=r["target"], kind="actor", aliases=r["target"].lower(), n_mentions=1,
                                     n_articles=1, source="parameter")])
        a, s = arts.iloc[i:i + 1], sents.iloc[i:i + 1]
        ev = stance.stance_evidence(a, s, targets, docs={f"m{i}:s0": docs[f"m{i}:s0"]})
        st = stance.score_stance(ev, a, targets).stance.iloc[0]
        if st["label"] == "unclear" or st["support_score"] == 0:
            continue
        cue += 1
        if r["polarity"] != 0:
            signs.append(r["polarity"])
            agree += int((st["support_score"] > 0) == (r["polarity"] > 0))
    n = len(signs)
    figures = {"newsmtsc_framing_sign_agreement": agree / n if n else 0.0,
               "newsmtsc_framing_coverage": cue / len(rows)}
    majority = max(signs.count(1), signs.count(-1)) / n if n else 0.0
    print(f"stance  newsmtsc_dev.jsonl  framing sign vs gold polarity  n={n} (of {cue} sentences with a cue, "
          f"{len(rows)} in all)  agreement {figures['newsmtsc_framing_sign_agreement']:.3f}  "
          f"(anchors 0.50 = coin, {majority:.3f} = majority sign)")
    return figures


def portrayal_on_basil(rows: list[dict], mentions: pd.DataFrame) -> dict[str, float]:
    """Within-event order of the articles' mean narration portrayal of each main entity (module docstring, 4)."""
    why = stance.portrayal_unavailable()
    if why is not None:
        print(f"portrayal  basil_dev.jsonl  skipped: {why}")
        return {}
    from analysis.portrayal import classify

    narration = mentions[~mentions["in_quote"].astype(bool)].reset_index(drop=True)
    t0 = time.perf_counter()
    res = classify(list(narration["text"]), list(zip(narration["span_start"], narration["span_end"])))
    seconds = time.perf_counter() - t0
    strength = [p.probabilities[2] - p.probabilities[0] for p in res]
    per = narration.assign(support_score=strength).groupby(["article_id", "target"], as_index=False)["support_score"].mean()
    figures = {}
    acc, n = concordance(rows, per, feeling)
    figures["portrayal_order_vs_author_feeling"] = acc
    print(f"portrayal  basil_dev.jsonl  article order vs author_feeling_entities  pairs={n}  concordance {acc:.2f}  "
          f"(anchor 0.50 = chance; framing score above)  {len(narration)} narration sentences in {seconds:.0f} s")
    acc, n = concordance(rows, per, span_balance)
    figures["portrayal_order_vs_span_polarity"] = acc
    print(f"portrayal  basil_dev.jsonl  article order vs span polarity balance    pairs={n}  concordance {acc:.2f}")
    return figures


def newsmtsc_only() -> int:
    """Re-measure the classifier's NewsMTSC figures, merge them into the recorded ones, check their floors."""
    figures = newsmtsc_figures()
    recorded = FLOORS.with_name("results_stance.json")
    old = json.loads(recorded.read_text(encoding="utf-8")) if recorded.exists() else {}
    print(f"figures recorded in {record('stance', {**old, **figures})} (BASIL figures as last recorded)")
    floors = json.loads(FLOORS.read_text(encoding="utf-8")) if FLOORS.exists() else {}
    failed = [f"{k} {figures[k]:.3f} < floor {v}" for k, v in floors.items() if k in figures and figures[k] < v]
    for line in failed:
        print(f"BELOW FLOOR: {line}")
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--update-floors", action="store_true", help="rewrite floors_stance.json from this run")
    ap.add_argument("--newsmtsc-only", action="store_true",
                    help="only the portrayal classifier on NewsMTSC dev (after retraining it): its figures replace "
                         "the recorded ones, the BASIL figures stay as last recorded")
    args = ap.parse_args(argv)
    if args.newsmtsc_only:
        return newsmtsc_only()
    rows = load(args.data)
    t0 = time.perf_counter()
    articles, sentences, gold = tables(rows)
    docs = stance.parse_sentences(sentences)
    evs, scores, portrayed = [], [], []
    for r in rows:
        a = articles[articles["article_id"] == r["uid"]]
        s = sentences[sentences["article_id"] == r["uid"]]
        names = [e.replace("_", " ") for e in r["main_entities"]]
        sub = {k: docs[k] for k in s["sent_id"]}
        targets = stance.find_targets(a, s, docs=sub, actors=names, proposition="")
        # score under the annotators' entity names so the gold lookup is exact
        targets = targets.assign(target=names[:len(targets)]) if len(targets) == len(names) else targets
        ev = stance.stance_evidence(a, s, targets, docs=sub)
        res = stance.score_stance(ev, a, targets)
        evs.append(res.evidence)
        scores.append(res.stance)
        portrayed.append(stance.portrayal_mentions(a, s, targets, docs=sub))
    seconds = time.perf_counter() - t0
    evidence = pd.concat(evs, ignore_index=True)
    stance_df = pd.concat(scores, ignore_index=True)
    target_cues = evidence[evidence["cue_class"].isin(STANCE_CLASSES)].drop_duplicates(["article_id", "start", "end"])
    figures = {}
    anchor = base_rate(articles, gold)
    p, r, n_pred, n_gold = span_scores(target_cues, gold)
    figures["span_precision_target"], figures["span_recall_target"] = p, r
    print(f"stance  basil_dev.jsonl  target cues vs lexical spans  n_gold={n_gold} n_cues={n_pred}  "
          f"P {p:.3f} R {r:.3f}  (anchor P {anchor:.3f} = random tokens)")
    cues = all_cues(articles, sentences, docs)
    p, r, n_pred, n_gold = span_scores(cues, gold)
    figures["span_precision_all"], figures["span_recall_all"] = p, r
    print(f"stance  basil_dev.jsonl  all cues vs lexical spans     n_gold={n_gold} n_cues={n_pred}  "
          f"P {p:.3f} R {r:.3f}  (anchor P {anchor:.3f} = random tokens)")
    acc, n = concordance(rows, stance_df, feeling)
    figures["order_vs_author_feeling"] = acc
    print(f"stance  basil_dev.jsonl  article order vs author_feeling_entities  pairs={n}  "
          f"concordance {acc:.2f}  (anchor 0.50 = chance)")
    acc, n = concordance(rows, stance_df, span_balance)
    figures["order_vs_span_polarity"] = acc
    print(f"stance  basil_dev.jsonl  article order vs span polarity balance    pairs={n}  "
          f"concordance {acc:.2f}  (anchor 0.50 = chance)")
    covered = (stance_df["label"] != "unclear").mean()
    print(f"stance  basil_dev.jsonl  article x entity with evidence {covered:.2f} of {len(stance_df)}  "
          f"wall {seconds:.1f} s for {len(rows)} articles")
    figures.update(framing_vs_newsmtsc())
    figures.update(portrayal_on_basil(rows, pd.concat(portrayed, ignore_index=True)))
    figures.update(newsmtsc_figures())
    print(f"figures recorded in {record('stance', figures)}")
    if args.update_floors:
        FLOORS.write_text(json.dumps({k: round(v * 0.9, 3) for k, v in sorted(figures.items())}, indent=2) + "\n",
                          encoding="utf-8")
        print(f"floors rewritten: {FLOORS}")
        return 0
    floors = json.loads(FLOORS.read_text(encoding="utf-8")) if FLOORS.exists() else {}
    failed = [f"{k} {figures[k]:.3f} < floor {v}" for k, v in floors.items() if figures.get(k, 0.0) < v]
    for line in failed:
        print(f"BELOW FLOOR: {line}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
