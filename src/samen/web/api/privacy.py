"""Customers' data requests (GDPR access and erasure), for admins only: export everything
Samen holds about one customer as JSON, or erase it. ``{key}`` is a customer id or any of
their identities (an e-mail address, a phone number, a customer number)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse

from samen.agents.models import Role, User
from samen.conversations.privacy import CustomerPrivacy
from samen.errors import Forbidden
from samen.web.agentauth import api_user

router = APIRouter(prefix="/api/v1/agent/customers", tags=["privacy"])


def admin(user: Annotated[User, Depends(api_user)]) -> User:
    if user.role is not Role.ADMIN:
        raise Forbidden("admins_only", "Only admins can export or erase a customer's data.")
    return user


Admin = Annotated[User, Depends(admin)]


def _privacy(request: Request) -> CustomerPrivacy:
    privacy: CustomerPrivacy = request.app.state.container.extras["privacy"]
    return privacy


@router.get("/{key}/export", summary="Everything held about one customer, as JSON (admins)")
async def export(
    key: str,
    request: Request,
    _: Admin,
    raw: Annotated[
        bool, Query(description="Add voicemail audio and e-mails as they were, in base64.")
    ] = False,
) -> JSONResponse:
    document = await _privacy(request).export(key, include_raw=raw)
    name = f"customer-{document['customer']['id']}.json"
    return JSONResponse(
        document,
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "private, no-store",
        },
    )


@router.delete("/{key}", summary="Erase one customer and all their data, for good (admins)")
async def erase(key: str, request: Request, _: Admin) -> dict[str, Any]:
    return (await _privacy(request).erase(key)).view()
