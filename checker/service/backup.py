"""Backup and restore of a service's DIR: one .tar.gz holding a consistent copy of the SQLite database (taken
with SQLite's online backup, so the service may keep running) and the checks' files. With PostgreSQL the
database is pg_dump's to take (README); the archive then holds the files only."""

from __future__ import annotations

import sqlite3
import tarfile
import tempfile
from pathlib import Path

from checker.errors import JxError

DB_NAME = "jxcheck.sqlite"


def backup(data: Path, out: Path, sqlite: bool = True) -> int:
    """Write the archive; the number of check folders in it."""
    if not (data / DB_NAME).is_file() and sqlite:
        raise JxError(str(data), f"no service database here ({DB_NAME})")
    files = data / "files"
    with tempfile.TemporaryDirectory() as tmp, tarfile.open(out, "w:gz") as tar:
        if sqlite:
            copy = Path(tmp) / DB_NAME
            src, dst = sqlite3.connect(data / DB_NAME), sqlite3.connect(copy)
            try:
                src.backup(dst)  # a consistent snapshot, WAL included, while the service writes
            finally:
                dst.close()
                src.close()
            tar.add(copy, arcname=DB_NAME)
        if files.is_dir():
            tar.add(files, arcname="files")
    return sum(1 for p in files.iterdir() if p.is_dir()) if files.is_dir() else 0


def restore(archive: Path, data: Path) -> None:
    """Unpack a backup into a new, empty DIR (never over a running service's data)."""
    if data.exists() and any(data.iterdir()):
        raise JxError(str(data), "restore into a new, empty directory")
    data.mkdir(parents=True, exist_ok=True)
    try:
        with tarfile.open(archive, "r:gz") as tar:
            names = tar.getnames()
            if any(not (n == DB_NAME or n == "files" or n.startswith("files/")) for n in names):
                raise JxError(str(archive), "not a jxcheck service backup")
            tar.extractall(data, filter="data")  # no absolute paths, links out or devices
    except (tarfile.TarError, OSError) as exc:
        raise JxError(str(archive), f"cannot restore: {exc}") from None
