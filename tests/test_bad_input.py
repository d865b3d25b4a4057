"""Bad input never crashes and never silently passes: one clear message naming the file, exit code 2."""

from __future__ import annotations

import json

import pytest

from checker.cli import main
from checker.errors import InputError
from checker.readers import read_path
from tests.conftest import FIXTURES, SEED


def _run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["parse", *args])
    out, err = capsys.readouterr()
    return code, out, err


def _bad(tmp_path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


CASES = [
    ("empty.txt", b"", "empty file"),
    ("blank.txt", b"  \n\n\t\n", "empty file"),
    ("scan.png", b"\x89PNG\r\n\x1a\n\x00\x00", "unknown format '.png'"),
    ("binary.txt", b"abc\x00\x01\x02def", "binary data"),
    ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "Word 97-2003 .doc is not supported"),
    ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "Excel 97-2003 .xls is not supported"),
    ("report.pdf", b"%PDF-1.7\n", "PDF is not supported"),
    ("big5.txt", "2021年度項目支出績效自評報告\n\t部門概況\n\t專項名稱\n".encode("big5"), "neither UTF-8 nor GB18030"),
    ("latin1.txt", "Projektbericht Übersicht für 2021 - Straße".encode("latin-1"), "neither UTF-8 nor GB18030"),
    ("zip.docx", b"PK\x03\x04" + b"\x00" * 30, "not a readable .docx"),
    ("bad.yaml", b"evaluations: [\n  - project: x\n", "invalid YAML"),
    ("bad.json", b'{"evaluations": [}', "invalid JSON"),
    ("wrong.yaml", b"evaluations:\n  - project: x\n    colour: red\n", "Extra inputs are not permitted"),
    ("none.yaml", b"source: x\n", "no filing found"),
]


@pytest.mark.parametrize(("name", "data", "message"), CASES, ids=[c[0] for c in CASES])
def test_bad_file(tmp_path, capsys, name, data, message):
    path = _bad(tmp_path, name, data)
    code, out, err = _run(capsys, str(path))
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1, err  # one message
    assert str(path) in err and message in err
    assert "Traceback" not in err


def test_missing_file(capsys, tmp_path):
    code, _, err = _run(capsys, str(tmp_path / "nope.docx"))
    # Chinese first, the English after it
    assert code == 2 and "nope.docx: 文件不存在（file not found）" in err


def test_truncated_docx(tmp_path, capsys):
    data = (FIXTURES / "seed_yongzhou_2021.docx").read_bytes()
    path = _bad(tmp_path, "cut.docx", data[: len(data) // 2])
    code, _, err = _run(capsys, str(path))
    assert code == 2 and "cut.docx" in err and "not a readable .docx" in err


def test_truncated_xlsx(tmp_path, capsys):
    data = (FIXTURES / "seed_yongzhou_2021.xlsx").read_bytes()
    path = _bad(tmp_path, "cut.xlsx", data[: len(data) // 3])
    code, _, err = _run(capsys, str(path))
    assert code == 2 and "cut.xlsx" in err and "not a readable" in err


def test_table_missing_columns_is_read_with_a_warning_naming_the_row(capsys):
    """A header without 分值/得分 no longer throws the filing away: what is there is read, the warning
    names the place, and `check` reports the missing parts as completeness findings."""
    code, out, err = _run(capsys, str(FIXTURES / "edge" / "missing_columns.txt"))
    assert code == 0
    assert "table 1, row 2, column 1, line 5: the indicator header lacks 得分; read without it" in err
    assert "培训人次" in out and "120人次" in out
    main(["check", "--no-cache", "--jobs", "0", "--format", "json", str(FIXTURES / "edge" / "missing_columns.txt")])
    report = json.loads(capsys.readouterr().out)["reports"][0]
    assert [(f["rule"], f["location"]["path"][-1]) for f in report["findings"] if f["category"] == "completeness"] \
        == [("CMP002", "项目资金"), ("CMP006", "自评报告")]


def test_no_filing_in_document(capsys):
    code, _, err = _run(capsys, str(FIXTURES / "edge" / "no_filing.txt"))
    assert code == 2 and "no filing found" in err


def test_docx_without_filing(tmp_path, capsys):
    from docx import Document

    doc = Document()
    doc.add_paragraph("会议通知")
    path = tmp_path / "memo.docx"
    doc.save(str(path))
    code, _, err = _run(capsys, str(path))
    assert code == 2 and "memo.docx: 不是填报文件" in err and "no filing found" in err  # named: an error


def test_partly_readable_filing_warns(capsys):
    code, out, err = _run(capsys, str(FIXTURES / "edge" / "report_only.txt"))
    assert code == 0
    assert "project: 乡村道路养护" in out
    assert "警告：" in err and "未读到自评表（missing 自评表 (the scored table)）" in err
    assert "missing 自评报告 section 存在的问题" in err and "missing 自评报告 section 改进措施" in err


def test_batch_goes_on_after_a_bad_file(tmp_path, capsys):
    bad = _bad(tmp_path, "empty.txt", b"")
    code, out, err = _run(capsys, str(bad), str(SEED))
    assert code == 2
    assert "empty.txt: 空文件（empty file）" in err
    assert out.count("project: 安全生产专项") == 1


def test_read_path_raises_input_error(tmp_path):
    with pytest.raises(InputError) as exc:
        read_path(tmp_path)
    assert "is a directory" in str(exc.value)


@pytest.mark.parametrize(
    "transform",
    [
        pytest.param(lambda t: t.encode("gb18030"), id="gb18030"),
        pytest.param(lambda t: t.encode("gbk"), id="gbk"),
        pytest.param(lambda t: b"\xef\xbb\xbf" + t.encode("utf-8"), id="utf8-bom"),
        pytest.param(lambda t: t.replace("\n", "\r\n").encode("utf-8"), id="crlf"),
        pytest.param(lambda t: t.encode("utf-16"), id="utf16-bom"),
    ],
)
def test_encodings_read_the_same(tmp_path, transform):
    text = SEED.read_text(encoding="utf-8")
    path = _bad(tmp_path, "seed.txt", transform(text))
    expected = read_path(SEED)[0].evaluations
    got = read_path(path)[0].evaluations
    assert [e.model_dump(exclude={"narrative", "goal"}) for e in got] == [
        e.model_dump(exclude={"narrative", "goal"}) for e in expected]
    assert got[0].narrative.management.text == expected[0].narrative.management.text


def test_a_pipe_or_device_never_blocks_nor_fills_memory(tmp_path, monkeypatch):
    """A FIFO nobody writes to, a silent pipe, /dev/zero: each an error naming it, in bounded time and size."""
    import os
    import threading

    from checker import readers
    from checker.errors import InputError
    from checker.readers import file_bytes

    monkeypatch.setattr(readers, "PIPE_SECONDS", 0.3)
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match=r"nothing more arrived from this pipe or device in 0.3 s"):
        file_bytes(fifo)  # no writer at all
    seed = SEED.read_bytes()

    def write() -> None:
        with open(fifo, "wb") as fh:
            fh.write(seed)

    writer = threading.Thread(target=write)
    writer.start()
    assert file_bytes(fifo) == seed  # a pipe that delivers is read whole
    writer.join()
    monkeypatch.setenv("JXCHECK_MAX_FILE_MB", "1")
    with pytest.raises(InputError, match=r"file is more than 1 MB; the limit is 1 MB"):
        file_bytes("/dev/zero")
