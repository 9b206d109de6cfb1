"""Stage configs: one source of defaults (notebooks, example file and ``newsreport params`` are
generated from them and must match), and a validator that refuses every bad value with its name,
its value and the allowed range."""

from __future__ import annotations

import dataclasses
import datetime
import math
from pathlib import Path

import papermill as pm
import pytest
import yaml

from analysis import NewsreportError, cli, config, coverage, pipeline
from analysis.config import ParameterError, render

STAGES = [stage for stage, _ in pipeline.STAGES]


def test_configs_cover_every_stage_in_order() -> None:
    assert list(config.STAGE_CONFIGS) == STAGES


@pytest.mark.parametrize("stage", STAGES)
def test_every_parameter_is_declared_completely(stage: str) -> None:
    for p in config.parameters(stage):
        assert p.kind in (bool, int, float, str), p
        assert type(p.default) is p.kind, f"{stage}.{p.name}: default {p.default!r} is not {p.kind.__name__}"
        assert p.help and "\n" not in p.help and "=" not in p.help, p  # one line; papermill skips a second '='
        if p.kind in (int, float):
            assert p.spec.low is not None, f"{stage}.{p.name}: a number needs a lower bound"
        # the default itself is allowed
        assert config.validate(stage, {p.name: p.default}) == config.STAGE_CONFIGS[stage]()


@pytest.mark.parametrize("stage", STAGES)
def test_notebook_parameter_cell_is_generated_from_the_config(stage: str) -> None:
    notebook = pipeline.NOTEBOOK_DIR / dict(pipeline.STAGES)[stage]
    assert render.notebook_parameters_cell(notebook) == render.parameters_cell(stage), \
        f"{notebook.name}: parameter cell differs from analysis/config: run `python -m analysis.config`"


@pytest.mark.parametrize("stage", STAGES)
def test_papermill_reads_the_config_from_the_notebook(stage: str) -> None:
    # what `papermill --help-notebook` shows reviewers: every parameter, its default and meaning
    notebook = pipeline.NOTEBOOK_DIR / dict(pipeline.STAGES)[stage]
    seen = pm.inspect_notebook(str(notebook))
    declared = {p.name: p for p in config.parameters(stage)}
    assert list(seen) == [*config.PIPELINE_PARAMETERS[stage], *declared]
    for name, p in declared.items():
        assert yaml.safe_load(seen[name]["default"].replace("True", "true").replace("False", "false")) == p.default
        assert seen[name]["inferred_type_name"] == p.kind.__name__
        assert seen[name]["help"].startswith(p.help)


def test_example_parameter_file_is_generated_from_the_configs() -> None:
    committed = (pipeline.PROJECT_DIR / "params.example.yaml").read_text(encoding="utf-8")
    assert committed.strip() == pipeline.example_parameters_yaml().strip(), \
        "params.example.yaml is stale: run `newsreport params > params.example.yaml`"
    assert yaml.safe_load(committed) == config.defaults()
    assert pipeline.load_parameters(pipeline.PROJECT_DIR / "params.example.yaml") == config.defaults()


def test_params_command_prints_the_example_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["params"]) == 0
    assert yaml.safe_load(capsys.readouterr().out) == config.defaults()


@pytest.mark.parametrize("method", ["minilm", "tfidf"])
def test_coverage_thresholds_default_to_the_chosen_values(method: str) -> None:
    # the values chosen (and documented) in coverage.FACT_THRESHOLDS; explicit per method, no 0 sentinel
    assert config.CoverageConfig().fact_thresholds(method) == coverage.FACT_THRESHOLDS[method]


def test_configs_are_frozen() -> None:
    cfg = config.validate("clean", {"min_words": 60})
    with pytest.raises(dataclasses.FrozenInstanceError):
        cfg.min_words = 3  # type: ignore[misc]


def test_int_is_accepted_as_float_and_stored_as_float() -> None:
    cfg = config.validate("clean", {"max_file_mb": 2})
    assert cfg.max_file_mb == 2.0 and type(cfg.max_file_mb) is float


_HUGE = "x" * (config.MAX_TEXT + 1)


@pytest.mark.parametrize("stage, key, value, fragment", [
    ("coverage", "core_threshold_minilm", 5, "out of range"),
    ("coverage", "core_threshold_tfidf", 0.0, "out of range"),  # 0 is no longer "the method default"
    ("coverage", "core_threshold_minilm", -1, "out of range"),
    ("coverage", "core_threshold_minilm", math.nan, "not a finite number"),
    ("coverage", "attach_threshold_minilm", math.inf, "not a finite number"),
    ("clean", "max_file_mb", -math.inf, "not a finite number"),
    ("coverage", "k_neighbors", -1, "out of range"),
    ("coverage", "k_neighbors", 0, "out of range"),
    ("coverage", "k_neighbors", 10 ** 30, "out of range"),
    ("report", "max_table_rows", -5, "out of range"),
    ("clean", "min_words", 2.5, "expected a whole number"),
    ("clean", "min_words", "40", "expected a whole number"),
    ("clean", "min_words", True, "got true/false"),
    ("coverage", "use_embeddings", "yes", "expected true or false"),
    ("coverage", "use_embeddings", 1, "expected true or false"),
    ("stance", "actors", 2024, "put the text in quotes"),
    ("stance", "actors", False, "put the text in quotes"),
    ("stance", "actors", None, "nothing (null)"),
    ("stance", "actors", b"Ana", "bytes"),
    ("stance", "actors", {"Ana"}, "set"),
    ("stance", "actors", ["Ana", "Bo"], "list"),
    ("stance", "actors", {"a": {"b": 1}}, "dict"),
    ("stance", "actors", datetime.date(2025, 3, 13), "date"),
    ("stance", "actors", "Ana\nimport os", "U+000A"),
    ("stance", "proposition", "plan\u202e", "U+202E"),
    ("stance", "actors", _HUGE, "characters"),
    ("clean", "engine", "spark", "one of 'local', 'dask'"),
])
def test_bad_values_are_refused_with_key_value_and_range(stage: str, key: str, value: object, fragment: str) -> None:
    with pytest.raises(ParameterError) as info:
        config.validate(stage, {key: value})
    message = str(info.value)
    assert f"{stage}.{key} = " in message and fragment in message and "allowed: " in message
    assert config.fields.show(value) in message  # the bad value is quoted (cut when long)
    assert isinstance(info.value, NewsreportError) and isinstance(info.value, ValueError)


def test_unknown_key_and_stage_name_the_valid_ones() -> None:
    with pytest.raises(ParameterError, match=r"unknown parameter coverage.core_threshold \(did you mean"):
        config.validate("coverage", {"core_threshold": 0.4})
    with pytest.raises(ParameterError, match=r"unknown stage 'cleaning'; stages are \['clean'"):
        config.resolve([("my.yaml", {"cleaning": {"min_words": 3}})])


def test_stance_weights_cannot_all_be_zero() -> None:
    with pytest.raises(ParameterError, match="at least one section must count"):
        config.validate("stance", {"headline_weight": 0, "lede_weight": 0, "body_weight": 0.0})
    assert config.validate("stance", {"headline_weight": 0, "lede_weight": 0}).body_weight == 1.0


def test_stance_needs_something_to_score() -> None:
    nothing = {"actors": " , ", "n_actors": 0, "proposition": "", "find_proposition": False}
    with pytest.raises(ParameterError, match="no target to score"):
        config.validate("stance", nothing)
    assert config.validate("stance", {**nothing, "proposition": "plan"}).proposition == "plan"


def test_later_layers_win_and_errors_name_their_source() -> None:
    configs = config.resolve([("a.yaml", {"clean": {"min_words": 60, "max_file_mb": 1}}),
                              ("--set", {"clean": {"min_words": 70}})])
    assert (configs["clean"].min_words, configs["clean"].max_file_mb) == (70, 1.0)
    assert configs["report"] == config.ReportConfig()
    with pytest.raises(ParameterError, match=r"^--set: clean.min_words = -3: out of range"):
        config.resolve([("a.yaml", {"clean": {"min_words": 60}}), ("--set", {"clean": {"min_words": -3}})])


def test_stance_proposition_is_explicit() -> None:
    # "auto" is an ordinary noun now (a story about the auto industry can score it)
    cfg = config.validate("stance", {"proposition": "auto"})
    assert cfg.proposition == "auto" and cfg.find_proposition
    assert config.validate("stance", {}).proposition == ""
    assert config.validate("stance", {"actors": " Ana Duarte, ,Bo Li "}).actor_names() == ["Ana Duarte", "Bo Li"]


def test_run_folder_params_file_can_be_passed_back(tmp_path: Path) -> None:
    # a run folder's params.yaml records the corpus beside the stages; passing it back reruns the same values
    recorded = {"corpus": "/data/corpus", **config.defaults()}
    recorded["coverage"]["core_threshold_minilm"] = 0.5
    path = tmp_path / "params.yaml"
    path.write_text(yaml.safe_dump(recorded), encoding="utf-8")
    assert pipeline.load_parameters(path)["coverage"]["core_threshold_minilm"] == 0.5


def test_reference_transcript_must_exist_and_is_made_absolute(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ParameterError, match="quotes.reference_transcript = 'said.txt': no such file"):
        pipeline.load_parameters(None, {"quotes": {"reference_transcript": "said.txt"}})
    (tmp_path / "said.txt").write_text("We will talk next week.", encoding="utf-8")
    params = pipeline.load_parameters(None, {"quotes": {"reference_transcript": "said.txt"}})
    # the stage notebook runs in the project folder, so a relative path would point elsewhere
    assert params["quotes"]["reference_transcript"] == str(tmp_path / "said.txt")
    (tmp_path / "said.png").write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe")
    with pytest.raises(ParameterError, match="'said.png': not a readable UTF-8 text file"):
        pipeline.load_parameters(None, {"quotes": {"reference_transcript": "said.png"}})


#: (stage, function, parameter) whose library default differs from the pipeline's on purpose
_LIBRARY_DEFAULTS = {
    # a Python caller of quotes.run gets the fast lexical clustering unless it asks for MiniLM; the
    # pipeline always passes the config's value (true: MiniLM when installed)
    ("quotes", "run", "use_embeddings"),
}


def _stage_entry_points() -> dict[str, list]:
    from analysis import clean, corpus, quotes, stance

    return {"clean": [clean.clean_corpus, corpus.read_corpus],
            "coverage": [coverage.run, coverage.syndication],
            "stance": [stance.find_targets, stance.score_stance],
            "quotes": [quotes.run, quotes.extract_corpus, quotes.score_fidelity]}


@pytest.mark.parametrize("stage", ["clean", "coverage", "stance", "quotes"])
def test_stage_function_defaults_equal_the_config(stage: str) -> None:
    """A keyword a stage function shares with its config has the config's default (same type only:
    ``engine=None`` means "this process", the config's ``"local"``), so library callers and the
    pipeline get the same method."""
    import inspect

    wanted = config.defaults()[stage]
    drift = []
    for func in _stage_entry_points()[stage]:
        for name, p in inspect.signature(func).parameters.items():
            if name in wanted and type(p.default) is type(wanted[name]) and p.default != wanted[name] \
                    and (stage, func.__name__, name) not in _LIBRARY_DEFAULTS:
                drift.append(f"{func.__module__}.{func.__name__}({name}={p.default!r}) vs config {wanted[name]!r}")
    assert drift == []


def test_quote_cluster_thresholds_default_to_the_config() -> None:
    from analysis.quotes import ClusterThresholds

    cfg, thr = config.QuotesConfig(), ClusterThresholds()
    assert (thr.threshold, thr.semantic_threshold) == (cfg.cluster_threshold, cfg.semantic_threshold)


def test_coverage_uses_the_thresholds_it_is_given() -> None:
    """The stage records the thresholds it used; an explicit value is used as given, 0 included
    (it used to mean "the method default", so the run recorded one value and used another)."""
    import pandas as pd

    texts = {"a": "The council approved the bridge plan on Monday.\nThe vote was nine to four.",
             "b": "Councillors approved the bridge plan on Monday.\nWork will begin in the autumn."}
    arts = pd.DataFrame([{"article_id": k, "outlet": f"Outlet {k}", "clean_text": t} for k, t in texts.items()])
    sents = pd.DataFrame([{"article_id": k, "sent_id": f"{k}:s{i}", "start": t.index(line),
                           "end": t.index(line) + len(line), "text": line, "section": "headline" if i == 0 else "body"}
                          for k, t in texts.items() for i, line in enumerate(t.split("\n"))])
    given = {"core_threshold": 0.0, "attach_threshold": 0.3, "conflict_threshold": 0.9, "theme_threshold": 0.25,
             "recheck_threshold": 0.15}
    result = coverage.run(arts, sents, use_embeddings=False, **given)
    assert result.thresholds == {k.removesuffix("_threshold"): v for k, v in given.items()}


def test_report_methods_print_the_thresholds_used() -> None:
    from analysis import report

    summary = {"method": "tfidf", "thresholds": config.CoverageConfig().fact_thresholds("tfidf")}
    html = report.methods_html({"coverage": summary}, {"coverage": config.defaults()["coverage"]},
                               descriptions={"coverage": "Matches facts."})
    assert "Thresholds used in this run:</strong> attach = 0.17; conflict = 0.35; core = 0.2; theme = 0.34" in html
    assert "core_threshold_tfidf = 0.2" in html and "core_threshold = 0" not in html


def test_engine_flags_are_validated_and_win_over_set() -> None:
    params = pipeline.load_parameters(None, {"clean": {"engine": "local"}}, engine="dask",
                                      scheduler="tcp://10.0.0.5:8786")
    assert {s: v.get("engine") for s, v in params.items()} == {"clean": "dask", "coverage": "dask", "stance": "dask",
                                                               "quotes": "dask", "report": None}
    with pytest.raises(ParameterError, match=r"^--engine/--scheduler: clean.scheduler = 'tcp://x\\n'"):
        pipeline.load_parameters(None, engine="dask", scheduler="tcp://x\n")
