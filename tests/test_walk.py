"""A folder walk accounts for every file it passes over: what it reads, what it cannot, what is no filing,
and the run's own files — never a silent skip, never an exit 2 for a file that is not a filing."""

from __future__ import annotations

import json
import shutil

from openpyxl import load_workbook

from checker.cli import main
from tests.conftest import SEED


def _folder(tmp_path):
    root = tmp_path / "filings"
    (root / ".github" / "workflows").mkdir(parents=True)
    (root / "sub").mkdir()
    shutil.copy(SEED, root / "seed.txt")
    for name in ("a.doc", "b.xls", "c.pdf"):
        (root / name).write_bytes(b"x")
    (root / "说明.txt").write_text("本文件夹存放上报材料，请勿改名。\n", encoding="utf-8")
    (root / "jxcheck-waivers.yaml").write_text("waivers: []\n", encoding="utf-8")
    (root / ".github" / "workflows" / "jxcheck.yml").write_text("name: ci\non: push\n", encoding="utf-8")
    (root / "sub" / "other.yaml").write_text("foo: 1\n", encoding="utf-8")
    (root / "notes.md").write_text("# notes\n", encoding="utf-8")
    (root / "pyproject.toml").write_text('[tool.jxcheck]\nwaivers = "jxcheck-waivers.yaml"\n', encoding="utf-8")
    return root


def _json(capsys, *args: str) -> tuple[int, dict]:
    code = main(["check", "--no-cache", "-j", "0", "--format", "json", *args])
    return code, json.loads(capsys.readouterr().out)


def test_a_walk_lists_every_file_it_does_not_check_by_reason(tmp_path, capsys, monkeypatch):
    root = _folder(tmp_path)
    monkeypatch.chdir(root)  # the settings in pyproject.toml name the waivers file
    code, doc = _json(capsys, ".")
    assert code == 1  # the seed's errors; nothing the walk came across is an input error
    assert doc["errors"] == []
    skipped = {s["source"]: s["reason"] for s in doc["skipped"]}
    assert skipped == {"a.doc": "unsupported", "b.xls": "unsupported", "c.pdf": "unsupported",
                       "jxcheck-waivers.yaml": "own", "sub/other.yaml": "not_a_filing", "说明.txt": "not_a_filing"}
    assert doc["summary"]["files"] == 1 and doc["summary"]["skipped"] == 6
    assert doc["summary"]["other_files"] == 2  # notes.md, pyproject.toml: counted, not listed


def test_named_files_that_are_not_filings_are_errors(tmp_path, capsys):
    root = _folder(tmp_path)
    code, doc = _json(capsys, "--no-config", str(root / "说明.txt"), str(root / "sub" / "other.yaml"), str(SEED))
    assert code == 2 and len(doc["errors"]) == 2 and all(e["kind"] == "not_a_filing" for e in doc["errors"])
    assert doc["skipped"] == []


def test_a_self_evaluation_the_reader_cannot_follow_is_an_error_even_in_a_walk(tmp_path, capsys):
    (tmp_path / "draft.txt").write_text("附件：绩效自评材料清单\n\n1. 封面\n2. 目录\n", encoding="utf-8")
    code, doc = _json(capsys, "--no-config", str(tmp_path))
    assert code == 2 and [e["source"] for e in doc["errors"]] == [str(tmp_path / "draft.txt")]


def test_console_and_working_paper_show_the_files_not_checked(tmp_path, capsys, monkeypatch):
    root = _folder(tmp_path)
    monkeypatch.chdir(root)
    main(["check", "--no-cache", "-j", "0", "."])
    out = capsys.readouterr().out
    assert "── 未检查的文件" in out and "a.doc: 不支持 Word 97-2003 .doc 格式：请用 WPS 或 Word 打开，另存为 .docx" in out
    assert "说明.txt: 不是填报文件" in out and "未检查 6" in out and "另有2个其他格式的文件未检查（.md、.toml）" in out
    paper = tmp_path / "paper.xlsx"
    assert main(["check", "--no-cache", "-j", "0", ".", "--format", "xlsx", "-o", str(paper)]) == 1
    err = capsys.readouterr().err
    assert f"已写入 {paper}：文件 1 · 项目 3" in err and "未检查 6" in err
    sheet = load_workbook(paper)["未检查的文件"]
    rows = [tuple(c.value for c in row) for row in sheet.iter_rows(min_row=2)]
    assert ("a.doc", "格式不支持", "不支持 Word 97-2003 .doc 格式：请用 WPS 或 Word 打开，另存为 .docx") in rows
    assert len(rows) == 6


def test_unreadable_files_are_named_on_stderr_when_the_report_goes_to_a_file(tmp_path, capsys):
    (tmp_path / "broken.docx").write_bytes(b"PK\x03\x04broken")
    shutil.copy(SEED, tmp_path / "seed.txt")
    page = tmp_path / "report.html"
    assert main(["check", "--no-cache", "--no-config", "-j", "0", str(tmp_path), "-f", "html", "-o", str(page)]) == 2
    err = capsys.readouterr().err
    assert "broken.docx" in err and "无法读取 1" in err and page.exists()
    paper = tmp_path / "paper.xlsx"
    main(["check", "--no-cache", "--no-config", "-j", "0", str(tmp_path), "-f", "xlsx", "-o", str(paper)])
    rows = [tuple(c.value for c in row) for row in load_workbook(paper)["未检查的文件"].iter_rows(min_row=2)]
    assert [r[:2] for r in rows] == [(str(tmp_path / "broken.docx"), "无法读取")]


def test_the_pre_commit_hook_passes_filings_and_never_fails_on_other_files(tmp_path, capsys, monkeypatch):
    import re

    import yaml

    from tests.conftest import ROOT

    [hook, _] = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    root = _folder(tmp_path)
    (root / ".pre-commit-config.yaml").write_text("repos: []\n", encoding="utf-8")
    monkeypatch.chdir(root)
    every = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
    named = [p for p in every if re.search(hook["files"], p) and not re.search(hook["exclude"], p)]
    assert named == ["seed.txt", "sub/other.yaml", "说明.txt"]  # no workflow, no waivers, no hook config
    entry = hook["entry"].split()[1:]
    code = main([*entry, "--no-cache", "-j", "0", "--format", "json", *named])
    doc = json.loads(capsys.readouterr().out)
    assert code == 1 and doc["errors"] == []  # the seed's findings fail it; the other files are notes
    assert {s["source"]: s["reason"] for s in doc["skipped"]} == {"sub/other.yaml": "not_a_filing",
                                                                    "说明.txt": "not_a_filing"}
    assert main(["check", "--no-cache", "-j", "0", "jxcheck-waivers.yaml", "seed.txt", "-q"]) == 1  # own file named
    assert "jxcheck-waivers.yaml: 本次运行的设置、豁免、基线、规则或输出文件" in capsys.readouterr().out


def _two_folders(tmp_path):
    root = tmp_path / "filings"
    for sub in ("good", "locked"):
        (root / sub).mkdir(parents=True)
        shutil.copy(SEED, root / sub / "seed.txt")
    return root


def test_a_folder_that_cannot_be_listed_is_an_error_naming_it(tmp_path, capsys, monkeypatch):
    """A CI gate must not pass what it never read: the locked folder is an error (exit 2), the other is checked."""
    import os

    root = _two_folders(tmp_path)
    real = os.scandir

    def scandir(path="."):
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    out = tmp_path / "r.json"
    assert main(["check", str(root), "--format", "json", "--output", str(out)]) == 2
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert [(e["source"], e["message"]) for e in doc["errors"]] == [
        (str(root / "locked"), "folder cannot be listed: Permission denied")]
    assert {r["source"] for r in doc["reports"]} == {str(root / "good" / "seed.txt")}
    capsys.readouterr()
    assert main(["check", str(root)]) == 2
    assert f"{root / 'locked'}: 无法列出此文件夹中的文件：Permission denied" in capsys.readouterr().out


def test_a_folder_without_read_permission(tmp_path, capsys):
    import os

    if os.geteuid() == 0:
        import pytest

        pytest.skip("root lists any folder")
    root = _two_folders(tmp_path)
    (root / "locked").chmod(0)
    try:
        assert main(["check", str(root)]) == 2
        assert "无法列出此文件夹中的文件" in capsys.readouterr().out
    finally:
        (root / "locked").chmod(0o755)
