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
import re
from dataclasses import dataclass, field
from pathlib import Path

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


def _read_folder(root: Path, *, max_bytes: int) -> RawCorpus:
    manifest_path = root / MANIFEST_NAME
    manifest = _read_manifest(manifest_path) if manifest_path.exists() else {}
    documents: list[RawDocument] = []
    rejections: list[Rejection] = []
    seen_ids: dict[str, str] = {}
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
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
        doc_id = result.doc_id
        if doc_id in seen_ids:  # a.txt and a.html share a stem: keep ids unique and stable
            doc_id = safe_id(label)
        seen_ids[doc_id] = label
        meta = manifest.get(label) or manifest.get(path.name) or {}
        documents.append(RawDocument(doc_id=doc_id, file=label, text=result.text, sha256=result.sha256,
                                     n_bytes=result.n_bytes, encoding=result.encoding,
                                     metadata={k: v for k, v in meta.items() if v}))
    unknown = sorted(set(manifest) - {d.file for d in documents} - {r.file for r in rejections}
                     - {Path(d.file).name for d in documents} - {Path(r.file).name for r in rejections})
    for name in unknown:
        rejections.append(Rejection(f"{MANIFEST_NAME}:{name}", "listed in manifest but no such file"))
    return RawCorpus(documents, rejections, str(root))


def _table_rows(path: Path) -> list[dict[str, str]]:
    data = path.read_bytes()
    try:
        text, _ = decode_bytes(data)
    except ValueError as exc:
        raise CorpusError(f"{path}: {exc}") from exc
    if path.suffix.lower() == ".csv":
        try:
            rows = list(csv.DictReader(io.StringIO(text)))
        except csv.Error as exc:
            raise CorpusError(f"{path}: malformed CSV ({exc})") from exc
        columns = list(rows[0]) if rows else next(csv.reader(io.StringIO(text)), [])
    else:
        rows = []
        for i, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise CorpusError(f"{path}: line {i} is not valid JSON ({exc.msg})") from exc
            if not isinstance(obj, dict):
                raise CorpusError(f"{path}: line {i} is a {type(obj).__name__}, expected an object")
            rows.append({k: "" if v is None else str(v) for k, v in obj.items()})
        columns = sorted({k for r in rows for k in r})
    if "text" not in columns:
        raise CorpusError(f"{path}: no 'text' column (columns found: {columns}); the table needs "
                          f"'text' and may have id,{','.join(METADATA_FIELDS)}")
    return rows


def _read_table(path: Path, *, max_bytes: int) -> RawCorpus:
    rows = _table_rows(path)
    documents: list[RawDocument] = []
    rejections: list[Rejection] = []
    used: set[str] = set()
    for i, row in enumerate(rows, start=1):
        label = f"{path.name}#row={i}"
        text = row.get("text") or ""
        data = text.encode("utf-8")
        doc_id = safe_id((row.get("id") or "").strip()) if (row.get("id") or "").strip() else f"row{i:05d}"
        if doc_id in used:
            doc_id = f"{doc_id}_row{i:05d}"
        used.add(doc_id)
        if len(data) > max_bytes:
            rejections.append(Rejection(label, f"text too large ({len(data) / 1e6:.1f} MB)",
                                        _sha256(data), len(data)))
            continue
        meta = {k: (row.get(k) or "").strip() for k in METADATA_FIELDS if (row.get(k) or "").strip()}
        documents.append(RawDocument(doc_id=doc_id, file=label, text=text, sha256=_sha256(data),
                                     n_bytes=len(data), encoding="utf-8", metadata=meta))
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
    """sha256 of every file the corpus consists of (for caching and provenance)."""
    path = Path(path)
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    out = {}
    for p in files:
        h = hashlib.sha256()
        with p.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
        out[p.relative_to(path).as_posix() if path.is_dir() else p.name] = h.hexdigest()
    return out
