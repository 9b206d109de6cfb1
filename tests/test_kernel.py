"""The shared kernel's reset between stages: one garbage collection, survivors frozen for the stage,
and nothing a stage drops left uncollected at the next reset."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from analysis import kernel


def _run(km, code: str) -> dict:  # type: ignore[no-untyped-def]
    """Execute ``code`` in the kernel and return the JSON it prints."""
    kc = km.blocking_client()
    kc.start_channels()
    out: list[str] = []
    try:
        kc.wait_for_ready(timeout=60)
        reply = kc.execute_interactive(code, timeout=60, output_hook=lambda msg: out.append(
            msg["content"].get("text", "")) if msg["msg_type"] == "stream" else None)
    finally:
        kc.stop_channels()
    assert reply["content"]["status"] == "ok", reply["content"]
    return json.loads("".join(out))


def test_reset_collects_once_freezes_survivors_and_frees_what_a_stage_dropped(tmp_path: Path) -> None:
    session = kernel.KernelSession(tmp_path)
    (tmp_path / "notebooks").mkdir()
    km = session.manager()
    asyncio.run(km.start_kernel(cwd=str(tmp_path)))
    try:
        # "stage 1": a cycle held by a module survives the reset (and is frozen); a cycle held
        # only by the namespace is garbage after the reset
        first = _run(km, "import gc, sys, weakref, json\n"
                         "class Node: pass\n"
                         "kept = Node(); kept.self = kept; sys.nr_kept = kept; sys.nr_kept_ref = weakref.ref(kept)\n"
                         "dropped = Node(); dropped.self = dropped; sys.nr_dropped_ref = weakref.ref(dropped)\n"
                         "print(json.dumps({'frozen': gc.get_freeze_count()}))")
        assert first["frozen"] == 0
        assert session.manager() is km  # reset, same kernel
        second = _run(km, "import gc, sys, json\n"
                          "state = {'frozen': gc.get_freeze_count(), 'kept': sys.nr_kept_ref() is not None,\n"
                          "         'dropped': sys.nr_dropped_ref() is None, 'collect': gc.collect.__module__,\n"
                          "         'seen': 'kept' in dir() or 'dropped' in dir()}\n"
                          "del sys.nr_kept\n"  # the stage drops a frozen cycle
                          "print(json.dumps(state))")
        assert second == {"frozen": second["frozen"], "kept": True, "dropped": True, "collect": "gc", "seen": False}
        assert second["frozen"] > 1000  # the libraries' objects, not scanned by the stage's collections
        session.manager()
        third = _run(km, "import sys, json; print(json.dumps({'kept': sys.nr_kept_ref() is None}))")
        assert third == {"kept": True}  # unfrozen and collected at the next reset
    finally:
        session.close()


def test_prestarted_kernel_is_the_first_stage_kernel(tmp_path: Path) -> None:
    (tmp_path / "notebooks").mkdir()
    session = kernel.KernelSession(tmp_path)
    session.prestart()
    try:
        km = session.km
        assert km is not None and km.has_kernel
        session.prestart()  # once only
        assert session.manager() is km and session.km is km
        state = _run(km, "import os, json; print(json.dumps({'cwd': os.getcwd(), "
                         "'history': str(get_ipython().history_manager.hist_file)}))")
        assert state == {"cwd": str(tmp_path.resolve()), "history": ":memory:"}  # as nbclient starts it
    finally:
        session.close()


def test_prestarted_kernel_collects_old_objects_less_often(tmp_path: Path) -> None:
    (tmp_path / "notebooks").mkdir()
    session = kernel.KernelSession(tmp_path)
    session.prestart()
    try:
        km = session.manager()
        state = _run(km, "import gc, json; print(json.dumps({'threshold': gc.get_threshold()}))")
        assert tuple(state["threshold"]) == kernel.GC_THRESHOLD != (700, 10, 10)  # CPython's default
    finally:
        session.close()
