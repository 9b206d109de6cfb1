"""``python -m analysis.config [--check]``: rewrite (or check) the notebooks' parameter cells from the configs."""

from __future__ import annotations

import argparse
import sys

from ..pipeline import NOTEBOOK_DIR, STAGES
from .render import sync_notebooks


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analysis.config", description=__doc__)
    parser.add_argument("--check", action="store_true", help="only list stale notebooks; exit 1 if any")
    args = parser.parse_args(argv)
    stale = sync_notebooks(NOTEBOOK_DIR, dict(STAGES), check=args.check)
    for name in stale:
        print(f"{'stale' if args.check else 'rewrote'} parameter cell: {NOTEBOOK_DIR / name}")
    return 1 if stale and args.check else 0


if __name__ == "__main__":
    sys.exit(main())
