"""Command line: `jxcheck parse`, `jxcheck schema`.

Exit codes: 0 success, 2 unreadable input (every readable file is still processed and printed).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

import yaml

from checker import __version__
from checker.errors import JxError
from checker.model import Filing
from checker.readers import read_path

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_INPUT = 2


def _dump(filing: Filing) -> dict:
    return filing.model_dump(mode="json", exclude_defaults=True)


def filings_to_yaml(filings: Sequence[Filing]) -> str:
    return yaml.safe_dump_all([_dump(f) for f in filings], allow_unicode=True, sort_keys=False, width=120)


def filings_to_json(filings: Sequence[Filing]) -> str:
    data: object = _dump(filings[0]) if len(filings) == 1 else [_dump(f) for f in filings]
    return json.dumps(data, ensure_ascii=False, indent=2)


def _err(message: str) -> None:
    print(f"jxcheck: {message}", file=sys.stderr)


def read_all(paths: Sequence[str]) -> tuple[list[Filing], list[JxError]]:
    """Read every path; a file that fails is reported and the rest still run."""
    filings: list[Filing] = []
    errors: list[JxError] = []
    for path in paths:
        try:
            filings.extend(read_path(path))
        except JxError as exc:
            errors.append(exc)
    return filings, errors


def cmd_parse(args: argparse.Namespace) -> int:
    filings, errors = read_all(args.files)
    for exc in errors:
        _err(f"error: {exc.describe()}")
    for filing in filings:
        for ev in filing.evaluations:
            for w in ev.warnings:
                _err(f"warning: {filing.source} › {ev.project or '?'}: {w}")
    if filings:
        out = filings_to_json(filings) if args.format == "json" else filings_to_yaml(filings)
        sys.stdout.write(out if out.endswith("\n") else out + "\n")
    return EXIT_INPUT if errors else EXIT_OK


def cmd_schema(args: argparse.Namespace) -> int:
    schema = Filing.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "jxcheck filing (项目支出绩效自评)"
    print(json.dumps(schema, ensure_ascii=False, indent=2))
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="jxcheck",
        description="项目支出绩效自评 audit checker / audit checker for performance self-evaluations",
    )
    parser.add_argument("--version", action="version", version=f"jxcheck {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("parse", help="read filings and print the typed model (YAML or JSON)")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--format", choices=("yaml", "json"), default="yaml")
    p.set_defaults(func=cmd_parse)

    s = sub.add_parser("schema", help="print the JSON Schema of the canonical YAML/JSON form")
    s.set_defaults(func=cmd_schema)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except BrokenPipeError:  # `jxcheck parse … | head`
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
