"""Every example in the README runs as written: its settings file, its waivers, its form vocabulary and each
jxcheck command of its shell blocks and its GitHub workflow — in a folder laid out as the README assumes
(filings/, archive/, fixtures/ …), each exiting 0 or 1, with no traceback and no untranslated English."""

from __future__ import annotations

import os
import re
import shlex
import shutil
from pathlib import Path

import pytest
import yaml

from checker.cli import main
from tests.conftest import FIXTURES, ROOT, SEED

README = (ROOT / "README.md").read_text(encoding="utf-8")
# commands the suite cannot run as a step of itself: the set-up and the tests (.ci/run runs them), the page
# (a server, tested by test_serve/test_browser) and the benchmarks (bench/, minutes long)
NOT_HERE = ("pip install", "-m pytest", "jxcheck serve", "bench/")


def _blocks(lang: str) -> list[str]:
    return re.findall(rf"^```{lang}\n(.*?)^```", README, re.M | re.S)


def _commands() -> list[str]:
    out = []
    for block in _blocks("sh"):
        for line in block.splitlines():
            line = line.split("  #", 1)[0].split("&& ")[-1].strip()
            if "jxcheck " not in line or any(x in line for x in NOT_HERE):
                continue
            # the synopsis: its options in brackets left out, run where no placeholder (PATH, FILE, ID) is left
            line = re.sub(r"\s*\[[^\]]*\]", "", line).strip()
            if re.search(r"\b[A-Z]{2,}\b|\.\.\.", line.split("jxcheck", 1)[1]):
                continue
            out.append(line)
    workflow = yaml.safe_load(next(b for b in _blocks("yaml") if "jobs:" in b))
    out += [s["run"].split("  #", 1)[0].strip() for s in workflow["jobs"]["check"]["steps"]
            if "run" in s and s["run"].startswith("jxcheck ")]
    return out


def _settings_block() -> str:
    [toml] = _blocks("toml")
    return toml


@pytest.fixture
def repo(tmp_path, monkeypatch):
    """A folder laid out as the README's examples assume."""
    (tmp_path / "fixtures").symlink_to(FIXTURES)
    for folder in ("filings", "archive", "archive/2019", "more/a"):
        (tmp_path / folder).mkdir(parents=True, exist_ok=True)
    shutil.copy(SEED, tmp_path / "filings" / "seed.txt")
    shutil.copy(SEED, tmp_path / "archive" / "2019" / "seed.txt")
    shutil.copy(FIXTURES / "seed_yongzhou_2021.docx", tmp_path / "more" / "a" / "seed.docx")
    shutil.copy(FIXTURES / "seed_yongzhou_2021.docx", tmp_path / "filing.docx")
    vocabulary = next(b for b in _blocks("yaml") if b.startswith("# forms-hunan/"))
    (tmp_path / "forms-hunan").mkdir()
    (tmp_path / "forms-hunan" / "xiangxi.yaml").write_text(vocabulary, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path / "summary.md"))
    return tmp_path


def _english(text: str) -> list[str]:
    """Runs of English words a Chinese reader is shown untranslated (the English kept in （…） after the
    Chinese on standard error, paths, options and rule ids aside)."""
    text = re.sub(r"（[^（）]*）", "", text)
    text = re.sub(r"\S*[/\\.]\S*|--?[\w-]+|\b[A-Z]{3}\d{3}\b", "", text)
    return re.findall(r"\b[A-Za-z]{3,}(?:[ ,]+[A-Za-z]{2,}){2,}", text)


def _run(line: str, capsys, streams: bool = False) -> tuple:
    argv = shlex.split(os.path.expandvars(line))
    assert argv[0].endswith("jxcheck"), line
    code = main(argv[1:])
    out = capsys.readouterr()
    return (code, out.out, out.err) if streams else (code, out.out + out.err)


def test_the_readme_has_commands_to_run():
    assert len(_commands()) >= 8


def test_every_readme_command_runs_as_written(repo, capsys):
    assert main(["check", "filings/", "--write-baseline", "jxcheck-baseline.json", "-q"]) == 1  # the gate's baseline
    capsys.readouterr()
    for line in _commands():
        code, out, err = _run(line, capsys, streams=True)
        assert code in (0, 1), (line, (out + err)[-2000:])
        assert "Traceback" not in out + err and "internal error" not in out + err, line
        shown = err if "--format" in line or line.startswith(("jxcheck facts", "jxcheck schema")) else out + err
        assert _english(shown) == [], (line, _english(shown)[:5])  # JSON, SARIF, facts, schema: for programs


def test_the_settings_example_runs_as_written(repo, capsys):
    (repo / "pyproject.toml").write_text(_settings_block(), encoding="utf-8")
    waivers = next(b for b in _blocks("yaml") if b.startswith("waivers:"))
    (repo / "jxcheck-waivers.yaml").write_text(waivers, encoding="utf-8")
    (repo / "rules-hunan").mkdir()
    code, output = _run("jxcheck check filings/ --write-baseline jxcheck-baseline.json", capsys)
    assert code == 1, output  # the baseline the settings name is being written: not an error
    code, output = _run("jxcheck check filings/", capsys)
    assert code == 0, output  # every finding is in the baseline
    assert "设置文件：" in output and "pyproject.toml" in output and "豁免未使用" in output
    assert _english(output) == []
    code, output = _run("jxcheck check archive/", capsys)
    assert code == 0 and "已在基线 19" in output, output  # the same findings but DUP (per-path for archive/2019)


def test_every_settings_problem_is_reported_by_one_run(repo, capsys):
    text = _settings_block().replace("# [tool.jxcheck.weights]", "[tool.jxcheck.weights]")
    text = re.sub(r"^# (execution|\"\S+\") = ", r"\1 = ", text, flags=re.M)
    (repo / "pyproject.toml").write_text(text, encoding="utf-8")
    code, output = _run("jxcheck check filings/", capsys)
    assert code == 2
    chinese = output.split("（", 1)[0]
    for problem in ("同时设置了 profile = “default” 和 [weights]", "rules = “rules-hunan”", "waivers = “jxcheck-waivers.yaml”",
                    "baseline = “jxcheck-baseline.json”"):
        assert problem in chinese, problem


def test_a_readme_path_is_in_the_repository():
    for name in re.findall(r"`((?:fixtures|bench|checker|rules|tests|docs|forms)/[\w./-]+)`", README):
        if re.search(r"\b[A-Z]{2,}\b|bundled_", name):  # a pattern; a folder the installed package has
            continue
        assert (ROOT / name.rstrip("/")).exists() or any(ROOT.glob(name)), name
    assert Path(ROOT / ".pre-commit-hooks.yaml").exists()
