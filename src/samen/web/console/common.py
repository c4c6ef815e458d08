"""What every console page and action shares: templates, the logged-in person, answers for HTMX."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.datastructures import FormData

from samen.agents.service import AgentServices
from samen.errors import SamenError, Unauthorized
from samen.web.agentauth import CSRF_FIELD, CSRF_HEADER, Principal, agents_of, check_csrf, principal

templates = Jinja2Templates(directory=Path(__file__).parents[1] / "templates")
Work = Callable[[Principal, FormData], Awaitable[Response | None]]

CHANNELS = {"web": "Web chat", "email": "E-mail", "voice": "Phone"}


def _minutes(seconds: float | int | None) -> str:
    if seconds is None:
        return "–"
    minutes = int(seconds) // 60
    if minutes < 1:
        return "<1 min"
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60:02d}"


def _label(name: str | None) -> str:
    return (name or "").replace("_", " ")


templates.env.filters["minutes"] = _minutes
templates.env.filters["label"] = _label
templates.env.globals["CHANNELS"] = CHANNELS


def is_htmx(request: Request) -> bool:
    return request.headers.get("HX-Request") == "true"


async def console_principal(request: Request) -> Principal | None:
    """The person behind the session cookie (the console never takes API keys)."""
    if not request.cookies:
        return None
    try:
        found = await principal(request)
    except Unauthorized:
        return None
    return found if found.session else None


def to_login(request: Request) -> Response:
    if is_htmx(request):
        return Response(status_code=204, headers={"HX-Redirect": "/console/login"})
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/console/login?next={quote(target)}", status_code=303)


def local_time(request: Request, at: datetime | str | None, fmt: str = "%H:%M") -> str:
    if at is None:
        return ""
    moment = datetime.fromisoformat(at) if isinstance(at, str) else at
    return moment.astimezone(request.app.state.container.tenant.zone).strftime(fmt)


async def page(request: Request, found: Principal, template: str, **values: Any) -> HTMLResponse:
    agents = agents_of(request)
    user = found.user
    if not template.startswith("console/_"):  # a whole page: the rail needs its lists
        if "waiting_total" not in values:
            values["waiting_total"] = sum(q.waiting for q in await agents.overview.queues(user))
        if "mine" not in values:
            values["mine"] = await agents.overview.mine(user)
    context = {
        "user": user,
        "csrf": request.state.csrf,
        "tenant": request.app.state.container.tenant,
        "load": (await agents.people.load()).get(user.id, 0),
        "now": agents.desk.clock.now(),
        "at": lambda moment, fmt="%H:%M": local_time(request, moment, fmt),
        **values,
    }
    return templates.TemplateResponse(request, template, context)


def toast(message: str, level: str = "error", status: int = 200) -> Response:
    """Tell the person what happened without swapping anything on the page."""
    trigger = json.dumps({"samen:toast": {"message": message, "level": level}})
    return Response(status_code=status, headers={"HX-Trigger": trigger, "HX-Reswap": "none"})


def go(url: str) -> Response:
    return Response(status_code=204, headers={"HX-Redirect": url})


async def act(request: Request, work: Work, back: str) -> Response:
    """Run a console form's action: logged in, CSRF-checked, errors shown as a toast."""
    found = await console_principal(request)
    if found is None:
        return to_login(request)
    form = await request.form()
    try:
        given = form.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER)
        check_csrf(request, found, given if isinstance(given, str) else None)
        answer = await work(found, form)
    except SamenError as error:
        if is_htmx(request):
            return toast(error.message)
        return templates.TemplateResponse(
            request, "console/error.html", {"message": error.message, "back": back},
            status_code=error.http_status,
        )  # fmt: skip
    if answer is not None and (is_htmx(request) or answer.status_code in (301, 302, 303)):
        return answer
    return RedirectResponse(back, status_code=303)


def agents(request: Request) -> AgentServices:
    return agents_of(request)


def text(form: FormData, name: str, default: str = "") -> str:
    value = form.get(name)
    return value if isinstance(value, str) else default
