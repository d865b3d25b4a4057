"""The service's storage: migrations, units and accounts, history by fingerprint, the audit log, the admin
commands — against SQLite in a data directory, and against PostgreSQL where JXCHECK_TEST_POSTGRES_URL names
a server (skipped loudly otherwise)."""

from __future__ import annotations

import io
import os
from types import SimpleNamespace

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import inspect, select, text

from checker.cli import main
from checker.service import accounts
from checker.service.db import Database, database_url
from checker.service.history import filing_of, progress, record_check
from checker.service.models import Account, AuditEvent, Unit

PASSWORD = "a-long-password"
PG = os.environ.get("JXCHECK_TEST_POSTGRES_URL")


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request, tmp_path):
    if request.param == "postgresql":
        if not PG:
            pytest.skip("NO POSTGRESQL: set JXCHECK_TEST_POSTGRES_URL (.ci/run starts one where it can)")
        database = Database(PG)
        with database.engine.begin() as c:  # a clean schema for each test
            for table in ("login_sessions", "audit_events", "check_findings", "checks", "filings", "accounts", "units",
                          "alembic_version"):
                c.execute(text(f"DROP TABLE IF EXISTS {table} CASCADE"))
        database.close()
        database = Database(PG)
    else:
        database = Database(database_url(tmp_path))
    yield database
    database.close()


def test_a_new_database_gets_every_table_and_migrating_again_changes_nothing(db):
    tables = set(inspect(db.engine).get_table_names())
    assert {"units", "accounts", "filings", "checks", "check_findings", "audit_events", "alembic_version"} <= tables
    from checker.service.db import migrate

    migrate(db.engine)
    with db.engine.connect() as c:
        assert c.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == ["0002"]


def test_units_and_accounts(db):
    with db.session() as s:
        accounts.add_unit(s, "001", "永州市应急管理局", "永州市应急管理局")
        accounts.add_account(s, "clerk", PASSWORD, "unit", "001", "张会计")
        accounts.add_account(s, "desk", PASSWORD, "desk")
        with pytest.raises(accounts.AccountError, match="a unit with this code exists"):
            accounts.add_unit(s, "001", "again")
        with pytest.raises(accounts.AccountError, match="names its unit"):
            accounts.add_account(s, "nounit", PASSWORD, "unit")
        with pytest.raises(accounts.AccountError, match="at least 10 characters"):
            accounts.add_account(s, "short", "short", "desk")
    with db.session() as s:
        clerk = s.scalar(select(Account).where(Account.username == "clerk"))
        assert clerk.unit.code == "001" and clerk.password_hash.startswith("$argon2id$")
        assert PASSWORD not in clerk.password_hash
        assert accounts.verify_password(clerk, PASSWORD) and not accounts.verify_password(clerk, "wrong-password")
        accounts.set_disabled(s, "clerk")
        assert not accounts.verify_password(clerk, PASSWORD)  # a disabled account cannot log in
        accounts.reset_password(s, "desk", "another-long-one")
        desk = accounts.account_by_name(s, "desk")
        assert accounts.verify_password(desk, "another-long-one") and desk.must_change_password


def test_units_from_an_xlsx_list(db, tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["2022年预算单位名单"])
    ws.append(["主管部门", "单位名称", "单位编码"])
    ws.append(["市应急管理局", "市应急管理局本级", "101"])
    ws.append(["市应急管理局", "市安全生产执法支队", "102"])
    path = tmp_path / "units.xlsx"
    wb.save(path)
    with db.session() as s:
        accounts.add_unit(s, "101", "旧名称")
        assert accounts.import_units(s, accounts.read_unit_list(path)) == (1, 1)
    with db.session() as s:
        assert [(u.code, u.name, u.department) for u in s.scalars(select(Unit).order_by(Unit.code))] == [
            ("101", "市应急管理局本级", "市应急管理局"), ("102", "市安全生产执法支队", "市应急管理局")]


def _finding(fingerprint: str, rule: str = "BUD001") -> SimpleNamespace:
    """What a check keeps of a finding (a Finding's fingerprint is computed from its place and figures)."""
    return SimpleNamespace(fingerprint=fingerprint, rule=rule, severity="error", project="执法办案经费",
                           message=SimpleNamespace(zh="执行率填报100%"))


def test_a_recheck_shows_what_was_fixed_what_is_new_and_what_remains(db):
    with db.session() as s:
        unit = accounts.add_unit(s, "001", "永州市应急管理局")
        clerk = accounts.add_account(s, "clerk", PASSWORD, "unit", "001")
        filing = filing_of(s, unit, "自评表.xlsx")
        first = record_check(s, filing, clerk, "a" * 64, [_finding("f1"), _finding("f2"), _finding("f2")], [])
        assert progress(s, first).first
        second = record_check(s, filing_of(s, unit, "自评表.xlsx"), clerk, "b" * 64,
                              [_finding("f2"), _finding("f3", "ARI003")], [])
        p = progress(s, second)
        assert not p.first
        assert [f.fingerprint for f in p.fixed] == ["f1", "f2"]  # one of the two f2 is gone too
        assert [f.fingerprint for f in p.new] == ["f3"] and [f.fingerprint for f in p.remaining] == ["f2"]
        assert (second.errors, second.warnings) == (2, 0) and len(filing.checks) == 2


def _admin(tmp_path, *args: str, stdin: str = "") -> int:
    import sys

    old = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        return main(["admin", "--data", str(tmp_path / "data"), *args])
    finally:
        sys.stdin = old


def test_admin_commands_and_the_audit_log(tmp_path, capsys):
    assert _admin(tmp_path, "unit-add", "--code", "001", "--name", "永州市应急管理局") == 0
    assert _admin(tmp_path, "user-add", "clerk", "--unit", "001", "--password-stdin", stdin=PASSWORD + "\n") == 0
    assert _admin(tmp_path, "user-add", "clerk", "--unit", "001", "--password-stdin", stdin=PASSWORD + "\n") == 2
    assert "该用户名的账号已存在" in capsys.readouterr().err
    assert _admin(tmp_path, "user-disable", "clerk") == 0
    assert _admin(tmp_path, "user-list") == 0
    assert "clerk\tunit\t001\t停用" in capsys.readouterr().out
    assert _admin(tmp_path, "audit-export", str(tmp_path / "audit.xlsx")) == 0
    rows = list(load_workbook(tmp_path / "audit.xlsx").active.iter_rows(values_only=True))
    assert [r[2] for r in rows[1:]] == ["unit_add", "account_add", "account_disable"]
    db = Database(database_url(tmp_path / "data"))
    with db.session() as s:  # the export itself is recorded
        assert s.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()[-1] == "export"
    db.close()


def _open(url: str) -> str:
    from checker.service.db import Database

    Database(url).close()
    return "ok"


def test_two_processes_migrating_a_new_database_at_once(tmp_path):
    """The service starting while an admin command runs: both find the schema made once."""
    import multiprocessing as mp

    for n in range(5):
        url = database_url(tmp_path / f"d{n}")
        (tmp_path / f"d{n}").mkdir()
        with mp.get_context("spawn").Pool(4) as pool:
            assert pool.map(_open, [url] * 4) == ["ok"] * 4
