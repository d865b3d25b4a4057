"""Command line: `jxcheck check`, `annotate`, `serve`, `parse`, `schema`, `rules`, `explain`.

Exit codes: 0 no error findings, 1 error findings, 2 unreadable input or bad rule files (every readable
file is still checked and printed).
"""

from __future__ import annotations

import argparse
import contextlib
import difflib
import json
import os
import re
import socket
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import NoReturn

from checker import __version__
from checker.config import (
    Settings,
    find_config,
    load_active_forms,
    load_active_rules,
    load_settings,
    split_ids,
)
from checker.display import printable
from checker.errors import JxError
from checker.i18n import both, localise
from checker.model import Filing
from checker.output import check_output_path
from checker.pool import tune_gc
from checker.render import FORMATS
from checker.rulebook import Rule

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_INPUT = 2


_LANG = {"lang": "zh"}  # the language of standard error: zh unless --lang en


def _err(message: str) -> None:
    print(f"jxcheck: {printable(message)}", file=sys.stderr)  # a name's control characters shown, not acted on


def _error(exc: JxError) -> None:
    """A read, settings, rule or output error: Chinese first, the English after it."""
    lang = _LANG["lang"]
    place = "" if not exc.where else f" ({exc.where})" if lang == "en" else f"（{localise(exc.where, lang)}）"
    head = "错误：" if lang == "zh" else "error: "
    _err(f"{head}{exc.source}{place}: {both(exc.message, lang)}")


def _warn(message: str, where: str = "") -> None:
    place = f"{where}: " if where else ""
    _err(f"{'警告：' if _LANG['lang'] == 'zh' else 'warning: '}{place}{both(message, _LANG['lang'])}")


def cmd_parse(args: argparse.Namespace) -> int:
    from checker.parsing import DocumentStream, ParseSpec, parse_files
    from checker.run import expand_paths

    try:
        vocab = load_active_forms(_settings(args), args.forms or [])
    except JxError as exc:
        _error(exc)
        return EXIT_INPUT
    paths = expand_paths(args.files)
    jobs = (os.cpu_count() or 1 if len(paths) > 1 else 0) if args.jobs is None else args.jobs
    stream = DocumentStream(args.format)
    errors = 0
    for result in parse_files(paths, ParseSpec(vocab, args.format, not args.no_parsed), jobs):
        if result.error is not None:
            errors += 1
            _error(JxError(result.error.source, result.error.message, result.error.where))
        for where, w in result.warnings:
            _warn(w, where)
        for document in result.documents:
            sys.stdout.write(stream.add(document))
    sys.stdout.write(stream.close())
    return EXIT_INPUT if errors else EXIT_OK


def _settings(args: argparse.Namespace) -> Settings:
    if getattr(args, "config", None):
        return load_settings(Path(args.config))
    if getattr(args, "no_config", False):
        return Settings()
    return load_settings(find_config())


def _rules(args: argparse.Namespace) -> list[Rule]:
    return load_active_rules(_settings(args), args.rules or [], [], [])


def cmd_check(args: argparse.Namespace) -> int:
    from checker.gate import fails
    from checker.run import Options, run

    fmt = FORMATS[args.format]
    try:
        settings = _settings(args)
        fmt.check_output(args.output)
        for out in (args.output, args.write_baseline):  # refuse a bad output before the work, not after
            if out:
                check_output_path(Path(out), args.follow_symlinks)
        if args.executor == "dask" and not args.scheduler:
            raise JxError("--executor dask", "give the cluster with --scheduler ADDRESS (or 'local')")
        result = run(Options(
            paths=args.paths, settings=settings, rule_dirs=args.rules or [], select=split_ids(args.select),
            ignore=split_ids(args.ignore), exclude=split_ids(args.exclude), lang=args.lang, baseline=args.baseline,
            write_baseline=args.write_baseline, waivers=args.waivers, jobs=args.jobs, timeout=args.timeout,
            cache_dir=None if args.no_cache else (args.cache_dir or default_cache_dir()),
            keep_models=fmt.needs_model, progress=not args.quiet and sys.stderr.isatty(),
            executor=args.executor, scheduler=args.scheduler, form_dirs=args.forms or [],
            skip=[p for p in (args.output, args.write_baseline, args.baseline, args.waivers) if p],
            json_lang=(args.lang or settings.lang or "zh") if args.format == "json" else None,
            join=not args.no_join, skip_non_filings=args.skip_non_filings))
    except JxError as exc:
        _error(exc)
        return EXIT_INPUT
    try:
        try:
            fmt.write(result, args.output, args.follow_symlinks)
        except JxError as exc:
            _error(exc)
            return EXIT_INPUT
        if args.statistics:
            from checker.render.console import render_statistics

            render_statistics(result, to_stderr=not fmt.to_terminal(args.output))
        for note in result.stats.get("notes", []):
            _warn(note)
        if args.write_baseline:
            _err(f"已写入基线 {args.write_baseline}" if _LANG["lang"] == "zh" else f"baseline written to {args.write_baseline}")
        if args.format != "console":  # the report is in a file or a format for machines: say what failed here too
            for e in result.errors:
                _error(JxError(e.source, e.message, e.where))
        if args.output and not args.quiet:
            from checker.render.common import one_line

            _err(one_line(result, args.output))
        if result.errors:
            return EXIT_INPUT
        fail_on = args.fail_on or settings.fail_on or "error"
        return EXIT_FINDINGS if fails(result.reports, fail_on) else EXIT_OK
    finally:
        if result.cleanup:
            result.cleanup()


def cmd_annotate(args: argparse.Namespace) -> int:
    from checker.annotating import annotate_paths
    from checker.gate import fails
    from checker.run import Options

    out_dir = Path(args.output)
    if out_dir.exists() and not out_dir.is_dir():
        _error(JxError(args.output, "is not a directory; --output names the directory for the annotated copies"))
        return EXIT_INPUT
    try:
        settings = _settings(args)
        outcome = annotate_paths(Options(
            paths=args.paths, settings=settings, rule_dirs=args.rules or [], select=split_ids(args.select),
            ignore=split_ids(args.ignore), lang=args.lang, jobs=args.jobs, timeout=args.timeout,
            form_dirs=args.forms or [], skip=[str(out_dir)]), out_dir, args.force)
    except JxError as exc:
        _error(exc)
        return EXIT_INPUT
    result = outcome.result
    try:
        zh = result.lang == "zh"
        for copy in outcome.copies:
            placed = f"其中{copy.placed}条在其单元格或段落上" if zh else f"{copy.placed} on their cell or paragraph"
            print(printable(f"{copy.source} → {copy.output}（{copy.findings}条问题，{placed}）" if zh else
                            f"{copy.source} → {copy.output} ({copy.findings} findings, {placed})"))
            for note in copy.notes:
                _warn(note, printable(copy.source))
        for e in [*result.errors, *outcome.errors]:
            _error(JxError(e.source, e.message, e.where))
        for x in result.skipped:
            _warn(x.message, f"{x.source}（未检查）" if zh else f"{x.source} (not checked)")
        if result.errors or outcome.errors:
            return EXIT_INPUT
        # the copies are the product: findings fail the run only where asked (--fail-on error in a CI step)
        return EXIT_FINDINGS if fails(result.reports, args.fail_on or "never") else EXIT_OK
    finally:
        if result.cleanup:
            result.cleanup()


def cmd_serve(args: argparse.Namespace) -> int:
    from checker.serve import LOOPBACK, TOKEN_ENV

    token = args.token or os.environ.get(TOKEN_ENV) or None
    if args.host not in LOOPBACK and not token and not args.data:  # the service has logins instead
        _error(JxError("--host", f"serving beyond this machine ({args.host}) needs a token: --token or ${TOKEN_ENV}"))
        return EXIT_INPUT
    try:
        import uvicorn

        from checker.serve.app import create_app
        from checker.serve.batches import ServeSettings
        from checker.serve.uploads import UploadLimits

        settings = load_settings(Path(args.config)) if args.config else None
        # a bad settings file, rule pack or vocabulary is refused now, loaded as every batch loads them
        load_active_rules(settings or Settings(), args.rules or [], [], [])
        load_active_forms(settings or Settings(), args.forms or [])
        serve = ServeSettings(settings=settings, rule_dirs=args.rules or [], form_dirs=args.forms or [],
                              jobs=max(1, args.jobs), timeout=args.timeout, executor=args.executor,
                              scheduler=args.scheduler)
        limits = UploadLimits(file_bytes=int(args.max_file_mb * 2**20), files=args.max_files,
                              total_bytes=int(args.max_total_mb * 2**20))
        hosts = [args.host, *(args.allowed_host or [])]
        if args.data:  # the service: logins, units, every check kept in DIR (or PostgreSQL)
            from checker.service.db import database_url
            from checker.service.web import ServiceSettings, create_service

            args.data.mkdir(parents=True, exist_ok=True)
            app = create_service(ServiceSettings(args.data, database_url(args.data, args.database), serve, limits,
                                                 args.keep_days, args.secure_cookies), hosts)
        else:
            app = create_app(serve, limits, token, allowed_hosts=hosts)
    except JxError as exc:
        _error(exc)
        return EXIT_INPUT
    try:  # say so before printing an address nobody can open
        family = socket.AF_INET6 if ":" in args.host else socket.AF_INET
        with socket.create_server((args.host, args.port), family=family):
            pass
    except OSError as exc:
        _error(JxError("--port", f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}"))
        return EXIT_INPUT
    shown = "localhost" if args.host in ("127.0.0.1", "::1") else args.host
    address = f"http://{shown}:{args.port}/" + ("?token=…" if token else "")
    _err(f"jxcheck 自查页面 / self-check page: {address}  (Ctrl+C 停止 / to stop)")
    # the readers' limit (and so the unzip limit, 8 ×) is the upload limit the page states, not the command line's
    os.environ["JXCHECK_MAX_FILE_MB"] = f"{args.max_file_mb:g}"
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", server_header=False)
    return EXIT_OK


def default_cache_dir() -> str:
    from checker.cache import default_cache_dir as cache_dir

    return cache_dir()


def cmd_rules(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.table import Table

    try:
        rules = _rules(args)
    except JxError as exc:
        _error(exc)
        return EXIT_INPUT
    if args.format == "markdown":
        from checker.render.explain import rules_markdown

        sys.stdout.write(rules_markdown(rules))
        return EXIT_OK
    from checker.findings import CATEGORY_ZH, SEVERITY_ZH

    zh = (args.lang or "zh") == "zh"
    table = Table(show_header=True, header_style="bold", box=None)
    for col in (("规则", "类别", "严重程度", "标题") if zh else ("id", "category", "severity", "title")):
        table.add_column(col)
    for r in rules:
        table.add_row(r.id, CATEGORY_ZH[r.category] if zh else r.category, SEVERITY_ZH[r.severity] if zh else r.severity,
                      r.title.get(args.lang or "zh"))
    Console().print(table)
    return EXIT_OK


def cmd_explain(args: argparse.Namespace) -> int:
    from checker.render.explain import explain

    try:
        rules = {r.id: r for r in _rules(args)}
    except JxError as exc:
        _error(exc)
        return EXIT_INPUT
    rule = rules.get(args.rule.upper())
    if rule is None:
        _err(f"error: unknown rule id {args.rule!r}; `jxcheck rules` lists them")
        return EXIT_INPUT
    sys.stdout.write(explain(rule, args.lang or "zh"))
    return EXIT_OK


def cmd_facts(args: argparse.Namespace) -> int:
    from checker.facts.schema import facts_markdown

    sys.stdout.write(facts_markdown())
    return EXIT_OK


def cmd_schema(args: argparse.Namespace) -> int:
    schema = Filing.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "jxcheck filing (项目支出绩效自评)"
    print(json.dumps(schema, ensure_ascii=False, indent=2))
    return EXIT_OK


class _Parser(argparse.ArgumentParser):
    """argparse with its errors in the user's language and the nearest option for a mistyped one."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        wrong = re.findall(r"(--?[\w-]+)", message.split(":", 1)[1]) if message.startswith("unrecognized") else []
        options = _all_options(self)
        near = [m for w in wrong for m in difflib.get_close_matches(w.split("=")[0], options, n=1, cutoff=0.6)]
        if near:
            message += f"; did you mean {', '.join(dict.fromkeys(near))}?"
        _err(f"{'错误：' if _LANG['lang'] == 'zh' else 'error: '}{both(message, _LANG['lang'])}")
        sys.exit(EXIT_INPUT)


def _all_options(parser: argparse.ArgumentParser) -> list[str]:
    out = [o for a in parser._actions for o in a.option_strings]  # argparse keeps its actions only here
    for a in parser._actions:
        if isinstance(a, argparse._SubParsersAction):
            for sub in a.choices.values():
                out += _all_options(sub)
    return list(dict.fromkeys(out))


TOP_LEVEL_FLAGS = {"-h", "--help", "--version", "--debug"}


def subcommand_first(argv: list[str], commands: Iterable[str]) -> list[str]:
    """`jxcheck -f html check DIR` as `jxcheck check -f html DIR`: a subcommand's options given before it are
    moved after it (the top-level parser knows only --help, --version and --debug)."""
    names = set(commands)
    at = next((i for i, a in enumerate(argv) if a in names), None)
    if not at:
        return argv
    before = argv[:at]
    top = [a for a in before if a in TOP_LEVEL_FLAGS]
    rest = [a for a in before if a not in TOP_LEVEL_FLAGS]
    return [*top, argv[at], *rest, *argv[at + 1:]]


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="jxcheck",
        description="项目支出绩效自评 audit checker / audit checker for performance self-evaluations",
    )
    parser.add_argument("--version", action="version", version=f"jxcheck {__version__}")
    parser.add_argument("--debug", action="store_true", help="show the traceback of an internal error")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("parse", help="read filings and print the typed model (YAML or JSON)")
    p.add_argument("files", nargs="+", metavar="PATH", help="files or directories")
    p.add_argument("--format", choices=("yaml", "json"), default="yaml")
    p.add_argument("--jobs", "-j", type=int, default=None, metavar="N",
                   help="worker processes (default: CPU count for many files; 0 reads in this process)")
    p.add_argument("--no-parsed", action="store_true",
                   help="raw values only, the lean form for data repositories (parsed is recomputed on load)")
    _forms(p)
    p.add_argument("--config", metavar="FILE", help="settings file (its `forms` add vocabularies)")
    p.add_argument("--no-config", action="store_true", help="ignore settings files")
    p.set_defaults(func=cmd_parse)

    s = sub.add_parser("schema", help="print the JSON Schema of the canonical YAML/JSON form")
    s.set_defaults(func=cmd_schema)

    c = sub.add_parser("check", help="check filings against the rules and report findings")
    c.add_argument("paths", nargs="+", metavar="PATH", help="files or directories")
    c.add_argument("--format", "-f", choices=list(FORMATS), default="console")
    c.add_argument("--output", "-o", metavar="FILE", help="write the report to FILE (atomically; a regular file only)")
    c.add_argument("--follow-symlinks", action="store_true", help="write --output through a symbolic link")
    _common(c)
    _forms(c)
    c.add_argument("--select", action="append", metavar="IDS", help="only these rule ids, prefixes or categories")
    c.add_argument("--ignore", action="append", metavar="IDS", help="skip these rule ids, prefixes or categories")
    c.add_argument("--fail-on", choices=("error", "warning", "info", "never"),
                   help="lowest severity that makes the exit code 1 (default error)")
    c.add_argument("--baseline", metavar="FILE", help="report only findings not in this baseline")
    c.add_argument("--write-baseline", metavar="FILE", help="record the current findings as the baseline")
    c.add_argument("--waivers", metavar="FILE", help="YAML file of waived findings")
    c.add_argument("--exclude", action="append", metavar="GLOB", help="skip files matching these globs")
    c.add_argument("--jobs", "-j", type=int, default=None, metavar="N",
                   help="worker processes (default: CPU count; 0 checks in this process)")
    c.add_argument("--timeout", type=float, default=None, metavar="SECONDS", help="give up on a file after this long")
    c.add_argument("--no-cache", action="store_true", help="do not read or write the result cache")
    c.add_argument("--no-join", action="store_true",
                   help="check a report and a table kept in two files as two filings (they are joined by project)")
    c.add_argument("--skip-non-filings", action="store_true",
                   help="a named file with no filing in it (a workflow, a settings YAML) is skipped with a note, as in "
                        "a folder walk, not an error (pre-commit names every file its pattern matches)")
    c.add_argument("--cache-dir", metavar="DIR", help="result cache (default: $JXCHECK_CACHE_DIR or ~/.cache/jxcheck)")
    c.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    c.add_argument("--statistics", action="store_true", help="counts by rule, category, severity and 主管部门")
    c.add_argument("--executor", choices=("local", "dask"), default="local", help="where files are checked")
    c.add_argument("--scheduler", metavar="ADDRESS", help="Dask scheduler address (tcp://host:8786) or 'local'")
    c.set_defaults(func=cmd_check)

    a = sub.add_parser("annotate", help="write a copy of each file with its findings marked where they apply "
                                        "(.xlsx comments, .docx Word comments, an HTML page for text and YAML)")
    a.add_argument("paths", nargs="+", metavar="PATH", help="files or directories")
    a.add_argument("--output", "-o", required=True, metavar="DIR", help="directory for the annotated copies")
    a.add_argument("--force", action="store_true", help="replace annotated copies already in DIR")
    _common(a)
    _forms(a)
    a.add_argument("--select", action="append", metavar="IDS", help="only these rule ids, prefixes or categories")
    a.add_argument("--ignore", action="append", metavar="IDS", help="skip these rule ids, prefixes or categories")
    a.add_argument("--fail-on", choices=("error", "warning", "info", "never"),
                   help="exit 1 when a finding of this severity or worse is found (default never: the copies are "
                        "the result)")
    a.add_argument("--jobs", "-j", type=int, default=None, metavar="N", help="worker processes")
    a.add_argument("--timeout", type=float, default=None, metavar="SECONDS", help="give up on a file after this long")
    a.set_defaults(func=cmd_annotate)

    v = sub.add_parser("serve", help="the self-check page: drop files in a browser, see the findings, download "
                                     "annotated copies")
    v.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine only)")
    v.add_argument("--allowed-host", action="append", metavar="NAME",
                   help="a host name the page is opened by besides localhost and --host (jxcheck.example.gov.cn); "
                        "any other Host is refused")
    v.add_argument("--port", type=int, default=8000)
    v.add_argument("--token", help="required on every request (default $JXCHECK_TOKEN); needed beyond 127.0.0.1")
    v.add_argument("--config", metavar="FILE", help="settings file: fixes the settings for every upload")
    v.add_argument("--rules", action="append", metavar="DIR", help="extra rule directory (repeatable)")
    _forms(v)
    v.add_argument("--jobs", "-j", type=int, default=2, metavar="N", help="worker processes (default 2)")
    v.add_argument("--timeout", type=float, default=60.0, metavar="SECONDS",
                   help="give up on a file after this long (default 60)")
    v.add_argument("--max-file-mb", type=float, default=20.0, help="largest file accepted (default 20)")
    v.add_argument("--max-files", type=int, default=50, help="most files in one upload (default 50)")
    v.add_argument("--max-total-mb", type=float, default=200.0, help="largest upload in all (default 200)")
    v.add_argument("--data", type=Path, metavar="DIR", help="run the self-check service for a region: logins, units, "
                                                           "every check kept in DIR (accounts: jxcheck admin)")
    v.add_argument("--database", metavar="URL", help="with --data: PostgreSQL instead of SQLite in DIR "
                                                     "(postgresql+psycopg://user@host/db)")
    v.add_argument("--keep-days", type=float, default=365.0, metavar="DAYS",
                   help="with --data: delete a check's files (not its findings) after this many days (default 365)")
    v.add_argument("--executor", choices=("local", "dask"), default="local",
                   help="where uploads are checked: this machine's workers, or a Dask cluster (--scheduler)")
    v.add_argument("--scheduler", metavar="ADDRESS", help="Dask scheduler address (tcp://host:8786) or 'local'")
    v.add_argument("--secure-cookies", action="store_true",
                   help="with --data: cookies only over HTTPS (behind a TLS reverse proxy)")
    v.set_defaults(func=cmd_serve)

    from checker.service.admin_args import add_parser as add_admin_parser

    add_admin_parser(sub)

    r = sub.add_parser("rules", help="list the rules")
    r.add_argument("--format", choices=("table", "markdown"), default="table",
                   help="markdown: the rule reference (docs/rules.md is this output)")
    _common(r)
    r.set_defaults(func=cmd_rules)

    e = sub.add_parser("explain", help="show one rule: rationale, condition, parameters, examples")
    e.add_argument("rule", metavar="ID")
    _common(e)
    e.set_defaults(func=cmd_explain)

    f = sub.add_parser("facts", help="list the fact kinds and fields rules may use (Markdown)")
    f.set_defaults(func=cmd_facts)
    return parser


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--lang", choices=("zh", "en"), default=None, help="language of messages (default zh)")
    p.add_argument("--rules", action="append", metavar="DIR", help="extra rule directory (repeatable)")
    p.add_argument("--config", metavar="FILE", help="settings file (default: jxcheck.toml or pyproject.toml "
                                                    "found upward from the working directory)")
    p.add_argument("--no-config", action="store_true", help="ignore settings files")


def _forms(p: argparse.ArgumentParser) -> None:
    p.add_argument("--forms", action="append", metavar="DIR",
                   help="extra form vocabulary: a directory of *.yaml, or one file (repeatable)")


COMMANDS = ("parse", "schema", "check", "annotate", "serve", "admin", "rules", "explain", "facts")


def _lang_in(argv: list[str]) -> str:
    """The language asked for, before the arguments are parsed: argparse's own errors are shown in it too."""
    for i, a in enumerate(argv):
        if a == "--lang" and i + 1 < len(argv):
            return "en" if argv[i + 1] == "en" else "zh"
        if a.startswith("--lang="):
            return "en" if a.endswith("=en") else "zh"
    return "zh"


EXIT_INTERRUPTED = 130
EXIT_TERMINATED = 143
EXIT_BROKEN_PIPE = 141


class _Terminated(BaseException):
    """SIGTERM, raised so that every `finally` runs (temporary files removed, workers stopped)."""


def _on_sigterm(signum: int, frame: object) -> None:
    raise _Terminated


def _safe_streams() -> None:
    """A console that cannot show a character (a Chinese Windows console in GBK: ›, ✗) gets a replacement,
    never a crash."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(AttributeError, ValueError):
            stream.reconfigure(errors="replace")  # type: ignore[union-attr]


def main(argv: Sequence[str] | None = None) -> int:
    import signal

    parser = build_parser()
    given = list(sys.argv[1:] if argv is None else argv)
    _LANG["lang"] = _lang_in(given)
    args = parser.parse_args(subcommand_first(given, COMMANDS))
    tune_gc()
    _safe_streams()
    _LANG["lang"] = getattr(args, "lang", None) or "zh"
    if args.debug:
        os.environ["JXCHECK_DEBUG"] = "1"
    previous = signal.getsignal(signal.SIGTERM)
    with contextlib.suppress(ValueError):  # not the main thread: leave signals alone
        signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        return int(args.func(args))
    except BrokenPipeError:  # `jxcheck check … | head`: the reader left; say nothing, but do not claim success
        with contextlib.suppress(OSError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    except KeyboardInterrupt:
        _err(both("interrupted", _LANG["lang"]))
        return EXIT_INTERRUPTED
    except _Terminated:
        _err(both("terminated", _LANG["lang"]))
        return EXIT_TERMINATED
    except JxError as exc:
        _error(exc)
        return EXIT_INPUT
    except Exception as exc:  # a bug: one line, exit 2; the traceback with --debug
        if args.debug:
            raise
        _err(f"internal error: {type(exc).__name__}: {exc} (run with --debug for the traceback)")
        return EXIT_INPUT
    finally:
        with contextlib.suppress(ValueError, TypeError):
            signal.signal(signal.SIGTERM, previous)


if __name__ == "__main__":
    sys.exit(main())
