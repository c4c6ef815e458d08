"""Console forms: each is a plain POST with a CSRF token that also works without JavaScript;
with HTMX it answers with the part of the page to swap, a redirect, or a toast."""

from __future__ import annotations

import json

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from samen.agents.models import Presence
from samen.errors import BadRequest
from samen.web.agentauth import Principal, agents_of
from samen.web.console.common import act, go, page, text, toast
from samen.web.console.conversation import case_values

router = APIRouter(prefix="/console", include_in_schema=False)
C = "/conversations/{conversation_id}"


@router.post("/presence")
async def presence(request: Request) -> Response:
    async def work(found: Principal, form: FormData) -> Response:
        chosen = text(form, "presence")
        if chosen not in ("available", "away"):
            raise BadRequest("invalid_presence", "Presence is available or away.")
        await agents_of(request).desk.set_presence(found.user, Presence(chosen))
        return await page(request, found, "console/_me.html")

    return await act(request, work, "/console")


@router.post("/next")
async def take_next(request: Request) -> Response:
    async def work(found: Principal, form: FormData) -> Response:
        conversation = await agents_of(request).desk.next(found.user)
        if conversation is None:
            return toast("Nothing is waiting in your queues.", "info")
        return go(f"/console/conversations/{conversation.id}")

    return await act(request, work, "/console")


@router.post(C + "/claim")
async def claim(request: Request, conversation_id: str) -> Response:
    async def work(found: Principal, form: FormData) -> Response:
        await agents_of(request).desk.claim(found.user, conversation_id)
        return go(f"/console/conversations/{conversation_id}")

    return await act(request, work, f"/console/conversations/{conversation_id}")


@router.post(C + "/reply")
async def reply(request: Request, conversation_id: str) -> Response:
    async def work(found: Principal, form: FormData) -> Response:
        desk = agents_of(request).desk
        if text(form, "mode") == "note":
            await desk.note(found.user, conversation_id, text(form, "text"))
        else:
            await desk.reply(found.user, conversation_id, text(form, "text"))
        return await _timeline(request, found, conversation_id)

    return await act(request, work, f"/console/conversations/{conversation_id}")


@router.post(C + "/transfer")
async def transfer(request: Request, conversation_id: str) -> Response:
    async def work(found: Principal, form: FormData) -> Response:
        kind, _, target = text(form, "target").partition(":")
        if kind not in ("queue", "agent") or not target:
            raise BadRequest("transfer_target", "Choose a queue or a colleague.")
        conversation = await agents_of(request).desk.transfer(
            found.user, conversation_id, note=text(form, "note"),
            queue=target if kind == "queue" else None, agent_id=target if kind == "agent" else None,
        )  # fmt: skip
        where = conversation.queue if kind == "queue" else "colleague"
        return go(f"/console?done=transferred-{where}")

    return await act(request, work, "/console")


@router.post(C + "/return")
async def return_to_bot(request: Request, conversation_id: str) -> Response:
    async def work(found: Principal, form: FormData) -> Response:
        await agents_of(request).desk.return_to_bot(found.user, conversation_id, text(form, "note"))
        return go("/console?done=returned")

    return await act(request, work, "/console")


@router.post(C + "/close")
async def close(request: Request, conversation_id: str) -> Response:
    async def work(found: Principal, form: FormData) -> Response:
        outcome = text(form, "resolved")
        if outcome not in ("yes", "no"):
            raise BadRequest("outcome_required", "Say whether it was resolved.")
        reason = text(form, "reason_other").strip() or text(form, "reason")
        desk = agents_of(request).desk
        await desk.close(found.user, conversation_id, resolved=outcome == "yes", reason=reason)
        return go("/console?done=closed")

    return await act(request, work, "/console")


@router.post(C + "/correct-intent")
async def correct_intent(request: Request, conversation_id: str) -> Response:
    async def work(found: Principal, form: FormData) -> Response:
        corrections = agents_of(request).corrections
        correction = await corrections.intent(found.user, conversation_id, text(form, "message_id"),
                                              text(form, "intent"))  # fmt: skip
        response = await _timeline(request, found, conversation_id)
        label = (correction.corrected or "").replace("_", " ")
        _trigger(response, {"samen:toast": {"message": f"Thanks — the bot learns this as “{label}”.",
                                            "level": "ok"}, "samen:packet": True})  # fmt: skip
        return response

    return await act(request, work, f"/console/conversations/{conversation_id}")


@router.post(C + "/flag-answer")
async def flag_answer(request: Request, conversation_id: str) -> Response:
    async def work(found: Principal, form: FormData) -> Response:
        await agents_of(request).corrections.answer(
            found.user,
            conversation_id,
            text(form, "message_id"),
            text(form, "comment"),
            text(form, "better"),
        )
        response = await _timeline(request, found, conversation_id)
        message = "Marked as a wrong answer for review."
        _trigger(response, {"samen:toast": {"message": message, "level": "ok"}})
        return response

    return await act(request, work, f"/console/conversations/{conversation_id}")


@router.post(C + "/action")
async def run_action(request: Request, conversation_id: str) -> Response:
    async def work(found: Principal, form: FormData) -> Response:
        result = await agents_of(request).perform(
            found.user, conversation_id, text(form, "action"), text(form, "value") or None
        )
        trigger = {"samen:suggest": {"text": result.text}, "samen:timeline": True,
                   "samen:toast": {"message": result.summary, "level": "ok"}}  # fmt: skip
        return Response(
            status_code=200, headers={"HX-Trigger": json.dumps(trigger), "HX-Reswap": "none"}
        )

    return await act(request, work, f"/console/conversations/{conversation_id}")


@router.post("/corrections/{correction_id}/review")
async def review(request: Request, correction_id: str) -> Response:
    async def work(found: Principal, form: FormData) -> Response:
        agents = agents_of(request)
        await agents.corrections.review(found.user, correction_id, text(form, "status"))
        names = {p.id: p.name for p in await agents.people.list_users(active_only=False)}
        corrections = await agents.corrections.list(found.user)
        return await page(
            request, found, "console/_corrections.html", corrections=corrections, names=names
        )

    return await act(request, work, "/console/supervisor")


async def _timeline(request: Request, found: Principal, conversation_id: str) -> Response:
    values = await case_values(request, found.user, conversation_id)
    return await page(request, found, "console/_timeline.html", **values)


def _trigger(response: Response, events: dict[str, object]) -> None:
    response.headers["HX-Trigger"] = json.dumps(events)
