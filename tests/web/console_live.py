"""A real Samen server (uvicorn, demo container) in a thread, for browser tests and screenshots.

python tests/web/console_live.py docs/screenshots   # seeds a busy morning, takes screenshots
"""

from __future__ import annotations

import asyncio
import socket
import sys
import threading
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import uvicorn

from samen.bootstrap import Container, build
from samen.settings import Settings
from samen.web.app import create_app

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "polderlink-demo"
MONDAY_MORNING = datetime(2026, 11, 23, 9, 5, tzinfo=UTC)  # 10:05 in Amsterdam, open


class TickingClock:
    """Real time, starting on a fixed Monday morning (so opening hours and routing are stable);
    ``shift`` moves it, to write history days earlier."""

    def __init__(self, start: datetime = MONDAY_MORNING) -> None:
        self._start = start
        self._t0 = time.monotonic()
        self.offset = timedelta()

    def now(self) -> datetime:
        return self._start + timedelta(seconds=time.monotonic() - self._t0) + self.offset

    def shift(self, **delta: float) -> None:
        self.offset += timedelta(**delta)


Seed = Callable[[Container, TickingClock], Awaitable[None]]


class LiveServer:
    def __init__(
        self, settings: Settings, clock: TickingClock | None = None, seed: Seed | None = None
    ) -> None:
        self.settings = settings
        self.clock = clock or TickingClock()
        self.seed = seed
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._ready = threading.Event()
        self._server: uvicorn.Server | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="samen-live-server", daemon=True)

    def __enter__(self) -> LiveServer:
        self._thread.start()
        if not self._ready.wait(180) or self._error is not None:
            raise RuntimeError(f"the server did not start: {self._error!r}")
        return self

    def __exit__(self, *_: Any) -> None:
        if self._server is not None:
            self._server.should_exit = True
        self._thread.join(30)

    def _run(self) -> None:
        try:
            asyncio.run(self._main())
        except BaseException as exc:  # reported to the test thread that waits for the start
            self._error = exc
            self._ready.set()

    async def _main(self) -> None:
        container = await build(self.settings, clock=self.clock)
        try:
            if self.seed is not None:
                await self.seed(container, self.clock)
            config = uvicorn.Config(
                create_app(container),
                host="127.0.0.1",
                port=self.port,
                log_level="warning",
                ws_ping_interval=20,
            )
            self._server = uvicorn.Server(config)
            serving = asyncio.create_task(self._server.serve())
            while not self._server.started and not serving.done():
                await asyncio.sleep(0.05)
            self._ready.set()
            await serving
        finally:
            await container.aclose()


def launch(playwright: Any) -> Any:
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def log_in(page: Any, base: str, name: str) -> None:
    page.goto(f"{base}/console/login")
    page.get_by_label("E-mail address").fill(f"{name}@polderlink.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base}/console")


# A busy Monday morning at Polderlink, for screenshots ------------------------------------------
async def busy_morning(container: Container, clock: TickingClock) -> None:
    from samen.agents.models import Presence
    from samen.conversations.models import Identity

    agents = container.extras["agents"]
    service = container.conversations
    people = {u.email.split("@")[0]: u for u in await agents.people.list_users()}

    names = {
        "anna.devries": "Anna de Vries",
        "m.elamrani": "Mohamed El Amrani",
        "fatma.yilmaz": "Fatma Yilmaz",
        "liam.oconnor": "Liam O'Connor",
        "sophie.jansen": "Sophie Jansen",
        "jan.visser": "Jan Visser",
    }

    async def chat(email: str | None, locale: str, *texts: str, channel: str = "web") -> str:
        # As on a logged-in "Mijn Polderlink" page, where the widget knows who is chatting.
        identities = [Identity("email", email)] if email else []
        name = names.get((email or "").split("@")[0])
        conversation, _, _ = await service.start(channel, identities, locale=locale, name=name)
        for text in texts:
            await service.receive(conversation.id, text)
            clock.shift(seconds=40)
        return conversation.id

    # Last week: Anna mailed about her invoice; Noor could not resolve it yet.
    clock.shift(days=-4, hours=-2)
    earlier = await chat(
        "anna.devries@example.nl",
        "nl",
        "Mijn factuur van november is veel te hoog, ik betaal ineens 89 euro in plaats van 54,95.",
        channel="email",
    )
    await agents.desk.claim(people["noor"], earlier)
    await agents.desk.reply(
        people["noor"],
        earlier,
        "Beste Anna, ik zie een eenmalige verhuiskost van €34,05 op je factuur. "
        "Ik vraag bij de afdeling na of die terecht is en kom erop terug.",
    )
    await agents.desk.close(people["noor"], earlier, resolved=False, reason="Follow-up needed")
    # Two days ago: Daan helped someone with slow wifi (a colleague's answer, for live assist).
    clock.shift(days=2)
    slow = await chat(
        "jan.visser@example.nl",
        "nl",
        "Mijn wifi is superlangzaam op zolder",
        "ik wil liever een medewerker spreken",
    )
    await agents.desk.claim(people["daan"], slow)
    await agents.desk.reply(
        people["daan"],
        slow,
        "Op zolder helpt een wifi-versterker: met Polderlink Mesh (€4 per maand) "
        "heb je in elke kamer 5 GHz-wifi. Zal ik er een voor je bestellen?",
    )
    await agents.desk.close(people["daan"], slow, resolved=True, reason="Solved for the customer")
    clock.shift(days=2, hours=2, minutes=-26)

    # This morning.
    await chat(
        "fatma.yilmaz@example.nl",
        "nl",
        "Ik kan mijn factuur deze maand niet in één keer betalen, kan ik een betalingsregeling krijgen?",
    )
    clock.shift(minutes=3)
    await chat(
        "m.elamrani@example.com",
        "nl",
        "Mijn vader is vorige week overleden. Ik wil zijn abonnement opzeggen, hoe doe ik dat?",
    )
    clock.shift(minutes=2)
    await chat(
        "liam.oconnor@example.com",
        "en",
        "Which fibre plan should I take? We're five at home and my kids game a lot.",
        "I'd like to talk to an adviser please",
    )
    clock.shift(minutes=4)
    await chat("p.bakker@example.nl", "nl", "ik wil een mens spreken")
    clock.shift(minutes=2)
    await chat(
        "sophie.jansen@example.org",
        "en",
        "My internet has been down since this morning and I work from home",
        "I already restarted the modem twice, nothing works",
        "I want to talk to a person now",
    )
    clock.shift(minutes=3)
    anna = await chat(
        "anna.devries@example.nl",
        "nl",
        "Ik heb vorige week al gemaild over mijn factuur en er is nog steeds niks gebeurd!",
    )
    clock.shift(minutes=2)
    await chat(
        "maria.kowalska@example.com",
        "en",
        "I was charged twice for my invoice this month, I want my money back",
    )
    clock.shift(minutes=1)
    await agents.desk.set_presence(people["sanne"], Presence.AWAY)
    await agents.desk.claim(people["sanne"], anna)
    await agents.desk.reply(
        people["sanne"],
        anna,
        "Hoi Anna, je spreekt met Sanne van Polderlink. Ik zie je mail van vorige week "
        "en de verhuiskosten op je factuur; ik zoek het nu meteen voor je uit.",
    )
    await agents.desk.note(
        people["sanne"],
        anna,
        "Verhuiskosten €34,05 staan dubbel: ze zijn in oktober ook al betaald. Creditnota aanvragen.",
    )
    await agents.desk.set_presence(people["noor"], Presence.AWAY)
    await agents.desk.set_presence(people["daan"], Presence.AWAY)
    # Eva corrects what the bot made of a moved customer's broken TV.
    moved = await chat(
        "jan.visser@example.nl",
        "nl",
        "Ik ben net verhuisd en sindsdien doet mijn tv het niet meer",
        "ik wil een medewerker",
    )
    clock.shift(minutes=1)
    messages = await service.messages(moved)
    asked = next(m for m in messages if m.sender.value == "customer")
    answered = next(
        (
            m
            for m in messages
            if m.sender.value == "bot" and m.metadata.get("in_reply_to") == asked.id
        ),
        None,
    )
    understood = (asked.metadata.get("understanding") or {}).get("intent", {}).get("name")
    right = "change_address" if understood != "change_address" else "tech_support"
    await agents.corrections.intent(people["eva"], moved, asked.id, right)
    if answered is not None:
        await agents.corrections.answer(
            people["eva"],
            moved,
            answered.id,
            "Zijn verhuizing is nog niet verwerkt; herstarten helpt dan niet. Eerst de verhuizing nakijken.",
        )


def screenshots(folder: str) -> None:
    import tempfile
    from pathlib import Path

    from playwright.sync_api import sync_playwright

    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    models = sorted(
        (Path.home() / ".cache" / "samen-tests").glob("demo-model-*"),
        key=lambda p: p.stat().st_mtime,
    )
    data = Path(tempfile.mkdtemp(prefix="samen-shots-"))
    settings = Settings(
        data_dir=data, secret_key="screenshots", models_dir=models[-1] if models else None
    )
    with LiveServer(settings, seed=busy_morning) as server, sync_playwright() as p:
        browser = launch(p)
        sanne = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()
        log_in(sanne, server.url, "sanne")
        sanne.wait_for_timeout(800)
        sanne.screenshot(path=str(out / "console-queues.png"))
        sanne.get_by_role("button", name="Available").click()
        sanne.wait_for_timeout(800)
        sanne.locator(".convo", has_text="Anna").first.click()
        sanne.wait_for_selector(".suggestion, #assist p.muted:not(.skeleton)", timeout=60_000)
        sanne.wait_for_timeout(500)
        sanne.screenshot(path=str(out / "console-conversation.png"))
        eva = browser.new_context(viewport={"width": 1440, "height": 1320}).new_page()
        log_in(eva, server.url, "eva")
        eva.goto(f"{server.url}/console/supervisor")
        eva.wait_for_timeout(800)
        eva.screenshot(path=str(out / "console-supervisor.png"))
        browser.close()
    print(f"screenshots in {out}")


if __name__ == "__main__":
    screenshots(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots")
