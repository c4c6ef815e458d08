"""The agent API's account side: log in and out, presence, API keys, people, the supervisor's
board and the review of corrections."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from samen.agents.models import Presence, Role, User
from samen.errors import Forbidden
from samen.web.agentauth import (
    agents_of,
    api_user,
    clear_session,
    client_address,
    principal,
    set_session,
)
from samen.web.api.agent import correction_view
from samen.web.errors import documented

router = APIRouter(prefix="/api/v1/agent", tags=["agent"])
Agent = Annotated[User, Depends(api_user)]


class LoginIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: str = Field(max_length=320)
    password: str = Field(max_length=256)


class PresenceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    presence: Literal["available", "away"]


class KeyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=100, description="What the key is for.")


class UserIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: str = Field(max_length=320)
    name: str = Field(min_length=1, max_length=200)
    role: Literal["agent", "supervisor", "admin"] = "agent"
    queues: list[str] = Field(default_factory=list, max_length=50)
    capacity: int = Field(default=3, ge=1, le=50)
    password: str = Field(min_length=10, max_length=256)


class ReviewIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    status: Literal["accepted", "rejected"]


@router.post(
    "/session",
    summary="Log in: sets the session cookie, returns the CSRF token",
    responses=documented(429),
)
async def login(body: LoginIn, request: Request) -> JSONResponse:
    auth = agents_of(request).auth
    user, token = await auth.login(body.email, body.password, client=client_address(request))
    await agents_of(request).desk.set_presence(user, user.presence)  # announce; hand out work
    response = JSONResponse({"user": user.view(), "csrf_token": auth.csrf_token(token)})
    set_session(request, response, token)
    return response


@router.delete("/session", status_code=204, summary="Log out")
async def logout(request: Request, user: Agent) -> Response:
    found = await principal(request)
    response = Response(status_code=204)
    if found.session:
        await agents_of(request).auth.logout(found.session, user)
        clear_session(request, response)
    return response


@router.get("/me", summary="Who you are, and the CSRF token for writes with the session cookie")
async def me(request: Request, user: Agent) -> dict[str, Any]:
    load = (await agents_of(request).people.load()).get(user.id, 0)
    return {"user": {**user.view(), "load": load}, "csrf_token": request.state.csrf or None}


@router.put("/presence", summary="Available (you are given conversations) or away")
async def presence(body: PresenceIn, request: Request, user: Agent) -> dict[str, Any]:
    await agents_of(request).desk.set_presence(user, Presence(body.presence))
    return {"presence": body.presence}


@router.get("/api-keys", summary="Your API keys (never the keys themselves)")
async def keys(request: Request, user: Agent) -> dict[str, Any]:
    return {"api_keys": [k.view() for k in await agents_of(request).people.list_api_keys(user.id)]}


@router.post("/api-keys", status_code=201, summary="A new API key, shown this once")
async def create_key(body: KeyIn, request: Request, user: Agent) -> dict[str, Any]:
    key, plain = await agents_of(request).auth.create_key(user, body.name)
    return {**key.view(), "key": plain}


@router.delete("/api-keys/{key_id}", status_code=204, summary="Revoke one of your API keys")
async def revoke_key(key_id: str, request: Request, user: Agent) -> Response:
    await agents_of(request).auth.revoke_key(user, key_id)
    return Response(status_code=204)


@router.get("/people", summary="Colleagues: for transfers, and the supervisor's view of load")
async def people(request: Request, user: Agent) -> dict[str, Any]:
    agents = agents_of(request)
    load = await agents.people.load()
    found = await agents.people.list_users()
    return {"people": [{**u.view(), "load": load.get(u.id, 0)} for u in found]}


@router.post("/people", status_code=201, summary="Add a person (admins)")
async def add_person(body: UserIn, request: Request, user: Agent) -> dict[str, Any]:
    if user.role is not Role.ADMIN:
        raise Forbidden("admins_only", "Only admins can add people.")
    added = await agents_of(request).directory.add(
        body.email, name=body.name, role=body.role, queues=body.queues,
        password=body.password, capacity=body.capacity,
    )  # fmt: skip
    return {"user": added.view()}


@router.get("/supervisor", summary="Live queue figures, people and their load, who waits longest")
async def board(request: Request, user: Agent) -> dict[str, Any]:
    return await agents_of(request).overview.board(user)


@router.get("/corrections", summary="Corrections agents made, to review (supervisors)")
async def corrections(request: Request, user: Agent, status: str | None = None) -> dict[str, Any]:
    found = await agents_of(request).corrections.list(user, status)
    return {"corrections": [correction_view(c) for c in found]}


@router.post(
    "/corrections/{correction_id}/review", summary="Accept or reject a correction (supervisors)"
)
async def review(
    correction_id: str, body: ReviewIn, request: Request, user: Agent
) -> dict[str, Any]:
    await agents_of(request).corrections.review(user, correction_id, body.status)
    return {"id": correction_id, "status": body.status}


@router.get("/intents", summary="The intents the bot knows, for corrections")
async def intents(request: Request, user: Agent) -> dict[str, Any]:
    return {"intents": agents_of(request).corrections.intents()}
