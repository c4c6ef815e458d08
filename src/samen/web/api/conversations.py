"""The customer side of the contract: start a conversation, send messages, read it back, stream it."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, Request, WebSocket, WebSocketDisconnect
from pydantic import BaseModel, ConfigDict, EmailStr, Field, field_validator

from samen.conversations.models import Identity, Sender
from samen.conversations.service import ConversationService
from samen.conversations.views import conversation_view, message_view
from samen.errors import NotFound, SamenError
from samen.realtime.ports import conversation_channel
from samen.web.errors import documented
from samen.web.frames import json_frames

router = APIRouter(prefix="/api/v1", tags=["customer"])


class CustomerIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: EmailStr | None = None
    phone: str | None = Field(default=None, max_length=40)
    external_id: str | None = Field(default=None, max_length=200)
    name: str | None = Field(default=None, max_length=200)

    @field_validator("phone")
    @classmethod
    def _a_real_phone_number(cls, phone: str | None) -> str | None:
        from samen.channels.identity import normalise_phone

        if phone and normalise_phone(phone) is None:
            raise ValueError("not a valid phone number (e.g. 06-12345678 or +31612345678)")
        return phone


class ConversationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    channel: Literal["web"] = "web"
    customer: CustomerIn = Field(default_factory=CustomerIn)
    locale: str | None = Field(
        default=None,
        max_length=16,
        pattern=r"^[A-Za-z]{2}([-_][A-Za-z]{2})?$",
        description=(
            "A language code, optionally with a region: `nl`, `en-GB`. A language the service "
            "does not speak starts the conversation in its default language."
        ),
    )
    # Signed by the company's site for a logged-in customer (samen.channels.identity_tokens).
    identity_token: str | None = None


class MessageIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str = Field(min_length=1, max_length=4000)
    client_id: str | None = Field(default=None, max_length=100, pattern=r"^[A-Za-z0-9_.:-]+$")


class TypingIn(BaseModel):
    typing: bool = True


def _service(request: Request) -> ConversationService:
    return request.app.state.container.conversations


def _token(authorization: str | None) -> str:
    if authorization and authorization.lower().startswith("bearer "):
        return authorization[7:].strip()
    raise NotFound("conversation_not_found", "No conversation with this id for this token.")


def identities_of(customer: CustomerIn) -> list[Identity]:
    from samen.channels.identity import normalise_phone

    found: list[Identity] = []
    if customer.email:
        found.append(Identity("email", customer.email.lower()))
    if customer.phone:
        phone = normalise_phone(customer.phone)
        if phone:
            found.append(Identity("phone", phone))
    if customer.external_id:
        found.append(Identity("external_id", customer.external_id))
    return found


def _identified(
    token: str, identities: list[Identity], name: str | None, request: Request
) -> tuple[list[Identity], str | None, dict[str, Any]]:
    """A genuine identity token verifies the customer; any other is refused (nothing created)."""
    from samen.channels import identity_tokens

    container = request.app.state.container
    secret = container.settings.resolved_identity_secret()
    claims = identity_tokens.verify(token, secret, now=container.clock.now())
    return identity_tokens.identified_start(claims, identities, name)


@router.post("/conversations", status_code=201)
async def start_conversation(body: ConversationIn, request: Request) -> dict[str, Any]:
    service = _service(request)
    spoken = request.app.state.container.tenant.language_for(body.locale)
    identities, name, context = identities_of(body.customer), body.customer.name, None
    if body.identity_token is not None:
        identities, name, context = _identified(body.identity_token, identities, name, request)
    if body.locale is not None and spoken is None:
        # A language the service does not speak: start in its default, keep what was asked.
        context = {**(context or {}), "requested_locale": body.locale}
    conversation, token, opening = await service.start(
        body.channel,
        identities,
        name=name,
        locale=body.locale if spoken else None,
        context=context,
    )
    view = conversation_view(conversation, opening)
    view["token"] = token
    return view


@router.post(
    "/conversations/{conversation_id}/messages",
    status_code=201,
    responses=documented(404, 409, 429),
)
async def send_message(
    conversation_id: str,
    body: MessageIn,
    request: Request,
    authorization: Annotated[str | None, Header()] = None,
) -> dict[str, Any]:
    result = await _service(request).receive(
        conversation_id,
        body.text,
        token=_token(authorization),
        client_id=body.client_id,
        same_text_per_client_id=True,
    )
    # The conversation without its messages: the client has them (GET reads them all back).
    return {
        "message": message_view(result.message),
        "replies": [message_view(m) for m in result.replies],
        "conversation": conversation_view(result.conversation),
        "duplicate": result.duplicate,
    }


@router.get("/conversations/{conversation_id}", responses=documented(404))
async def read_conversation(
    conversation_id: str,
    request: Request,
    authorization: Annotated[str | None, Header()] = None,
) -> dict[str, Any]:
    service = _service(request)
    conversation = await service.authorise(conversation_id, _token(authorization))
    return conversation_view(conversation, await service.messages(conversation_id))


@router.post("/conversations/{conversation_id}/typing", status_code=204, responses=documented(404))
async def customer_typing(
    conversation_id: str,
    body: TypingIn,
    request: Request,
    authorization: Annotated[str | None, Header()] = None,
) -> None:
    service = _service(request)
    await service.authorise(conversation_id, _token(authorization))
    await service.typing(conversation_id, Sender.CUSTOMER, body.typing)


@router.websocket("/conversations/{conversation_id}/stream")
async def stream(websocket: WebSocket, conversation_id: str, token: str = "") -> None:
    service: ConversationService = websocket.app.state.container.conversations
    broker = websocket.app.state.container.broker
    await websocket.accept()
    try:
        await service.authorise(conversation_id, token)
    except SamenError:
        # The same close for a wrong token and a missing conversation: nothing is revealed.
        await websocket.close(code=4404, reason="conversation_not_found")
        return
    async with broker.subscribe(conversation_channel(conversation_id)) as events:
        await websocket.send_json({"type": "ready", "conversation_id": conversation_id})
        sender = asyncio.create_task(_forward(websocket, events))
        try:
            async for incoming in json_frames(websocket):
                if incoming.get("type") == "typing":
                    await service.typing(
                        conversation_id, Sender.CUSTOMER, bool(incoming.get("typing"))
                    )
        except (WebSocketDisconnect, RuntimeError):
            pass
        finally:
            sender.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await sender


async def _forward(websocket: WebSocket, events: Any) -> None:
    async for event in events:
        await websocket.send_json(event)
