"""Hand-made utterance labels for scoring quote clusters, and a small invented corpus.

Two labelled sets, used by ``tests/test_quote_clusters.py`` and ``benchmarks/bench_quotes.py``:

* ``SEED_GROUPS``: every quote the stage extracts from the five seed articles (``seeds/``), grouped
  by utterance: which renderings (direct, partial, indirect) are the same remark of the same
  speaker. A quote is named by ``(article id prefix, distinctive substring)``; quotes named in no
  group are single remarks. A quote rendering two remarks goes with the first one it renders.
* ``INVENTED_ARTICLES`` / ``INVENTED_GROUPS``: four short articles written for this test set (in
  our own words; they are invented test text, not news, and the people in them are fictional),
  quoting a non-English-speaking prime minister in different translations, trims and reported
  speech, with two different remarks on the same topic that must stay apart.

* ``POPE_ARTICLES`` / ``POPE_GROUPS``: a real event of another kind, Pope Leo XIV's first address
  (8 May 2025, in Italian), in six short articles we wrote, each quoting one published English
  rendering (sources cited next to the texts): greetings, blessings and calls that share words
  ("peace", "bridges", "God loves") but are different remarks.

* ``POLNEAR_ARTICLES`` / ``POLNEAR_GROUPS``: texts nobody here wrote, two stories each told by two
  outlets in PolNeAR's dev file (``../shared/eval/polnear_dev.jsonl``, read at run time by
  :func:`polnear_set`, never copied): Hillary Clinton on a police shooting (HuffPost, Western
  Journal, which also quotes Chris Christie) and Donald Trump on tax law (Politico, Western
  Journal). Labels are PolNeAR attribution (and content span) indices only; an extracted quote takes
  the label of the annotated content span that holds most of it (:func:`resolve_by_offsets`).

Labels are substrings, not quote ids, so that a change in extraction that keeps the quote still
finds it; :func:`resolve` says which labels no longer match exactly one quote.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

Label = tuple[str, str]  # (article_id prefix, substring of the quote as printed)

SEED_GROUPS: list[list[Label]] = [
    # "The idea itself is correct, and we support it" and its summaries
    [("000", "in itself is correct"), ("001", "The idea itself is correct"), ("002", "The idea itself is correct"),
     ("004", "The idea itself is the right one"), ("003", "great and correct"), ("003", "Russia supports it in theory"),
     ("000", "he backs the idea of a 30-day"), ("004", "he agrees in principle"),
     ("004", "he supported the idea in principle"), ("001", "he supports a U.S.-proposed")],
    # "But there are issues that we need to discuss ... talk to our American colleagues ... call Trump"
    [("000", "there were \"questions"), ("000", "\"questions that need to be discussed\""),
     ("000", "I think we need to discuss this"), ("001", "we need to discuss it with our American"),
     ("002", "But there are issues that we need"), ("004", "But there are questions that we need"),
     ("002", "he might call Trump"), ("004", "he expected to talk directly")],
    # "We agree with the proposals to cease hostilities"
    [("002", "We agree with the proposals"), ("003", "We agree with the proposal to cease"),
     ("002", "Russia agrees with US proposals")],
    # "... long-term peace and eliminate the original causes of this crisis"
    [("002", "But we proceed from the fact"), ("000", "willingness to back a ceasefire"),
     ("000", "\"removes the initial reasons for the crisis\""), ("003", "“root causes”"),
     ("004", "underlying causes of the war")],
    # Kursk: "will all those who are there leave without a fight? ... release them ... surrender?"
    [("001", "Will all those who are there"), ("003", "does this mean that everyone"),
     ("004", "Would it mean that everybody there"), ("000", "allow the surrounded Ukrainians"),
     ("000", "\"leave without a fight\""), ("004", "Should we release them")],
    [("000", "encircle Ukraine"), ("000", "\"there will be two ways to leave")],
    [("003", "he has reservations about"), ("003", "he has “reservations”"), ("003", "“reservations”")],
    [("004", "military to “free”"), ("004", "“free”")],
    # Ushakov: "nothing more than a temporary respite for the Ukrainian military"
    [("003", "nothing more than a temporary respite"), ("004", "nothing more than a temporary respite"),
     ("003", "doesn’t want a temporary ceasefire"), ("001", "opposes a temporary ceasefire"),
     ("004", "they feared the American"), ("004", "time to regroup")],
    [("003", "our goal is a long-term"), ("004", "our goal is a long-term"), ("000", "long-term solution")],
    [("001", "conveyed Russia’s position"), ("003", "explained Russia’s stance")],
    # Trump
    [("001", "“do the right thing.”"), ("004", "Hopefully Russia will do the right thing")],
    [("001", "“very promising”"), ("004", "“promising … but"), ("004", "put out a very promising")],
    [("003", "that the ball is now in Russia’s court"), ("003", "in Russian President Vladimir Putin’s court"),
     ("003", "It’s up to Russia now"), ("004", "ball was in Russia’s court")],
    [("001", "Thursday’s discussions would reveal"), ("001", "if Russia is serious")],
    [("002", "he hoped the Kremlin"), ("002", "\"bloodbath\"")],
    # Russian military: Sudzha retaken
    [("003", "it had recaptured Sudzha"), ("004", "had retaken the town of Sudzha"),
     ("001", "Russia has recaptured Sudzha")],
    # Zakharova: no foreign troops in Ukraine under any flag
    [("003", "troops from NATO countries"), ("003", "absolutely unacceptable"), ("003", "“any”")],
    [("003", "that Russia would respond"), ("003", "“with all available means.”")],
    [("004", "Kyiv was moving its forces"), ("004", "“more advantageous lines.”")],
]

# Invented test text (written for this test set; fictional people and a fictional summit).
INVENTED_ARTICLES: list[tuple[str, str, str]] = [
    ("inv1", "Harbour Wire", """Italian leader backs water pact but wants talks on funding

ROME (Harbour Wire) - Italian Prime Minister Marco Bellandi said on Tuesday that his government backs the Mediterranean water-sharing pact, but that several questions remain open.

"We support this agreement, and we will sign it," Bellandi told reporters in Rome, speaking in Italian.

"There are still questions that we have to discuss with our partners in Brussels," he added.

Bellandi warned that Italy would withdraw if the promised funds did not arrive. "If the money does not arrive by June, we will leave the pact," he said.

The prime minister also said the southern ports would stay open to rescue ships. "Our ports will remain open for humanitarian vessels," Bellandi said.

European Commissioner Anna Kessler welcomed the statement. "We are ready to listen to Rome," Kessler said."""),
    ("inv2", "Daily Ledger", """Bellandi: Italy 'supports' water deal, threatens exit over money

Marco Bellandi, the Italian prime minister, said his country "supports this accord and will sign it", according to a translation of his remarks in Rome.

"But there are issues we still need to talk over with our Brussels partners," the Italian leader said.

Bellandi said Italy would pull out of the pact unless the funding arrived by June.

"Nobody in this government is looking for a fight with Brussels," he said.

Kessler, the EU commissioner for the environment, said the Commission was "ready to listen"."""),
    ("inv3", "Evening Post", """Italy says yes to water pact, with conditions

Italy will sign the Mediterranean water pact, Prime Minister Marco Bellandi said, adding that some points still needed to be negotiated with Brussels.

"We back this agreement and we are going to sign it," Bellandi said through an interpreter.

He said the ports in the south would remain open to humanitarian ships.

"If the money doesn't come by June, we leave," the prime minister said. "No one in my government wants a confrontation with Brussels."

Interior Minister Paolo Gatti said the coast guard would get new boats. "We will buy twelve new patrol boats this year," Gatti said."""),
    ("inv4", "Coast Courier", """Bellandi threatens to quit water pact

The Italian prime minister, Marco Bellandi, threatened on Tuesday to quit the water pact if Brussels does not pay "by June".

"If the funds are not here by June, we will walk away from the agreement," Bellandi said, according to a translation provided by his office.

Bellandi said Italy supported the accord in principle.

Interior Minister Paolo Gatti said Italy would buy "twelve new patrol boats" this year."""),
]

INVENTED_GROUPS: list[list[Label]] = [
    # remark 1: "we support this agreement and will sign it"
    [("inv1", "backs the Mediterranean water-sharing pact"), ("inv1", "We support this agreement"),
     ("inv2", "supports this accord and will sign it"), ("inv3", "We back this agreement"),
     ("inv3", "Italy will sign the Mediterranean"), ("inv4", "supported the accord in principle"),
     ("inv2", "according to a translation of his"), ("inv2", "Marco Bellandi, the Italian prime minister, said")],
    # remark 2 (same speaker, same topic, different remark): "questions to discuss with Brussels"
    [("inv1", "There are still questions"), ("inv2", "But there are issues we still need"),
     ("inv3", "some points still needed to be negotiated")],
    # remark 3: the June condition
    [("inv1", "would withdraw if the promised funds"), ("inv1", "If the money does not arrive by June"),
     ("inv2", "would pull out of the pact unless"), ("inv3", "If the money doesn't come by June"),
     ("inv4", "If the funds are not here by June")],
    # remark 4: the ports
    [("inv1", "Our ports will remain open"), ("inv1", "the southern ports would stay open"),
     ("inv3", "the ports in the south would remain open")],
    # remark 5: no confrontation with Brussels
    [("inv2", "Nobody in this government"), ("inv3", "No one in my government")],
    # Kessler
    [("inv1", "We are ready to listen to Rome"), ("inv2", "ready to listen"), ("inv2", "the Commission was")],
    # Gatti
    [("inv3", "We will buy twelve new patrol boats"), ("inv3", "coast guard would get new boats"),
     ("inv4", "twelve new patrol boats"), ("inv4", "Italy would buy")],
]


# Real event: Pope Leo XIV's first address from the balcony of St Peter's Basilica, 8 May 2025,
# spoken in Italian (one passage in Spanish). The six short articles below are written by us; every
# quotation in an article is taken from the one English rendering named in its source note, so the
# translations, trims and summaries differ as they did in the press. Sources (retrieved as stored
# public pages):
#   pope1  https://newsclickng.com/amp/news/robert-prevosts-first-speech-as-pope-leo-xiv (full translation)
#   pope2  https://newsnetdaily.com/transcription-of-the-first-speech-of-cardinal-robert-prevost-as-pope-leo-xiv-npr
#          (NPR's transcript, translated from the Italian)
#   pope3  https://www.naijanews.com/2025/05/09/full-text-of-pope-leo-xivs-first-address/
#   pope4  https://thecorrespondent.org/2025/05/09/peace-be-with-you-pope-leo-xiv-delivers-powerful-first-address/
#   pope5  https://www.debrecensun.hu/europe/2025/05/09/pope-leo-xivs-first-address-focuses-on-peace
#   pope6  https://www.sportskeeda.xyz/?p=23667 and https://creazenews.com/?p=6891 (loose renderings)
POPE_ARTICLES: list[tuple[str, str, str]] = [
    ("pope1", "Source A", """New pope opens with a greeting of peace

VATICAN CITY - Pope Leo XIV, elected on Thursday as the first pope from the United States, spoke in Italian from the balcony of St Peter's Basilica.

"Peace be with you all," the new pope told the crowd in the square.

He said the peace of the risen Christ was "a peace that is unarmed and disarming, humble and enduring."

"Still ringing in our ears is the gentle yet ever-courageous voice of Pope Francis blessing Rome," Leo said.

"God loves us. God loves each one of you. Evil will not prevail," the pope said.

"You, too, can help one another to build those bridges, through dialogue, through encounters, to become a people always striving for peace," he said.

"I also wish to thank my brother cardinals who have chosen me as the successor of Peter," Leo added."""),
    ("pope2", "Source B", """Leo XIV: evil will not prevail

Pope Leo XIV appeared on the central loggia on Thursday evening and spoke mostly in Italian.

"Peace be with you all!" the pope began.

"It is the peace of resurrected Christ, an unarmed peace and disarming, humble and persevering peace," Leo said.

He recalled "this weak, but always courageous voice of Pope Francis" blessing Rome at Easter.

"Let me follow this same blessing: God loves us, God loves you all, and evil will not prevail!" the pope said. "We are all in the hands of God."

"Help us too, and we help ourselves to build bridges, with a dialogue, with meetings, uniting all of us to be a single people, always in peace," Leo said.

"Humanity needs him as the bridge to allow him to be reached by God and his love," the pope said."""),
    ("pope3", "Source C", """Pope Leo XIV gives first address

The newly elected Pope Leo XIV gave his first address on Thursday, shortly after white smoke rose above the Sistine Chapel.

"I, too, would like this greeting of peace to enter your hearts, to reach your families, to all people, wherever they may be," the pope said.

"God loves us, God loves you all, and evil will not prevail. We are all in God's hands," Leo said.

"Therefore, without fear, united, hand in hand with God and with each other, let us go forward," he said.

"We are disciples of Christ, Christ walks ahead of us, the world needs His light," the pope added."""),
    ("pope4", "Source D", """Pope Leo XIV's first words: peace, bridges and Saint Augustine

From the central balcony of St. Peter's Basilica, Pope Leo XIV delivered his first address to the pilgrims in the square.

"Peace be with you!" Pope Leo XIV declared.

The pope said this peace should enter every heart, every home and every nation. He called it a peace that was "unarmed and disarming."

Leo said he still heard his predecessor's "weak but courageous voice."

"God cares for us, God loves all of us, and evil will not prevail," Pope Leo XIV said.

Leo thanked the cardinals for electing him and pledged to walk with the Church in peace and justice.

"With you I am a Christian and for you a bishop," the pope said, quoting Saint Augustine.

"Help us too, then help each other to build bridges, uniting all of us to be one people always in peace," Pope Leo XIV said."""),
    ("pope5", "Source E", """Pope Leo XIV speaks of peace and a Church that builds bridges

Newly elected Pope Leo XIV spoke on Thursday evening about peace, a Church that builds bridges and the poor.

"Peace be with you all!" Pope Leo XIV said.

Leo said the peace of the risen Christ was an unarmed, disarming peace, humble and enduring, that comes from God.

"Allow me to continue that same blessing: God loves you, God loves all of you. Evil will not prevail," the pope said.

Leo said the world needs the light of Christ like a bridge through which God and his love reach us.

"Help each other build bridges through dialogue and encounters, so that we may be one people always living in peace," Pope Leo XIV said.

Leo said he was grateful to the cardinals who had elected him as the successor of Peter.

"With you I am a Christian, for you I am a bishop," Leo said, quoting Saint Augustine.

"We must seek how to be a missionary Church, one that builds bridges of dialogue and is always open to welcome," the pope said."""),
    ("pope6", "Source F", """Pope Leo XIV: God's love has no limits

Pope Leo XIV stepped onto the balcony of St. Peter's Basilica on Thursday for his first public address.

"Peace be with all of you," Pope Leo XIV said.

"God loves you all, God loves us, and evil will not win!" the pope said.

"With you, I am a Christian; for you, I am a bishop," Leo said.

Leo said he hoped for a Church that is "missionary, open, and close to those who suffer."

"Thank you to my cardinal brothers who have chosen me to walk with you as a united Church," the pope said.

"The world needs light. Humanity needs Jesus as a bridge to reach God's love," Pope Leo XIV said.

"Let us build that bridge together, through dialogue, love, and faith," Leo said."""),
]

POPE_GROUPS: list[list[Label]] = [
    # the greeting
    [("pope1", "Peace be with you all,"), ("pope2", "Peace be with you all!"), ("pope4", "Peace be with you!"),
     ("pope5", "Peace be with you all!"), ("pope6", "Peace be with all of you")],
    # the wish that the greeting reach every heart and family
    [("pope3", "I, too, would like this greeting"), ("pope4", "this peace should enter every heart")],
    # "an unarmed and disarming peace, humble and persevering"
    [("pope1", "a peace that is unarmed and disarming"), ("pope2", "an unarmed peace and disarming"),
     ("pope4", "unarmed and disarming."), ("pope5", "an unarmed, disarming peace"), ("pope5", "that comes from God")],
    # the weak but courageous voice of the late pope
    [("pope1", "Still ringing in our ears"), ("pope2", "this weak, but always courageous voice"),
     ("pope4", "he still heard"), ("pope4", "weak but courageous voice.")],
    # "God loves us, God loves you all, and evil will not prevail" (same topic as the next remarks)
    [("pope1", "God loves us. God loves each one"), ("pope2", "Let me follow this same blessing"),
     ("pope3", "God loves us, God loves you all, and evil"), ("pope4", "God cares for us"),
     ("pope5", "Allow me to continue that same blessing"), ("pope6", "God loves you all, God loves us")],
    # "the world needs His light; humanity needs him as a bridge to God's love"
    [("pope2", "Humanity needs him as the bridge"), ("pope3", "the world needs His light"),
     ("pope5", "the world needs the light of Christ"), ("pope6", "The world needs light.")],
    # "help one another to build bridges through dialogue and encounter" (apart from the missionary Church)
    [("pope1", "You, too, can help one another"), ("pope2", "Help us too, and we help ourselves"),
     ("pope4", "Help us too, then help each other"), ("pope5", "Help each other build bridges"),
     ("pope6", "Let us build that bridge together")],
    # thanks to the cardinals who elected him
    [("pope1", "I also wish to thank my brother cardinals"), ("pope5", "grateful to the cardinals"),
     ("pope6", "Thank you to my cardinal brothers")],
    # Saint Augustine
    [("pope4", "With you I am a Christian and"), ("pope5", "With you I am a Christian, for"),
     ("pope6", "With you, I am a Christian;")],
    # a missionary Church, open to all
    [("pope5", "We must seek how to be a missionary Church"), ("pope6", "missionary, open, and close")],
]


# PolNeAR dev articles by id prefix. Groups list (article prefix, attribution index in its ``quotes``[, content
# span index]) per utterance, written by reading the four texts (no words of them are kept here: the eval data
# stays in ../shared/eval). PolNeAR gives a quotation interrupted by its frame as one attribution of two content
# spans; we read each such passage and keep it one utterance when its second part goes on with the first, which
# holds for all of them but one (two points), named by span. A span rendering two remarks goes with the first,
# as in the seeds' labels.
_HP, _WC, _PT, _WT = "huff-post_2016-09-20_h", "west-journal_2016-09-21", "politico_2016-10-04", "west-journal_2016-10-04"
POLNEAR_ARTICLES = (_HP, _WC, _PT, _WT)  # each prefix names one article of the dev file
POLNEAR_GROUPS: list[list[tuple]] = [
    [(_HP, 0), (_HP, 3), (_HP, 5, 0), (_WC, 6), (_WC, 7)],  # Clinton, remark 1 (quoted, partial, reported)
    [(_HP, 5, 1), (_WC, 3)],  # Clinton, remark 2: the second part of remark 1's passage, and its summary
    [(_HP, 4), (_WC, 5), (_HP, 2)],  # Clinton, remark 3
    [(_WC, 0), (_WC, 1), (_WC, 10), (_WC, 11)],  # Christie's one remark (headline, partials, quotation)
    [(_PT, 12), (_WT, 12)],  # Trump on tax law, quoted by both outlets
]


def polnear_set(path) -> tuple[pd.DataFrame, list[dict]]:
    """The four PolNeAR articles (clean-stage table) and their annotated rows, read from ``path``."""
    import json
    from pathlib import Path

    rows = []
    with Path(path).open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            if row["id"].startswith(POLNEAR_ARTICLES):
                rows.append(row)
    rows.sort(key=lambda r: r["id"])
    arts = pd.DataFrame([{"article_id": r["id"], "outlet": r["publisher"], "clean_text": r["text"]} for r in rows])
    return arts, rows


def resolve_by_offsets(quotes: pd.DataFrame, rows: Sequence[dict],
                       groups: Sequence[Sequence[tuple]]) -> dict[str, int | str]:
    """Map quote_id -> utterance: the annotated content span holding most of the quote (at least half
    of it), by the labelled group of that span or of its attribution, else by its attribution
    (``"<article id>#<attribution>"``).
    Quotes matching no annotated span are left out (each is its own utterance)."""
    label: dict[tuple, int] = {}
    for g, group in enumerate(groups):
        for prefix, *where in group:
            (row,) = [r for r in rows if r["id"].startswith(prefix)]
            label[(row["id"], *where)] = g
    by_id = {r["id"]: r for r in rows}
    out: dict[str, int | str] = {}
    for q in quotes.itertuples():
        row = by_id.get(str(q.article_id))
        if row is None:
            continue
        best, where = 0, None
        for k, a in enumerate(row["quotes"]):
            for j, (s, e) in enumerate(a["content_spans"]):
                inter = max(0, min(e, q.end) - max(s, q.start))
                if inter > best:
                    best, where = inter, (k, j)
        if where is not None and best >= 0.5 * (q.end - q.start):
            k, j = where
            out[str(q.quote_id)] = label.get((row["id"], k, j), label.get((row["id"], k), f"{row['id']}#{k}"))
    return out


def pope_articles() -> pd.DataFrame:
    """The Pope Leo XIV corpus as a clean-stage articles table (``article_id, outlet, clean_text``)."""
    return pd.DataFrame([{"article_id": a, "outlet": o, "clean_text": t} for a, o, t in POPE_ARTICLES])


def invented_articles() -> pd.DataFrame:
    """The invented corpus as a clean-stage articles table (``article_id, outlet, clean_text``)."""
    return pd.DataFrame([{"article_id": a, "outlet": o, "clean_text": t} for a, o, t in INVENTED_ARTICLES])


def resolve(quotes: pd.DataFrame, groups: Sequence[Sequence[Label]]) -> tuple[dict[str, int], list[str]]:
    """Map quote_id -> labelled group number; second value lists labels matching not exactly one quote.

    A label matching several quotes of its article takes the shortest (a partial quote inside the
    reported clause that contains it is named by its own text).
    """
    out: dict[str, int] = {}
    problems: list[str] = []
    for g, group in enumerate(groups):
        for prefix, needle in group:
            hits = quotes[quotes["article_id"].astype(str).str.startswith(prefix)
                          & quotes["quote"].astype(str).str.contains(needle, regex=False)]
            if hits.empty:
                problems.append(f"{prefix}: {needle!r} matches no quote")
                continue
            hits = hits.assign(_n=hits["quote"].str.len()).sort_values(["_n", "quote_id"])
            exact = hits[hits["quote"].str.strip("\"“”‘’ ,.") == needle.strip("\"“”‘’ ,.")]
            qid = str((exact if len(exact) else hits)["quote_id"].iloc[0])
            if qid in out and out[qid] != g:
                problems.append(f"{prefix}: {needle!r} is already in group {out[qid]}")
            out[qid] = g
    return out, problems


def truth_partition(quotes: pd.DataFrame, groups: Sequence[Sequence[Label]] | dict[str, int | str]
                    ) -> tuple[list[str], list[str]]:
    """(true utterance label per quote, label problems): unlabelled quotes are their own utterance.

    ``groups`` are substring labels (resolved by :func:`resolve`) or an already resolved
    ``{quote_id: group}`` (:func:`resolve_by_offsets`).
    """
    labelled, problems = (dict(groups), []) if isinstance(groups, dict) else resolve(quotes, groups)
    ids = [str(q) for q in quotes["quote_id"]]
    return [f"g{labelled[q]}" if q in labelled else f"single:{q}" for q in ids], problems


def predicted_partition(quotes: pd.DataFrame) -> list[str]:
    """The stage's utterance per quote: its ``cluster_id``, or itself when it has none."""
    return [str(c) if str(c) else f"single:{q}" for q, c in zip(quotes["quote_id"], quotes["cluster_id"])]


def cluster_scores(truth: Sequence[str], pred: Sequence[str]) -> dict[str, float]:
    """Pairwise and B-cubed precision / recall / F1 of a predicted partition against the truth.

    Pairwise: over pairs of quotes, a pair is positive when both are in one cluster. B-cubed: per
    quote, the share of its predicted cluster that is truly its utterance (precision) and the share
    of its utterance found in its predicted cluster (recall), averaged over quotes.
    """
    from collections import Counter

    def f1(p: float, r: float) -> float:
        return 2 * p * r / (p + r) if p + r else 0.0

    both = Counter(zip(truth, pred))
    t_size, p_size = Counter(truth), Counter(pred)
    tp = sum(n * (n - 1) / 2 for n in both.values())
    pred_pairs = sum(n * (n - 1) / 2 for n in p_size.values())
    true_pairs = sum(n * (n - 1) / 2 for n in t_size.values())
    pp = tp / pred_pairs if pred_pairs else 1.0
    pr = tp / true_pairs if true_pairs else 1.0
    bp = sum(both[(t, p)] / p_size[p] for t, p in zip(truth, pred)) / max(1, len(truth))
    br = sum(both[(t, p)] / t_size[t] for t, p in zip(truth, pred)) / max(1, len(truth))
    return {"pair_P": pp, "pair_R": pr, "pair_F1": f1(pp, pr), "b3_P": bp, "b3_R": br, "b3_F1": f1(bp, br),
            "n_quotes": len(truth), "true_pairs": int(true_pairs), "pred_pairs": int(pred_pairs)}
