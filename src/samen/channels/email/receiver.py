"""``SmtpReceiver``: Samen's own SMTP server (aiosmtpd) on ``SAMEN_EMAIL_INBOUND_PORT``.

Point the company's MX or a forwarding rule at it. It runs on the server's own event loop and
answers ``250`` only once the mail is stored; if even storing fails it answers ``451``, so the
sending server keeps the mail and tries again later (the SMTP way of never losing one).
"""

from __future__ import annotations

import asyncio
import logging
import socket
from typing import Any

from aiosmtpd.smtp import SMTP, Envelope, Session

from samen.channels.email.inbound import EmailInbound
from samen.sockets import listening_socket

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
        # connections; a port held by any other program still fails the start (PortTaken).
        self.shared = shared
        self.domains = {d.lower() for d in domains or set()}
        self.port = port
        self.host = host
        self.hostname = hostname
        self._sock: socket.socket | None = None
        self._server: asyncio.Server | None = None

    def listen(self) -> socket.socket:
        """Bind the port now, before ``start`` (``samen serve`` binds its ports first, so that
        one another program holds stops the start before anything runs)."""
        if self._sock is None:
            self._sock = listening_socket(
                self.host, self.port, self.shared, setting="SAMEN_EMAIL_INBOUND_PORT"
            )
        return self._sock

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

        self._server = await loop.create_server(protocol, sock=self.listen())
        log.info("e-mail: receiving SMTP on %s:%s", self.host, self.bound_port)

    @property
    def bound_port(self) -> int | None:
        if self._sock is None:
            return None
        return int(self._sock.getsockname()[1])

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()  # closes the socket too
            await self._server.wait_closed()
            self._server = None
        elif self._sock is not None:
            self._sock.close()
        self._sock = None
