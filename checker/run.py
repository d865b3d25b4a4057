"""One `jxcheck check` run: settings → rules → read → check → per-path settings → waivers → baseline."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from checker.batch import BatchSpec, FileResult, consume, local_results
from checker.cache import CacheUnavailable, probe
from checker.config import ConfigError, Settings, load_active_forms, load_active_rules, per_path
from checker.display import decoded
from checker.engine.host import require_engine
from checker.findings import FileError
from checker.gate import (
    BaselineEntry,
    BaselineGate,
    WaiverGate,
    baseline_entries,
    read_baseline,
    read_waivers,
    write_baseline,
)
from checker.packed import ReportList, unpacked
from checker.progress import Progress
from checker.results import Report, RunResult, Skipped
from checker.store import ReportStore
from checker.walk import Walk, expand_paths, walk

__all__ = ["Options", "expand_paths", "run"]


@dataclass
class Options:
    paths: list[str]
    settings: Settings
    rule_dirs: list[str] = field(default_factory=list)
    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    lang: str | None = None
    baseline: str | None = None
    write_baseline: str | None = None
    waivers: str | None = None
    today: dt.date | None = None
    jobs: int | None = None  # None: CPU count; 0: in this process
    timeout: float | None = None
    cache_dir: str | None = None
    keep_models: bool = False  # renderers that show the tables (HTML) need the models
    progress: bool = False
    executor: str = "local"
    scheduler: str | None = None
    form_dirs: list[str] = field(default_factory=list)
    skip: list[str] = field(default_factory=list)  # this run's own outputs, baseline and waivers: never read as filings
    on_file: Callable[[FileResult], None] | None = None  # told of each file checked (the page's progress)
    json_lang: str | None = None  # the run is written as JSON in this language: workers render it
    join: bool = True  # a report and a table of one project in two files are one filing
    skip_non_filings: bool = False  # a named file with no filing in it is skipped with a note, as in a walk


SPILL_AFTER = 2000  # files: beyond this, reports are spilled to disk instead of kept in memory


def run(opts: Options) -> RunResult:
    require_engine()  # one sentence on what to do, not a worker's traceback per file
    settings = opts.settings
    problems = settings.problems(writing_baseline=bool(opts.write_baseline))
    try:
        rules = load_active_rules(settings, opts.rule_dirs, opts.select, opts.ignore) if not problems else []
    except ConfigError as exc:  # unknown rule ids or parameters: reported with the rest
        problems.append(exc.message)
    if problems:
        raise ConfigError(settings.path or "settings", "; ".join(problems))
    vocab = load_active_forms(settings, opts.form_dirs)
    profile = settings.weights_profile()
    found = walk(opts.paths, opts.exclude, own_files(opts, settings))
    paths = found.files
    jobs = os.cpu_count() or 1 if opts.jobs is None else opts.jobs
    notes: list[str] = []
    if opts.cache_dir:
        try:
            probe(opts.cache_dir)
        except CacheUnavailable as exc:
            notes.append(f"result cache off: {exc}")
            opts.cache_dir = None
    work = tempfile.TemporaryDirectory(prefix="jxcheck-")
    large = len(paths) > SPILL_AFTER
    sink: ReportList | ReportStore = ReportStore(work.name) if large else ReportList()
    progress = Progress(len(paths)) if opts.progress else None
    spec = BatchSpec(rules, profile, opts.keep_models, opts.cache_dir, vocab, opts.json_lang, opts.join)
    if opts.executor == "dask":
        from checker.dask_executor import dask_results

        results = dask_results(paths, spec, opts.scheduler, opts.timeout)
    else:
        results = local_results(paths, spec, jobs, opts.timeout)
    try:
        outcome = consume(results, spec, sink, _told(progress.update if progress else None, opts.on_file),
                          Path(work.name) if large else None)
    finally:
        if progress:
            progress.close()
    final: ReportList | ReportStore = ReportStore(work.name) if large else ReportList()
    gate = _Gate(opts, settings)
    by_id = {r.id: r for r in rules}
    untouched = not settings.per_path and gate.idle  # reports pass through as their workers packed them
    try:
        for item in outcome.merged():
            if untouched:
                final.append(item)
                continue
            report = unpacked(item)
            report.findings = [f for f in (per_path(f, report.source, settings, by_id) for f in report.findings)
                               if f is not None]
            gate.apply(report)
            final.append(report)
    finally:
        outcome.close()
        if isinstance(sink, ReportStore):
            sink.close()
    if opts.skip_non_filings:  # pre-commit names every file its pattern matches
        found.walked.update(decoded(p) for p in found.files)
    errors, skipped = _skipped(found, [*found.errors, *outcome.errors])
    result = RunResult(reports=final, errors=errors, files=len(paths) - len(skipped) + len(found.skipped),
                       rules=rules, lang=opts.lang or settings.lang or "zh", skipped=skipped,
                       other_files=sum(found.other.values()),
                       paths={decoded(p): p for p in paths if decoded(p) != p}, digests=outcome.digests)
    result.stats = {"evaluations": outcome.evaluations, "cross_seconds": round(outcome.cross_seconds, 3),
                    "cached_files": outcome.cached_files, "notes": notes + outcome.notes,
                    "settings_file": settings.path, "other_kinds": sorted(found.other)}
    gate.finish(result)
    result.cleanup = work.cleanup
    return result


def own_files(opts: Options, settings: Settings) -> list[str]:
    """The run's own files and folders — settings, waivers, baseline, output, rule packs, form vocabularies —
    which a folder walk passes over."""
    named = [settings.path, settings.waivers, settings.baseline, *settings.rules, *settings.forms]
    return [*opts.skip, *opts.rule_dirs, *opts.form_dirs, *(str(settings.resolve(p)) for p in named if p)]


def _skipped(found: Walk, errors: list[FileError]) -> tuple[list[FileError], list[Skipped]]:
    """A file a walk came across that holds no filing is skipped with a note, not an error; named, it is one."""
    skipped = list(found.skipped)
    kept = []
    for e in errors:
        if e.kind == "not_a_filing" and e.source in found.walked:
            skipped.append(Skipped(e.source, "not_a_filing", e.message))
        else:
            kept.append(e)
    return kept, skipped


def _told(*listeners: Callable[[FileResult], None] | None) -> Callable[[FileResult], None] | None:
    present = [f for f in listeners if f is not None]
    if len(present) <= 1:
        return present[0] if present else None

    def tell(result: FileResult) -> None:
        for f in present:
            f(result)
    return tell


class _Gate:
    """Waivers, baseline writing and baseline filtering, applied report by report."""

    def __init__(self, opts: Options, settings: Settings) -> None:
        waivers = opts.waivers or (str(settings.resolve(settings.waivers)) if settings.waivers else None)
        self.waivers = WaiverGate(read_waivers(Path(waivers)), opts.today or dt.date.today()) if waivers else None
        baseline = opts.baseline or (str(settings.resolve(settings.baseline)) if settings.baseline else None)
        self.write_to = Path(opts.write_baseline) if opts.write_baseline else None
        self.entries: list[BaselineEntry] = []
        self.baseline = BaselineGate(read_baseline(Path(baseline))) if baseline and not self.write_to else None

    @property
    def idle(self) -> bool:
        return self.waivers is None and self.write_to is None and self.baseline is None

    def apply(self, report: Report) -> None:
        if self.waivers:
            self.waivers.apply(report)
        if self.write_to:
            self.entries.extend(baseline_entries(report))
        if self.baseline:
            self.baseline.apply(report)

    def finish(self, result: RunResult) -> None:
        if self.waivers:
            result.waivers = self.waivers.result()
        if self.write_to:
            write_baseline(self.write_to, self.entries)
        if self.baseline:
            result.baseline = self.baseline.result()
