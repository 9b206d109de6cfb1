"""Run every method benchmark here and exit non-zero if any falls below its pinned floor.

bench_scale.py is left out (it runs the whole pipeline on up to thousands of articles); run it on
its own: ``make bench-scale``.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    failed = []
    for script in sorted(p for p in HERE.glob("bench_*.py") if p.name != "bench_scale.py"):
        print(f"== {script.name}", flush=True)
        if subprocess.run([sys.executable, str(script)], check=False).returncode != 0:
            failed.append(script.name)
    if failed:
        print(f"below floor or failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
