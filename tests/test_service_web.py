"""The service end to end through Starlette's test client: logins and CSRF, a unit checks and re-checks, unit
isolation (also by guessing ids), the desk, the audit log, a restart keeps everything, retention."""

from __future__ import annotations

import io
import re
import shutil

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from starlette.testclient import TestClient

from checker.serve.batches import ServeSettings
from checker.serve.uploads import UploadLimits
from checker.service import accounts
from checker.service.db import Database, database_url
from checker.service.models import AuditEvent, Check
from checker.service.web import ServiceSettings, create_service
from tests.conftest import FIXTURES, SEED

PASSWORD = "a-long-password"


def _people(data):
    db = Database(database_url(data))
    with db.session() as s:
        accounts.add_unit(s, "001", "永州市应急管理局", "永州市应急管理局")
        accounts.add_unit(s, "002", "永州市林业局", "永州市林业局")
        accounts.add_unit(s, "003", "永州市财政局", "永州市财政局")
        for name, role, unit in (("clerk1", "unit", "001"), ("clerk2", "unit", "002"), ("desk", "desk", None),
                                 ("admin", "admin", None)):
            accounts.add_account(s, name, PASSWORD, role, unit).must_change_password = False
    db.close()


@pytest.fixture
def service(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    _people(data)
    clients = []

    def start(keep_days: float = 365.0, **serve) -> TestClient:
        app = create_service(ServiceSettings(data, database_url(data), ServeSettings(jobs=1, timeout=30, **serve),
                                             UploadLimits(), keep_days))
        client = TestClient(app, base_url="http://127.0.0.1:8000")
        client.__enter__()
        clients.append(client)
        return client

    yield start, data
    for c in clients:
        c.__exit__(None, None, None)


def _login(client: TestClient, username: str, password: str = PASSWORD) -> None:
    form = client.get("/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', form.text).group(1)
    r = client.post("/login", data={"username": username, "password": password, "csrf": csrf},
                    headers={"origin": "http://127.0.0.1:8000"}, follow_redirects=False)
    assert r.status_code == 303, r.text


def _csrf(client: TestClient, path: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', client.get(path).text).group(1)


def _check(client: TestClient, name: str, data: bytes) -> int:
    r = client.post("/unit/checks", data={"csrf": _csrf(client, "/unit")},
                    files=[("files", (name, data, "application/octet-stream"))],
                    headers={"origin": "http://127.0.0.1:8000"}, follow_redirects=False)
    assert r.status_code == 303, r.text
    return int(r.headers["location"].rsplit("/", 1)[1])


def test_a_unit_checks_and_rechecks_and_sees_its_progress(service):
    start, _ = service
    client = start()
    assert client.get("/unit", follow_redirects=False).headers["location"] == "/login"
    _login(client, "clerk1")
    first = _check(client, "自评表.txt", SEED.read_bytes())
    page = client.get(f"/checks/{first}").text
    assert "自评表.txt" in page and "错误 " in page and "与上次检查相比" not in page
    fixed = SEED.read_text(encoding="utf-8").replace("100%", "42.19%", 1)  # one rate corrected
    second = _check(client, "自评表.txt", fixed.encode("utf-8"))
    page = client.get(f"/checks/{second}").text
    assert "与上次检查相比" in page and re.search(r"已改正 [1-9]\d* 条", page)
    assert "自评表.txt" in client.get("/unit").text
    assert client.get(f"/checks/{second}/report").status_code == 200
    assert 'lang="en"' in client.get(f"/checks/{second}/report?lang=en").text
    r = client.get(f"/checks/{second}/files/{'检查底稿.xlsx'}")
    assert r.status_code == 200 and load_workbook(io.BytesIO(r.content)).sheetnames


def test_a_region_checks_on_a_dask_cluster(service):
    pytest.importorskip("distributed")
    start, _ = service
    client = start(executor="dask", scheduler="local")
    _login(client, "clerk1")
    check = _check(client, "自评表.txt", SEED.read_bytes())
    assert re.search(r"错误 [1-9]\d*", client.get(f"/checks/{check}").text)


def test_units_cannot_see_each_other_also_by_guessing_ids(service):
    start, _ = service
    one, two = start(), start()
    _login(one, "clerk1")
    _login(two, "clerk2")
    mine = _check(one, "报告.txt", SEED.read_bytes())
    for path in (f"/checks/{mine}", f"/checks/{mine}/report", f"/checks/{mine}/files/检查底稿.xlsx", "/filings/1"):
        r = two.get(path)
        assert r.status_code == 404 and "报告.txt" not in r.text, path
    assert two.get("/desk").status_code == 404  # the desk is the 绩效科's
    assert "报告.txt" not in two.get("/unit").text


def test_the_desk_sees_every_unit_and_exports_it(service):
    start, _ = service
    one, desk = start(), start()
    _login(one, "clerk1")
    _check(one, "报告.txt", SEED.read_bytes())
    _login(desk, "desk")
    page = desk.get("/desk").text
    assert "永州市应急管理局" in page and "报告.txt" in page and "永州市林业局" in page and "尚未检查" in page
    assert "BUD001" in page  # the region's counts by rule
    assert "<td>永州市林业局</td>" not in desk.get("/desk?status=errors").text
    r = desk.get("/desk.xlsx")
    wb = load_workbook(io.BytesIO(r.content))
    assert wb.sheetnames == ["各单位填报", "按规则"] and wb["各单位填报"].max_row == 4  # head + 3 units


def test_forms_need_their_csrf_token_and_logins_are_recorded(service):
    start, data = service
    client = start()
    _login(client, "clerk1")
    r = client.post("/unit/checks", data={"csrf": "wrong"}, files=[("files", ("x.txt", SEED.read_bytes(), "text/plain"))],
                    headers={"origin": "http://127.0.0.1:8000"})
    assert r.status_code == 403
    r = client.post("/login", data={"username": "clerk1", "password": "nope", "csrf": "x"},
                    headers={"origin": "http://127.0.0.1:8000"})
    assert r.status_code == 403  # the login form's own token is missing
    other = start()
    form = other.get("/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', form.text).group(1)
    r = other.post("/login", data={"username": "clerk1", "password": "wrong-password", "csrf": csrf},
                   headers={"origin": "http://127.0.0.1:8000"})
    assert r.status_code == 401 and "用户名或密码不对" in r.text
    db = Database(database_url(data))
    with db.session() as s:
        assert s.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all() == ["login", "login_failed"]
    db.close()


def test_a_restart_keeps_everything_and_the_audit_log_records_each_action(service):
    start, _ = service
    client = start()
    _login(client, "clerk1")
    check = _check(client, "报告.txt", SEED.read_bytes())
    client.get(f"/checks/{check}/files/检查底稿.xlsx")
    again = start()  # a new process on the same DIR
    _login(again, "clerk1")
    assert "报告.txt" in again.get(f"/checks/{check}").text
    assert again.get(f"/checks/{check}/files/检查底稿.xlsx").status_code == 200
    admin = start()
    _login(admin, "admin")
    page = admin.get("/admin/audit").text
    for action in ("登录", "上传", "检查", "下载"):
        assert f"<td>{action}</td>" in page
    assert admin.get("/admin/audit.xlsx").status_code == 200


def test_retention_deletes_old_files_but_keeps_the_findings(service):
    start, data = service
    client = start()
    _login(client, "clerk1")
    check = _check(client, "报告.txt", SEED.read_bytes())
    db = Database(database_url(data))
    with db.session() as s:
        folder = s.get(Check, check).folder
    assert (data / "files" / folder).is_dir()
    purging = start(keep_days=0)  # started with a retention of none: the purge runs at start
    _login(purging, "clerk1")
    with db.session() as s:
        row = s.get(Check, check)
        assert row.purged and len(row.findings) > 0
    db.close()
    assert not (data / "files" / folder).exists()
    page = purging.get(f"/checks/{check}").text
    assert "本次检查的文件已删除" in page
    assert purging.get(f"/checks/{check}/files/检查底稿.xlsx").status_code == 404


def test_stale_logins_are_removed_by_the_sweep(service):
    import datetime as dt

    from checker.service.models import LoginSession

    start, data = service
    client = start()
    _login(client, "clerk1")
    db = Database(database_url(data))
    with db.session() as s:
        for login in s.scalars(select(LoginSession)):
            login.last_seen -= dt.timedelta(days=2)
    client.app.app.state.purge()  # what the hourly sweep runs
    with db.session() as s:
        assert s.scalars(select(LoginSession)).all() == []
    db.close()
    assert client.get("/unit", follow_redirects=False).headers["location"] == "/login"


def test_a_reset_password_must_be_changed_first(service):
    start, data = service
    db = Database(database_url(data))
    with db.session() as s:
        accounts.reset_password(s, "clerk2", "temporary-pass")
    db.close()
    client = start()
    _login(client, "clerk2", "temporary-pass")
    assert client.get("/unit", follow_redirects=False).headers["location"] == "/password"
    csrf = _csrf(client, "/password")
    r = client.post("/password", data={"csrf": csrf, "old": "temporary-pass", "new": "my-own-password",
                                       "again": "my-own-password"}, headers={"origin": "http://127.0.0.1:8000"},
                    follow_redirects=False)
    assert r.status_code == 303 and client.get("/unit").status_code == 200


def test_serve_data_from_the_command_line(tmp_path, monkeypatch, capsys):
    import socket

    import uvicorn

    from checker.cli import main

    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: None)
    monkeypatch.setenv("JXCHECK_MAX_FILE_MB", "50")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    assert main(["serve", "--data", str(tmp_path / "d"), "--host", "0.0.0.0", "--port", str(port)]) == 0
    assert (tmp_path / "d" / "jxcheck.sqlite").is_file()
    shutil.rmtree(tmp_path / "d")


_ = FIXTURES


def test_backup_while_running_and_restore_into_a_fresh_dir(service, tmp_path, capsys):
    """Every result is there after a restore: the check page, its findings, its files."""
    from checker.cli import main

    start, data = service
    client = start()
    _login(client, "clerk1")
    check = _check(client, "报告.txt", SEED.read_bytes())
    archive = tmp_path / "backup.tar.gz"
    assert main(["admin", "--data", str(data), "backup", str(archive)]) == 0  # the service still running
    fresh = tmp_path / "restored"
    assert main(["admin", "--data", str(fresh), "restore", str(archive)]) == 0
    assert main(["admin", "--data", str(fresh), "restore", str(archive)]) == 2  # never over data
    assert "restore into a new, empty directory" in capsys.readouterr().err
    app = create_service(ServiceSettings(fresh, database_url(fresh), ServeSettings(jobs=1), UploadLimits()))
    with TestClient(app, base_url="http://127.0.0.1:8000") as restored:
        _login(restored, "clerk1")
        page = restored.get(f"/checks/{check}").text
        assert "报告.txt" in page and "检查底稿.xlsx" in page
        assert restored.get(f"/checks/{check}/files/检查底稿.xlsx").status_code == 200


def test_a_unit_deletes_a_checks_files_and_the_log_says_who(service):
    start, data = service
    client, other = start(), start()
    _login(client, "clerk1")
    _login(other, "clerk2")
    check = _check(client, "报告.txt", SEED.read_bytes())
    page = client.get(f"/checks/{check}").text
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    theirs = re.search(r'name="csrf" value="([^"]+)"', other.get("/unit").text).group(1)
    r = other.post(f"/checks/{check}/delete", data={"csrf": theirs}, headers={"origin": "http://127.0.0.1:8000"})
    assert r.status_code == 404  # another unit's check: as if it were not there
    r = client.post(f"/checks/{check}/delete", data={"csrf": csrf}, headers={"origin": "http://127.0.0.1:8000"})
    assert r.status_code == 200 and "本次检查的文件已删除" in r.text and "错误 " in r.text
    assert client.get(f"/checks/{check}/files/检查底稿.xlsx").status_code == 404
    db = Database(database_url(data))
    with db.session() as s:
        assert s.scalars(select(AuditEvent.action).where(AuditEvent.account == "clerk1")).all()[-1] == "delete"
        assert not (data / "files" / s.get(Check, check).folder).exists()
    db.close()


def test_an_unreadable_upload_is_a_check_that_says_why(service):
    start, _ = service
    client = start()
    _login(client, "clerk1")
    check = _check(client, "坏文件.docx", b"PK\x03\x04 not really a package")
    page = client.get(f"/checks/{check}").text
    assert "无法读取：无法读取的.docx文件（不完整或已损坏）" in page and "坏文件.docx" in page
