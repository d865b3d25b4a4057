"""Load on the self-check service: UNITS units, each with a clerk, CONCURRENT of them uploading at once, each
upload a real-size filing (seed-shaped, .docx) — every result must be stored; the service's memory is measured.

    .venv/bin/python bench/load_service.py [--units 200] [--concurrent 20] [--jobs 2]

Prints uploads per minute, the latency of an upload (p50, p95, max), the peak memory of the service's process
tree, and whether every upload became a stored check. docs/benchmarks.md holds the figures."""

from __future__ import annotations

import argparse
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "load-test-password"


def _tree_rss(pid: int) -> int:
    """Resident memory of a process and its children, in bytes (Linux /proc)."""
    total = 0
    pids = [pid]
    while pids:
        p = pids.pop()
        try:
            with open(f"/proc/{p}/status", encoding="ascii") as fh:
                total += next(int(line.split()[1]) * 1024 for line in fh if line.startswith("VmRSS:"))
            with open(f"/proc/{p}/task/{p}/children", encoding="ascii") as fh:
                pids += [int(c) for c in fh.read().split()]
        except (OSError, StopIteration):
            continue
    return total


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--units", type=int, default=200)
    ap.add_argument("--concurrent", type=int, default=20)
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    import httpx2 as httpx

    from bench.generate import generate
    from checker.service import accounts
    from checker.service.db import Database, database_url
    from checker.service.models import Account, Check

    work = Path(tempfile.mkdtemp(prefix="jxload-"))
    data = work / "data"
    data.mkdir()
    generate(work / "filings", args.units, "docx", seed=11, shape="seed")
    filings = sorted((work / "filings").rglob("*.docx"))[: args.units]
    db = Database(database_url(data))
    hashed = accounts.hash_password(PASSWORD)  # one hash for all: the load is the checks, not Argon2
    with db.session() as s:
        for i in range(args.units):
            unit = accounts.add_unit(s, f"{i:04d}", f"测试单位{i:04d}", f"主管部门{i % 12:02d}")
            s.add(Account(username=f"clerk{i:04d}", password_hash=hashed, role="unit", unit=unit,
                          must_change_password=False))
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "checker.cli", "serve", "--data", str(data), "--port", str(port),
                             "--jobs", str(args.jobs), "--max-files", "5"], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=1)
            break
        except OSError:
            time.sleep(0.2)
    peak = 0
    done = threading.Event()

    def watch() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss(proc.pid))
            time.sleep(0.2)

    def upload(i: int) -> float:
        with httpx.Client(base_url=base, timeout=600, headers={"origin": base}) as c:
            csrf = re.search(r'name="csrf" value="([^"]+)"', c.get("/login").text).group(1)
            c.post("/login", data={"username": f"clerk{i:04d}", "password": PASSWORD, "csrf": csrf})
            csrf = re.search(r'name="csrf" value="([^"]+)"', c.get("/unit").text).group(1)
            start = time.monotonic()
            r = c.post("/unit/checks", data={"csrf": csrf},
                       files=[("files", (filings[i].name, filings[i].read_bytes(), "application/octet-stream"))])
            if r.status_code != 303:
                raise RuntimeError(f"unit {i}: {r.status_code} {r.text[:200]}")
            return time.monotonic() - start

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    start = time.monotonic()
    failures = 0
    latencies: list[float] = []
    with ThreadPoolExecutor(args.concurrent) as pool:
        for future in [pool.submit(upload, i) for i in range(args.units)]:
            try:
                latencies.append(future.result())
            except Exception as exc:  # counted, and the first few shown
                failures += 1
                if failures <= 3:
                    print(f"failed: {exc}")
    seconds = time.monotonic() - start
    done.set()
    proc.terminate()
    proc.wait(timeout=30)
    with db.session() as s:
        stored = s.query(Check).count()
    db.close()
    latencies.sort()
    size = sum(f.stat().st_size for f in filings) / len(filings)
    print(f"{args.units} units, {args.concurrent} uploading at once, {args.jobs} workers; .docx of {size / 1024:.0f} KB "
          "on average (seed-shaped)")
    print(f"{len(latencies)} uploads in {seconds:.1f} s: {60 * len(latencies) / seconds:.0f} a minute; latency p50 "
          f"{statistics.median(latencies):.1f} s, p95 {latencies[int(0.95 * (len(latencies) - 1))]:.1f} s, max "
          f"{latencies[-1]:.1f} s")
    print(f"stored checks {stored} of {args.units}; failures {failures}; peak memory of the service's process tree "
          f"{peak / 2**20:.0f} MB")
    return 0 if stored == args.units and not failures else 1


if __name__ == "__main__":
    raise SystemExit(main())
