"""The audit log: one row per action, kept with the username (not a reference) so it outlives accounts."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from checker.service.models import AuditEvent
from checker.service.sheets import Sheets

ACTION_ZH = {"login": "登录", "login_failed": "登录失败", "logout": "退出", "upload": "上传", "check": "检查",
             "download": "下载", "delete": "删除", "unit_add": "添加单位", "account_add": "添加账号",
             "password_reset": "重设密码", "account_disable": "停用账号", "account_enable": "启用账号",
             "export": "导出", "purge": "按期限删除文件"}
ACTIONS = tuple(ACTION_ZH)


def record(s: Session, account: str, action: str, target: str = "", detail: str = "", address: str = "") -> None:
    assert action in ACTIONS, action
    s.add(AuditEvent(account=account, action=action, target=target[:500], detail=detail, address=address[:64]))


def sheet(s: Session, names: dict[str, str] | None = None) -> Sheets:
    """The whole log as an export's sheet; each action by its name in `names`, else by its code."""
    names = names or {}
    return {"操作记录": (["时间（UTC）", "账号", "操作", "对象", "说明", "地址"],
                     [[e.at, e.account, names.get(e.action, e.action), e.target, e.detail, e.address]
                      for e in s.scalars(select(AuditEvent).order_by(AuditEvent.id))])}
