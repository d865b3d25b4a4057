"""The options of `jxcheck admin` (checker/service/admin.py), kept apart so that every other command starts
without loading the database toolkit."""

from __future__ import annotations

import argparse
from pathlib import Path

from checker.service import ROLES


def add_parser(sub: argparse._SubParsersAction) -> None:
    a = sub.add_parser("admin", help="the self-check service's units, accounts and audit log (serve --data DIR)")
    a.add_argument("--data", required=True, type=Path, metavar="DIR", help="the service's data directory")
    a.add_argument("--database", metavar="URL", help="PostgreSQL instead of SQLite in DIR "
                                                     "(postgresql+psycopg://user@host/db)")
    what = a.add_subparsers(dest="admin_command", required=True, metavar="COMMAND")
    u = what.add_parser("unit-add", help="add a 预算单位")
    u.add_argument("--code", required=True)
    u.add_argument("--name", required=True)
    u.add_argument("--department", default="", help="主管部门")
    i = what.add_parser("unit-import", help="add or update units from an .xlsx list (单位编码, 单位名称, 主管部门)")
    i.add_argument("file", type=Path)
    what.add_parser("unit-list", help="list the units")
    n = what.add_parser("user-add", help="add an account")
    n.add_argument("username")
    n.add_argument("--role", choices=ROLES, default="unit", help="unit: a unit's clerk; desk: the 绩效科; admin")
    n.add_argument("--unit", metavar="CODE", help="the unit of a unit's account")
    n.add_argument("--name", default="", help="the person's name as shown")
    n.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    r = what.add_parser("user-reset-password", help="set a new password (to be changed at the next login)")
    r.add_argument("username")
    r.add_argument("--password-stdin", action="store_true")
    for name, text in (("user-disable", "disable an account (its history stays)"), ("user-enable", "enable it again")):
        d = what.add_parser(name, help=text)
        d.add_argument("username")
    what.add_parser("user-list", help="list the accounts")
    e = what.add_parser("audit-export", help="write the audit log to an .xlsx file")
    e.add_argument("output", type=Path)
    b = what.add_parser("backup", help="write DIR's database (SQLite) and files to a .tar.gz, the service running")
    b.add_argument("output", type=Path)
    r = what.add_parser("restore", help="unpack a backup into DIR, which must be new or empty")
    r.add_argument("archive", type=Path)
    a.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    from checker.service.admin import run

    return run(args)
