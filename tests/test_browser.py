"""The self-check page in a real browser: `jxcheck serve` on a free port, Playwright driving the system
Chromium (Playwright's own browser download is not reachable here). Without Chromium the test is skipped
with a message; with JXCHECK_REQUIRE_BROWSER=1 (set by .ci/run when it installed Chromium) it must run."""

from __future__ import annotations

import base64
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import docx
import pytest
from openpyxl import load_workbook

from tests.conftest import FIXTURES, ROOT

SEED_DOCX = FIXTURES / "seed_yongzhou_2021.docx"
SEED_XLSX = FIXTURES / "seed_yongzhou_2021.xlsx"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
REQUIRED = os.environ.get("JXCHECK_REQUIRE_BROWSER") == "1"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]

if CHROMIUM is None and not REQUIRED:
    pytest.skip("NO CHROMIUM ON THIS MACHINE: the self-check page's browser test did not run "
                "(install Debian's chromium, as .ci/run does)", allow_module_level=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server():
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "checker.cli", "serve", "--port", str(port), "--jobs", "1"],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 30
    while True:
        try:
            urllib.request.urlopen(url + "/healthz", timeout=1).read()
            break
        except OSError:
            if time.time() > deadline or proc.poll() is not None:
                proc.kill()
                raise AssertionError("jxcheck serve did not start: "
                                     + proc.stdout.read().decode(errors="replace")) from None
            time.sleep(0.2)
    yield url
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture(scope="module")
def browser():
    assert CHROMIUM, "JXCHECK_REQUIRE_BROWSER=1 but no Chromium installed"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield b
        b.close()


def _drop(page, path: Path) -> None:
    """Drop a file on the drop zone as a user would drag it from the desktop."""
    data = base64.b64encode(path.read_bytes()).decode()
    transfer = page.evaluate_handle(
        """([name, b64]) => { const bytes = Uint8Array.from(atob(b64), c => c.charCodeAt(0));
             const dt = new DataTransfer(); dt.items.add(new File([bytes], name)); return dt; }""", [path.name, data])
    page.dispatch_event("#drop", "drop", {"dataTransfer": transfer})


def test_drop_the_seed_docx_filter_and_download(server, browser, tmp_path):
    page = browser.new_page(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(server + "/")
    _drop(page, SEED_DOCX)
    assert "seed_yongzhou_2021.docx" in page.inner_text("#chosen")
    page.click("#submit")
    page.wait_for_url("**/batches/*", timeout=90_000)
    page.wait_for_selector("section.filing", timeout=90_000)
    assert page.locator("section.filing[data-project]").count() == 3
    flagged = page.locator("td.flag").count()
    assert flagged > 20 and page.locator("td.flag.sev-error").count() > 0
    errors_total = int(page.inner_text("#total-error"))
    assert errors_total > 0

    # severity filter: errors hidden, their counts at zero, cells flagged only by errors no longer flagged
    page.uncheck('input[data-sev="error"]')
    assert page.inner_text("#total-error") == "0"
    assert page.locator('li.finding[data-severity="error"]:visible').count() == 0
    assert page.locator("td.flag.sev-error").count() == 0
    assert 0 < page.locator("td.flag").count() < flagged
    page.check('input[data-sev="error"]')
    assert page.locator("td.flag").count() == flagged

    # rule filter and search box
    page.select_option("#flt-rule", "BUD001")
    visible = page.locator("li.finding:visible")
    assert visible.count() >= 1 and all(r == "BUD001" for r in visible.evaluate_all("els => els.map(e => e.dataset.rule)"))
    page.select_option("#flt-rule", "")
    page.fill("#flt-q", "执行率")
    texts = page.locator("li.finding:visible").all_inner_texts()
    assert texts and all("执行率" in t for t in texts)
    page.fill("#flt-q", "")

    # from a finding to its cell and back
    link = page.locator("li.finding a.cellref").first
    target = link.get_attribute("href")
    link.click()
    assert page.evaluate("location.hash") == target
    back = page.locator(f"{target} a.ref").first
    assert back.count() == 1
    if os.environ.get("JXCHECK_SCREENSHOT"):  # the README's picture: a flagged table on the page
        page.locator("td.flag.sev-error").nth(2).scroll_into_view_if_needed()
        page.evaluate("window.scrollBy(0, 200)")
        page.screenshot(path=os.environ["JXCHECK_SCREENSHOT"])

    # the annotated copy: every comment is there
    with page.expect_download() as info:
        page.click('a[data-kind="annotated"]')
    saved = tmp_path / info.value.suggested_filename
    info.value.save_as(saved)
    assert saved.name == "seed_yongzhou_2021_检查批注.docx"
    assert len(list(docx.Document(str(saved)).comments)) > 40
    assert not errors, errors


def test_xlsx_annotated_copy_downloaded_from_the_page(server, browser, tmp_path):
    page = browser.new_page(accept_downloads=True)
    page.goto(server + "/")
    page.set_input_files("#files", [str(SEED_XLSX)])
    page.click("#submit")
    page.wait_for_selector("section.filing", timeout=90_000)
    assert page.locator("section.filing[data-project]").count() == 3
    with page.expect_download() as info:
        page.click('a[data-kind="annotated"]')
    saved = tmp_path / "annotated.xlsx"
    info.value.save_as(saved)
    wb = load_workbook(saved)
    comments = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.comment]
    assert len(comments) > 30 and all(c.comment.author == "jxcheck" for c in comments)
    assert wb["检查结果"].max_row == 1 + page.locator("li.finding").count()


def test_a_bad_file_is_named_on_the_page(server, browser, tmp_path):
    bad = tmp_path / "损坏.docx"
    bad.write_bytes(b"PK\x03\x04 broken")
    page = browser.new_page()
    page.goto(server + "/?lang=en")
    page.set_input_files("#files", [str(bad)])
    page.click("#submit")
    page.wait_for_selector("#unreadable", timeout=90_000)
    assert "损坏.docx" in page.inner_text("#unreadable")


def test_print_layout_one_filing_a_page_with_colours(server, browser, tmp_path):
    """Printed, each filing starts a page, the filters are gone and the flagged cells keep their colour."""
    page = browser.new_page()
    page.goto(server + "/")
    page.set_input_files("#files", [str(SEED_DOCX)])
    page.click("#submit")
    page.wait_for_selector("section.filing", timeout=90_000)
    page.emulate_media(media="print")
    style = page.evaluate("""() => {
        const s = (sel, prop) => getComputedStyle(document.querySelector(sel)).getPropertyValue(prop);
        return {brk: s('section.filing[data-project]', 'break-before'), filters: s('.filters', 'display'),
                colour: s('td.flag.sev-error', 'print-color-adjust'), bg: s('td.flag.sev-error', 'background-color')};
    }""")
    assert style == {"brk": "page", "filters": "none", "colour": "exact", "bg": "rgb(245, 183, 177)"}
    pdf = tmp_path / "report.pdf"
    page.pdf(path=str(pdf), print_background=True)
    assert pdf.read_bytes().count(b"/Type /Page") - pdf.read_bytes().count(b"/Type /Pages") >= 3


def test_delete_button_deletes_the_batch(server, browser, tmp_path):
    """删除本批结果 posts a form from the page itself: Chromium must send its real Origin (not "null") so the
    same-origin check lets it through; after it the batch's address is 404."""
    page = browser.new_page()
    page.goto(server + "/")
    page.set_input_files("#files", [str(SEED_XLSX)])
    page.click("#submit")
    page.wait_for_selector("section.filing", timeout=90_000)
    batch_url = page.url
    downloads = page.locator("#downloads a[data-kind]").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    assert downloads and all(_status(server + href) == 200 for href in downloads)
    with page.expect_navigation():
        page.click("#delete")
    assert "another site" not in page.content() and "其他网站" not in page.content()
    assert _status(batch_url) == 404
    assert _status(batch_url.replace("/batches/", "/api/batches/")) == 404
    assert all(_status(server + href) == 404 for href in downloads)  # the files are gone from the server


def _status(url: str) -> int:
    try:
        return urllib.request.urlopen(url, timeout=5).status
    except urllib.error.HTTPError as exc:
        return exc.code


def _checked(browser, server, width: int, path: Path = SEED_DOCX):
    page = browser.new_page(viewport={"width": width, "height": 800})
    page.goto(server + "/")
    page.set_input_files("#files", [str(path)])
    page.click("#submit")
    page.wait_for_selector("section.filing", timeout=90_000)
    return page


@pytest.mark.parametrize("width", [1280, 390])
def test_a_jump_lands_below_the_filter_bar_with_the_focus(server, browser, width):
    page = _checked(browser, server, width)
    for link, kind in ((page.locator("li.finding a.cellref").nth(3), "TD"), (page.locator("td.flag a.ref").nth(3), "LI")):
        href = link.get_attribute("href")
        link.click()
        page.wait_for_timeout(100)
        place = page.evaluate("""(id) => { const t = document.getElementById(id.slice(1));
            return {top: t.getBoundingClientRect().top, bar: document.querySelector('.filters').getBoundingClientRect().bottom,
                    focus: document.activeElement === t, tag: t.tagName}; }""", href)
        assert place["tag"] == kind and place["focus"], place
        assert place["top"] >= place["bar"] - 1, place  # not under the sticky bar


@pytest.mark.parametrize("width", [1280, 390])
def test_nothing_is_wider_than_the_window(server, browser, width):
    page = browser.new_page(viewport={"width": width, "height": 800})
    page.goto(server + "/")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page = _checked(browser, server, width)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    boxes = page.locator("nav.toc li").evaluate_all("els => els.map(e => e.getBoundingClientRect().toJSON())")
    for a, b in zip(boxes, boxes[1:], strict=False):  # the contents list does not overlap itself
        assert a["bottom"] <= b["top"] + 1 or a["right"] <= b["left"] + 1, (a, b)
    # 偏差原因分析 is read as text, not one character a line
    widths = page.locator("section.filing table.form tr td:last-child").evaluate_all(
        "els => els.map(e => e.getBoundingClientRect().width)")
    assert widths and min(widths) >= 100


def test_printed_tables_repeat_their_header_row(server, browser):
    page = _checked(browser, server, 1280)
    page.emulate_media(media="print")
    assert page.evaluate("getComputedStyle(document.querySelector('table.form thead')).display") == "table-header-group"


def test_the_page_says_what_is_wrong_before_uploading(server, browser, tmp_path):
    page = browser.new_page()
    page.goto(server + "/")
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url) if r.method == "POST" else None)
    page.click("#submit")
    assert page.inner_text("#problem") == "请先选择或拖入要检查的文件。"
    big = tmp_path / "大文件.docx"
    big.write_bytes(b"PK\x03\x04" + b"0" * (21 * 1024 * 1024))
    page.set_input_files("#files", [str(big)])
    page.click("#submit")
    assert page.inner_text("#problem") == "大文件.docx 有 21.0 MB，超过单个文件上限 20.0 MB，未上传。"
    assert requests == []  # refused in the browser: nothing was sent


def test_a_batch_with_nothing_read_offers_no_empty_downloads(server, browser, tmp_path):
    bad = tmp_path / "损坏.docx"
    bad.write_bytes(b"PK\x03\x04 broken")
    page = browser.new_page()
    page.goto(server + "/")
    page.set_input_files("#files", [str(bad)])
    page.click("#submit")
    page.wait_for_selector("#unreadable", timeout=90_000)
    assert page.locator("#downloads a[data-kind]").count() == 0
    assert "没有可下载的结果" in page.inner_text("#downloads")


def test_the_rule_filter_lists_rules_by_their_titles(server, browser):
    page = _checked(browser, server, 1280)
    options = page.locator("#flt-rule option").all_inner_texts()
    assert any(o.startswith("BUD001 执行率与全年执行数÷全年预算数不符") for o in options)
    assert page.get_attribute("#flt-project", "aria-label") == "项目"
