"""Settings kept in the repository: `[tool.jxcheck]` in pyproject.toml or a jxcheck.toml.

The nearest file upward from the working directory wins (jxcheck.toml before pyproject.toml in the same
directory). Relative paths in it are relative to the file. Any unknown key, rule id, category,
parameter or severity is an error naming the file — settings never silently do nothing.

    [tool.jxcheck]
    select = ["BUD", "ARI", "scoring"]
    ignore = ["IND004"]
    rules = ["rules-hunan"]                 # extra rule packs
    profile = "default"                     # default | execution-20 | no-satisfaction
    lang = "zh"
    fail-on = "error"                       # error | warning | info | never
    baseline = "jxcheck-baseline.json"
    waivers = "jxcheck-waivers.yaml"

    [tool.jxcheck.severity]                 # by rule id, id prefix or category
    IND004 = "warning"

    [tool.jxcheck.parameters]               # tolerances and thresholds
    SCO003 = { tolerance = 0.1 }

    [tool.jxcheck.weights]                  # a custom scoring profile instead of `profile`
    execution = 20
    "产出指标" = 40                         # TOML needs quotes around Chinese keys
    "效益指标" = 30
    "满意度指标" = 10

    [[tool.jxcheck.per-path]]               # settings for some files only
    paths = ["archive/2019/**"]
    ignore = ["DUP"]
"""

from __future__ import annotations

import fnmatch
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from checker.errors import JxError
from checker.findings import CATEGORIES

FailOn = Literal["error", "warning", "info", "never"]
Severity = Literal["error", "warning", "info"]

PROFILES: dict[str, dict[str, float]] = {
    "default": {"execution": 10, "产出指标": 50, "效益指标": 30, "满意度指标": 10},
    "execution-20": {"execution": 20, "产出指标": 40, "效益指标": 30, "满意度指标": 10},
    "no-satisfaction": {"execution": 10, "产出指标": 60, "效益指标": 30},
}


class ConfigError(JxError):
    """A configuration file that cannot be used."""


class PathSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    paths: list[str]
    select: list[str] = Field(default_factory=list)
    ignore: list[str] = Field(default_factory=list)
    severity: dict[str, Severity] = Field(default_factory=dict)

    def matches(self, source: str) -> bool:
        posix = Path(source).as_posix()
        return any(fnmatch.fnmatch(posix, pat) or fnmatch.fnmatch(posix, f"*/{pat}") for pat in self.paths)


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    select: list[str] = Field(default_factory=list)
    ignore: list[str] = Field(default_factory=list)
    severity: dict[str, Severity] = Field(default_factory=dict)
    rules: list[str] = Field(default_factory=list)
    forms: list[str] = Field(default_factory=list)
    parameters: dict[str, dict[str, float | int | str | bool]] = Field(default_factory=dict)
    profile: str = "default"
    weights: dict[str, float] | None = None
    lang: Literal["zh", "en"] | None = None
    fail_on: FailOn | None = Field(None, alias="fail-on")
    baseline: str | None = None
    waivers: str | None = None
    per_path: list[PathSettings] = Field(default_factory=list, alias="per-path")
    # where the settings came from (not a key of the file)
    path: str | None = Field(None, exclude=True)

    @property
    def base_dir(self) -> Path:
        return Path(self.path).parent if self.path else Path.cwd()

    def resolve(self, p: str) -> Path:
        q = Path(p)
        return q if q.is_absolute() else self.base_dir / q

    def weights_profile(self) -> dict[str, float]:
        if self.weights is not None:
            return dict(self.weights)
        if self.profile not in PROFILES:
            raise ConfigError(self.path or "settings", f"unknown profile {self.profile!r}; "
                                                       f"use one of {', '.join(PROFILES)} or [weights]")
        return dict(PROFILES[self.profile])


def find_config(start: Path | None = None) -> Path | None:
    here = (start or Path.cwd()).resolve()
    for d in (here, *here.parents):
        jx = d / "jxcheck.toml"
        if jx.is_file():
            return jx
        py = d / "pyproject.toml"
        if py.is_file() and _has_tool_section(py):
            return py
    return None


def _has_tool_section(path: Path) -> bool:
    try:
        return "jxcheck" in tomllib.loads(path.read_text(encoding="utf-8")).get("tool", {})
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        return False


def load_settings(path: Path | None) -> Settings:
    if path is None:
        return Settings()
    source = str(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(source, f"cannot read: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(source, f"invalid TOML: {exc}") from None
    section: Any = data.get("tool", {}).get("jxcheck", {}) if path.name == "pyproject.toml" else data
    if path.name == "jxcheck.toml" and "tool" in data:  # also accept [tool.jxcheck] in jxcheck.toml
        section = data["tool"].get("jxcheck", {})
    try:
        settings = Settings.model_validate(section)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        raise ConfigError(source, f"{where}: {err['msg']}", "[tool.jxcheck]" if path.name == "pyproject.toml"
                          else None) from None
    settings.path = source
    settings.weights_profile()
    return settings


def check_names(settings: Settings, rule_ids: set[str], params: dict[str, set[str]]) -> None:
    """Every rule id, prefix or category the settings name must exist."""
    source = settings.path or "settings"

    def known(name: str) -> bool:
        n = name.strip()
        return n.lower() in CATEGORIES or n.upper() in rule_ids or any(r.startswith(n.upper()) for r in rule_ids)

    names = [*settings.select, *settings.ignore, *settings.severity]
    for pp in settings.per_path:
        names += [*pp.select, *pp.ignore, *pp.severity]
    for name in names:
        if not known(name):
            raise ConfigError(source, f"unknown rule id or category {name!r}")
    for rid, values in settings.parameters.items():
        if rid.upper() not in rule_ids:
            raise ConfigError(source, f"parameters: unknown rule id {rid!r}")
        for key in values:
            if key not in params[rid.upper()]:
                raise ConfigError(source, f"parameters.{rid}: rule {rid.upper()} has no parameter {key!r}")
