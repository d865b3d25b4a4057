"""Units and people: created by the admin (command line or an .xlsx list), passwords hashed with Argon2id,
an account disabled rather than deleted (its history stays)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from checker.errors import JxError
from checker.service.models import ROLES, Account, Unit

T = TypeVar("T")
_HASHER = PasswordHasher()  # Argon2id with the library's current parameters
MIN_PASSWORD = 10


class AccountError(JxError):
    """A unit or account request that cannot be carried out."""


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise AccountError("password", f"at least {MIN_PASSWORD} characters")
    return _HASHER.hash(password)


def verify_password(account: Account, password: str) -> bool:
    """True for the right password of an enabled account; the hash is renewed when its parameters aged."""
    if account.disabled:
        return False
    try:
        _HASHER.verify(account.password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
    if _HASHER.check_needs_rehash(account.password_hash):
        account.password_hash = _HASHER.hash(password)
    return True


def add_unit(s: Session, code: str, name: str, department: str = "") -> Unit:
    code, name = code.strip(), name.strip()
    if not code or not name:
        raise AccountError("unit", "a unit needs a code and a name")
    if s.scalar(select(Unit).where(Unit.code == code)) is not None:
        raise AccountError(f"unit {code}", "a unit with this code exists")
    return _added(s, Unit(code=code, name=name, department=department.strip()))


def unit_by_code(s: Session, code: str) -> Unit:
    return _one(s, select(Unit).where(Unit.code == code.strip()), f"unit {code}", "no unit with this code")


def add_account(s: Session, username: str, password: str, role: str, unit_code: str | None = None,
                display_name: str = "") -> Account:
    username = username.strip()
    if role not in ROLES:
        raise AccountError(f"account {username}", f"role must be one of {', '.join(ROLES)}")
    if not username:
        raise AccountError("account", "an account needs a user name")
    if s.scalar(select(Account).where(Account.username == username)) is not None:
        raise AccountError(f"account {username}", "an account with this user name exists")
    if role == "unit" and not unit_code:
        raise AccountError(f"account {username}", "a unit's account names its unit (--unit CODE)")
    unit = unit_by_code(s, unit_code) if unit_code else None
    return _added(s, Account(username=username, password_hash=hash_password(password), role=role,
                             unit=unit if role == "unit" else None, display_name=display_name.strip()))


def account_by_name(s: Session, username: str) -> Account:
    return _one(s, select(Account).where(Account.username == username.strip()), f"account {username}",
                "no account with this user name")


def _added(s: Session, row: T) -> T:
    s.add(row)
    s.flush()  # its id, now
    return row


def _one(s: Session, query: Select[tuple[T]], source: str, missing: str) -> T:
    row = s.scalar(query)
    if row is None:
        raise AccountError(source, missing)
    return row


def reset_password(s: Session, username: str, password: str) -> Account:
    account = account_by_name(s, username)
    account.password_hash = hash_password(password)
    account.must_change_password = True
    return account


def set_disabled(s: Session, username: str, disabled: bool = True) -> Account:
    account = account_by_name(s, username)
    account.disabled = disabled
    return account


@dataclass
class ImportRow:
    code: str
    name: str
    department: str


UNIT_COLUMNS = {"code": ("单位编码", "单位代码", "编码", "code"), "name": ("单位名称", "预算单位", "名称", "name"),
                "department": ("主管部门", "department")}


def read_unit_list(path: Path) -> list[ImportRow]:
    """The units of an .xlsx list: a header row naming 单位编码, 单位名称 and 主管部门 (in any order), a unit a row."""
    from openpyxl import load_workbook

    try:
        ws = load_workbook(path, read_only=True, data_only=True).worksheets[0]
    except Exception as exc:
        raise AccountError(str(path), f"not a readable .xlsx: {type(exc).__name__}: {exc}") from None
    rows = [[("" if v is None else str(v).strip()) for v in row] for row in ws.iter_rows(values_only=True)]
    for at, header in enumerate(rows):
        columns = {key: next((i for i, h in enumerate(header) if h in names), None) for key, names in UNIT_COLUMNS.items()}
        if columns["code"] is not None and columns["name"] is not None:
            return [r for r in (_import_row(row, columns) for row in rows[at + 1:]) if r.code or r.name]
    raise AccountError(str(path), "no header row with 单位编码 and 单位名称")


def _import_row(row: list[str], columns: dict[str, int | None]) -> ImportRow:
    def cell(key: str) -> str:
        i = columns[key]
        return row[i] if i is not None and i < len(row) else ""
    return ImportRow(cell("code"), cell("name"), cell("department"))


def import_units(s: Session, rows: Iterable[ImportRow]) -> tuple[int, int]:
    """(added, updated): a unit whose code exists gets the list's name and 主管部门."""
    added = updated = 0
    for row in rows:
        unit = s.scalar(select(Unit).where(Unit.code == row.code))
        if unit is None:
            add_unit(s, row.code, row.name, row.department)
            added += 1
        elif (unit.name, unit.department) != (row.name, row.department):
            unit.name, unit.department = row.name, row.department
            updated += 1
    return added, updated
