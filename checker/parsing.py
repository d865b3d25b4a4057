"""One `jxcheck parse` run: every file read (in worker processes with --jobs) and its filings written in
the canonical form as they come, in input order — so memory stays flat whatever the number of files."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from checker.display import decoded
from checker.errors import JxError
from checker.findings import FileError
from checker.pool import WorkerFailure, run_ordered, tune_gc
from checker.readers import read_path
from checker.readers.canonical import filings_to_json, filings_to_yaml
from checker.readers.layout.vocabulary import Vocabulary


@dataclass
class ParsedFile:
    path: str
    documents: list[str] = field(default_factory=list)  # one per filing, in the asked format
    warnings: list[tuple[str, str]] = field(default_factory=list)  # ("source › project", warning)
    error: FileError | None = None


@dataclass(frozen=True)
class ParseSpec:
    vocab: Vocabulary | None
    fmt: str  # yaml | json
    parsed: bool  # keep the parsed quantities (False: the lean form of raw values)


def _init(spec: ParseSpec) -> ParseSpec:
    tune_gc(freeze=True)
    return spec


def parse_file(path: str, spec: ParseSpec) -> ParsedFile:
    """One file read and dumped where it is read: only text crosses to the main process."""
    label = decoded(path)  # a name in GBK bytes, as it is shown
    out = ParsedFile(label)
    try:
        filings = read_path(path, spec.vocab)
    except JxError as exc:
        out.error = FileError(**{**exc.to_dict(), "source": label})
        return out
    dump = filings_to_json if spec.fmt == "json" else filings_to_yaml
    for filing in filings:
        filing.source = label
        out.documents.append(dump([filing], spec.parsed))
        out.warnings += [(f"{filing.source} › {ev.project or '?'}", w) for ev in filing.evaluations for w in ev.warnings]
    return out


def parse_files(paths: list[str], spec: ParseSpec, jobs: int = 0) -> Iterator[ParsedFile]:
    for index, result in run_ordered(paths, parse_file, _init, (spec,), jobs):
        if isinstance(result, WorkerFailure):
            result = ParsedFile(paths[index], error=FileError(source=paths[index], message=result.message))
        yield result


class DocumentStream:
    """The documents written one at a time, as `filings_to_yaml`/`filings_to_json` would write them all:
    YAML documents separated by ---, JSON as one object for one filing and a list for more."""

    def __init__(self, fmt: str) -> None:
        self.fmt = fmt
        self.count = 0
        self._held: str | None = None  # JSON: the first document waits until a second decides "list"

    def add(self, document: str) -> str:
        self.count += 1
        if self.fmt != "json":
            return document if self.count == 1 else "---\n" + document
        if self.count == 1:
            self._held = document
            return ""
        out = ("[\n" + _indent(self._held or "") + ",\n") if self.count == 2 else ",\n"
        self._held = None
        return out + _indent(document)

    def close(self) -> str:
        if self.fmt != "json" or self.count == 0:
            return ""
        if self.count == 1:
            return (self._held or "") + "\n"
        return "\n]\n"


def _indent(document: str) -> str:
    return "\n".join("  " + line for line in document.split("\n"))



