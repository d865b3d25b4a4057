"""`jxcheck serve`: the self-check page. Starlette on uvicorn, the HTML report's own templates, no CDN
and no request leaving the machine.

Safety: a token, when set, is required on every request (header, cookie or ?token= once); uploads are
read into a private directory with their limits enforced as they arrive (`uploads.py`) and deleted once
checked; every response carries a strict Content-Security-Policy (scripts and styles from this server
only, so nothing a filing contains can run) and no-store caching; a check that crashes or hangs its
worker becomes an error naming the file, and the server goes on.
"""

from __future__ import annotations

import contextlib
import hmac
import shutil
import tempfile
from collections.abc import AsyncIterator, Iterable
from pathlib import Path
from urllib.parse import quote

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from checker import __version__
from checker.config import PROFILE_ZH, PROFILES
from checker.i18n import localise
from checker.render.html_out import asset
from checker.serve.batches import Batches, Busy, ServeSettings
from checker.serve.pages import render, words
from checker.serve.uploads import UploadLimits, UploadRejected, read_upload, size_text

TOKEN_COOKIE = "jxcheck_token"
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
SECURITY_HEADERS = [(b"content-security-policy", CSP.encode()), (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"same-origin"), (b"x-frame-options", b"DENY"),
                    (b"cache-control", b"no-store"), (b"cross-origin-opener-policy", b"same-origin")]
STATIC = {"report.css": "text/css; charset=utf-8", "report.js": "text/javascript; charset=utf-8",
          "page.js": "text/javascript; charset=utf-8"}
def create_app(serve: ServeSettings | None = None, limits: UploadLimits | None = None, token: str | None = None,
               root: Path | None = None, allowed_hosts: Iterable[str] | None = None) -> Guard:
    serve = serve or ServeSettings()
    limits = limits or UploadLimits()
    own_root = root is None
    workdir = Path(tempfile.mkdtemp(prefix="jxcheck-serve-")) if root is None else root
    workdir.mkdir(mode=0o700, parents=True, exist_ok=True)
    workdir.chmod(0o700)
    batches = Batches(workdir, serve)

    async def index(request: Request) -> Response:
        lang = lang_of(request)
        w = words(lang)
        return page("page.html.j2", lang, profiles=[("", FORM_PROFILE[lang])] + [(name, profile_label(name, lang))
                                                                                 for name in PROFILES],
                    fixed=serve.settings is not None, max_file=limits.file_bytes, max_files=limits.files,
                    max_total=limits.total_bytes,
                    limits=w["limits"].format(file=size_text(limits.file_bytes), files=limits.files,
                                              total=size_text(limits.total_bytes)))

    async def create_batch(request: Request) -> Response:
        lang = lang_of(request)
        length = request.headers.get("content-length")
        if length is not None and length.isdigit() and int(length) > limits.request_bytes:
            too_large = limits.too_large()  # refused before a byte is read
            return _refuse(request, too_large.status, too_large.message)
        try:
            batch, directory = batches.new(lang)
        except Busy as exc:
            return _refuse(request, 429, str(exc))
        try:
            upload = await read_upload(request.headers.get("content-type", ""), request.stream(),
                                       directory / "upload", limits)
        except UploadRejected as exc:
            batches.drop(batch.id)
            return _refuse(request, exc.status, exc.message)
        if not upload.files:
            batches.drop(batch.id)
            return _refuse(request, 400, "no file in the upload (field 'files')")
        batches.start(batch, directory, upload)
        if "application/json" in request.headers.get("accept", ""):
            return JSONResponse(batch.status_dict(), status_code=202)
        return RedirectResponse(f"/batches/{batch.id}?lang={lang}", status_code=303)

    async def batch_status(request: Request) -> Response:
        batch = batches.get(request.path_params["batch"])
        if batch is None:
            return JSONResponse({"error": "no such batch (it may have expired)"}, status_code=404)
        if request.method == "DELETE" or request.method == "POST":  # the page's "delete these results"
            if batch.status in ("queued", "running"):
                return JSONResponse({"error": "the batch is still being checked"}, status_code=409)
            batches.drop(batch.id)
            if request.method == "POST":
                return RedirectResponse(f"/?lang={batch.lang}", status_code=303)
            return Response(status_code=204)
        return JSONResponse(batch.status_dict())

    async def batch_page(request: Request) -> Response:
        batch = batches.get(request.path_params["batch"])
        asked = request.query_params.get("lang")
        lang = asked if asked in ("zh", "en") else batch.lang if batch is not None else "zh"
        if batch is None:
            return page("message.html.j2", lang, 404, message="no such batch (it may have expired)")
        if batch.status in ("queued", "running"):
            return page("progress.html.j2", lang, batch=batch)
        if batch.status == "failed" or lang not in batch.pages:
            return page("message.html.j2", lang, 422, message=batch.message, batch=batch)
        return HTMLResponse(batch.pages[lang].read_text(encoding="utf-8"))

    async def download(request: Request) -> Response:
        batch = batches.get(request.path_params["batch"])
        name = request.path_params["name"]
        if batch is None or name not in batch.downloads:  # only names the batch wrote: no path from the request
            return JSONResponse({"error": "no such file"}, status_code=404)
        path, media = batch.downloads[name]
        headers = {"content-disposition": f"attachment; filename*=UTF-8''{quote(name)}"}
        if media.startswith("text/html"):
            headers["content-security-policy"] = "sandbox; " + CSP  # a downloaded report never runs as this site
        return FileResponse(path, media_type=media, headers=headers)

    async def static(request: Request) -> Response:
        return static_response(request.path_params["name"])

    async def health(request: Request) -> Response:
        return JSONResponse({"ok": True, "version": __version__})

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            batches.close()
            if own_root:
                shutil.rmtree(workdir, ignore_errors=True)

    app = Starlette(routes=[
        Route("/", index), Route("/api/batches", create_batch, methods=["POST"]),
        Route("/api/batches/{batch}", batch_status, methods=["GET", "DELETE", "POST"]),
        Route("/batches/{batch}", batch_page),
        Route("/batches/{batch}/files/{name}", download), Route("/static/{name}", static),
        Route("/healthz", health), Route("/favicon.ico", lambda request: Response(status_code=204)),
    ], lifespan=lifespan)
    app.state.workdir = workdir
    app.state.batches = batches
    return Guard(app, token, allowed_hosts)


def lang_of(request: Request) -> str:
    return "en" if request.query_params.get("lang") == "en" else "zh"


def page(name: str, lang: str, status: int = 200, **context: object) -> HTMLResponse:
    return HTMLResponse(render(name, lang, **context), status_code=status)


def static_response(name: str) -> Response:
    """The page's own CSS and scripts, by name from a fixed list."""
    if name not in STATIC:
        return Response("not found", status_code=404)
    return Response(asset(name), media_type=STATIC[name])


def _refuse(request: Request, status: int, message: str) -> Response:
    """A refused request: JSON for the page's script and API clients, a page for a plain form post."""
    accept = request.headers.get("accept", "")
    if "text/html" in accept and "application/json" not in accept:
        return page("message.html.j2", lang_of(request), status, message=localise(message, lang_of(request)))
    return JSONResponse({"error": message, "message": localise(message, lang_of(request))}, status_code=status)


FORM_PROFILE = {"zh": "按各表自身的评分口径（不指定）", "en": "each form's own scheme (none chosen)"}


def profile_label(name: str, lang: str) -> str:
    """default（预算执行率10 · 产出指标50 · 效益指标30 · 满意度指标10）: a profile as its weights."""
    parts = [f"{('预算执行率' if lang == 'zh' else 'execution rate ') if k == 'execution' else k}{v:g}"
             for k, v in PROFILES[name].items()]
    return f"{PROFILE_ZH.get(name, name)}（{' · '.join(parts)}）" if lang == "zh" else f"{name} ({' · '.join(parts)})"


class Guard:
    """Every response gets the security headers; with a token, every request must carry it; a POST from
    another site's page (its Origin is not this server) is refused."""

    def __init__(self, app: ASGIApp, token: str | None, allowed_hosts: Iterable[str] | None = None) -> None:
        self.app = app
        self.token = token.encode() if token else None
        # the names this server answers to: a page of another site whose name was made to resolve here (DNS
        # rebinding) sends its own name as Host, and is refused
        self.hosts = {h.lower().strip("[]") for h in (allowed_hosts or ())} | LOCAL_HOSTS

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        if not _host_allowed(request, self.hosts):
            await _plain(send, 421, "该地址不是本服务的地址（this server does not answer to the host name "
                                    f"{request.headers.get('host', '')!r}: give it with --allowed-host）")
            return
        set_cookie = False
        if self.token is not None:
            given = _given_token(request)
            if given is None or not hmac.compare_digest(given.encode(), self.token):
                await _plain(send, 401, "a token is required: open the address with ?token=… or send "
                                        "Authorization: Bearer …")
                return
            set_cookie = request.cookies.get(TOKEN_COOKIE) != given
        if scope["method"] == "POST" and not _same_origin(request):
            await _plain(send, 403, "该请求来自其他网站的页面，已拒绝（the request came from another site's page）")
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}  # a download's own (sandboxed) policy stays
                headers += [(k, v) for k, v in SECURITY_HEADERS if k not in present]
                if set_cookie and self.token is not None:
                    headers.append((b"set-cookie", f"{TOKEN_COOKIE}={self.token.decode()}; HttpOnly; "
                                                   "SameSite=Strict; Path=/".encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _given_token(request: Request) -> str | None:
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        return auth[7:].strip()
    return (request.headers.get("x-jxcheck-token") or request.cookies.get(TOKEN_COOKIE)
            or request.query_params.get("token"))


LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "testserver"})


def _host_allowed(request: Request, hosts: set[str]) -> bool:
    """The Host header names this server: localhost, the address it listens on, or a name it was given."""
    host = request.headers.get("host", "").lower()
    name = host.rsplit(":", 1)[0] if host.count(":") == 1 or host.startswith("[") else host
    return name.strip("[]") in hosts


def _same_origin(request: Request) -> bool:
    origin = request.headers.get("origin")
    if origin is None:  # not sent by a browser's cross-site form or script
        return True
    host = request.headers.get("host", "")
    return origin.split("://", 1)[-1] == host


async def _plain(send: Send, status: int, text: str) -> None:
    body = text.encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode()),
                            *SECURITY_HEADERS]})
    await send({"type": "http.response.body", "body": body})
