"""``SmtpTransport``: hand one finished e-mail to the company's mail server (aiosmtplib).

``smtp://user:pass@host:587`` uses STARTTLS (required when a password is sent to another
machine, opportunistic on the loopback), ``smtps://…:465`` TLS from the start. Every failure
leaves as one ``ChannelError`` whose ``temporary`` field says whether a retry can help.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import unquote, urlsplit

import aiosmtplib

from samen.channels.base import ChannelError
from samen.errors import ConfigError

# Our own set-up problems are worth retrying once someone fixes them; a refused message is not.
_RETRYABLE_PERMANENT = {530, 534, 535, 538}


class SmtpTransport:
    def __init__(self, url: str, *, timeout: float = 30.0) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ConfigError(
                "invalid_email_outbound_url",
                "SAMEN_EMAIL_OUTBOUND_URL must look like smtp://user:password@host:587 "
                "or smtps://user:password@host:465.",
            )
        self.host = parts.hostname
        self.implicit_tls = parts.scheme == "smtps"
        self.port = parts.port or (465 if self.implicit_tls else 587)
        self.username = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None
        self.timeout = timeout
        # STARTTLS: None lets aiosmtplib use it when offered; a password to another host needs it.
        self.start_tls: bool | None = None
        if self.username and not self.implicit_tls and not _loopback(self.host):
            self.start_tls = True

    def __repr__(self) -> str:  # never show the password
        scheme = "smtps" if self.implicit_tls else "smtp"
        return f"SmtpTransport({scheme}://{self.host}:{self.port})"

    async def transmit(self, sender: str, recipients: list[str], raw: str) -> None:
        try:
            refused, _ = await aiosmtplib.send(
                raw.encode("ascii", "surrogateescape"),
                sender=sender,
                recipients=recipients,
                hostname=self.host,
                port=self.port,
                username=self.username,
                password=self.password,
                use_tls=self.implicit_tls,
                start_tls=self.start_tls,
                timeout=self.timeout,
            )
        except aiosmtplib.SMTPRecipientsRefused as exc:
            codes = [r.code for r in exc.recipients]
            detail = "; ".join(f"{r.code} {r.message}" for r in exc.recipients)
            raise ChannelError(
                "smtp_recipient_refused",
                f"The mail server refused the recipient: {detail}",
                temporary=all(400 <= c < 500 for c in codes),
                smtp_code=codes[0] if codes else None,
            ) from exc
        except aiosmtplib.SMTPResponseException as exc:
            raise ChannelError(
                "smtp_refused",
                f"The mail server answered {exc.code} {exc.message}",
                temporary=exc.code < 500 or exc.code in _RETRYABLE_PERMANENT,
                smtp_code=exc.code,
            ) from exc
        except (TimeoutError, aiosmtplib.SMTPException, OSError) as exc:
            raise ChannelError(
                "smtp_unreachable",
                f"Cannot deliver to the mail server {self.host}:{self.port}: {exc}",
                temporary=True,
            ) from exc
        if refused:
            detail = "; ".join(f"{address}: {r.code} {r.message}" for address, r in refused.items())
            raise ChannelError(
                "smtp_recipient_refused",
                f"The mail server refused: {detail}",
                temporary=all(400 <= r.code < 500 for r in refused.values()),
            )


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
