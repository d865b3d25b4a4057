"""The files a run reads: paths as given, folders walked, and every file a walk passes over accounted for.

A file named on the command line is always read (and refused with a reason if it cannot be). A folder walk
reads the formats jxcheck knows and lists what it leaves out, by reason: a format a filing may be in but
jxcheck cannot read (.doc, .xls, .pdf …), the run's own files (settings, waivers, baseline, rule packs,
form vocabularies, its output), and — decided by the reader, later — a readable file with nothing of a
filing in it. Hidden folders (.git, .github) are not walked.
"""

from __future__ import annotations

import fnmatch
import glob
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from checker.annotate import SUFFIX
from checker.display import decoded
from checker.findings import FileError
from checker.results import Skipped

# formats a self-evaluation is published in that jxcheck does not read: each with what a clerk can do
UNSUPPORTED: dict[str, str] = {
    ".doc": "Word 97-2003 .doc is not supported: open it in WPS or Word and save it as .docx",
    ".wps": "WPS .wps is not supported: open it in WPS and save it as .docx",
    ".rtf": ".rtf is not supported: open it in WPS or Word and save it as .docx",
    ".odt": ".odt is not supported: open it in WPS, Word or LibreOffice and save it as .docx",
    ".xls": "Excel 97-2003 .xls is not supported: open it in WPS or Excel and save it as .xlsx",
    ".et": "WPS .et is not supported: open it in WPS and save it as .xlsx",
    ".ods": ".ods is not supported: open it in WPS, Excel or LibreOffice and save it as .xlsx",
    ".csv": ".csv is not supported: open it in WPS or Excel and save it as .xlsx",
    ".pdf": "PDF is not supported: use the .docx/.xlsx the PDF was made from",
    ".ofd": "OFD is not supported: use the .docx/.xlsx the OFD was made from",
}


@dataclass
class Walk:
    files: list[str] = field(default_factory=list)  # to read, in order
    walked: set[str] = field(default_factory=set)  # of those, the ones a folder walk found (not named)
    skipped: list[Skipped] = field(default_factory=list)
    other: Counter = field(default_factory=Counter)  # files of no filing format, by suffix (.md, .png …)
    errors: list[FileError] = field(default_factory=list)  # folders that could not be listed


def _readable_somewhere(folder: str, files: list[Path], out: Walk) -> None:
    """A folder given to check that holds no file jxcheck can read (only .doc, .pdf …) is an error, not a
    clean run."""
    from checker.readers import SUPPORTED_SUFFIXES

    if any(f.suffix.lower() in SUPPORTED_SUFFIXES for f in files):
        return
    kinds = sorted({f.suffix.lower() or "(no extension)" for f in files})
    found = f"only {', '.join(kinds)} files" if files else "no files"
    out.errors.append(FileError(source=folder, message=f"no filing jxcheck can read in this directory ({found}); "
                                                       f"supported: {', '.join(sorted(SUPPORTED_SUFFIXES))} — open "
                                                       ".doc/.xls in WPS or Word/Excel and save them as .docx/.xlsx"))


def _listed(root: Path, out: Walk) -> list[Path]:
    """Every file under `root`, sorted, hidden files and folders (.git) left out, symbolic links to folders not
    followed. A folder that cannot be listed is an error naming it — never silently nothing to check."""
    found: list[Path] = []

    def failed(exc: OSError) -> None:
        where = exc.filename if exc.filename is not None else root
        out.errors.append(FileError(source=decoded(str(where)),
                                    message=f"folder cannot be listed: {exc.strerror or exc}"))

    for folder, dirs, names in os.walk(root, onerror=failed):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found.extend(Path(folder) / n for n in names if not n.startswith("."))
    return sorted(found)


def walk(paths: list[str], exclude: list[str] | None = None, own: list[str] | None = None) -> Walk:
    """Files as given, directories walked and glob patterns expanded, minus --exclude globs; sorted per
    argument, in argument order, each file once. `own`: the run's own files (settings, waivers, baseline,
    output, rule and form folders), never read as filings when a walk comes across them."""
    from checker.readers import SUPPORTED_SUFFIXES

    mine = [Path(s).resolve() for s in own or []]
    out = Walk()
    for p in paths:
        path = Path(p)
        if path.is_dir():
            said = len(out.errors)
            listed = [f for f in _listed(path, out) if f.is_file()]
            if len(out.errors) == said:  # a folder it could not list has said so: "nothing readable" may be wrong
                _readable_somewhere(p, listed, out)
            for f in listed:
                suffix = f.suffix.lower()
                if suffix in UNSUPPORTED:
                    out.skipped.append(Skipped(decoded(str(f)), "unsupported", UNSUPPORTED[suffix]))
                elif suffix not in SUPPORTED_SUFFIXES:
                    out.other[suffix or "(none)"] += 1
                elif _is_own(f.resolve(), mine) or is_jxcheck_output(f):
                    out.skipped.append(Skipped(decoded(str(f)), "own",
                                               "this run's settings, waivers, baseline, rules or output"))
                elif is_annotated_copy(f):
                    out.skipped.append(Skipped(decoded(str(f)), "own", f"an annotated copy jxcheck wrote (…{SUFFIX})"))
                else:
                    out.files.append(str(f))
                    out.walked.add(decoded(str(f)))  # as the file is named in results
        elif any(c in p for c in "*?[") and not path.exists():
            found = sorted(g for g in glob.glob(p, recursive=True) if Path(g).is_file())
            out.files.extend(found or [p])  # none: reported as "file not found"
        elif path.is_file() and _is_own(path.resolve(), mine):
            out.skipped.append(Skipped(decoded(p), "own", "this run's settings, waivers, baseline, rules or output"))
        else:
            out.files.append(p)
    if exclude:
        # a pattern may match the whole path, the file name or any directory on the way
        def excluded(f: str) -> bool:
            return any(fnmatch.fnmatch(Path(f).as_posix(), pat) or any(fnmatch.fnmatch(part, pat)
                                                                      for part in Path(f).parts) for pat in exclude)
        out.files = [f for f in out.files if not excluded(f)]
        out.skipped = [s for s in out.skipped if not excluded(s.source)]
    out.files = list(dict.fromkeys(out.files))
    return out


def expand_paths(paths: list[str], exclude: list[str] | None = None, skip: list[str] | None = None) -> list[str]:
    """The files a run reads (see `walk`)."""
    return walk(paths, exclude, skip).files


def _is_own(path: Path, mine: list[Path]) -> bool:
    return any(path == m or m in path.parents for m in mine)


_COPY_RE = re.compile(re.escape(SUFFIX) + r"(?:\(\d+\))?$")


def is_annotated_copy(path: Path) -> bool:
    """seed_检查批注.docx, seed_检查批注(2).xlsx: a copy `annotate` wrote, never a filing of its own (read back,
    one run's filings would be counted twice, and a second annotate would write seed_检查批注_检查批注)."""
    return bool(_COPY_RE.search(path.stem))


def is_jxcheck_output(path: Path) -> bool:
    """A JSON report or baseline jxcheck wrote (`"tool": {"name": "jxcheck"…` / `"tool": "jxcheck 0.1"`)."""
    if path.suffix.lower() != ".json":
        return False
    try:
        with path.open("rb") as fh:
            head = fh.read(512)
    except OSError:
        return False
    return head.lstrip().startswith(b"{") and b'"tool"' in head and b"jxcheck" in head
