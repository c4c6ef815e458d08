"""The e-mail channel against real SMTP on localhost.

``mail`` is the whole Polderlink demo built from settings with e-mail switched on (so through
``bootstrap``): Samen's SMTP receiver listens on a free port, and its outbound mail goes to
``relay``, a real SMTP server (aiosmtpd) standing in for the company's mail server, which asks
for a login and records what it receives. Customers send with the standard library's smtplib.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from aiosmtpd.smtp import SMTP
from mail_desk import ADDRESS, MailDesk, Relay, free_port

from samen.bootstrap import build
from samen.clock import FixedClock
from samen.settings import Settings


@pytest.fixture
async def relay() -> AsyncIterator[Relay]:
    recorder = Relay()
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(
            recorder,
            hostname="relay.test",
            authenticator=recorder.authenticate,
            auth_require_tls=False,
            loop=loop,
        ),
        host="127.0.0.1",
        port=0,
    )
    recorder.port = server.sockets[0].getsockname()[1]
    yield recorder
    server.close()
    await server.wait_closed()


@pytest.fixture
async def mail(demo_settings: Settings, clock: FixedClock, relay: Relay) -> AsyncIterator[MailDesk]:
    port = free_port()
    settings = demo_settings.model_copy(
        update={
            "email_inbound_port": port,
            "email_outbound_url": f"smtp://samen:geheim@127.0.0.1:{relay.port}",
            "email_address": ADDRESS,
            "public_url": "https://hulp.polderlink.example",
        }
    )
    container = await build(settings, clock=clock)
    for start in container.extras["startups"]:
        await start()
    yield MailDesk(container, port, relay, clock)
    for stop in reversed(container.extras["shutdowns"]):
        await stop()
    await container.aclose()
