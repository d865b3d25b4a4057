"""The service in a real browser (`jxcheck serve --data DIR` on a free port, Playwright driving the system
Chromium): two units cannot see or download each other's results (also by guessing ids), the desk shows
both, a restart keeps everything, retention deletes old files, the audit log records each action."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.conftest import ROOT, SEED

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
REQUIRED = os.environ.get("JXCHECK_REQUIRE_BROWSER") == "1"
FLAGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-sync"]
PASSWORD = "a-long-password"

if CHROMIUM is None and not REQUIRED:
    pytest.skip("NO CHROMIUM ON THIS MACHINE: the service's browser test did not run", allow_module_level=True)


def _admin(data, *args: str, stdin: str | None = None) -> None:
    subprocess.run([sys.executable, "-m", "checker.cli", "admin", "--data", str(data), *args], cwd=ROOT, check=True,
                   input=stdin, text=True, capture_output=True)


class Service:
    def __init__(self, data, keep_days: str = "365") -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen([sys.executable, "-m", "checker.cli", "serve", "--data", str(data), "--port",
                                      str(self.port), "--jobs", "1", "--keep-days", keep_days], cwd=ROOT,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        deadline = time.time() + 30
        while True:
            try:
                urllib.request.urlopen(self.url + "/healthz", timeout=1).read()
                return
            except OSError:
                if time.time() > deadline or self.proc.poll() is not None:
                    self.proc.kill()
                    raise AssertionError(self.proc.stdout.read().decode(errors="replace")) from None
                time.sleep(0.2)

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)


@pytest.fixture(scope="module")
def browser():
    assert CHROMIUM, "JXCHECK_REQUIRE_BROWSER=1 but no Chromium installed"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield b
        b.close()


def _login(browser, url: str, username: str, password: str = PASSWORD):
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    page.goto(url + "/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    return page


def _own_password(page, url: str, new: str, lands_on: str) -> None:
    """The password page an admin-made account is sent to: PASSWORD replaced by `new`."""
    if not page.url.endswith("/password"):
        page.goto(url + "/password")
    page.fill("input[name=old]", PASSWORD)
    page.fill("input[name=new]", new)
    page.fill("input[name=again]", new)
    page.click("form[action='/password'] button[type=submit]")
    page.wait_for_url(f"**{lands_on}")


def _check(page, url: str, name: str, tmp_path) -> str:
    path = tmp_path / name
    path.write_bytes(SEED.read_bytes())
    page.goto(url + "/unit")
    page.set_input_files("input[name=files]", str(path))
    page.click("form[action='/unit/checks'] button[type=submit]")
    page.wait_for_url("**/checks/*", timeout=120_000)
    return page.url


def test_the_service_for_two_units_a_desk_and_an_admin(browser, tmp_path):
    data = tmp_path / "data"
    _admin(data, "unit-add", "--code", "001", "--name", "永州市应急管理局", "--department", "永州市应急管理局")
    _admin(data, "unit-add", "--code", "002", "--name", "永州市林业局", "--department", "永州市林业局")
    for args in (("clerk1", "--unit", "001"), ("clerk2", "--unit", "002"), ("desk", "--role", "desk"),
                 ("admin", "--role", "admin")):
        _admin(data, "user-add", *args, "--password-stdin", stdin=PASSWORD + "\n")
    service = Service(data)
    try:
        one = _login(browser, service.url, "clerk1")
        assert one.url.endswith("/password")  # an account the admin made chooses its own password first
        _own_password(one, service.url, "clerk1-own-password", "/unit")
        mine = _check(one, service.url, "应急局自评表.txt", tmp_path)
        assert "应急局自评表.txt" in one.content() and "错误" in one.content()
        with one.expect_download() as download:
            one.click("text=检查底稿.xlsx")
        assert download.value.suggested_filename == "检查底稿.xlsx"

        two = _login(browser, service.url, "clerk2")
        _own_password(two, service.url, "clerk2-own-password", "/unit")
        check_id = mine.rsplit("/", 1)[1]
        for path in (f"/checks/{check_id}", f"/checks/{check_id}/report", f"/checks/{check_id}/files/检查底稿.xlsx",
                     "/filings/1", "/desk"):
            response = two.goto(service.url + path)
            assert response.status == 404 and "应急局自评表" not in two.content(), path

        desk = _login(browser, service.url, "desk")
        _own_password(desk, service.url, "desk-own-password", "/desk")
        desk.goto(service.url + "/desk")
        content = desk.content()
        assert "应急局自评表.txt" in content and "永州市林业局" in content and "尚未检查" in content
    finally:
        service.stop()

    again = Service(data)  # a restart keeps everything
    try:
        one = _login(browser, again.url, "clerk1", "clerk1-own-password")
        one.goto(mine.replace(service.url, again.url))
        assert "应急局自评表.txt" in one.content() and "检查底稿.xlsx" in one.content()
    finally:
        again.stop()

    purging = Service(data, keep_days="0")  # retention: the files go, the findings stay
    try:
        one = _login(browser, purging.url, "clerk1", "clerk1-own-password")
        one.goto(mine.replace(service.url, purging.url))
        assert "本次检查的文件已删除" in one.content() and "错误" in one.content()
        admin = _login(browser, purging.url, "admin")
        _own_password(admin, purging.url, "admin-own-password", "/desk")
        admin.goto(purging.url + "/admin/audit")
        log = admin.content()
        for action in ("登录", "上传", "检查", "下载", "按期限删除文件", "添加单位", "添加账号"):
            assert f"<td>{action}</td>" in log, action
    finally:
        purging.stop()
