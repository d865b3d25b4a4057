"""`jxcheck serve --data DIR`: the self-check service. Units' clerks log in and check their filings (every
check kept, a re-check compared with the last), the 绩效科 reviews every unit at the desk, the admin reads the
audit log. A unit sees only its own filings: any other id answers 404, as a missing one does.

The checking itself is the desk tool's (checker/serve/batches.py `check_batch`): the same run, the same
annotated copies and reports, written under DIR/files/<folder> and kept for the retention period."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import hmac
import secrets
import shutil
import threading
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterable
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from jinja2 import ChoiceLoader, Environment, PackageLoader, StrictUndefined, select_autoescape
from sqlalchemy import delete, select
from sqlalchemy.orm import Session
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from checker import __version__
from checker.errors import JxError
from checker.i18n import localise
from checker.serve.app import CSP, Guard, static_response
from checker.serve.batches import Batch, ServeSettings, check_batch
from checker.serve.uploads import UploadLimits, UploadRejected, read_upload, size_text
from checker.service import accounts, audit
from checker.service.db import Database
from checker.service.history import filing_of, progress, record_check
from checker.service.models import Account, AuditEvent, Check, Filing, LoginSession, Unit, now
from checker.service.sheets import Sheets, workbook_bytes

COOKIE = "jx_session"
LOGIN_COOKIE = "jx_login"  # the login form's CSRF token before there is a session (double submit)
SESSION_HOURS = 12


class ServiceSettings:
    def __init__(self, data: Path, database_url: str, serve: ServeSettings, limits: UploadLimits,
                 keep_days: float = 365.0, secure_cookies: bool = False) -> None:
        self.data, self.database_url, self.serve, self.limits = data, database_url, serve, limits
        self.keep_days, self.secure_cookies = keep_days, secure_cookies


def _environment() -> Environment:
    return Environment(loader=ChoiceLoader([PackageLoader("checker.service", "templates"),
                                            PackageLoader("checker.render", "templates")]),
                       undefined=StrictUndefined, autoescape=select_autoescape(default=True, default_for_string=True))


def create_service(settings: ServiceSettings, allowed_hosts: Iterable[str] | None = None) -> Guard:
    db = Database(settings.database_url)
    files = settings.data / "files"
    files.mkdir(parents=True, exist_ok=True)
    env = _environment()
    checking = threading.Semaphore(1)  # one check on the worker pool at a time; the others wait their turn
    stop = threading.Event()

    def page(name: str, status: int = 200, **context: Any) -> HTMLResponse:
        context.setdefault("problem", None)
        html = env.get_template(name).render(lang="zh", w={}, static="/static", inline_assets=False, assets={},
                                             version=__version__, account=context.pop("account", None),
                                             csrf=context.pop("csrf", ""), **context)
        return HTMLResponse(html, status_code=status)

    def address(request: Request) -> str:
        return request.client.host if request.client else ""

    # --- sessions ---------------------------------------------------------------------------------------
    def current(request: Request, s: Session) -> tuple[Account, LoginSession] | None:
        token = request.cookies.get(COOKIE)
        if not token:
            return None
        login = s.get(LoginSession, hashlib.sha256(token.encode()).hexdigest())
        if login is None or login.account.disabled or now() - login.last_seen > dt.timedelta(hours=SESSION_HOURS):
            return None
        login.last_seen = now()
        return login.account, login

    def signed_in(roles: tuple[str, ...] = ("unit", "desk", "admin"), csrf: bool = False) -> Callable:
        """The endpoint with (request, session, account, login) when the caller is logged in with one of
        `roles` (and, for a form post, sends the session's CSRF token); else the login page or 404."""
        def wrap(endpoint: Callable) -> Callable:
            async def handler(request: Request) -> Response:
                form = await request.form() if csrf and request.method == "POST" and \
                    not request.headers.get("content-type", "").startswith("multipart/") else None
                with db.session() as s:
                    who = current(request, s)
                    if who is None:
                        return RedirectResponse("/login", status_code=303)
                    account, login = who
                    if account.role not in roles:
                        return page("service_message.html.j2", 404, title="未找到", account=account,
                                    csrf=login.csrf, message="没有这个页面。")
                    if form is not None and not hmac.compare_digest(str(form.get("csrf", "")), login.csrf):
                        return Response("CSRF 校验失败（the form's token does not match）", status_code=403)
                    if account.must_change_password and request.url.path not in ("/password", "/logout"):
                        return RedirectResponse("/password", status_code=303)
                    return await endpoint(request, s, account, login, form)
            return handler
        return wrap

    def login_page(status: int = 200, problem: str | None = None) -> Response:
        """The login form with a fresh CSRF token, the same token in a cookie only /login receives."""
        token = secrets.token_urlsafe(24)
        response = page("service_login.html.j2", status, title="登录", csrf=token, problem=problem)
        response.set_cookie(LOGIN_COOKIE, token, httponly=True, samesite="strict", secure=settings.secure_cookies,
                            path="/login")
        return response

    async def login_form(request: Request) -> Response:
        return login_page()

    async def login(request: Request) -> Response:
        form = await request.form()
        expected = request.cookies.get(LOGIN_COOKIE, "")
        if not expected or not hmac.compare_digest(str(form.get("csrf", "")), expected):
            return Response("CSRF 校验失败（the form's token does not match）", status_code=403)
        username, password = str(form.get("username", "")).strip(), str(form.get("password", ""))
        with db.session() as s:
            account = s.scalar(select(Account).where(Account.username == username))
            if account is None or not accounts.verify_password(account, password):
                audit.record(s, username[:64], "login_failed", address=address(request))
                return login_page(401, "用户名或密码不对，或账号已停用。")
            token = secrets.token_urlsafe(32)
            s.add(LoginSession(id=hashlib.sha256(token.encode()).hexdigest(), account=account,
                               csrf=secrets.token_urlsafe(24)))
            audit.record(s, account.username, "login", address=address(request))
        response = RedirectResponse("/", status_code=303)
        response.set_cookie(COOKIE, token, httponly=True, samesite="strict", secure=settings.secure_cookies,
                            max_age=SESSION_HOURS * 3600)
        response.delete_cookie(LOGIN_COOKIE, path="/login")
        return response

    @signed_in(csrf=True)
    async def logout(request: Request, s: Session, account: Account, login: LoginSession, form: Any) -> Response:
        s.delete(login)
        audit.record(s, account.username, "logout", address=address(request))
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(COOKIE)
        return response

    @signed_in()
    async def home(request: Request, s: Session, account: Account, login: LoginSession, form: Any) -> Response:
        return RedirectResponse("/unit" if account.role == "unit" else "/desk", status_code=303)

    @signed_in(csrf=True)
    async def password(request: Request, s: Session, account: Account, login: LoginSession, form: Any) -> Response:
        if request.method == "GET":
            return page("service_password.html.j2", title="修改密码", account=account, csrf=login.csrf)
        problem = None
        if not accounts.verify_password(account, str(form.get("old", ""))):
            problem = "原密码不对。"
        elif form.get("new") != form.get("again"):
            problem = "两次输入的新密码不一致。"
        else:
            try:
                account.password_hash = accounts.hash_password(str(form.get("new", "")))
                account.must_change_password = False
            except accounts.AccountError:
                problem = f"新密码至少{accounts.MIN_PASSWORD}个字符。"
        if problem:
            return page("service_password.html.j2", 400, title="修改密码", account=account,
                        csrf=login.csrf, problem=problem)
        audit.record(s, account.username, "password_reset", account.username, "by the account itself",
                     address(request))
        return RedirectResponse("/", status_code=303)

    # --- a unit's filings and checks ----------------------------------------------------------------------
    @signed_in(("unit",))
    async def unit_home(request: Request, s: Session, account: Account, login: LoginSession, form: Any) -> Response:
        rows = []
        for f in s.scalars(select(Filing).where(Filing.unit_id == account.unit_id).order_by(Filing.name)):
            rows.append({"id": f.id, "name": f.name, "last": f.checks[-1] if f.checks else None, "count": len(f.checks)})
        limits = settings.limits
        return page("service_unit.html.j2", title=account.unit.name if account.unit else "本单位",
                    account=account, csrf=login.csrf, filings=rows,
                    limits=f"单个文件不超过 {size_text(limits.file_bytes)}，每次最多 {limits.files} 个文件")

    async def upload(request: Request) -> Response:
        with db.session() as s:
            who = current(request, s)
            if who is None or who[0].role != "unit" or who[0].must_change_password:
                return RedirectResponse("/login", status_code=303)
            account_id, csrf = who[0].id, who[1].csrf
        folder = secrets.token_urlsafe(12)
        directory = files / folder
        (directory / "upload").mkdir(parents=True, mode=0o700)
        try:
            up = await read_upload(request.headers.get("content-type", ""), request.stream(), directory / "upload",
                                   settings.limits)
        except UploadRejected as exc:
            shutil.rmtree(directory, ignore_errors=True)
            return _message(exc.status, "上传未被接受", exc.message)
        if not hmac.compare_digest(up.fields.get("csrf", ""), csrf):
            shutil.rmtree(directory, ignore_errors=True)
            return Response("CSRF 校验失败（the form's token does not match）", status_code=403)
        if not up.files:
            shutil.rmtree(directory, ignore_errors=True)
            return _message(400, "上传未被接受", "请选择要检查的文件。")
        up.rule_files = []  # a unit checks with the server's rules, never its own pack
        up.fields = {}
        batch = Batch(folder, [name for name, _ in up.files], "zh")
        try:
            check_ids = await run_in_threadpool(_check_upload, batch, directory, up, account_id, address(request))
        except JxError as exc:
            return _message(422, "检查失败", f"{exc.source}: {exc.message}")
        return RedirectResponse(f"/checks/{check_ids[0]}", status_code=303)

    def _check_upload(batch: Batch, directory: Path, up: Any, account_id: int, addr: str) -> list[int]:
        with checking:
            result = check_batch(settings.serve, batch, directory, up)
        ids = []
        with db.session() as s:
            account = s.get(Account, account_id)
            assert account is not None and account.unit is not None
            for (name, path) in zip(batch.names, (p for _, p in up.files), strict=True):
                findings = [f for r in result.reports if r.source == name for f in r.findings]
                errors = [e for e in batch.errors if e.source == name]
                # the workers hashed what they checked; a file refused before it was read is hashed here
                sha = result.digests.get(name) or hashlib.sha256(path.read_bytes()).hexdigest()
                check = record_check(s, filing_of(s, account.unit, name), account, sha, findings, errors,
                                     batch.id)
                audit.record(s, account.username, "upload", f"{account.unit.code} {name}", f"check {check.id}", addr)
                audit.record(s, account.username, "check", f"{account.unit.code} {name}",
                             f"check {check.id}: {check.errors} errors, {check.warnings} warnings", addr)
                ids.append(check.id)
        return ids

    def visible_check(s: Session, account: Account, check_id: str) -> Check | None:
        check = s.get(Check, int(check_id)) if check_id.isdigit() else None
        if check is None or (account.role == "unit" and check.filing.unit_id != account.unit_id):
            return None  # another unit's check is as missing as one that never was
        return check

    def not_found(account: Account, login: LoginSession) -> Response:
        return page("service_message.html.j2", 404, title="未找到", account=account, csrf=login.csrf,
                    message="没有这个检查记录。")

    @signed_in()
    async def check_page(request: Request, s: Session, account: Account, login: LoginSession, form: Any) -> Response:
        check = visible_check(s, account, request.path_params["check"])
        if check is None:
            return not_found(account, login)
        out = files / check.folder / "out"
        downloads = sorted(p.name for p in out.iterdir()) if out.is_dir() and not check.purged else []
        downloads = [n for n in downloads if _belongs(n, check.filing.name)]
        return page("service_check.html.j2", title="检查结果", account=account, csrf=login.csrf,
                    check=check, progress=progress(s, check), downloads=downloads,
                    message="；".join(localise(m, "zh") for m in check.message.split("; ") if m))

    @signed_in()
    async def check_report(request: Request, s: Session, account: Account, login: LoginSession, form: Any) -> Response:
        check = visible_check(s, account, request.path_params["check"])
        lang = "en" if request.query_params.get("lang") == "en" else "zh"
        report = files / check.folder / f"page.{lang}.html" if check is not None else None
        if check is None or check.purged or report is None or not report.is_file():
            return not_found(account, login)
        return HTMLResponse(report.read_text(encoding="utf-8"))

    @signed_in()
    async def check_file(request: Request, s: Session, account: Account, login: LoginSession, form: Any) -> Response:
        check = visible_check(s, account, request.path_params["check"])
        name = request.path_params["name"]
        out = files / check.folder / "out" if check is not None else None
        # only a name the check wrote, listed from its folder: no path from the request
        if check is None or check.purged or out is None or not out.is_dir() or name not in {
                p.name for p in out.iterdir()} or not _belongs(name, check.filing.name):
            return not_found(account, login)
        audit.record(s, account.username, "download", f"{check.filing.unit.code} {check.filing.name}",
                     f"check {check.id}: {name}", address(request))
        headers = {"content-disposition": f"attachment; filename*=UTF-8''{quote(name)}"}
        if name.endswith(".html"):
            headers["content-security-policy"] = "sandbox; " + CSP
        return FileResponse(out / name, headers=headers)

    @signed_in(("unit", "admin"), csrf=True)
    async def check_delete(request: Request, s: Session, account: Account, login: LoginSession, form: Any) -> Response:
        """The check's files (upload, copy, reports) deleted by its unit or the admin; the check and its findings
        stay in the history, marked as deleted."""
        check = visible_check(s, account, request.path_params["check"])
        if check is None:
            return not_found(account, login)
        shutil.rmtree(files / check.folder, ignore_errors=True)
        check.purged = True
        audit.record(s, account.username, "delete", f"{check.filing.unit.code} {check.filing.name}",
                     f"check {check.id}: its files", address(request))
        return RedirectResponse(f"/checks/{check.id}", status_code=303)

    @signed_in()
    async def filing_page(request: Request, s: Session, account: Account, login: LoginSession, form: Any) -> Response:
        fid = request.path_params["filing"]
        filing = s.get(Filing, int(fid)) if fid.isdigit() else None
        if filing is None or (account.role == "unit" and filing.unit_id != account.unit_id):
            return not_found(account, login)
        return page("service_filing.html.j2", title="检查记录", account=account, csrf=login.csrf,
                    filing=filing)

    # --- the desk ----------------------------------------------------------------------------------------
    def desk_rows(s: Session, filters: dict[str, str]) -> tuple[list[dict], list[tuple[str, int, int]], list[str]]:
        rows: list[dict] = []
        by_rule: Counter = Counter()
        files_by_rule: dict[str, set[int]] = {}
        units = s.scalars(select(Unit).order_by(Unit.department, Unit.code)).all()
        departments = sorted({u.department for u in units if u.department})
        for unit in units:
            if filters["department"] and unit.department != filters["department"]:
                continue
            if not unit.filings:
                if filters["status"] in ("", "unchecked") and not filters["rule"] and not filters["severity"]:
                    rows.append({"department": unit.department, "unit": unit.name, "filing": "", "filing_id": None,
                                 "check_id": None, "when": "", "who": "", "errors": "", "warnings": "", "fixed": "",
                                 "count": 0})
                continue
            for f in unit.filings:
                last = f.checks[-1] if f.checks else None
                if last is None:
                    continue
                rules = {x.rule for x in last.findings if not filters["severity"] or x.severity == filters["severity"]}
                for x in last.findings:
                    by_rule[x.rule] += 1
                    files_by_rule.setdefault(x.rule, set()).add(f.id)
                if filters["rule"] and filters["rule"] not in rules:
                    continue
                if filters["severity"] and not rules:
                    continue
                if filters["status"] == "unchecked" or (filters["status"] == "errors" and not last.errors) or (
                        filters["status"] == "clean" and last.errors):
                    continue
                p = progress(s, last)
                rows.append({"department": unit.department, "unit": unit.name, "filing": f.name, "filing_id": f.id,
                             "check_id": last.id, "when": last.created.strftime("%Y-%m-%d %H:%M"),
                             "who": last.account.display_name or last.account.username,
                             "errors": last.errors, "warnings": last.warnings,
                             "fixed": "" if p.first else len(p.fixed), "count": len(f.checks)})
        counts = [(rule, n, len(files_by_rule[rule])) for rule, n in by_rule.most_common()]
        return rows, counts, departments

    def _filters(request: Request) -> dict[str, str]:
        q = request.query_params
        return {k: (q.get(k) or "").strip()[:64] for k in ("department", "rule", "severity", "status")}

    @signed_in(("desk", "admin"))
    async def desk(request: Request, s: Session, account: Account, login: LoginSession, form: Any) -> Response:
        filters = _filters(request)
        rows, counts, departments = desk_rows(s, filters)
        return page("service_desk.html.j2", title="审核台", account=account, csrf=login.csrf, rows=rows,
                    by_rule=counts, departments=departments, filters=filters,
                    query=urlencode({k: v for k, v in filters.items() if v}))

    @signed_in(("desk", "admin"))
    async def desk_xlsx(request: Request, s: Session, account: Account, login: LoginSession, form: Any) -> Response:
        rows, counts, _ = desk_rows(s, _filters(request))
        audit.record(s, account.username, "export", "desk", urlencode(_filters(request)), address(request))
        return _xlsx({"各单位填报": (["主管部门", "单位", "文件", "最近检查（UTC）", "上传人", "错误", "警告", "较上次改正",
                                  "检查次数"],
                                [[r[k] for k in ("department", "unit", "filing", "when", "who", "errors", "warnings",
                                                  "fixed", "count")] for r in rows]),
                      "按规则": (["规则", "问题数", "涉及文件"], [list(c) for c in counts])}, "审核台.xlsx")

    @signed_in(("admin",))
    async def audit_page(request: Request, s: Session, account: Account, login: LoginSession, form: Any) -> Response:
        events = s.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1000)).all()
        return page("service_audit.html.j2", title="操作记录", account=account, csrf=login.csrf,
                    events=events, actions=audit.ACTION_ZH)

    @signed_in(("admin",))
    async def audit_xlsx(request: Request, s: Session, account: Account, login: LoginSession, form: Any) -> Response:
        export = audit.sheet(s, audit.ACTION_ZH)
        audit.record(s, account.username, "export", "audit log", address=address(request))
        return _xlsx(export, "操作记录.xlsx")

    def _message(status: int, title: str, message: str) -> HTMLResponse:
        return page("service_message.html.j2", status, title=title, message=message)

    # --- retention -----------------------------------------------------------------------------------------
    def purge() -> int:
        """The files of checks older than the retention period removed; the checks and findings stay."""
        cutoff = now() - dt.timedelta(days=settings.keep_days)
        n = 0
        with db.session() as s:
            for check in s.scalars(select(Check).where(Check.created < cutoff, Check.purged.is_(False))):
                shutil.rmtree(files / check.folder, ignore_errors=True)
                check.purged = True
                n += 1
            if n:
                audit.record(s, "system", "purge", f"{n} checks", f"older than {settings.keep_days:g} days")
            stale = now() - dt.timedelta(hours=SESSION_HOURS)  # logins nobody can use any more
            s.execute(delete(LoginSession).where(LoginSession.last_seen < stale))
        return n

    def sweep() -> None:
        while not stop.wait(3600):
            with contextlib.suppress(Exception):
                purge()

    async def health(request: Request) -> Response:
        with db.session() as s:
            s.execute(select(1))
        return JSONResponse({"ok": True, "version": __version__})

    async def static(request: Request) -> Response:
        return static_response(request.path_params["name"])

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        purge()
        sweeper = threading.Thread(target=sweep, daemon=True, name="jxcheck-retention")
        sweeper.start()
        try:
            yield
        finally:
            stop.set()
            db.close()

    app = Starlette(routes=[
        Route("/", home), Route("/login", login_form, methods=["GET"]), Route("/login", login, methods=["POST"]),
        Route("/logout", logout, methods=["POST"]), Route("/password", password, methods=["GET", "POST"]),
        Route("/unit", unit_home), Route("/unit/checks", upload, methods=["POST"]),
        Route("/checks/{check}", check_page), Route("/checks/{check}/report", check_report),
        Route("/checks/{check}/files/{name}", check_file), Route("/filings/{filing}", filing_page),
        Route("/checks/{check}/delete", check_delete, methods=["POST"]),
        Route("/desk", desk), Route("/desk.xlsx", desk_xlsx), Route("/admin/audit", audit_page),
        Route("/admin/audit.xlsx", audit_xlsx), Route("/healthz", health), Route("/static/{name}", static),
        Route("/favicon.ico", lambda request: Response(status_code=204)),
    ], lifespan=lifespan)
    app.state.db, app.state.purge = db, purge
    return Guard(app, None, allowed_hosts)


def _belongs(download: str, filing: str) -> bool:
    """A download of this filing's check: its annotated copy, or a report of the upload it came in."""
    stem = Path(filing).stem
    return download.startswith(f"{stem}_检查批注") or download.startswith(("检查报告", "检查底稿", "检查结果"))


def _xlsx(sheets: Sheets, name: str) -> Response:
    return Response(workbook_bytes(sheets), media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"content-disposition": f"attachment; filename*=UTF-8''{quote(name)}"})

