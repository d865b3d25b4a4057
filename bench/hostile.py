"""Files an attacker or a careless user gives jxcheck, each small and inside the documented limits, and a
scripted run over all of them: every file must come back as a report, an error naming it, or a skipped
entry; no internal error; the peak memory of any process within the budget.

    .venv/bin/python bench/hostile.py [--scale 1.0] [--jobs 2] [--keep DIR]

The makers are used by tests/test_memory_bounds.py at a small scale, with the limits lowered to match.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED_TXT = ROOT / "fixtures" / "seed_yongzhou_2021.txt"
SEED_DOCX = ROOT / "fixtures" / "seed_yongzhou_2021.docx"
SEED_XLSX = ROOT / "fixtures" / "seed_yongzhou_2021.xlsx"


def _rewrite(src: bytes, part: str, change: Callable[[bytes], bytes]) -> bytes:
    """A copy of the package `src` with one part changed."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(src)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            zout.writestr(info, change(data) if info.filename == part else data)
    return out.getvalue()


def _merge(xml: bytes, ref: str) -> bytes:
    cells = f'<mergeCells count="1"><mergeCell ref="{ref}"/></mergeCells>'.encode()
    if b"<mergeCells" in xml:
        return re.sub(rb"(<mergeCells[^>]*>)", lambda m: m.group(1) + f'<mergeCell ref="{ref}"/>'.encode(), xml, count=1)
    return xml.replace(b"</sheetData>", b"</sheetData>" + cells, 1)


def xlsx_merged_beyond(path: Path) -> Path:
    """The seed's workbook with one merged range from below its last row to the sheet's far corner."""
    path.write_bytes(_rewrite(SEED_XLSX.read_bytes(), "xl/worksheets/sheet1.xml",
                              lambda x: _merge(x, "A5000:XFD1048576")))
    return path


def xlsx_merged_whole_sheet(path: Path) -> Path:
    """A 2 KB workbook: a cell at A1, one at XFD1048576, and one merged range over all of the sheet between."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.active["A1"] = "项目支出绩效自评表"
    wb.active["XFD1048576"] = "x"
    buf = io.BytesIO()
    wb.save(buf)
    path.write_bytes(_rewrite(buf.getvalue(), "xl/worksheets/sheet1.xml", lambda x: _merge(x, "A1:XFD1048576")))
    return path


def xlsx_styled_cells(path: Path, count: int) -> Path:
    """A workbook of `count` styled empty cells (what a whole-sheet format written cell by cell gives)."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.active["A1"] = "项目支出绩效自评表"
    buf = io.BytesIO()
    wb.save(buf)
    row = b"".join(f'<c r="B{i}" s="0"/>'.encode() for i in range(2, 1002))
    rows = b"".join(b'<row r="%d">' % i + row.replace(b'"B', b'"B') + b"</row>" for i in range(2, 2 + count // 1000))
    path.write_bytes(_rewrite(buf.getvalue(), "xl/worksheets/sheet1.xml",
                              lambda x: x.replace(b"</sheetData>", rows + b"</sheetData>", 1)))
    return path


def docx_body(path: Path, body: bytes) -> Path:
    """The seed's .docx with `body` put at the start of its document body."""
    def change(xml: bytes) -> bytes:
        at = xml.index(b"<w:body>") + len(b"<w:body>")
        return xml[:at] + body + xml[at:]

    path.write_bytes(_rewrite(SEED_DOCX.read_bytes(), "word/document.xml", change))
    return path


def docx_empty_paragraphs(path: Path, megabytes: float) -> Path:
    return docx_body(path, b"<w:p/>" * int(megabytes * 2**20 / 6))


def docx_text_paragraphs(path: Path, count: int) -> Path:
    return docx_body(path, "<w:p><w:r><w:t>本项目预算资金96万元，实际支出40.5万元。</w:t></w:r></w:p>".encode() * count)


def docx_wide_span(path: Path) -> Path:
    """A table whose one cell claims to span a billion grid columns."""
    return docx_body(path, b'<w:tbl><w:tr><w:tc><w:tcPr><w:gridSpan w:val="999999999"/></w:tcPr><w:p/></w:tc>'
                           b'<w:tc><w:p/></w:tc></w:tr></w:tbl>')


def text_tab_row(path: Path, megabytes: float) -> Path:
    """The seed's text export with a last line of one-figure TAB cells."""
    path.write_bytes(SEED_TXT.read_bytes() + b"\n" + b"1\t" * int(megabytes * 2**20 / 2))
    return path


def text_lines(path: Path, megabytes: float) -> Path:
    line = "一、本项目预算资金96万元，实际支出40.5万元。\n".encode()
    path.write_bytes(line * int(megabytes * 2**20 / len(line)))
    return path


def text_newlines(path: Path, megabytes: float) -> Path:
    path.write_bytes(SEED_TXT.read_bytes() + b"\n" * int(megabytes * 2**20))
    return path


def odd_names(folder: Path) -> list[Path]:
    """The seed under names in GBK, Shift-JIS and no encoding at all, and with terminal escapes."""
    made = []
    for raw in ("自评".encode("gbk") + b".txt", "自評".encode("shift_jis") + b".txt", b"\xff\xfe.txt",
                "\x1b[2J\x1b[8m项目.txt".encode()):
        target = os.fsencode(folder) + b"/" + raw
        with open(target, "wb") as fh:
            fh.write(SEED_TXT.read_bytes())
        made.append(Path(os.fsdecode(target)))
    return made


def make_cases(folder: Path, scale: float = 1.0) -> dict[str, Path]:
    """Every case, each at `scale` of the size that took gigabytes before the limits (1.0: 100 MB of empty
    paragraphs, 5 MB of TAB cells …, all under the 50 MB file limit once zipped)."""
    folder.mkdir(parents=True, exist_ok=True)
    cases = {
        "xlsx merged beyond the filled area": xlsx_merged_beyond(folder / "merged_beyond.xlsx"),
        "xlsx merged over the whole sheet": xlsx_merged_whole_sheet(folder / "merged_whole.xlsx"),
        "xlsx styled empty cells": xlsx_styled_cells(folder / "styled.xlsx", int(5_000_000 * scale)),
        "docx empty paragraphs": docx_empty_paragraphs(folder / "empty_paragraphs.docx", 100 * scale),
        "docx text paragraphs": docx_text_paragraphs(folder / "text_paragraphs.docx", int(400_000 * scale)),
        "docx wide span": docx_wide_span(folder / "wide_span.docx"),
        "text TAB row": text_tab_row(folder / "tab_row.txt", 5 * scale),
        "text many lines": text_lines(folder / "many_lines.txt", 45 * scale),
        "text newlines": text_newlines(folder / "newlines.txt", 45 * scale),
    }
    shutil.copy(SEED_TXT, folder / "seed.txt")
    cases["the seed"] = folder / "seed.txt"
    for p in odd_names(folder):
        cases[f"name {os.fsencode(p.name)!r}"] = p
    return cases


def _check(folder: Path, out: Path, *options: str, env: dict[str, str] | None = None,
           as_user: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    """`jxcheck check FOLDER --format json --output OUT` in a process of its own (`as_user`: setpriv …)."""
    return subprocess.run([*as_user, sys.executable, "-c", "import sys; from checker.cli import main; sys.exit(main())",
                           *options, "check", str(folder), "--format", "json", "--output", str(out)],
                          capture_output=True, text=True, errors="replace", env={**os.environ, **(env or {})},
                          cwd=str(ROOT))


def _outcome(proc: subprocess.CompletedProcess, out: Path) -> str:
    """Exit code, filings checked and errors of a run, or what it said when it wrote nothing."""
    if not out.exists():
        return f"exit {proc.returncode}, no output: {proc.stderr.strip()[-300:]}"
    doc = json.loads(out.read_text(encoding="utf-8"))
    errors = [f"{Path(e['source']).name}: {e['message']}" for e in doc["errors"]]
    return f"exit {proc.returncode}; checked {len(doc['reports'])} filings; errors {errors}"


def rebinding() -> str:
    """A request whose Host is another site's name (DNS rebinding) is refused; this machine's is served."""
    from starlette.testclient import TestClient

    from checker.serve.app import create_app

    with TestClient(create_app(), base_url="http://evil.example") as evil, \
            TestClient(create_app(), base_url="http://127.0.0.1:8000") as local:
        refused, served = evil.get("/").status_code, local.get("/").status_code
    return f"Host evil.example → {refused}, Host 127.0.0.1 → {served}" + ("" if (refused, served) == (421, 200)
                                                                            else "  UNEXPECTED")


def unlistable(work: Path) -> str:
    """A folder that cannot be listed beside a clean one: exit 2 and an error naming it (as root every
    folder can be listed, so the folder's owner is changed to nobody first where that is possible)."""
    folder = work / "unlistable"
    (folder / "locked").mkdir(parents=True)
    (folder / "clean").mkdir()
    shutil.copy(SEED_TXT, folder / "clean" / "seed.txt")
    shutil.copy(SEED_TXT, folder / "locked" / "seed.txt")
    (folder / "locked").chmod(0)
    out = folder / "out.json"  # where nobody may write
    as_user = () if os.geteuid() else ("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups")
    if as_user and not shutil.which("setpriv"):
        return "not run (root lists any folder, and setpriv is missing)"
    work.chmod(0o755)
    folder.chmod(0o777)
    proc = _check(folder, out, "--no-cache", as_user=as_user)
    (folder / "locked").chmod(0o755)
    return _outcome(proc, out)


def dask_restart(work: Path) -> str:
    """A file that crashes its Dask worker each time: the nanny restarts it, the others are checked."""
    try:
        import distributed  # noqa: F401
    except ImportError:
        return "not run (distributed is not installed)"
    from checker.batch import FAULT_ENV

    folder = work / "dask"
    folder.mkdir()
    for name in ("a.txt", "boom.txt", "c.txt"):
        shutil.copy(SEED_TXT, folder / name)
    out = work / "dask.json"
    proc = _check(folder, out, "--executor", "dask", "--scheduler", "local", env={FAULT_ENV: "crash:boom"})
    return _outcome(proc, out)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--keep", type=Path, help="make the cases here and keep them")
    args = ap.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="jxhostile-"))
    cases = make_cases(work / "cases", args.scale)
    out = work / "out.json"
    start = time.monotonic()
    proc = _check(work / "cases", out, "-j", str(args.jobs))
    seconds = time.monotonic() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024  # the largest process of the run
    doc = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}
    said = {r["source"]: "report" for r in doc.get("reports", [])}
    said.update({e["source"]: f"error: {e['message']}" for e in doc.get("errors", [])})
    said.update({s["source"]: f"skipped: {s.get('reason', '')}" for s in doc.get("skipped", [])})
    from checker.display import decoded

    missing = 0
    for name, path in cases.items():
        outcome = said.get(decoded(str(path)))
        missing += outcome is None
        print(f"{name:40} {size(path.stat().st_size):>9}  {outcome or 'NOT ACCOUNTED FOR'}")
    internal = [e for e in doc.get("errors", []) if "internal error" in e["message"]]
    print(f"\nexit {proc.returncode} in {seconds:.1f} s; peak memory of any process {size(peak)}; "
          f"{missing} file(s) not accounted for; {len(internal)} internal error(s)")
    if proc.returncode not in (0, 1, 2) or "Traceback" in proc.stderr:
        print(proc.stderr[-2000:])
    others = {"rebinding": rebinding(), "unlistable folder": unlistable(work), "Dask worker restart": dask_restart(work)}
    for name, said in others.items():
        print(f"{name}: {said}")
    expected = ("→ 421, Host 127.0.0.1 → 200", "folder cannot be listed", "(KilledWorker)")
    broken = [n for (n, said), want in zip(others.items(), expected, strict=True)
              if want not in said and not said.startswith("not run")]
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    from checker.pool import memory_budget

    return 0 if not missing and not internal and not broken and peak <= memory_budget() else 1


def size(n: float) -> str:
    return f"{n / 2**20:.1f} MB" if n >= 2**20 else f"{n / 2**10:.0f} KB"


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main())
