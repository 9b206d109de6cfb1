"""Scale: wall time and peak memory of every stage at growing corpus sizes, and the growth exponent.

Corpora are assembled at run time from the labelled news texts in ../shared/eval/ (GGT, BASIL,
PolNeAR, SemEval — about 640 distinct articles, never copied into the repository). Beyond that
many, articles are recombined from paragraphs of different source articles (seeded), so that
larger corpora keep realistic overlap without being duplicates.

For each size the whole pipeline runs through papermill exactly as ``newsreport run`` does, cold:
the run folder and its parse/embedding caches are removed first. Peak
memory is the highest resident set size of the notebook kernel (plus its children) sampled every
0.1 s while the stage runs. The exponent k of time ∝ n^k is a least-squares fit on log-log axes.

``--real`` instead takes distinct real articles from all four sources in turn, each cut to about
1,000 characters: a many-topic corpus (unrelated events), which stresses the cross-article steps
differently from recombined copies of a few stories.

``--add 10`` then adds ten new articles to each corpus and runs again without ``--force``: every
stage reruns (the corpus changed) but the run folder's caches (parses, embeddings, and the
per-article results of :mod:`analysis.derived`) hold the first n articles, so only the new ones
are parsed, embedded and read; the cross-article steps run in full (the issue's "rerun adding 10
articles to a cached 1,000"). Its figures go to ``results_scale_<label>_add.json`` (wall time,
stages, peak, and the 1-minute load when the rerun started).

``--reuse`` keeps an existing run folder: the first run of each size is then a rerun with its
caches (timed, after whatever code changed since), so ``--reuse --add 10`` re-measures "+10 to a
cached 1,000" without the cold run.

``--record-as NAME`` writes the figures to ``results_NAME.json`` (and ``results_NAME_add.json``)
instead, so a one-off run (5,000 articles, or one taken under load) does not replace the figures
the README quotes.

Usage: python benchmarks/bench_scale.py [--sizes 50 200 1000] [--no-embeddings] [--engine dask] [--real] [--add 10]
       [--reuse] [--record-as NAME]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
sys.path.insert(0, str(HERE))
from _record import record  # noqa: E402


def eval_texts(eval_dir: Path) -> list[tuple[str, str, str]]:
    """(id, outlet, text) of every distinct article in the eval data."""
    seen, out = set(), []

    def add(aid: str, outlet: str, text: str) -> None:
        key = text[:200]
        if text and key not in seen and len(text.split()) >= 80:
            seen.add(key)
            out.append((aid, outlet, text))

    for name in ("ggt_quotes_dev.jsonl", "basil_dev.jsonl", "polnear_dev.jsonl"):
        path = eval_dir / name
        if path.exists():
            for i, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
                rec = json.loads(line)
                add(f"{name.split('_')[0]}{i:04d}", rec.get("outlet") or rec.get("publisher") or name, rec["text"])
    semeval = eval_dir / "semeval2022_en_dev.csv"
    if semeval.exists():
        import pandas as pd

        df = pd.read_csv(semeval)
        for i, row in df.iterrows():
            for col in ("text1", "text2"):
                add(f"semeval{i:04d}{col[-1]}", "semeval", str(row[col]))
    return out


def build_corpus(texts: list[tuple[str, str, str]], n: int, out_dir: Path, *, seed: int = 11) -> Path:
    import shutil

    rng = random.Random(seed)
    shutil.rmtree(out_dir, ignore_errors=True)  # no articles left from an earlier --add
    out_dir.mkdir(parents=True, exist_ok=True)
    paragraphs = [p for _, _, t in texts for p in t.split("\n\n") if len(p.split()) >= 15]
    rows = ["file,outlet,url,date,title"]
    for i in range(n):
        if i < len(texts):
            _, outlet, text = texts[i]
        else:
            outlet = f"Mixed {i % 23:02d}"
            text = "\n\n".join(rng.sample(paragraphs, k=rng.randint(5, 14)))
        name = f"a{i:05d}.txt"
        (out_dir / name).write_text(text, encoding="utf-8")
        rows.append(f"{name},\"{outlet}\",,2024-01-{1 + i % 28:02d},")
    (out_dir / "manifest.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return out_dir


def short_article(text: str, max_chars: int = 1000) -> str:
    """The article's opening up to ``max_chars``, cut after the last full sentence (or word)."""
    if len(text) <= max_chars:
        return text.strip()
    head = text[:max_chars]
    cut = max(head.rfind(". "), head.rfind(".\n"), head.rfind('." '))
    return (head[:cut + 1] if cut > max_chars // 2 else head.rsplit(" ", 1)[0]).strip()


def build_real_corpus(texts: list[tuple[str, str, str]], n: int, out_dir: Path) -> Path:
    """``n`` distinct real articles on many topics, each shortened to about 1,000 characters.

    Sources are interleaved (GGT, BASIL, PolNeAR, SemEval in turn), so the corpus mixes unrelated
    events the way a real many-topic collection does; nothing is recombined or repeated.
    """
    by_source: dict[str, list[tuple[str, str, str]]] = {}
    for item in texts:
        by_source.setdefault(item[0].rstrip("0123456789ab"), []).append(item)
    queues = list(by_source.values())
    picked: list[tuple[str, str, str]] = []
    while len(picked) < n and any(queues):
        for queue in queues:
            if queue and len(picked) < n:
                aid, outlet, text = queue.pop(0)
                picked.append((aid, outlet, short_article(text)))
    return build_corpus(picked, len(picked), out_dir)


def add_articles(texts: list[tuple[str, str, str]], corpus_dir: Path, k: int, *, real: bool) -> None:
    """Add ``k`` articles the corpus does not hold yet (files and manifest rows)."""
    manifest = corpus_dir / "manifest.csv"
    rows = manifest.read_text(encoding="utf-8").splitlines()
    n = len(rows) - 1
    have = {p.read_text(encoding="utf-8") for p in corpus_dir.glob("*.txt")}
    rng = random.Random(1000 + n)
    paragraphs = [p for _, _, t in texts for p in t.split("\n\n") if len(p.split()) >= 15]
    fresh = [(o, short_article(t) if real else t) for _, o, t in texts]
    fresh = [(o, t) for o, t in fresh if t not in have]
    for i in range(n, n + k):
        if fresh:
            outlet, text = fresh.pop(0)
        else:
            outlet, text = f"Mixed {i % 23:02d}", "\n\n".join(rng.sample(paragraphs, k=rng.randint(5, 14)))
        name = f"a{i:05d}.txt"
        (corpus_dir / name).write_text(text, encoding="utf-8")
        rows.append(f"{name},\"{outlet}\",,2024-01-{1 + i % 28:02d},")
    manifest.write_text("\n".join(rows) + "\n", encoding="utf-8")


class PeakRSS:
    """Highest RSS (MB) of this process's children while the context is open."""

    def __init__(self) -> None:
        import psutil

        self._proc = psutil.Process()
        self.peak_mb = 0.0
        self._stop = threading.Event()

    def _poll(self) -> None:
        import psutil

        while not self._stop.is_set():
            total = 0
            for child in self._proc.children(recursive=True):
                try:
                    total += child.memory_info().rss
                except psutil.Error:
                    pass
            self.peak_mb = max(self.peak_mb, total / 1e6)
            self._stop.wait(0.1)

    def __enter__(self) -> "PeakRSS":
        self._thread = threading.Thread(target=self._poll, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def run_size(corpus_dir: Path, run_dir: Path, overrides: dict, engine: str | None, *, cold: bool = True) -> list[dict]:
    """Time one run, cold by default: the run folder, with its parse and embedding caches, is removed first."""
    import shutil

    from analysis import pipeline

    if cold:
        shutil.rmtree(run_dir, ignore_errors=True)
    rows = []
    original = pipeline._execute

    def timed(notebook, output, parameters, stage, **kwargs):  # type: ignore[no-untyped-def]
        with PeakRSS() as mem:
            t0 = time.perf_counter()
            original(notebook, output, parameters, stage, **kwargs)
            seconds = time.perf_counter() - t0
        rows.append({"stage": stage, "seconds": seconds, "peak_mb": mem.peak_mb})

    pipeline._execute = timed
    try:
        pipeline.run(corpus_dir, run_dir, overrides=overrides, force=cold, engine=engine, log=None)
    finally:
        pipeline._execute = original
    return rows


def exponent(sizes: list[int], seconds: list[float]) -> float:
    xs = [math.log(n) for n in sizes]
    ys = [math.log(max(s, 1e-3)) for s in seconds]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    var = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / var if var else float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[50, 200, 1000])
    parser.add_argument("--eval-dir", default=str(HERE.parents[1] / "shared" / "eval"))
    parser.add_argument("--no-embeddings", action="store_true", help="switch embeddings off in every stage")
    parser.add_argument("--engine", choices=("local", "dask"), default=None)
    parser.add_argument("--add", type=int, default=0, metavar="K",
                        help="after each cold run, add K new articles and rerun with the caches")
    parser.add_argument("--reuse", action="store_true",
                        help="keep an existing run folder: the first run is a rerun with its caches, not cold")
    parser.add_argument("--record-as", default=None, metavar="NAME",
                        help="record in results_NAME.json instead of results_scale_<label>.json")
    parser.add_argument("--real", action="store_true",
                        help="distinct real articles on many topics, each cut to ~1,000 characters "
                             "(at most as many as the eval data holds), instead of recombined copies")
    args = parser.parse_args()
    from analysis import pipeline

    texts = eval_texts(Path(args.eval_dir))
    if not texts:
        print(f"no eval data under {args.eval_dir}", file=sys.stderr)
        return 2
    overrides: dict = {}
    if args.no_embeddings:
        for stage, values in pipeline.default_parameters().items():
            if "use_embeddings" in values:
                overrides.setdefault(stage, {})["use_embeddings"] = False
    label = ("real_" if args.real else "") + ("no-embeddings" if args.no_embeddings else "embeddings")
    results: dict[int, list[dict]] = {}
    added: dict[str, float] = {}
    load = os.getloadavg()[0]  # 1-minute load before the first run: a shared machine stretches every time
    for n in args.sizes:
        corpus_dir = (build_real_corpus(texts, n, OUT / f"corpus_real_{n}") if args.real
                      else build_corpus(texts, n, OUT / f"corpus_{n}"))
        rows = run_size(corpus_dir, OUT / f"run_{n}_{label}", overrides, args.engine, cold=not args.reuse)
        results[n] = rows
        total = sum(r["seconds"] for r in rows)
        if args.real:
            import pandas as pd

            sentences = pd.read_csv(OUT / f"run_{n}_{label}" / "data" / "sentences.csv", usecols=["article_id"])
            print(f"real corpus: {len(list(corpus_dir.glob('*.txt')))} articles, {len(sentences)} sentences")
        print(f"n={n:>5}  total {total:7.1f} s  peak {max(r['peak_mb'] for r in rows):6.0f} MB  " +
              "  ".join(f"{r['stage']} {r['seconds']:.1f}s/{r['peak_mb']:.0f}MB" for r in rows), flush=True)
        if args.add:
            added.update(rerun_adding(texts, corpus_dir, OUT / f"run_{n}_{label}", n, args, overrides))
    stages = [r["stage"] for r in results[args.sizes[0]]]
    figures: dict[str, float] = {}
    print(f"\nscale ({label}, engine {args.engine or 'local'})  sizes {args.sizes}")
    print("| stage | " + " | ".join(f"n={n} s (MB)" for n in args.sizes) + " | exponent k |")
    print("|---|" + "---|" * (len(args.sizes) + 1))
    for stage in stages + ["total"]:
        secs = [sum(r["seconds"] for r in results[n] if stage in ("total", r["stage"])) for n in args.sizes]
        mems = [max(r["peak_mb"] for r in results[n] if stage in ("total", r["stage"])) for n in args.sizes]
        k = exponent(args.sizes, secs) if len(args.sizes) > 1 else float("nan")
        print(f"| {stage} | " + " | ".join(f"{s:.1f} ({m:.0f})" for s, m in zip(secs, mems)) + f" | {k:.2f} |")
        for n, sec, mem in zip(args.sizes, secs, mems):
            figures[f"{stage}_n{n}_seconds"] = round(sec, 1)
            figures[f"{stage}_n{n}_peak_mb"] = round(mem)
        if len(args.sizes) > 1:
            figures[f"{stage}_exponent"] = round(k, 2)
    figures["load_1min_start"] = round(load, 2)
    engine_label = "" if (args.engine or "local") == "local" else f"_{args.engine}"
    # a rerun with caches is not a cold run: by default its figures do not replace the cold ones
    name = args.record_as or f"scale_{label.replace('-', '_')}{engine_label}{'_reuse' if args.reuse else ''}"
    print("recorded in", record(name, figures))
    if added:
        print("recorded in", record(f"{name}_add", added))
    return 0


def rerun_adding(texts: list[tuple[str, str, str]], corpus_dir: Path, run_dir: Path, n: int,
                 args: argparse.Namespace, overrides: dict) -> dict[str, float]:
    """Add ``args.add`` articles to the corpus and rerun with the run folder's caches; the figures."""
    add_articles(texts, corpus_dir, args.add, real=args.real)
    load = os.getloadavg()[0]
    t0 = time.perf_counter()
    more = run_size(corpus_dir, run_dir, overrides, args.engine, cold=False)
    wall = time.perf_counter() - t0
    print(f"n={n:>5} +{args.add}  wall {wall:7.1f} s  stages "
          f"{sum(r['seconds'] for r in more):7.1f} s  peak {max(r['peak_mb'] for r in more):6.0f} MB  load {load:.2f}  " +
          "  ".join(f"{r['stage']} {r['seconds']:.1f}s/{r['peak_mb']:.0f}MB" for r in more), flush=True)
    prefix = f"add{args.add}_n{n}"
    out = {f"{prefix}_wall_seconds": round(wall, 1), f"{prefix}_peak_mb": round(max(r["peak_mb"] for r in more)),
           f"{prefix}_load_1min_start": round(load, 2)}
    out.update({f"{prefix}_{r['stage']}_seconds": round(r["seconds"], 1) for r in more})
    return out


if __name__ == "__main__":
    raise SystemExit(main())
