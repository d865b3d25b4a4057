"""The audit log: one row per action, kept with the username (not a reference) so it outlives accounts."""

from __future__ import annotations

from sqlalchemy.orm import Session

from checker.service.models import AuditEvent

ACTIONS = ("login", "login_failed", "logout", "upload", "check", "download", "delete", "unit_add", "account_add",
           "password_reset", "account_disable", "account_enable", "export", "purge")


def record(s: Session, account: str, action: str, target: str = "", detail: str = "", address: str = "") -> None:
    assert action in ACTIONS, action
    s.add(AuditEvent(account=account, action=action, target=target[:500], detail=detail, address=address[:64]))
