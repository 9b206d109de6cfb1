"""Plain-English sentences written from the digests: the one-minute summary, caveats and benchmarks."""

from __future__ import annotations

import re
from typing import Any, Mapping, Sequence

import pandas as pd

from .digests import UNCHANGED_MUTATIONS, EventSummary
from .html import _fmt, _has, _text
from .unique_checks import found_again


def event_sentences(event: EventSummary, *, max_outlets: int = 8) -> list[str]:
    """Plain sentences for the top of the summary."""
    if event.n_articles == 0:
        return ["No article survived cleaning, so there is nothing to summarise."]
    when = ""
    if event.first_date and event.first_date == event.last_date:
        when = f" on {event.first_date}"
    elif event.first_date:
        when = f" between {event.first_date} and {event.last_date}"
    named = [f"{o} ({n})" if n > 1 else o for o, n in event.outlets[:max_outlets]]
    more = len(event.outlets) - len(named)
    outlets = ", ".join(named) + (f" and {more} more (listed under The articles)" if more > 0 else "")
    out = [f"{event.n_articles} article{'s' if event.n_articles != 1 else ''} from {event.n_outlets} "
           f"outlet{'s' if event.n_outlets != 1 else ''}, published{when}: {outlets}."]
    if event.headline:
        out.append(f"The headline closest to what all of them report: “{event.headline}”.")
    if event.keywords:
        out.append("Words most of the articles use at the top of the story: " + ", ".join(event.keywords) + ".")
    return out


def coverage_findings(matrix: pd.DataFrame, omitted: pd.DataFrame, checks: pd.DataFrame | None = None) -> list[str]:
    """Sentences answering "which facts did everyone carry, who left out what".

    ``checks`` (``data/unique_checks.csv``): facts the looser search found in another outlet are
    not counted as appearing in one outlet only, and the sentence says how many were set aside.
    """
    if matrix.empty:
        return []
    n_facts, n_outlets = matrix.shape
    counts = matrix.sum(axis=1)
    everyone = int((counts == n_outlets).sum())
    again = found_again(checks)[0] & {str(f) for f in matrix.index[counts == 1]}
    single = int((counts == 1).sum()) - len(again)
    every = "both outlets" if n_outlets == 2 else f"every one of the {n_outlets} outlets"
    out = [f"{everyone} of {n_facts} facts were carried by {every}; "
           f"{single} appeared in one outlet only"
           + (f" ({len(again)} more looked unique, but another outlet has a close sentence)." if again else ".")]
    per = matrix.sum(axis=0).sort_values(ascending=False, kind="stable")
    if n_outlets > 1:
        out.append(f"{per.index[0]} carried the most facts ({int(per.iloc[0])}), "
                   f"{per.index[-1]} the fewest ({int(per.iloc[-1])}).")
    if len(omitted):
        worst = omitted.groupby("outlet").size().sort_values(ascending=False, kind="stable")
        n = int(worst.iloc[0])
        tied = [str(o) for o, k in worst.items() if int(k) == n]
        n_others = int(omitted["of_others"].max()) if "of_others" in omitted else 0
        others = {1: "the other outlet", 2: "both other outlets"}.get(n_others, "most other outlets")
        who = (f"{tied[0]} left out the most widely reported facts ({n}" if len(tied) == 1 else
               f"{_and(tied)} each left out {n} widely reported facts, the most (each")
        out.append(f"{who} that {others} carried).")
    return out


def _and(names: Sequence[str]) -> str:
    """'A', 'A and B', 'A, B and C'."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _cues_phrase(top_cues: Any, *, limit: int = 3) -> str:
    """'; words: “a”, “b”' from a ``;``-joined ``top_cues`` cell such as ``backs (endorsing, lede); ...``."""
    cues = [re.sub(r"\s*\(.*\)\s*$", "", c).strip() for c in _text(top_cues).split(";")]
    cues = list(dict.fromkeys(c for c in cues if c))[:limit]
    return "; words: " + ", ".join(f"“{c}”" for c in cues) if cues else ""


def _too_few(framing: pd.DataFrame | None, target: str) -> set[str]:
    """Outlets whose framing of ``target`` the stance stage labelled ``too few`` (fewer sentences than
    it needs for a score worth reading); ``framing`` is ``data/stance_framing_outlets.csv`` (``label``)
    or :func:`.stance_measures.stance_measures` (``framing_label``)."""
    if framing is None or not {"outlet", "target"} <= set(framing.columns):
        return set()
    col = "framing_label" if "framing_label" in framing.columns else "label"
    if col not in framing.columns:
        return set()
    rows = framing[(framing["target"].map(_text) == target) & (framing[col].map(_text) == "too few")]
    return set(rows["outlet"].map(_text))


def stance_findings(ranking: pd.DataFrame, targets: Sequence[str], *,
                    framing: pd.DataFrame | None = None) -> list[str]:
    """Per main target, the outlets whose wording puts the actor's position nearest support and nearest
    opposition, with the words that made it so.

    Outlets are compared by the mean support of their articles that take a stance; the cue words
    quoted are those of the outlet's most (or least) favourable article. An outlet whose framing
    the stage marked ``too few`` (``framing``) is not ranked but named, so no finding rests on a
    score the tables grey out. The sentence says "supportive" or "opposed" only when every
    compared outlet's score has that sign: the least opposed of three opposed framings is not
    "the most supportive".
    """
    out = []
    for target in targets:
        every = ranking[ranking["target"] == target]
        r = every[every["label"].map(_text) != "unclear"]
        thin = _too_few(framing, target) & set(r["outlet"].map(_text))
        unclear = set(every["outlet"].map(_text)) - set(r["outlet"].map(_text))  # no stance wording at all
        r = r[~r["outlet"].map(_text).isin(thin)]
        if r["outlet"].nunique() < 2:
            continue
        means = r.groupby("outlet")["support_score"].agg(["mean", "size"])
        order = sorted(means.index, key=lambda o: (-round(float(means.loc[o, "mean"]), 9), str(o)))
        top_outlet, low_outlet = order[0], order[-1]
        why = [f"{_and(sorted(names))}: {reason}" for names, reason in
               ((thin, "too few sentences"), (unclear, "no clear stance wording")) if names]
        left_out = f" (not compared: {'; '.join(why)})" if why else ""
        hi, lo = round(float(means.loc[top_outlet, "mean"]), 6), round(float(means.loc[low_outlet, "mean"]), 6)
        if hi == lo:
            out.append(f"On {target}, all outlets compared scored alike ({hi:+.2f}){left_out}.")
            continue
        top = r[r["outlet"] == top_outlet].iloc[0]
        low = r[r["outlet"] == low_outlet].iloc[-1]

        def score(outlet: str, row: Any) -> str:
            n = int(means.loc[outlet, "size"])
            words = _cues_phrase(row.get("top_cues", ""))
            if n == 1:
                return f"({row['label']}, {row['support_score']:+.2f}{words})"
            return f"(mean support {float(means.loc[outlet, 'mean']):+.2f} over {n} articles{words})"

        n = len(means)
        group = "both outlets compared" if n == 2 else f"all {n} outlets compared"
        if lo >= 0:
            body = (f"{group} lean towards support: {top_outlet} the most {score(top_outlet, top)}, "
                    f"{low_outlet} the least {score(low_outlet, low)}")
        elif hi <= 0:
            body = (f"{group} lean towards opposition: {low_outlet} the most {score(low_outlet, low)}, "
                    f"{top_outlet} the least {score(top_outlet, top)}")
        else:
            body = (f"the {n} outlets compared run from support to opposition: {top_outlet} the "
                    f"most supportive {score(top_outlet, top)}, {low_outlet} the most opposed {score(low_outlet, low)}")
        out.append(f"On {target}, {body}{left_out}.")
    return out


def quote_findings(quotes: pd.DataFrame | None, changed: pd.DataFrame) -> list[str]:
    if not _has(quotes, "quote_id"):
        return []
    if "cluster_id" not in quotes.columns:
        return [f"{len(quotes)} quotes found; they were not matched across articles in this run."]
    q = quotes.assign(cid=quotes["cluster_id"].map(_text).str.strip())
    q = q[q["cid"] != ""]
    spread = q.groupby("cid")["article_id"].nunique()
    shared = int((spread > 1).sum())
    if not shared:
        return ["No remark was quoted by more than one article, so no quote can be compared across outlets."]
    n_changed = changed["cluster_id"].nunique() if len(changed) else 0
    out = [f"{shared} remark{'s were' if shared != 1 else ' was'} quoted by more than one article; "
           f"in {n_changed} of them the wording differs between outlets."]
    if len(changed):
        muts = changed["mutation"].map(_text).str.strip().str.lower()
        muts = muts[~muts.isin(UNCHANGED_MUTATIONS)]
        if len(muts):
            counts = muts.value_counts()
            shown, rest = counts.head(4), counts.iloc[4:]
            more = (f", and {int(rest.sum())} of {len(rest)} other kind{'s' if len(rest) != 1 else ''}"
                    if len(rest) else "")
            out.append(f"Kinds of change (one per changed version, {len(muts)} in all): "
                       + ", ".join(f"{k} ({v})" for k, v in shown.items()) + more + ".")
    return out


def inputs_findings(inputs: pd.DataFrame | None, articles: pd.DataFrame) -> list[str]:
    """What the reader must know about the corpus before trusting numbers: drops and date flags."""
    out = []
    if _has(inputs, "status"):
        counts = inputs["status"].value_counts()
        dropped = int(counts.get("duplicate", 0)) + int(counts.get("rejected", 0))
        if dropped:
            out.append(f"{len(inputs)} input files: {int(counts.get('kept', 0))} analysed, "
                       f"{int(counts.get('duplicate', 0))} duplicates set aside, "
                       f"{int(counts.get('rejected', 0))} rejected (reasons under Inputs and provenance).")
    if "flags" in articles.columns:
        flags: dict[str, int] = {}
        for value in articles["flags"].map(_text):
            for flag in filter(None, value.split(";")):
                flags[flag] = flags.get(flag, 0) + 1
        if flags:
            words = {"future_date": "a date in the future", "bad_date": "an unreadable date",
                     "date_conflict": "conflicting dates", "title_conflict": "a headline differing from its metadata"}
            out.append("Check the metadata: " + "; ".join(
                f"{n} article{'s' if n > 1 else ''} with {words.get(k, k.replace('_', ' '))}" for k, n in sorted(flags.items())) + ".")
    return out


def limitations(articles: pd.DataFrame, inputs: pd.DataFrame | None, summaries: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """Caveats that follow from this corpus and run, in plain sentences."""
    n = len(articles)
    out = [f"The analysis covers {n} article{'s' if n != 1 else ''} in English; other languages were set aside. "
           "It measures wording, not truth: a fact carried by every outlet can still be wrong."]
    if n < 10:
        out.append(f"With {n} articles, a single article moves any share or ranking a lot; read differences as "
                   "pointers to the evidence, not as statistics.")
    coverage_method = str((summaries.get("coverage") or {}).get("method", "")).lower()
    if any(k in coverage_method for k in ("tf-idf", "tfidf", "lexical")):
        out.append("At least one stage matched text by shared words (TF-IDF/lexical) rather than meaning, so the same "
                   "fact told in quite different words may be counted as two.")
    out.append("Stance scores come from word lists and sentence structure: irony, context across sentences and "
               "what an outlet chose not to say are beyond them. Every score links to its sentences for that reason.")
    if _has(inputs, "status") and (inputs["status"] != "kept").any():
        n = int((inputs["status"] != "kept").sum())
        out.append(f"{n} input file{' was' if n == 1 else 's were'} not analysed (duplicates or "
                   "rejected); their reasons are listed below.")
    return out


def benchmark_lines(summary: Mapping[str, Any] | None) -> list[str]:
    """Benchmark figures a stage recorded in its summary JSON, as sentences.

    Accepts ``benchmark`` or ``benchmarks`` holding a mapping (name -> figure or mapping) or a
    list of mappings (e.g. ``{"dataset": ..., "metric": ..., "value": ..., "anchor": ...}``).
    Returns an empty list when the stage recorded none.
    """
    if not summary:
        return []
    data = summary.get("benchmarks", summary.get("benchmark"))
    if not data:
        return []
    items: list[Any] = list(data.items()) if isinstance(data, Mapping) else list(data) if isinstance(data, list) else [data]
    out = []
    for item in items:
        if isinstance(item, tuple):
            name, value = item
            if isinstance(value, Mapping):
                out.append(f"{name}: " + ", ".join(f"{k} {_fmt(v)}" for k, v in value.items()))
            else:
                out.append(f"{name}: {_fmt(value)}")
        elif isinstance(item, Mapping):
            out.append(", ".join(f"{k} {_fmt(v)}" for k, v in item.items()))
        else:
            out.append(str(item))
    return out
