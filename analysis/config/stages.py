"""The parameters of each stage: one frozen dataclass per stage, the single source of defaults.

Each field says its default, type, allowed range or choices and meaning (:func:`~analysis.config.fields.param`).
The notebooks' parameter cells, ``params.example.yaml`` and ``newsreport params`` are generated
from these classes (:mod:`analysis.config.render`); ``tests/test_config.py`` fails when they drift.

No sentinels: every value here is the value a stage uses. Where a method has its own scale (the
coverage thresholds are MiniLM cosines or TF-IDF overlaps), there is one field per method, and the
run records both and the method that was used.
"""

from __future__ import annotations

from dataclasses import dataclass

from .fields import param

_ENGINES = ("local", "dask")
_ENGINE_HELP = "where per-article work runs: local, or dask (a distributed cluster)"
_SCHEDULER_HELP = "dask scheduler address (tcp://host:8786); empty starts a local cluster"


@dataclass(frozen=True)
class CleanConfig:
    """Parameters of the clean stage (notebooks/01_clean.ipynb)."""

    min_words: int = param(40, "articles with fewer words after cleaning are rejected as too short", low=1)
    min_english_share: float = param(0.15, "minimum share of English function words; below it: rejected as not English",
                                     low=0.0, high=1.0)
    max_fragment_words: int = param(4, "body lines this short without closing punctuation are dropped as widget text",
                                    low=0)
    duplicate_threshold: float = param(0.8, "5-word-shingle Jaccard at or above which two articles are copies",
                                       low=0.0, high=1.0, low_open=True)
    max_file_mb: float = param(5.0, "larger files are rejected unread", low=0.0, high=1024.0, low_open=True)
    engine: str = param("local", _ENGINE_HELP, choices=_ENGINES)
    scheduler: str = param("", _SCHEDULER_HELP)


@dataclass(frozen=True)
class CoverageConfig:
    """Parameters of the coverage stage (notebooks/02_coverage.ipynb).

    The four claim-alignment thresholds exist once per method, because MiniLM cosines (centred)
    and TF-IDF word overlaps live on different scales; the stage uses the pair of the method it
    runs with (MiniLM when installed and ``use_embeddings``, else TF-IDF). Their defaults are the
    values chosen in :data:`analysis.coverage.FACT_THRESHOLDS` (a test keeps them equal).
    """

    use_embeddings: bool = param(True, "use MiniLM sentence embeddings when installed; "
                                       "false forces the TF-IDF fallback")
    core_threshold_minilm: float = param(0.45, "claim similarity (centred MiniLM cosine) to cluster into one fact when the learned "
                                         "pair model does not apply (sparse vectors); with MiniLM the model decides",
                                         low=0.0, high=1.0, low_open=True)
    core_threshold_tfidf: float = param(0.2, "claim similarity (TF-IDF cosine) to cluster into one fact",
                                        low=0.0, high=1.0, low_open=True)
    attach_threshold_minilm: float = param(0.4, "looser MiniLM similarity to attach a claim of another outlet "
                                                "as evidence when the learned pair model does not apply", low=0.0, high=1.0, low_open=True)
    attach_threshold_tfidf: float = param(0.17, "looser TF-IDF similarity to attach a claim of another outlet "
                                                "as evidence", low=0.0, high=1.0, low_open=True)
    conflict_threshold_minilm: float = param(0.45, "MiniLM similarity above which disagreeing claims are reported "
                                                   "as conflicts", low=0.0, high=1.0, low_open=True)
    conflict_threshold_tfidf: float = param(0.35, "TF-IDF similarity above which disagreeing claims are reported "
                                                  "as conflicts", low=0.0, high=1.0, low_open=True)
    theme_threshold_minilm: float = param(0.5, "MiniLM similarity at which two reported acts have the same object",
                                          low=0.0, high=1.0, low_open=True)
    theme_threshold_tfidf: float = param(0.34, "content-word overlap at which two reported acts have the same object "
                                               "(TF-IDF method)", low=0.0, high=1.0, low_open=True)
    k_neighbors: int = param(20, "candidate neighbours per claim (nearest-neighbour search, not all pairs)", low=1)
    steps_max_claims: int = param(5000, "the notebook's step-by-step view scores the candidate claim pairs again for "
                                         "the reviewer; above this many claims that view is skipped, as it would add "
                                         "the pair-scoring time a second time", low=0)
    doc_k_neighbors: int = param(15, "candidate neighbours per article for document similarity, above all_pairs_max "
                                     "articles", low=1)
    all_pairs_max: int = param(2000, "up to this many articles every article pair is scored in similarity.csv "
                                     "(n(n-1)/2 rows); above it only each article's doc_k_neighbors nearest, and "
                                     "outlet_similarity.csv gives every pair of outlets its mean", low=2)
    recheck_threshold_minilm: float = param(0.45, "a fact that looks unique or left out is searched for in every other "
                                                  "article; a claim this close (centred MiniLM cosine to the fact) "
                                                  "makes it 'possibly carried' instead", low=0.0, high=1.0, low_open=True)
    recheck_threshold_tfidf: float = param(0.2, "the same looser search bar for the TF-IDF method", low=0.0, high=1.0,
                                           low_open=True)
    copy_threshold: float = param(0.5, "narration 5-shingle Jaccard at which a sentence copies another (wire copy)",
                                  low=0.0, high=1.0, low_open=True)
    article_threshold: float = param(0.5, "shingle containment at which two articles are the same wire story",
                                     low=0.0, high=1.0, low_open=True)
    min_words: int = param(4, "claims shorter than this carry no fact and are skipped", low=1)
    subclauses: bool = param(True, "also use embedded clauses (relative, adverbial) as claims: a sentence can "
                                   "then carry several facts")
    heatmap_max: int = param(40, "above this many articles the heatmap aggregates by outlet", low=1)
    max_shared_rows: int = param(25, "shared facts drawn in the coverage figure", low=1)
    max_unique_rows: int = param(3, "unique facts drawn per outlet in the coverage figure", low=0)
    missed_min_share: float = param(0.6, "a fact carried by at least this share of outlets counts as widely shared",
                                    low=0.0, high=1.0, low_open=True)
    parse_cache: bool = param(True, "keep spaCy parses and sentence embeddings in the run folder (.cache/) so a rerun "
                                    "processes only new text")
    engine: str = param("local", _ENGINE_HELP, choices=_ENGINES)
    scheduler: str = param("", _SCHEDULER_HELP)

    def fact_thresholds(self, method: str) -> dict[str, float]:
        """The thresholds the stage uses with ``method`` (``"minilm"`` or ``"tfidf"``), keyed like
        :data:`analysis.coverage.FACT_THRESHOLDS`."""
        if method not in ("minilm", "tfidf"):
            raise ValueError(f"method {method!r} unknown; expected 'minilm' or 'tfidf'")
        return {k: float(getattr(self, f"{k}_threshold_{method}")) for k in ("core", "attach", "conflict", "theme")}


@dataclass(frozen=True)
class StanceConfig:
    """Parameters of the stance stage (notebooks/03_stance.ipynb)."""

    actors: str = param("", "comma-separated actor names to score; empty: the n_actors most-mentioned people and "
                            "organisations")
    n_actors: int = param(3, "how many actors to pick automatically when `actors` is empty", low=0, high=50)
    proposition: str = param("", "noun naming the central object to score (e.g. \"plan\"); empty: see find_proposition")
    find_proposition: bool = param(True, "when `proposition` is empty, find the central object automatically; "
                                         "false scores actors only")
    headline_weight: float = param(3.0, "weight of the headline section when mixing section scores",
                                   low=0.0, high=100.0)
    lede_weight: float = param(2.0, "weight of the lede (first two body sentences)", low=0.0, high=100.0)
    body_weight: float = param(1.0, "weight of the rest of the article", low=0.0, high=100.0)
    conditional_at: float = param(0.4, "conditionality at or above which a supportive article is labelled "
                                        "\"conditional\"", low=0.0, high=1.0)
    side_weight: float = param(0.5, "weight of clauses where an actor's side speaks (its country's seat, capital, "
                                    "state or ministry: \"the <seat> said\") relative to the actor's own; 0 turns the "
                                    "grouping off", low=0.0, high=1.0)
    portrayal: bool = param(True, "also score how each outlet's sentences portray each actor (needs the embeddings "
                                  "extra and the trained portrayal weights; skipped with a note otherwise)")
    portrayal_neutral_band: float = param(0.1, "portrayal scores within this distance of 0 are labelled neutral",
                                          low=0.0, high=1.0)
    portrayal_min_sentences: int = param(3, "fewer sentences behind an outlet's portrayal score are labelled "
                                            "\"too few\"", low=1)
    parse_cache: bool = param(True, "keep spaCy parses in the run folder (.cache/) so a rerun parses only new text")
    engine: str = param("local", _ENGINE_HELP, choices=_ENGINES)
    scheduler: str = param("", _SCHEDULER_HELP)

    def actor_names(self) -> list[str]:
        """The actor names of ``actors`` (empty list: pick automatically)."""
        return [a.strip() for a in self.actors.split(",") if a.strip()]

    def check(self) -> list[str]:
        """Problems that involve more than one field (empty when the combination is usable)."""
        problems = []
        if self.headline_weight + self.lede_weight + self.body_weight <= 0:
            problems.append("headline_weight, lede_weight and body_weight are all 0: at least one section must count")
        if not self.actor_names() and self.n_actors == 0 and not self.proposition and not self.find_proposition:
            problems.append("no target to score: actors is empty, n_actors = 0, proposition is empty and "
                            "find_proposition = false; name actors, allow n_actors, or a proposition")
        return problems


@dataclass(frozen=True)
class QuotesConfig:
    """Parameters of the quotes stage (notebooks/04_quotes.ipynb)."""

    reference_transcript: str = param("", "path to a text file with what was actually said (empty: the longest "
                                          "rendering is the reference)")
    include_cognition: bool = param(False, "also report beliefs, intentions and stances (\"X believes/hopes "
                                           "that ...\", \"X wants to ...\", \"X's decision to ...\", a headline "
                                           "\"X: ...\") as reported speech")
    use_embeddings: bool = param(True, "link translation variants by sentence meaning (MiniLM) when the extra "
                                       "is installed")
    semantic_threshold: float = param(0.76, "embedding cosine of the best-matching clauses or sentences at which "
                                            "two renderings are the same utterance in other words",
                                      low=0.0, high=1.0, low_open=True)
    cluster_threshold: float = param(0.75, "word-alignment similarity at which two renderings are the same utterance",
                                     low=0.0, high=1.0, low_open=True)
    reworded_floor: float = param(0.6, "fidelity below which a quoted rendering counts as paraphrase-in-quotes",
                                  low=0.0, high=1.0)
    top_speakers: int = param(12, "speakers shown in the who-gets-a-voice figure", low=1)
    max_clusters: int = param(20, "variant clusters shown with diffs (lowest fidelity first)", low=0)
    parse_cache: bool = param(True, "keep spaCy parses in the run folder (.cache/) so a rerun parses only new text")
    engine: str = param("local", _ENGINE_HELP, choices=_ENGINES)
    scheduler: str = param("", _SCHEDULER_HELP)


@dataclass(frozen=True)
class ReportConfig:
    """Parameters of the report stage (notebooks/05_report.ipynb)."""

    max_table_rows: int = param(500, "rows shown per table; longer tables are cut with a note naming the full file",
                                low=1)
    max_evidence: int = param(8, "quotations shown per evidence block; the rest stay in the run folder", low=1)
    max_matrix_facts: int = param(60, "facts drawn in the coverage grid figure, most widely carried first", low=1)
    stance_targets: int = param(3, "targets given their own stance table and figure, most covered first", low=1)
    overview_max_outlets: int = param(12, "outlets given their own row in 'Outlets at a glance'; the rest are "
                                          "pooled into one row", low=2)
    side_by_side_max_articles: int = param(25, "articles offered in the side-by-side picker (every pair's "
                                               "alignment is embedded in the page); above it, those carrying "
                                               "most facts", low=2)
    pdf_evidence: str = param("top", "evidence in report.pdf: top (the first blocks of each section opened, long "
                                     "tables left out), full (every block opened, every table), none (findings, "
                                     "tables and figures only)", choices=("top", "full", "none"))


#: stage name -> its parameters, in pipeline order
STAGE_CONFIGS: dict[str, type] = {
    "clean": CleanConfig,
    "coverage": CoverageConfig,
    "stance": StanceConfig,
    "quotes": QuotesConfig,
    "report": ReportConfig,
}

#: parameters the pipeline sets itself (not user parameters): stage -> {name: (example default, meaning)}
PIPELINE_PARAMETERS: dict[str, dict[str, tuple[str, str]]] = {
    "clean": {"run_dir": ("reports/seeds", "run folder this stage writes into"),
              "corpus": ("seeds", "folder of .txt/.html/.md articles (optional manifest.csv) or a "
                                  ".csv/.jsonl table")},
    "coverage": {"run_dir": ("reports/seeds",
                             "run folder written by the clean stage; this stage adds its tables")},
    "stance": {"run_dir": ("reports/seeds", "run folder written by the previous stages")},
    "quotes": {"run_dir": ("reports/seeds", "run folder written by the previous stages")},
    "report": {"run_dir": ("reports/seeds", "run folder written by the previous stages")},
}
