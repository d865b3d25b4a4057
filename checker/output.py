"""Writing results: to a file atomically (a crash leaves no half-written file), or to standard output."""

from __future__ import annotations

import os
import stat
import sys
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from checker.errors import JxError


class OutputError(JxError):
    """An output file that cannot or must not be written."""


def check_output_path(path: Path, follow_symlinks: bool = False) -> Path:
    """The path to write: only a regular file (new or existing) in an existing directory. Device files,
    directories and FIFOs are refused — an atomic rename would replace /dev/null with a file — and so is a
    symbolic link unless `follow_symlinks`."""
    source = str(path)
    if path.is_symlink():
        if not follow_symlinks:
            raise OutputError(source, "is a symbolic link; give its target, or --follow-symlinks to write through it")
        path = path.resolve()
    try:
        st = path.stat()
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise OutputError(source, f"cannot write: {exc.strerror}") from None
    if st is not None and not stat.S_ISREG(st.st_mode):
        what = "a directory" if stat.S_ISDIR(st.st_mode) else "a device or special file"
        raise OutputError(source, f"is {what}, not a regular file; write to a file, or use shell redirection")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise OutputError(source, f"cannot write: directory {parent} does not exist")
    return path


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


def emit(data: str | bytes | Iterable[str], output: str | None, follow_symlinks: bool = False) -> None:
    """Write to `output` (atomically, a regular file only) or to standard output; OutputError names the path
    and the system's reason when the file cannot be written."""
    if output:
        path = check_output_path(Path(output), follow_symlinks)
        try:
            write_atomic(path, data)
        except OSError as exc:
            raise OutputError(output, f"cannot write: {exc.strerror or exc}") from None
    elif isinstance(data, bytes):
        sys.stdout.buffer.write(data)
    else:
        for chunk in [data] if isinstance(data, str) else data:
            sys.stdout.write(chunk)
