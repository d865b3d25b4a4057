"""Annotated copies: each input file handed back with its findings written where they apply.

- .xlsx: a cell comment on every flagged cell, the cell filled by severity, and a 检查结果 sheet listing
  every finding with a link to its cell (`xlsx.py`);
- .docx: a Word comment anchored on the flagged cell's or paragraph's text, the cell shaded and the
  paragraph highlighted (`docx.py`);
- text export, YAML, JSON: an HTML page of the filing with the same marks (the HTML report's templates).

Findings without a place (a whole filing's) go to the copy's findings list (xlsx) or on the document's
first paragraph (docx). The original is only read; a copy never replaces an existing file unless asked.
"""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path

from checker.annotate.notes import Annotated
from checker.errors import JxError
from checker.results import Report, RunResult

SUFFIX = "_检查批注"  # seed.docx → seed_检查批注.docx


def output_path(source: str, out_dir: Path, n: int = 1) -> Path:
    """seed.docx → DIR/seed_检查批注.docx; the n-th file of that name in one run → seed_检查批注(n).docx."""
    p = Path(source)
    suffix = p.suffix.lower() if p.suffix.lower() in (".xlsx", ".docx") else ".html"
    return out_dir / f"{p.stem}{SUFFIX}{f'({n})' if n > 1 else ''}{suffix}"


def annotate_file(source: str, reports: list[Report], out_dir: Path, lang: str = "zh",
                  force: bool = False, path: str | None = None, target: Path | None = None,
                  digest: str | None = None) -> Annotated:
    """Write the annotated copy of `source` (read from `path` when the file lies elsewhere, as an upload
    does) into `out_dir` (as `target` when given); JxError if it cannot be written. `digest`: the SHA-256 of
    the bytes that were checked — a file replaced since is refused, never annotated with another's findings."""
    path = path or source
    target = target or output_path(source, out_dir)
    if target.exists() and not force:
        raise JxError(str(target), "already exists; give --force to replace it")
    if target.resolve() == Path(path).resolve():
        raise JxError(str(target), "would replace the original; choose another --output directory")
    suffix = Path(path).suffix.lower()
    if suffix in (".xlsx", ".docx"):
        data = Path(path).read_bytes()  # an OSError is the caller's "annotated copy not written"
        if digest and hashlib.sha256(data).hexdigest() != digest:
            raise JxError(source, "the file changed after it was checked; check it again to annotate it")
    if suffix == ".xlsx":
        from checker.annotate.xlsx import annotate_xlsx

        done = annotate_xlsx(path, data, reports, target, lang)
    elif suffix == ".docx":
        from checker.annotate.docx import annotate_docx

        done = annotate_docx(path, data, reports, target, lang)
    else:
        from checker.annotate.page import annotate_page

        done = annotate_page(path, reports, target, lang)
    done.source = source
    return done


def reports_by_source(result: RunResult) -> dict[str, list[Report]]:
    """Each file's reports; a filing joined from a report file and a table file is annotated in both, each
    with the findings whose place is in it."""
    out: dict[str, list[Report]] = {}
    for r in result.reports:
        if not r.sources:
            out.setdefault(r.source, []).append(r)
            continue
        for path in r.sources:
            part = dataclasses.replace(r, source=path, findings=[f for f in r.findings if (f.source or r.source) == path])
            out.setdefault(path, []).append(part)
    return out
