"""Processes and signals: workers never outlive the run, Ctrl-C and a closed pipe end quietly and say so."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from tests.conftest import ROOT, SEED


def _children(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True, check=False).stdout
    return [int(x) for x in out.split()]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as fh:
        return fh.read().split()[2] != "Z"


def _start(tmp_path, *args: str) -> subprocess.Popen:
    d = tmp_path / "in"
    d.mkdir(exist_ok=True)
    for name in ("a_hangs.txt", "b.txt", "c.txt"):
        (d / name).write_bytes(SEED.read_bytes())
    env = {**os.environ, "JXCHECK_FAULT_INJECT": "hang:a_hangs"}
    return subprocess.Popen([sys.executable, "-m", "checker.cli", "check", str(d), "--no-cache", "--no-config",
                             "--jobs", "2", "--format", "json", *args], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=True)


def _wait_for_workers(proc: subprocess.Popen) -> list[int]:
    for _ in range(100):
        kids = _children(proc.pid)
        if len(kids) >= 2:
            return kids
        time.sleep(0.1)
    pytest.fail("workers did not start")


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_workers_exit_when_the_parent_dies(tmp_path, sig):
    proc = _start(tmp_path)
    workers = _wait_for_workers(proc)
    os.kill(proc.pid, sig)
    proc.wait(timeout=20)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_alive(w) for w in workers):
        time.sleep(0.1)
    assert not any(_alive(w) for w in workers)
    if sig == signal.SIGTERM:
        err = proc.stderr.read().decode()
        assert proc.returncode == 143 and "已终止（terminated）" in err and "Traceback" not in err


def test_ctrl_c_is_one_line_and_exit_130(tmp_path):
    proc = _start(tmp_path)
    _wait_for_workers(proc)
    os.killpg(proc.pid, signal.SIGINT)  # the terminal sends it to the whole group
    proc.wait(timeout=20)
    err = proc.stderr.read().decode()
    assert proc.returncode == 130
    assert err.strip().splitlines()[-1] == "jxcheck: 已中断（interrupted）" and "Traceback" not in err


def test_closed_pipe_is_quiet_and_not_success():
    proc = subprocess.run(f"{sys.executable} -m checker.cli check {SEED} --no-cache --jobs 0 --format json | head -1; "
                          "exit ${PIPESTATUS[0]}", shell=True, executable="/bin/bash", cwd=ROOT,
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 141 and proc.stdout.startswith("{")
    assert "Traceback" not in proc.stderr and "BrokenPipe" not in proc.stderr
