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
from checker.display import decoded
from checker.engine import EngineError
from checker.errors import JxError
from checker.facts.cross.features import CrossFeatures
from checker.facts.cross.index import CrossIndex
from checker.findings import FileError, Finding
from checker.joining import Half, HalfKey, find_pairs, half_of, merge, place_findings
from checker.model import Evaluation, Filing
from checker.output import write_atomic
from checker.packed import PackedReport, ReportList, items, pack, unpacked
from checker.pool import WorkerFailure, run_ordered, tune_gc
from checker.readers import file_bytes, read_bytes
from checker.readers.layout import finish_evaluation
from checker.readers.layout.vocabulary import Vocabulary, default_vocabulary
from checker.render.json_out import finding_json, report_json_parts
from checker.results import Report, Reports
from checker.rulebook import Rule

# Fault injection for the crash/timeout tests: "crash:NAME" kills, "hang:NAME" stalls the worker that
# checks a file whose path contains NAME; "fail:PROJECT" makes the engine fail on that project's filing.
# Never set in normal use.
FAULT_ENV = "JXCHECK_FAULT_INJECT"


@dataclass
class FileResult:
    path: str
    # each report packed as plain data in the worker (checker/packed.py): the main process stores and
    # writes them as they are, unpacking one only when its findings change
    reports: list[PackedReport] = field(default_factory=list)
    features: list[CrossFeatures] = field(default_factory=list)
    errors: list[FileError] = field(default_factory=list)
    findings: int = 0
    cached: bool = False
    cache_rejected: bool = False  # an entry was there but failed its integrity check
    cache_error: str | None = None  # the cache could not be written
    halves: list[Half] = field(default_factory=list)  # reports that are one half of a filing kept in two files
    digest: str = ""  # SHA-256 of the bytes checked: an annotated copy is made of these bytes or not at all


@dataclass(frozen=True)
class BatchSpec:
    """What every worker needs to check files; sent once to each worker."""

    rules: list[Rule]
    profile: dict[str, float] = field(default_factory=dict)  # empty: each filing's own form's scheme
    keep_models: bool = False  # renderers that show the tables (HTML) need the models
    cache_dir: str | None = None
    vocab: Vocabulary | None = None
    json_lang: str | None = None  # the run writes JSON in this language: workers render each report's part
    join: bool = True  # a report and a table of one project in two files are checked as one filing

    @functools.cached_property
    def digest(self) -> str:
        """Everything besides a file that decides its findings: rules, profile, vocabulary, jxcheck's version
        and code, and whether the model is kept."""
        payload = pickle.dumps(([r.model_dump(mode="json") for r in self.rules], sorted(self.profile.items()),
                                __version__, _code_hash()))
        vocab = self.vocab.digest if self.vocab is not None else default_vocabulary().digest
        return hashlib.sha256(payload).hexdigest()[:24] + vocab + ("m" if self.keep_models else "")


@dataclass
class WorkerState:
    checker: Checker
    spec: BatchSpec
    vocab: Vocabulary
    cache_dir: Path | None
    cache_key: bytes | None = None


@functools.cache
def _code_hash() -> str:
    """A changed reader or fact must not be served from an old cache, even at the same version number."""
    h = hashlib.sha256()
    for f in sorted(Path(__file__).resolve().parent.rglob("*.py")):
        h.update(f.read_bytes())
    return h.hexdigest()


def init_worker(spec: BatchSpec) -> WorkerState:
    cache_dir = spec.cache_dir
    key = None
    if cache_dir:
        try:
            key = load_key(create=True)
        except CacheUnavailable:
            cache_dir = None  # the run already warned when it probed the cache
    state = WorkerState(Checker(spec.rules, spec.profile), spec, spec.vocab or default_vocabulary(),
                        Path(cache_dir) if cache_dir else None, key)
    tune_gc(freeze=True)
    return state


def check_file(path: str, state: WorkerState) -> FileResult:
    _fault(path)
    # the file is read by its name on disk and named by what it shows: a name in GBK bytes is decoded
    label = decoded(path)
    result = FileResult(label)
    try:
        data = file_bytes(path)
    except JxError as exc:
        result.errors.append(FileError(**{**exc.to_dict(), "source": label}))
        return result
    result.digest = hashlib.sha256(data).hexdigest() if state.spec.keep_models else ""
    cache_file = _cache_file(state, label, data)
    if cache_file is not None and cache_file.is_file():
        hit = _from_cache(cache_file, state, label)
        if hit is not None:
            hit.digest = result.digest
            return hit
        result.cache_rejected = True
    try:
        filings = read_bytes(data, label, state.vocab)
    except JxError as exc:
        result.errors.append(FileError(**exc.to_dict()))
        filings = []
    except RecursionError:
        result.errors.append(FileError(source=label, message="nested too deeply to read"))
        filings = []
    except Exception as exc:  # a reader bug is this file's error entry, never a dead batch
        if os.environ.get("JXCHECK_DEBUG") or isinstance(exc, MemoryError):  # the worker ends, the file is named
            raise
        result.errors.append(FileError(source=label, message=f"internal error while reading: "
                                                            f"{type(exc).__name__}: {exc}"))
        filings = []
    reports = evaluate_filings(filings, state, result)
    if cache_file is not None and state.cache_key is not None:
        try:
            cache_file.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(cache_file, dump_entry(result, reports, state.cache_key))
        except OSError as exc:
            result.cache_error = f"{cache_file.parent}: {exc.strerror}"
    return result


def evaluate_filings(filings: list[Filing], state: WorkerState, result: FileResult) -> list[Report]:
    """Every evaluation of the filings checked; its reports and features (and any error) go to `result`."""
    reports: list[Report] = []
    position = -1
    for filing in filings:
        for ev in filing.evaluations:
            position += 1
            try:
                if os.environ.get(FAULT_ENV) == f"fail:{ev.project}":
                    raise EngineError("rule action failed: boom")
                report, features = state.checker.evaluate(ev, filing.source, len(reports), state.spec.keep_models)
            except Exception as exc:  # one filing's failure is an error entry naming it, never a dead batch
                if (os.environ.get("JXCHECK_DEBUG") and not isinstance(exc, JxError)) or isinstance(exc, MemoryError):
                    raise
                result.errors.append(_failure(filing.source, ev.project, exc))
                continue
            half = half_of(ev)
            if half is not None:
                result.halves.append((len(reports), position, *half))
            reports.append(report)
            result.findings += len(report.findings)
            result.features.append(features)
    result.reports = [_pack(r, state.spec) for r in reports]
    return reports


def _pack(report: Report, spec: BatchSpec) -> PackedReport:
    lang = spec.json_lang
    return pack(report, report_json_parts(report, lang) if lang else None, lang)


def _failure(source: str, project: str, exc: Exception, stage: str = "") -> FileError:
    cause = exc.message if isinstance(exc, JxError) else f"{type(exc).__name__}: {exc}"
    return FileError(source=source, where=f"filing {project or '?'}", message=f"could not be checked{stage}: {cause}")


def _from_cache(cache_file: Path, state: WorkerState, path: str) -> FileResult | None:
    """A verified entry, or None: an entry that fails its signature or holds bad data is never used."""
    try:
        doc = load_entry(cache_file.read_bytes(), state.cache_key or b"")
    except OSError:
        return None
    if doc is None or doc["path"] != path:
        return None
    return FileResult(path, reports=[_pack(r, state.spec) for r in doc["reports"]],
                      features=doc["features"], errors=doc["errors"], findings=doc["findings"], cached=True,
                      halves=doc["halves"])


def _cache_file(state: WorkerState, path: str, data: bytes) -> Path | None:
    if state.cache_dir is None:
        return None
    h = entry_name(data, path, state.spec.digest)
    return state.cache_dir / h[:2] / f"{h}.json"


def _fault(path: str) -> None:
    spec = os.environ.get(FAULT_ENV, "")
    kind, _, name = spec.partition(":")
    if not name or name not in path:
        return
    if kind == "crash":
        import faulthandler

        faulthandler.disable()  # the deliberate crash of a test prints no "Fatal Python error" dump
        os.kill(os.getpid(), signal.SIGSEGV)
    elif kind == "hang":
        time.sleep(3600)


def local_results(paths: list[str], spec: BatchSpec, jobs: int = 0, timeout: float | None = None) -> Iterator[FileResult]:
    """FileResults in input order from local worker processes; jobs=0 checks in this process (no crash
    isolation)."""
    for index, result in run_ordered(paths, check_file, init_worker, (spec,), jobs, timeout):
        if isinstance(result, WorkerFailure):
            result = FileResult(paths[index], errors=[FileError(source=paths[index], message=result.message)])
        yield result


@dataclass
class BatchOutcome:
    """The per-file stage done; `merged()` runs the cross-filing stage while the reports are read."""

    reports: Reports  # a list, or a checker.store.ReportStore for large runs
    errors: list[FileError]
    evaluations: int
    checker: Checker
    index: CrossIndex
    cached_files: int = 0
    cross_seconds: float = 0.0
    notes: list[str] = field(default_factory=list)  # what the user should know about the run (the cache)
    # reports replaced after every file was read: a joined filing in its first half's place (None: dropped,
    # the second half), a half that could belong to several others with a warning saying so
    replaced: dict[int, PackedReport | None] = field(default_factory=dict)
    warned: dict[int, list[str]] = field(default_factory=dict)  # reader warnings found after the files were read
    joined: dict[int, tuple[str, str]] = field(default_factory=dict)  # a joined filing's report and table files
    spec: BatchSpec | None = None
    digests: dict[str, str] = field(default_factory=dict)  # file → SHA-256 of the bytes checked (models kept)

    def merged(self) -> Iterator[PackedReport]:
        """Each report with its cross-filing findings, in document order. Both streams are in key order, so
        an archive's reports are merged one at a time; the findings are spliced into each report as its
        worker packed it, never unpacked here."""
        cross = self._cross()
        pending = next(cross, None)
        for key, item in enumerate(items(self.reports)):
            if key in self.replaced:
                item = self.replaced[key]
                if item is None:
                    continue
            if key in self.warned and self.spec is not None:
                report = unpacked(item)
                report.warnings += [w for w in self.warned[key] if w not in report.warnings]
                item = _pack(report, self.spec)
            assert isinstance(item, PackedReport)  # `consume` stores reports as their workers packed them
            if pending is not None and pending[0] == key:
                if key in self.joined:
                    place_findings(pending[1], *self.joined[key])
                item.add(pending[1], finding_json)
                pending = next(cross, None)
            yield item

    def _cross(self) -> Iterator[tuple[int, list[Finding]]]:
        """The cross-filing findings by evaluation key; the stage's own time goes to cross_seconds. An
        evaluation whose cross-filing facts fail the engine becomes an error entry naming it."""
        stream = self.index.facts()
        while True:
            start = time.perf_counter()
            item = next(stream, None)
            findings: list[Finding] = []
            if item is not None:
                key, source, records = item
                try:
                    findings = self.checker.findings(records, source)
                except Exception as exc:
                    if os.environ.get("JXCHECK_DEBUG") and not isinstance(exc, JxError):
                        raise
                    self.errors.append(_failure(source, records[0].fact.get("project", ""), exc,
                                                " in the cross-filing stage"))
            self.cross_seconds += time.perf_counter() - start
            if item is None:
                return
            if findings:
                yield key, findings

    def close(self) -> None:
        self.index.close()


Resolver = Callable[[str, int], Evaluation]  # (path, evaluation position) → the evaluation, read again


def consume(results: Iterable[FileResult], spec: BatchSpec, sink: Any,
            progress: Callable[[FileResult], None] | None = None, work_dir: Path | None = None,
            resolve: Resolver | None = None) -> BatchOutcome:
    """Take per-file results in input order (from local workers, a cluster or this process): reports to
    `sink.append`, features to the cross-filing index; then join the halves of filings kept in two files
    (`resolve` reads a half again; by default from its file). Call `close()` on the outcome when done."""
    index = CrossIndex(work_dir / "cross.sqlite" if work_dir else None)
    errors: list[FileError] = []
    key = 0
    cached = 0
    notes: list[str] = []
    rejected = 0
    halves: list[HalfKey] = []
    digests: dict[str, str] = {}
    try:
        for result in results:
            errors.extend(result.errors)
            if result.digest:
                digests[result.path] = result.digest
            cached += result.cached
            rejected += result.cache_rejected
            if result.cache_error and not any(n.startswith("cache not written") for n in notes):
                notes.append(f"cache not written ({result.cache_error}); files are still checked")
            first = key
            for packed, features in zip(result.reports, result.features, strict=True):
                features.meta.key = key
                sink.append(packed)
                index.add(features)
                key += 1
            halves += [HalfKey(first + pos, result.path, pos, ev_pos, kind, project, unit, year)
                       for pos, ev_pos, kind, project, unit, year in result.halves]
            if progress:
                progress(result)
    except BaseException:
        index.close()
        raise
    finally:
        if hasattr(results, "close"):  # a generator holding workers or a cluster client lets them go
            results.close()
    if rejected:
        notes.append(f"{rejected} cache entr{'y' if rejected == 1 else 'ies'} failed the integrity check and "
                     "were checked again")
    outcome = BatchOutcome(sink, errors, key, Checker(spec.rules, spec.profile), index, cached, notes=notes,
                           spec=spec, digests=digests)
    if spec.join and halves:
        try:
            _join(outcome, halves, spec, resolve or _reader(spec))
        except BaseException:
            index.close()
            raise
    return outcome


def _reader(spec: BatchSpec) -> Resolver:
    """A half read again from its file (only the halves that are joined are read twice)."""
    cache: dict[str, list[Evaluation]] = {}

    def resolve(path: str, position: int) -> Evaluation:
        if path not in cache:
            cache[path] = [ev for f in read_bytes(file_bytes(path), path, spec.vocab) for ev in f.evaluations]
        return cache[path][position]
    return resolve


def _join(outcome: BatchOutcome, halves: list[HalfKey], spec: BatchSpec, resolve: Resolver) -> None:
    """Check each report + table pair as one filing in the first half's place; say where a half could
    belong to several."""
    pairing = find_pairs(halves)
    for report_half, table_half in pairing.pairs:
        first, second = sorted((report_half.key, table_half.key))
        try:
            ev = merge(resolve(report_half.path, report_half.eval_pos), resolve(table_half.path, table_half.eval_pos))
            finish_evaluation(ev, spec.vocab or default_vocabulary(), "docx")
            report, features = outcome.checker.evaluate(ev, table_half.path, first, spec.keep_models)
        except Exception as exc:  # the halves stay as they were checked, each on its own
            if os.environ.get("JXCHECK_DEBUG") and not isinstance(exc, JxError):
                raise
            outcome.notes.append(f"{report_half.path} and {table_half.path} not joined: {exc}")
            continue
        place_findings(report.findings, report_half.path, table_half.path)
        report.sources = [report_half.path, table_half.path]
        outcome.replaced[first] = _pack(report, spec)
        outcome.replaced[second] = None
        outcome.joined[first] = (report_half.path, table_half.path)
        outcome.index.remove(first)
        outcome.index.remove(second)
        features.meta.key = first
        outcome.index.add(features)
        outcome.evaluations -= 1
    for half, others in pairing.ambiguous:
        names = "、".join(f"{Path(o.path).name}（{o.project}）" for o in others)
        kind = "table" if half.kind == "report" else "report"
        message = f"{half.path} ({half.project}) could belong to more than one {kind} — {names}; not joined"
        outcome.notes.append(message)
        outcome.warned.setdefault(half.key, []).append(message)


def check_filings(filings: list[Filing], spec: BatchSpec) -> tuple[list[Report], list[FileError]]:
    """Filings already read, checked in this process along the same path as a batch with no workers."""
    state = init_worker(spec)
    results = []
    for filing in filings:  # one result a filing, as one a file: halves of two filings may be joined
        result = FileResult(filing.source)
        evaluate_filings([filing], state, result)
        results.append(result)
    by_source: dict[str, Filing] = {}
    for f in filings:
        by_source.setdefault(f.source, f)
    outcome = consume(results, spec, ReportList(), resolve=lambda path, pos: by_source[path].evaluations[pos])
    try:
        reports = [unpacked(x) for x in outcome.merged()]
    finally:
        outcome.close()
    return reports, outcome.errors
