"""How far to trust each figure, said where the figure is.

Each section of the reader's page opens with one sentence on how its method scored on labelled
data (the benchmark figures recorded with the package, :func:`~.load.load_benchmark_floors` with
``kind="results"``) and how many sentences stand behind the section's figures in this run. A
stage without recorded figures is said to be unmeasured. The datasets are named as in the
README's "Measured figures" table; nothing here knows the corpus.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping, Sequence

import pandas as pd

from .html import _has, _text, esc

Figures = Mapping[str, Any]


def _f(figures: Figures, key: str, fmt: str = "{:.2f}") -> str | None:
    try:
        return fmt.format(float(figures[key]))
    except (KeyError, TypeError, ValueError):
        return None


def _coverage(figures: Figures, method: str) -> str | None:
    m = "minilm" if "minilm" in method.lower() or not method else "tfidf"
    # the facts, the matrix and "only X reported" rest on grouping claims into facts: its held-out
    # figure (labelled events the fit never saw), not the 28 seed claim pairs (F1 0.94), is the one to trust
    f1, cell = _f(figures, "basil_nested_f1"), _f(figures, "basil_nested_cell_accuracy")
    human = _f(figures, "human_agreement_f1")
    r = _f(figures, f"semeval_{m}_heldout")
    copy = _f(figures, f"synthetic_{m}_copy_recall", "{:.0%}")
    parts = []
    if f1:
        parts.append(f"grouping sentences into facts matched hand labels at pairwise F1 {f1}"
                     + (f" ({cell} of outlet-by-fact cells right)" if cell else "")
                     + " on 8 labelled events it was not fitted on (BASIL)"
                     + (f"; two people labelling the same events agree at F1 {human}" if human else ""))
    if r:
        parts.append(f"article similarity correlated r = {r} with human judgement (SemEval-2022, held out)")
    if copy:
        parts.append(f"wire copy detection found {copy} of 40 planted copies")
    return "; ".join(parts) or None


def _stance(figures: Figures, method: str) -> str | None:
    agree, order = _f(figures, "newsmtsc_framing_sign_agreement"), _f(figures, "order_vs_author_feeling")
    cover = _f(figures, "newsmtsc_framing_coverage", "{:.0%}")
    parts = []
    if agree:
        parts.append(f"the cue words' direction agreed with annotated sentence polarity {agree} of the time "
                     f"(NewsMTSC; a cue was found in only {cover or 'a few'} of sentences; always guessing the "
                     "commoner sign scores about the same)")
    if order:
        parts.append(f"they ordered three outlets' articles on one event as annotators did in {order} of pairs "
                     "(BASIL; chance 0.50)")
    return ("; ".join(parts) + ". Read the framing scores as pointers to the quoted words, not as a measurement") \
        if parts else None


def _portrayal(figures: Figures) -> str | None:
    f1, mt = _f(figures, "newsmtsc_rw_f1m"), _f(figures, "newsmtsc_mt_f1m")  # both sets, not the better one
    return (f"the portrayal classifier reached macro-F1 {f1}" + (f" and {mt}" if mt else "")
            + " on held-out NewsMTSC sentences") if f1 else None


def _quotes(figures: Figures, method: str) -> str | None:
    f1, spk = _f(figures, "ggt_all_f1_0.3"), _f(figures, "ggt_speaker_acc")
    pol = _f(figures, "polnear_all_f1_0.3")
    if not f1:
        return None
    out = f"finding quotes reached F1 {f1}" + (f" and naming their speaker {spk} accuracy" if spk else "") + \
        " on 49 labelled news articles (Gender Gap Tracker)"
    return out + (f"; on PolNeAR, which also counts beliefs and intentions, F1 {pol}" if pol else "")


_STAGE_SENTENCES: dict[str, Callable[[Figures, str], str | None]] = {
    "coverage": _coverage, "stance": _stance, "quotes": _quotes}


def method_sentence(stage: str, results: Mapping[str, Figures] | None, *, method: str = "") -> str:
    """One sentence on how the stage's method scored on labelled data (or that it was not measured)."""
    figures = (results or {}).get(stage) or {}
    make = _STAGE_SENTENCES.get(stage)
    body = make(figures, method) if make and figures else None
    if stage == "stance" and figures:
        extra = _portrayal(figures)
        body = f"{body}; {extra}" if body and extra else body or extra
    if not body:
        return (f"The {stage} method has no recorded benchmark figures in this installation, so treat its "
                "numbers as indicative.")
    return f"On labelled data, {body}."


def evidence_sentence(stage: str, tables: Mapping[str, pd.DataFrame | None]) -> str:
    """How many sentences (and articles) stand behind the section's figures in this run."""
    def count(name: str, col: str = "sent_id") -> tuple[int, int]:
        t = tables.get(name)
        if not _has(t, col, "article_id"):
            return 0, 0
        return int(t[col].map(_text).nunique()), int(t["article_id"].map(_text).nunique())

    if stage == "coverage":
        n, a = count("facts")
        what = "sentences in which a fact was found"
    elif stage == "stance":
        n, a = count("stance_evidence")
        what = "sentences with a cue word about a main actor"
    elif stage == "quotes":
        q = tables.get("quotes")
        if _has(q, "contained_in"):  # a partial quote inside another is counted once, as in the findings
            tables = {**tables, "quotes": q[q["contained_in"].map(_text) == ""]}
        n, a = count("quotes", "quote_id")
        what = "quotes"
    else:
        return ""
    if not n:
        return "No sentence stands behind this section in this run."
    return f"In this run {n} {what}, from {a} article{'s' if a != 1 else ''}, stand behind these figures."


def trust_html(stage: str, results: Mapping[str, Figures] | None, tables: Mapping[str, pd.DataFrame | None], *,
               method: str = "") -> str:
    """The trust line a section opens with: method accuracy, then the evidence count."""
    text = " ".join(s for s in (method_sentence(stage, results, method=method), evidence_sentence(stage, tables)) if s)
    return f'<p class="nr-trust"><strong>How far to trust this:</strong> {esc(text)}</p>'


def overview_trust_html(results: Mapping[str, Figures] | None) -> str:
    """The overview's trust line: its columns come from three methods; one figure for each, the
    sections below give the rest and the sentences."""
    r = results or {}
    f1 = _f(r.get("coverage") or {}, "basil_nested_f1")
    sign = _f(r.get("stance") or {}, "newsmtsc_framing_sign_agreement")
    quotes = _f(r.get("quotes") or {}, "ggt_all_f1_0.3")
    parts = [f"the fact columns on grouping sentences into facts, which matched hand labels at F1 {f1} on "
             "held-out events" if f1 else "",
             f"the framing columns on cue words whose direction matched annotated polarity {sign} of the time, "
             "about what guessing scores (read them as which words were chosen)" if sign else "",
             f"the quote column on quotes found at F1 {quotes}" if quotes else ""]
    parts = [p for p in parts if p]
    text = ("These columns rest on three methods: " + "; ".join(parts) + ". Each section below opens with its "
            "figures and the number of sentences behind them." if parts else
            "The methods behind these columns have no recorded benchmark figures in this installation, so treat "
            "the numbers as indicative.")
    return f'<p class="nr-trust"><strong>How far to trust this:</strong> {esc(text)}</p>'


def with_trust(section: str, trust: str) -> str:
    """``section`` with ``trust`` placed right after its heading (the first ``</h2>``)."""
    head, sep, rest = section.partition("</h2>")
    return head + sep + trust + rest if sep else trust + section


def thin_stance_note(stance: pd.DataFrame | None, *, targets: Sequence[str] | None = None, min_cues: int = 2) -> str:
    """A note naming how many framing scores of ``targets`` (default: all) rest on fewer than ``min_cues``
    cue words (empty if none)."""
    if not _has(stance, "n_cues", "label"):
        return ""
    if targets is not None and "target" in stance.columns:
        stance = stance[stance["target"].map(_text).isin(set(targets))]
    cues = pd.to_numeric(stance["n_cues"], errors="coerce")
    thin = stance[(cues > 0) & (cues < min_cues)]
    if thin.empty:
        return ""
    return (f'<p class="nr-trust nr-low">{len(thin)} of the {int((cues > 0).sum())} framing scores with any cue rest '
            f"on fewer than {min_cues} cue words; they are greyed in the outlets table and should be read as no evidence.</p>")
