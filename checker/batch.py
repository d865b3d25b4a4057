"""Check many files: worker processes, input order kept, a cache, and the cross-filing stage at the end.

Each file is read and checked in a worker; what comes back is its reports (findings only, the model is
dropped unless a renderer needs the tables) and the compact features the cross-filing stage needs.
Results are consumed in input order whatever the number of workers, so output is identical for any
--jobs. A file that crashes or hangs its worker becomes an error entry for that file.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import signal
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from checker import __version__
from checker.cache import CacheUnavailable, dump_entry, entry_name, load_entry, load_key
from checker.check import Checker
from checker.errors import JxError
from checker.facts.cross import CrossFeatures, CrossIndex
from checker.findings import FileError, Finding
from checker.output import write_atomic
from checker.pool import WorkerFailure, run_pool
from checker.readers import file_bytes, read_bytes
from checker.readers.layout.vocabulary import Vocabulary, default_vocabulary
from checker.results import Report
from checker.rulebook import Rule

# Fault injection for the crash/timeout tests: "crash:NAME" kills, "hang:NAME" stalls the worker that
# checks a file whose path contains NAME. Never set in normal use.
FAULT_ENV = "JXCHECK_FAULT_INJECT"


@dataclass
class FileResult:
    path: str
    # each report pickled in the worker: the main process stores the bytes as they are, unpickling them
    # only when it merges the cross-filing findings
    reports: list[bytes] = field(default_factory=list)
    features: list[CrossFeatures] = field(default_factory=list)
    errors: list[FileError] = field(default_factory=list)
    findings: int = 0
    cached: bool = False
    cache_rejected: bool = False  # an entry was there but failed its integrity check
    cache_error: str | None = None  # the cache could not be written


@dataclass
class WorkerState:
    checker: Checker
    keep_models: bool
    cache_dir: Path | None
    cache_salt: str
    vocab: Vocabulary | None = None
    cache_key: bytes | None = None


def rules_key(rules: list[Rule], profile: dict[str, float]) -> str:
    """Everything besides the file that decides its findings: rules, profile, jxcheck's version and code."""
    payload = pickle.dumps(([r.model_dump(mode="json") for r in rules], sorted(profile.items()), __version__,
                            _code_hash()))
    return hashlib.sha256(payload).hexdigest()[:24]


@functools.cache
def _code_hash() -> str:
    """A changed reader or fact must not be served from an old cache, even at the same version number."""
    h = hashlib.sha256()
    for f in sorted(Path(__file__).resolve().parent.rglob("*.py")):
        h.update(f.read_bytes())
    return h.hexdigest()


def init_worker(rules: list[Rule], profile: dict[str, float], keep_models: bool, cache_dir: str | None,
                vocab: Vocabulary | None = None) -> WorkerState:
    vocab = vocab or default_vocabulary()
    key = None
    if cache_dir:
        try:
            key = load_key(create=True)
        except CacheUnavailable:
            cache_dir = None  # the run already warned when it probed the cache
    return WorkerState(Checker(rules, profile), keep_models, Path(cache_dir) if cache_dir else None,
                       rules_key(rules, profile) + vocab.digest + ("m" if keep_models else ""), vocab, key)


def check_file(path: str, state: WorkerState) -> FileResult:
    _fault(path)
    result = FileResult(path)
    try:
        data = file_bytes(path)
    except JxError as exc:
        result.errors.append(FileError(**exc.to_dict()))
        return result
    cache_file = _cache_file(state, path, data)
    if cache_file is not None and cache_file.is_file():
        hit = _from_cache(cache_file, state, path)
        if hit is not None:
            return hit
        result.cache_rejected = True
    try:
        filings = read_bytes(data, path, state.vocab)
    except JxError as exc:
        result.errors.append(FileError(**exc.to_dict()))
        filings = []
    except RecursionError:
        result.errors.append(FileError(source=path, message="nested too deeply to read"))
        filings = []
    except Exception as exc:  # a reader bug is this file's error entry, never a dead batch
        if os.environ.get("JXCHECK_DEBUG"):
            raise
        result.errors.append(FileError(source=path, message=f"internal error while reading: "
                                                            f"{type(exc).__name__}: {exc}"))
        filings = []
    reports: list[Report] = []
    for filing in filings:
        for ev in filing.evaluations:
            try:
                report, features = state.checker.evaluate(ev, filing.source, len(reports), state.keep_models)
            except Exception as exc:  # one filing's failure is an error entry naming it, never a dead batch
                if os.environ.get("JXCHECK_DEBUG") and not isinstance(exc, JxError):
                    raise
                cause = exc.message if isinstance(exc, JxError) else f"{type(exc).__name__}: {exc}"
                result.errors.append(FileError(source=path, where=f"filing {ev.project or '?'}",
                                               message=f"could not be checked: {cause}"))
                continue
            reports.append(report)
            result.findings += len(report.findings)
            result.features.append(features)
    result.reports = [pickle.dumps(r, protocol=pickle.HIGHEST_PROTOCOL) for r in reports]
    if cache_file is not None and state.cache_key is not None:
        try:
            cache_file.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(cache_file, dump_entry(result, reports, state.cache_key))
        except OSError as exc:
            result.cache_error = f"{cache_file.parent}: {exc.strerror}"
    return result


def _from_cache(cache_file: Path, state: WorkerState, path: str) -> FileResult | None:
    """A verified entry, or None: an entry that fails its signature or holds bad data is never used."""
    try:
        doc = load_entry(cache_file.read_bytes(), state.cache_key or b"")
    except OSError:
        return None
    if doc is None or doc["path"] != path:
        return None
    return FileResult(path, reports=[pickle.dumps(r, protocol=pickle.HIGHEST_PROTOCOL) for r in doc["reports"]],
                      features=doc["features"], errors=doc["errors"], findings=doc["findings"], cached=True)


def _cache_file(state: WorkerState, path: str, data: bytes) -> Path | None:
    if state.cache_dir is None:
        return None
    h = entry_name(data, path, state.cache_salt)
    return state.cache_dir / h[:2] / f"{h}.json"


def _fault(path: str) -> None:
    spec = os.environ.get(FAULT_ENV, "")
    kind, _, name = spec.partition(":")
    if not name or name not in path:
        return
    if kind == "crash":
        os.kill(os.getpid(), signal.SIGSEGV)
    elif kind == "hang":
        time.sleep(3600)


def iterate_results(paths: list[str], state_args: tuple, jobs: int, timeout: float | None) -> Iterator[FileResult]:
    """FileResults in input order; jobs=0 checks in this process (no crash isolation)."""
    if jobs == 0:
        state = init_worker(*state_args)
        for p in paths:
            yield check_file(p, state)
        return
    buffer: dict[int, FileResult] = {}
    nxt = 0
    for index, result in run_pool(paths, check_file, init_worker, state_args, min(jobs, max(1, len(paths))),
                                  timeout):
        if isinstance(result, WorkerFailure):
            result = FileResult(paths[index], errors=[FileError(source=paths[index], message=result.message)])
        buffer[index] = result
        while nxt in buffer:
            yield buffer.pop(nxt)
            nxt += 1


@dataclass
class BatchOutcome:
    reports: list[Report] | Any  # a list, or a checker.store.ReportStore for large runs
    errors: list[FileError]
    cross: Iterator[tuple[int, list[Finding]]]  # cross-filing findings by evaluation key, in key order, lazily
    evaluations: int
    cached_files: int = 0
    index: CrossIndex | None = None
    cross_seconds: float = 0.0
    notes: list[str] = field(default_factory=list)  # what the user should know about the run (the cache)

    def close(self) -> None:
        if self.index is not None:
            self.index.close()


def run_batch(paths: list[str], rules: list[Rule], profile: dict[str, float], jobs: int, timeout: float | None,
              keep_models: bool, cache_dir: str | None, sink: Any,
              progress: Callable[[FileResult], None] | None = None, work_dir: Path | None = None,
              vocab: Vocabulary | None = None) -> BatchOutcome:
    """Check every path in local worker processes."""
    results = iterate_results(paths, (rules, profile, keep_models, cache_dir, vocab), jobs, timeout)
    return consume(results, rules, profile, sink, progress, work_dir)


def consume(results: Iterable[FileResult], rules: list[Rule], profile: dict[str, float], sink: Any,
            progress: Callable[[FileResult], None] | None = None, work_dir: Path | None = None) -> BatchOutcome:
    """Take per-file results in input order: reports to `sink.append`, features to the cross-filing index.

    The cross-filing findings come back as a lazy, key-ordered stream, so the caller can merge them into
    the reports one at a time; call `close()` on the outcome when done.
    """
    index = CrossIndex(work_dir / "cross.sqlite" if work_dir else None)
    errors: list[FileError] = []
    key = 0
    cached = 0
    notes: list[str] = []
    rejected = 0
    try:
        for result in results:
            errors.extend(result.errors)
            cached += result.cached
            rejected += result.cache_rejected
            if result.cache_error and not any(n.startswith("cache not written") for n in notes):
                notes.append(f"cache not written ({result.cache_error}); files are still checked")
            for packed, features in zip(result.reports, result.features, strict=True):
                features.meta.key = key
                if hasattr(sink, "append_packed"):
                    sink.append_packed(packed)
                else:
                    sink.append(pickle.loads(packed))
                index.add(features)
                key += 1
            if progress:
                progress(result)
    except BaseException:
        index.close()
        raise
    if rejected:
        notes.append(f"{rejected} cache entr{'y' if rejected == 1 else 'ies'} failed the integrity check and "
                     "were checked again")
    outcome = BatchOutcome(sink, errors, iter(()), key, cached, index, notes=notes)
    outcome.cross = _timed_cross(Checker(rules, profile), index, outcome)
    return outcome


def _timed_cross(checker: Checker, index: CrossIndex, outcome: BatchOutcome) -> Iterator[tuple[int, list[Finding]]]:
    """The cross-filing stage, grouped by evaluation key; its own time is added to outcome.cross_seconds."""
    stream = checker.cross(index)
    pending: tuple[int, Finding] | None = None
    while True:
        start = time.perf_counter()
        group: list[Finding] = []
        key = None
        if pending is not None:
            key, first = pending
            group.append(first)
            pending = None
        for k, finding in stream:
            if key is None:
                key = k
            if k != key:
                pending = (k, finding)
                break
            group.append(finding)
        outcome.cross_seconds += time.perf_counter() - start
        if key is None:
            return
        yield key, group
