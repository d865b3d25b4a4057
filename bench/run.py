"""Benchmark: throughput by stage and by number of workers, the main process's share, peak memory.

    python bench/run.py --standard /tmp/jxbench             # generates the standard corpora once, runs them all
    python bench/generate.py /data/seed_text_900 --count 900 --shape seed --format text
    python bench/run.py /data/seed_text_900 [/data/small_text_10000 …] [--jobs 0 1 2] [--json results.jsonl]
    python bench/run.py /data/seed_text_900 --parse          # also `jxcheck parse` (time, peak RSS)

The standard corpora (docs/benchmarks.md): seed_text_900, seed_docx_900, seed_xlsx_300 (seed-shaped),
copies_300 (900 filings: the seed copied), small_text_1000 (17 rows).

For each directory:
- stages: every file read, laid out, turned into facts, run through the engine, its features taken and
  its result packed, in this process as a worker does it (nothing kept between files); then the main
  process's part — merging the results, the cross-filing stage, the JSON report — on those results.
  Milliseconds per filing for each stage;
- full check: `jxcheck check DIR --format json --output FILE --no-cache -q --jobs N` as a subprocess, for
  each N of --jobs: filings per second (wall time of the whole command: start-up, workers, cross-filing
  stage, JSON written to a file), the main process's share of the CPU time, the peak RSS of the process
  tree (main process plus workers, sampled every 0.05 s from /proc), and the speed-up over --jobs 0;
- with --parse: `jxcheck parse DIR --jobs N > FILE`, its time and peak RSS.
This is a script, not a test: timings depend on the machine and are written down with it.
"""

from __future__ import annotations

import argparse
import io
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

# a subprocess that runs the command line and reports its own CPU time and its children's
_TIMED = """
import json, resource, sys
from checker.cli import main
code = main(sys.argv[2:])
me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
with open(sys.argv[1], "w") as fh:
    json.dump({"code": code, "main_cpu": me.ru_utime + me.ru_stime, "workers_cpu": kids.ru_utime + kids.ru_stime}, fh)
"""


def stages(directory: Path) -> dict[str, float]:
    """Milliseconds per filing of each stage, measured in this process."""
    from checker.batch import BatchSpec, FileResult, consume, init_worker
    from checker.facts import build_facts
    from checker.facts.cross.features import extract_features
    from checker.facts.scoring import recomputed_scores
    from checker.packed import ReportList, pack
    from checker.readers import _read_document, _year_in_name, file_bytes, sniff
    from checker.readers.canonical import read_canonical
    from checker.readers.layout import build_filing
    from checker.render.json_out import render_json, report_json_parts
    from checker.results import Report, RunResult
    from checker.rulebook import bundled_rules_dir, load_rules
    from checker.run import expand_paths

    rules = load_rules([bundled_rules_dir()])
    spec = BatchSpec(rules, json_lang="zh")
    state = init_worker(spec)
    t = dict.fromkeys(("read", "layout", "facts", "engine+findings", "features", "pack + JSON"), 0.0)
    results = []
    filings = 0
    clock = time.perf_counter
    for path in expand_paths([str(directory)]):
        data = file_bytes(path)
        fmt = sniff(data, Path(path).suffix.lower(), path)
        a = clock()
        if fmt in ("yaml", "json"):
            read = read_canonical(data, path, fmt)
            b = clock()
        else:
            doc = _read_document(data, path, fmt)
            b = clock()
            read = [build_filing(doc, file_year=_year_in_name(path))]
        c = clock()
        t["read"] += b - a
        t["layout"] += c - b
        result = FileResult(path)
        reports = []
        for filing in read:
            for ev in filing.evaluations:
                d = clock()
                records = build_facts(ev, len(reports))
                e = clock()
                report = Report(filing.source, ev.project, ev.year, ev.department, warnings=list(ev.warnings),
                                scores=recomputed_scores(records))
                report.findings = state.checker.findings(records, filing.source)
                for f in report.findings:
                    f.fingerprint  # noqa: B018 - as the worker does
                g = clock()
                result.features.append(extract_features(ev, len(reports), filing.source))
                h = clock()
                reports.append(report)
                t["facts"] += e - d
                t["engine+findings"] += g - e
                t["features"] += h - g
                filings += 1
        i = clock()
        result.reports = [pack(r, report_json_parts(r, "zh"), "zh") for r in reports]  # as the worker does
        t["pack + JSON"] += clock() - i
        results.append(result)
    a = clock()
    outcome = consume(results, spec, ReportList())
    b = clock()
    merged = ReportList()
    for item in outcome.merged():
        merged.append(item)
    c = clock()
    sink = io.StringIO()
    for chunk in render_json(RunResult(reports=merged, errors=outcome.errors, files=len(results), rules=rules)):
        sink.write(chunk)
    d = clock()
    outcome.close()
    t["main: merge results"] = b - a
    t["main: cross-filing"] = outcome.cross_seconds
    t["main: sort and merge"] = c - b - outcome.cross_seconds
    t["main: JSON report"] = d - c
    return {k: round(v / max(filings, 1) * 1000, 3) for k, v in t.items()} | {"filings": filings}


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


def _run(args: list[str], stdout: Path | None = None) -> dict:
    """The command line in a subprocess: wall time, peak RSS of its process tree, CPU of main and workers."""
    with tempfile.TemporaryDirectory() as tmp:
        usage = Path(tmp) / "usage.json"
        out = open(stdout, "w") if stdout else subprocess.DEVNULL  # noqa: SIM115
        start = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-c", _TIMED, str(usage), *args], cwd=ROOT, stdout=out,
                                stderr=subprocess.PIPE, text=True)
        peak = 0
        done = threading.Event()

        def sample() -> None:
            nonlocal peak
            while not done.is_set():
                peak = max(peak, _tree_rss_kb(proc.pid))
                time.sleep(0.05)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, err = proc.communicate()
        elapsed = time.perf_counter() - start
        done.set()
        sampler.join()
        if stdout:
            out.close()
        cpu = json.loads(usage.read_text()) if usage.exists() else {}
        m = re.search(r"(\d+) filings · cross-filing stage ([\d.]+) s", err)
        return {"seconds": elapsed, "peak_rss_mb": peak / 1024, "exit": cpu.get("code", proc.returncode),
                "main_cpu": cpu.get("main_cpu"), "workers_cpu": cpu.get("workers_cpu"),
                "evaluations": int(m.group(1)) if m else None, "cross_seconds": float(m.group(2)) if m else None}


def full_check(directory: Path, jobs: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "findings.json"
        r = _run(["check", str(directory), "--format", "json", "--output", str(out), "--no-cache", "-q",
                  "--no-config", "--jobs", str(jobs), "--statistics"])
        summary = json.loads(out.read_text(encoding="utf-8"))["summary"] if out.exists() else {}
        r["findings"] = summary.get("findings")
        r["output_mb"] = out.stat().st_size / 1e6 if out.exists() else 0
        return r


def parse_run(directory: Path, jobs: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "parsed.yaml"
        r = _run(["parse", str(directory), "--jobs", str(jobs), "--no-config", "--no-parsed"], stdout=out)
        r["output_mb"] = out.stat().st_size / 1e6
        return r


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


STANDARD = {  # name: (count, format, shape)
    "seed_text_900": (900, "text", "seed"),
    "seed_docx_900": (900, "docx", "seed"),
    "seed_xlsx_300": (300, "xlsx", "seed"),
    "copies_300": (300, "text", "copies"),
    "small_text_1000": (1000, "text", "small"),
}


def standard(root: Path) -> list[Path]:
    """The standard corpora under `root`, generated where missing (.docx takes minutes: python-docx)."""
    from bench.generate import generate

    out = []
    for name, (count, fmt, shape) in STANDARD.items():
        d = root / name
        if not (d / "MANIFEST").exists():
            print(f"generating {d} …", flush=True)
            generate(d, count, fmt, shape=shape)
        out.append(d)
    return out


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("dirs", nargs="*", type=Path)
    p.add_argument("--standard", type=Path, metavar="DIR", help="generate (once) and run the standard corpora here")
    p.add_argument("--jobs", type=int, nargs="+", default=[0, 1, 2], help="worker counts to run the check with")
    p.add_argument("--no-stages", action="store_true", help="skip the in-process stage timings")
    p.add_argument("--parse", action="store_true", help="also time `jxcheck parse`")
    p.add_argument("--json", type=Path, help="append the results as JSON lines here")
    a = p.parse_args()
    dirs = [*(standard(a.standard) if a.standard else []), *a.dirs]
    if not dirs:
        p.error("give corpus directories or --standard DIR")
    print(machine(), flush=True)
    for d in dirs:
        row: dict = {"corpus": d.name}
        if not a.no_stages:
            row["stages_ms_per_filing"] = stages(d)
            print(f"\n{d.name}: ms per filing by stage", json.dumps(row["stages_ms_per_filing"], ensure_ascii=False),
                  flush=True)
        runs = {}
        for jobs in a.jobs:
            r = runs[jobs] = full_check(d, jobs)
            n = r["evaluations"] or 0
            share = r["main_cpu"] / (r["main_cpu"] + r["workers_cpu"]) if r["main_cpu"] is not None else None
            print(f"{d.name} --jobs {jobs}: {n} filings in {r['seconds']:.2f} s = {n / r['seconds']:.1f}/s, peak RSS "
                  f"{r['peak_rss_mb']:.0f} MB, main process {share:.0%} of the CPU, cross-filing "
                  f"{r['cross_seconds']} s, {r['findings']} findings, exit {r['exit']}", flush=True)
        base = runs.get(0)
        row["checks"] = {str(j): {"seconds": round(r["seconds"], 2),
                                  "filings_per_s": round((r["evaluations"] or 0) / r["seconds"], 1),
                                  "speedup_over_0": round(base["seconds"] / r["seconds"], 2) if base else None,
                                  "peak_rss_mb": round(r["peak_rss_mb"], 1), "main_cpu_s": r["main_cpu"],
                                  "workers_cpu_s": r["workers_cpu"], "cross_seconds": r["cross_seconds"],
                                  "findings": r["findings"], "exit": r["exit"]} for j, r in runs.items()}
        if a.parse:
            jobs = max(a.jobs)
            r = parse_run(d, jobs)
            row["parse"] = {"jobs": jobs, "seconds": round(r["seconds"], 2), "peak_rss_mb": round(r["peak_rss_mb"], 1),
                            "output_mb": round(r["output_mb"], 1)}
            print(f"{d.name} parse --jobs {jobs}: {r['seconds']:.2f} s, peak RSS {r['peak_rss_mb']:.0f} MB", flush=True)
        if a.json:
            with a.json.open("a", encoding="utf-8") as fh:
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
