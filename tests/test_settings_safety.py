"""Settings, baselines and waivers: every broken or hostile file is exit 2 with a message, never a traceback,
a hang or silence (issue: trust at the edges)."""

from __future__ import annotations

import json
import os
import textwrap

import pytest

from checker.cli import main
from tests.conftest import SEED


def _check(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["check", "--no-cache", "--jobs", "0", "-q", "--format", "json", *args])
    out, err = capsys.readouterr()
    return code, out, err


def _settings(tmp_path, text: str, name: str = "jxcheck.toml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.mark.parametrize(("text", "message"), [
    ("[tool.jxcheck]\nselect = [\"BUD\"\n", "invalid TOML"),
    ("[tool.jxcheck]\nparameters = { SCO003 = { tolerance = nan } }\n", "not a finite number"),
    ("[tool.jxcheck]\nparameters = { SCO003 = { tolerance = inf } }\n", "not a finite number"),
    ("[tool.jxcheck.weights]\nexecution = 10\n\"产出指标\" = 50\n\"效益指标\" = 30\n", "add up to 90"),
    ("[tool.jxcheck.weights]\nexecution = -10\n\"产出指标\" = 70\n\"效益指标\" = 30\n\"满意度指标\" = 10\n", "non-negative"),
    ("[tool.jxcheck.weights]\nexecution = nan\n\"产出指标\" = 100\n", "non-negative"),
    ("[tool.jxcheck.weights]\nexecution = 10\n\"产出\" = 90\n", "unknown name"),
])
def test_broken_pyproject_section_is_an_error(capsys, tmp_path, monkeypatch, text, message):
    _settings(tmp_path, text, "pyproject.toml")
    monkeypatch.chdir(tmp_path)
    code, _, err = _check(capsys, str(SEED))
    assert code == 2 and "pyproject.toml" in err and message in err and "Traceback" not in err


def test_pyproject_without_jxcheck_is_ignored_and_with_it_named(capsys, tmp_path, monkeypatch):
    (tmp_path / "pyproject.toml").write_bytes(b"[tool.black]\nline-length = 100\n\xff\xfe")
    monkeypatch.chdir(tmp_path)
    code, out, _ = _check(capsys, str(SEED))
    assert code == 1 and json.loads(out)["summary"]["settings_file"] is None
    (tmp_path / "pyproject.toml").write_text("[tool.jxcheck]\nignore = [\"IND004\"]\n", encoding="utf-8")
    code, out, _ = _check(capsys, str(SEED))
    assert json.loads(out)["summary"]["settings_file"].endswith("pyproject.toml")


def test_non_utf8_settings(capsys, tmp_path):
    path = tmp_path / "jxcheck.toml"
    path.write_bytes("select = [\"预算\"]\n".encode("gbk"))
    code, _, err = _check(capsys, "--config", str(path), str(SEED))
    assert code == 2 and "must be UTF-8" in err


@pytest.mark.parametrize("special", ["/dev/zero", "/dev/urandom"])
def test_waivers_and_baseline_from_special_files(capsys, special):
    code, _, err = _check(capsys, "--no-config", "--waivers", special, str(SEED))
    assert code == 2 and "not a regular file" in err
    code, _, err = _check(capsys, "--no-config", "--baseline", special, str(SEED))
    assert code == 2 and "not a regular file" in err


def test_baseline_fifo_does_not_hang(capsys, tmp_path):
    fifo = tmp_path / "b.json"
    os.mkfifo(fifo)
    code, _, err = _check(capsys, "--no-config", "--baseline", str(fifo), str(SEED))
    assert code == 2 and "not a regular file" in err


def test_deeply_nested_baseline(capsys, tmp_path):
    path = tmp_path / "b.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    code, _, err = _check(capsys, "--no-config", "--baseline", str(path), str(SEED))
    assert code == 2 and "b.json" in err and "Traceback" not in err


@pytest.mark.parametrize(("text", "message"), [
    ("waivers:\n  - {fingerprint: abc, reason: r, approver: a, expires: 2027-13-45}\n", "invalid value"),
    ("waivers:\n  - {fingerprint: abc, reason: r, approver: a, expires: 2027-01-01}\n"
     "  - {fingerprint: abc, reason: s, approver: b, expires: 2028-01-01}\n", "waived twice"),
    ("waivers: " + "[" * 5000 + "]" * 5000 + "\n", "waiver"),
])
def test_bad_waivers(capsys, tmp_path, text, message):
    path = tmp_path / "w.yaml"
    path.write_text(text, encoding="utf-8")
    code, _, err = _check(capsys, "--no-config", "--waivers", str(path), str(SEED))
    assert code == 2 and "w.yaml" in err and message in err and "Traceback" not in err
