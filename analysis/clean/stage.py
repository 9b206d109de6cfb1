"""The clean stage over a corpus: clean every document, drop duplicates, split sentences and
build the input ledger (``inputs``: one row per input file saying what happened to it)."""

from __future__ import annotations

import datetime as _dt
from functools import partial
from typing import Any, Iterable

import pandas as pd

from ..annotate import Annotation, Annotator
from ..corpus import RawCorpus, RawDocument
from ..errors import CleanError
from .document import clean_document
from .duplicates import find_duplicates
from .records import CleanedCorpus, CleanedDocument
from .sentences import split_sentences

_LEDGER_COLUMNS = ["file", "status", "reason", "duplicate_of", "sha256", "bytes", "article_id"]


def clean_corpus(corpus: RawCorpus, *, min_words: int = 40, min_english_share: float = 0.15,
                 max_fragment_words: int = 4, duplicate_threshold: float = 0.8, min_articles: int = 2,
                 today: str | None = None, annotator: Annotation | None = None,
                 show_progress: bool = False) -> CleanedCorpus:
    """Clean every document, drop duplicates, split sentences and build the input ledger.

    Per-article work (cleaning, MinHash signatures, sentence splits) runs through
    ``annotator.map`` (:class:`analysis.annotate.Annotator`: this process by default, or a Dask
    cluster); the results are the same either way.

    Raises
    ------
    CleanError
        When fewer than ``min_articles`` articles survive; the message lists what happened to
        each input.
    """
    docs = corpus.documents
    today = today or _dt.datetime.now(_dt.timezone.utc).date().isoformat()
    clean_one = partial(_clean_many, min_words=min_words, min_english_share=min_english_share,
                        max_fragment_words=max_fragment_words, today=today)
    mapper = (annotator or Annotator()).map
    results = mapper(clean_one, docs)
    iterator: Iterable[tuple[RawDocument, CleanedDocument]] = zip(docs, results)
    if show_progress:
        from tqdm.auto import tqdm

        iterator = tqdm(iterator, total=len(docs), desc="clean", unit="article")
    ledger = {rej.file: _ledger_row(rej.file, "rejected", rej.reason, "", rej.sha256, rej.n_bytes, "")
              for rej in corpus.rejections}
    by_id, audit_rows = _collect_results(iterator, ledger)
    order = sorted(by_id, key=lambda aid: (str(by_id[aid][1].article["date"]) or "9999-99-99",  # type: ignore[index]
                                           aid))
    bodies = {aid: _body(by_id[aid][1]) for aid in order}
    duplicates = find_duplicates(bodies, threshold=duplicate_threshold, order=order, mapper=mapper)
    _ledger_survivors(by_id, order, duplicates, ledger)
    kept_ids = sorted(a for a in by_id if a not in duplicates)
    inputs = pd.DataFrame([ledger[k] for k in sorted(ledger)], columns=_LEDGER_COLUMNS)
    _require_enough(corpus, inputs, len(kept_ids), min_articles)
    articles = pd.DataFrame([by_id[a][1].article for a in kept_ids])
    paragraphs = {a: by_id[a][1].paragraphs for a in kept_ids}
    sentences = split_sentences(articles, paragraphs, mapper=mapper)
    audit = pd.DataFrame(audit_rows, columns=["article_id", "rule", "removed_text", "reason"])
    return CleanedCorpus(articles, sentences, audit, inputs)


def _collect_results(iterator: Iterable[tuple[RawDocument, CleanedDocument]],
                     ledger: dict[str, dict[str, object]]
                     ) -> tuple[dict[str, tuple[RawDocument, CleanedDocument]], list[dict[str, str]]]:
    """Gather audit rows, ledger the rejected documents (in place) and index the articles by id."""
    audit_rows: list[dict[str, str]] = []
    by_id: dict[str, tuple[RawDocument, CleanedDocument]] = {}
    for doc, result in iterator:
        audit_rows.extend(result.audit)
        if result.article is None:
            ledger[doc.file] = _ledger_row(doc.file, "rejected", result.rejection or "", "", doc.sha256,
                                           doc.n_bytes, doc.doc_id)
        else:
            by_id[doc.doc_id] = (doc, result)
    return by_id, audit_rows


def _ledger_survivors(by_id: dict[str, tuple[RawDocument, CleanedDocument]], order: list[str],
                      duplicates: dict[str, tuple[str, float]], ledger: dict[str, dict[str, object]]) -> None:
    """Ledger each cleaned article (in place) as kept or as a duplicate of the one kept."""
    for aid in order:
        doc, result = by_id[aid]
        if aid in duplicates:
            kept_id, jac = duplicates[aid]
            kind = "exact copy" if jac >= 0.999 else f"near-duplicate (shingle Jaccard {jac:.2f})"
            ledger[doc.file] = _ledger_row(doc.file, "duplicate", f"{kind} of {by_id[kept_id][0].file}",
                                           kept_id, doc.sha256, doc.n_bytes, aid)
        else:
            ledger[doc.file] = _ledger_row(doc.file, "kept", doc.note, "", doc.sha256, doc.n_bytes, aid)


def _require_enough(corpus: RawCorpus, inputs: pd.DataFrame, n_kept: int, min_articles: int) -> None:
    """Raise :class:`CleanError` listing every input when too few articles survive to compare."""
    if n_kept >= min_articles:
        return
    lines = "\n".join(f"  {r.file}: {r.status}{' - ' + r.reason if r.reason else ''}"
                      for r in inputs.itertuples())
    raise CleanError(f"{corpus.root}: only {n_kept} usable article(s) after cleaning; "
                     f"at least {min_articles} are needed to compare coverage.\n{lines or '  (no inputs)'}")


def _clean_many(docs: list[RawDocument], **kwargs: Any) -> list[CleanedDocument]:
    return [clean_document(doc, **kwargs) for doc in docs]


def _body(result: CleanedDocument) -> str:
    article = result.article or {}
    text = str(article.get("clean_text", ""))
    if article.get("has_headline") and result.paragraphs:
        text = text[result.paragraphs[0][1]:]
    return text


def _ledger_row(file: str, status: str, reason: str, duplicate_of: str, sha256: str, n_bytes: int,
                article_id: str) -> dict[str, object]:
    return {"file": file, "status": status, "reason": reason, "duplicate_of": duplicate_of,
            "sha256": sha256, "bytes": n_bytes, "article_id": article_id}


def rejection_messages(inputs: pd.DataFrame) -> list[str]:
    """One human-readable line per input that did not make it into the analysis."""
    return [f"{r.file}: {r.status} - {r.reason}" for r in inputs.itertuples() if r.status != "kept"]

