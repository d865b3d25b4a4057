"""Renderers: a run's findings → text or bytes. A renderer never reads a filing and never computes a finding."""

from __future__ import annotations

import io

from checker.check import RunResult

FORMATS = ("console", "json", "sarif", "junit", "github", "markdown", "html", "xlsx")


def render(result: RunResult, fmt: str, width: int | None = None) -> str | bytes:
    if fmt == "console":
        from rich.console import Console

        from checker.render.console import render_console

        buf = io.StringIO()
        render_console(result, Console(file=buf, width=width or 100, force_terminal=False, highlight=False))
        return buf.getvalue()
    if fmt == "json":
        from checker.render.json_out import render_json

        return render_json(result)
    if fmt == "sarif":
        from checker.render.sarif import render_sarif

        return render_sarif(result)
    if fmt == "junit":
        from checker.render.junit import render_junit

        return render_junit(result)
    if fmt == "github":
        from checker.render.github import render_github

        return render_github(result)
    if fmt == "markdown":
        from checker.render.github import render_markdown

        return render_markdown(result)
    if fmt == "html":
        from checker.render.html_out import render_html

        return render_html(result)
    if fmt == "xlsx":
        from checker.render.xlsx_out import render_xlsx

        return render_xlsx(result)
    raise ValueError(f"unknown format {fmt!r}")
