"""Server-rendered pages: the Polderlink demo website with the widget at ``/``.

``/?as=PL-104233`` is the same site with that demo customer logged in ("Mijn Polderlink"): the
page signs an identity token for them, as a company's own site would, and gives it to the widget.
``/demo/documents/{id}`` serves the demo backend's invoices and contracts behind signed links.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates

from samen.errors import NotFound

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
async def demo_site(
    request: Request,
    lang: str = "nl",
    as_: Annotated[str | None, Query(alias="as", max_length=20)] = None,
) -> HTMLResponse:
    tenant = request.app.state.container.tenant
    language = "en" if lang == "en" else "nl"
    login = await _demo_login(request, as_) if as_ else None
    return templates.TemplateResponse(
        request, "demo_site.html", {"tenant": tenant, "lang": language, "login": login}
    )


@router.get("/demo/documents/{document_id}")
async def demo_document(
    document_id: str, request: Request, exp: str = "", sig: str = ""
) -> Response:
    """A document of the demo backend, for a link the assistant handed out (403 when the link
    is forged or expired)."""
    backend = _demo_backend(request)
    if backend is None:
        raise NotFound("document_not_found", "This server has no demo documents.")
    backend.links.check(document_id, exp, sig)
    found = await backend.document_file(document_id)
    if found is None:
        raise NotFound("document_not_found", "This document does not exist (any more).")
    return Response(
        found.content,
        media_type=found.media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{found.filename}"',
            "Cache-Control": "private, no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )


def _demo_backend(request: Request) -> Any:
    from samen.demo.backend import DemoBackend

    brain = request.app.state.container.extras.get("brain")
    backend = brain.bot.kit.backend if brain is not None else None
    return backend if isinstance(backend, DemoBackend) else None


async def _demo_login(request: Request, customer_number: str) -> dict[str, str] | None:
    """A demo customer 'logged in' on the demo site, with the token the site signs for them;
    only with the demo's own (public) secret, never with a real tenant's."""
    from samen.channels.identity_tokens import sign
    from samen.settings import DEMO_IDENTITY_SECRET

    container = request.app.state.container
    backend = _demo_backend(request)
    if backend is None or container.settings.resolved_identity_secret() != DEMO_IDENTITY_SECRET:
        return None
    customer = await backend.find_customer(customer_number=customer_number)
    if customer is None:
        return None
    token = sign(
        DEMO_IDENTITY_SECRET,
        customer.customer_number,
        now=container.clock.now(),
        name=customer.name,
        email=customer.email,
    )
    return {"customer_number": customer.customer_number, "name": customer.name, "token": token}
