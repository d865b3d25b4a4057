"""Errors that stop a file from being read or a rule pack from being loaded."""

from __future__ import annotations


class JxError(Exception):
    """A user-facing error: names the file and, where it applies, the place in it."""

    kind = "unreadable"

    def __init__(self, source: str, message: str, where: str | None = None) -> None:
        self.source = source
        self.message = message
        self.where = where
        super().__init__(self.describe())

    def describe(self) -> str:
        place = f" ({self.where})" if self.where else ""
        return f"{self.source}{place}: {self.message}"

    def to_dict(self) -> dict[str, str | None]:
        return {"source": self.source, "where": self.where, "message": self.message, "kind": self.kind}


class InputError(JxError):
    """The input cannot be read as a filing (missing, empty, binary, wrong encoding, no filing in it)."""


class NotAFiling(InputError):
    """A readable file with nothing of a self-evaluation in it (a 说明.txt, a settings YAML, a CI workflow): an
    error when it is named, a skipped file with a note when a folder walk came across it."""

    kind = "not_a_filing"
