"""`jxcheck admin --data DIR …` (its options in admin_args.py): the administrator's commands — units (one by one or from an .xlsx list),
accounts (a unit's clerk, the 绩效科 desk, another admin), password resets, disabling, the audit log.
A password is never an argument (it would show in the process list): it is asked for, or read from
standard input with --password-stdin."""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from checker.service import accounts, audit
from checker.service.db import Database, database_url
from checker.service.models import Account, Unit
from checker.service.sheets import workbook_bytes


def run(args: argparse.Namespace) -> int:
    """Carry out one admin command; AccountError (a JxError) for a request that cannot be."""
    if args.admin_command in ("backup", "restore"):
        return _backup_or_restore(args)
    args.data.mkdir(parents=True, exist_ok=True)
    db = Database(database_url(args.data, args.database))
    try:
        with db.session() as s:
            _COMMANDS[args.admin_command](s, args)
    finally:
        db.close()
    return 0


def _backup_or_restore(args: argparse.Namespace) -> int:
    from checker.service.backup import backup, restore

    if args.admin_command == "backup":
        n = backup(args.data, args.output, sqlite=not args.database)
        print(f"已备份到 {args.output}（{n} 次检查的文件）" + ("；数据库请用 pg_dump 另行备份" if args.database else ""))
    else:
        restore(args.archive, args.data)
        Database(database_url(args.data, args.database)).close()  # migrated to this release's schema
        print(f"已恢复到 {args.data}")
    return 0


def _password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("密码 / password: ")
    if getpass.getpass("再输入一次 / again: ") != first:
        raise accounts.AccountError("password", "the two passwords differ")
    return first


def _unit_add(s: Session, args: argparse.Namespace) -> None:
    unit = accounts.add_unit(s, args.code, args.name, args.department)
    audit.record(s, "admin", "unit_add", f"{unit.code} {unit.name}")
    print(f"已添加单位 {unit.code} {unit.name}")


def _unit_import(s: Session, args: argparse.Namespace) -> None:
    added, updated = accounts.import_units(s, accounts.read_unit_list(args.file))
    audit.record(s, "admin", "unit_add", str(args.file), f"{added} added, {updated} updated")
    print(f"已添加 {added} 个单位，更新 {updated} 个")


def _unit_list(s: Session, args: argparse.Namespace) -> None:
    for unit in s.scalars(select(Unit).order_by(Unit.department, Unit.code)):
        print(f"{unit.code}\t{unit.name}\t{unit.department}")


def _user_add(s: Session, args: argparse.Namespace) -> None:
    account = accounts.add_account(s, args.username, _password(args), args.role, args.unit, args.name)
    audit.record(s, "admin", "account_add", account.username, account.role)
    print(f"已添加账号 {account.username}（{account.role}）")


def _user_reset(s: Session, args: argparse.Namespace) -> None:
    account = accounts.reset_password(s, args.username, _password(args))
    audit.record(s, "admin", "password_reset", account.username)
    print(f"已重设 {account.username} 的密码（下次登录须修改）")


def _user_disabled(disabled: bool) -> Callable[[Session, argparse.Namespace], None]:
    def apply(s: Session, args: argparse.Namespace) -> None:
        account = accounts.set_disabled(s, args.username, disabled)
        audit.record(s, "admin", "account_disable" if disabled else "account_enable", account.username)
        print(f"已{'停用' if disabled else '启用'}账号 {account.username}")
    return apply


def _user_list(s: Session, args: argparse.Namespace) -> None:
    for a in s.scalars(select(Account).order_by(Account.role, Account.username)):
        print(f"{a.username}\t{a.role}\t{a.unit.code if a.unit else ''}\t{'停用' if a.disabled else '启用'}")


def _audit_export(s: Session, args: argparse.Namespace) -> None:
    args.output.write_bytes(workbook_bytes(audit.sheet(s)))
    audit.record(s, "admin", "export", str(args.output), "audit log")
    print(f"已导出操作记录到 {args.output}")


_COMMANDS: dict[str, Callable[[Session, argparse.Namespace], None]] = {
    "unit-add": _unit_add, "unit-import": _unit_import, "unit-list": _unit_list, "user-add": _user_add,
    "user-reset-password": _user_reset, "user-disable": _user_disabled(True), "user-enable": _user_disabled(False),
    "user-list": _user_list, "audit-export": _audit_export,
}
