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
import math
import re
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from checker.engine import probe_rules
from checker.errors import JxError
from checker.findings import Finding
from checker.readers.layout.vocabulary import Vocabulary, load_vocabulary
from checker.rulebook import (
    Rule,
    RuleError,
    bundled_rules_dir,
    category_named,
    check_rule,
    load_rules,
    select_rules,
    selects,
    severity_for,
    unknown_name,
)
from checker.safefile import read_text

FailOn = Literal["error", "warning", "info", "never"]
Severity = Literal["error", "warning", "info"]

PROFILES: dict[str, dict[str, float]] = {
    "default": {"execution": 10, "产出指标": 50, "效益指标": 30, "满意度指标": 10},
    "execution-20": {"execution": 20, "产出指标": 40, "效益指标": 30, "满意度指标": 10},
    "no-satisfaction": {"execution": 10, "产出指标": 60, "效益指标": 30},
}
# what a Chinese reader calls each profile
PROFILE_ZH = {"default": "标准口径", "execution-20": "执行率20分口径", "no-satisfaction": "无满意度指标口径"}


class ConfigError(JxError):
    """A configuration file that cannot be used."""


def split_ids(values: list[str] | None) -> list[str]:
    """Rule ids, prefixes or categories given comma-separated, repeated, or both."""
    return [x.strip() for v in values or [] for x in v.split(",") if x.strip()]


def check_weights(weights: dict[str, float], source: str) -> None:
    """A custom scoring profile: finite, non-negative weights adding up to 100, named for the execution
    rate or a 一级 block."""
    for name, w in weights.items():
        if not isinstance(w, int | float) or isinstance(w, bool) or not math.isfinite(w) or w < 0:
            raise ConfigError(source, f"weights.{name}: {w!r} is not a finite, non-negative number")
        if name != "execution" and not re.search(r"指标$|^项目(?:决策|管理|产出|效益)$|满意度", name):
            raise ConfigError(source, f"weights.{name}: unknown name; use execution or a 一级指标 (产出指标, 效益指标 …)")
    total = sum(weights.values())
    if abs(total - 100) > 1e-6:
        raise ConfigError(source, f"weights add up to {total:g}, not 100")


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
    profile: str | None = None  # None: each filing is held to the scheme its own form declares
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
        """The scoring scheme every filing is held to; empty where none was chosen: a filing is then held to
        the scheme its own form declares (its 总分 and its 一级 weights)."""
        if self.weights is not None:
            if self.profile is not None:
                raise ConfigError(self.path or "settings", f"both profile = {self.profile!r} and [weights] are set: "
                                                           "keep the one that should apply")
            check_weights(self.weights, self.path or "settings")
            return dict(self.weights)
        if self.profile is None:
            return {}
        if self.profile not in PROFILES:
            raise ConfigError(self.path or "settings", f"unknown profile {self.profile!r}; "
                                                       f"use one of {', '.join(PROFILES)} or [weights]")
        return dict(PROFILES[self.profile])


    def problems(self, writing_baseline: bool = False) -> list[str]:
        """Every problem of the settings that needs no rule pack to see — a scheme set twice, an unknown profile,
        a path that is not there — so that one run reports them all, not one a run."""
        out: list[str] = []
        try:
            self.weights_profile()
        except ConfigError as exc:
            out.append(exc.message)
        named = [("rules", d) for d in self.rules] + [("forms", d) for d in self.forms]
        named += [("waivers", self.waivers)] if self.waivers else []
        named += [("baseline", self.baseline)] if self.baseline and not writing_baseline else []
        out += [f"{key} = {value!r}: {self.resolve(value)} does not exist" for key, value in named
                if not self.resolve(value).exists()]
        return out


def _toml(text: str, path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(str(path), f"invalid TOML: {exc}") from None
    except RecursionError:
        raise ConfigError(str(path), "invalid TOML: nested too deeply") from None


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
    """A pyproject.toml with [tool.jxcheck]. One that names jxcheck but cannot be read or parsed is an error,
    never silently ignored; one that never mentions jxcheck is none of our business."""
    try:
        with path.open("rb") as fh:
            if b"jxcheck" not in fh.read(1024 * 1024):
                return False
    except OSError as exc:
        raise ConfigError(str(path), f"cannot read settings: {exc.strerror}") from None
    tool = _toml(read_text(path, "settings", ConfigError), path).get("tool", {})
    return isinstance(tool, dict) and "jxcheck" in tool


def load_settings(path: Path | None) -> Settings:
    if path is None:
        return Settings()
    source = str(path)
    data = _toml(read_text(path, "settings", ConfigError), path)
    section: Any = data.get("tool", {}).get("jxcheck", {}) if path.name == "pyproject.toml" else data
    if path.name != "pyproject.toml" and isinstance(data.get("tool"), dict) and "jxcheck" in data["tool"]:
        section = data["tool"]["jxcheck"]  # [tool.jxcheck] in jxcheck.toml or a file given by --config
    try:
        settings = Settings.model_validate(section)
    except ValidationError as exc:  # every wrong key at once
        problems = [f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()]
        raise ConfigError(source, "; ".join(problems), "[tool.jxcheck]" if path.name == "pyproject.toml"
                          else None) from None
    settings.path = source
    # the scheme and the paths are checked where the run starts (Settings.problems), with the rest
    infinite = [f"parameters.{rid}.{key}: {value!r} is not a finite number" for rid, values in
                settings.parameters.items() for key, value in values.items()
                if isinstance(value, float) and not math.isfinite(value)]
    if infinite:
        raise ConfigError(source, "; ".join(infinite))
    return settings


def check_names(settings: Settings, rule_ids: set[str], params: dict[str, set[str]]) -> None:
    """Every rule id, prefix or category the settings name must exist; every wrong name is reported at once."""
    source = settings.path or "settings"

    def known(name: str) -> bool:
        n = name.strip()
        return category_named(n) is not None or n.upper() in rule_ids or any(r.startswith(n.upper()) for r in rule_ids)

    names = [*settings.select, *settings.ignore, *settings.severity]
    for pp in settings.per_path:
        names += [*pp.select, *pp.ignore, *pp.severity]
    problems = [unknown_name(name, rule_ids) for name in dict.fromkeys(names) if not known(name)]
    for rid, values in settings.parameters.items():
        if rid.upper() not in rule_ids:
            problems.append(f"parameters: {unknown_name(rid, rule_ids)}")
            continue
        problems += [f"parameters.{rid}: rule {rid.upper()} has no parameter {key!r}"
                     for key in values if key not in params[rid.upper()]]
    if problems:
        raise ConfigError(source, "; ".join(problems))


# --- the settings applied ------------------------------------------------------------------------------

def load_active_forms(settings: Settings, form_dirs: list[str]) -> Vocabulary:
    """The bundled form vocabulary plus the settings' and the command line's."""
    return load_vocabulary([*(settings.resolve(d) for d in settings.forms), *form_dirs])


def load_active_rules(settings: Settings, rule_dirs: list[str], select: list[str], ignore: list[str]) -> list[Rule]:
    """Bundled and extra rule packs with the settings' parameters and severities, then selected."""
    extra = [*(settings.resolve(d) for d in settings.rules), *(Path(d) for d in rule_dirs)]
    rules = load_rules([bundled_rules_dir(), *extra])
    if extra:  # a user's pack is built once in a child process: a crash there is an error, not our death
        probe_rules([r.compiled for r in rules], [str(d) for d in extra])
    check_names(settings, {r.id for r in rules}, {r.id: set(r.parameters) for r in rules})
    rules = [configured(r, settings) for r in rules]
    return select_rules(rules, [*settings.select, *select], [*settings.ignore, *ignore])


def configured(rule: Rule, settings: Settings) -> Rule:
    """The rule with the settings' parameters and severity (checked again: a parameter of the wrong type
    can never match)."""
    update: dict = {}
    params = settings.parameters.get(rule.id) or settings.parameters.get(rule.id.lower())
    if params:
        update["parameters"] = {**rule.parameters, **params}
    severity = severity_for(rule.id, rule.category, settings.severity)
    if severity:
        update["severity"] = severity
    if not update:
        return rule
    configured = rule.model_copy(update=update)
    try:
        check_rule(configured)
    except RuleError as exc:
        raise ConfigError(settings.path or "settings", f"parameters.{rule.id}: {exc.message}") from None
    return configured


def per_path(f: Finding, source: str, settings: Settings, rules: dict[str, Rule]) -> Finding | None:
    """The finding under the `per-path` settings that match its file: dropped, or with a new severity."""
    for pp in settings.per_path:
        if not pp.matches(source):
            continue
        rule = rules[f.rule]
        if pp.select and not any(selects(n, rule) for n in pp.select):
            return None
        if any(selects(n, rule) for n in pp.ignore):
            return None
        severity = severity_for(f.rule, f.category, pp.severity)
        if severity:
            f = f.model_copy(update={"severity": severity})
    return f
