"""Console pages: log in and out, the queue overview, the supervisor's board (and their parts
that HTMX reloads when the live channel says something changed)."""

from __future__ import annotations

import secrets
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from samen.agents.models import User
from samen.errors import SamenError
from samen.settings import DEMO_TENANT
from samen.web.agentauth import (
    CSRF_FIELD,
    LOGIN_COOKIE,
    agents_of,
    clear_session,
    client_address,
    secure_cookies,
    set_session,
)
from samen.web.console.common import act, console_principal, page, templates, text, to_login

router = APIRouter(prefix="/console", include_in_schema=False)


def _safe_next(target: str | None) -> str:
    # Only somewhere inside the console: never an open redirect to another site.
    if target and target.startswith("/console") and not target.startswith("//"):
        return target
    return "/console"


@router.get("/login", response_class=HTMLResponse)
async def login_form(request: Request, next: str = "/console") -> Response:
    if await console_principal(request) is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    return _login_page(request, next)


def _login_page(
    request: Request, next: str, error: str = "", email: str = "", status: int = 200
) -> Response:
    token = secrets.token_urlsafe(24)
    response = templates.TemplateResponse(
        request, "console/login.html",
        {"csrf": token, "next": _safe_next(next), "error": error, "email": email,
         "tenant": request.app.state.container.tenant, "demo_users": _demo_users(request)},
        status_code=status,
    )  # fmt: skip
    response.set_cookie(LOGIN_COOKIE, token, max_age=3600, httponly=True, samesite="lax",
                        secure=secure_cookies(request), path="/console")  # fmt: skip
    return response


def _demo_users(request: Request) -> tuple[Any, ...]:
    settings = request.app.state.container.settings
    if settings.tenant_dir.resolve() != DEMO_TENANT.resolve():
        return ()
    from samen.demo.users import DEMO_USERS

    return DEMO_USERS


@router.post("/login")
async def login(request: Request) -> Response:
    form = await request.form()
    email, target = text(form, "email"), _safe_next(text(form, "next"))
    expected = request.cookies.get(LOGIN_COOKIE, "")
    if not expected or not secrets.compare_digest(expected, text(form, CSRF_FIELD)):
        return _login_page(
            request, target, "Your login form had expired; please try again.", email, 403
        )
    try:
        agents = agents_of(request)
        user, token = await agents.auth.login(
            email, text(form, "password"), client=client_address(request)
        )
        await agents.desk.set_presence(user, user.presence)  # announce, and hand out waiting work
    except SamenError as error:
        return _login_page(request, target, error.message, email, error.http_status)
    response = RedirectResponse(target, status_code=303)
    set_session(request, response, token)
    response.delete_cookie(LOGIN_COOKIE, path="/console")
    return response


@router.post("/logout")
async def logout(request: Request) -> Response:
    async def work(found: Any, form: Any) -> Response:
        await agents_of(request).auth.logout(found.session, found.user)
        response = RedirectResponse("/console/login", status_code=303)
        clear_session(request, response)
        return response

    return await act(request, work, "/console/login")


@router.get("", response_class=HTMLResponse)
async def overview(request: Request, queue: str | None = None, done: str | None = None) -> Response:
    found = await console_principal(request)
    if found is None:
        return to_login(request)
    values = await _overview(request, found.user, queue)
    return await page(request, found, "console/queues.html", done=done, **values)


@router.get("/partials/overview", response_class=HTMLResponse)
async def overview_part(request: Request, queue: str | None = None) -> Response:
    found = await console_principal(request)
    if found is None:
        return to_login(request)
    return await page(
        request, found, "console/_overview.html", **await _overview(request, found.user, queue)
    )


async def _overview(request: Request, user: User, queue: str | None) -> dict[str, Any]:
    agents = agents_of(request)
    queues = await agents.overview.queues(user)
    chosen = queue if queue in {q.name for q in queues} else None
    return {
        "queues": queues,
        "chosen": chosen,
        "waiting": await agents.overview.waiting(user, chosen),
        "mine": await agents.overview.mine(user),
        "titles": {q.name: q.title for q in queues},
        "waiting_total": sum(q.waiting for q in queues),
    }


@router.get("/partials/sidebar", response_class=HTMLResponse)
async def sidebar(request: Request, current: str | None = None) -> Response:
    found = await console_principal(request)
    if found is None:
        return to_login(request)
    agents = agents_of(request)
    mine = await agents.overview.mine(found.user)
    waiting = sum(q.waiting for q in await agents.overview.queues(found.user))
    return await page(
        request, found, "console/_sidebar.html", mine=mine, waiting_total=waiting, current=current
    )


@router.get("/supervisor", response_class=HTMLResponse)
async def supervisor(request: Request) -> Response:
    found = await console_principal(request)
    if found is None:
        return to_login(request)
    if not found.user.oversees:
        return templates.TemplateResponse(
            request, "console/error.html",
            {"message": "The supervisor view is for supervisors and admins.", "back": "/console"},
            status_code=403,
        )  # fmt: skip
    return await page(
        request, found, "console/supervisor.html", **await _board(request, found.user)
    )


@router.get("/partials/board", response_class=HTMLResponse)
async def board_part(request: Request) -> Response:
    found = await console_principal(request)
    if found is None:
        return to_login(request)
    return await page(request, found, "console/_board.html", **await _board(request, found.user))


async def _board(request: Request, user: User) -> dict[str, Any]:
    agents = agents_of(request)
    board = await agents.overview.board(user)
    corrections = await agents.corrections.list(user)
    names = {p["id"]: p["name"] for p in board["agents"]}
    for person in await agents.people.list_users(active_only=False):
        names.setdefault(person.id, person.name)
    titles = {q["name"]: q["title"] for q in board["queues"]}
    return {"board": board, "corrections": corrections, "names": names, "titles": titles}
