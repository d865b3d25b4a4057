"""The service's tables. Every change of schema is an Alembic migration in `migrations/versions`."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from checker.service import ROLES

__all__ = ["ROLES", "Account", "AuditEvent", "Base", "Check", "CheckFinding", "Filing", "LoginSession", "Unit"]



def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)  # stored as UTC without a zone: SQLite and PostgreSQL alike


class Base(DeclarativeBase):
    pass


class Unit(Base):
    """A 预算单位: who files, under which 主管部门."""

    __tablename__ = "units"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    department: Mapped[str] = mapped_column(String(200), default="")  # 主管部门
    created: Mapped[dt.datetime] = mapped_column(DateTime, default=now)
    filings: Mapped[list[Filing]] = relationship(back_populates="unit", order_by="Filing.name")


class Account(Base):
    __tablename__ = "accounts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), nullable=True)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=True)
    created: Mapped[dt.datetime] = mapped_column(DateTime, default=now)
    unit: Mapped[Unit | None] = relationship()


class Filing(Base):
    """One file a unit keeps checking: its name within the unit (自评报告.docx), every check of it kept."""

    __tablename__ = "filings"
    __table_args__ = (Index("ix_filings_unit_name", "unit_id", "name", unique=True),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    name: Mapped[str] = mapped_column(String(255))
    created: Mapped[dt.datetime] = mapped_column(DateTime, default=now)
    unit: Mapped[Unit] = relationship(back_populates="filings")
    checks: Mapped[list[Check]] = relationship(back_populates="filing", order_by="Check.id")


class Check(Base):
    """One check of a filing: who uploaded it, the file's digest, the counts, where its files lie under DIR."""

    __tablename__ = "checks"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    filing_id: Mapped[int] = mapped_column(ForeignKey("filings.id"), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    created: Mapped[dt.datetime] = mapped_column(DateTime, default=now, index=True)
    sha256: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="done")  # done, unreadable
    errors: Mapped[int] = mapped_column(Integer, default=0)
    warnings: Mapped[int] = mapped_column(Integer, default=0)
    infos: Mapped[int] = mapped_column(Integer, default=0)
    message: Mapped[str] = mapped_column(Text, default="")  # why an unreadable file could not be read
    folder: Mapped[str] = mapped_column(String(255), default="")  # under DIR/files: the upload, copy, reports
    purged: Mapped[bool] = mapped_column(Boolean, default=False)  # its files removed by the retention period
    filing: Mapped[Filing] = relationship(back_populates="checks")
    account: Mapped[Account] = relationship()
    findings: Mapped[list[CheckFinding]] = relationship(back_populates="check", order_by="CheckFinding.id")


class CheckFinding(Base):
    """A finding of a check, by fingerprint: what a re-check compares (fixed, new, remaining)."""

    __tablename__ = "check_findings"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    check_id: Mapped[int] = mapped_column(ForeignKey("checks.id"), index=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    rule: Mapped[str] = mapped_column(String(16), index=True)
    severity: Mapped[str] = mapped_column(String(8))
    project: Mapped[str] = mapped_column(String(255), default="")
    message: Mapped[str] = mapped_column(Text, default="")
    check: Mapped[Check] = relationship(back_populates="findings")


class AuditEvent(Base):
    """Who uploaded, checked, downloaded and deleted what, when."""

    __tablename__ = "audit_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=now, index=True)
    account: Mapped[str] = mapped_column(String(64), default="")  # the username, kept if the account goes
    action: Mapped[str] = mapped_column(String(32))
    target: Mapped[str] = mapped_column(String(500), default="")
    detail: Mapped[str] = mapped_column(Text, default="")
    address: Mapped[str] = mapped_column(String(64), default="")


class LoginSession(Base):
    """A login: the cookie holds a random token, the table its SHA-256 (a copied database opens no session)."""

    __tablename__ = "login_sessions"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 of the cookie's token
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    csrf: Mapped[str] = mapped_column(String(64))
    created: Mapped[dt.datetime] = mapped_column(DateTime, default=now)
    last_seen: Mapped[dt.datetime] = mapped_column(DateTime, default=now)
    account: Mapped[Account] = relationship()
