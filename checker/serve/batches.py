"""The page's batches: each upload checked in the background on the worker pool, its downloads written.

A batch's uploaded files are deleted as soon as it is checked; what stays (the annotated copies and the
reports) lives in the batch's own directory until the batch expires or the server stops.
"""

from __future__ import annotations

import secrets
import shutil
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from checker.annotate import output_path
from checker.annotating import AnnotateOutcome, annotate_reports
from checker.config import PROFILES, Settings, split_ids
from checker.errors import JxError
from checker.findings import FileError
from checker.i18n import localise
from checker.output import emit
from checker.render import FORMATS
from checker.results import RunResult
from checker.run import Options, run
from checker.serve.pages import batch_page
from checker.serve.uploads import Upload

DOWNLOADS = (  # (format, file name, media type)
    ("html", "检查报告.html", "text/html; charset=utf-8"),
    ("xlsx", "检查底稿.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("json", "检查结果.json", "application/json"),
    ("sarif", "检查结果.sarif", "application/sarif+json"),
)
MEDIA = {".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
         ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".html": "text/html; charset=utf-8"}


@dataclass
class ServeSettings:
    """What the server was started with; `settings` fixed by a settings file, or chosen on the page."""

    settings: Settings | None = None
    rule_dirs: list[str] = field(default_factory=list)
    form_dirs: list[str] = field(default_factory=list)
    jobs: int = 2
    timeout: float = 60.0
    executor: str = "local"  # or "dask": a region's checks on a cluster
    scheduler: str | None = None
    keep_seconds: float = 3600.0
    keep_batches: int = 50  # finished batches kept; the oldest goes when a newer one finishes past this
    max_pending: int = 20  # batches being uploaded, queued or checked at once; more is 429
    sweep_seconds: float = 60.0  # how often expired batches are removed, uploads or not


FINISHED = ("done", "failed")


class Busy(Exception):
    """Too many batches in flight: the upload is refused before a byte is read (429)."""

    def __init__(self, pending: int) -> None:
        super().__init__(f"too many checks waiting ({pending}); try again in a few minutes")


@dataclass
class Batch:
    id: str
    names: list[str]
    lang: str
    status: str = "uploading"  # uploading, queued, running, done, failed
    done: int = 0
    message: str = ""  # why a failed batch failed
    errors: list[FileError] = field(default_factory=list)
    downloads: dict[str, tuple[Path, str]] = field(default_factory=dict)  # name → (file, media type)
    copies: list[tuple[str, str]] = field(default_factory=list)  # (source, download name)
    pages: dict[str, Path] = field(default_factory=dict)  # lang → the rendered result page
    created: float = field(default_factory=time.time)
    finished: float = 0.0  # when its check ended: what it is kept from

    @property
    def report_names(self) -> list[str]:
        copies = {name for _, name in self.copies}
        return [name for name in self.downloads if name not in copies]

    def status_dict(self) -> dict[str, Any]:
        return {"id": self.id, "status": self.status, "files": len(self.names), "done": self.done,
                "message": self.message, "url": f"/batches/{self.id}"}


class Batches:
    """The batches of one server; all removed with the server's directory. Finished batches are kept for
    `keep_seconds`, at most `keep_batches` of them (the oldest goes first); a batch in flight (uploading,
    queued, running) never pushes a finished one out, and at most `max_pending` are in flight."""

    def __init__(self, root: Path, serve: ServeSettings) -> None:
        self.root = root
        self.serve = serve
        self._batches: OrderedDict[str, Batch] = OrderedDict()
        self._lock = threading.Lock()
        self._run_lock = threading.Lock()  # one batch on the worker pool at a time
        self._stop = threading.Event()
        self._sweeper: threading.Thread | None = None

    def new(self, lang: str) -> tuple[Batch, Path]:
        """A batch for an upload about to be read; Busy when `max_pending` are in flight."""
        with self._lock:
            self._expire()
            pending = sum(1 for b in self._batches.values() if b.status not in FINISHED)
            if pending >= self.serve.max_pending:
                raise Busy(pending)
            batch = Batch(secrets.token_urlsafe(12), [], lang)
            self._batches[batch.id] = batch
            if self._sweeper is None:
                self._sweeper = threading.Thread(target=self._sweep, daemon=True, name="jxcheck-expiry")
                self._sweeper.start()
        directory = self.root / batch.id
        (directory / "upload").mkdir(parents=True, mode=0o700)
        return batch, directory

    def get(self, batch_id: str) -> Batch | None:
        with self._lock:
            return self._batches.get(batch_id)

    def drop(self, batch_id: str) -> None:
        with self._lock:
            self._batches.pop(batch_id, None)
        shutil.rmtree(self.root / batch_id, ignore_errors=True)

    def close(self) -> None:
        self._stop.set()

    def expire(self) -> None:
        with self._lock:
            self._expire()

    def _sweep(self) -> None:
        while not self._stop.wait(self.serve.sweep_seconds):
            self.expire()

    def _expire(self) -> None:
        now = time.time()
        finished = [(bid, b) for bid, b in self._batches.items() if b.status in FINISHED]
        over = len(finished) - self.serve.keep_batches
        for n, (bid, b) in enumerate(finished):  # oldest first
            if n < over or now - (b.finished or b.created) > self.serve.keep_seconds:
                self._batches.pop(bid)
                shutil.rmtree(self.root / bid, ignore_errors=True)

    def start(self, batch: Batch, directory: Path, upload: Upload) -> None:
        batch.names = _unique([name for name, _ in upload.files])
        batch.status = "queued"
        threading.Thread(target=self._check, args=(batch, directory, upload), daemon=True,
                         name=f"jxcheck-batch-{batch.id}").start()

    def _check(self, batch: Batch, directory: Path, upload: Upload) -> None:
        result = None
        status = "failed"
        try:
            with self._run_lock:
                batch.status = "running"
                result = check_batch(self.serve, batch, directory, upload)
            status = "done"
        except JxError as exc:  # a bad rule pack or setting: the same message the command line gives
            place = f" ({exc.where})" if exc.where else ""
            text = f"{exc.source}{place}: {localise(exc.message, batch.lang)}"
            for name, path in upload.rule_files:  # the rule pack by the name it was sent with
                text = text.replace(str(path), name)
            batch.message = text
        except Exception as exc:  # the server stays up and says what happened
            batch.message = f"internal error: {type(exc).__name__}: {exc}"
        finally:
            shutil.rmtree(directory / "upload", ignore_errors=True)  # uploads never outlive their check
            if result is not None and result.cleanup:
                result.cleanup()
            batch.finished = time.time()
            batch.status = status  # last: a finished batch has no uploads left
            self.expire()  # a batch past the number kept goes now, not at the next upload

def check_batch(serve: ServeSettings, batch: Batch, directory: Path, upload: Upload) -> RunResult:
    """Check an upload's files as one run: the downloads (annotated copies, reports) and the result page in both
    languages written into `directory`; the page's batches and the service's checks alike."""
    fields = upload.fields
    if serve.settings is not None:  # fixed by the server's settings file
        settings, select, ignore = serve.settings, [], []
    else:
        profile = fields.get("profile") or None
        if profile is not None and profile not in PROFILES:
            raise JxError("profile", f"unknown profile {profile!r}; use one of {', '.join(PROFILES)}")
        settings, select, ignore = Settings(profile=profile), _ids(fields.get("select")), _ids(fields.get("ignore"))
    rule_dirs = list(serve.rule_dirs)
    if upload.rule_files:
        rule_dirs.append(str(upload.rule_files[0][1].parent))
    real = {str(path): name for (_, path), name in zip(upload.files, batch.names, strict=True)}
    paths = list(real)

    def tick(_: object) -> None:
        batch.done += 1

    result = run(Options(paths=paths, settings=settings, rule_dirs=rule_dirs, select=select, ignore=ignore,
                         lang=batch.lang, jobs=serve.jobs, timeout=serve.timeout, keep_models=True,
                         form_dirs=serve.form_dirs, on_file=tick, executor=serve.executor,
                         scheduler=serve.scheduler))
    if len(result.reports) > 5000:
        raise JxError("upload", "too many filings for one page; use jxcheck check on the command line")
    result.reports = list(result.reports)  # objects: the page relabels and shows them
    _relabel(result, real)
    out = directory / "out"
    out.mkdir(mode=0o700)
    annotated = AnnotateOutcome(result)
    annotate_reports(result, out, annotated, paths={name: path for path, name in real.items()})
    batch.errors += annotated.errors
    for copy in annotated.copies:
        batch.downloads[copy.output.name] = (copy.output, MEDIA[copy.output.suffix])
        batch.copies.append((copy.source, copy.output.name))
    for fmt, name, media in DOWNLOADS if result.reports else ():  # no filing read: no empty reports
        target = out / name
        emit(FORMATS[fmt].render(result), str(target))
        batch.downloads[name] = (target, media)
    batch.errors[:0] = result.errors
    # the result page in both languages, rendered now: a finished batch keeps files, not the models
    for lang in ("zh", "en"):
        path = directory / f"page.{lang}.html"
        path.write_text(batch_page(batch, result, lang), encoding="utf-8")
        batch.pages[lang] = path
    return result


def _ids(value: str | None) -> list[str]:
    return split_ids([(value or "").replace("，", ",")])  # a Chinese keyboard's comma too


def _unique(names: list[str]) -> list[str]:
    """Names as uploaded; a repeated name gets (2), (3) … before its extension."""
    seen: set[str] = set()
    copies: set[str] = set()  # a.txt and a.yaml would both be annotated as a_检查批注.html
    out = []
    for name in names:
        candidate, n = name, 2
        while candidate in seen or output_path(candidate, Path()).name in copies:
            stem, dot, ext = name.rpartition(".")
            candidate = f"{stem} ({n}).{ext}" if dot else f"{name} ({n})"
            n += 1
        seen.add(candidate)
        copies.add(output_path(candidate, Path()).name)
        out.append(candidate)
    return out


def _relabel(result: RunResult, names: dict[str, str]) -> None:
    """The uploaded file's own name wherever the temporary path stood (sources, findings, errors)."""
    def name(source: str | None) -> str | None:
        return names.get(source, source) if source is not None else None

    assert isinstance(result.reports, list)
    for r in result.reports:
        r.source = name(r.source) or ""
        for f in r.findings:
            f.source = name(f.source) or ""
            for o in f.evidence.others:
                o.source = name(o.source)
    for e in result.errors:
        e.source = name(e.source) or ""
    result.digests = {name(k) or k: v for k, v in result.digests.items()}

