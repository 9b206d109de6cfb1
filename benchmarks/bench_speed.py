"""Speed of a small run: seeds cold (with and without embeddings), a no-change rerun, and rendering.

Each case runs ``newsreport run`` as a user would, in a subprocess, ``--repeat`` times (cold: the run
folder with its stage, parse and embedding caches is removed first, except for ``rerun``), and records
the median wall time, the per-stage seconds from ``provenance.json``, the peak resident memory of
the run (``/usr/bin/time -v``: the largest single process, the kernel included) and the 1-minute
load average before each run: the machine may be shared, so a figure without its load means little.

Cases
-----
embeddings   ``--force --format both`` (MiniLM in coverage, stance portrayal and quotes; HTML + PDF)
no_embed     ``--force --format html`` with every embedding switched off
rerun        the embeddings command again with nothing changed (stages and rendering reused)
fresh        as ``embeddings`` with ``NEWSREPORT_FRESH_KERNELS=1`` (one kernel per stage: the
             behaviour before the shared kernel, for comparison)

Usage: python benchmarks/bench_speed.py [--repeat 3] [--cases embeddings no_embed rerun fresh]
Writes ``benchmarks/speed_results.json`` (not a ``results_*`` file: these are not report figures).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEEDS = HERE.parent / "seeds"
OUT = HERE / "out" / "speed"
NO_EMBEDDINGS = ("coverage.use_embeddings=false", "quotes.use_embeddings=false", "stance.portrayal=false")


def _command(run_dir: Path, case: str) -> list[str]:
    cmd = [sys.executable, "-m", "analysis.cli", "run", str(SEEDS), "--out", str(run_dir), "--quiet"]
    if case == "no_embed":
        cmd += ["--force", "--format", "html"]
        for setting in NO_EMBEDDINGS:
            cmd += ["--set", setting]
    elif case == "rerun":
        cmd += ["--format", "both"]
    else:
        cmd += ["--force", "--format", "both"]
    return cmd


def time_once(run_dir: Path, case: str) -> dict[str, object]:
    """One timed run: wall seconds, peak RSS (MB), load before, stage seconds."""
    env = dict(os.environ)
    if case == "fresh":
        env["NEWSREPORT_FRESH_KERNELS"] = "1"
    else:
        env.pop("NEWSREPORT_FRESH_KERNELS", None)
    if case != "rerun":  # cold: no stage cache, no parse or embedding cache from an earlier repeat
        shutil.rmtree(run_dir, ignore_errors=True)
    load = os.getloadavg()[0]
    t0 = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-v", *_command(run_dir, case)], capture_output=True, text=True, env=env)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"{case}: newsreport failed:\n{proc.stderr[-2000:]}")
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr)
    # CPU seconds of the run and every process it waited for (the kernel included): far less
    # sensitive than wall time to other users' load on a shared machine
    cpu = sum(float(m) for m in re.findall(r"(?:User|System) time \(seconds\): ([\d.]+)", proc.stderr))
    record = json.loads((run_dir / "provenance.json").read_text(encoding="utf-8"))
    stages = {s["stage"]: s["seconds"] for s in record["stages"]}
    return {"wall_s": round(wall, 2), "cpu_s": round(cpu, 2), "peak_rss_mb": round(int(rss.group(1)) / 1024) if rss else None,
            "load_1min": round(load, 2), "stages_s": stages,
            "outside_stages_s": round(wall - sum(stages.values()), 2)}


def _tree_and_time() -> dict[str, object]:
    """When and on which tree the figures were taken (the tree may hold other people's uncommitted work)."""
    def git(*args: str) -> str:
        proc = subprocess.run(["git", *args], capture_output=True, text=True, cwd=HERE.parent)
        return proc.stdout.strip() if proc.returncode == 0 else "unknown"

    return {"utc": time.strftime("%Y-%m-%d %H:%M", time.gmtime()), "commit": git("rev-parse", "--short", "HEAD"),
            "uncommitted_files": len(git("status", "--porcelain", "--untracked-files=no").splitlines())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--cases", nargs="+", default=["embeddings", "no_embed", "rerun", "fresh"])
    args = parser.parse_args()
    results: dict[str, object] = {"cpus": os.cpu_count()}
    collected: dict[str, list[dict]] = {}
    for _ in range(args.repeat):  # cases interleaved, so each sees the same mix of other users' load
        for case in args.cases:
            run_dir = OUT / ("embeddings" if case == "rerun" else case)
            if case == "rerun" and not (run_dir / "provenance.json").exists():
                time_once(run_dir, "embeddings")  # something to rerun
            collected.setdefault(case, []).append(time_once(run_dir, case))
    for case, runs in collected.items():
        walls, cpus = [r["wall_s"] for r in runs], [r["cpu_s"] for r in runs]
        results[case] = {"median_wall_s": statistics.median(walls), "walls_s": walls,
                         "median_cpu_s": statistics.median(cpus), "cpu_s": cpus,
                         "loads_1min": [r["load_1min"] for r in runs],
                         "peak_rss_mb": max(r["peak_rss_mb"] or 0 for r in runs), "runs": runs,
                         "measured": _tree_and_time()}
        print(f"{case}: median {statistics.median(walls):.1f} s wall over {walls}, median CPU "
              f"{statistics.median(cpus):.1f} s (load {[r['load_1min'] for r in runs]}), "
              f"peak RSS {results[case]['peak_rss_mb']} MB", flush=True)
    path = HERE / "speed_results.json"
    previous = json.loads(path.read_text()) if path.exists() else {}
    previous.update(results)
    path.write_text(json.dumps(previous, indent=2) + "\n", encoding="utf-8")
    print(f"written {path}")


if __name__ == "__main__":
    main()
