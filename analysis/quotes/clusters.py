"""Variant clusters: group the renderings of one utterance across articles.

:func:`cluster_variants` takes candidate pairs from an inverted index of rare content words (no
all-pairs loop), verifies each by fuzzy word alignment (:func:`quote_similarity`, rapidfuzz;
fragments of a longer quote included, down to a named speaker's two-content-word fragment, which
joins one group only) and joins them with the shared union-find. With embeddings, renderings by one
named speaker (:func:`speaker_key`; candidate pairs only inside that block) are joined by meaning
too: another translation, a trimmed fragment, reported speech
(:func:`analysis.quotes.meaning.pair_evidence`), with a group-level check so one close pair does not
chain two remarks; renderings whose speakers differ or are unnamed are joined by close sentence
windows only. One article's separate quotations never share a cluster (a quotation interrupted by
its attribution is one passage; a partial quote in the writer's sentence may echo the article's own
quotation), and reported speech that endorses never joins reported speech that distances.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from typing import Any, Callable, NamedTuple

import numpy as np
import pandas as pd

from ..common.unionfind import UnionFind
from .lexicon import fold, norm_words, stop_words, strip_titles
from .model import ClusterThresholds
from ..coverage.pairs import polarity
from .speakers import same_person

# texts -> one unit-normalised vector per text (rows), e.g. analysis.nlp.embed bound to its cache and engine
Embedder = Callable[[list[str]], Any]


def quote_similarity(a: str, b: str, *, max_gap_ratio: float = 2.0) -> float:
    """How likely two renderings are the same utterance (0-1), fragments included.

    Word-level: the share of the shorter rendering's words found, in order, inside a compact
    stretch of the longer one (longest common subsequence; a stretch longer than
    ``max_gap_ratio`` times the shorter quote plus three words is scattered common words, not a
    shared fragment). The character-level ratio of the whole strings is the fallback, so
    spelling variants of equal-length quotes still match.
    """
    from rapidfuzz import fuzz
    from rapidfuzz.distance import Indel

    wa, wb = norm_words(a), norm_words(b)
    if not wa or not wb:
        return 0.0
    short, long_ = (wa, wb) if len(wa) <= len(wb) else (wb, wa)
    equal = [op for op in Indel.opcodes(long_, short) if op.tag == "equal"]
    best = fuzz.ratio(" ".join(wa), " ".join(wb)) / 100
    if equal:
        matched = sum(op.src_end - op.src_start for op in equal)
        window = equal[-1].src_end - equal[0].src_start
        if window <= max_gap_ratio * len(short) + 3:
            best = max(best, matched / len(short))
    return round(best, 4)


def _candidate_pairs(words: list[list[str]], *, max_df: int, min_shared: int) -> set[tuple[int, int]]:
    """Pairs of quotes sharing rare content words, from an inverted index (not all pairs)."""
    stop = stop_words()
    postings: dict[str, list[int]] = defaultdict(list)
    content = []
    for k, ws in enumerate(words):
        toks = sorted({w for w in ws if w not in stop and len(w) > 2})
        content.append(toks)
        for w in toks:
            postings[w].append(k)
    shared: Counter[tuple[int, int]] = Counter()
    for w, ids in postings.items():
        if len(ids) > max_df:
            continue  # too common to say two quotes are the same utterance
        for x in range(len(ids)):
            for y in range(x + 1, len(ids)):
                shared[(ids[x], ids[y])] += 1
    out = set()
    for (x, y), n in shared.items():
        need = min(min_shared, len(content[x]), len(content[y]))
        if n >= max(1, need):
            out.add((x, y))
    return out


def cluster_variants(quotes: pd.DataFrame, thresholds: ClusterThresholds = ClusterThresholds(), *,
                     embed: Embedder | None = None) -> pd.DataFrame:
    """Give each quote a ``cluster_id``; renderings of one utterance share it.

    Parameters
    ----------
    quotes : DataFrame
        From :func:`~analysis.quotes.extract_corpus`.
    thresholds : ClusterThresholds
        When two renderings are the same utterance (similarity cut-offs, minimum lengths,
        inverted-index settings); see :class:`~analysis.quotes.ClusterThresholds`.
    embed : callable, optional
        Texts -> unit-normalised sentence vectors (:func:`analysis.nlp.embed`, bound to its cache
        and engine by the caller). When given, renderings that say the same in other words
        (another translation, a trimmed fragment, reported speech) are linked too. By one named
        speaker: :func:`analysis.quotes.meaning.pair_evidence` at or above
        ``thresholds.attach_score`` (or two quotations with windows at ``semantic_threshold``),
        the merged groups' mean evidence at ``attach_group``. Otherwise (one side unnamed or a
        description): :func:`analysis.quotes.meaning.meaning_links`, best-matching windows at
        ``semantic_threshold`` (``semantic_reported_threshold`` when both are reported speech).
        None: word alignment only.

    Returns
    -------
    quotes : DataFrame
        A copy with ``cluster_id`` (every quote of ``min_words`` words or more, and every quote
        inside another; a quote alone gets its own id) and ``cluster_method``: ``lexical``
        (joined by word alignment), ``semantic`` (joined only by meaning), ``contained`` (a
        fragment inside a reported clause, joined to it) or ``single``.
    """
    df = quotes.copy()
    df["cluster_id"] = ""
    df["cluster_method"] = ""
    eligible = _eligible(df, thresholds)
    if not eligible:
        return df
    found = _renderings(df, eligible, max_gap=thresholds.max_passage_gap, min_words=thresholds.min_words)
    groups = _Groups(found)
    lexical = _link_lexical(found, thresholds, groups)
    inside = _link_contained(df, found, groups)
    semantic: set[int] = set()
    if embed is not None:
        semantic = _link_semantic(found, thresholds, groups, embed)
        semantic |= _link_by_speaker(found, thresholds, groups, embed)
    _assign_cluster_ids(df, found, groups, lexical, semantic, inside)
    return df


def _eligible(df: pd.DataFrame, t: ClusterThresholds) -> list[Any]:
    """Labels of the quotes taking part: ``min_words`` words or more, inside another quote, or a short
    quoted fragment of a named speaker with ``fragment_words`` content words or more ("unarmed and
    disarming"), which joins the rendering it is cut from by word alignment; scare quotes ("free")
    and one-word fragments stay out."""
    from .meaning import content_words

    contained = df["contained_in"].astype(str).ne("") if "contained_in" in df else df["kind"].eq("__")
    keep = (df["n_words"] >= t.min_words) | contained
    if t.fragment_words > 0:
        short = df.index[~keep & df["kind"].eq("partial") & df["speaker"].astype(str).map(speaker_key).ne("")]
        frag = [i for i in short if len(content_words(str(df.at[i, "quote"]))) >= t.fragment_words]
        keep = keep | df.index.isin(frag)
    return df.index[keep].tolist()


class _Renderings(NamedTuple):
    """The quotes taking part in clustering, position ``k`` in every list is one quote."""

    index: list[Any]  # labels in the quotes table
    texts: list[str]
    speakers: list[str]
    persons: list[bool]  # is the speaker a person (not an organisation or a description)?
    articles: list[str]
    words: list[list[str]]
    reported: list[bool]  # indirect speech (no quotation marks of its own)
    quoted_in: list[str]  # the passage of a quotation standing on its own ("" for reported speech, fragments)
    fragment: list[bool]  # a short quoted fragment standing on its own: joins by word alignment only
    echo: list[bool]  # a partial quote standing on its own: may echo a quotation of its article, holds no passage
    polarity: list[int]  # reported speech: +1 endorses ("he backs it"), -1 distances ("he has reservations"), else 0


def _renderings(df: pd.DataFrame, eligible: list[Any], *, max_gap: int, min_words: int = 4) -> _Renderings:
    texts = [str(df.at[i, "quote"]) for i in eligible]
    words = [norm_words(t) for t in texts]
    reported = [str(df.at[i, "kind"]) == "indirect" for i in eligible]
    standing = [str(df.at[i, "kind"]) != "indirect" and not str(df.at[i, "contained_in"] if "contained_in" in df else "")
                for i in eligible]
    # a partial quote in the writer's sentence ("she promised to speak “directly to the farmers”") often echoes a
    # quotation of the same article: it holds no passage, so it never keeps that quotation out of the utterance
    fragment = [s and len(w) < min_words for s, w in zip(standing, words)]
    echo = [s and str(df.at[i, "kind"]) == "partial" for s, i in zip(standing, eligible)]
    return _Renderings(
        index=eligible, texts=texts,
        speakers=[str(df.at[i, "speaker"]) for i in eligible],
        persons=[str(df.at[i, "speaker_type"]) == "person" if "speaker_type" in df else True for i in eligible],
        articles=[str(df.at[i, "article_id"]) for i in eligible],
        words=words,
        reported=reported,
        quoted_in=_passages(df, eligible, [s and not e for s, e in zip(standing, echo)], max_gap=max_gap),
        fragment=fragment, echo=echo,
        polarity=[polarity(t) if r else 0 for t, r in zip(texts, reported)])


def _passages(df: pd.DataFrame, eligible: list[Any], standing: list[bool], *, max_gap: int) -> list[str]:
    """The passage of each quotation standing on its own (``""`` for the others).

    A quotation interrupted by its attribution (“Would it ...?” Mr. Hale asked. “Should we ...?”) is
    one passage: the second part has no attribution of its own (``floating``), and the first part's
    speaker mention sits between the two, at most ``max_gap`` characters before the second part.
    Its parts may join one utterance; two separate quotations of one article may not.
    """
    needed = {"start", "end", "speaker_start", "speaker_end", "attribution"}
    out = [f"{df.at[i, 'article_id']}#{k}" if standing[k] else "" for k, i in enumerate(eligible)]
    if not needed <= set(df.columns):
        return out
    order = sorted((k for k in range(len(eligible)) if standing[k]),
                   key=lambda k: (str(df.at[eligible[k], "article_id"]), int(df.at[eligible[k], "start"])))
    for prev, k in zip(order, order[1:]):
        a, b = eligible[prev], eligible[k]
        mention_between = int(df.at[a, "end"]) <= int(df.at[a, "speaker_start"]) < int(df.at[b, "start"])
        if (str(df.at[a, "article_id"]) == str(df.at[b, "article_id"]) and str(df.at[b, "attribution"]) == "floating"
                and mention_between and int(df.at[b, "start"]) - int(df.at[a, "speaker_end"]) <= max_gap):
            out[k] = out[prev]
    return out


class _Groups(UnionFind):
    """Union-find that keeps two quotations of one article apart, and contradicting renderings too.

    An article quotes each remark once (a quotation interrupted by its attribution is one passage),
    so a group holding two passages of one article (outside reported clauses) would be two remarks
    chained through their neighbours; :meth:`join` refuses such a merge. It also refuses to merge a
    group whose reported speech endorses ("he backs the idea") with one whose reported speech
    distances or opposes ("he has reservations about it"): summaries of one press conference read
    alike, word for word, but these are two remarks. Quotations carry no such sign ("questions" in a
    quotation is a topic, not a stance; a quotation with its negation flipped is a changed quote,
    which fidelity reports). Links are offered strongest first, so the better neighbour wins.
    """

    def __init__(self, found: _Renderings) -> None:
        super().__init__(len(found.texts))
        # root -> {article: passage} of the quotations standing on their own in the group
        self.quoted: dict[int, dict[str, str]] = {
            k: {a: p} if p else {} for k, (a, p) in enumerate(zip(found.articles, found.quoted_in))}
        self.signs: dict[int, frozenset[int]] = {k: frozenset({s}) - {0} for k, s in enumerate(found.polarity)}

    def join(self, x: int, y: int) -> bool:
        """Merge the groups of ``x`` and ``y`` unless both quote one article in two passages or one's
        reported speech endorses what the other's distances from; True if merged."""
        rx, ry = self.find(x), self.find(y)
        if rx == ry:
            return True
        qx, qy = self.quoted[rx], self.quoted[ry]
        if any(qy.get(a, p) != p for a, p in qx.items()):
            return False
        signs = self.signs[rx] | self.signs[ry]
        if len(signs) > 1:
            return False
        root = self.union_min(rx, ry)
        self.quoted[root] = {**self.quoted.pop(rx if root == ry else ry), **self.quoted[root]}
        self.signs[root] = signs
        return True


def _separate_quotations(found: _Renderings, x: int, y: int) -> bool:
    """Are ``x`` and ``y`` two quotations of one article (not reported speech or a partial quote in the
    writer's sentence, not one interrupted passage)?"""
    return (found.articles[x] == found.articles[y] and found.quoted_in[x] != found.quoted_in[y]
            and not (found.reported[x] or found.reported[y] or found.echo[x] or found.echo[y]))


def _needed_similarity(found: _Renderings, x: int, y: int, t: ClusterThresholds) -> float | None:
    """The similarity renderings ``x`` and ``y`` must reach to be one utterance; None: never compared."""
    if _separate_quotations(found, x, y):
        return None  # one article's quotations are distinct remarks (its reported speech may announce one)
    shorter = min(len(found.words[x]), len(found.words[y]))
    known = bool(found.speakers[x]) and bool(found.speakers[y])
    if not same_person(found.speakers[x], found.speakers[y], a_is_person=found.persons[x],
                       b_is_person=found.persons[y]):
        # the same words under two names: only long quotes, so a stock phrase is no misattribution
        return t.misattribution_threshold if shorter >= t.min_misattribution_words else None
    # a short phrase with no named speaker ("Meet the Press") says nothing about who said it
    if not known and shorter < t.min_unattributed_words:
        return None
    return t.threshold


def _link_lexical(found: _Renderings, t: ClusterThresholds, groups: _Groups) -> set[int]:
    """Join candidate pairs whose words align closely enough, closest first; returns those joined.

    A short fragment joins one group only, that of its closest match: two words ("root causes") may
    sit in two remarks, and a fragment that joined both would chain them.
    """
    scored = []
    for x, y in sorted(_candidate_pairs(found.words, max_df=t.max_df, min_shared=t.min_shared)):
        needed = _needed_similarity(found, x, y, t)
        if needed is not None:
            sim = quote_similarity(found.texts[x], found.texts[y])
            if sim >= needed:
                scored.append((-sim, x, y))
    linked: set[int] = set()
    placed: set[int] = set()  # fragments already in a group
    for _, x, y in sorted(scored):
        if placed & {x, y}:
            continue
        if groups.join(x, y):
            linked.update((x, y))
            placed.update(k for k in (x, y) if found.fragment[k])
    return linked


def _link_contained(df: pd.DataFrame, found: _Renderings, groups: _Groups) -> set[int]:
    """Join each quoted fragment to the reported clause it sits in; returns the fragments joined."""
    if "contained_in" not in df:
        return set()
    pos = {str(df.at[i, "quote_id"]): k for k, i in enumerate(found.index)}
    linked: set[int] = set()
    for k, i in enumerate(found.index):
        outer = pos.get(str(df.at[i, "contained_in"]))
        if outer is not None and outer != k:
            if groups.join(k, outer):
                linked.add(k)
    return linked


def _link_semantic(found: _Renderings, t: ClusterThresholds, groups: _Groups,
                   embed: Embedder) -> set[int]:
    """Join renderings that say the same thing in other words (best windows, closest first);
    returns them."""
    from .meaning import meaning_links

    word_pairs = _candidate_pairs(found.words, max_df=t.max_df, min_shared=1)
    links = meaning_links(found.texts, word_pairs, embed=embed, k=t.neighbours)
    linked: set[int] = set()
    for (x, y), cos in sorted(links.items(), key=lambda kv: (-kv[1], kv[0])):
        needed = t.semantic_reported_threshold if found.reported[x] and found.reported[y] else t.semantic_threshold
        if cos < needed or groups.connected(x, y):
            continue
        if _separate_quotations(found, x, y) or found.fragment[x] or found.fragment[y]:
            continue
        if not (found.speakers[x] or found.speakers[y]):
            continue  # meaning alone never joins two renderings with no speaker
        if speaker_key(found.speakers[x]) and speaker_key(found.speakers[x]) == speaker_key(found.speakers[y]):
            continue  # one named speaker: left to the finer evidence of _link_by_speaker
        if not same_person(found.speakers[x], found.speakers[y], a_is_person=found.persons[x],
                           b_is_person=found.persons[y]):
            continue
        if groups.join(x, y):
            linked.update((x, y))
    return linked


_REGNAL = re.compile(r"^(?:[ivxlc]+|jr|sr|junior|senior)$")


def speaker_key(name: str) -> str:
    """The block a speaker's renderings are compared in: the folded surname, a regnal number or
    generational suffix dropped ("Leo XIV" and "Leo" -> "leo"; "Hale Jr." -> "hale"); ``""`` for none."""
    words = [fold(w).strip(".,’'") for w in name.split()]
    words = [w for w in words if w]
    while len(words) > 1 and _REGNAL.match(words[-1]):
        words.pop()
    return words[-1] if words else ""


def _given_name(name: str) -> str:
    """The first word of a person's name, titles and regnal numbers dropped ("Pope Leo XIV" has none:
    ``""``, as has any one-word name)."""
    words = [fold(w).strip(".,’'") for w in strip_titles(name)[0].split()]
    words = [w for w in words if w]
    while len(words) > 1 and _REGNAL.match(words[-1]):
        words.pop()
    return words[0] if len(words) > 1 else ""


def two_people(a: str, b: str) -> bool:
    """Do two speaker names in one block (one surname) name two people ("Hillary Clinton" / "Bill
    Clinton")? Only when both give a first name and these differ beyond an initial ("J. Smith" may
    be "John Smith"); a surname alone ("Clinton") may be either."""
    ga, gb = _given_name(a), _given_name(b)
    return bool(ga and gb) and ga != gb and not (ga[0] == gb[0] and min(len(ga), len(gb)) == 1)


def _speaker_pairs(found: _Renderings, t: ClusterThresholds, embed: Embedder) -> set[tuple[int, int]]:
    """Rendering pairs by one named speaker worth scoring: all of a small block, nearest ones in a large one
    (a block is one surname; two people of that surname, :func:`two_people`, are never paired)."""
    blocks: dict[str, list[int]] = defaultdict(list)
    for k, name in enumerate(found.speakers):
        if (key := speaker_key(name)) and not found.fragment[k]:  # a fragment's few words say little by meaning
            blocks[key].append(k)
    pairs: set[tuple[int, int]] = set()
    for members in blocks.values():
        if len(members) <= t.block_all_pairs:
            cand = [(members[a], members[b]) for a in range(len(members)) for b in range(a + 1, len(members))]
        else:
            from ..coverage.vectors import neighbour_pairs

            vecs = np.asarray(embed([found.texts[k] for k in members]), dtype=np.float32)
            cand = [(members[a], members[b]) for a, b, _ in neighbour_pairs(vecs, k=t.neighbours)]
        pairs.update((x, y) for x, y in cand
                     if not _separate_quotations(found, x, y) and not two_people(found.speakers[x], found.speakers[y]))
    return pairs


def _link_by_speaker(found: _Renderings, t: ClusterThresholds, groups: _Groups, embed: Embedder) -> set[int]:
    """Join renderings by one speaker that say the same thing: best match first, checked against the group.

    Within one speaker's renderings each pair gets :func:`analysis.quotes.meaning.pair_evidence`
    (best windows in one person and tense, soft content-word overlap). Pairs at or above
    ``t.attach_score`` are offered strongest first; two groups merge only when the mean score over
    all their cross pairs reaches ``t.attach_group`` (pairs not scored count as 0; the sums are
    kept per pair of groups, so a check costs nothing), and one close pair does not chain two
    remarks of the same speaker on the same topic.
    """
    from .meaning import pair_evidence

    evidence = pair_evidence(found.texts, _speaker_pairs(found, t, embed), embed=embed)
    # one very close window of two quotations (a sentence rendered twice) is evidence enough on its own;
    # not for reported speech, whose summaries of one event all read alike
    score = {(x, y): max(e.score, t.attach_score if e.window >= t.semantic_threshold
                         and not (found.reported[x] or found.reported[y]) else 0.0)
             for (x, y), e in evidence.items()}
    size = Counter(groups.find(k) for k in range(len(found.texts)))
    link: dict[int, dict[int, float]] = defaultdict(dict)  # root -> root -> summed score of their cross pairs
    for (x, y), s in score.items():
        rx, ry = groups.find(x), groups.find(y)
        if rx != ry:
            link[rx][ry] = link[rx].get(ry, 0.0) + s
            link[ry][rx] = link[ry].get(rx, 0.0) + s
    linked: set[int] = set()
    for (x, y), s in sorted(score.items(), key=lambda kv: (-kv[1], kv[0])):
        if s < t.attach_score:
            break
        rx, ry = groups.find(x), groups.find(y)
        if rx == ry or link[rx].get(ry, 0.0) / (size[rx] * size[ry]) < t.attach_group \
                or not groups.join(x, y):
            continue
        _merge_links(link, size, groups.find(x), ry if groups.find(x) == rx else rx)
        linked.update((x, y))
    if t.report_attach < 1.0:
        linked |= _attach_reported(found, t, groups, score)
    return linked


def _attach_reported(found: _Renderings, t: ClusterThresholds, groups: _Groups,
                     score: dict[tuple[int, int], float]) -> set[int]:
    """Reported speech left apart from every quotation joins the quoted remark it matches best.

    A group with no quotation of its own (summaries, reported clauses) takes the group holding a
    quotation with the highest single pair score, when that reaches ``t.report_attach`` and beats the
    next such group by ``t.report_margin``: a summary shares fewer words with the remark it reports
    than two quotations do, so it is placed by comparison with the speaker's other remarks.
    """
    members = groups.groups()
    # a group's own quotation, not a short fragment of one (a fragment inside a summary makes it no quotation)
    quoted = {r for r, ks in members.items() if any(found.quoted_in[k] and not found.fragment[k] for k in ks)}
    best: dict[int, dict[int, float]] = defaultdict(dict)  # reported-only group -> quoted group -> best pair
    for (x, y), s in score.items():
        rx, ry = groups.find(x), groups.find(y)
        for a, b in ((rx, ry), (ry, rx)):
            if a not in quoted and b in quoted and s > best[a].get(b, -1.0):
                best[a][b] = s
    linked: set[int] = set()
    for r in sorted(best, key=lambda g: (-max(best[g].values()), g)):
        ranked = sorted(best[r].items(), key=lambda kv: (-kv[1], kv[0]))
        top, second = ranked[0][1], ranked[1][1] if len(ranked) > 1 else 0.0
        if top >= t.report_attach and top - second >= t.report_margin \
                and groups.join(r, ranked[0][0]):
            linked.update(members[r])
    return linked


def _merge_links(link: dict[int, dict[int, float]], size: Counter[int], root: int, other: int) -> None:
    """Fold group ``other`` into ``root`` in the summed cross scores and sizes (average linkage, kept
    incrementally: a merge costs the number of groups ``other`` has scored pairs with)."""
    size[root] += size.pop(other)
    for c, v in link.pop(other, {}).items():
        link[c].pop(other, None)
        if c != root:
            link[root][c] = link[root].get(c, 0.0) + v
            link[c][root] = link[c].get(root, 0.0) + v


def _assign_cluster_ids(df: pd.DataFrame, found: _Renderings, groups: _Groups, lexical: set[int],
                        semantic: set[int], inside: set[int]) -> None:
    """Write ``cluster_id`` (a hash of the group's smallest quote_id: stable under reordering) and
    ``cluster_method`` into ``df`` in place."""
    for ks in groups.groups().values():
        first = min(str(df.at[found.index[k], "quote_id"]) for k in ks)
        cid = "qc_" + hashlib.sha1(first.encode("utf-8")).hexdigest()[:10]
        for k in ks:
            df.at[found.index[k], "cluster_id"] = cid
            df.at[found.index[k], "cluster_method"] = ("lexical" if k in lexical else "semantic" if k in semantic
                                                       else "contained" if k in inside else "single")
