"""One `jxcheck check` run: settings → rules → read → check → per-path settings → waivers → baseline."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from checker.check import Checker, RunResult, select_rules, selects
from checker.config import ConfigError, Settings, check_names
from checker.errors import JxError
from checker.findings import CATEGORIES, FileError, Finding
from checker.gate import apply_baseline, apply_waivers, read_baseline, read_waivers, write_baseline
from checker.readers import read_path
from checker.rulebook import Rule, RuleError, bundled_rules_dir, check_rule, load_rules


@dataclass
class Options:
    paths: list[str]
    settings: Settings
    rule_dirs: list[str] = field(default_factory=list)
    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    lang: str | None = None
    baseline: str | None = None
    write_baseline: str | None = None
    waivers: str | None = None
    today: dt.date | None = None


def load_active_rules(settings: Settings, rule_dirs: list[str], select: list[str], ignore: list[str]) -> list[Rule]:
    """Bundled and extra rule packs with the settings' parameters and severities, then selected."""
    dirs = [bundled_rules_dir(), *(settings.resolve(d) for d in settings.rules), *(Path(d) for d in rule_dirs)]
    rules = load_rules(dirs)
    check_names(settings, {r.id for r in rules}, {r.id: set(r.parameters) for r in rules})
    rules = [_configured(r, settings) for r in rules]
    return select_rules(rules, [*settings.select, *select], [*settings.ignore, *ignore])


def _configured(rule: Rule, settings: Settings) -> Rule:
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
        check_rule(configured)  # a parameter of the wrong type can never match: say so, naming the settings
    except RuleError as exc:
        raise ConfigError(settings.path or "settings", f"parameters.{rule.id}: {exc.message}") from None
    return configured


def severity_for(rule_id: str, category: str, overrides: dict[str, str]) -> str | None:
    """The most specific override: rule id, then the longest id prefix, then the category."""
    if rule_id in overrides:
        return overrides[rule_id]
    prefixes = sorted((k for k in overrides if rule_id.startswith(k.upper()) and k.lower() not in CATEGORIES),
                      key=len, reverse=True)
    if prefixes:
        return overrides[prefixes[0]]
    return overrides.get(category)


def expand_paths(paths: list[str]) -> list[str]:
    from checker.readers import SUPPORTED_SUFFIXES

    out: list[str] = []
    for p in paths:
        path = Path(p)
        if path.is_dir():
            out.extend(str(f) for f in sorted(path.rglob("*"))
                       if f.is_file() and f.suffix.lower() in SUPPORTED_SUFFIXES
                       and not any(part.startswith(".") for part in f.relative_to(path).parts))
        else:
            out.append(p)
    return out


def run(opts: Options) -> RunResult:
    settings = opts.settings
    rules = load_active_rules(settings, opts.rule_dirs, opts.select, opts.ignore)
    paths = expand_paths(opts.paths)
    filings, errors = [], []
    for p in paths:
        try:
            filings.extend(read_path(p))
        except JxError as exc:
            errors.append(FileError(**exc.to_dict()))
    reports = Checker(rules, settings.weights_profile()).check(filings)
    by_id = {r.id: r for r in rules}
    for r in reports:
        r.findings = [f for f in (_per_path(f, r.source, settings, by_id) for f in r.findings) if f is not None]
    result = RunResult(reports=reports, errors=errors, files=len(paths), rules=rules,
                       lang=opts.lang or settings.lang or "zh")
    waivers = opts.waivers or (str(settings.resolve(settings.waivers)) if settings.waivers else None)
    if waivers:
        result.waivers = apply_waivers(reports, read_waivers(Path(waivers)), opts.today or dt.date.today())
    if opts.write_baseline:
        write_baseline(Path(opts.write_baseline), reports)
    baseline = opts.baseline or (str(settings.resolve(settings.baseline)) if settings.baseline else None)
    if baseline and not opts.write_baseline:
        result.baseline = apply_baseline(reports, read_baseline(Path(baseline)))
    return result


def _per_path(f: Finding, source: str, settings: Settings, rules: dict[str, Rule]) -> Finding | None:
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
