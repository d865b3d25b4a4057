"""Reading the small files jxcheck is told to trust less than it reads: settings, baselines, waivers,
rule packs and form vocabularies.

Only a regular file is read (a FIFO, /dev/zero or /dev/urandom would never end), up to a size cap, as UTF-8;
every failure is the caller's JxError naming the file and the reason.
"""

from __future__ import annotations

import stat
from pathlib import Path

from checker.errors import JxError

MAX_BYTES = 20 * 1024 * 1024  # settings, baselines and waivers are far smaller; a rule pack too


def read_text(path: Path, what: str, error: type[JxError], max_bytes: int = MAX_BYTES) -> str:
    source = str(path)
    try:
        st = path.stat()
    except FileNotFoundError:
        raise error(source, f"{what} not found") from None
    except OSError as exc:
        raise error(source, f"cannot read {what}: {exc.strerror}") from None
    if not stat.S_ISREG(st.st_mode):
        raise error(source, f"{what} is not a regular file")
    if st.st_size > max_bytes:
        raise error(source, f"{what} is {st.st_size:,} bytes; the limit is {max_bytes:,}")
    try:
        with path.open("rb") as fh:
            data = fh.read(max_bytes + 1)
    except OSError as exc:
        raise error(source, f"cannot read {what}: {exc.strerror}") from None
    if len(data) > max_bytes:
        raise error(source, f"{what} is larger than {max_bytes:,} bytes")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise error(source, f"{what} must be UTF-8", f"byte {exc.start}") from None
