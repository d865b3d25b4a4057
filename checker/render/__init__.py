"""Renderers: a run's findings → text or bytes. A renderer never reads a filing and never computes a finding."""

from __future__ import annotations

import importlib
import io

from checker.results import RunResult

# format → (module, function); imported on use so a run loads only the renderer it needs
_RENDERERS = {
    "json": ("checker.render.json_out", "render_json"),
    "sarif": ("checker.render.sarif", "render_sarif"),
    "junit": ("checker.render.junit", "render_junit"),
    "github": ("checker.render.github", "render_github"),
    "markdown": ("checker.render.github", "render_markdown"),
    "html": ("checker.render.html_out", "render_html"),
    "xlsx": ("checker.render.xlsx_out", "render_xlsx"),
}
FORMATS = ("console", *_RENDERERS)


def render(result: RunResult, fmt: str, width: int | None = None) -> str | bytes:
    if fmt == "console":
        from rich.console import Console

        from checker.render.console import render_console

        buf = io.StringIO()
        render_console(result, Console(file=buf, width=width or 100, force_terminal=False, highlight=False))
        return buf.getvalue()
    if fmt not in _RENDERERS:
        raise ValueError(f"unknown format {fmt!r}")
    module, function = _RENDERERS[fmt]
    return getattr(importlib.import_module(module), function)(result)
