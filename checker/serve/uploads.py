"""An upload read straight into a private directory, its limits enforced as the bytes arrive.

Starlette's own form parser spools files to the system temporary directory; this one writes each file part
to `<dir>/<n>/<name>` and stops at the first limit crossed, so an oversized or hostile request costs no
more than the limit and leaves nothing outside the batch's directory.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from python_multipart.multipart import MultipartParser, parse_options_header

from checker.display import printable


class UploadRejected(Exception):
    """The request as a whole is refused: an HTTP status and a message naming what was wrong."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class UploadLimits:
    file_bytes: int = 20 * 2**20
    files: int = 50
    total_bytes: int = 200 * 2**20
    field_bytes: int = 64 * 2**10  # a settings field
    rules_bytes: int = 2 * 2**20  # an uploaded rule pack

    @property
    def request_bytes(self) -> int:
        """The most a whole request may carry: the parts plus their headers."""
        return self.total_bytes + 64 * 2**10

    def too_large(self) -> UploadRejected:
        return UploadRejected(413, f"the upload is larger than {size_text(self.total_bytes)} in all")


@dataclass
class Upload:
    files: list[tuple[str, Path]] = field(default_factory=list)  # (name as sent, where it is)
    fields: dict[str, str] = field(default_factory=dict)
    rule_files: list[tuple[str, Path]] = field(default_factory=list)  # (name as sent, where it is)


_RAW_FILENAME = re.compile(rb'filename="((?:[^"\\]|\\.)*)"')
# folders, control characters (C0, DEL, C1) and the bidirectional marks that make "exe.docx" of "xcod.exe"
_BAD_NAME = re.compile(r"[/\\\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]|^\.|^$|^[A-Za-z]:")
NAME_BYTES = 200  # a file system's 255, less the annotated copy's suffix (_检查批注(12).docx)


def safe_name(name: str) -> str:
    """The file's own name, or UploadRejected: a name with a directory part (../../x.docx, C:\\x) is refused,
    never cleaned up into something the sender did not mean."""
    name = unicodedata.normalize("NFC", name).strip()
    if _BAD_NAME.search(name) or ".." in name:
        raise UploadRejected(400, f"file name {printable(name[:80])!r} is not a plain file name (no folders, no '..')")
    if len(name.encode("utf-8")) > NAME_BYTES:
        raise UploadRejected(400, f"file name {printable(name[:40])!r}… is too long: {len(name.encode('utf-8'))} bytes; "
                                  f"at most {NAME_BYTES}")
    return name


async def read_upload(content_type: str, stream: AsyncIterator[bytes], into: Path, limits: UploadLimits) -> Upload:
    ctype, params = parse_options_header(content_type)
    if ctype != b"multipart/form-data" or b"boundary" not in params:
        raise UploadRejected(415, "send the files as multipart/form-data")
    state = _State(into, limits)
    parser = MultipartParser(params[b"boundary"], state.callbacks())  # sizes are checked by _State
    received = 0
    try:
        async for chunk in stream:
            received += len(chunk)
            if received > limits.request_bytes:
                raise limits.too_large()
            parser.write(chunk)
            if state.rejected is not None:
                raise state.rejected
        parser.finalize()
    except UploadRejected:
        state.close()
        raise
    except Exception as exc:  # a malformed body: the parser's own error, as a 400
        state.close()
        raise UploadRejected(400, f"the upload is not well-formed multipart data ({type(exc).__name__})") from None
    if state.rejected is not None:
        raise state.rejected
    if state.open is not None:
        state.close()
        raise UploadRejected(400, "the upload ended in the middle of a file")
    return state.upload


class _State:
    """The multipart parser's callbacks: headers of each part, then its data to a file or a field."""

    def __init__(self, into: Path, limits: UploadLimits) -> None:
        self.into = into
        self.limits = limits
        self.upload = Upload()
        self.rejected: UploadRejected | None = None
        self.headers: dict[str, bytes] = {}
        self._field = b""
        self._value = b""
        self.open: BinaryIO | None = None
        self.part_name = ""
        self.part_size = 0
        self.part_limit = 0
        self.buffer: bytearray | None = None
        self.total = 0

    def callbacks(self) -> dict:
        return {"on_part_begin": self.part_begin, "on_header_field": self.header_field,
                "on_header_value": self.header_value, "on_header_end": self.header_end,
                "on_headers_finished": self.headers_finished, "on_part_data": self.part_data,
                "on_part_end": self.part_end}

    def part_begin(self) -> None:
        self.headers = {}
        self._field = self._value = b""

    def header_field(self, data: bytes, start: int, end: int) -> None:
        self._field += data[start:end]

    def header_value(self, data: bytes, start: int, end: int) -> None:
        self._value += data[start:end]

    def header_end(self) -> None:
        self.headers[self._field.decode("latin-1").lower()] = self._value
        self._field = self._value = b""

    def headers_finished(self) -> None:
        if self.rejected is not None:
            return
        _, params = parse_options_header(self.headers.get("content-disposition", b""))
        name = params.get(b"name", b"").decode("utf-8", "replace")
        filename = params.get(b"filename")
        self.part_name = name
        self.part_size = 0
        if filename is None:  # a settings field
            self.buffer = bytearray()
            self.part_limit = self.limits.field_bytes
            return
        if not filename:  # a file input left empty: browsers send the part with no name and no data
            self.buffer = None
            self.part_limit = 0
            return
        raw = _RAW_FILENAME.search(self.headers.get("content-disposition", b""))
        try:
            if raw is not None:  # the name as sent: the parser would quietly cut C:\\x\\a.docx down to a.docx
                safe_name(raw.group(1).decode("utf-8", "replace").replace("\\\\", "\\"))
            fname = safe_name(filename.decode("utf-8", "replace"))
        except UploadRejected as exc:
            self.rejected = exc
            return
        if name == "rules":
            self.part_limit = self.limits.rules_bytes
            target = self.into / "rules" / f"{len(self.upload.rule_files) + 1}.yaml"
            self.upload.rule_files.append((fname, target))
        else:
            if len(self.upload.files) >= self.limits.files:
                self.rejected = UploadRejected(413, f"more than {self.limits.files} files in one upload")
                return
            self.part_limit = self.limits.file_bytes
            target = self.into / "files" / str(len(self.upload.files) + 1) / fname
            self.upload.files.append((fname, target))
        target.parent.mkdir(parents=True, exist_ok=True)
        self.open = target.open("xb")

    def part_data(self, data: bytes, start: int, end: int) -> None:
        if self.rejected is not None:
            return
        n = end - start
        self.part_size += n
        self.total += n
        if self.part_size > self.part_limit:
            what = self.upload.files[-1][0] if self.open is not None and self.part_name != "rules" else self.part_name
            self.rejected = UploadRejected(413, f"{what}: larger than the limit of {size_text(self.part_limit)}")
            return
        if self.total > self.limits.total_bytes:
            self.rejected = self.limits.too_large()
            return
        if self.open is not None:
            self.open.write(data[start:end])
        elif self.buffer is not None:
            self.buffer += data[start:end]

    def part_end(self) -> None:
        if self.open is not None:
            self.open.close()
            self.open = None
        elif self.buffer is not None and self.rejected is None:
            self.upload.fields[self.part_name] = self.buffer.decode("utf-8", "replace")
            self.buffer = None

    def close(self) -> None:
        if self.open is not None:
            self.open.close()
            self.open = None


def size_text(n: int) -> str:
    return f"{n / 2**20:g} MB" if n >= 2**20 else f"{n / 2**10:g} KB"
