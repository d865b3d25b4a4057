"""`jxcheck annotate`: every finding sits on its own cell or paragraph in the copy; the original is never
touched; a copy never replaces a file without --force; LibreOffice opens the copies with every comment."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from openpyxl import Workbook, load_workbook

from checker.annotate.notes import FILLS
from checker.cli import main
from tests.conftest import FIXTURES

SEED_DOCX = FIXTURES / "seed_yongzhou_2021.docx"
SEED_XLSX = FIXTURES / "seed_yongzhou_2021.xlsx"
SEED_TXT = FIXTURES / "seed_yongzhou_2021.txt"
SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _findings(path: Path, tmp_path: Path) -> list[dict]:
    out = tmp_path / f"{path.name}.json"
    assert main(["check", str(path), "--format", "json", "-o", str(out), "--no-cache", "-j", "0"]) == 1
    return [f for r in json.loads(out.read_text(encoding="utf-8"))["reports"] for f in r["findings"]]


def _annotate(path: Path, out: Path, *extra: str) -> int:
    return main(["annotate", str(path), "-o", str(out), "-j", "0", *extra])


def test_xlsx_every_finding_on_its_cell(tmp_path):
    before = _sha(SEED_XLSX)
    findings = _findings(SEED_XLSX, tmp_path)
    assert _annotate(SEED_XLSX, tmp_path / "out") == 0  # every copy written: the copies are the result
    assert _annotate(SEED_XLSX, tmp_path / "gate", "--fail-on", "error") == 1  # error findings, as `check`
    assert _sha(SEED_XLSX) == before
    wb = load_workbook(tmp_path / "out" / "seed_yongzhou_2021_检查批注.xlsx")
    original = load_workbook(SEED_XLSX)
    assert wb.sheetnames == [*original.sheetnames, "检查结果"]
    placed = [f for f in findings if f["location"].get("source", {}).get("cell")]
    assert placed and len(placed) == len(findings)  # the seed's workbook findings all have a cell
    by_cell: dict[tuple[str, str], list[dict]] = {}
    for f in placed:
        src = f["location"]["source"]
        by_cell.setdefault((src["sheet"], src["cell"]), []).append(f)
    for (sheet, ref), hits in by_cell.items():
        cell = wb[sheet][ref]
        assert cell.comment is not None, (sheet, ref)
        for f in hits:
            assert f["rule"] in cell.comment.text and f["messages"]["zh"] in cell.comment.text
        worst = min((f["severity"] for f in hits), key=SEVERITY_RANK.__getitem__)
        assert cell.fill.fgColor.rgb.endswith(FILLS[worst])
    # only flagged cells got a comment, and the other cells kept their values
    comments = [(ws.title, c.coordinate) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.comment]
    assert sorted(comments) == sorted(by_cell)
    for ws in original.worksheets:
        for row in ws.iter_rows():
            for c in row:
                assert wb[ws.title][c.coordinate].value == c.value
    # the findings sheet: one row per finding, each linked to its cell
    sheet = wb["检查结果"]
    rows = list(sheet.iter_rows(min_row=2))
    assert len(rows) == len(findings)
    links = {r[5].hyperlink.location for r in rows if r[5].hyperlink is not None}
    assert links == {f"'{s}'!{c}" for s, c in by_cell}
    assert [r[2].value for r in rows] == [f["rule"] for f in findings]


def test_xlsx_keeps_formulas_merges_and_other_sheets(tmp_path):
    src = tmp_path / "with_extras.xlsx"
    wb = load_workbook(SEED_XLSX)
    ws = wb.worksheets[0]
    extra = wb.create_sheet("附表")
    extra["A1"], extra["A2"], extra["A3"] = 1, 2, "=SUM(A1:A2)"
    extra.merge_cells("B1:C2")
    extra["B1"] = "合并单元格"
    wb.save(src)
    merged_before = {str(r) for r in ws.merged_cells.ranges}
    assert _annotate(src, tmp_path / "out") == 0
    out = load_workbook(tmp_path / "out" / "with_extras_检查批注.xlsx")
    assert out["附表"]["A3"].value == "=SUM(A1:A2)"
    assert "B1:C2" in {str(r) for r in out["附表"].merged_cells.ranges}
    assert {str(r) for r in out.worksheets[0].merged_cells.ranges} == merged_before


def test_xlsx_comment_on_a_merged_cell_goes_to_its_first_cell(tmp_path):
    from checker.annotate.xlsx import _anchor

    ws = Workbook().active
    ws.merge_cells("B2:D3")
    assert _anchor(ws, "C3") == "B2" and _anchor(ws, "B2") == "B2" and _anchor(ws, "E5") == "E5"


def _docx_places(path: Path) -> dict[int, tuple]:
    """Each comment's anchor as the reader numbers places: (table, row, grid col) or ("p", paragraph)."""
    body = docx.Document(str(path)).element.body
    places: dict[int, tuple] = {}
    for t, tbl in enumerate(body.findall(qn("w:tbl"))):
        for r, tr in enumerate(tbl.findall(qn("w:tr"))):
            trpr = tr.find(qn("w:trPr"))
            before = trpr.find(qn("w:gridBefore")) if trpr is not None else None
            col = int(before.get(qn("w:val"))) if before is not None else 0
            for tc in tr.findall(qn("w:tc")):
                for start in tc.iter(qn("w:commentRangeStart")):
                    places[int(start.get(qn("w:id")))] = (t, r, col)
                span = tc.find(f"{qn('w:tcPr')}/{qn('w:gridSpan')}")
                col += int(span.get(qn("w:val"))) if span is not None else 1
    for p, par in enumerate(body.findall(qn("w:p"))):
        for start in par.iter(qn("w:commentRangeStart")):
            places[int(start.get(qn("w:id")))] = ("p", p)
    return places


def test_docx_every_finding_on_its_cell(tmp_path):
    before = _sha(SEED_DOCX)
    findings = _findings(SEED_DOCX, tmp_path)
    assert _annotate(SEED_DOCX, tmp_path / "out") == 0
    assert _sha(SEED_DOCX) == before
    copy = tmp_path / "out" / "seed_yongzhou_2021_检查批注.docx"
    document = docx.Document(str(copy))
    comments = {c.comment_id: c.text for c in document.comments}
    places = _docx_places(copy)
    assert len(comments) == len(findings)  # one comment a finding: two on one cell are two notes
    at: dict[tuple, list[str]] = {}
    for i, text in comments.items():
        at.setdefault(places[i], []).append(text)
    for f in findings:
        src = f["location"].get("source") or {}
        key = (src["table"], src["row"], src["col"]) if src.get("table") is not None else ("p", src["paragraph"])
        assert key in at, (f["rule"], key)
        assert any(f["rule"] in text and f["messages"]["zh"] in text for text in at[key])
    # the flagged cells are shaded, and the document's text is what it was
    shaded = [tc for tc in document.element.body.iter(qn("w:tc")) if tc.find(f"{qn('w:tcPr')}/{qn('w:shd')}") is not None]
    assert len(shaded) == sum(1 for k in at if k[0] != "p")
    original = docx.Document(str(SEED_DOCX))
    assert [p.text for p in document.paragraphs] == [p.text for p in original.paragraphs]
    assert [[c.text for c in row.cells] for t in document.tables for row in t.rows] == \
        [[c.text for c in row.cells] for t in original.tables for row in t.rows]


def test_text_export_gets_an_html_page(tmp_path):
    findings = _findings(SEED_TXT, tmp_path)
    assert _annotate(SEED_TXT, tmp_path / "out") == 0
    page = (tmp_path / "out" / "seed_yongzhou_2021_检查批注.html").read_text(encoding="utf-8")
    assert page.count('<li class="finding') == len(findings)
    assert re.search(r'<td id="c1-3-3-6" class="flag sev-error" data-f="f1-\d+"', page)
    assert "http://" not in page and "https://" not in page


def test_never_overwrites_without_force(tmp_path, capsys):
    out = tmp_path / "out"
    assert _annotate(SEED_TXT, out) == 0
    copy = out / "seed_yongzhou_2021_检查批注.html"
    copy.write_text("mine", encoding="utf-8")
    capsys.readouterr()
    assert _annotate(SEED_TXT, out) == 2
    assert "已存在" in capsys.readouterr().err and copy.read_text(encoding="utf-8") == "mine"
    assert _annotate(SEED_TXT, out, "--force") == 0
    assert copy.read_text(encoding="utf-8") != "mine"


def test_unreadable_file_is_named_and_the_others_annotated(tmp_path, capsys):
    bad = tmp_path / "broken.docx"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    out = tmp_path / "out"
    code = main(["annotate", str(bad), str(SEED_TXT), "-o", str(out), "-j", "0"])
    assert code == 2
    assert "broken.docx" in capsys.readouterr().err
    assert [p.name for p in out.iterdir()] == ["seed_yongzhou_2021_检查批注.html"]


def test_output_must_be_a_directory(tmp_path, capsys):
    f = tmp_path / "file"
    f.write_text("x")
    assert main(["annotate", str(SEED_TXT), "-o", str(f)]) == 2
    assert "不是目录" in capsys.readouterr().err


def _soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(_soffice() is None and os.environ.get("JXCHECK_REQUIRE_LIBREOFFICE") != "1",
                    reason="LibreOffice not installed: the annotated copies were not opened in LibreOffice")
def test_libreoffice_opens_the_copies_with_every_comment(tmp_path):
    soffice = _soffice()
    assert soffice, "JXCHECK_REQUIRE_LIBREOFFICE=1 but no LibreOffice installed"
    out = tmp_path / "out"
    main(["annotate", str(SEED_DOCX), str(SEED_XLSX), "-o", str(out), "-j", "0"])
    expected = {
        "seed_yongzhou_2021_检查批注.odt": len(list(docx.Document(str(out / "seed_yongzhou_2021_检查批注.docx")).comments)),
        "seed_yongzhou_2021_检查批注.ods": sum(1 for ws in load_workbook(out / "seed_yongzhou_2021_检查批注.xlsx").worksheets
                                          for row in ws.iter_rows() for c in row if c.comment),
    }
    for suffix, target in (("docx", "odt"), ("xlsx", "ods")):
        subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path / 'lo'}", "--convert-to",
                        target, "--outdir", str(tmp_path / "lo-out"), str(out / f"seed_yongzhou_2021_检查批注.{suffix}")],
                       capture_output=True, timeout=240, check=False)
    for name, count in expected.items():
        converted = tmp_path / "lo-out" / name
        assert converted.exists(), f"LibreOffice could not open {name}"
        with zipfile.ZipFile(converted) as zf:
            content = zf.read("content.xml").decode("utf-8")
        assert content.count("<office:annotation ") + content.count("<office:annotation>") == count > 0


def test_files_of_one_name_in_two_folders_get_two_copies(tmp_path):
    for d in ("a", "b"):
        (tmp_path / d).mkdir()
        shutil.copy(SEED_TXT, tmp_path / d / "x.txt")
    out = tmp_path / "out"
    assert main(["annotate", str(tmp_path / "a"), str(tmp_path / "b"), "-o", str(out), "-j", "0"]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["x_检查批注(2).html", "x_检查批注.html"]


def test_docx_places_match_the_readers_numbering(tmp_path):
    """Every cell the reader reports at (table, row, grid column) is the cell the annotator finds there,
    with merged cells across (gridSpan), down (vMerge) and rows that start late (gridBefore)."""
    from docx.oxml import OxmlElement

    from checker.annotate.docx import _tc_at
    from checker.readers.docx_reader import read_docx

    d = docx.Document()
    d.add_paragraph("标题")
    t = d.add_table(rows=4, cols=4)
    for r, row in enumerate(t.rows):
        for c, cell in enumerate(row.cells):
            cell.text = f"r{r}c{c}"
    t.cell(0, 1).merge(t.cell(0, 2))  # across
    t.cell(1, 0).merge(t.cell(2, 0))  # down
    tr = t.rows[3]._tr  # the last row starts one grid column late
    tr.remove(tr.tc_lst[0])
    trpr = tr.get_or_add_trPr()
    before = OxmlElement("w:gridBefore")
    before.set(qn("w:val"), "1")
    trpr.append(before)
    d.add_paragraph("正文")
    d.add_table(rows=1, cols=2).cell(0, 1).text = "second"
    path = tmp_path / "merged.docx"
    d.save(str(path))
    tables = docx.Document(str(path)).element.body.findall(qn("w:tbl"))
    checked = 0
    for table in (b for b in read_docx(path.read_bytes(), str(path)).blocks if hasattr(b, "rows")):
        rows = tables[table.index].findall(qn("w:tr"))
        for row in table.rows:
            for cell in row:
                tc = _tc_at(rows[cell.row], cell.col)
                assert tc is not None
                text = "\n".join("".join(x.text or "" for x in p.iter(qn("w:t"))) for p in tc.findall(qn("w:p")))
                if cell.text:
                    assert text.strip() == cell.text
                    checked += 1
    assert checked >= 12


def test_copies_inside_the_annotated_folder_are_not_read_again(tmp_path):
    shutil.copy(SEED_DOCX, tmp_path / "seed.docx")
    out = tmp_path / "marked"
    for _ in range(2):  # the second run walks a folder that now holds the first run's copies
        assert main(["annotate", str(tmp_path), "-o", str(out), "-j", "0", "--force"]) == 0
    assert [p.name for p in out.iterdir()] == ["seed_检查批注.docx"]


def _with_comments_part(src: Path, target: Path, comments_xml: bytes) -> Path:
    """`src` with a comments part (and its relationship and content type) holding `comments_xml`."""
    rel = (b'<Relationship Id="rIdJx" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
           b'comments" Target="comments.xml"/>')
    override = (b'<Override PartName="/word/comments.xml" ContentType="application/vnd.openxmlformats-officedocument'
                b'.wordprocessingml.comments+xml"/>')
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "word/_rels/document.xml.rels":
                data = data.replace(b"</Relationships>", rel + b"</Relationships>")
            elif info.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", override + b"</Types>")
            zout.writestr(info, data)
        zout.writestr("word/comments.xml", comments_xml)
    return target


W_NS = b'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


@pytest.mark.parametrize("comments", [
    b'<w:comments ' + W_NS + b'><w:comment w:id="x1" w:author="a"><w:p/></w:comment></w:comments>',
    b'<w:document ' + W_NS + b'/>',
], ids=["id not a number", "root not w:comments"])
def test_a_comments_part_that_cannot_be_extended_is_replaced_and_the_run_goes_on(tmp_path, capsys, comments):
    folder = tmp_path / "in"
    folder.mkdir()
    _with_comments_part(FIXTURES / "seed_yongzhou_2021.docx", folder / "odd.docx", comments)
    shutil.copy(FIXTURES / "seed_yongzhou_2021.xlsx", folder / "good.xlsx")
    out = tmp_path / "out"
    assert main(["annotate", str(folder), "--output", str(out)]) == 0
    err = capsys.readouterr().err
    assert "文档原有的批注无法续写，副本中未保留（原文件中仍在）" in err
    assert sorted(p.name for p in out.iterdir()) == ["good_检查批注.xlsx", "odd_检查批注.docx"]
    assert len(docx.Document(str(out / "odd_检查批注.docx")).comments) > 10


def test_a_copy_that_fails_for_any_reason_is_that_files_error(tmp_path, capsys, monkeypatch):
    from checker.annotate import docx as annotate_docx_module

    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(FIXTURES / "seed_yongzhou_2021.docx", folder / "bad.docx")
    shutil.copy(FIXTURES / "seed_yongzhou_2021.xlsx", folder / "good.xlsx")

    def boom(*a, **k):
        raise AttributeError("'CT_Document' object has no attribute 'add_comment'")

    monkeypatch.setattr(annotate_docx_module, "annotate_docx", boom)
    out = tmp_path / "out"
    assert main(["annotate", str(folder), "--output", str(out)]) == 2
    assert [p.name for p in out.iterdir()] == ["good_检查批注.xlsx"]
    assert "bad.docx: 批注副本未写入：internal error: AttributeError" in capsys.readouterr().err


def test_copies_under_a_checked_folder_are_never_filings(tmp_path, capsys):
    """A folder holding last run's copies: three filings stay three, and annotating it again writes no
    seed_检查批注_检查批注."""
    shutil.copy(SEED_DOCX, tmp_path / "seed.docx")
    assert main(["annotate", str(tmp_path), "-o", str(tmp_path / "marked"), "-j", "0"]) == 0
    capsys.readouterr()
    out = tmp_path / "r.json"
    assert main(["check", str(tmp_path), "--format", "json", "-o", str(out)]) == 1
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert len(doc["reports"]) == 3
    assert [(s["source"].rsplit("/", 1)[1], s["reason"]) for s in doc["skipped"]] == [("seed_检查批注.docx", "own")]
    assert main(["annotate", str(tmp_path), "-o", str(tmp_path / "again"), "-j", "0"]) == 0
    assert [p.name for p in (tmp_path / "again").iterdir()] == ["seed_检查批注.docx"]


def test_a_file_replaced_after_its_check_gets_no_copy(tmp_path, capsys, monkeypatch):
    """The copy is made of the bytes that were checked: a file replaced in between is that file's error."""
    from checker import annotating

    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SEED_DOCX, folder / "seed.docx")
    checked = annotating.run

    def run_then_replace(opts):
        result = checked(opts)
        shutil.copy(FIXTURES / "split" / sorted(p.name for p in (FIXTURES / "split").glob("*.docx"))[0],
                    folder / "seed.docx")
        return result

    monkeypatch.setattr(annotating, "run", run_then_replace)
    out = tmp_path / "out"
    assert main(["annotate", str(folder), "-o", str(out), "-j", "0"]) == 2
    assert not out.exists() or not list(out.iterdir())
    assert "文件在检查之后被改动过，请重新检查后再写批注" in capsys.readouterr().err
