"""Read a corpus from disk into raw documents, accounting for every input.

A corpus is a folder of ``.txt``/``.html``/``.htm``/``.md`` files (with an optional
``manifest.csv`` of metadata per file), or one ``.csv``/``.jsonl`` file with a ``text`` column and
optional ``id, outlet, url, date, title``. Each input becomes either a :class:`RawDocument` or a
:class:`Rejection`; the clean stage later adds duplicates. ``inputs = kept + duplicates + rejected``
is the ledger's invariant.

Decoding is the one place where bytes become text: BOMs first, then strict UTF-8, then
charset-normalizer's best guess (latin-1 / cp1252 / UTF-16 without BOM), with the encoding used
recorded so the audit can say so.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

from .errors import CorpusError

TEXT_SUFFIXES = (".txt", ".html", ".htm", ".md")
TABLE_SUFFIXES = (".csv", ".jsonl")
METADATA_FIELDS = ("outlet", "url", "date", "title")
MANIFEST_NAME = "manifest.csv"

# magic numbers of formats people drop into article folders by mistake
_BINARY_SIGNATURES = {
    b"\x89PNG": "PNG image",
    b"PK\x03\x04": "ZIP archive (or .docx/.xlsx)",
    b"%PDF": "PDF document",
    b"\xff\xd8\xff": "JPEG image",
    b"GIF8": "GIF image",
    b"\x1f\x8b": "gzip archive",
    b"\xd0\xcf\x11\xe0": "MS Office document",
}


@dataclass(frozen=True)
class RawDocument:
    """One input article before cleaning."""

    doc_id: str  # stable id: file stem, or the table's ``id`` column / row number
    file: str  # path as given (relative to the corpus root), plus ``#row=N`` for tables
    text: str
    sha256: str
    n_bytes: int
    encoding: str
    metadata: dict[str, str] = field(default_factory=dict)
    note: str = ""  # what the reader changed on the way in (a renamed id, an ignored field), for the ledger


@dataclass(frozen=True)
class Rejection:
    """An input that could not become an article, with a reason a user can act on."""

    file: str
    reason: str
    sha256: str = ""
    n_bytes: int = 0


@dataclass
class RawCorpus:
    documents: list[RawDocument]
    rejections: list[Rejection]
    root: str


def safe_id(name: str) -> str:
    """An article id from a file stem: unchanged for ordinary names; characters outside letters,
    digits, ``_ . -`` (spaces, ``:`` that sentence ids use as separator, ``<&>``) become ``_``."""
    return re.sub(r"[^\w.-]+", "_", name) or "article"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode article bytes, returning ``(text, encoding)``.

    Raises
    ------
    ValueError
        For binary data or bytes no text encoding explains, with the reason as message.
    """
    for magic, kind in _BINARY_SIGNATURES.items():
        if data.startswith(magic):
            raise ValueError(f"binary file ({kind}), not text")
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        text = None
        first_bad = exc.start
    if text is not None:
        if "\x00" in text:
            raise ValueError("binary file (contains NUL bytes), not text")
        return text, "utf-8"
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise ValueError(f"not decodable as text (first non-UTF-8 byte 0x{data[first_bad]:02x} "
                         f"at offset {first_bad}); re-save the file as UTF-8")
    text = str(best)
    if "\x00" in text:
        raise ValueError("binary file (contains NUL bytes), not text")
    # control characters other than whitespace mean we decoded something that is not prose
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > max(5, len(text) // 200):
        raise ValueError("binary file (many control characters), not text")
    encoding = best.encoding
    # charset-normalizer often names a sibling code page (cp1250, latin-1) for Western text; when
    # cp1252, by far the commonest legacy encoding of English pages, yields the same text, say so
    try:
        if encoding != "cp1252" and data.decode("cp1252") == text:
            encoding = "cp1252"
    except UnicodeDecodeError:
        pass
    return text, encoding


def _read_manifest(path: Path) -> dict[str, dict[str, str]]:
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            rows = list(csv.DictReader(fh))
    except (UnicodeDecodeError, csv.Error) as exc:
        raise CorpusError(f"{path}: cannot read manifest ({exc}); it must be UTF-8 CSV with a "
                          "'file' column") from exc
    if rows and "file" not in rows[0]:
        raise CorpusError(f"{path}: manifest has no 'file' column (columns: {list(rows[0])}); "
                          f"expected file,{','.join(METADATA_FIELDS)}")
    return {r["file"].strip(): {k: (r.get(k) or "").strip() for k in METADATA_FIELDS} for r in rows}


def _read_file(path: Path, label: str, *, max_bytes: int) -> RawDocument | Rejection:
    size = path.stat().st_size
    if size == 0:
        return Rejection(label, "empty file (0 bytes)", _sha256(b""), 0)
    if size > max_bytes:
        # hash in chunks: a huge file must not be loaded whole just to be rejected
        h = hashlib.sha256()
        with path.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
        return Rejection(label, f"file too large ({size / 1e6:.1f} MB > limit "
                                f"{max_bytes / 1e6:.1f} MB); raise max_file_mb to include it",
                         h.hexdigest(), size)
    data = path.read_bytes()
    digest = _sha256(data)
    try:
        text, encoding = decode_bytes(data)
    except (ValueError, UnicodeDecodeError) as exc:
        return Rejection(label, str(exc), digest, size)
    if not text.strip():
        return Rejection(label, f"only whitespace ({size} bytes), no text", digest, size)
    return RawDocument(doc_id=safe_id(path.stem), file=label, text=text, sha256=digest, n_bytes=size,
                       encoding=encoding)


def unique_id(candidates: Sequence[str], taken: dict[str, str], label: str) -> tuple[str, str]:
    """The first candidate id not yet taken (else the last one with ``_2``, ``_3`` ...), and a ledger
    note when it is not the first choice. ``taken`` maps id -> the input that holds it; updated."""
    first = candidates[0]
    choice = next((c for c in candidates if c not in taken), None)
    n = 2
    while choice is None:
        if f"{candidates[-1]}_{n}" not in taken:
            choice = f"{candidates[-1]}_{n}"
        n += 1
    note = "" if choice == first else f"id {first!r} already used by {taken[first]}; this one is {choice!r}"
    taken[choice] = label
    return choice, note


def _walk(root: Path) -> tuple[list[Path], list[Rejection]]:
    """Regular files under ``root`` in sorted order, and rejections for links that leave it.

    A symbolic link to a file inside the corpus is read like the file (the duplicate check then
    accounts for it); a link to a file outside the corpus is never read, so a corpus folder cannot
    publish a file it does not contain; a linked folder is never followed (no loops, no escape).
    """
    real_root = root.resolve()
    files: list[Path] = []
    rejections: list[Rejection] = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        here = Path(dirpath)
        for name in list(dirnames):
            if (here / name).is_symlink():
                label = (here / name).relative_to(root).as_posix()
                rejections.append(Rejection(label, "symbolic link to a folder; not followed (copy the files "
                                                   "into the corpus folder to include them)"))
        dirnames[:] = sorted(d for d in dirnames if not (here / d).is_symlink())
        for name in filenames:
            path = here / name
            if path.is_symlink():
                target = path.resolve()
                if not target.is_file() or not target.is_relative_to(real_root):
                    rejections.append(Rejection(path.relative_to(root).as_posix(),
                                                "symbolic link to a file outside the corpus folder; not read"))
                    continue
            if path.is_file():
                files.append(path)
    return sorted(files), rejections


def _read_folder(root: Path, *, max_bytes: int) -> RawCorpus:
    manifest_path = root / MANIFEST_NAME
    manifest = _read_manifest(manifest_path) if manifest_path.exists() else {}
    documents: list[RawDocument] = []
    paths, rejections = _walk(root)
    seen_ids: dict[str, str] = {}
    for path in paths:
        label = path.relative_to(root).as_posix()
        if path == manifest_path:
            continue
        if path.suffix.lower() not in TEXT_SUFFIXES:
            data_hash = _sha256(path.read_bytes()) if path.stat().st_size <= max_bytes else ""
            rejections.append(Rejection(label, f"unsupported file type '{path.suffix or '(none)'}'; "
                                               f"expected one of {', '.join(TEXT_SUFFIXES)}",
                                        data_hash, path.stat().st_size))
            continue
        result = _read_file(path, label, max_bytes=max_bytes)
        if isinstance(result, Rejection):
            rejections.append(result)
            continue
        # a.txt and a.html share a stem: the second takes its path as id, so ids stay unique and stable
        doc_id, note = unique_id([result.doc_id, safe_id(label)], seen_ids, label)
        meta = manifest.get(label) or manifest.get(path.name) or {}
        documents.append(RawDocument(doc_id=doc_id, file=label, text=result.text, sha256=result.sha256,
                                     n_bytes=result.n_bytes, encoding=result.encoding,
                                     metadata={k: v for k, v in meta.items() if v}, note=note))
    unknown = sorted(set(manifest) - {d.file for d in documents} - {r.file for r in rejections}
                     - {Path(d.file).name for d in documents} - {Path(r.file).name for r in rejections})
    for name in unknown:
        rejections.append(Rejection(f"{MANIFEST_NAME}:{name}", "listed in manifest but no such file"))
    return RawCorpus(documents, rejections, str(root))


#: a table row: its 1-based number and either its fields or the reason it cannot be read
TableRow = tuple[int, "dict[str, Any] | str"]


def _csv_rows(text: str, path: Path) -> list[TableRow]:
    # an article can exceed the csv module's default field limit (131,072 characters); the size
    # limit that matters is max_file_mb, applied per row by the reader
    old = csv.field_size_limit()
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    try:
        return [(i, row) for i, row in enumerate(csv.DictReader(io.StringIO(text)), start=1)]
    except csv.Error as exc:
        raise CorpusError(f"{path}: malformed CSV ({exc})") from exc
    finally:
        csv.field_size_limit(old)


def _jsonl_rows(text: str) -> list[TableRow]:
    rows: list[TableRow] = []
    for i, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            rows.append((i, f"line {i} is not valid JSON ({exc.msg})"))
            continue
        if not isinstance(obj, dict):
            rows.append((i, f"line {i} is a {type(obj).__name__}, expected an object with a 'text' field"))
            continue
        rows.append((i, obj))
    return rows


def _table_rows(path: Path) -> list[TableRow]:
    """Every row of a CSV/JSONL table, a broken JSONL line as its reason instead of its fields.

    Raises
    ------
    CorpusError
        When the file cannot be decoded or parsed as a whole, when no row can be read, or when the
        table has no ``text`` column.
    """
    try:
        text, _ = decode_bytes(path.read_bytes())
    except ValueError as exc:
        raise CorpusError(f"{path}: {exc}") from exc
    if path.suffix.lower() == ".csv":
        rows = _csv_rows(text, path)
        columns = list(rows[0][1]) if rows else next(csv.reader(io.StringIO(text)), [])
    else:
        rows = _jsonl_rows(text)
        good = [r for _, r in rows if isinstance(r, dict)]
        if rows and not good:
            raise CorpusError(f"{path}: no readable row; {rows[0][1]}")
        columns = sorted({k for r in good for k in r})
    if "text" not in columns:
        raise CorpusError(f"{path}: no 'text' column (columns found: {columns}); the table needs "
                          f"'text' and may have id,{','.join(METADATA_FIELDS)}")
    return rows


def _plain(value: Any) -> str | None:
    """A table cell as text; ``None`` for a JSON object or list, which is never turned into text."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, (bool, int, float)):
        return json.dumps(value)
    return None


def _row_document(path: Path, number: int, row: dict[str, Any], taken: dict[str, str], *,
                  max_bytes: int) -> RawDocument | Rejection:
    label = f"{path.name}#row={number}"
    text = _plain(row.get("text"))
    if text is None:
        kind = "object" if isinstance(row.get("text"), dict) else "list"
        return Rejection(label, f"'text' is a JSON {kind}, not a string")
    data = text.encode("utf-8")
    if len(data) > max_bytes:
        return Rejection(label, f"text too large ({len(data) / 1e6:.1f} MB > limit {max_bytes / 1e6:.1f} MB)",
                         _sha256(data), len(data))
    raw_id = (_plain(row.get("id")) or "").strip()
    base = safe_id(raw_id) if raw_id else ""
    candidates = [base, f"{base}_row{number:05d}"] if base else [f"row{number:05d}"]
    doc_id, note = unique_id(candidates, taken, label)
    if raw_id and note:
        note = f"duplicate id {raw_id!r} (also {taken[base]}); this row is {doc_id!r}"
    notes = [note] if note else []
    meta: dict[str, str] = {}
    for key in METADATA_FIELDS:
        value = _plain(row.get(key))
        if value is None:
            notes.append(f"{key} ignored: not a plain value (a JSON {type(row.get(key)).__name__})")
        elif value.strip():
            meta[key] = value.strip()
    return RawDocument(doc_id=doc_id, file=label, text=text, sha256=_sha256(data), n_bytes=len(data),
                       encoding="utf-8", metadata=meta, note="; ".join(notes))


def _read_table(path: Path, *, max_bytes: int) -> RawCorpus:
    documents: list[RawDocument] = []
    rejections: list[Rejection] = []
    taken: dict[str, str] = {}
    for number, row in _table_rows(path):
        if isinstance(row, str):
            rejections.append(Rejection(f"{path.name}#row={number}", row))
            continue
        result = _row_document(path, number, row, taken, max_bytes=max_bytes)
        (rejections if isinstance(result, Rejection) else documents).append(result)  # type: ignore[arg-type]
    return RawCorpus(documents, rejections, str(path))


def read_corpus(path: str | Path, *, max_file_mb: float = 5.0) -> RawCorpus:
    """Read every input under ``path`` into raw documents and rejections.

    Parameters
    ----------
    path : str or Path
        A folder of article files, or a ``.csv``/``.jsonl`` table.
    max_file_mb : float, default=5.0
        Files larger than this are rejected unread (a news article is rarely over 100 KB).

    Raises
    ------
    CorpusError
        When the path does not exist, is an unsupported file, or a table lacks a ``text`` column.
    """
    path = Path(path)
    max_bytes = int(max_file_mb * 1_000_000)
    if _corpus_kind(path) == "folder":
        return _read_folder(path, max_bytes=max_bytes)
    return _read_table(path, max_bytes=max_bytes)


def _corpus_kind(path: Path) -> str:
    """``"folder"`` or ``"table"``; raises :class:`CorpusError` for anything else."""
    if not path.exists():
        raise CorpusError(f"{path}: no such file or folder; pass a folder of .txt/.html/.md "
                          "articles or a .csv/.jsonl table")
    if path.is_dir():
        return "folder"
    if path.suffix.lower() in TABLE_SUFFIXES:
        return "table"
    if path.suffix.lower() in TEXT_SUFFIXES:
        raise CorpusError(f"{path}: a single article is not a corpus; put two or more articles in a "
                          "folder and pass the folder")
    raise CorpusError(f"{path}: unsupported corpus type '{path.suffix}'; pass a folder or a "
                      ".csv/.jsonl table")


def check_corpus(path: str | Path) -> None:
    """Raise the :class:`CorpusError` :func:`read_corpus` would raise, without decoding every article.

    The pipeline calls this before any notebook kernel starts, so a wrong path, a malformed
    table or manifest fails in a second even for a corpus of thousands of files; problems with
    single files are not errors but rejections, recorded by the clean stage.
    """
    path = Path(path)
    if _corpus_kind(path) == "folder":
        manifest = path / MANIFEST_NAME
        if manifest.exists():
            _read_manifest(manifest)
    else:
        _table_rows(path)


def input_hashes(path: str | Path, *, max_file_mb: float = 5.0) -> dict[str, str]:
    """sha256 of every file the corpus consists of (for caching and provenance): the files
    :func:`read_corpus` reads, so a link out of the corpus is neither read nor hashed."""
    path = Path(path)
    files = _walk(path)[0] if path.is_dir() else [path]
    out = {}
    for p in files:
        h = hashlib.sha256()
        with p.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
        out[p.relative_to(path).as_posix() if path.is_dir() else p.name] = h.hexdigest()
    return out
