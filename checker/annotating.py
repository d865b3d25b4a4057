"""`jxcheck annotate` and the page's annotated copies: check the files, then write each one's copy."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from checker.annotate import Annotated, annotate_file, output_path, reports_by_source
from checker.errors import JxError
from checker.findings import FileError
from checker.results import RunResult
from checker.run import Options, run


@dataclass
class AnnotateOutcome:
    result: RunResult
    copies: list[Annotated] = field(default_factory=list)
    errors: list[FileError] = field(default_factory=list)  # files read but not annotated


def annotate_paths(opts: Options, out_dir: Path, force: bool = False) -> AnnotateOutcome:
    """Check `opts.paths` (models kept) and write an annotated copy of every file that was read into
    `out_dir`. A file that cannot be copied is an error entry; the others are still written. The caller
    calls `outcome.result.cleanup()` when done."""
    opts.keep_models = True
    # the copies of an earlier run in DIR are never read as filings when a folder holding DIR is annotated
    opts.skip = [*opts.skip, str(out_dir)]
    result = run(opts)
    outcome = AnnotateOutcome(result)
    out_dir.mkdir(parents=True, exist_ok=True)
    annotate_reports(result, out_dir, outcome, force, paths=result.paths)
    return outcome


def annotate_reports(result: RunResult, out_dir: Path, outcome: AnnotateOutcome, force: bool = False,
                     paths: dict[str, str] | None = None) -> None:
    """The annotated copy of every file of a run into `out_dir` (`paths`: where a source's file lies when
    that is not its name, as for an upload). A file that cannot be copied is an error entry."""
    paths = paths or {}
    taken: set[Path] = set()
    for source, reports in reports_by_source(result).items():
        n = 1
        while (target := output_path(source, out_dir, n)) in taken:  # a/x.docx and b/x.docx in one run
            n += 1
        taken.add(target)
        try:
            outcome.copies.append(annotate_file(source, reports, out_dir, result.lang, force,
                                                path=paths.get(source), target=target,
                                                digest=result.digests.get(source)))
        except JxError as exc:  # named as the run names the file, never by where an upload lies
            named = source if exc.source == paths.get(source) else exc.source
            outcome.errors.append(FileError(source=named, where=exc.where, message=exc.message))
        except OSError as exc:
            outcome.errors.append(FileError(source=source, message=f"annotated copy not written: {exc.strerror}"))
        except Exception as exc:  # an odd file the copy's library cannot handle: that file's error, never the run's
            outcome.errors.append(FileError(source=source, message=f"annotated copy not written: internal error: "
                                                                   f"{type(exc).__name__}: {exc}"))
