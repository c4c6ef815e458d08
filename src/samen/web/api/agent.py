"""The agent API: queues, claiming, the case file, replying, notes, transfers, closing,
corrections and live assist. Authenticated by the console's session cookie (with the
``X-CSRF-Token`` header on writes) or ``Authorization: Bearer <API key>``.
"""

from __future__ import annotations

import dataclasses
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from samen.agents.models import User
from samen.channels.voice.voicemail import playable
from samen.conversations.models import State
from samen.conversations.views import conversation_view, message_view
from samen.errors import BadRequest, Forbidden, NotFound
from samen.web.agentauth import agents_of, api_user

router = APIRouter(prefix="/api/v1/agent", tags=["agent"])
Agent = Annotated[User, Depends(api_user)]


class TextIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str = Field(min_length=1, max_length=4000)


class TransferIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    queue: str | None = Field(default=None, max_length=60, description="Another queue, or…")
    agent_id: str | None = Field(default=None, max_length=32, description="…a colleague.")
    note: str = Field(default="", max_length=4000, description="For whoever takes it next.")


class ReturnIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    note: str = Field(default="", max_length=4000)


class CloseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    resolved: bool
    reason: str = Field(min_length=1, max_length=500)


class CorrectionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["intent", "answer"]
    message_id: str = Field(
        max_length=32, description="The customer message (intent) or bot message."
    )
    intent: str | None = Field(
        default=None, max_length=60, description="The right intent (kind intent)."
    )
    comment: str = Field(default="", max_length=2000)
    better_answer: str = Field(
        default="", max_length=4000, description="What the bot should have said."
    )


class ActionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    action: Literal["password_reset", "order", "repairs", "outage", "invoices", "documents"]
    value: str | None = Field(
        default=None, max_length=40, description="An order number or postcode."
    )


class TypingIn(BaseModel):
    typing: bool = True


def _conversation(conversation: Any) -> dict[str, Any]:
    return {
        **conversation_view(conversation),
        "agent_id": conversation.agent_id,
        "outcome": conversation.outcome,
    }


@router.get("/queues", summary="The queues you work, with counts, longest wait and priority")
async def queues(request: Request, user: Agent) -> dict[str, Any]:
    rows = await agents_of(request).overview.queues(user)
    return {"queues": [r.view() for r in rows]}


@router.get(
    "/queues/{queue}/conversations", summary="Conversations in one queue, most urgent first"
)
async def queue_conversations(
    queue: str,
    request: Request,
    user: Agent,
    state: Annotated[Literal["queued", "assigned", "closed"], Query()] = "queued",
) -> dict[str, Any]:
    found = await agents_of(request).overview.in_queue(user, queue, [State(state)])
    return {"queue": queue, "state": state, "conversations": found}


@router.get("/conversations", summary="Your assigned conversations")
async def mine(request: Request, user: Agent) -> dict[str, Any]:
    return {"conversations": await agents_of(request).overview.mine(user)}


@router.post("/next", summary="Take the most urgent waiting conversation of your queues")
async def take_next(request: Request, user: Agent) -> dict[str, Any]:
    conversation = await agents_of(request).desk.next(user)
    return {"conversation": _conversation(conversation) if conversation else None}


@router.get(
    "/conversations/{conversation_id}",
    summary="The case file: conversation, hand-over packet, timeline, profile",
)
async def read(conversation_id: str, request: Request, user: Agent) -> dict[str, Any]:
    case = await agents_of(request).cases.open(user, conversation_id)
    return case.view()


@router.post("/conversations/{conversation_id}/claim", summary="Take a waiting conversation")
async def claim(conversation_id: str, request: Request, user: Agent) -> dict[str, Any]:
    return _conversation(await agents_of(request).desk.claim(user, conversation_id))


@router.post("/conversations/{conversation_id}/messages", status_code=201,
             summary="Reply; it leaves on the conversation's own channel")  # fmt: skip
async def reply(
    conversation_id: str, body: TextIn, request: Request, user: Agent
) -> dict[str, Any]:
    message = await agents_of(request).desk.reply(user, conversation_id, body.text)
    return {"message": message_view(message)}


@router.post("/conversations/{conversation_id}/notes", status_code=201,
             summary="An internal note, never shown to the customer")  # fmt: skip
async def note(conversation_id: str, body: TextIn, request: Request, user: Agent) -> dict[str, Any]:
    conversation = await agents_of(request).desk.note(user, conversation_id, body.text)
    return {
        "note": {"text": body.text.strip(), "author_name": user.name},
        "conversation": _conversation(conversation),
    }


@router.post(
    "/conversations/{conversation_id}/transfer", summary="Transfer to another queue or colleague"
)
async def transfer(
    conversation_id: str, body: TransferIn, request: Request, user: Agent
) -> dict[str, Any]:
    conversation = await agents_of(request).desk.transfer(
        user, conversation_id, queue=body.queue, agent_id=body.agent_id, note=body.note
    )
    return _conversation(conversation)


@router.post(
    "/conversations/{conversation_id}/return-to-bot",
    summary="Hand the conversation back to the bot",
)
async def return_to_bot(
    conversation_id: str, body: ReturnIn, request: Request, user: Agent
) -> dict[str, Any]:
    return _conversation(
        await agents_of(request).desk.return_to_bot(user, conversation_id, body.note)
    )


@router.post(
    "/conversations/{conversation_id}/close",
    summary="Close with an outcome: resolved or not, and why",
)
async def close(
    conversation_id: str, body: CloseIn, request: Request, user: Agent
) -> dict[str, Any]:
    conversation = await agents_of(request).desk.close(
        user, conversation_id, resolved=body.resolved, reason=body.reason
    )
    return _conversation(conversation)


@router.post("/conversations/{conversation_id}/corrections", status_code=201,
             summary="Correct the bot: a wrong intent, or a wrong answer")  # fmt: skip
async def correct(
    conversation_id: str, body: CorrectionIn, request: Request, user: Agent
) -> dict[str, Any]:
    corrections = agents_of(request).corrections
    if body.kind == "intent":
        if not body.intent:
            raise BadRequest("intent_required", "Say which intent is right.")
        found = await corrections.intent(
            user, conversation_id, body.message_id, body.intent, body.comment
        )
    else:
        found = await corrections.answer(
            user, conversation_id, body.message_id, body.comment, body.better_answer
        )
    return {"correction": correction_view(found)}


@router.get(
    "/conversations/{conversation_id}/assist",
    summary="Live assist: suggested replies and next steps",
)
async def assist(conversation_id: str, request: Request, user: Agent) -> dict[str, Any]:
    agents = agents_of(request)
    case = await agents.cases.open(user, conversation_id)
    return (await agents.assistant.suggest(user, case)).view()


@router.post(
    "/conversations/{conversation_id}/actions",
    summary="Run a next step through the company's systems",
)
async def run_action(
    conversation_id: str, body: ActionIn, request: Request, user: Agent
) -> dict[str, Any]:
    result = await agents_of(request).perform(user, conversation_id, body.action, body.value)
    return {"action": result.action, "text": result.text, "summary": result.summary}


@router.post(
    "/conversations/{conversation_id}/typing",
    status_code=204,
    summary="Show the customer you are typing",
)
async def typing(conversation_id: str, body: TypingIn, request: Request, user: Agent) -> Response:
    await agents_of(request).desk.typing(user, conversation_id, body.typing)
    return Response(status_code=204)


@router.get(
    "/voicemails",
    summary="Voicemails in no conversation: refused, unreadable or not taken yet (supervisors)",
)
async def unplaced_voicemails(
    request: Request, user: Agent, limit: Annotated[int, Query(ge=1, le=500)] = 100
) -> list[dict[str, Any]]:
    """Newest first, each with the address of its audio and why it is in no conversation."""
    if not user.oversees:
        raise Forbidden(
            "supervisors_only", "Only supervisors and admins see voicemails in no conversation."
        )
    channel = request.app.state.container.extras.get("voice")
    kept = await channel.voicemails.unplaced(limit) if channel else []
    return [
        {
            **recording._asdict(),
            "received_at": recording.received_at.isoformat(),
            "audio": f"/api/v1/agent/voicemails/{recording.id}/audio",
        }
        for recording in kept
    ]


@router.get(
    "/voicemails/{recording_id}/audio",
    response_class=Response,
    summary="Listen to a voicemail recording (its id is in the message's metadata.voicemail)",
    responses={200: {"content": {"audio/wav": {}}, "description": "The recording."}},
)
async def voicemail_audio(recording_id: str, request: Request, user: Agent) -> Response:
    channel = request.app.state.container.extras.get("voice")
    recording = await channel.voicemails.get(recording_id) if channel else None
    # Whoever may not read its conversation is told it does not exist: an id reveals nothing.
    # One never put in a conversation (refused, unreadable) is for supervisors, who see all.
    if recording is None or (recording.conversation_id is None and not user.oversees):
        raise NotFound("voicemail_not_found", "No such voicemail.")
    if recording.conversation_id is not None:
        try:
            await agents_of(request).desk.get(user, recording.conversation_id)
        except NotFound:
            raise NotFound("voicemail_not_found", "No such voicemail.") from None
    audio, media_type = playable(recording)
    suffix = ".wav" if media_type == "audio/wav" else ""
    return Response(
        audio,
        media_type=media_type,
        headers={
            "Content-Disposition": f'inline; filename="voicemail-{recording.id}{suffix}"',
            "Cache-Control": "private, no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )


def correction_view(c: Any) -> dict[str, Any]:
    view: dict[str, Any] = dataclasses.asdict(c)
    view["created_at"] = c.created_at.isoformat()
    return view
