"""Score fact units against hand-labelled facts (issue #18): the measures and the BASIL harness.

A *facting* is a list of facts, each the set of ``(outlet, sentence index)`` pairs that carry it.
Hand labels (``benchmarks/labels/coverage/basil_e{N}_{labeller}.json``) are facting already; a run's
``facts`` table becomes one by mapping each evidence sentence of the run onto the labelled sentence
numbering (``benchmarks/labels/basil_sentences.py``) by word overlap, since cleaning may change
whitespace, quotes or drop captions.

Measures (gold = the first labeller, pred = the run or the second labeller):

* pairwise P/R/F1 over cross-outlet sentence pairs: two sentences of different outlets are a pair
  when one fact holds both; precision = shared pairs / predicted pairs, recall = shared / gold;
* fact-cell accuracy: every gold fact is matched to the predicted fact sharing most evidence
  (none: it is carried by no outlet), and each fact x outlet cell (carried or not) is compared;
* count error: mean over outlets of |predicted facts carried - gold facts carried| / gold.

The texts are read from ``../shared/eval/basil_dev.jsonl`` at run time; labels hold indices only.
"""

from __future__ import annotations

import json
import re
import sys
import tempfile
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Sequence

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
LABELS = HERE / "labels" / "coverage"
sys.path.insert(0, str(HERE / "labels"))
sys.path.insert(0, str(ROOT))

import basil_sentences  # noqa: E402

Evidence = frozenset  # of (outlet, sentence index)
Facting = list  # of Evidence


@dataclass(frozen=True)
class FactScores:
    """The issue's three measures for one event (or pooled over events)."""

    precision: float
    recall: float
    f1: float
    cell_accuracy: float
    count_error: float
    n_gold: int
    n_pred: int
    pairs_gold: int
    pairs_pred: int
    pairs_shared: int
    cells: int
    cells_correct: int


def load_labels(directory: Path = LABELS) -> dict[tuple[int, str], dict[str, Any]]:
    """``(event number, labeller) -> label file contents`` for every BASIL label file."""
    out = {}
    for path in sorted(directory.glob("basil_e*_*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        out[(int(data["event"]), str(data["labeller"]))] = data
    return out


def label_facting(labels: Mapping[str, Any], *, kinds: Iterable[str] | None = None) -> Facting:
    """The facts of a label file as evidence sets (optionally only some kinds)."""
    wanted = set(kinds) if kinds is not None else None
    facts = []
    for fact in labels["facts"]:
        if wanted is not None and fact.get("kind") not in wanted:
            continue
        ev = frozenset((o, int(i)) for o, idx in fact["evidence"].items() for i in idx)
        if ev:
            facts.append(ev)
    return facts


def _pairs(facting: Facting) -> set[tuple[tuple[str, int], tuple[str, int]]]:
    pairs = set()
    for ev in facting:
        for a, b in combinations(sorted(ev), 2):
            if a[0] != b[0]:
                pairs.add((a, b))
    return pairs


def linked_pairs(facting: Facting) -> set[tuple[tuple[str, int], tuple[str, int]]]:
    """The cross-outlet sentence pairs a facting links (what pairwise P/R/F1 count)."""
    return _pairs(facting)


def _carried(ev: Evidence) -> set[str]:
    return {o for o, _ in ev}


def score(gold: Facting, pred: Facting, outlets: Sequence[str]) -> FactScores:
    """Compare a predicted facting with the gold one over the given outlets."""
    g, p = _pairs(gold), _pairs(pred)
    shared = len(g & p)
    precision = shared / len(p) if p else 0.0
    recall = shared / len(g) if g else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    correct = total = 0
    for ev in gold:
        best = max(pred, key=lambda q: (len(ev & q), -len(q)), default=frozenset())
        got = _carried(best) if ev & best else set()
        for o in outlets:
            total += 1
            correct += (o in _carried(ev)) == (o in got)
    errors = []
    for o in outlets:
        n_gold = sum(o in _carried(ev) for ev in gold)
        n_pred = sum(o in _carried(ev) for ev in pred)
        if n_gold:
            errors.append(abs(n_pred - n_gold) / n_gold)
    return FactScores(precision, recall, f1, correct / total if total else 0.0,
                      sum(errors) / len(errors) if errors else 0.0, len(gold), len(pred), len(g), len(p),
                      shared, total, correct)


def pooled(scores: Sequence[FactScores]) -> FactScores:
    """Micro-averaged pairs and cells over events; count error and fact counts averaged/summed."""
    pg = sum(s.pairs_gold for s in scores)
    pp = sum(s.pairs_pred for s in scores)
    sh = sum(s.pairs_shared for s in scores)
    precision = sh / pp if pp else 0.0
    recall = sh / pg if pg else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    cells = sum(s.cells for s in scores)
    correct = sum(s.cells_correct for s in scores)
    return FactScores(precision, recall, f1, correct / cells if cells else 0.0,
                      sum(s.count_error for s in scores) / len(scores) if scores else 0.0,
                      sum(s.n_gold for s in scores), sum(s.n_pred for s in scores), pg, pp, sh, cells, correct)


# ---------------------------------------------------------------------------------------------
# running the product on a triplet
# ---------------------------------------------------------------------------------------------

_WORD = re.compile(r"[a-z0-9]+")


def _tokens(text: str) -> set[str]:
    return set(_WORD.findall(text.lower()))


def map_to_label_sentences(text: str, labelled: Sequence[str], *, min_overlap: float = 0.6) -> list[int]:
    """Indices of the labelled sentences a run sentence (or claim) comes from, by word containment."""
    toks = _tokens(text)
    if not toks:
        return []
    scored = []
    for i, sent in enumerate(labelled):
        st = _tokens(sent)
        if st:
            scored.append((len(toks & st) / min(len(toks), len(st)), i))
    if not scored:
        return []
    best = max(s for s, _ in scored)
    return [i for s, i in scored if s == best and s >= min_overlap]


def triplet_corpus(triplet: Sequence[Mapping[str, Any]], folder: Path) -> Path:
    """Write an event's three articles as a corpus folder (headline + body, outlet in a manifest)."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = ["file,outlet,url,date,title"]
    for row in triplet:
        (folder / f"{row['outlet']}.txt").write_text(row["title"] + "\n\n" + row["text"], encoding="utf-8")
        lines.append(f"{row['outlet']}.txt,{row['outlet']},,{row['date']},")
    (folder / "manifest.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def run_facting(triplet: Sequence[Mapping[str, Any]], run_coverage: Callable[[Any, Any], Any]) -> Facting:
    """Clean an event's articles, run ``run_coverage(articles, sentences) -> facts`` and map its facts."""
    from analysis import clean, corpus

    with tempfile.TemporaryDirectory() as tmp:
        cleaned = clean.clean_corpus(corpus.read_corpus(triplet_corpus(triplet, Path(tmp) / "c")),
                                     today="2100-01-01", min_words=10)
    facts = run_coverage(cleaned.articles, cleaned.sentences)
    labelled = {row["outlet"]: basil_sentences.numbered_sentences(row) for row in triplet}
    outlet_of = dict(zip(cleaned.articles["article_id"].astype(str), cleaned.articles["outlet"].astype(str)))
    out: dict[str, set[tuple[str, int]]] = {}
    for row in facts.itertuples(index=False):
        outlet = outlet_of[str(row.article_id)]
        for i in map_to_label_sentences(str(row.text), labelled[outlet]):
            out.setdefault(str(row.fact_id), set()).add((outlet, i))
    return [frozenset(ev) for _, ev in sorted(out.items())]


def fmt(s: FactScores) -> str:
    return (f"pairwise P {s.precision:.3f} R {s.recall:.3f} F1 {s.f1:.3f}; cell accuracy {s.cell_accuracy:.3f}; "
            f"count error {s.count_error:.2f}; facts {s.n_pred} vs {s.n_gold} labelled")
