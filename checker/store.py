"""Reports spilled to a temporary file, so an archive's findings need not all stay in memory."""

from __future__ import annotations

import os
import pickle
import tempfile
from collections.abc import Iterator
from pathlib import Path

from checker.packed import Item, unpacked
from checker.results import Report


class ReportStore:
    """Append-only; iterable any number of times (each pass re-reads the file)."""

    def __init__(self, directory: str | Path | None = None) -> None:
        fd, name = tempfile.mkstemp(prefix="jxcheck-reports-", suffix=".pickle", dir=directory)
        os.close(fd)
        self.path = Path(name)
        self._out = open(self.path, "wb")  # noqa: SIM115 - kept open for appends
        self._n = 0

    def append(self, item: Item) -> None:
        """A report, packed (as it came from its worker) or not."""
        pickle.dump(item, self._out, protocol=pickle.HIGHEST_PROTOCOL)
        self._n += 1

    def __len__(self) -> int:
        return self._n

    def __iter__(self) -> Iterator[Report]:
        return (unpacked(x) for x in self.items())

    def items(self) -> Iterator[Item]:
        self._out.flush()
        with open(self.path, "rb") as fh:
            while True:
                try:
                    yield pickle.load(fh)
                except EOFError:
                    return

    def close(self) -> None:
        if not self._out.closed:
            self._out.close()
        self.path.unlink(missing_ok=True)
