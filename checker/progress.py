"""A progress bar on standard error for long runs: files, filings, findings, rate, ETA."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeRemainingColumn
from rich.progress import Progress as RichProgress


class Progress:
    def __init__(self, total: int) -> None:
        self.filings = 0
        self.findings = 0
        self._bar = RichProgress(
            TextColumn("[bold]jxcheck"), BarColumn(), MofNCompleteColumn(),
            TextColumn("{task.fields[filings]} 项目 · {task.fields[findings]} 问题 · {task.fields[rate]}/s"),
            TimeRemainingColumn(), console=Console(stderr=True), transient=True)
        self._task = self._bar.add_task("files", total=total, filings=0, findings=0, rate="0")
        self._bar.start()

    def update(self, result: Any) -> None:
        self.filings += len(result.reports)
        self.findings += result.findings
        task = self._bar.tasks[0]
        elapsed = task.elapsed or 0.0
        rate = f"{self.filings / elapsed:.0f}" if elapsed > 0 else "0"
        self._bar.update(self._task, advance=1, filings=self.filings, findings=self.findings, rate=rate)

    def close(self) -> None:
        self._bar.stop()
