"""Read a filing from any supported format into the model.

`read_path` picks the reader by content first (ZIP, OLE, PDF signatures) and by extension second, so a
mis-named file is still read or rejected with a clear message.
"""

from __future__ import annotations

import importlib
import re
import stat
import zipfile
from pathlib import Path

from checker.errors import InputError
from checker.model import Filing
from checker.readers.canonical import read_canonical
from checker.readers.document import Document, Limits
from checker.readers.layout import build_filing
from checker.readers.layout.vocabulary import Vocabulary

TEXT_SUFFIXES = {".txt", ".text", ".csv", ""}
CANONICAL_SUFFIXES = {".yaml": "yaml", ".yml": "yaml", ".json": "json"}
SUPPORTED_SUFFIXES = {".txt", ".docx", ".xlsx", ".xlsm", ".yaml", ".yml", ".json"}


def read_path(path: str | Path, vocab: Vocabulary | None = None) -> list[Filing]:
    """All filings in one file. Raises InputError, naming the file, when it cannot be read."""
    return read_bytes(file_bytes(path), str(path), vocab)


def file_bytes(path: str | Path) -> bytes:
    """A file's content; InputError naming the file when it is missing, a directory, unreadable or over the
    size limit. A pipe or a device (a FIFO, /dev/stdin, /dev/zero) is read to the size limit and for at most
    PIPE_SECONDS: it never blocks a run nor fills its memory."""
    path = Path(path)
    source = str(path)
    limit = Limits.from_env().file_bytes
    try:
        st = path.stat()
    except FileNotFoundError:
        raise InputError(source, "file not found") from None
    except OSError as exc:
        raise InputError(source, f"cannot read: {exc.strerror}") from None
    if stat.S_ISDIR(st.st_mode):
        raise InputError(source, "is a directory, not a file")
    if stat.S_ISREG(st.st_mode) and st.st_size > limit:
        raise _too_large(source, st.st_size, limit)
    try:
        if stat.S_ISREG(st.st_mode):
            return path.read_bytes()
        return _stream_bytes(source, limit)
    except OSError as exc:
        raise InputError(source, f"cannot read: {exc.strerror}") from None


PIPE_SECONDS = 60.0


def _stream_bytes(source: str, limit: int) -> bytes:
    import os
    import select
    import time

    fd = os.open(source, os.O_RDONLY | os.O_NONBLOCK)  # a FIFO with no writer opens, and reads as empty
    try:
        chunks: list[bytes] = []
        size = 0
        deadline = time.monotonic() + PIPE_SECONDS
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                raise InputError(source, f"nothing more arrived from this pipe or device in {PIPE_SECONDS:g} s; "
                                         "save the filing to a file and check that")
            try:
                chunk = os.read(fd, 1 << 20)
            except BlockingIOError:
                continue
            if not chunk:
                return b"".join(chunks)
            size += len(chunk)
            if size > limit:
                raise _too_large(source, size, limit, more=True)
            chunks.append(chunk)
    finally:
        os.close(fd)


def _too_large(source: str, size: int, limit: int, more: bool = False) -> InputError:
    shown = f"more than {limit / 2**20:g}" if more else f"{size / 2**20:.1f}"  # a stream is not read past the limit
    return InputError(source, f"file is {shown} MB; the limit is {limit / 2**20:g} MB (JXCHECK_MAX_FILE_MB)")


def read_bytes(data: bytes, source: str, vocab: Vocabulary | None = None) -> list[Filing]:
    """All filings in a file's bytes, the form vocabulary (bundled by default) naming their parts."""
    if not data.strip():
        raise InputError(source, "empty file")
    limits = Limits.from_env()
    if len(data) > limits.file_bytes:
        raise _too_large(source, len(data), limits.file_bytes)
    suffix = Path(source).suffix.lower()
    fmt = sniff(data, suffix, source)
    if fmt in ("yaml", "json"):
        filings = read_canonical(data, source, fmt, vocab)
    else:
        doc = _read_document(data, source, fmt)
        filings = [build_filing(doc, file_year=_year_in_name(source), vocab=vocab)]
    count = sum(len(f.evaluations) for f in filings)
    if count > limits.filings_per_file:
        raise InputError(source, f"{count:,} filings in one file; the limit is {limits.filings_per_file:,} "
                                 "(JXCHECK_MAX_FILINGS) — split the file")
    return filings


def sniff(data: bytes, suffix: str, source: str) -> str:
    """The format of `data`: text, docx, xlsx, yaml or json. Unsupported formats raise InputError."""
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        kind = "Excel 97-2003 .xls" if suffix == ".xls" else "Word 97-2003 .doc" if suffix == ".doc" else \
            "legacy Office (OLE) file"
        target = ".xlsx" if suffix == ".xls" else ".docx" if suffix == ".doc" else ".docx/.xlsx"
        raise InputError(source, f"{kind} is not supported: open it in WPS or Office and save it as {target}")
    if data.startswith(b"%PDF"):
        raise InputError(source, "PDF is not supported: export the filing from Word as .docx or text")
    if data.startswith(b"PK\x03\x04") or suffix in (".docx", ".xlsx", ".xlsm"):
        return _zip_kind(data, suffix, source)
    if suffix in (".doc", ".xls"):
        raise InputError(source, f"{suffix} file is not a legacy Office document either; cannot read it")
    if suffix in CANONICAL_SUFFIXES:
        return CANONICAL_SUFFIXES[suffix]
    if suffix not in TEXT_SUFFIXES:
        raise InputError(source, f"unknown format {suffix!r}: expected one of {', '.join(sorted(SUPPORTED_SUFFIXES))}")
    return "text"


def _zip_kind(data: bytes, suffix: str, source: str) -> str:
    import io

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = zf.namelist()
    except zipfile.BadZipFile:
        what = suffix or "ZIP"
        raise InputError(source, f"not a readable {what} (truncated or corrupt ZIP package)") from None
    if any(n.startswith("word/") for n in names):
        return "docx"
    if any(n.startswith("xl/") for n in names):
        return "xlsx"
    raise InputError(source, "ZIP archive that is neither a .docx nor an .xlsx")


# the reader of each sniffed format (bytes → paragraphs and grids), imported on use; canonical YAML/JSON
# goes straight into the model instead
DOCUMENT_READERS = {
    "docx": "checker.readers.docx_reader:read_docx",
    "xlsx": "checker.readers.xlsx_reader:read_xlsx",
    "text": "checker.readers.text_export:read_text_export",
}


def _read_document(data: bytes, source: str, fmt: str) -> Document:
    module, function = DOCUMENT_READERS[fmt].split(":")
    return getattr(importlib.import_module(module), function)(data, source)


def _year_in_name(source: str) -> int | None:
    m = re.search(r"(?<!\d)(20\d{2})(?!\d)", Path(source).name)
    return int(m.group(1)) if m else None
