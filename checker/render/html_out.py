"""The HTML report: one self-contained page for a batch (no network, no external assets), rendered from
the Jinja2 templates the self-check page shares (`checker/render/templates`).

Per filing: counts by severity and category, the total as reported, summed and recomputed, the findings
with their evidence, and the filing's own tables and report with every flagged cell linked to its
findings and back. Filters by severity, category, rule, project and a search box; print CSS puts one
filing on a page with the flagged cells still coloured and numbered.
"""

from __future__ import annotations

import functools
from importlib import resources

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from checker import __version__
from checker.render.html_view import run_view
from checker.results import RunResult


@functools.cache
def environment() -> Environment:
    """The templates, every value escaped unless marked safe (only our own CSS and JS are)."""
    return Environment(loader=PackageLoader("checker.render", "templates"), undefined=StrictUndefined,
                       autoescape=select_autoescape(default=True, default_for_string=True),
                       trim_blocks=False, lstrip_blocks=False)


@functools.cache
def asset(name: str) -> str:
    return resources.files("checker.render").joinpath("assets", name).read_text(encoding="utf-8")


def render_html(result: RunResult) -> str:
    """The report as a file that stands alone: its CSS and script inline."""
    view = run_view(result)
    return environment().get_template("report.html.j2").render(
        {**view, "report": view, "version": __version__, "inline_assets": True, "static": "",
         "assets": {"css": Markup(asset("report.css")), "js": Markup(asset("report.js"))}})
