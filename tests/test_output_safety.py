"""Outputs never damage the machine, never lose the report silently, and are never read back as filings."""

from __future__ import annotations

import json
import os
import shutil
import stat
import textwrap

import pytest

from checker.cli import main
from tests.conftest import SEED


def _check(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["check", "--no-cache", "--jobs", "0", "--no-config", "-q", *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("target", ["/dev/null", "/dev/stdout"])
def test_device_files_are_refused_and_left_alone(capsys, target):
    before = os.lstat(target)
    code, _, err = _check(capsys, "--format", "json", "--output", target, str(SEED))
    assert code == 2 and ("not a regular file" in err or "symbolic link" in err)
    after = os.lstat(target)  # still the device node (or the link to it), the same inode
    assert not stat.S_ISREG(after.st_mode) and (before.st_ino, before.st_dev) == (after.st_ino, after.st_dev)


def test_output_into_a_missing_directory_or_onto_a_directory(capsys, tmp_path):
    code, _, err = _check(capsys, "--format", "json", "--output", str(tmp_path / "no" / "such" / "f.json"), str(SEED))
    assert code == 2 and "does not exist" in err and "no/such" in err
    code, _, err = _check(capsys, "--format", "json", "--output", str(tmp_path), str(SEED))
    assert code == 2 and "is a directory" in err
    code, _, err = _check(capsys, "--write-baseline", str(tmp_path / "missing" / "b.json"), str(SEED))
    assert code == 2 and "does not exist" in err


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes anywhere")
def test_output_into_a_read_only_directory(capsys, tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    try:
        code, _, err = _check(capsys, "--format", "json", "--output", str(ro / "f.json"), str(SEED))
    finally:
        ro.chmod(0o700)
    assert code == 2 and "f.json" in err and "cannot write" in err
    assert list(ro.iterdir()) == []


def test_symlinks_only_with_follow_symlinks(capsys, tmp_path):
    real = tmp_path / "real.json"
    real.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    code, _, err = _check(capsys, "--format", "json", "--output", str(link), str(SEED))
    assert code == 2 and "symbolic link" in err and real.read_text() == "old"
    code, _, _ = _check(capsys, "--format", "json", "--output", str(link), "--follow-symlinks", str(SEED))
    assert code == 1 and link.is_symlink() and json.loads(real.read_text())["reports"]


def test_own_outputs_are_not_read_as_filings(capsys, tmp_path):
    d = tmp_path / "filings"
    d.mkdir()
    shutil.copy(SEED, d / "seed.txt")
    for _ in range(2):  # the second run walks past the first run's findings.json and baseline
        code, _, err = _check(capsys, "--format", "json", "--output", str(d / "findings.json"),
                              "--write-baseline", str(d / "baseline.json"), str(d))
        assert code == 1, err
    code, out, err = _check(capsys, "--format", "json", str(d))
    doc = json.loads(out)
    assert code == 1 and doc["errors"] == [] and {r["source"] for r in doc["reports"]} == {str(d / "seed.txt")}
    assert not [p for p in d.iterdir() if p.name.endswith(".tmp")]


def test_json_carries_any_figure(capsys, tmp_path):
    path = tmp_path / "huge.yaml"
    path.write_text(textwrap.dedent("""\
        evaluations:
          - project: 巨额
            year: 2022
            has_table: true
            funding:
              - {kind: total, label: 年度资金总额, budget: "184467440737095516160", executed: "1e400", weight: 10,
                 rate: nan%, score: "99999999999999999999999"}
            indicators:
              - {level1: 产出指标, level2: 数量指标, name: 人次, target: ≥184467440737095516160人次,
                 actual: 18446744073709551616人次, weight: "1e309", score: 1e308}
            total: {weight: 100, score: "340282366920938463463374607431768211456"}
        """), encoding="utf-8")
    code, out, err = _check(capsys, "--format", "json", str(path))
    doc = json.loads(out)  # valid JSON, whole
    assert code in (0, 1) and doc["reports"][0]["project"] == "巨额"
    assert "NaN" not in out and "Infinity" not in out


FORMATS = ["console", "json", "sarif", "junit", "github", "markdown", "html", "xlsx"]


def _written(out, fmt: str) -> str:
    """All the text an output file holds (an .xlsx: every cell's)."""
    if fmt != "xlsx":
        return out.read_text(encoding="utf-8")
    from openpyxl import load_workbook

    return "\n".join(str(c.value) for ws in load_workbook(out).worksheets for row in ws.iter_rows() for c in row)


def _names_folder(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SEED, folder / "good.txt")
    gbk = os.fsencode(folder) + b"/" + "自评".encode("gbk") + b".txt"  # what unzipping a Windows archive gives
    with open(gbk, "wb") as fh:
        fh.write(SEED.read_bytes())
    for raw in ("自評".encode("shift_jis") + b".txt", b"\xff\xfe.txt", b"\xfe\xff.txt"):  # Japanese Windows, no encoding
        with open(os.fsencode(folder) + b"/" + raw, "wb") as fh:
            fh.write(SEED.read_bytes())
    (folder / "\x1b[2J\x1b[8mevil.txt").write_text("会议通知\n", encoding="utf-8")
    return folder


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_file_name_in_gbk_bytes_or_with_escapes_loses_nothing(capsys, tmp_path, fmt):
    """A name in GBK bytes is shown decoded, a name with terminal escapes shows them as text; every format
    is written and every filing is in it."""
    folder = _names_folder(tmp_path)
    out = tmp_path / f"r.{fmt}"
    code, _, err = _check(capsys, "--format", fmt, "--output", str(out), str(folder))
    assert code == 1, err  # the seed's findings; nothing unreadable
    text = _written(out, fmt)
    named = "%25E8%2587%25AA%25E8%25AF%2584.txt" if fmt == "github" else "自评.txt"  # github: as a file URI
    assert named in text and "\x1b" not in text and "\x1b" not in err
    if fmt == "json":
        doc = json.loads(text)
        names = {r["source"].rsplit("/", 1)[1] for r in doc["reports"]}
        assert names == {"good.txt", "帺\\x95].txt", "自评.txt", "\\xfe\\xff.txt", "\\xff\\xfe.txt"}
        assert len(doc["reports"]) == 15 and not doc["errors"]
        assert doc["skipped"][0]["source"].endswith("\x1b[2J\x1b[8mevil.txt")  # JSON escapes it itself


def test_the_console_shows_escapes_as_text(capsys, tmp_path):
    folder = _names_folder(tmp_path)
    code, out, err = _check(capsys, str(folder))
    assert code == 1 and "\x1b" not in out + err and "\\x1b[2J\\x1b[8mevil.txt" in out and "自评.txt" in out


def test_markdown_keeps_names_out_of_its_html(capsys, tmp_path):
    filing = tmp_path / "f.yaml"
    filing.write_text(textwrap.dedent("""\
        evaluations:
          - project: "</summary></details><h2>x</h2>"
            has_table: true
            indicators:
              - {level1: 产出指标, level2: 数量指标, name: 培训人次, target: ≥500人次, actual: 400人次, weight: 50, score: 50}
        """), encoding="utf-8")
    _, out, _ = _check(capsys, "--format", "markdown", str(filing))
    assert "<h2>" not in out and "&lt;/summary&gt;&lt;/details&gt;&lt;h2&gt;x" in out


@pytest.mark.parametrize("fmt", FORMATS)
def test_cell_text_with_escapes_is_neutralised_in_every_format(capsys, tmp_path, fmt):
    """A project name and an indicator holding ESC[2J and a right-to-left override reach no output raw."""
    filing = tmp_path / "f.yaml"
    filing.write_text(textwrap.dedent("""\
        evaluations:
          - project: "项目\\e[2J\\e[8m\\u202e隐藏"
            has_table: true
            indicators:
              - {level1: 产出指标, level2: 数量指标, name: "培训\\e]0;title\\a人次", target: ≥500人次, actual: 400人次,
                 weight: 50, score: 50}
        """), encoding="utf-8")
    out = tmp_path / f"r.{fmt}"
    code, _, err = _check(capsys, "--format", fmt, "--output", str(out), str(filing))
    assert code == 1, err
    text = _written(out, fmt)
    for raw in ("\x1b", "\u202e", "\x07"):
        assert raw not in text and raw not in err
