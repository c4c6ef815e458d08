"""``SmtpReceiver``: Samen's own SMTP server (aiosmtpd) on ``SAMEN_EMAIL_INBOUND_PORT``.

Point the company's MX or a forwarding rule at it. It runs on the server's own event loop and
answers ``250`` only once the mail is stored; if even storing fails it answers ``451``, so the
sending server keeps the mail and tries again later (the SMTP way of never losing one).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from aiosmtpd.smtp import SMTP, Envelope, Session

from samen.channels.email.inbound import EmailInbound

log = logging.getLogger(__name__)

MAX_MAIL_BYTES = 25 * 1024 * 1024


class _Handler:
    def __init__(self, inbound: EmailInbound, domains: set[str]) -> None:
        self.inbound = inbound
        self.domains = domains

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        # Only mail for the service's own domain: not a sink for whatever spam finds the port.
        if self.domains and address.rpartition("@")[2].lower() not in self.domains:
            return "550 5.7.1 Not a mailbox of this service"
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(options)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or envelope.content or b""
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        try:
            received = await self.inbound.accept(
                raw,
                source="smtp",
                envelope_from=envelope.mail_from,
                recipients=list(envelope.rcpt_tos),
            )
        except Exception:  # not even stored: the sender must keep it and try again
            log.exception("could not store an incoming e-mail")
            return "451 4.3.0 Temporary failure, please try again later"
        return f"250 2.0.0 Stored as {received.inbox_id}"


class SmtpReceiver:
    def __init__(
        self,
        inbound: EmailInbound,
        port: int,
        host: str = "0.0.0.0",
        hostname: str = "samen",
        domains: set[str] | None = None,
        shared: bool = False,
    ) -> None:
        self.inbound = inbound
        # With several workers each binds the port (SO_REUSEPORT) and the kernel spreads the
        # connections; a port held by any other program still fails the start.
        self.shared = shared
        self.domains = {d.lower() for d in domains or set()}
        self.port = port
        self.host = host
        self.hostname = hostname
        self._server: asyncio.Server | None = None

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        handler = _Handler(self.inbound, self.domains)

        def protocol() -> Any:
            return SMTP(
                handler,
                hostname=self.hostname,
                data_size_limit=MAX_MAIL_BYTES,
                enable_SMTPUTF8=True,
                decode_data=False,
                timeout=120,
                loop=loop,
            )

        self._server = await loop.create_server(
            protocol, host=self.host, port=self.port, reuse_port=self.shared or None
        )
        log.info("e-mail: receiving SMTP on %s:%s", self.host, self.port)

    @property
    def bound_port(self) -> int | None:
        if self._server is None or not self._server.sockets:
            return None
        return int(self._server.sockets[0].getsockname()[1])

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None
