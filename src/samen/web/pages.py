"""Server-rendered pages: the Polderlink demo website with the widget at ``/``."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
async def demo_site(request: Request, lang: str = "nl") -> HTMLResponse:
    tenant = request.app.state.container.tenant
    language = "en" if lang == "en" else "nl"
    return templates.TemplateResponse(
        request, "demo_site.html", {"tenant": tenant, "lang": language}
    )
