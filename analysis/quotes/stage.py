"""The stage over the corpus: the quotes table, clusters and voices, and :func:`run` that chains them.

Pure: DataFrames in, DataFrames out (the notebook writes them to the run folder).
"""

from __future__ import annotations

from collections import Counter
from functools import partial
from typing import Any, Callable, Sequence

import pandas as pd

from ..annotate import Annotation, Annotator
from ..errors import QuotesError
from .attribution import extract_quotes
from .clusters import cluster_variants
from .fact_links import fact_ids
from .fidelity import score_fidelity
from .lexicon import norm_words
from .model import QUOTE_COLUMNS, ClusterThresholds, Quote, QuotesResult
from .speakers import canonical_speakers, resolve_descriptions


def extract_corpus(articles: pd.DataFrame, *, nlp: Any = None, include_cognition: bool = False,
                   parse: Callable[[Sequence[str]], list[Any]] | None = None,
                   derive: Callable[..., list[Any]] | None = None) -> pd.DataFrame:
    """Quotes of every article as one table, speakers merged across the corpus.

    Parameters
    ----------
    articles : DataFrame
        Needs ``article_id`` and ``clean_text``; ``outlet`` is copied when present.
    include_cognition : bool, default=False
        See :func:`~analysis.quotes.extract_quotes`.
    parse : callable, optional
        Article texts -> one spaCy Doc per text (:meth:`analysis.annotate.Annotator.parse_articles`,
        which reads and fills the run folder's parse cache); by default parsed here afresh with ``nlp``.
    derive : callable, optional
        :meth:`analysis.annotate.Annotator.derive`: each article's quotes are then kept in the run
        folder, and only articles not seen before are parsed and read.

    Returns
    -------
    quotes : DataFrame
        The ``quotes`` columns of :mod:`analysis.quotes`; cluster and fidelity columns are empty
        until :func:`~analysis.quotes.cluster_variants` and :func:`~analysis.quotes.score_fidelity`
        fill them.
    """
    missing = [c for c in ("article_id", "clean_text") if c not in articles.columns]
    if missing:
        raise QuotesError(f"articles table lacks {missing}; run the clean stage (01_clean) first")
    from ..nlp import load_spacy, parse_articles

    if parse is None:
        parse = partial(parse_articles, nlp=nlp if nlp is not None else load_spacy(parser=True, ner=True))
    arts = articles.sort_values("article_id")
    texts = [str(t) if isinstance(t, str) else "" for t in arts["clean_text"]]
    outlets = dict(zip(arts["article_id"].astype(str), arts["outlet"].astype(str))) if "outlet" in arts else {}
    rows: list[dict[str, Any]] = []
    ids = arts["article_id"].astype(str).tolist()
    read = partial(_article_quotes, include_cognition=include_cognition)
    found_all = (derive("quotes-extract", read, texts, extras=ids, params=f"include_cognition={include_cognition}",
                        code=("quotes", "coverage")) if derive is not None
                 else [read(text, doc, aid) for text, doc, aid in zip(texts, parse(texts), ids)])
    for aid, found in zip(ids, found_all):
        rows.extend(_quote_rows(aid, outlets.get(aid, ""), found))
    df = pd.DataFrame(rows)
    if df.empty:
        df = pd.DataFrame(columns=QUOTE_COLUMNS)
    for col, default in (("cluster_id", ""), ("fidelity", float("nan")), ("mutation", ""),
                         ("reference_quote_id", ""), ("reference_text", ""), ("coverage", float("nan")),
                         ("diff", "")):
        df[col] = default
    _merge_person_names(df)
    return df[QUOTE_COLUMNS + [c for c in df.columns if c not in QUOTE_COLUMNS]]


def _article_quotes(text: str, doc: Any, aid: str, *, include_cognition: bool) -> list[Quote]:
    """One article's quotes (:func:`~analysis.quotes.extract_quotes`): per article and pure."""
    return extract_quotes(text, article_id=aid, doc=doc, include_cognition=include_cognition)


def _quote_rows(aid: str, outlet: str, found: list[Quote]) -> list[dict[str, Any]]:
    """Table rows of one article's quotes, numbered ``<article_id>:q<NNN>`` in text order."""
    ids = {f"{aid}:{q.start}": f"{aid}:q{k:03d}" for k, q in enumerate(found)}
    return [{
        "quote_id": f"{aid}:q{k:03d}", "article_id": aid, "outlet": outlet,
        "start": q.start, "end": q.end, "quote": q.quote, "speaker": q.speaker, "kind": q.kind,
        "speaker_mention": q.speaker_mention, "speaker_start": q.speaker_start,
        "speaker_end": q.speaker_end, "verb": q.verb, "attribution": q.attribution,
        "resolution": q.resolution, "contained_in": ids.get(q.contained_in, ""),
        "unbalanced": q.unbalanced, "n_words": len(norm_words(q.quote)), "speaker_type": q.speaker_type,
    } for k, q in enumerate(found)]


def _merge_person_names(df: pd.DataFrame) -> None:
    """Replace person speakers by their canonical name across the corpus, in place."""
    if not df.empty:  # "the Finnish leader" unresolved here, resolved to one person in another article
        resolved = pd.Series(resolve_descriptions(df["speaker_mention"].tolist(), df["speaker"].tolist(),
                                                  df["resolution"].tolist()), index=df.index)
        changed = resolved.ne(df["speaker"])
        df.loc[changed, "speaker"] = resolved[changed]
        df.loc[changed, "resolution"] = "title"
        df.loc[changed, "speaker_type"] = "person"
    # only person names are merged: "the US president" and "the French president" are different people
    # (a lone capitalised word is a surname the model may have tagged as a place or organisation:
    # canonical_speakers maps it only when exactly one person in the corpus carries that surname)
    lone = df["speaker"].str.fullmatch(r"[A-Z][\w’'-]+") if not df.empty else df["speaker"].ne("")
    person = (df["speaker_type"].eq("person") | df["resolution"].isin(["pronoun", "title"])
              | df["attribution"].eq("floating") | lone) & df["speaker"].ne("") if not df.empty else lone
    if person.any():
        df.loc[person, "speaker"] = canonical_speakers(df.loc[person, "speaker"].tolist())


def cluster_table(quotes: pd.DataFrame) -> pd.DataFrame:
    """One row per cluster with renderings in two or more articles, lowest fidelity first."""
    cols = ["cluster_id", "speaker", "n_renderings", "n_articles", "n_outlets", "reference_quote_id",
            "reference_text", "min_fidelity", "mean_fidelity", "mutations", "method"]
    rows = []
    for cid, g in quotes[quotes["cluster_id"] != ""].groupby("cluster_id", sort=True):
        if g["article_id"].nunique() < 2:
            continue
        ref_id = str(g["reference_quote_id"].iloc[0])
        ref = g["reference_text"] if "reference_text" in g else quotes.loc[quotes["quote_id"] == ref_id, "quote"]
        speakers = Counter(s for s in g["speaker"] if s)
        rows.append({
            "cluster_id": cid, "speaker": speakers.most_common(1)[0][0] if speakers else "",
            "n_renderings": len(g), "n_articles": g["article_id"].nunique(),
            "n_outlets": g["outlet"].nunique() if "outlet" in g else g["article_id"].nunique(),
            "reference_quote_id": ref_id, "reference_text": str(ref.iloc[0]) if len(ref) else "",
            "min_fidelity": float(g["fidelity"].min()), "mean_fidelity": round(float(g["fidelity"].mean()), 4),
            "mutations": "; ".join(f"{k} {v}" for k, v in sorted(Counter(g["mutation"]).items()) if k),
            "method": "+".join(sorted(set(g["cluster_method"]) - {"", "single"})) if "cluster_method" in g else "lexical",
        })
    out = pd.DataFrame(rows, columns=cols)
    return out.sort_values(["min_fidelity", "cluster_id"]).reset_index(drop=True)


def voices_table(quotes: pd.DataFrame) -> pd.DataFrame:
    """Who gets a voice: quotes per outlet and speaker (nested fragments not double-counted)."""
    q = quotes[(quotes["contained_in"] == "") & (quotes["speaker"] != "")]
    cols = ["outlet", "speaker", "n_quotes", "n_direct", "n_partial", "n_indirect"]
    if q.empty:
        return pd.DataFrame(columns=cols)
    out = (q.assign(n_direct=q["kind"].eq("direct").astype(int), n_partial=q["kind"].eq("partial").astype(int),
                    n_indirect=q["kind"].eq("indirect").astype(int))
           .groupby(["outlet", "speaker"], sort=True)[["n_direct", "n_partial", "n_indirect"]].sum().reset_index())
    out["n_quotes"] = out[["n_direct", "n_partial", "n_indirect"]].sum(axis=1)
    return out[cols].sort_values(["outlet", "n_quotes", "speaker"], ascending=[True, False, True]).reset_index(drop=True)


def run(articles: pd.DataFrame, *, reference_transcript: str | None = None, include_cognition: bool = False,
        thresholds: ClusterThresholds = ClusterThresholds(), use_embeddings: bool = False,
        reworded_floor: float = 0.6, nlp: Any = None, annotator: Annotation | None = None,
        facts: pd.DataFrame | None = None) -> QuotesResult:
    """Run the whole stage: extract, cluster, score. Returns (quotes, clusters, voices).

    Parameters
    ----------
    articles : DataFrame
        The clean stage's articles (``article_id``, ``clean_text``, ``outlet``).
    reference_transcript : str, optional
        What was actually said; see :func:`~analysis.quotes.score_fidelity`.
    include_cognition : bool, default=False
        See :func:`~analysis.quotes.extract_quotes`.
    thresholds : ClusterThresholds
        See :func:`~analysis.quotes.cluster_variants`.
    use_embeddings : bool, default=False
        Honoured only when :func:`analysis.nlp.embedder_status` says the extra is installed;
        otherwise clustering is lexical only (see ``cluster_method``).
    reworded_floor : float, default=0.6
        See :func:`~analysis.quotes.score_fidelity`.
    annotator : Annotation, optional
        Where article parses and sentence vectors come from (:class:`analysis.annotate.Annotator`:
        its parse cache and engine); this process without caches by default. Vectors are made
        afresh (``cached=False``), so clusters do not depend on what other stages embedded.
    facts : DataFrame, optional
        The coverage stage's ``facts`` table: fills ``fact_ids`` (:mod:`~analysis.quotes.fact_links`).

    Returns
    -------
    result : QuotesResult
        The ``quotes`` table sorted by article and offset, ``clusters`` and ``voices``.
    """
    quotes = extract_corpus(articles, nlp=nlp, include_cognition=include_cognition,
                            parse=annotator.parse_articles if annotator is not None else None,
                            derive=getattr(annotator, "derive", None))  # per-article quotes kept in the run folder
    embed = None
    if use_embeddings:
        annotator = annotator if annotator is not None else Annotator()
        if annotator.embedder_status(use_embeddings=True).available:
            embed = partial(annotator.embed, cached=False)
    quotes = cluster_variants(quotes, thresholds, embed=embed)
    quotes = score_fidelity(quotes, reference_transcript=reference_transcript, reworded_floor=reworded_floor)
    quotes = quotes.sort_values(["article_id", "start", "quote_id"]).reset_index(drop=True)
    quotes["fact_ids"] = fact_ids(quotes, facts)
    return QuotesResult(quotes, cluster_table(quotes), voices_table(quotes))
