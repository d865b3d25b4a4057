"""Benchmark: parse-only vs. full check on generated archives; throughput, peak memory, cross-filing stage.

    python bench/generate.py /data/text_10000 --count 10000 --format text
    python bench/run.py /data/text_10000 [/data/yaml_10000 …] [--jobs 2] [--markdown docs/benchmarks.md]

For each directory:
- parse-only: every file read into the model in `--jobs` worker processes (the same pool as `check`);
- full check: `jxcheck check DIR --format json --output FILE --no-cache -q --jobs N --statistics` as a
  subprocess, its output written to a file;
- peak RSS: the largest resident size of the whole process tree (main process plus workers), sampled
  every 0.1 s from /proc;
- the cross-filing stage time, as `--statistics` reports it.
This is a script, not a test: timings depend on the machine and are written down with it.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from checker.pool import WorkerFailure, run_pool  # noqa: E402
from checker.readers import read_path  # noqa: E402
from checker.run import expand_paths  # noqa: E402


def _parse_task(path: str, _state: object) -> int:
    try:
        return sum(len(f.evaluations) for f in read_path(path))
    except Exception:
        return 0


def _init() -> None:
    return None


def parse_only(directory: Path, jobs: int) -> tuple[float, int, int]:
    files = expand_paths([str(directory)])
    start = time.perf_counter()
    evaluations = 0
    for _, n in run_pool(files, _parse_task, _init, (), jobs):
        if not isinstance(n, WorkerFailure):
            evaluations += n
    return time.perf_counter() - start, len(files), evaluations


def _tree_rss_kb(pid: int) -> int:
    """Resident memory of a process and all its descendants (kB)."""
    total = 0
    stack = [pid]
    while stack:
        p = stack.pop()
        try:
            status = Path(f"/proc/{p}/status").read_text()
            m = re.search(r"VmRSS:\s+(\d+)", status)
            total += int(m.group(1)) if m else 0
            for task in Path(f"/proc/{p}/task").iterdir():
                children = (task / "children").read_text().split()
                stack.extend(int(c) for c in children)
        except (OSError, ValueError):
            continue
    return total


def full_check(directory: Path, jobs: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "findings.json"
        cmd = [sys.executable, "-m", "checker.cli", "check", str(directory), "--format", "json", "--output", str(out),
               "--no-cache", "-q", "--no-config", "--jobs", str(jobs), "--statistics"]
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        peak = 0
        done = threading.Event()

        def sample() -> None:
            nonlocal peak
            while not done.is_set():
                peak = max(peak, _tree_rss_kb(proc.pid))
                time.sleep(0.1)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, err = proc.communicate()
        elapsed = time.perf_counter() - start
        done.set()
        sampler.join()
        m = re.search(r"(\d+) filings · cross-filing stage ([\d.]+) s", err)
        summary = json.loads(out.read_text(encoding="utf-8"))["summary"] if out.exists() else {}
        return {"seconds": elapsed, "exit": proc.returncode, "peak_rss_mb": peak / 1024,
                "evaluations": int(m.group(1)) if m else None, "cross_seconds": float(m.group(2)) if m else None,
                "findings": summary.get("findings"), "output_mb": out.stat().st_size / 1e6 if out.exists() else 0}


def machine() -> str:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores ({cpu}), {mem:.0f} GiB, " \
           f"Python {platform.python_version()}"


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("dirs", nargs="+", type=Path)
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    p.add_argument("--json", type=Path, help="append the results as JSON lines here")
    a = p.parse_args()
    print(machine())
    print("| corpus | files | filings | parse-only filings/s | full check filings/s | full/parse time | peak RSS MB "
          "| cross-filing s (share) | findings |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for d in a.dirs:
        pt, files, evaluations = parse_only(d, a.jobs)
        full = full_check(d, a.jobs)
        share = full["cross_seconds"] / full["seconds"] if full["cross_seconds"] is not None else 0
        row = {"corpus": d.name, "files": files, "filings": evaluations, "parse_seconds": round(pt, 2),
               "parse_rate": round(evaluations / pt, 1), "check_seconds": round(full["seconds"], 2),
               "check_rate": round(evaluations / full["seconds"], 1), "ratio": round(full["seconds"] / pt, 2),
               "peak_rss_mb": round(full["peak_rss_mb"], 1), "cross_seconds": full["cross_seconds"],
               "cross_share": round(share, 3), "findings": full["findings"], "exit": full["exit"],
               "output_mb": round(full["output_mb"], 1), "jobs": a.jobs}
        print(f"| {d.name} | {files} | {evaluations} | {row['parse_rate']} | {row['check_rate']} | {row['ratio']} | "
              f"{row['peak_rss_mb']} | {full['cross_seconds']} ({share:.0%}) | {full['findings']} |", flush=True)
        if a.json:
            with a.json.open("a", encoding="utf-8") as fh:
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
