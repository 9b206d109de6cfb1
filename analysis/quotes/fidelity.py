"""Fidelity: align each rendering word by word with its cluster's reference and name the change.

The reference is the cluster's longest rendering, or the passage of a user-supplied transcript it
best matches (:func:`find_in_transcript`). :func:`align_words` / :func:`align_to_best_segment`
return the alignment as data (:class:`~analysis.quotes.model.Edit` steps plus fidelity and
coverage); :func:`mutation_type` names what happened; :func:`score_fidelity` fills the table's
fidelity columns. HTML renderings of the diff live in :mod:`analysis.viz.quotes`.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from dataclasses import replace
from typing import Any, NamedTuple

import pandas as pd

from .edits import meaning_edits
from .lexicon import SENTENCE_END, norm_words, strip_marks
from .model import Alignment, Edit
from .speakers import same_person


_SURFACE = re.compile(r"\S+")
# a hyphenated compound is aligned as two words and shown whole again ("rusted-out")
_HYPHEN_JOIN = re.compile(r"(?<=\w-) (?=\w)")


def _surface_words(text: str) -> list[tuple[str, str]]:
    """(as printed, normalised) pairs; punctuation-only chunks are dropped from the alignment."""
    out = []
    for chunk in _SURFACE.findall(text or ""):
        # "rusted-out" and "rusted out" are the same words
        for piece in re.split(r"(?<=\w-)(?=\w)", chunk):
            norm = "".join(norm_words(piece))
            if norm:
                out.append((piece, norm))
    return out


def align_words(reference: str, variant: str) -> Alignment:
    """Align ``variant`` to ``reference`` word by word (longest common subsequence).

    Case and punctuation are ignored. Unmatched words are deletions, insertions, or a
    replacement where a deletion meets an insertion; a deletion at either end that meets no
    insertion is ``trim`` (the variant quotes a fragment). ``fidelity`` is the Dice overlap of
    the variant with the untrimmed stretch of the reference (1.0 = a verbatim fragment);
    ``coverage`` is that stretch's share of the reference.
    """
    from rapidfuzz.distance import Indel

    ref, var = _surface_words(reference), _surface_words(variant)
    rn, vn = [w[1] for w in ref], [w[1] for w in var]
    if not rn or not vn:
        return Alignment((), 0.0, 0.0, len(vn), 0, 0)
    raw = [(op.tag, op.src_start, op.src_end, op.dest_start, op.dest_end) for op in Indel.opcodes(rn, vn)]
    equal = [op for op in raw if op[0] == "equal"]
    if not equal:
        ops = (Edit("replace", tuple(w[0] for w in ref), tuple(w[0] for w in var)),)
        return Alignment(ops, 0.0, 1.0, 0, 0, 1)
    ops_list: list[tuple[str, tuple[str, ...], tuple[str, ...]]] = []
    for tag, s1, e1, s2, e2 in raw:
        r = tuple(w[0] for w in ref[s1:e1])
        v = tuple(w[0] for w in var[s2:e2])
        if ops_list and {ops_list[-1][0], tag} == {"delete", "insert"}:
            prev = ops_list.pop()
            # a dropped stretch next to an added one is a substitution, in reference order
            ops_list.append(("replace", prev[1] + r, prev[2] + v))
            continue
        ops_list.append((tag, r, v))
    # reference words before the first and after the last aligned word are not quoted at all;
    # at an edge, a long dropped stretch next to a few added words is a trim plus an insertion
    if ops_list:
        last = len(ops_list) - 1
        for k in sorted({0, last}, reverse=True):
            tag, r, v = ops_list[k]
            if tag == "delete":
                ops_list[k] = ("trim", r, ())
            elif tag == "replace" and len(r) > len(v) + 2:
                pair = [("trim", r, ()), ("insert", (), v)]
                ops_list[k:k + 1] = pair if k == 0 else pair[::-1]
    matched = sum(e1 - s1 for _, s1, e1, _, _ in equal)
    window = len(rn) - sum(len(r) for t, r, _ in ops_list if t == "trim")
    fidelity = 2 * matched / (window + len(vn))
    n_ins = sum(len(v) for t, _, v in ops_list if t == "insert")
    n_del = sum(len(r) for t, r, _ in ops_list if t == "delete")
    n_rep = sum(1 for t, _, _ in ops_list if t == "replace")
    return Alignment(tuple(Edit(*op) for op in ops_list), round(fidelity, 4), round(window / len(rn), 4), n_ins, n_del, n_rep)


def align_to_best_segment(reference: str, variant: str) -> Alignment:
    """:func:`align_words` against the stretch of whole sentences of ``reference`` (one, two, or
    all of them) that the variant renders best, the other sentences counted as trimmed.

    A translation variant of one sentence of a long quotation is then compared with that
    sentence, not diluted by the sentences it never claimed to quote.
    """
    best = align_words(reference, variant)
    sents = [t for t in SENTENCE_END.split(reference) if t.strip()]
    if len(sents) < 2:
        return best
    for n in (1, 2):
        for i in range(len(sents) - n + 1):
            seg = " ".join(sents[i:i + n])
            al = align_words(seg, variant)
            if al.fidelity > best.fidelity + 1e-9:
                before = tuple(w for t in sents[:i] for w in t.split())
                after = tuple(w for t in sents[i + n:] for w in t.split())
                ops = ((Edit("trim", before, ()),) if before else ()) + al.ops + ((Edit("trim", after, ()),) if after else ())
                n_ref = len(_surface_words(reference))
                window = al.coverage * len(_surface_words(seg))
                best = replace(al, ops=ops, coverage=round(window / max(1, n_ref), 4))
    return best


def word_edits(reference: str, variant: str) -> tuple[Edit, ...]:
    """The word diff of ``variant`` against ``reference`` as data: :class:`Edit` steps in reference
    order, from :func:`align_to_best_segment`. Every rendering of a diff (the ``diff`` column,
    :func:`analysis.viz.text.word_diff_html`) starts from these edits."""
    return align_to_best_segment(reference, variant).ops


def join_hyphenated(text: str) -> str:
    """Close the gap a hyphenated compound got when it was aligned as two words ("rusted- out")."""
    return _HYPHEN_JOIN.sub("", text)


def diff_text(reference: str, variant: str) -> str:
    """The word diff in plain text: ``[-dropped-] {+added+} (…)`` for trimmed reference words."""
    return _diff_text(align_to_best_segment(reference, variant))


def _diff_text(al: Alignment) -> str:
    """:func:`diff_text` of an alignment made earlier (the ``diff`` column of the quotes table)."""
    parts = []
    for tag, r, v in al.ops:
        if tag == "equal":
            parts.append(" ".join(v))
        elif tag == "trim":
            parts.append("(…)")
        elif tag == "delete":
            parts.append("[-" + " ".join(r) + "-]")
        elif tag == "insert":
            parts.append("{+" + " ".join(v) + "+}")
        else:
            parts.append("[-" + " ".join(r) + "-] {+" + " ".join(v) + "+}")
    out = join_hyphenated(" ".join(parts))
    return re.sub(r"(\(…\)\s*)+", "(…) ", out).strip()


def mutation_type(al: Alignment, *, same_speaker: bool, reworded_floor: float = 0.6) -> str:
    """Name what happened to a rendering: verbatim, trimmed, expanded, reworded,
    paraphrase-in-quotes or misattributed (same words, a different speaker)."""
    if not same_speaker:
        return "misattributed"
    if al.fidelity >= 0.999:
        return "verbatim" if al.coverage >= 0.999 else "trimmed"
    if al.n_delete == 0 and al.n_replace == 0 and al.n_insert > 0:
        return "expanded"
    if al.fidelity >= reworded_floor:
        return "reworded"
    return "paraphrase-in-quotes"


def find_in_transcript(transcript: str, quote: str, *, min_score: float = 0.6) -> str | None:
    """The transcript passage a rendering best aligns with, widened to whole words, or None."""
    from rapidfuzz import fuzz

    if not transcript or not quote:
        return None
    res = fuzz.partial_ratio_alignment(quote, transcript)
    if res is None or res.score / 100 < min_score:
        return None
    lo, hi = res.dest_start, res.dest_end
    while lo > 0 and not transcript[lo - 1].isspace():
        lo -= 1
    while hi < len(transcript) and not transcript[hi].isspace():
        hi += 1
    return transcript[lo:hi].strip()


def score_fidelity(quotes: pd.DataFrame, *, reference_transcript: str | None = None,
                   reworded_floor: float = 0.6) -> pd.DataFrame:
    """Fill ``fidelity, mutation, reference_quote_id, coverage, diff, edits, meaning_changed`` for
    clustered quotes.

    ``edits`` is a JSON list of ``{kind, reference_words, variant_words}``: the edits of
    :func:`analysis.quotes.edits.meaning_edits` that change what the speaker said (a qualifier
    or condition dropped or added, a negation flipped, a number, date or name changed, intensity,
    a hedge stated as fact, another speaker); ``meaning_changed`` is True when there is one. A
    rendering can be ``reworded`` or a ``translation-variant`` with no meaning change.

    Parameters
    ----------
    quotes : DataFrame
        With ``cluster_id`` from :func:`cluster_variants`.
    reference_transcript : str, optional
        Text of what was actually said. When given, each cluster's reference is the transcript
        passage best aligned with its longest rendering (``reference_quote_id = "transcript"``)
        and even a single rendering is scored; otherwise the longest rendering is the reference.
    reworded_floor : float, default=0.6
        Fidelity below which a quoted rendering counts as a paraphrase dressed as a quote.

    Returns
    -------
    DataFrame
        A copy of ``quotes`` with those columns and ``reference_text``; quotes without a cluster,
        or alone in theirs without a transcript, keep the empty defaults.
    """
    df = _with_fidelity_columns(quotes)
    reported = set(df.index[df["kind"].eq("indirect")]) if "kind" in df else set()
    by_meaning = set(df.index[df["cluster_method"].eq("semantic")]) if "cluster_method" in df else set()
    context = _ClusterContext(_person_speakers(df), reported, by_meaning, reworded_floor)
    results: dict[Any, _Scored] = {}
    members = _cluster_members(df)
    for cid in sorted(members):
        group = members[cid]
        if len(group) < 2 and not reference_transcript:
            continue  # nothing to compare a lone rendering with
        reference = _cluster_reference(group, reported, reference_transcript)
        if reference is not None:
            results.update(_score_cluster(group, reference, context))
    if results:
        idx = list(results)
        for name, values in zip(_Scored._fields, zip(*results.values())):
            df.loc[idx, name] = list(values)
    return df


# the columns :func:`score_fidelity` fills, with the value of a quote it does not score
_FIDELITY_DEFAULTS = (("fidelity", float("nan")), ("mutation", ""), ("reference_quote_id", ""),
                      ("reference_text", ""), ("coverage", float("nan")), ("diff", ""), ("edits", ""),
                      ("meaning_changed", False))


class _Member(NamedTuple):
    """One rendering of a cluster, as :func:`score_fidelity` compares it."""

    idx: Any  # the row's index label in the quotes table
    quote_id: str
    n_words: int
    quote: str
    speaker: str


class _Reference(NamedTuple):
    """What a cluster's renderings are compared with."""

    member: _Member  # the longest rendering (also when a transcript passage replaced its text)
    text: str  # the reference words: that rendering's, or the transcript passage's
    quote_id: str  # the rendering's quote_id, or "transcript"


class _Scored(NamedTuple):
    """The fidelity columns of one scored rendering (field names are the column names)."""

    fidelity: float
    coverage: float
    mutation: str
    reference_quote_id: str
    reference_text: str
    diff: str
    edits: str  # JSON list of meaning edits
    meaning_changed: bool


class _ClusterContext(NamedTuple):
    """Facts about the whole table that scoring one cluster needs."""

    is_person: dict[str, bool]  # speaker name -> True when any of its quotes has a person as speaker
    reported: set[Any]  # index labels of reported speech (kind = indirect)
    by_meaning: set[Any]  # index labels clustered by sentence meaning (cluster_method = semantic)
    reworded_floor: float


def _with_fidelity_columns(quotes: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``quotes`` with every fidelity column present (missing ones at their default).

    ``fidelity`` and ``coverage`` are made float so scores can be written into them row by row.
    """
    df = quotes.copy()
    for col, default in _FIDELITY_DEFAULTS:
        if col not in df:
            df[col] = default
    df["fidelity"] = df["fidelity"].astype(float)
    df["coverage"] = df["coverage"].astype(float)
    return df


def _person_speakers(df: pd.DataFrame) -> dict[str, bool]:
    """Speaker name -> whether any of its quotes names a person (a table without ``speaker_type``:
    everyone is a person). :func:`.speakers.same_person` compares persons more loosely."""
    is_person: dict[str, bool] = defaultdict(bool)
    types = df["speaker_type"] if "speaker_type" in df else ["person"] * len(df)
    for spk, typ in zip(df["speaker"], types):
        is_person[str(spk)] |= typ == "person"
    return is_person


def _cluster_members(df: pd.DataFrame) -> dict[str, list[_Member]]:
    """cluster_id -> its renderings in table order; quotes without a cluster are left out."""
    members: dict[str, list[_Member]] = defaultdict(list)
    for idx, cid, qid, n_words, quote, speaker in zip(df.index, df["cluster_id"], df["quote_id"], df["n_words"],
                                                      df["quote"], df["speaker"]):
        if cid:
            members[str(cid)].append(_Member(idx, str(qid), int(n_words), str(quote), str(speaker)))
    return members


def _cluster_reference(group: list[_Member], reported: set[Any], transcript: str | None) -> _Reference | None:
    """The reference a cluster is scored against, or None when there is nothing to compare.

    The longest quoted rendering (reported speech only when nothing is quoted; ties by quote id);
    given a transcript, the passage of it that rendering matches best. A lone rendering that the
    transcript does not contain has nothing to be compared with.
    """
    ref = min(group, key=lambda r: (r.idx in reported, -r.n_words, r.quote_id))
    if transcript:
        passage = find_in_transcript(transcript, strip_marks(ref.quote))
        if passage is not None:
            return _Reference(ref, passage, "transcript")
        if len(group) < 2:
            return None  # not in the transcript and no other rendering: nothing to compare
    return _Reference(ref, ref.quote, ref.quote_id)


def _main_speaker(group: list[_Member]) -> str:
    """The speaker most renderings of a cluster name (ties: alphabetical), "" when none names one."""
    speakers = Counter(r.speaker for r in group if r.speaker)
    return sorted(speakers.items(), key=lambda kv: (-kv[1], kv[0]))[0][0] if speakers else ""


def _score_cluster(group: list[_Member], reference: _Reference, context: _ClusterContext) -> dict[Any, _Scored]:
    """Align every rendering of one cluster with its reference and name the change: index label -> columns.

    A rendering by another speaker is ``misattributed``; reported speech by the same speaker is
    ``reported``; a reworded quotation is a ``translation-variant`` when it joined its cluster by
    meaning or when every outlet quotes the remark in its own words (:func:`_translated`).
    """
    main_speaker = _main_speaker(group)
    from_transcript = reference.quote_id == "transcript"
    ref_clean = strip_marks(reference.text)
    aligned = [(row, align_to_best_segment(ref_clean, strip_marks(row.quote))) for row in group]
    translated = _translated(aligned, context.reported, None if from_transcript else reference.member.idx)
    out: dict[Any, _Scored] = {}
    for row, al in aligned:
        same = same_person(row.speaker, main_speaker, a_is_person=context.is_person.get(row.speaker, True),
                           b_is_person=context.is_person.get(main_speaker, True))
        mutation = mutation_type(al, same_speaker=same, reworded_floor=context.reworded_floor)
        if same and row.idx in context.reported:
            mutation = "reported"  # reported speech makes no claim to the speaker's words
        elif mutation in ("reworded", "paraphrase-in-quotes") and (row.idx in context.by_meaning or translated):
            mutation = "translation-variant"  # other words for the same remark: another translation
        is_ref = row.idx == reference.member.idx and not from_transcript
        edits = [] if is_ref else meaning_edits(al.ops, reported=row.idx in context.reported, same_speaker=same,
                                                loose=al.fidelity < context.reworded_floor,
                                                reference_speaker=main_speaker, variant_speaker=row.speaker)
        out[row.idx] = _Scored(al.fidelity, al.coverage, mutation, reference.quote_id, reference.text,
                               _diff_text(al), json.dumps([e._asdict() for e in edits], ensure_ascii=False),
                               bool(edits))
    return out


def _translated(aligned: list[tuple[_Member, Alignment]], reported: set[Any],
                reference: Any) -> bool:
    """Is the remark quoted in several translations? At least two quotations besides the reference,
    and none of them the reference's own words (verbatim or trimmed).

    Outlets quoting a remark made in English copy its words, so one outlet's substitutions are a
    rewording; when every outlet's quotation differs from every other, the words are translations.
    """
    quoted = [al for (row, al) in aligned if row[0] not in reported and row[0] != reference]
    return len(quoted) >= 2 and all(al.fidelity < 0.999 for al in quoted)


# what each mutation label means, for legends and glossaries
MUTATION_HELP = {
    "verbatim": "the same words as the reference",
    "trimmed": "a verbatim fragment of the reference",
    "expanded": "the reference's words plus added ones",
    "reworded": "some words substituted or dropped",
    "paraphrase-in-quotes": "mostly different words inside quotation marks",
    "translation-variant": "other words for the same remark (joined by sentence meaning, or every outlet quotes it "
                           "in its own words): likely another translation",
    "reported": "the remark in reported speech, without quotation marks of its own",
    "misattributed": "the same words credited to a different speaker",
}
