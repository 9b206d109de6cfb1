"""Side by side: any two articles' sentences aligned, each in its own article's order.

The reader picks two articles (two ``<select>``s, the page's own script, nothing fetched) and sees
rows of: the same fact in both (linked through ``data/facts.csv``), a reworded quote (word diff,
the quotes stage's alignment), the same fact placed elsewhere in the other article, only in A, only
in B. The alignments are computed here, in Python, for up to ``max_articles`` articles and embedded
as JSON in a ``<script type="application/json">`` block with ``<``, ``>`` and ``&`` escaped, so
article text is never markup; the script builds the rows with ``textContent``. The printed page
(no script) shows two pairs computed the same way: the pair that differs most and the pair that
agrees most by ``data/similarity.csv``.

Row of an alignment: ``(kind, a, b, info)`` with sentence indexes ``a``/``b`` (``-1``: none) and
``kind`` one of ``same`` (info: the fact ids), ``quote`` (info: word-diff steps ``[tag, reference
words, version words]``), ``moved`` (the same fact, elsewhere in the other article; info: the
partner's sentence number, 1-based), ``a`` (only in A) and ``b`` (only in B).
"""

from __future__ import annotations

import bisect
import json
from typing import Any, Mapping, NamedTuple, Sequence

import pandas as pd

from ..viz.text import edits_html
from .digests import article_label
from .html import _clip, _has, _text, esc, note, paragraph, section_heading

#: rows of a pair on paper (after folding one-sided runs); the page shows them all
PRINT_ROWS = 10

KIND_LABELS = {"same": "same fact", "quote": "reworded quote", "moved": "same fact, elsewhere",
               "a": "only in A", "b": "only in B"}


class Corpus(NamedTuple):
    """Per article: its sentences in order and which facts and quote clusters each sentence carries."""

    sentences: Mapping[str, list[tuple[str, str]]]  # article_id -> [(sent_id, text)] in order
    facts: Mapping[str, Mapping[str, set[str]]]  # article_id -> sent_id -> fact ids
    quotes: Mapping[str, Mapping[str, list[tuple[str, str]]]]  # article_id -> sent_id -> [(cluster, quote)]


def build_corpus(sentences: pd.DataFrame | None, facts: pd.DataFrame | None, quotes: pd.DataFrame | None,
                 articles: Sequence[str]) -> Corpus:
    """Index the run tables for the given articles (others are skipped: their pairs are not shown)."""
    keep = set(articles)
    sents: dict[str, list[tuple[str, str]]] = {a: [] for a in articles}
    spans: dict[str, tuple[list[int], list[str]]] = {}
    if _has(sentences, "article_id", "sent_id", "text"):
        s = sentences[sentences["article_id"].map(_text).isin(keep)]
        if "start" in s:
            s = s.sort_values(["article_id", "start"], kind="stable")
        for aid, g in s.groupby(s["article_id"].map(_text), sort=False):
            sents[aid] = [(_text(i), _text(t)) for i, t in zip(g["sent_id"], g["text"])]
            if "start" in g:
                spans[aid] = ([int(x) for x in g["start"]], [_text(i) for i in g["sent_id"]])
    by_fact: dict[str, dict[str, set[str]]] = {a: {} for a in articles}
    if _has(facts, "fact_id", "article_id", "sent_id"):
        f = facts[facts["article_id"].map(_text).isin(keep)]
        for aid, sid, fid in zip(f["article_id"].map(_text), f["sent_id"].map(_text), f["fact_id"].map(_text)):
            by_fact[aid].setdefault(sid, set()).add(fid)
    by_quote: dict[str, dict[str, list[tuple[str, str]]]] = {a: {} for a in articles}
    if _has(quotes, "article_id", "cluster_id", "quote", "start"):
        q = quotes[quotes["article_id"].map(_text).isin(keep) & (quotes["cluster_id"].map(_text).str.strip() != "")]
        for aid, cid, text, start in zip(q["article_id"].map(_text), q["cluster_id"].map(_text), q["quote"], q["start"]):
            starts, ids = spans.get(aid, ([], []))
            i = bisect.bisect_right(starts, int(start)) - 1
            if i >= 0:  # the sentence the quote opens in
                by_quote[aid].setdefault(ids[i], []).append((cid, _text(text)))
    return Corpus(sents, by_fact, by_quote)


def _links(corpus: Corpus, a: str, b: str) -> dict[tuple[int, int], tuple[str, Any]]:
    """``(i, j) -> (kind, info)`` for sentence i of A and j of B sharing a quote or a fact."""
    ia = {sid: i for i, (sid, _) in enumerate(corpus.sentences[a])}
    ib = {sid: j for j, (sid, _) in enumerate(corpus.sentences[b])}
    links: dict[tuple[int, int], tuple[str, Any]] = {}
    fb: dict[str, list[int]] = {}
    for sid, fids in corpus.facts[b].items():
        for fid in fids:
            if sid in ib:
                fb.setdefault(fid, []).append(ib[sid])
    for sid, fids in corpus.facts[a].items():
        for fid in sorted(fids):
            for j in fb.get(fid, []):
                if sid in ia:
                    kind, info = links.get((ia[sid], j), ("same", []))
                    links[(ia[sid], j)] = (kind, sorted(set(info) | {fid}))
    qb: dict[str, list[tuple[int, str]]] = {}
    for sid, items in corpus.quotes[b].items():
        for cid, text in items:
            if sid in ib:
                qb.setdefault(cid, []).append((ib[sid], text))
    for sid, items in corpus.quotes[a].items():
        for cid, text in items:
            for j, other in qb.get(cid, []):
                if sid in ia and " ".join(text.split()) != " ".join(other.split()):
                    from ..quotes.fidelity import word_edits

                    links[(ia[sid], j)] = ("quote", [[e.tag, " ".join(e.reference), " ".join(e.variant)]
                                                     for e in word_edits(text, other)])
    return links


def _chain(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The longest run of pairs increasing in both articles (patience sorting), so aligned rows
    keep each article's order; the other links are shown as "elsewhere"."""
    pairs = sorted(pairs)
    tails: list[int] = []
    tail_idx: list[int] = []
    prev = [-1] * len(pairs)
    for k, (_, j) in enumerate(pairs):
        pos = bisect.bisect_left(tails, j)
        if pos == len(tails):
            tails.append(j)
            tail_idx.append(k)
        else:
            tails[pos] = j
            tail_idx[pos] = k
        prev[k] = tail_idx[pos - 1] if pos else -1
    out, k = [], tail_idx[-1] if tail_idx else -1
    while k >= 0:
        out.append(pairs[k])
        k = prev[k]
    return out[::-1]


def align(corpus: Corpus, a: str, b: str) -> list[list[Any]]:
    """The rows of articles ``a`` and ``b`` side by side (see the module docstring)."""
    links = _links(corpus, a, b)
    best: dict[int, tuple[int, int]] = {}  # one partner per sentence: quotes first, then most facts
    for (i, j), (kind, info) in sorted(links.items(), key=lambda kv: (kv[1][0] != "quote", -len(kv[1][1]), kv[0])):
        if i not in best and j not in {p[1] for p in best.values()}:
            best[i] = (i, j)
    chain = _chain(list(best.values()))
    in_chain_a, in_chain_b = {i for i, _ in chain}, {j for _, j in chain}
    moved_a = {i: j for i, j in best.values() if i not in in_chain_a}
    moved_b = {j: i for i, j in best.values() if j not in in_chain_b}
    rows: list[list[Any]] = []
    na, nb = len(corpus.sentences[a]), len(corpus.sentences[b])
    ia = ib = 0
    for i, j in chain + [(na, nb)]:
        for x in range(ia, i):
            rows.append(["moved", x, -1, moved_a[x] + 1] if x in moved_a else ["a", x, -1, None])
        for y in range(ib, j):
            rows.append(["moved", -1, y, moved_b[y] + 1] if y in moved_b else ["b", -1, y, None])
        if i < na and j < nb:
            kind, info = links[(i, j)]
            rows.append([kind, i, j, info])
        ia, ib = i + 1, j + 1
    return rows


def script_json(data: Any) -> str:
    """JSON safe inside ``<script type="application/json">``: no ``<``, ``>`` or ``&`` left to end the block."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def extreme_pairs(similarity: pd.DataFrame | None, ids: Sequence[str]) -> tuple[tuple[str, str], tuple[str, str]] | None:
    """(most different, most alike) article pairs by ``data/similarity.csv`` (None without it)."""
    if not _has(similarity, "article_a", "article_b", "score") or len(ids) < 2:
        return None
    present = set(ids)
    s = similarity[similarity["article_a"].map(_text).isin(present) & similarity["article_b"].map(_text).isin(present)]
    s = s[s["article_a"].map(_text) != s["article_b"].map(_text)]
    if s.empty:
        return None
    s = s.assign(score=pd.to_numeric(s["score"], errors="coerce")).dropna(subset=["score"])
    s = s.sort_values(["score", "article_a", "article_b"], kind="stable")
    lo, hi = s.iloc[0], s.iloc[-1]
    return ((_text(lo["article_a"]), _text(lo["article_b"])), (_text(hi["article_a"]), _text(hi["article_b"])))


def chosen_articles(articles: pd.DataFrame, facts: pd.DataFrame | None, *, max_articles: int) -> list[str]:
    """The articles offered in the picker: all of them, or the ``max_articles`` carrying most facts."""
    ids = [_text(a) for a in articles["article_id"]]
    if len(ids) <= max_articles:
        return ids
    counts = facts["article_id"].map(_text).value_counts() if _has(facts, "article_id") else pd.Series(dtype=int)
    return sorted(sorted(ids, key=lambda a: (-int(counts.get(a, 0)), a))[:max_articles])


def payload(corpus: Corpus, ids: Sequence[str], labels: Mapping[str, str],
            default: tuple[str, str] | None) -> dict[str, Any]:
    """Everything the page's script needs: the articles' sentences and every pair's rows."""
    pairs = {f"{x}|{y}": align(corpus, ids[x], ids[y]) for x in range(len(ids)) for y in range(x + 1, len(ids))}
    pick = [ids.index(default[0]), ids.index(default[1])] if default and set(default) <= set(ids) else [0, 1]
    return {"articles": [{"id": a, "label": labels.get(a, a), "sents": [t for _, t in corpus.sentences[a]]}
                         for a in ids], "pairs": pairs, "default": sorted(pick), "kinds": KIND_LABELS}


def _diff_from_info(info: Sequence[Sequence[str]]) -> str:
    from ..quotes.model import Edit

    return edits_html([Edit(tag, tuple(r.split()), tuple(v.split())) for tag, r, v in info])


def _collapsed(rows: list[list[Any]]) -> list[list[Any]]:
    """Runs of two or more one-sided sentences (only in A or B, or with their fact elsewhere) become one
    row, since paper is short:
    ``["run-a" | "run-b", first sentence index, count, None]``."""
    out: list[list[Any]] = []
    side_of = lambda r: {"a": "a", "b": "b", "moved": "a" if r[1] >= 0 else "b"}.get(r[0])  # noqa: E731
    for row in rows:
        side = side_of(row)
        prev = out[-1] if out else None
        if side and prev is not None and prev[0] == f"run-{side}":
            prev[2] += 1
        elif side and prev is not None and side_of(prev) == side:
            out[-1] = [f"run-{side}", prev[1] if side == "a" else prev[2], 2, None]
        else:
            out.append(list(row))
    return out


def pair_html(corpus: Corpus, a: str, b: str, labels: Mapping[str, str], *, caption: str,
              collapse: bool = False) -> str:
    """One pair as a static table (the printed page); ``collapse`` folds runs of one-sided sentences."""
    sa, sb = corpus.sentences[a], corpus.sentences[b]
    body = []
    rows = _collapsed(align(corpus, a, b)) if collapse else align(corpus, a, b)
    shown = rows[:PRINT_ROWS] if collapse else rows
    for kind, i, j, info in shown:
        if kind.startswith("run-"):
            side, first, n = kind[-1], i, j
            text = sa[first][1] if side == "a" else sb[first][1]
            cell = esc(f"{n} sentences, from “{_clip(text, 90)}”")
            left, right = (cell, "") if side == "a" else ("", cell)
            body.append(f'<tr class="nr-sbs-{side}"><td>{left}</td><td class="nr-sbs-kind">'
                        f'{esc(KIND_LABELS[side])} (or placed elsewhere)</td><td>{right}</td></tr>')
            continue
        width = 140 if collapse else 100_000
        left = esc(_clip(sa[i][1], width)) if i >= 0 else ""
        right = esc(_clip(sb[j][1], width)) if j >= 0 else ""
        what = esc(KIND_LABELS[kind])
        if kind == "same":
            what += f'<br><a href="#coverage">{esc(", ".join(info))}</a>'
        elif kind == "quote":
            what += "<br>" + _diff_from_info(info)
        elif kind == "moved":
            what += f" ({'B' if i >= 0 else 'A'} sentence {int(info)})"
        body.append(f'<tr class="nr-sbs-{kind}"><td>{left}</td><td class="nr-sbs-kind">{what}</td><td>{right}</td></tr>')
    if len(shown) < len(rows):
        body.append(f'<tr><td colspan="3" class="nr-caption">… {len(rows) - len(shown)} more rows: pick these two '
                    'articles in report.html to see them all.</td></tr>')
    head = (f'<thead><tr><th scope="col">A: {esc(labels.get(a, a))}</th><th scope="col">how they relate</th>'
            f'<th scope="col">B: {esc(labels.get(b, b))}</th></tr></thead>')
    return (f'<p class="nr-caption">{esc(caption)}</p><div class="nr-tablewrap nr-sbs-wrap">'
            f'<table class="nr-table nr-sbs">{head}<tbody>{"".join(body)}</tbody></table></div>')


def side_by_side_section(articles: pd.DataFrame, sentences: pd.DataFrame | None, facts: pd.DataFrame | None,
                         quotes: pd.DataFrame | None, similarity: pd.DataFrame | None, *,
                         max_articles: int = 25, trust: str = "") -> str:
    """The "Side by side" section: a picker of any two articles (screen) and two telling pairs (print)."""
    parts = [section_heading("side-by-side", "Any two articles side by side"), trust]
    if not _has(sentences, "article_id", "sent_id", "text") or len(articles) < 2:
        return "".join(parts) + note("Side by side needs two articles and data/sentences.csv; this run has "
                                     "not got them.", missing=True)
    ids = chosen_articles(articles, facts, max_articles=max_articles)
    labels = article_label(articles)
    corpus = build_corpus(sentences, facts, quotes, ids)
    extremes = extreme_pairs(similarity, ids)
    parts.append(paragraph("Pick two articles: their sentences are lined up in each article's own order. A row "
                           "shows the same fact in both, a quote reworded between them (with the word changes), "
                           "a fact the other article places elsewhere, or a sentence only one of them has."))
    if len(ids) < len(articles):
        parts.append(note(f"The picker offers the {len(ids)} of {len(articles)} articles that carry the most facts "
                          "(report.side_by_side_max_articles); alignments of all pairs grow with the square of "
                          "the number of articles, so they are not all embedded."))
    missing = [w for w, ok in (("facts (data/facts.csv)", _has(facts, "fact_id", "sent_id")),
                               ("quote clusters (data/quotes.csv)", _has(quotes, "cluster_id", "start"))) if not ok]
    if missing:
        parts.append(note("Not linked in this run: " + "; ".join(missing) + "; such sentences show as only in A "
                          "or B.", missing=True))
    data = payload(corpus, ids, labels, extremes[0] if extremes else None)
    options = "".join(f'<option value="{k}">{esc(labels.get(a, a))}</option>' for k, a in enumerate(ids))
    parts.append('<div class="nr-sbs-picker nr-screen-only">'
                 f'<label>A <select id="nr-sbs-a" aria-label="First article">{options}</select></label> '
                 f'<label>B <select id="nr-sbs-b" aria-label="Second article">{options}</select></label>'
                 '<p class="nr-caption" id="nr-sbs-count"></p><div class="nr-tablewrap nr-sbs-wrap">'
                 '<table class="nr-table nr-sbs" id="nr-sbs-table"><thead><tr><th scope="col">A</th>'
                 '<th scope="col">how they relate</th><th scope="col">B</th></tr></thead><tbody></tbody></table>'
                 '</div></div>')
    parts.append(f'<script type="application/json" id="nr-sbs-data">{script_json(data)}</script>')
    printed = []
    if extremes:
        (la, lb), (ha, hb) = extremes
        printed.append(pair_html(corpus, la, lb, labels, caption="The two articles that differ most "
                                 "(lowest similarity in data/similarity.csv).", collapse=True))
        if {ha, hb} != {la, lb}:
            printed.append(pair_html(corpus, ha, hb, labels, caption="The two articles that agree most "
                                     "(highest similarity).", collapse=True))
    else:
        printed.append(pair_html(corpus, ids[0], ids[1], labels, caption="The first two articles "
                                 "(no similarity table in this run to choose the telling pairs).", collapse=True))
    parts.append('<div class="nr-print-only"><p class="nr-caption">On paper, two pairs; runs of sentences only one '
                 'article has are folded into one row. report.html lets you pick any two.</p>'
                 + "".join(printed) + "</div>")
    return "".join(parts)


#: the picker's script; added to the page's one script (:data:`~.style.READER_JS`) by the renderer
SIDE_BY_SIDE_JS = r"""
(function () {
  'use strict';
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = text; }
    return e;
  }
  function diff(ops) {
    var span = el('span', 'quote-diff');
    ops.forEach(function (op) {
      var tag = op[0], ref = op[1], ver = op[2], node;
      if (tag === 'equal') { node = document.createTextNode(ver); }
      else if (tag === 'trim') { node = el('span', 'qd-trim', ref); }
      else if (tag === 'delete') { node = el('del', 'qd-del', ref); }
      else if (tag === 'insert') { node = el('ins', 'qd-ins', ver); }
      else { node = el('span'); node.appendChild(el('del', 'qd-del', ref)); node.appendChild(document.createTextNode(' ')); node.appendChild(el('ins', 'qd-ins', ver)); }
      span.appendChild(node); span.appendChild(document.createTextNode(' '));
    });
    return span;
  }
  function init() {
    var holder = document.getElementById('nr-sbs-data');
    if (!holder) { return; }
    var data = JSON.parse(holder.textContent);
    var selA = document.getElementById('nr-sbs-a'), selB = document.getElementById('nr-sbs-b');
    var body = document.getElementById('nr-sbs-table').tBodies[0];
    var count = document.getElementById('nr-sbs-count');
    function render() {
      var x = Number(selA.value), y = Number(selB.value), swap = x > y;
      while (body.firstChild) { body.removeChild(body.firstChild); }
      if (x === y) { count.textContent = 'Pick two different articles.'; return; }
      var rows = data.pairs[swap ? y + '|' + x : x + '|' + y] || [];
      var A = data.articles[x].sents, B = data.articles[y].sents, tally = {};
      rows.forEach(function (r) {
        var kind = r[0], i = swap ? r[2] : r[1], j = swap ? r[1] : r[2], info = r[3];
        if (swap && (kind === 'a' || kind === 'b')) { kind = kind === 'a' ? 'b' : 'a'; }
        tally[kind] = (tally[kind] || 0) + 1;
        var tr = el('tr', 'nr-sbs-' + kind), mid = el('td', 'nr-sbs-kind', data.kinds[kind]);
        if (kind === 'same') { mid.appendChild(el('br')); var a = el('a', '', info.join(', ')); a.href = '#coverage'; mid.appendChild(a); }
        if (kind === 'quote') { mid.appendChild(el('br')); mid.appendChild(diff(info)); }
        if (kind === 'moved') { mid.appendChild(document.createTextNode(' (' + (i >= 0 ? 'B' : 'A') + ' sentence ' + info + ')')); }
        tr.appendChild(el('td', '', i >= 0 ? A[i] : '')); tr.appendChild(mid); tr.appendChild(el('td', '', j >= 0 ? B[j] : ''));
        body.appendChild(tr);
      });
      count.textContent = Object.keys(data.kinds).map(function (k) { return (tally[k] || 0) + ' ' + data.kinds[k]; }).join(' · ');
    }
    selA.value = String(data['default'][0]); selB.value = String(data['default'][1]);
    selA.addEventListener('change', render); selB.addEventListener('change', render);
    render();
  }
  if (document.readyState === 'loading') { document.addEventListener('DOMContentLoaded', init); } else { init(); }
})();
"""
