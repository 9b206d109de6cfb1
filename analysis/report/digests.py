"""Digests of the run tables: the data the narrative is written from (pure functions).

Each accepts ``None`` or a table without optional columns and returns an empty result instead of
failing, because a report must still be written when one stage produced nothing.

Tables returned
---------------
fact_matrix
    index ``fact_id``, one bool column per outlet label (True: the outlet carried the fact); rows
    in the coverage stage's order (``data/coverage_matrix.csv``), so a fact has one number everywhere.
omissions
    ``outlet, fact_id, carried_by`` (number of other outlets that carried it), ``of_others``,
    ``fact`` (representative sentence): widely carried facts an outlet did not report.
stance_ranking
    ``target, article_id, outlet, title, label, support_score, conditionality, confidence``
    plus ``n_cues``/``top_cues`` when the stance table has them; sorted by target, then support descending.
changed_quotes
    ``cluster_id, quote_id, article_id, outlet, speaker, quote, kind, fidelity, mutation,
    reference`` (the version the others are compared with): one row per quote in a cluster in
    which at least one version differs from the others.
quote_categories
    ``outlet`` and the number of its quotes with the same wording as elsewhere, changed wording,
    or found in this outlet only.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from .html import _clip, _fmt, _has, _text
from .unique_checks import found_again


def outlet_labels(articles: pd.DataFrame) -> dict[str, str]:
    """``article_id -> outlet`` as shown to readers: the outlet, else the URL's host, else the id.

    Two articles of one outlet keep one label; an article without any outlet information gets
    its own id so it is never merged with another unknown one.
    """
    out: dict[str, str] = {}
    for row in articles.itertuples(index=False):
        label = _text(getattr(row, "outlet", "")).strip()
        if not label:
            m = re.match(r"^[a-z][a-z0-9+.-]*://(?:www\.)?([^/:?#]+)", _text(getattr(row, "url", "")), re.I)
            label = m.group(1) if m else f"unknown outlet ({row.article_id})"
        out[str(row.article_id)] = label
    return out


def article_label(articles: pd.DataFrame) -> dict[str, str]:
    """``article_id -> "Outlet: title (id)"`` for evidence lines."""
    outlets = outlet_labels(articles)
    out = {}
    for row in articles.itertuples(index=False):
        aid = str(row.article_id)
        title = _text(getattr(row, "title", "")).strip()
        out[aid] = f"{outlets[aid]}: “{_clip(title, 90)}” ({aid})" if title else f"{outlets[aid]} ({aid})"
    return out

#: Words every news story uses whatever the event (reporting verbs, days, time words); left out of
#: the event keywords so they name the event, not the genre. Written for this project.
NEWS_FILLER = frozenset(
    "said says say told tells according reported reports report added adding asked statement statements "
    "monday tuesday wednesday thursday friday saturday sunday today yesterday tomorrow week weeks month "
    "months year years day days time times earlier later new news people official officials".split())


@dataclass(frozen=True)
class EventSummary:
    """What the corpus is about, inferred from headlines and ledes (no outside knowledge)."""

    headline: str  # the headline closest to all the others (TF-IDF centroid)
    headline_article: str  # its article_id
    keywords: tuple[str, ...]  # content words found in the most articles' headline + lede
    first_date: str
    last_date: str
    n_articles: int
    n_outlets: int
    outlets: tuple[tuple[str, int], ...] = field(default_factory=tuple)  # (outlet, n articles)


def _top_text(articles: pd.DataFrame, sentences: pd.DataFrame | None) -> dict[str, str]:
    """Headline plus lede of each article: where a story states what happened."""
    tops: dict[str, str] = {}
    if _has(sentences, "article_id", "section", "text"):
        top = sentences[sentences["section"].isin(["headline", "lede"])]
        for aid, group in top.groupby("article_id", sort=True):
            tops[str(aid)] = " ".join(group["text"].map(_text))
    for row in articles.itertuples(index=False):
        aid = str(row.article_id)
        if not tops.get(aid):
            tops[aid] = (_text(getattr(row, "title", "")) + " " + _text(row.clean_text)[:600]).strip()
    return tops


def infer_event(articles: pd.DataFrame, sentences: pd.DataFrame | None = None, *,
                n_keywords: int = 8) -> EventSummary:
    """Describe the event the corpus covers from its own headlines and ledes.

    The representative headline is the one whose headline+lede TF-IDF vector is closest to the
    corpus centroid (linear in the number of articles); keywords are the content words that the
    most articles use in headline or lede, so one outlet's wording cannot dominate.
    """
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

    if articles is None or len(articles) == 0:
        return EventSummary("", "", (), "", "", 0, 0, ())
    ids = [str(a) for a in articles["article_id"]]
    tops = _top_text(articles, sentences)
    docs = [tops.get(a, "") for a in ids]
    headline, headline_id = "", ""
    titles = dict(zip(ids, articles.get("title", pd.Series([""] * len(ids))).map(_text)))
    try:
        vec = TfidfVectorizer(stop_words="english", token_pattern=r"(?u)\b[^\W\d_][\w'-]+\b", sublinear_tf=True)
        x = vec.fit_transform(docs)
        centroid = x.mean(axis=0)
        scores = np.asarray(x @ np.asarray(centroid).T).ravel()
        order = sorted(range(len(ids)), key=lambda i: (-round(float(scores[i]), 9), ids[i]))
        best = next((i for i in order if titles.get(ids[i], "").strip()), order[0])
    except ValueError:  # no content words at all
        best = 0
    headline_id = ids[best]
    headline = titles.get(headline_id, "").strip() or _clip(docs[best], 120)
    df_count: dict[str, int] = {}
    display: dict[str, str] = {}
    for doc in docs:
        seen = set()
        for word in re.findall(r"[^\W\d_][\w'’-]*[^\W_]|[^\W\d_]", doc):
            key = word.lower().strip("'’")
            if len(key) < 3 or key in ENGLISH_STOP_WORDS or key in NEWS_FILLER or key in seen:
                continue
            seen.add(key)
            df_count[key] = df_count.get(key, 0) + 1
            # keep the capitalised form when a word is a name in the text ("Senate", "Paris")
            if key not in display or (word[:1].isupper() and display[key][:1].islower()):
                display[key] = word if word[:1].isupper() and not word.isupper() else key
    min_df = 2 if len(docs) > 1 else 1
    keywords = tuple(display[k] for k, n in sorted(df_count.items(), key=lambda kv: (-kv[1], kv[0]))
                     if n >= min_df)[:n_keywords]
    flags = articles["flags"].map(_text) if "flags" in articles.columns else pd.Series([""] * len(articles))
    # a date flagged as in the future is a metadata error, not the end of the coverage period
    dates = sorted(d for d, f in zip(articles.get("date", pd.Series([""] * len(articles))).map(_text), flags)
                   if re.match(r"^\d{4}-\d\d-\d\d$", d) and "future_date" not in f)
    outlets = outlet_labels(articles)
    counts: dict[str, int] = {}
    for o in outlets.values():
        counts[o] = counts.get(o, 0) + 1
    return EventSummary(headline=headline, headline_article=headline_id, keywords=keywords,
                        first_date=dates[0] if dates else "", last_date=dates[-1] if dates else "",
                        n_articles=len(ids), n_outlets=len(counts),
                        outlets=tuple(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0].lower()))))


def balanced_quotes(text: str) -> str:
    """``text`` with the quotation mark a cut left open closed (or opened), so a reader sees which
    words were quoted: a fact is often a clause cut from inside a quotation."""
    opens, closes = text.count("“"), text.count("”")
    if opens > closes:
        text = text.rstrip() + "”" * (opens - closes)
    elif closes > opens:
        text = "“" * (closes - opens) + text
    if text.count('"') % 2:
        text = text.rstrip() + '"' if text.lstrip().startswith('"') else '"' + text
    return text


def _representative_text(group: pd.DataFrame) -> str:
    for col in ("label", "fact_text", "canonical", "summary"):
        if col in group.columns:
            values = [str(v) for v in group[col] if str(v).strip()]
            if values:
                return balanced_quotes(values[0])
    texts = sorted((str(t) for t in group["text"]), key=lambda t: (len(t), t))
    return balanced_quotes(texts[len(texts) // 2]) if texts else ""


def coverage_order(facts: pd.DataFrame, matrix: pd.DataFrame | None = None) -> list[str]:
    """Fact ids in the coverage stage's row order, the one numbering of facts in every view.

    ``matrix`` is the stage's ``data/coverage_matrix.csv`` (its ``fact_id`` column or index gives
    the order); without it the order is recomputed from ``facts`` by the stage's own
    :func:`analysis.coverage.tables.coverage_matrix`, which wrote that file. A facts table without
    the stage's ``n_outlets``/``n_independent`` columns gives no order (empty list).
    """
    if matrix is not None and len(matrix):
        ids = matrix["fact_id"] if "fact_id" in matrix.columns else matrix.index.to_series()
        return [_text(f) for f in ids]
    if not _has(facts, "fact_id", "outlet", "n_outlets", "n_independent"):
        return []
    from ..coverage.tables import coverage_matrix

    return [_text(f) for f in coverage_matrix(facts).index]


def fact_matrix(facts: pd.DataFrame, articles: pd.DataFrame, *,
                order: Sequence[str] | None = None) -> pd.DataFrame:
    """Which outlet carried which fact (see module docstring for the columns).

    Rows follow ``order`` (see :func:`coverage_order`; by default computed from ``facts``), so
    fact #n here is fact #n in notebook 02 and ``data/coverage_matrix.csv``. Facts the order does
    not list follow, most widely carried first.
    """
    outlets = outlet_labels(articles)
    all_outlets = sorted(set(outlets.values()), key=str.lower)
    if not _has(facts, "fact_id", "article_id"):
        return pd.DataFrame(columns=all_outlets, dtype=bool)
    f = facts.assign(outlet=facts["article_id"].map(_text).map(outlets)).dropna(subset=["outlet"])
    m = pd.crosstab(f["fact_id"].map(_text), f["outlet"]).reindex(columns=all_outlets, fill_value=0) > 0
    first = [fid for fid in dict.fromkeys(coverage_order(facts) if order is None else map(_text, order))
             if fid in m.index]
    listed = set(first)
    rest = sorted((fid for fid in m.index if fid not in listed), key=lambda fid: (-int(m.loc[fid].sum()), fid))
    m = m.loc[first + rest]
    m.index.name = "fact_id"
    return m


def fact_texts(facts: pd.DataFrame) -> dict[str, str]:
    """``fact_id -> representative sentence`` (the stage's label column if any, else a median-length sentence)."""
    if not _has(facts, "fact_id", "text"):
        return {}
    return {str(fid): _representative_text(g) for fid, g in facts.groupby("fact_id", sort=True)}


def omissions(matrix: pd.DataFrame, texts: Mapping[str, str], *, min_share: float = 0.5,
              per_outlet: int | None = None, checks: pd.DataFrame | None = None) -> pd.DataFrame:
    """Facts most other outlets carried that an outlet did not.

    A fact counts as left out by outlet O when at least ``min_share`` of the *other* outlets (and
    at least two, so one outlet's scoop is not "omitted" by everyone else) carried it, and the
    coverage stage's looser search of O's articles did not find it after all (``checks``, the
    ``unique_checks`` table; a ``possibly_carried`` pair is not an omission). Every omission is
    returned unless ``per_outlet`` caps the list: the counts in the findings and the overview are
    taken from this table, so a display cap belongs to the section that lists them.
    """
    cols = ["outlet", "fact_id", "carried_by", "of_others", "fact"]
    if matrix.empty or matrix.shape[1] < 2:
        return pd.DataFrame(columns=cols)
    counts = matrix.sum(axis=1)
    n_others = matrix.shape[1] - 1
    need = max(2, math.ceil(min_share * n_others)) if n_others >= 2 else 1
    rows = []
    again = found_again(checks)[1]
    for outlet in matrix.columns:
        missing = matrix.index[~matrix[outlet]]
        found = [(fid, int(counts[fid])) for fid in missing if int(counts[fid]) >= need and (outlet, fid) not in again]
        for fid, n in sorted(found, key=lambda x: (-x[1], x[0]))[:per_outlet]:  # None: all
            rows.append({"outlet": outlet, "fact_id": fid, "carried_by": n, "of_others": n_others,
                         "fact": texts.get(fid, "")})
    return pd.DataFrame(rows, columns=cols)


def stance_ranking(stance: pd.DataFrame | None, articles: pd.DataFrame) -> pd.DataFrame:
    """Stance rows with outlet and title, sorted by target then most to least favourable."""
    cols = ["target", "article_id", "outlet", "title", "label", "support_score", "conditionality", "confidence"]
    if not _has(stance, "article_id", "target", "support_score"):
        return pd.DataFrame(columns=cols)
    outlets = outlet_labels(articles)
    titles = dict(zip(articles["article_id"].map(_text), articles.get("title", pd.Series(dtype=str)).map(_text)))
    s = stance.copy()
    s["article_id"] = s["article_id"].map(_text)
    s = s[s["article_id"].isin(outlets)]
    s["outlet"] = s["article_id"].map(outlets)
    s["title"] = s["article_id"].map(titles).fillna("")
    for col in ("label", "conditionality", "confidence"):
        if col not in s.columns:
            s[col] = "" if col == "label" else float("nan")
    extra = [c for c in ("n_cues", "top_cues") if c in s.columns]
    s = s[cols + extra]
    s = s.sort_values(["target", "support_score", "article_id"], ascending=[True, False, True], kind="stable")
    return s.reset_index(drop=True)


def main_targets(ranking: pd.DataFrame, *, limit: int = 3, preferred: Sequence[str] = ()) -> list[str]:
    """Targets with evidence in the most articles (those with a label other than ``unclear``).

    ``preferred`` (e.g. the stance summary's ``main_target``) come first when they have rows.
    """
    if ranking.empty:
        return []
    present = set(ranking["target"].map(_text))
    first = [t for t in dict.fromkeys(str(p) for p in preferred if p) if t in present]
    informative = ranking[ranking["label"].map(_text) != "unclear"]
    base = informative if len(informative) else ranking
    # most articles with a stance first; among equals, the target with most evidence (confidence grows with it)
    g = base.groupby("target").agg(n=("article_id", "nunique"), mass=("confidence", lambda c: float(pd.to_numeric(c, errors="coerce").fillna(0).sum())))
    ranked = [str(t) for t, _ in sorted(g.iterrows(), key=lambda kv: (-kv[1]["n"], -round(kv[1]["mass"], 6), str(kv[0])))]
    return list(dict.fromkeys(first + ranked))[:limit]


def preferred_targets(summary: Mapping[str, Any] | None) -> list[str]:
    """The stance stage's own main target, if its summary names one."""
    # only the main one: the rest are ranked by how many articles take a stance on them
    main = (summary or {}).get("main_target")
    return [main] if isinstance(main, str) and main.strip() else []

#: mutation values that mean "the quote was not changed"
UNCHANGED_MUTATIONS = frozenset({"", "none", "verbatim", "exact", "identical", "original", "same", "unchanged"})


def _is_changed(row: Any) -> bool:
    mutation = _text(getattr(row, "mutation", "")).strip().lower()
    if mutation and mutation not in UNCHANGED_MUTATIONS:
        return True
    fidelity = getattr(row, "fidelity", None)
    try:
        return fidelity is not None and not math.isnan(float(fidelity)) and float(fidelity) < 0.999
    except (TypeError, ValueError):
        return False


def changed_quotes(quotes: pd.DataFrame | None, articles: pd.DataFrame) -> pd.DataFrame:
    """Quotes in clusters where at least one version differs (see module docstring)."""
    cols = ["cluster_id", "quote_id", "article_id", "outlet", "speaker", "quote", "kind", "fidelity",
            "mutation", "reference"]
    if not _has(quotes, "cluster_id", "quote_id", "article_id", "quote"):
        return pd.DataFrame(columns=cols)
    outlets = outlet_labels(articles)
    q = quotes.copy()
    q["article_id"] = q["article_id"].map(_text)
    q = q[q["cluster_id"].map(_text).str.strip() != ""]
    for col in ("speaker", "kind", "mutation"):
        if col not in q.columns:
            q[col] = ""
    if "fidelity" not in q.columns:
        q["fidelity"] = float("nan")
    q["outlet"] = q["article_id"].map(outlets).fillna(q["article_id"])
    q["changed"] = [_is_changed(r) for r in q.itertuples(index=False)]
    rows = []
    for cid, group in q.groupby("cluster_id", sort=True):
        if group["article_id"].nunique() < 2 or not group["changed"].any():
            continue
        given = [t for t in group.get("reference_text", pd.Series(dtype=str)).map(_text) if t.strip()]
        if given:  # the quotes stage chose the reference (a transcript or the fullest rendering)
            reference = sorted(given, key=lambda t: (-given.count(t), t))[0]
        else:  # else the wording most versions share, ties to the earliest article id
            unchanged = group[~group["changed"]]
            base = unchanged if len(unchanged) else group
            reference = base.assign(n=base.groupby("quote")["quote"].transform("size")) \
                .sort_values(["n", "article_id", "quote_id"], ascending=[False, True, True]).iloc[0]["quote"]
        for r in group.sort_values(["article_id", "quote_id"]).itertuples(index=False):
            rows.append({"cluster_id": str(cid), "quote_id": r.quote_id, "article_id": r.article_id,
                         "outlet": r.outlet, "speaker": r.speaker, "quote": r.quote, "kind": r.kind,
                         "fidelity": r.fidelity, "mutation": r.mutation, "reference": reference})
    return pd.DataFrame(rows, columns=cols)


def quote_categories(quotes: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """Per outlet, how many of its quotes were repeated verbatim, changed, or found nowhere else."""
    cols = ["outlet", "same wording as elsewhere", "wording changed", "only in this outlet"]
    if not _has(quotes, "quote_id", "article_id"):
        return pd.DataFrame(columns=cols)
    outlets = outlet_labels(articles)
    q = quotes.copy()
    q["article_id"] = q["article_id"].map(_text)
    q["outlet"] = q["article_id"].map(outlets).fillna(q["article_id"])
    cid = q["cluster_id"].map(_text) if "cluster_id" in q.columns else pd.Series([""] * len(q), index=q.index)
    spread = q.assign(cid=cid).groupby("cid")["article_id"].transform("nunique")
    shared = (cid.str.strip() != "") & (spread > 1)
    changed = pd.Series([_is_changed(r) for r in q.itertuples(index=False)], index=q.index)
    q["category"] = "only in this outlet"
    q.loc[shared & ~changed, "category"] = "same wording as elsewhere"
    q.loc[shared & changed, "category"] = "wording changed"
    table = pd.crosstab(q["outlet"], q["category"]).reindex(columns=cols[1:], fill_value=0)
    return table.reset_index()[cols]


def parameter_rows(params: Mapping[str, Any] | None) -> pd.DataFrame:
    """``stage, parameter, value`` from the resolved ``params.yaml``."""
    rows = []
    for stage, values in (params or {}).items():
        if isinstance(values, Mapping):
            for name, value in sorted(values.items()):
                rows.append({"stage": stage, "parameter": name, "value": _fmt(value)})
        else:
            rows.append({"stage": "(run)", "parameter": stage, "value": _fmt(values)})
    return pd.DataFrame(rows, columns=["stage", "parameter", "value"])
