"""The console never crashes on its own encoding, and an internal error is one line, exit 2."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.conftest import ROOT, SEED


def _run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "checker.cli", *args], cwd=ROOT, capture_output=True,
                          env={**os.environ, **(env or {})}, check=False)


def test_gbk_console_shows_replacements_not_a_traceback():
    proc = _run("check", str(SEED), "--no-cache", "--jobs", "0", "--no-config", env={"PYTHONIOENCODING": "gbk"})
    assert proc.returncode == 1 and b"Traceback" not in proc.stderr
    text = proc.stdout.decode("gbk")
    assert "安全生产专项" in text and "BUD001" in text


def test_ascii_console_still_works():
    proc = _run("check", str(SEED), "--no-cache", "--jobs", "0", "--no-config", "--lang", "en",
                env={"PYTHONIOENCODING": "ascii"})
    assert proc.returncode == 1 and b"Traceback" not in proc.stderr and b"BUD001" in proc.stdout


def test_internal_error_is_one_line_unless_debug(tmp_path):
    # a reader bug, simulated: a sitecustomize that breaks the layout step
    hook = tmp_path / "sitecustomize.py"
    hook.write_text("import checker.readers as r\n"
                    "def boom(*a, **k):\n    raise RuntimeError('simulated bug')\n"
                    "r.build_filing = boom\n", encoding="utf-8")
    env = {"PYTHONPATH": f"{tmp_path}{os.pathsep}{ROOT}"}
    proc = _run("check", str(SEED), "--no-cache", "--jobs", "0", "--no-config", "--format", "json", env=env)
    [error] = json.loads(proc.stdout)["errors"]  # the file's error entry, in the report
    assert proc.returncode == 2 and error["message"] == "internal error while reading: RuntimeError: simulated bug"
    assert "Traceback" not in proc.stderr.decode()
    proc = _run("parse", str(SEED), "--no-config", env=env)
    err = proc.stderr.decode()
    assert proc.returncode == 2 and "internal error: RuntimeError: simulated bug" in err and "Traceback" not in err
    proc = _run("--debug", "parse", str(SEED), "--no-config", env=env)
    assert proc.returncode != 0 and "Traceback" in proc.stderr.decode()


def test_messages_are_chinese_first_and_english_with_lang_en(tmp_path):
    missing = str(tmp_path / "nope.docx")
    wide = {"COLUMNS": "400"}
    proc = _run("check", missing, "--no-cache", "--jobs", "0", "--no-config", env=wide)
    assert "无法读取" in proc.stdout.decode() and "文件不存在" in proc.stdout.decode()
    proc = _run("parse", missing, "--no-config")
    assert proc.stderr.decode().strip() == f"jxcheck: 错误：{missing}: 文件不存在（file not found）"
    proc = _run("check", missing, "--no-cache", "--jobs", "0", "--no-config", "--lang", "en", env=wide)
    assert "file not found" in proc.stdout.decode() and "文件不存在" not in proc.stdout.decode()
