"""`jxcheck serve` through Starlette's test client: uploads, the result page, downloads, limits, the token,
bad files and bad requests, a crashing check, escaping."""

from __future__ import annotations

import io
import time
from pathlib import Path

import docx
import pytest
from openpyxl import load_workbook
from starlette.testclient import TestClient

from checker.batch import FAULT_ENV
from checker.config import load_settings
from checker.serve.app import create_app
from checker.serve.batches import ServeSettings
from checker.serve.uploads import UploadLimits, safe_name
from tests.conftest import FIXTURES, SEED

SEED_DOCX = FIXTURES / "seed_yongzhou_2021.docx"
SEED_XLSX = FIXTURES / "seed_yongzhou_2021.xlsx"


@pytest.fixture
def make_client(tmp_path):
    clients = []

    def make(limits: UploadLimits | None = None, token: str | None = None, **serve) -> TestClient:
        app = create_app(ServeSettings(jobs=1, timeout=20, **serve), limits, token, root=tmp_path / "serve")
        client = TestClient(app, base_url="http://127.0.0.1:8000")
        client.__enter__()
        clients.append(client)
        return client

    yield make
    for c in clients:
        c.__exit__(None, None, None)


def _files(*paths: Path) -> list[tuple[str, tuple[str, bytes, str]]]:
    return [("files", (p.name, p.read_bytes(), "application/octet-stream")) for p in paths]


def _upload(client: TestClient, files, data: dict | None = None, **headers) -> dict:
    r = client.post("/api/batches", files=files, data=data or {}, headers={"accept": "application/json", **headers})
    assert r.status_code == 202, r.text
    return r.json()


def _wait(client: TestClient, batch: dict, seconds: float = 90) -> dict:
    end = time.time() + seconds
    while time.time() < end:
        status = client.get(f"/api/batches/{batch['id']}").json()
        if status["status"] in ("done", "failed"):
            return status
        time.sleep(0.1)
    raise AssertionError("the batch did not finish")


def test_index_page_is_local_and_strict(make_client):
    client = make_client()
    r = client.get("/")
    assert r.status_code == 200
    html = r.text
    assert 'enctype="multipart/form-data"' in html and 'name="files"' in html and "评分口径" in html
    assert "http://" not in html and "https://" not in html  # no CDN
    assert "<script>" not in html and "<style>" not in html  # scripts and styles only from this server
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "default-src 'none'" in csp and "frame-ancestors 'none'" in csp
    assert r.headers["x-content-type-options"] == "nosniff" and r.headers["cache-control"] == "no-store"
    assert client.get("/static/report.js").headers["content-type"].startswith("text/javascript")
    assert client.get("/static/../pyproject.toml").status_code == 404
    assert "English" in html and "Self-check" in client.get("/?lang=en").text


def test_upload_check_and_download(make_client, tmp_path):
    client = make_client()
    batch = _upload(client, _files(SEED_DOCX, SEED))
    assert batch["files"] == 2 and batch["url"] == f"/batches/{batch['id']}"
    status = _wait(client, batch)
    assert status == {**status, "status": "done", "done": 2}
    # the uploads are gone once checked; the downloads stay
    batch_dir = tmp_path / "serve" / batch["id"]
    assert not (batch_dir / "upload").exists()
    page = client.get(batch["url"]).text
    assert page.count('<section class="filing"') == 6
    assert 'class="flag sev-error"' in page and 'data-rule="BUD001"' in page
    assert "seed_yongzhou_2021.docx" in page and str(tmp_path) not in page  # the names sent, never a temp path
    links = {a.split('"')[0] for a in page.split('href="/batches/' + batch["id"] + "/files/")[1:]}
    assert len(links) == 6  # two annotated copies, HTML, xlsx, JSON, SARIF
    for link in links:
        r = client.get(f"/batches/{batch['id']}/files/{link}")
        assert r.status_code == 200 and r.headers["content-disposition"].startswith("attachment;")
    r = client.get(f"/batches/{batch['id']}/files/seed_yongzhou_2021_%E6%A3%80%E6%9F%A5%E6%89%B9%E6%B3%A8.docx")
    assert len(list(docx.Document(io.BytesIO(r.content)).comments)) > 40
    html_report = client.get(f"/batches/{batch['id']}/files/%E6%A3%80%E6%9F%A5%E6%8A%A5%E5%91%8A.html")
    assert html_report.headers["content-security-policy"].startswith("sandbox")
    assert client.get(f"/batches/{batch['id']}/files/..%2F..%2Fetc%2Fpasswd").status_code == 404
    assert "Performance self-evaluation check" in client.get(batch["url"] + "?lang=en").text


def test_plain_form_post_redirects_to_the_batch(make_client):
    client = make_client()
    r = client.post("/api/batches", files=_files(SEED), headers={"accept": "text/html"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/batches/")
    page = client.get(r.headers["location"]).text
    assert "正在检查" in page or '<section class="filing"' in page


def test_settings_from_the_page(make_client):
    client = make_client()
    batch = _upload(client, _files(SEED), {"select": "BUD", "profile": "default"})
    _wait(client, batch)
    page = client.get(batch["url"]).text
    rules = {chunk.split('"')[0] for chunk in page.split('data-rule="')[1:]}
    assert rules and all(r.startswith("BUD") for r in rules)
    bad = _upload(client, _files(SEED), {"profile": "nonsense"})
    assert _wait(client, bad)["status"] == "failed"
    r = client.get(bad["url"])
    assert r.status_code == 422 and "nonsense" in r.text


def test_settings_fixed_by_the_server(make_client, tmp_path):
    cfg = tmp_path / "jxcheck.toml"
    cfg.write_text('select = ["ARI"]\n', encoding="utf-8")
    client = make_client(settings=load_settings(cfg))
    assert "检查设置由服务器的设置文件确定" in client.get("/").text
    batch = _upload(client, _files(SEED), {"select": "BUD"})
    _wait(client, batch)
    rules = {chunk.split('"')[0] for chunk in client.get(batch["url"]).text.split('data-rule="')[1:]}
    assert rules and all(r.startswith("ARI") for r in rules)


def test_bad_rule_pack_is_refused_with_the_cli_message(make_client):
    client = make_client()
    files = [*_files(SEED), ("rules", ("mine.yaml", b"rules: [ {id: X1, broken", "application/x-yaml"))]
    batch = _upload(client, files)
    assert _wait(client, batch)["status"] == "failed"
    r = client.get(batch["url"])
    assert r.status_code == 422 and "mine.yaml" in r.text


def test_bad_file_is_named_and_the_others_checked(make_client):
    client = make_client()
    files = [("files", ("broken.docx", b"PK\x03\x04 not a zip", "application/octet-stream")),
             ("files", ("notes.pdf", b"%PDF-1.4 ...", "application/pdf")), *_files(SEED)]
    batch = _upload(client, files)
    _wait(client, batch)
    page = client.get(batch["url"]).text
    assert page.count('<section class="filing"') == 4  # the seed's three, and the list of unreadable files
    assert "<code>broken.docx</code>" in page and "无法读取的.docx文件" in page
    assert "<code>notes.pdf</code>" in page and "不支持 PDF" in page


def test_a_crashing_check_names_the_file_and_the_server_goes_on(make_client, monkeypatch):
    monkeypatch.setenv(FAULT_ENV, "crash:boom")
    client = make_client()
    files = [("files", ("boom.txt", SEED.read_bytes(), "text/plain")), *_files(SEED)]
    batch = _upload(client, files)
    _wait(client, batch)
    page = client.get(batch["url"]).text
    assert "<code>boom.txt</code>" in page and page.count('<section class="filing"') == 4
    assert "检查此文件的工作进程崩溃（SIGSEGV）" in page and "the worker checking this file" not in page.split("<main")[-1]
    assert client.get("/").status_code == 200


@pytest.mark.parametrize("limits, files, status, words", [
    (UploadLimits(files=2), 3, 413, "more than 2 files"),
    (UploadLimits(file_bytes=1000), 1, 413, "seed_yongzhou_2021.txt: larger than the limit"),
    (UploadLimits(total_bytes=40_000), 3, 413, "larger than"),
])
def test_limits(make_client, tmp_path, limits, files, status, words):
    client = make_client(limits)
    r = client.post("/api/batches", files=_files(*[SEED] * files), headers={"accept": "application/json"})
    assert r.status_code == status and words in r.json()["error"]
    assert list((tmp_path / "serve").iterdir()) == []  # nothing kept of a refused upload


def test_bad_requests(make_client, tmp_path):
    client = make_client()
    r = client.post("/api/batches", content=b"files=x", headers={"content-type": "application/x-www-form-urlencoded"})
    assert r.status_code == 415
    r = client.post("/api/batches", files=[("files", ("../../x.docx", b"data", "application/octet-stream"))])
    assert r.status_code == 400 and "not a plain file name" in r.json()["error"]
    r = client.post("/api/batches", files=[("files", ("C:\\\\Users\\\\x.docx", b"data", "application/octet-stream"))])
    assert r.status_code == 400
    r = client.post("/api/batches", data={"profile": "default"}, files=[("other", ("", b"", "text/plain"))])
    assert r.status_code == 400 and "no file" in r.json()["error"]
    r = client.post("/api/batches", content=b"--xx\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a.txt\"\r\n\r\nabc",
                    headers={"content-type": "multipart/form-data; boundary=xx"})
    assert r.status_code == 400
    assert not list(tmp_path.rglob("x.docx")) and list((tmp_path / "serve").iterdir()) == []
    r = client.post("/api/batches", files=_files(SEED), headers={"origin": "http://evil.example"})
    assert r.status_code == 403
    assert client.get("/batches/nope").status_code == 404
    assert client.get("/api/batches/nope").status_code == 404


def test_safe_name():
    assert safe_name("自评表.xlsx") == "自评表.xlsx"
    for bad in ("../x.docx", "a/b.docx", "a\\b.docx", ".hidden", "", "C:x.docx", "x\x00.docx",
                "invoice\u202excod.exe", "x\x85y.docx", "x\x9by.docx"):
        with pytest.raises(Exception, match="not a plain file name"):
            safe_name(bad)
    assert safe_name("自" * 65 + ".docx") == "自" * 65 + ".docx"  # 200 bytes in UTF-8
    with pytest.raises(Exception, match="too long: 203 bytes; at most 200"):
        safe_name("自" * 66 + ".docx")


def test_token_required_on_every_request(make_client):
    client = make_client(token="s3cret-token")
    assert client.get("/").status_code == 401
    assert client.get("/static/report.css").status_code == 401
    assert client.post("/api/batches", files=_files(SEED)).status_code == 401
    assert client.get("/", headers={"authorization": "Bearer wrong"}).status_code == 401
    r = client.get("/?token=s3cret-token")
    assert r.status_code == 200 and "HttpOnly" in r.headers["set-cookie"]
    assert client.get("/", headers={"authorization": "Bearer s3cret-token"}).status_code == 200
    # the browser now carries the cookie: uploads and downloads work without the token in the address
    batch = _upload(client, _files(SEED))
    _wait(client, batch)
    assert client.get(batch["url"]).status_code == 200


def test_everything_from_a_filing_is_escaped(make_client, tmp_path):
    from checker.cli import main

    out = tmp_path / "seed.yaml"
    main(["parse", str(SEED), "--format", "yaml", "-j", "0"])  # warms nothing; the real call is below
    import contextlib

    with out.open("w", encoding="utf-8") as fh, contextlib.redirect_stdout(fh):
        main(["parse", str(SEED), "--format", "yaml", "-j", "0"])
    text = out.read_text(encoding="utf-8").replace("安全生产专项", "<script>alert(1)</script>专项", 1)
    out.write_text(text, encoding="utf-8")
    client = make_client()
    batch = _upload(client, _files(out))
    _wait(client, batch)
    page = client.get(batch["url"]).text
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;专项" in page


def test_xlsx_annotated_copy_from_the_page(make_client):
    client = make_client()
    batch = _upload(client, _files(SEED_XLSX))
    _wait(client, batch)
    r = client.get(f"/batches/{batch['id']}/files/seed_yongzhou_2021_%E6%A3%80%E6%9F%A5%E6%89%B9%E6%B3%A8.xlsx")
    wb = load_workbook(io.BytesIO(r.content))
    assert "检查结果" in wb.sheetnames
    assert sum(1 for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.comment) > 30


def test_serving_beyond_this_machine_needs_a_token(monkeypatch, capsys):
    from checker.cli import main

    monkeypatch.delenv("JXCHECK_TOKEN", raising=False)
    assert main(["serve", "--host", "0.0.0.0", "--port", "1"]) == 2
    assert "needs a token" in capsys.readouterr().err


def test_the_readers_limit_is_the_upload_limit(monkeypatch, capsys):
    """A 20 MB upload limit means 20 MB × 8 unzipped, not the command line's 50 MB × 8."""
    import socket

    import uvicorn

    from checker.cli import main

    monkeypatch.setenv("JXCHECK_MAX_FILE_MB", "50")
    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: None)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    assert main(["serve", "--port", str(port), "--max-file-mb", "5"]) == 0
    from checker.readers.document import Limits

    assert Limits.from_env().file_bytes == 5 * 2**20


def test_a_bad_settings_file_stops_the_server_before_it_starts(tmp_path, capsys):
    from checker.cli import main

    cfg = tmp_path / "jxcheck.toml"
    cfg.write_text('profile = "nonsense"\nselect = ["NOPE999"]\n', encoding="utf-8")
    assert main(["serve", "--config", str(cfg), "--port", "1"]) == 2
    assert str(cfg) in capsys.readouterr().err


def test_a_refused_plain_form_post_gets_a_page_in_chinese(make_client):
    client = make_client(UploadLimits(files=1))
    r = client.post("/api/batches", files=_files(SEED, SEED), headers={"accept": "text/html"})
    assert r.status_code == 413 and "一次上传超过 1 个文件" in r.text and "<!DOCTYPE html>" in r.text
    assert "<script>" not in r.text


def test_results_can_be_deleted(make_client, tmp_path):
    client = make_client()
    batch = _upload(client, _files(SEED))
    _wait(client, batch)
    assert 'action="/api/batches/' + batch["id"] + '"' in client.get(batch["url"]).text
    r = client.post(f"/api/batches/{batch['id']}", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/?lang=zh"
    assert client.get(batch["url"]).status_code == 404 and not (tmp_path / "serve" / batch["id"]).exists()
    other = _upload(client, _files(SEED))
    _wait(client, other)
    assert client.delete(f"/api/batches/{other['id']}").status_code == 204
    assert client.delete(f"/api/batches/{other['id']}").status_code == 404


def test_malformed_multipart_bodies_are_refused_cleanly(make_client, tmp_path):
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    client = make_client(UploadLimits(file_bytes=4000, files=3, total_bytes=20_000))
    parts = st.sampled_from([b"--xx\r\n", b"--xx--\r\n", b"Content-Disposition: form-data; name=\"files\"; filename=\"a.txt\"\r\n",
                             b"Content-Disposition: form-data; name=\"profile\"\r\n", b"\r\n", b"abc", b"\xff\xfe",
                             b"filename=\"../x\"", b"Content-Type: text/plain\r\n", b"x" * 5000])

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(st.lists(parts, max_size=14))
    def run(chunks):
        r = client.post("/api/batches", content=b"".join(chunks), headers={
            "content-type": "multipart/form-data; boundary=xx", "accept": "application/json"})
        assert r.status_code in (202, 400, 413), r.text
        if r.status_code == 202:
            _wait(client, r.json())

    run()
    assert client.get("/healthz").status_code == 200
    assert not list(tmp_path.rglob("x"))


def test_batches_uploaded_together_are_all_checked(make_client):
    client = make_client()
    batches = [_upload(client, _files(SEED)) for _ in range(3)]
    assert all(_wait(client, b)["status"] == "done" for b in batches)
    assert len({client.get(b["url"]).text.count('<section class="filing"') for b in batches}) == 1


def test_a_port_in_use_is_said_before_serving(capsys):
    import socket

    from checker.cli import main

    with socket.create_server(("127.0.0.1", 0)) as busy:
        port = busy.getsockname()[1]
        assert main(["serve", "--port", str(port)]) == 2
    err = capsys.readouterr().err
    assert "cannot listen on 127.0.0.1" in err and "localhost:" not in err


def test_scoring_profiles_are_shown_with_their_weights(make_client):
    client = make_client()
    html = client.get("/").text
    assert '<option value="default">标准口径（预算执行率10 · 产出指标50 · 效益指标30 · 满意度指标10）</option>' in html
    assert '<option value="execution-20">execution-20 (execution rate 20 · 产出指标40' in client.get("/?lang=en").text


def test_a_declared_length_past_the_limit_is_refused_before_reading(make_client, tmp_path):
    client = make_client(UploadLimits(total_bytes=1000))
    body = b"x" * (1000 + 64 * 2**10 + 1)
    r = client.post("/api/batches", content=body, headers={"content-type": "multipart/form-data; boundary=xx",
                                                            "accept": "application/json"})
    assert r.status_code == 413 and r.json()["error"] == "the upload is larger than 0.976562 KB in all"
    assert list((tmp_path / "serve").iterdir()) == []


def test_a_host_name_the_server_was_not_given_is_refused(make_client, tmp_path):
    """DNS rebinding: a page of evil.example whose name was made to resolve to 127.0.0.1 sends Host: evil.example
    (and its own Origin, so the same-origin check alone would pass it): refused before anything is read."""
    client = make_client()
    for path in ("/", "/api/batches/nope"):
        assert client.get(path, headers={"host": "evil.example"}).status_code == 421
    r = client.post("/api/batches", files=_files(SEED),
                    headers={"host": "evil.example:8000", "origin": "http://evil.example:8000"})
    assert r.status_code == 421 and list((tmp_path / "serve").iterdir()) == []
    for host in ("localhost:8000", "127.0.0.1:8000", "[::1]:8000"):
        assert client.get("/", headers={"host": host}).status_code == 200
    named = TestClient(create_app(ServeSettings(jobs=1), token="t", root=tmp_path / "named",
                                  allowed_hosts=["jxcheck.example.gov.cn"]), base_url="http://jxcheck.example.gov.cn")
    with named:
        assert named.get("/?token=t").status_code == 200
        assert named.get("/?token=t", headers={"host": "evil.example"}).status_code == 421


def test_the_pages_own_form_post_carries_its_origin(make_client):
    """Chromium sends Origin: null for a form post under Referrer-Policy: no-referrer, and the delete button's
    post was refused: the page's policy keeps the origin on same-site requests."""
    client = make_client()
    assert client.get("/").headers["referrer-policy"] == "same-origin"
    r = client.post("/api/batches", files=_files(SEED), headers={"origin": "null"})
    assert r.status_code == 403 and "其他网站" in r.text


def _finished(batches, n: int) -> list:
    out = []
    for _ in range(n):
        batch, _ = batches.new("zh")
        batch.status, batch.finished = "done", time.time()
        out.append(batch.id)
    return out


def test_uploads_in_flight_never_evict_finished_results(tmp_path):
    from checker.serve.batches import Batches, Busy

    batches = Batches(tmp_path, ServeSettings(keep_batches=3, max_pending=5))
    kept = _finished(batches, 3)
    stalled = [batches.new("zh")[0] for _ in range(5)]  # five uploads that never finish sending
    assert all(batches.get(b) is not None for b in kept)
    with pytest.raises(Busy, match=r"too many checks waiting \(5\)"):
        batches.new("zh")
    for b in stalled:
        batches.drop(b.id)
    newer = _finished(batches, 1)
    batches.expire()
    assert batches.get(kept[0]) is None and all(batches.get(b) is not None for b in [*kept[1:], *newer])
    batches.close()


def test_a_full_queue_is_429_in_the_users_language(make_client):
    client = make_client(max_pending=0)
    r = client.post("/api/batches", files=_files(SEED), headers={"accept": "application/json", "accept-language": "zh"})
    assert r.status_code == 429 and r.json()["message"] == "排队等待检查的批次过多（0个），请几分钟后再试"


def test_finished_batches_expire_on_a_timer_without_new_uploads(tmp_path):
    from checker.serve.batches import Batches

    batches = Batches(tmp_path, ServeSettings(keep_seconds=0.2, sweep_seconds=0.05))
    [old] = _finished(batches, 1)
    (tmp_path / old / "检查报告.html").write_text("x", encoding="utf-8")
    end = time.time() + 10
    while batches.get(old) is not None and time.time() < end:
        time.sleep(0.05)
    assert batches.get(old) is None and not (tmp_path / old).exists()
    batches.close()
