"""One notebook kernel kept alive across a run's stages, so start-up is paid once.

Each stage notebook still runs through papermill and is written executed, as before; what changes
is that the five notebooks share one IPython kernel. Importing pandas, spaCy, torch and
sentence-transformers and loading the models (``analysis.nlp`` keeps them in ``lru_cache``) took
most of a small run's time when every stage started a fresh kernel (see ``benchmarks/README.md``).

Stages stay independent: before every stage but the first, the kernel's user namespace is cleared
(``InteractiveShell.reset``, which also restarts the execution counter at 1, so executed notebooks
number their cells as a fresh kernel would), open figures are closed and pandas display options
are put back to their defaults. What survives is imported modules and the models cached in them,
which are read-only for the stages.

``NEWSREPORT_FRESH_KERNELS=1`` restores one kernel per stage (for comparison and as a way out).
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

from .errors import PipelineError

#: run in the kernel before a stage other than the first: what a fresh kernel would not have is cleared
#: Garbage collection: IPython's ``reset`` runs a full collection before it clears the namespace
#: and we need one after; each scanned every object of the loaded libraries and models (~0.1-0.3 s
#: a time, twice per stage). So ``reset``'s own collection is skipped and, after ours, the survivors
#: (modules, cached models) are frozen: the stage's automatic collections no longer scan them. They
#: are unfrozen before the next reset's collection, so nothing a stage drops stays uncollected.
RESET_CODE = """\
def _newsreport_reset():
    import gc, sys, warnings
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")
    if "pandas" in sys.modules:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sys.modules["pandas"].reset_option("all")
    gc.unfreeze()
    collect, gc.collect = gc.collect, lambda *args, **kwargs: 0
    try:
        get_ipython().reset(new_session=True)
    finally:
        gc.collect = collect
    # reset empties __main__, __spec__ included, and multiprocessing's spawn reads it: without it the
    # parse worker processes of a later stage fail (an interactive __main__ has __spec__ = None)
    get_ipython().user_ns.setdefault("__spec__", None)
    gc.collect()
    gc.freeze()
_newsreport_reset()
"""


#: Garbage-collector thresholds of the kernel (set before the first stage) and of the CLI process:
#: a full collection after 100 rather than 10 collections of the middle generation. While the
#: libraries are imported the heap keeps growing and every full collection scanned all of it;
#: on the seeds without embeddings (load 7-9) the kernel spent 3.2 s in the collector, 2.1 s with
#: this (most of it the four collections at the resets), the CLI 0.5 s -> 0.3 s, the renderer
#: 0.6 s -> 0.2 s. Young objects are still collected as often as before.
GC_THRESHOLD = (700, 10, 100)
SETUP_CODE = f"__import__('gc').set_threshold{GC_THRESHOLD}"

#: the kernel argument nbclient adds when it starts a kernel itself (no history database on disk)
HISTORY_IN_MEMORY = "--HistoryManager.hist_file=:memory:"


def fresh_kernels() -> bool:
    """True when the environment asks for one kernel per stage (``NEWSREPORT_FRESH_KERNELS=1``)."""
    return os.environ.get("NEWSREPORT_FRESH_KERNELS", "") not in ("", "0")


class KernelSession:
    """A kernel manager handed to papermill for every stage of one run.

    nbclient starts the kernel on the first stage and, since it does not own the manager, leaves
    it running; :meth:`manager` resets it before each later stage; :meth:`close` shuts it down.
    """

    def __init__(self, run_dir: Path) -> None:
        self.run_dir = Path(run_dir)
        self.km: Any = None
        self.stages = 0

    def prestart(self) -> None:
        """Launch the kernel process now, before the first stage's notebook is read and papermill
        imported: the kernel boots (python, ipykernel: ~1 s) on the other core meanwhile. Called
        only when a stage is about to run, so a rerun that reuses every stage starts no kernel."""
        if self.km is None and self.stages == 0:
            self.km = _new_manager(self.run_dir / "notebooks" / ".kernel.json")
            # as nbclient would start it: the run folder as working folder, history in memory
            asyncio.run(self.km.start_kernel(cwd=str(self.run_dir), extra_arguments=[HISTORY_IN_MEMORY]))

    def manager(self) -> Any:
        """The kernel manager for the next stage: a new one, the prestarted one, or the running
        kernel, reset."""
        if self.stages == 0 and self.km is not None and self.km.has_kernel:
            self._run_silently(SETUP_CODE, "set up")  # prestarted, nothing has run in it yet
        elif self.km is not None and self.km.has_kernel and _alive(self.km):
            self._run_silently(RESET_CODE, "reset")
        else:
            self.close()
            self.km = _new_manager(self.run_dir / "notebooks" / ".kernel.json")
        self.stages += 1
        return self.km

    def _run_silently(self, code: str, what: str) -> None:
        """Run ``code`` in the kernel without output, history or execution count."""
        kc = self.km.blocking_client()
        kc.start_channels()
        try:
            kc.wait_for_ready(timeout=60)
            reply = kc.execute_interactive(code, silent=True, store_history=False, timeout=120)
        finally:
            kc.stop_channels()
        if reply["content"].get("status") != "ok":
            raise PipelineError(f"could not {what} the notebook kernel between stages: {reply['content']}")

    def close(self) -> None:
        """Shut the kernel down (also after a failed stage)."""
        if self.km is not None and self.km.has_kernel:
            asyncio.run(self.km.shutdown_kernel(now=True))
        self.km = None


def _new_manager(connection_file: Path) -> Any:
    from jupyter_client.manager import AsyncKernelManager

    # IPC transport: no unencrypted-TCP warning and no shutdown stall (TOOLCHAIN.md)
    return AsyncKernelManager(kernel_name="python3", transport="ipc", connection_file=str(connection_file))


def _alive(km: Any) -> bool:
    try:
        return bool(asyncio.run(km.is_alive()))
    except RuntimeError:
        return False
