"""The agent console: server-rendered pages with HTMX, kept live over a WebSocket."""

from fastapi import APIRouter

from samen.web.console import actions, conversation, live, pages

router = APIRouter(include_in_schema=False)
for part in (pages, conversation, actions, live):
    router.include_router(part.router)
