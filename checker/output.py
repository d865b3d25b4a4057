"""Writing results: to a file atomically (a crash leaves no half-written file), or to standard output."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path


def write_atomic(path: Path, data: str | bytes | Iterable[str]) -> None:
    """Write to a temporary file beside `path`, then rename it over `path`."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent or Path("."))
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp creates 0600; a report is an ordinary file
        with os.fdopen(fd, "wb") as fh:
            for chunk in _chunks(data):
                fh.write(chunk)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _chunks(data: str | bytes | Iterable[str]) -> Iterator[bytes]:
    if isinstance(data, bytes):
        yield data
    elif isinstance(data, str):
        yield data.encode("utf-8")
    else:
        for piece in data:
            yield piece.encode("utf-8")


def emit(data: str | bytes | Iterable[str], output: str | None) -> None:
    if output:
        write_atomic(Path(output), data)
    elif isinstance(data, bytes):
        sys.stdout.buffer.write(data)
    else:
        for chunk in [data] if isinstance(data, str) else data:
            sys.stdout.write(chunk)
