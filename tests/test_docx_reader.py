"""The .docx reader (lxml on word/document.xml) reads what python-docx reads: the same paragraphs and
cells, merges, tabs, breaks and hyperlinks — checked against python-docx itself on documents built to hold
each of them — and refuses a package that unzips past its limit."""

from __future__ import annotations

import copy
import io

import pytest
from docx import Document as new_docx
from docx.enum.text import WD_BREAK
from docx.oxml.ns import qn
from docx.table import Table as DocxTable
from docx.table import _Cell
from docx.text.paragraph import Paragraph as DocxParagraph

from checker.errors import InputError
from checker.readers.document import Cell, Document, Paragraph, Table, join_paragraphs
from checker.readers.docx_reader import read_docx
from tests.conftest import FIXTURES


def _python_docx(data: bytes) -> Document:
    """The oracle: the same shape built through python-docx's object model."""
    word = new_docx(io.BytesIO(data))
    doc = Document(source="x.docx", format="docx")
    n_par = n_tbl = 0
    for item in word.iter_inner_content():
        if isinstance(item, DocxParagraph):
            if item.text.strip():
                doc.blocks.append(Paragraph(index=n_par, text=item.text))
            n_par += 1
        elif isinstance(item, DocxTable):
            table = Table(index=n_tbl, grid=True)
            n_tbl += 1
            for r, tr in enumerate(item._tbl.tr_lst):
                row, col = [], tr.grid_before
                for tc in tr.tc_lst:
                    text = "" if tc.vMerge == "continue" else join_paragraphs(_Cell(tc, item).text.split("\n"))
                    row.append(Cell(text=text, row=r, col=col, span=tc.grid_span))
                    col += tc.grid_span
                table.rows.append(row)
            doc.blocks.append(table)
    return doc


def _tricky() -> bytes:
    d = new_docx()
    d.add_paragraph("2021年度项目支出绩效自评表")
    p = d.add_paragraph("单位名称：")
    run = p.add_run("某局")
    run.add_tab()
    run.add_text("填报日期")
    run.add_break()  # a line break inside the paragraph
    run.add_text("2022年")
    page = p.add_run("x")
    page.add_break(WD_BREAK.PAGE)  # no text
    link = copy.deepcopy(p._p.r_lst[0])
    hyperlink = p._p.makeelement(qn("w:hyperlink"), {})
    hyperlink.append(link)
    p._p.append(hyperlink)
    d.add_paragraph("")
    t = d.add_table(rows=4, cols=4)
    t.cell(0, 0).merge(t.cell(0, 3)).text = "项目名称"
    t.cell(1, 0).merge(t.cell(3, 0)).text = "产出指标\n（50分）"
    t.cell(1, 1).text = "数量指标"
    t.cell(1, 2).paragraphs[0].add_run("≥500").add_tab()
    t.cell(2, 2).text = "第一段"
    t.cell(2, 2).add_paragraph("")
    t.cell(2, 2).add_paragraph("第三段")
    t.cell(3, 3).text = "100"
    inner = t.cell(3, 2).add_table(rows=1, cols=1)  # a nested table: not part of the cell's text
    inner.cell(0, 0).text = "内表"
    d.add_paragraph("备注：无")
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


@pytest.mark.parametrize("data", [_tricky(), (FIXTURES / "seed_yongzhou_2021.docx").read_bytes()],
                         ids=["merges-tabs-breaks-hyperlinks", "seed"])
def test_reads_what_python_docx_reads(data):
    ours = read_docx(data, "x.docx")
    assert ours == _python_docx(data)
    assert ours.blocks  # not vacuously equal


def test_the_tricky_document_reads_as_word_shows_it():
    doc = read_docx(_tricky(), "x.docx")
    first = doc.blocks[1]
    assert isinstance(first, Paragraph) and first.text.startswith("单位名称：某局\t填报日期\n2022年x")
    table = doc.tables[0]
    assert [(c.text, c.col, c.span) for c in table.rows[0]] == [("项目名称", 0, 4)]
    assert table.rows[1][0].text == "产出指标\n（50分）" and table.rows[2][0].text == ""
    assert table.rows[2][2].text == "第一段\n\n第三段"


def test_a_package_that_unzips_past_the_limit_is_refused(monkeypatch):
    monkeypatch.setenv("JXCHECK_MAX_FILE_MB", "0.001")  # 1 kB × 8: the seed's document part is larger
    with pytest.raises(InputError, match="unzips to"):
        read_docx((FIXTURES / "seed_yongzhou_2021.docx").read_bytes(), "seed.docx")


def test_external_entities_are_not_resolved(tmp_path):
    import zipfile

    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET", encoding="utf-8")
    src = io.BytesIO(_tricky())
    out = io.BytesIO()
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "word/document.xml":
                data = data.replace(b"?>", f'?><!DOCTYPE d [<!ENTITY x SYSTEM "file://{secret}">]>'.encode(), 1)
                data = data.replace("某局".encode(), b"&x;")
            zout.writestr(item, data)
    doc = read_docx(out.getvalue(), "x.docx")
    assert "SECRET" not in "".join(b.text for b in doc.blocks if isinstance(b, Paragraph))


def _wrap(el, *names: str):
    """Wrap `el` in nested elements (w:sdt → w:sdtContent, or w:ins) in place."""
    from docx.oxml import OxmlElement

    parent, index = el.getparent(), el.getparent().index(el)
    outer = inner = OxmlElement(names[0])
    for name in names[1:]:
        child = OxmlElement(name)
        inner.append(child)
        inner = child
    if names[0] == "w:ins":
        outer.set(qn("w:id"), "900")
        outer.set(qn("w:author"), "审核人")
    parent.remove(el)
    inner.append(el)
    parent.insert(index, outer)


def test_content_controls_and_tracked_changes_read_as_word_shows_them(tmp_path):
    """A form's table in a content control, a cell's value typed into one, text inserted with tracked
    changes on and text deleted with them: read as Word shows the document, so the findings are the same."""
    import json

    from checker.cli import main

    original = FIXTURES / "seed_yongzhou_2021.docx"
    word = new_docx(str(original))
    body = word.element.body
    tables = body.findall(qn("w:tbl"))
    _wrap(tables[1], "w:sdt", "w:sdtContent")  # the first filing's scored table, whole
    rows = tables[3].findall(qn("w:tr"))  # the second filing's table: a value in a field, a row in a control
    run = rows[3].findall(qn("w:tc"))[6].find(f"{qn('w:p')}/{qn('w:r')}")
    _wrap(run, "w:sdt", "w:sdtContent")
    _wrap(rows[5], "w:sdt", "w:sdtContent")
    para = next(p for p in body.findall(qn("w:p")) if p.find(qn("w:r")) is not None)
    _wrap(para.find(qn("w:r")), "w:ins")
    deleted = copy.deepcopy(para.find(f".//{qn('w:r')}"))
    for t in deleted.iter(qn("w:t")):
        t.tag = qn("w:delText")
        t.text = "删除的字"
    from docx.oxml import OxmlElement

    gone = OxmlElement("w:del")
    gone.set(qn("w:id"), "901")
    gone.set(qn("w:author"), "审核人")
    gone.append(deleted)
    para.append(gone)
    changed = tmp_path / "seed_yongzhou_2021.docx"
    word.save(str(changed))

    a, b = read_docx(original.read_bytes(), "a"), read_docx(changed.read_bytes(), "b")
    assert [(type(x).__name__, getattr(x, "text", None), getattr(x, "rows", None)) for x in a.blocks] == \
        [(type(x).__name__, getattr(x, "text", None), getattr(x, "rows", None)) for x in b.blocks]

    def findings(path) -> list:
        out = tmp_path / f"{path.parent.name}.json"
        main(["check", str(path), "--format", "json", "-o", str(out), "--no-cache", "-j", "0", "-q"])
        return [(f["rule"], f["location"], f["messages"]) for r in json.loads(out.read_text())["reports"]
                for f in r["findings"]]

    assert findings(changed) == findings(original) != []
    # the annotated copy finds its cells through the content controls too
    assert main(["annotate", str(changed), "-o", str(tmp_path / "out"), "-j", "0"]) == 0
    comments = list(new_docx(str(tmp_path / "out" / "seed_yongzhou_2021_检查批注.docx")).comments)
    assert len(comments) == len(list(new_docx(str(_annotated(original, tmp_path))).comments))


def _annotated(path, tmp_path):
    from checker.cli import main

    main(["annotate", str(path), "-o", str(tmp_path / "plain"), "-j", "0"])
    return tmp_path / "plain" / "seed_yongzhou_2021_检查批注.docx"


def test_a_workbook_that_unzips_past_the_limit_is_refused(monkeypatch):
    from checker.i18n import localise
    from checker.readers.xlsx_reader import read_xlsx

    monkeypatch.setenv("JXCHECK_MAX_FILE_MB", "0.001")
    with pytest.raises(InputError, match="the workbook unzips to") as info:
        read_xlsx((FIXTURES / "seed_yongzhou_2021.xlsx").read_bytes(), "seed.xlsx")
    assert localise(info.value.message, "zh").startswith("文件解压后为")


def test_formulas_without_a_saved_result(tmp_path):
    """A workbook written by a program keeps its formulas but no results: score-table arithmetic is
    computed (the findings are those of the saved workbook), anything else is named, never a silent gap."""
    import json

    from openpyxl import load_workbook

    from checker.cli import main
    from checker.i18n import localise
    from checker.readers.xlsx_reader import read_xlsx

    def findings(path) -> list:
        out = tmp_path / f"{path.stem}.json"
        main(["check", str(path), "--format", "json", "-o", str(out), "--no-cache", "-j", "0", "-q"])
        reports = json.loads(out.read_text(encoding="utf-8"))["reports"]
        return [(f["rule"], f["messages"]["en"]) for r in reports for f in r["findings"]], reports

    wb = load_workbook(FIXTURES / "seed_yongzhou_2021.xlsx")
    ws = wb.worksheets[0]
    cells = {c.value: c for row in ws.iter_rows() for c in row if isinstance(c.value, int | float)}
    total = cells[95.5]  # the reported total: 95.5 written as arithmetic of other figures
    total.value = "=ROUND(100-4.5,1)"
    path = tmp_path / "computed.xlsx"
    wb.save(path)
    doc = read_xlsx(path.read_bytes(), str(path))
    assert doc.tables[0].warnings == [f"sheet {ws.title}: 1 formula cell(s) had no saved result and were computed "
                                      f"from their formulas ({total.coordinate})"]
    cell = next(c for row in doc.tables[0].rows for c in row if c.ref == total.coordinate)
    assert cell.text == "95.5"
    assert findings(path)[0] == findings(FIXTURES / "seed_yongzhou_2021.xlsx")[0]

    total.value = f'=IF({total.column_letter}3>0,95.5,0)'  # outside the arithmetic read here
    path = tmp_path / "unread.xlsx"
    wb.save(path)
    warning = read_xlsx(path.read_bytes(), str(path)).tables[0].warnings[0]
    assert f"1 formula cell(s) have no saved result ({total.coordinate}) and read as empty" in warning
    assert localise(warning, "zh").startswith(f"工作表{ws.title}：1个公式单元格没有保存计算结果")
    assert not any(t.warnings for t in read_xlsx((FIXTURES / "seed_yongzhou_2021.xlsx").read_bytes(), "x").tables)
    assert any(total.coordinate in w for w in findings(path)[1][0]["warnings"])


def test_formula_arithmetic():
    from checker.readers.formulas import evaluate

    values = {"A1": 1.0, "A2": 2.0, "B1": 0.5}
    get = values.get
    cases = {"=SUM(A1:A3)": 3.0, "=A1+A2*3": 7.0, "=(A1+A2)/B1": 6.0, "=ROUND(2.345,2)": 2.35,
             "=ROUND(-2.5,0)": -3.0, "=-A1": -1.0, "=10%": 0.1, "=MAX(A1:A2)-MIN(A1,A2)": 1.0,
             "=AVERAGE(A1:A3)": 1.5, "=COUNT(A1:A3)": 2.0, "=$A$1*2": 2.0, "= sum( a1 : a2 )": None,
             "=IF(A1>0,1,0)": None, "=A1/0": None, "=A1&A2": None, "=VLOOKUP(A1,B1:C3,2)": None,
             "=SUM(A1:ZZZ99999)": None, "=A1+": None, "=(A1": None, "=__import__('os')": None}
    for formula, expected in cases.items():
        assert evaluate(formula, get) == expected, formula
