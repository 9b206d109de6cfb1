"""Hostile input: every bad file gives a clear message or an accounted row in inputs.csv, the run
completes for the rest, and no article text reaches the HTML unescaped.

Fast cases run ``corpus.read_corpus`` + ``clean.clean_corpus`` on a small folder (two seed articles
plus the hostile file). Two pipeline runs: one full run on a hostile corpus mixed with the seeds
(checks the ledger and the rendered HTML), one on an empty folder (checks the message).
Every hostile file is written in ``tmp_path``; nothing large is stored in git.
"""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path
from typing import Callable

import pandas as pd
import pytest

from analysis import clean, corpus, report
from analysis.errors import CleanError, CorpusError, NewsreportError

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
SEED_FILES = sorted(p.name for p in SEEDS.glob("*.txt"))
XSS = "nr-xss"  # marker inside every script payload: must never reach an executable context

# Short hand-written English articles, distinct enough not to be near-duplicates of each other.
BRIDGE = ("The mayor said the new bridge would open next spring after a long delay. Café owners near the "
          "river welcomed the decision, saying the crossing had been closed for more than two years and "
          "that trade had fallen sharply. A résumé of the council's plan was published on Tuesday and "
          "residents were invited to comment before the final vote, expected in the coming weeks.")
COUNCIL = ("Councillors voted on Monday to approve the “river park” plan, which had divided the town for "
           "months. The leader said it’s time to move on and that work would begin in the autumn. Critics "
           "said the café kiosks would crowd the path and asked for a new consultation, but the motion "
           "passed by nine votes to four after a debate of almost three hours.")
WATER = ("Water bills will rise by six per cent from April, the regional supplier said on Wednesday, "
         "blaming the cost of repairing old pipes and of a new treatment plant. Consumer groups said the "
         "increase was larger than inflation and called on the regulator to examine the company's "
         "spending, while the supplier said help would be offered to households on low incomes.")
MUSEUM = ("The city museum reopened on Saturday after a renovation that took three years — longer than "
          "planned. Its director said the building’s new café and gallery would draw more visitors, and "
          "that entry would stay free for children. Volunteers who had guided tours before the closure "
          "said they were glad to be back and that the new rooms were brighter and easier to reach.")
STORM_A = ("Heavy rain and strong winds battered the coast on Monday, cutting power to thousands of homes "
           "and closing schools across the region. Emergency crews worked through the night to clear "
           "fallen trees from roads, and officials warned that more rain was expected later in the week, "
           "urging residents to stay indoors where they could.")
STORM_B = ("Fishermen in the harbour town counted their losses on Tuesday after the storm sank two boats "
           "and damaged the sea wall. The harbour master said repairs could take a month and that the fleet "
           "would stay ashore until engineers had checked the moorings, while the council opened a fund "
           "to help families who had lost their income.")
FRENCH = ("Le maire a déclaré que le nouveau pont ouvrirait au printemps prochain après un long retard. "
          "Les commerçants ont salué la décision, affirmant que le passage était fermé depuis plus de deux "
          "ans et que le commerce avait fortement chuté. Le plan du conseil a été publié mardi et les "
          "habitants ont été invités à commenter avant le vote final.")
MARKETS = ("Shares in the retailer fell on Thursday after it said profits were < 5% of sales & falling. "
           "\"Costs < revenue & margins > zero, <b>for now</b>,\" the chief executive said, adding that "
           "the company would close twelve stores and cut prices in the rest. Analysts said the results, "
           "which fell short of forecasts, reflected a weaker market for clothing and home goods.")


def _png() -> bytes:
    return b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(range(64))


def _zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("article.txt", BRIDGE)
    return buf.getvalue()


def _mojibake() -> bytes:
    # UTF-8 bytes read as cp1252 and saved again as UTF-8: "café" -> "cafÃ©", "’" -> "â€™"
    return ("Museum reopens after three years\n\n" + MUSEUM).encode("utf-8").decode("cp1252").encode("utf-8")


def _xss_html() -> bytes:
    return (f'<html><head><title>Profits &lt;5% &amp; falling <script>alert("{XSS}")</script></title></head>'
            f'<body><h1>Retailer profits fall &lt;5% &amp; more</h1>'
            f'<p>Shares in the retailer fell <img src=x onerror="alert(\'{XSS}\')"> on Thursday after it '
            f'said profits were &lt; 5% of sales &amp; falling.</p><script>alert("{XSS}")</script>'
            f'<p onclick="alert(\'{XSS}\')">"Costs &lt; revenue &amp; margins &gt; zero," the chief executive '
            f'said, adding that the company would close twelve stores and cut prices in the rest. Analysts '
            f'said the results, which fell short of forecasts, reflected a weaker market for clothing.</p>'
            f'<p>&lt;script&gt;alert("{XSS}")&lt;/script&gt; was written in a reader comment that the site '
            f'printed as text, and the company said it would look into the matter on Friday.</p>'
            f'<iframe src="https://example.invalid/{XSS}"></iframe></body></html>').encode("utf-8")


def _xss_text() -> bytes:
    return (f'Retailer warns of tough year <script>alert("{XSS}")</script>\n\n{MARKETS} '
            f'<img src=x onerror=alert("{XSS}")> The statement ended there.').encode("utf-8")


#: name -> (bytes factory, expected status, substring of the reason)
CASES: dict[str, tuple[Callable[[], bytes], str, str]] = {
    "empty.txt": (lambda: b"", "rejected", "empty file"),
    "whitespace.txt": (lambda: b"  \n\t\n   \r\n", "rejected", "only whitespace"),
    "image.png": (_png, "rejected", "unsupported file type '.png'"),
    "image_renamed.txt": (_png, "rejected", "PNG image"),
    "archive.zip": (_zip, "rejected", "unsupported file type '.zip'"),
    "archive_renamed.txt": (_zip, "rejected", "ZIP archive"),
    "latin1.txt": (lambda: ("Bridge to reopen in spring\n\n" + BRIDGE).encode("latin-1"), "kept", ""),
    "cp1252.txt": (lambda: ("Council approves “river park”\n\n" + COUNCIL).encode("cp1252"), "kept", ""),
    "utf16_bom.txt": (lambda: ("Water bills to rise by six per cent\n\n" + WATER).encode("utf-16"), "kept", ""),
    "mojibake.txt": (_mojibake, "kept", ""),
    "boilerplate_only.html": (lambda: (b"<html><head><title>News site</title></head><body><nav>Home News Sport"
                                       b"</nav><p>Subscribe now</p><p>Sign in</p><p>Share this article</p>"
                                       b"<footer>All rights reserved</footer></body></html>"),
                              "rejected", "no article text left"),
    "french.txt": (lambda: ("Le pont rouvrira au printemps\n\n" + FRENCH).encode("utf-8"), "rejected", "not English"),
    "xss.html": (_xss_html, "kept", ""),
    "xss_text.txt": (_xss_text, "kept", ""),
    "storm_a.txt": (lambda: ("Storm hits coast\n\n" + STORM_A).encode("utf-8"), "kept", ""),
    "storm_b.txt": (lambda: ("Storm hits coast\n\n" + STORM_B).encode("utf-8"), "kept", ""),
    "dup_of_000.txt": (lambda: (SEEDS / SEED_FILES[0]).read_bytes(), "duplicate", "exact copy of"),
    "near_dup_of_001.txt": (lambda: (SEEDS / SEED_FILES[1]).read_text(encoding="utf-8")
                            .replace("Putin", "Russian President Vladimir Putin", 1).encode("utf-8")
                            + b"\n\nThis story was updated with a correction.\n", "duplicate", "near-duplicate"),
    "we<ird> & name.txt": (lambda: ("Water bills to rise, supplier says\n\n" + WATER.replace("six", "seven")
                                    .replace("Wednesday", "Friday") + " " + STORM_B).encode("utf-8"), "kept", ""),
}


def _two_seeds(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name in SEED_FILES[:2]:
        shutil.copy(SEEDS / name, folder / name)


def _ledger(folder: Path, **kwargs) -> pd.DataFrame:
    cleaned = clean.clean_corpus(corpus.read_corpus(folder), today="2026-01-01", **kwargs)
    return cleaned.inputs


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_hostile_file_is_accounted_for(tmp_path: Path, name: str) -> None:
    make, status, reason = CASES[name]
    folder = tmp_path / "corpus"
    _two_seeds(folder)
    (folder / name).write_bytes(make())
    inputs = _ledger(folder)
    assert sorted(inputs["file"]) == sorted([*SEED_FILES[:2], name])
    row = inputs.set_index("file").loc[name]
    assert row["status"] == status, row["reason"]
    assert reason in row["reason"]
    counts = inputs["status"].value_counts()
    assert counts.sum() == len(inputs) == sum(counts.get(k, 0) for k in ("kept", "duplicate", "rejected"))


@pytest.mark.parametrize("name, must_contain, audit_rule", [
    ("latin1.txt", "Café owners", "encoding"),
    ("cp1252.txt", "it’s time", "encoding"),
    ("utf16_bom.txt", "Water bills will rise", None),
    ("mojibake.txt", "building’s new café", "mojibake"),
])
def test_encodings_decode_to_the_right_characters(tmp_path: Path, name: str, must_contain: str,
                                                  audit_rule: str | None) -> None:
    (tmp_path / name).write_bytes(CASES[name][0]())
    raw = corpus.read_corpus(tmp_path)
    doc = raw.documents[0]
    result = clean.clean_document(doc, today="2026-01-01")
    assert result.article is not None, result.rejection
    assert must_contain in result.article["clean_text"]
    assert "Ã" not in result.article["clean_text"] and "\ufffd" not in result.article["clean_text"]
    rules = {row["rule"] for row in result.audit}
    if audit_rule:
        assert audit_rule in rules
    else:
        assert "mojibake" not in rules


def test_encoding_label_names_cp1252_for_western_text() -> None:
    text, encoding = corpus.decode_bytes("Café owners said “it’s time” for the résumé.".encode("cp1252"))
    assert text == "Café owners said “it’s time” for the résumé."
    assert encoding == "cp1252"


def test_markup_is_dropped_and_text_kept_literally(tmp_path: Path) -> None:
    (tmp_path / "xss.html").write_bytes(_xss_html())
    (tmp_path / "xss_text.txt").write_bytes(_xss_text())
    by_id = {d.doc_id: clean.clean_document(d, today="2026-01-01") for d in corpus.read_corpus(tmp_path).documents}
    html_text = by_id["xss"].article["clean_text"]
    assert "onerror" not in html_text and "onclick" not in html_text and "<img" not in html_text
    assert "Costs < revenue & margins > zero" in html_text  # entities decoded to the characters they stand for
    assert any(r["rule"] == "html_script" and XSS in r["removed_text"] for r in by_id["xss"].audit)
    text = by_id["xss_text"].article["clean_text"]
    assert "onerror" not in text and "<script" not in text
    assert "profits were < 5% of sales & falling" in text


def test_fifty_megabyte_file_is_rejected_unread(tmp_path: Path) -> None:
    _two_seeds(tmp_path)
    big = tmp_path / "huge.txt"
    with big.open("wb") as fh:
        block = (BRIDGE + "\n\n").encode("utf-8") * 1000
        while fh.tell() < 50_000_000:
            fh.write(block)
    inputs = _ledger(tmp_path)
    row = inputs.set_index("file").loc["huge.txt"]
    assert row["status"] == "rejected"
    assert "file too large" in row["reason"] and "max_file_mb" in row["reason"]
    assert row["bytes"] == big.stat().st_size and len(row["sha256"]) == 64


def test_wrong_and_future_dates_are_flagged_not_fatal(tmp_path: Path) -> None:
    _two_seeds(tmp_path)
    (tmp_path / "manifest.csv").write_text(
        "file,outlet,url,date,title\n"
        f"{SEED_FILES[0]},Outlet A,,13/03/2025,\n"
        f"{SEED_FILES[1]},Outlet B,,2099-01-01,\n", encoding="utf-8")
    cleaned = clean.clean_corpus(corpus.read_corpus(tmp_path), today="2026-01-01")
    flags = dict(zip(cleaned.articles["file"], cleaned.articles["flags"]))
    assert "bad_date" in flags[SEED_FILES[0]] and "future_date" in flags[SEED_FILES[1]]
    notes = " ".join(report.inputs_findings(cleaned.inputs, cleaned.articles))
    assert "a date in the future" in notes and "an unreadable date" in notes


def test_unreadable_manifest_date_falls_back_to_the_date_in_the_text(tmp_path: Path) -> None:
    # seed 000 starts with a "Date: 2025-03-13" line; a copy without manifest row must not win over it
    shutil.copy(SEEDS / SEED_FILES[0], tmp_path / SEED_FILES[0])
    shutil.copy(SEEDS / SEED_FILES[0], tmp_path / "zz_copy.txt")
    (tmp_path / "manifest.csv").write_text(f"file,date\n{SEED_FILES[0]},13/03/2025\n", encoding="utf-8")
    raw = corpus.read_corpus(tmp_path)
    doc = next(d for d in raw.documents if d.file == SEED_FILES[0])
    article = clean.clean_document(doc, today="2026-01-01").article
    assert article["date"] == "2025-03-13" and article["date_source"] == "text" and "bad_date" in article["flags"]
    inputs = clean.clean_corpus(raw, today="2026-01-01", min_articles=1).inputs.set_index("file")
    assert inputs.loc[SEED_FILES[0], "status"] == "kept" and inputs.loc["zz_copy.txt", "status"] == "duplicate"


def test_identical_titles_stay_two_articles(tmp_path: Path) -> None:
    for name in ("storm_a.txt", "storm_b.txt"):
        (tmp_path / name).write_bytes(CASES[name][0]())
    cleaned = clean.clean_corpus(corpus.read_corpus(tmp_path), today="2026-01-01")
    assert sorted(cleaned.articles["article_id"]) == ["storm_a", "storm_b"]
    assert set(cleaned.articles["title"]) == {"Storm hits coast"}
    labels = report.article_label(cleaned.articles)
    assert labels["storm_a"] != labels["storm_b"]  # evidence still tells them apart


def test_one_article_corpus_says_why(tmp_path: Path) -> None:
    shutil.copy(SEEDS / SEED_FILES[0], tmp_path / SEED_FILES[0])
    with pytest.raises(CleanError) as err:
        clean.clean_corpus(corpus.read_corpus(tmp_path))
    message = str(err.value)
    assert "only 1 usable article" in message and "at least 2" in message and SEED_FILES[0] in message


def test_zero_article_corpus_says_why(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    with pytest.raises(CleanError) as err:
        clean.clean_corpus(corpus.read_corpus(tmp_path))
    assert "only 0 usable article" in str(err.value) and "empty.txt: rejected - empty file" in str(err.value)


def test_nonexistent_path_names_it(tmp_path: Path) -> None:
    missing = tmp_path / "no such folder"
    with pytest.raises(CorpusError, match="no such file or folder") as err:
        corpus.read_corpus(missing)
    assert str(missing) in str(err.value)


def test_cli_nonexistent_path_exits_with_message(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from analysis import cli

    missing = tmp_path / "nowhere"
    code = cli.main(["run", str(missing), "--out", str(tmp_path / "run"), "--quiet"])
    err = capsys.readouterr().err
    assert code == 2
    assert str(missing) in err and "no such file or folder" in err


@pytest.mark.parametrize("frame, expect", [
    (pd.DataFrame({"id": ["a"], "outlet": ["X"], "body": [BRIDGE]}), "columns found: ['id', 'outlet', 'body']"),
    (pd.DataFrame({"title": ["Bridge"]}), "columns found: ['title']"),
])
def test_csv_without_text_column_names_file_and_columns(tmp_path: Path, frame: pd.DataFrame, expect: str) -> None:
    path = tmp_path / "table.csv"
    frame.to_csv(path, index=False)
    for reader in (corpus.read_corpus, corpus.check_corpus):  # the pipeline's fail-fast check says the same
        with pytest.raises(CorpusError) as err:
            reader(path)
        assert "no 'text' column" in str(err.value) and expect in str(err.value) and str(path) in str(err.value)


def test_csv_with_only_text_column_works_and_outlets_stay_distinct(tmp_path: Path) -> None:
    path = tmp_path / "table.csv"
    frame = pd.DataFrame({"text": ["Bridge to reopen\n\n" + BRIDGE, "Water bills rise\n\n" + WATER, "   "]})
    frame.to_csv(path, index=False)
    cleaned = clean.clean_corpus(corpus.read_corpus(path), today="2026-01-01")
    assert list(cleaned.inputs["status"]) == ["kept", "kept", "rejected"]
    labels = report.outlet_labels(cleaned.articles)
    assert len(set(labels.values())) == 2  # two unknown outlets are not merged into one


def test_odd_file_names_become_safe_ids(tmp_path: Path) -> None:
    name = "we<ird> & name.txt"
    (tmp_path / name).write_bytes(CASES[name][0]())
    doc = corpus.read_corpus(tmp_path).documents[0]
    assert doc.doc_id == "we_ird_name" and doc.file == name
    assert corpus.safe_id("000_20d51d18bed55581") == "000_20d51d18bed55581"  # ordinary stems unchanged


# ---------------------------------------------------------------------------------------------
# full pipeline runs
# ---------------------------------------------------------------------------------------------

def _hostile_corpus(folder: Path) -> Path:
    folder.mkdir(parents=True)
    for name in SEED_FILES:
        shutil.copy(SEEDS / name, folder / name)
    for name, (make, _, _) in CASES.items():
        (folder / name).write_bytes(make())
    with (folder / "huge.txt").open("wb") as fh:
        block = (STORM_A + "\n\n").encode("utf-8") * 1000
        while fh.tell() < 50_000_000:
            fh.write(block)
    manifest = pd.read_csv(SEEDS / "manifest.csv", dtype=str, keep_default_na=False)
    # seeds 0 and 1 have copies in the corpus, so their dates stay right (the earliest copy is kept)
    manifest.loc[3, "date"] = "13/03/2025"  # wrong format
    manifest.loc[4, "date"] = "2099-01-01"  # future
    manifest.loc[2, "outlet"] = f"<b onmouseover=alert('{XSS}')>Evil & Co</b>"
    manifest.loc[2, "url"] = f"javascript:alert('{XSS}')"
    manifest.loc[3, "title"] = f"<script>alert('{XSS}')</script> & <i>more</i>"
    extra = pd.DataFrame([{"file": "listed_but_missing.txt", "outlet": "Ghost", "url": "", "date": "", "title": ""}])
    pd.concat([manifest, extra]).to_csv(folder / "manifest.csv", index=False)
    return folder


def _assert_inert(html_text: str, *, own_scripts: int) -> None:
    """No article-borne markup is live: no handlers, no foreign scripts, images, frames or links."""
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(html_text)
    for node in tree.css("*"):
        handlers = [a for a in node.attributes if a.lower().startswith("on")]
        assert not handlers, f"<{node.tag}> carries {handlers}"
        for attr in ("href", "src"):
            assert not str(node.attributes.get(attr) or "").lower().startswith("javascript:")
    # data blocks (the side-by-side view's JSON) never run; article text in them has no "<" left to end them
    data = [s for s in tree.css("script") if s.attributes.get("type") == "application/json"]
    assert all("<" not in (s.text() or "") for s in data)
    scripts = [s for s in tree.css("script") if s.attributes.get("type") != "application/json"]
    assert len(scripts) <= own_scripts
    assert all(XSS not in (s.text() or "") for s in scripts)
    assert all(str(img.attributes.get("src") or "").startswith("data:image/") for img in tree.css("img"))
    assert not tree.css("iframe, object, embed")
    assert report.external_urls(html_text) == []


@pytest.mark.slow
def test_pipeline_survives_hostile_corpus(tmp_path: Path) -> None:
    from analysis import artifacts, pipeline

    folder = _hostile_corpus(tmp_path / "hostile")
    run_dir = tmp_path / "run"
    result = pipeline.run(folder, run_dir, log=None)
    inputs = artifacts.read_table(run_dir, "inputs")
    on_disk = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")
                     if p.is_file() and p.name != "manifest.csv")
    # nothing lost: every file once, plus the manifest row without a file
    assert sorted(inputs["file"]) == sorted(on_disk + ["manifest.csv:listed_but_missing.txt"])
    counts = inputs["status"].value_counts()
    assert int(counts.sum()) == len(inputs) == int(counts.get("kept", 0) + counts.get("duplicate", 0)
                                                   + counts.get("rejected", 0))
    by_file = inputs.set_index("file")
    for name, (_, status, reason) in CASES.items():
        assert by_file.loc[name, "status"] == status, (name, by_file.loc[name, "reason"])
        assert reason in by_file.loc[name, "reason"], name
    assert by_file.loc["huge.txt", "status"] == "rejected"
    for name in SEED_FILES:
        assert by_file.loc[name, "status"] == "kept"
    assert (by_file["reason"][by_file["status"] != "kept"] != "").all()  # every drop says why

    reader = result.outputs["report.html"].read_text(encoding="utf-8")
    reviewer = result.outputs["report-reviewer.html"].read_text(encoding="utf-8")
    _assert_inert(reader, own_scripts=1)
    _assert_inert(reviewer, own_scripts=1)
    # the hostile strings are shown to the reader as text (escaped in the source, literal on screen)
    from selectolax.lexbor import LexborHTMLParser

    visible = LexborHTMLParser(reader).body.text()
    visible_reviewer = LexborHTMLParser(reviewer).body.text()
    assert f"<b onmouseover=alert('{XSS}')>Evil & Co</b>" in visible
    assert "Costs < revenue & margins > zero" in visible + visible_reviewer
    # the reader is told about the metadata problems
    assert "a date in the future" in reader and "an unreadable date" in reader
    articles = artifacts.read_table(run_dir, "articles")
    assert len(articles) == int(counts["kept"])


@pytest.mark.slow
def test_pipeline_on_zero_articles_fails_with_clear_message(tmp_path: Path) -> None:
    from analysis import pipeline

    folder = tmp_path / "nothing"
    folder.mkdir()
    (folder / "empty.txt").write_bytes(b"")
    (folder / "notes.png").write_bytes(_png())
    with pytest.raises(NewsreportError) as err:
        pipeline.run(folder, tmp_path / "run", log=None)
    message = str(err.value)
    assert "only 0 usable article" in message
    assert "empty.txt: rejected - empty file" in message and "notes.png: rejected" in message


@pytest.mark.parametrize("lines, expect", [
    (["{not json"], "line 1 is not valid JSON"),  # one bad line among good ones: tests/test_hostile_corpus.py
    (['["a", "list"]'], "line 1 is a list, expected an object"),
    (['{"body": "no text key"}'], "no 'text' column"),
])
def test_broken_jsonl_names_file_and_line(tmp_path: Path, lines: list[str], expect: str) -> None:
    path = tmp_path / "corpus.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    for reader in (corpus.read_corpus, corpus.check_corpus):
        with pytest.raises(CorpusError) as err:
            reader(path)
        assert expect in str(err.value) and str(path) in str(err.value)


def test_fail_fast_check_does_not_read_articles(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, text in (("a.txt", BRIDGE), ("b.txt", WATER)):
        (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / "notes.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    monkeypatch.setattr(corpus, "_read_file", lambda *a, **k: pytest.fail("check_corpus decoded an article"))
    corpus.check_corpus(tmp_path)  # a binary file is a rejection for the clean stage, not an error
    (tmp_path / "manifest.csv").write_text("name,outlet\na.txt,X\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="manifest has no 'file' column"):
        corpus.check_corpus(tmp_path)


def test_csv_rows_with_hostile_html_are_cleaned_like_files(tmp_path: Path) -> None:
    path = tmp_path / "table.csv"
    pd.DataFrame({"id": ["x<1>", "y"], "outlet": ["<i>O</i>", "P"],
                  "text": [_xss_html().decode("utf-8"), "Bridge to reopen\n\n" + BRIDGE]}).to_csv(path, index=False)
    cleaned = clean.clean_corpus(corpus.read_corpus(path), today="2026-01-01")
    assert list(cleaned.articles["article_id"]) == ["x_1_", "y"]
    text = cleaned.articles.set_index("article_id").loc["x_1_", "clean_text"]
    assert "onerror" not in text and "<img" not in text and "Costs < revenue & margins > zero" in text
    # markup the page showed as text (&lt;script&gt;) is article text, kept literally for the report to escape
    assert f'<script>alert("{XSS}")</script> was written in a reader comment' in text
    assert text.count("<script") == 1  # the live <script> elements are gone


# ---------------------------------------------------------------------------------------------
# parameters (issue #16 items 1, 7, 10): only validated plain values reach papermill, and a bad
# value is refused with its key, value and allowed range before any stage runs
# ---------------------------------------------------------------------------------------------

def _code(marker: Path) -> str:
    """A value that runs Python when pasted unescaped into papermill's injected parameter cell."""
    return f'"; import pathlib; pathlib.Path(r"{marker}").touch() #'


@pytest.fixture
def stages_started(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Fails the run at its first stage and records it: validation must stop a bad value earlier."""
    from analysis import pipeline

    started: list[str] = []

    def refuse(notebook: Path, output: Path, parameters: dict, stage: str, **kwargs: object) -> None:
        started.append(stage)
        raise AssertionError(f"stage {stage!r} started with {parameters}")

    monkeypatch.setattr(pipeline, "_execute", refuse)
    return started


def _binary(text: str) -> str:
    import base64

    return "!!binary " + base64.b64encode(text.encode("utf-8")).decode("ascii")


def _yaml_quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


#: name -> (args after the corpus, given the marker path and a params file to write, or None; fragment)
PARAMETER_ATTACKS: dict[str, tuple[Callable[[Path], tuple[list[str], str | None]], str]] = {
    "set_binary_code": (lambda m: (["--set", f"stance.actors={_binary(_code(m))}"], None), "stance.actors = b'"),
    "set_set_code": (lambda m: (["--set", f"quotes.reference_transcript=!!set {{{_yaml_quoted(_code(m))}}}"], None),
                     "quotes.reference_transcript = {"),
    "params_set_code": (lambda m: ([], f"stance:\n  actors: !!set {{{_yaml_quoted(_code(m))}: null}}\n"),
                        "stance.actors = {"),
    "params_binary_code": (lambda m: ([], f"stance:\n  proposition: {_binary(_code(m))}\n"), "stance.proposition = b'"),
    "set_nested_json": (lambda m: (["--set", 'stance.actors={"a": {"b": 1}}'], None), "got a dict"),
    "params_nested_dict": (lambda m: ([], "coverage:\n  k_neighbors:\n    inner: 3\n"), "coverage.k_neighbors = {"),
    "set_list": (lambda m: (["--set", "stance.actors=[Ana, Bo]"], None), "got a list"),
    "set_threshold_5": (lambda m: (["--set", "coverage.core_threshold_minilm=5"], None), "out of range"),
    "set_threshold_negative": (lambda m: (["--set", "coverage.core_threshold_tfidf=-1"], None), "out of range"),
    "set_threshold_nan": (lambda m: (["--set", "coverage.conflict_threshold_minilm=.nan"], None), "not a finite number"),
    "params_threshold_inf": (lambda m: ([], "coverage:\n  attach_threshold_minilm: .inf\n"), "not a finite number"),
    "set_negative_count": (lambda m: (["--set", "coverage.k_neighbors=-1"], None), "coverage.k_neighbors = -1"),
    "params_negative_count": (lambda m: ([], "report:\n  max_table_rows: -5\n"), "report.max_table_rows = -5"),
    "set_bool_for_number": (lambda m: (["--set", "clean.min_words=yes"], None), "expected a whole number"),
    "set_unparsable_yaml": (lambda m: (["--set", "stance.actors='Ana Duarte"], None), "not valid YAML"),
    "set_comment_only": (lambda m: (["--set", "stance.actors=#1 Party"], None), "a # starts a comment"),
    "set_control_character": (lambda m: (["--set", 'stance.actors="Ana\\u0007 Duarte"'], None), "U+0007"),
    "set_old_sentinel_key": (lambda m: (["--set", "coverage.core_threshold=0"], None), "unknown parameter"),
    "params_duplicate_key": (lambda m: ([], "clean:\n  min_words: 60\n  min_words: 3\n"), "set twice"),
    "params_alias_bomb": (lambda m: ([], _alias_bomb()), "stance.actors = [["),
}


def _alias_bomb(depth: int = 6) -> str:
    """YAML whose anchors expand to 9**depth strings: the error must name it without expanding it."""
    levels = ["&a0 [" + ", ".join(["lol"] * 9) + "]"]
    levels += [f"&a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, depth + 1)]
    return "stance:\n  actors: [" + ", ".join(levels) + "]\n"


@pytest.mark.parametrize("name", sorted(PARAMETER_ATTACKS))
def test_bad_parameter_is_refused_before_any_stage(tmp_path: Path, name: str, stages_started: list[str],
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    from analysis import cli

    marker = tmp_path / "marker"
    make, fragment = PARAMETER_ATTACKS[name]
    extra, params_text = make(marker)
    if params_text is not None:
        (tmp_path / "params.yaml").write_text(params_text, encoding="utf-8")
        extra = [*extra, "--params", str(tmp_path / "params.yaml")]
    run_dir = tmp_path / "run"
    code = cli.main(["run", str(SEEDS), "--out", str(run_dir), "--quiet", *extra])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("newsreport: error: ") and "Traceback" not in err
    assert fragment in err and len(err) < 2000  # a bad value is quoted, abbreviated
    assert stages_started == [] and not marker.exists() and not run_dir.exists()


def test_text_that_looks_like_code_stays_text() -> None:
    """A plain string is passed as a string literal: the injected cell is assignments of constants only."""
    import ast

    from papermill.translators import PythonTranslator

    from analysis import cli, pipeline

    hostile = ['"; import os; os.system("touch marker") #', "\\\"; import os #", "'''", "{run_dir}"]
    overrides = cli._parse_set([f"stance.actors={_yaml_quoted(hostile[0])}",
                                f"stance.proposition={_yaml_quoted(hostile[1])}",
                                f"clean.scheduler={_yaml_quoted(hostile[2])}",
                                f"quotes.scheduler={_yaml_quoted(hostile[3])}"])
    params = pipeline.load_parameters(None, overrides)
    for stage, values in params.items():
        source = PythonTranslator.codify({"run_dir": "/tmp/run", **values})
        tree = ast.parse(source)
        for node in tree.body:
            assert isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant), ast.dump(node)
        namespace: dict = {}
        exec(compile(tree, f"<{stage} parameters>", "exec"), namespace)  # constants only, checked above
        assert {k: namespace[k] for k in values} == values
    assert params["stance"]["actors"] == hostile[0] and params["quotes"]["scheduler"] == "{run_dir}"


def test_params_yaml_records_the_values_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """params.yaml and .params.json hold the effective validated values: explicit per-method thresholds,
    numbers as the stage receives them, never a sentinel or a value the stage replaced."""
    import json

    import yaml

    from analysis import cli, config, pipeline
    from analysis.errors import PipelineError

    received: dict[str, dict] = {}

    def stop(notebook: Path, output: Path, parameters: dict, stage: str, **kwargs: object) -> None:
        received[stage] = parameters
        raise PipelineError("stopped by the test after the first stage's parameters")

    monkeypatch.setattr(pipeline, "_execute", stop)
    run_dir = tmp_path / "run"
    code = cli.main(["run", str(SEEDS), "--out", str(run_dir), "--quiet", "--set", "clean.max_file_mb=2",
                     "--set", "coverage.core_threshold_tfidf=0.25", "--set", "stance.actors="])
    assert code == 2
    recorded = yaml.safe_load((run_dir / "params.yaml").read_text(encoding="utf-8"))
    assert recorded == {"corpus": str(SEEDS.resolve()), **json.loads((run_dir / ".params.json").read_text())}
    assert recorded["clean"]["max_file_mb"] == 2.0 and type(recorded["clean"]["max_file_mb"]) is float
    assert recorded["coverage"]["core_threshold_tfidf"] == 0.25
    assert recorded["coverage"]["core_threshold_minilm"] == config.CoverageConfig().core_threshold_minilm
    assert all(v != 0 for k, v in recorded["coverage"].items() if "threshold" in k)  # no "0 = method default"
    assert received["clean"] == {"run_dir": str(run_dir.resolve()), "corpus": str(SEEDS.resolve()),
                                 **recorded["clean"]}
