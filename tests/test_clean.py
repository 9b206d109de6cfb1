"""Cleaning on the real seed articles and on small hand-written inputs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from analysis import clean, corpus
from analysis.corpus import RawDocument

# Hand labels: the lines of each seed that are site furniture, not reporting.
SEED_BOILERPLATE = {
    "002_9628098bff1f94c7.txt": [
        "Factual. Independent. Impartial.",
        "Support AAP with a free or paid subscription",
        "Russia President Vladimir Putin says he backs the US ceasefire plan for Ukraine. (EPA PHOTO)",
        "Russia Ukraine",
        'Russian President Vladimir Putin said he hoped the ceasefire plan would lead to "long-term peace". (EPA PHOTO)',
        "License this article",
        "Sign up to read this article for free",
        "Choose between a free or paid subscription to AAP News",
        "Start reading",
        "Already a member? Sign in here",
        "Top stories on AAP right now",
    ],
    "004_02a9c9788fb81cf1.txt": ["Featured", "Source link", "Related Posts",
                                 "Load More Posts Loading...No More Posts."],
}


@pytest.fixture(scope="module")
def cleaned(seeds_dir: Path) -> clean.CleanedCorpus:
    return clean.clean_corpus(corpus.read_corpus(seeds_dir), today="2026-01-01")


def _norm(text: str) -> str:
    return " ".join(text.split())


def test_all_seeds_kept_and_accounted(cleaned: clean.CleanedCorpus) -> None:
    assert sorted(cleaned.inputs["status"]) == ["kept"] * 5
    assert len(cleaned.articles) == 5


def test_no_markup_or_furniture_left(cleaned: clean.CleanedCorpus) -> None:
    text = "\n".join(cleaned.articles["clean_text"])
    assert not re.search(r"<[a-z/][^>]*>", text), "an HTML tag survived cleaning"
    assert "href" not in text and "target=" not in text
    for furniture in ("subscription", "Sign up", "(EPA PHOTO)", "Related Posts", "Load More",
                      "Source link", "Featured", "License this article", " date 2025"):
        assert furniture not in text, furniture


@pytest.mark.parametrize("file", sorted(p.name for p in Path(__file__).resolve().parents[1].joinpath("seeds").glob("*.txt")))
def test_every_reporting_line_is_kept(cleaned: clean.CleanedCorpus, seeds_dir: Path, file: str) -> None:
    raw = (seeds_dir / file).read_text(encoding="utf-8")
    raw = re.sub(r"^\s*date \d{4}-\d{2}-\d{2}\s+", "", raw)
    raw = re.sub(r"<[^>]+>", "", raw)
    article = cleaned.articles.set_index("file").loc[file]
    body = _norm(article["clean_text"])
    furniture = set(SEED_BOILERPLATE.get(file, []))
    lines = [_norm(line) for line in raw.splitlines() if line.strip()]
    for line in lines:
        if line in furniture:
            assert line not in body.replace(_norm(article["title"]), "", 1), f"boilerplate kept: {line}"
            continue
        line = re.sub(r"^\(CNN\) — ", "", line)  # the dateline moves to metadata
        assert line in body, f"reporting line lost from {file}: {line[:80]}"


def test_metadata_from_text_and_manifest(cleaned: clean.CleanedCorpus) -> None:
    arts = cleaned.articles.set_index("article_id")
    cnn = arts.loc["003_f08b9641cf3b73bf"]
    assert cnn["dateline"] == "(CNN)"
    assert cnn["date"] == "2025-03-13"
    assert cnn["clean_text"].startswith(cnn["title"] + "\n\n")
    assert arts.loc["002_9628098bff1f94c7", "title"] == "Putin backs US ceasefire plan, but details to iron out"
    assert all(arts["flags"] == "")  # manifest and in-text headlines agree on the seeds


def test_sentence_offsets_index_clean_text(cleaned: clean.CleanedCorpus) -> None:
    texts = cleaned.articles.set_index("article_id")["clean_text"]
    for row in cleaned.sentences.itertuples():
        assert texts[row.article_id][row.start:row.end] == row.text
    heads = cleaned.sentences[cleaned.sentences["section"] == "headline"]
    assert len(heads) == 5 and set(heads["article_id"]) == set(texts.index)
    ledes = cleaned.sentences[cleaned.sentences["section"] == "lede"].groupby("article_id").size()
    assert (ledes == 2).all()
    # "Mr. Putin" must not end a sentence
    assert not cleaned.sentences["text"].str.endswith(" Mr.").any()


def _doc(text: str, name: str = "a.txt", **meta: str) -> RawDocument:
    return RawDocument(doc_id=Path(name).stem, file=name, text=text, sha256="x", n_bytes=len(text),
                       encoding="utf-8", metadata=meta)


PARAGRAPH = ("The city council voted on Tuesday to approve the new budget after a long debate. "
             "The mayor said the plan would fund more buses and repair roads across the region. "
             "Opponents argued that the spending was too high and that taxes would have to rise. ")


@pytest.mark.parametrize("line, rule", [
    ("Subscribe to continue reading", "paywall"),
    ("Related Stories", "related"),
    ("Advertisement", "label"),
    ("Share this article", "share"),
    ("Protesters gather outside parliament. (AP Photo/Jane Doe)", "caption"),
    ("Sign up for our morning newsletter to get it in your inbox", "newsletter"),
    ("The minister said the subscription model for public transport would change next year.", None),
    ("Related talks continued in Geneva on Wednesday, officials said.", None),
])
def test_boilerplate_rules(line: str, rule: str | None) -> None:
    assert clean.boilerplate_rule(line) == rule


def test_html_to_text_keeps_paragraphs_and_link_text_drops_script() -> None:
    html = ("<html><head><title>Budget vote</title><script>alert(1)</script></head><body>"
            "<p>The <a href='https://x.example/'>council</a> voted.</p><p>Second <b>para</b>.</p></body></html>")
    text, title, removed = clean.html_to_text(html)
    paras = clean.split_paragraphs(text)
    assert paras == ["The council voted.", "Second para."]
    assert title == "Budget vote"
    assert ("html_script", "alert(1)") in removed


def test_hard_wrapped_lines_are_rejoined() -> None:
    wrapped = ("The city council voted on Tuesday to approve the new budget after a\n"
               "long debate that lasted until midnight. The mayor said the plan would\n"
               "fund more buses and repair roads across the region, and Mr. Smith\n"
               "said opponents argued that the spending was too high and that taxes\n"
               "would have to rise to pay for the new buses in the coming years.\n"
               "Council members will meet again next month to review the figures.\n\n"
               "A second paragraph starts here and is short.")
    paras = clean.split_paragraphs(wrapped)
    assert len(paras) == 2
    assert "after a long debate" in paras[0] and "Mr. Smith said" in paras[0]


def test_mojibake_repaired_and_logged() -> None:
    text = "Headline here\n\n" + PARAGRAPH.replace("mayor said", "mayorâ€™s aide said") * 2
    result = clean.clean_document(_doc(text), today="2026-01-01")
    assert result.article is not None
    assert "mayor’s aide" in result.article["clean_text"]
    assert any(row["rule"] == "mojibake" for row in result.audit)


@pytest.mark.parametrize("text, reason", [
    ("Too short to compare.", "too short"),
    ("Le conseil municipal a voté mardi pour approuver le nouveau budget après un long débat. " * 8,
     "not English"),
    ("<div><script>var x = 1;</script></div>", "no article text"),
])
def test_rejections_say_why(text: str, reason: str) -> None:
    result = clean.clean_document(_doc(text), today="2026-01-01")
    assert result.article is None and reason in (result.rejection or "")


def test_manifest_title_wins_and_conflict_is_flagged() -> None:
    text = "Council passes budget\n\n" + PARAGRAPH
    result = clean.clean_document(_doc(text, title="Mayor unveils transport plan"), today="2026-01-01")
    assert result.article["title"] == "Mayor unveils transport plan"
    assert "title_conflict" in result.article["flags"]


def test_future_and_bad_dates_flagged() -> None:
    future = clean.clean_document(_doc(PARAGRAPH, date="2031-05-01"), today="2026-01-01")
    assert "future_date" in future.article["flags"]
    bad = clean.clean_document(_doc(PARAGRAPH, date="yesterday"), today="2026-01-01")
    assert bad.article["date"] == "" and "bad_date" in bad.article["flags"]


def test_near_duplicates_found_and_distinct_articles_kept() -> None:
    base = PARAGRAPH * 3
    texts = {"a": base, "b": base.replace("Tuesday", "Wednesday"), "c": PARAGRAPH.replace("council", "senate")
             + " Entirely different reporting about a football match and the weather on the coast." * 5}
    dups = clean.find_duplicates(texts, threshold=0.8)
    assert set(dups) == {"b"} and dups["b"][0] == "a" and 0.8 <= dups["b"][1] < 1.0


def test_too_few_articles_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "one.txt").write_text("Headline\n\n" + PARAGRAPH * 2, encoding="utf-8")
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    with pytest.raises(Exception) as info:
        clean.clean_corpus(corpus.read_corpus(tmp_path))
    message = str(info.value)
    assert "only 1 usable article" in message and "empty.txt: rejected - empty file" in message


def test_widget_fragments_dropped_but_headline_and_numbers_kept() -> None:
    text = ("Council passes budget\n\n" + PARAGRAPH + "\n\nTweet this\n\n" + PARAGRAPH.replace("city", "town")
            + "\n\n2,000 jobs\n\n" + PARAGRAPH.replace("city", "county"))
    result = clean.clean_document(_doc(text), today="2026-01-01")
    assert result.article["title"] == "Council passes budget"
    assert "Tweet this" not in result.article["clean_text"]
    assert "2,000 jobs" in result.article["clean_text"]
    assert ("fragment", "Tweet this") in [(r["rule"], r["removed_text"]) for r in result.audit]
    kept = clean.clean_document(_doc(text), max_fragment_words=0, today="2026-01-01")
    assert "Tweet this" in kept.article["clean_text"]


@pytest.mark.parametrize("paragraph, expected", [
    ('He left. "We will return," she said. "Soon."',
     ['He left.', '"We will return," she said.', '"Soon."']),
    ("It was a “fair deal.” “We agree,” Mr. Smith said in Ottawa, Ont., on Monday.",
     ["It was a “fair deal.”", "“We agree,” Mr. Smith said in Ottawa, Ont., on Monday."]),
    ('"What happens now? Do they send him back?" Kim said. Officials declined to comment.',
     ['"What happens now?', 'Do they send him back?" Kim said.', 'Officials declined to comment.']),
    ("The U.S. delegation arrived. (The talks had been delayed.) They began at noon.",
     ["The U.S. delegation arrived.", "(The talks had been delayed.)", "They began at noon."]),
])
def test_sentence_spans(paragraph: str, expected: list[str]) -> None:
    from analysis.nlp import load_sentencizer

    doc = load_sentencizer()(paragraph)
    assert [paragraph[s:e] for s, e in clean.sentence_spans(doc)] == expected


@pytest.mark.parametrize("dash", ["—", "–", "-", "―"])  # U+2015 (horizontal bar) is one outlet's dateline dash
def test_dateline_with_any_dash_moves_to_metadata(dash: str) -> None:
    from analysis.clean.rules import _DATELINE

    line = f"WASHINGTON {dash} The city council voted on Tuesday to close the old harbour bridge for repairs."
    m = _DATELINE.match(line)
    assert m is not None and m.group("dateline").strip() == "WASHINGTON"
