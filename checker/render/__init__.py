"""Renderers: a run's results → a report. A renderer never reads a filing and never computes a finding.

Each format declares what it needs, so the command line treats them all alike:
- `needs_model`: it shows the filing's own tables, so workers keep the model (HTML);
- `needs_output`: why it cannot go to standard output (a binary workbook), if it cannot;
- `terminal`: without --output it prints to the terminal itself (the console, in colour).
To add a format: write `checker/render/<name>.py` with a function RunResult → str, bytes or an iterable of
str, add a `Format` below, and a snapshot in tests/snapshots/ (`JXCHECK_UPDATE_SNAPSHOTS=1 pytest
tests/test_snapshots.py` writes it).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from checker.display import printable
from checker.errors import JxError
from checker.output import emit
from checker.results import RunResult

Rendered = str | bytes | Iterable[str]


@dataclass(frozen=True)
class Format:
    name: str
    renderer: str  # "module:function", imported on use so a run loads only what it needs
    needs_model: bool = False
    needs_output: str | None = None
    terminal: str | None = None  # "module:function" printing to the terminal when there is no --output

    def render(self, result: RunResult) -> Rendered:
        """The report, with every name from outside made safe to show (`checker.display.printable`)."""
        out = _load(self.renderer)(result)
        if isinstance(out, bytes):
            return out
        if isinstance(out, str):
            return printable(out)
        return (printable(chunk) for chunk in out)

    def check_output(self, output: str | None) -> None:
        """Refuse a request this format cannot serve, before any work is done."""
        if self.needs_output and not output:
            raise JxError(f"--format {self.name}", self.needs_output)

    def to_terminal(self, output: str | None) -> bool:
        return self.terminal is not None and not output

    def write(self, result: RunResult, output: str | None, follow_symlinks: bool = False) -> None:
        """To `output` (atomically, a regular file only), to the terminal, or to standard output."""
        if self.terminal is not None and not output:
            _load(self.terminal)(result)
        else:
            emit(self.render(result), output, follow_symlinks)


def _load(spec: str) -> Callable[[RunResult], Rendered]:
    module, function = spec.split(":")
    return getattr(importlib.import_module(module), function)


FORMATS: dict[str, Format] = {f.name: f for f in (
    Format("console", "checker.render.console:console_text", terminal="checker.render.console:render_console"),
    Format("json", "checker.render.json_out:render_json"),
    Format("sarif", "checker.render.sarif:render_sarif"),
    Format("junit", "checker.render.junit:render_junit"),
    Format("github", "checker.render.github:render_github"),
    Format("markdown", "checker.render.github:render_markdown"),
    Format("html", "checker.render.html_out:render_html", needs_model=True),
    Format("xlsx", "checker.render.xlsx_out:render_xlsx", needs_output="an Excel workbook needs --output FILE"),
)}


def render(result: RunResult, fmt: str) -> Rendered:
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    return FORMATS[fmt].render(result)
