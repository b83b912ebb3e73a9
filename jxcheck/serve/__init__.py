"""`jxcheck serve OUTDIR`: a local web app over a batch store to review findings beside the page.

Units → documents → one document: a PDF's pages drawn as images with every checked figure boxed (✓ passed,
≠ finding, ? unverifiable), a DOCX or TXT as text with the same marks, and its findings with their arithmetic, each
confirmed, dismissed or left 待核 with a reason (mouse, or keys j/k, c, x, p). Decisions go to the store's reviews
table (jxcheck.reviews), so a re-run of batch keeps them and the workbook shows them; /export.xlsx gives the
reviewed workpaper.

Bound to 127.0.0.1 unless told otherwise; another address needs a token, and then every request without it gets
401 (the token is given once as ?token=, kept in a same-site cookie, or sent as Authorization: Bearer). Requests
naming another host are refused, a decision is taken only from the page's own scripts (HX-Request header), and
pages forbid inline and outside scripts (Content-Security-Policy), on top of every text from a document being
escaped. The store is opened for each request and closed after it, so batch can run between two requests.
"""
from __future__ import annotations

import hmac
import ipaddress
import os
import tempfile
import threading
from dataclasses import dataclass
from typing import Optional
from urllib.parse import quote as url_quote

from jxcheck.failures import RunError

HERE = os.path.dirname(os.path.abspath(__file__))
COOKIE = "jxcheck_token"
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self'; "
       "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
LOCAL_NAMES = ("localhost",)
MAX_FORM = 16_384


def is_local(host: str) -> bool:
    """Whether a bind address is this machine only (a loopback address, or localhost)."""
    if host in LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def missing_serve() -> RunError:
    return RunError("missing_serve", "jxcheck serve 需要 starlette、jinja2 与 uvicorn：pip install 'jxcheck[serve]' / "
                                     "jxcheck serve needs starlette, jinja2 and uvicorn: pip install 'jxcheck[serve]'")


@dataclass
class Settings:
    """Where the store is, who reviews, and the token (None when bound locally without one)."""

    outdir: str
    db: str
    reviewer: str
    token: Optional[str] = None
    host: str = "127.0.0.1"


def check_settings(outdir: str, db: Optional[str], host: str, token: Optional[str], reviewer: str) -> Settings:
    """Settings for serve, or a coded RunError: no store, or a non-local bind without a token."""
    from jxcheck.failures import printable
    if not is_local(host) and not token:
        raise RunError("token_required", f"绑定到非本机地址 {printable(host)} 时必须用 --token 设置访问令牌 / binding to "
                                         f"{printable(host)}, which is not this machine only, needs --token")
    db = db or os.path.join(outdir, "jxcheck.duckdb")
    if not os.path.isfile(db):
        raise RunError("not_found", f"找不到数据库 {printable(db)}，请先运行 jxcheck batch … -o {printable(outdir)} / no store "
                                    f"at {printable(db)}: run jxcheck batch … -o {printable(outdir)} first")
    return Settings(outdir, db, reviewer, token or None, host)


def create_app(settings: Settings):
    """The Starlette application."""
    try:
        from jinja2 import Environment, FileSystemLoader, select_autoescape
        from markupsafe import Markup
        from starlette.applications import Starlette
        from starlette.middleware import Middleware
        from starlette.middleware.base import BaseHTTPMiddleware
        from starlette.middleware.trustedhost import TrustedHostMiddleware
        from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
        from starlette.routing import Mount, Route
        from starlette.staticfiles import StaticFiles
    except ImportError:
        raise missing_serve() from None
    from jxcheck.serve import views

    env = Environment(loader=FileSystemLoader(os.path.join(HERE, "templates")),
                      autoescape=select_autoescape(default=True, default_for_string=True))
    env.filters["url"] = lambda value: url_quote(str(value), safe="")
    lock = threading.Lock()

    def page(name: str, status: int = 200, **values) -> HTMLResponse:
        return HTMLResponse(env.get_template(name).render(**values), status_code=status)

    def with_store(work):
        from jxcheck.store import Store, StoreError
        with lock:
            try:
                with Store(settings.db) as store:
                    return work(store)
            except StoreError as exc:
                return page("error.html", 503, code=exc.code, message=exc.message)

    async def units(request):
        return with_store(lambda store: page("units.html", **views.units(store)))

    async def unit(request):
        key = request.path_params["key"]
        return with_store(lambda store: _or_404(views.unit(store, key), lambda v: page("unit.html", **v)))

    async def document(request):
        doc_id = request.path_params["doc_id"]
        filters = {k: request.query_params.get(k, "") for k in ("rule", "severity", "decision")}
        view = request.query_params.get("view", "")

        def show(store):
            values = views.document(store, doc_id, filters, view)
            if values is None:
                return page("error.html", 404, code="not_found", message="没有这份文档 / no such document")
            values["text"] = Markup(values["text"])
            values["checklist"] = Markup(values["checklist"])
            return page("document.html", **values)
        return with_store(show)

    async def page_image(request):
        doc_id, number = request.path_params["doc_id"], request.path_params["page"]
        png = with_store(lambda store: views.page_png(store, doc_id, number))
        if isinstance(png, (bytes, bytearray)):
            return Response(png, media_type="image/png", headers={"Cache-Control": "private, max-age=3600"})
        return png if png is not None else PlainTextResponse("not found", status_code=404)

    async def review(request):
        if request.headers.get("hx-request") != "true":
            return PlainTextResponse("forbidden: decisions are taken from the page only", status_code=403)
        from urllib.parse import parse_qs
        form = parse_qs((await request.body())[:MAX_FORM].decode("utf-8", "replace"))
        fid, decision, reason = (form.get(k, [""])[0] for k in ("finding_id", "decision", "reason"))

        def save(store):
            from jxcheck import reviews
            try:
                reviews.record(store, fid, decision, reason.strip(), settings.reviewer, source="serve")
            except RunError as exc:
                return page("error.html", 400, code=exc.code, message=exc.message)
            return page("decision.html", review=reviews.current(store).get(fid),
                        count=len(reviews.history(store, fid)))
        return with_store(save)

    async def export(request):
        def build(store):
            with tempfile.TemporaryDirectory() as folder:
                path = os.path.join(folder, "workpaper.xlsx")
                views.export_workbook(store, path)
                with open(path, "rb") as fh:
                    return fh.read()
        data = with_store(build)
        if not isinstance(data, bytes):
            return data
        return Response(data, media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        headers={"Content-Disposition": "attachment; filename=\"workpaper.xlsx\""})

    routes = [Route("/", units), Route("/unit/{key:path}", unit), Route("/doc/{doc_id}", document),
              Route("/doc/{doc_id}/page/{page:int}.png", page_image), Route("/review", review, methods=["POST"]),
              Route("/export.xlsx", export),
              Mount("/static", app=StaticFiles(directory=os.path.join(HERE, "static")), name="static")]
    class Guard(BaseHTTPMiddleware):
        """The token (when set) on every request, and the security headers on every response."""

        async def dispatch(self, request, call_next):
            if settings.token:
                given = request.query_params.get("token")
                if given is not None and hmac.compare_digest(given.encode(), settings.token.encode()):
                    target = request.url.remove_query_params("token")
                    response = RedirectResponse(target.path + (f"?{target.query}" if target.query else ""), 303)
                    response.set_cookie(COOKIE, settings.token, httponly=True, samesite="strict")
                    return _secure(response)
                bearer = request.headers.get("authorization", "")
                sent = request.cookies.get(COOKIE) or (bearer[7:] if bearer.lower().startswith("bearer ") else "")
                if not sent or not hmac.compare_digest(sent.encode(), settings.token.encode()):
                    return _secure(PlainTextResponse("401 需要访问令牌 / a token is needed", status_code=401))
            return _secure(await call_next(request))

    hosts = ["*"] if not is_local(settings.host) else ["127.0.0.1", "localhost", "[::1]", "::1", settings.host]
    return Starlette(routes=routes, middleware=[Middleware(TrustedHostMiddleware, allowed_hosts=hosts),
                                                Middleware(Guard)])


def _secure(response):
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _or_404(values, render):
    from starlette.responses import PlainTextResponse
    return render(values) if values is not None else PlainTextResponse("not found", status_code=404)


def serve(settings: Settings, port: int) -> None:
    """Run the app until interrupted."""
    try:
        import uvicorn
    except ImportError:
        raise missing_serve() from None
    uvicorn.run(create_app(settings), host=settings.host, port=port, log_level="warning")
