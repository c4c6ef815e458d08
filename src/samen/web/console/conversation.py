"""The conversation view: hand-over packet on top, the whole timeline, the reply box, live assist,
the customer's profile; and the parts HTMX reloads as the conversation moves."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from samen.agents import access
from samen.agents.casefile import CaseFile
from samen.agents.models import User
from samen.errors import NotFound
from samen.web.agentauth import agents_of
from samen.web.console.common import console_principal, page, templates, to_login

router = APIRouter(prefix="/console/conversations", include_in_schema=False)
PARTS = {
    "head": "console/_head.html",
    "packet": "console/_packet.html",
    "timeline": "console/_timeline.html",
    "profile": "console/_profile.html",
}


@router.get("/{conversation_id}", response_class=HTMLResponse)
async def conversation(request: Request, conversation_id: str) -> Response:
    found = await console_principal(request)
    if found is None:
        return to_login(request)
    try:
        values = await case_values(request, found.user, conversation_id)
    except NotFound:
        return _not_found(request)
    agents = agents_of(request)
    mine = await agents.overview.mine(found.user)
    waiting = sum(q.waiting for q in await agents.overview.queues(found.user))
    return await page(request, found, "console/conversation.html", mine=mine, waiting_total=waiting,
                      current=conversation_id, **values)  # fmt: skip


@router.get("/{conversation_id}/part/{part}", response_class=HTMLResponse)
async def part(request: Request, conversation_id: str, part: str) -> Response:
    found = await console_principal(request)
    if found is None:
        return to_login(request)
    if part not in PARTS:
        return _not_found(request)
    try:
        values = await case_values(request, found.user, conversation_id)
    except NotFound:
        return _not_found(request)
    return await page(request, found, PARTS[part], **values)


@router.get("/{conversation_id}/assist", response_class=HTMLResponse)
async def assist(request: Request, conversation_id: str) -> Response:
    found = await console_principal(request)
    if found is None:
        return to_login(request)
    agents = agents_of(request)
    try:
        case = await agents.cases.open(found.user, conversation_id)
    except NotFound:
        return _not_found(request)
    suggestions = await agents.assistant.suggest(found.user, case)
    return await page(request, found, "console/_assist.html", case=case, assist=suggestions,
                      can_act=access.can_act(found.user, case.conversation))  # fmt: skip


async def case_values(request: Request, user: User, conversation_id: str) -> dict[str, Any]:
    agents = agents_of(request)
    case = await agents.cases.open(user, conversation_id)
    tenant = request.app.state.container.tenant
    colleagues = [p for p in await agents.people.list_users() if p.id != user.id and p.queues]
    return {
        "case": case,
        "c": case.conversation,
        "packet": case.packet,
        "can_act": access.can_act(user, case.conversation),
        "queue_titles": {name: q.title("en") for name, q in tenant.queues.items()},
        "colleagues": colleagues,
        "intents": agents.corrections.intents(),
        "close_reasons": agents.phrases.close_reasons,
        "canned": agents.assistant.canned(user, case),
        "days": _day_labels(request, case),
    }


def _day_labels(request: Request, case: CaseFile) -> dict[str, str]:
    """Earlier conversations are introduced once, by channel and date."""
    zone = request.app.state.container.tenant.zone
    labels: dict[str, str] = {}
    for item in case.timeline:
        if item["conversation_id"] not in labels:
            labels[item["conversation_id"]] = (
                item["at"].astimezone(zone).strftime("%a %d %b %Y, %H:%M")
            )
    return labels


def _not_found(request: Request) -> Response:
    # The same page whether it does not exist or is not for this person: an id reveals nothing.
    return templates.TemplateResponse(
        request, "console/error.html",
        {"message": "No such conversation.", "back": "/console"},
        status_code=404,
    )  # fmt: skip
