"""Polling an IMAP mailbox (``SAMEN_EMAIL_IMAP_URL``) for companies whose mail lives elsewhere.

Standard-library ``imaplib`` in a worker thread: each poll connects, reads the unseen mail
without marking it (``BODY.PEEK[]``), hands every message to ``EmailInbound`` and marks it
``\\Seen`` only once it is stored; a mail that could not be stored stays unseen for the next poll.

Every server process polls (``samen serve --workers N``, or several hosts on one database), so
two may read the same unseen mail before either marks it. Each mail is stored under a key, its
UID and a digest of its bytes; of the processes storing it one does and handles it, the others
only mark it seen. So does the next poll with a mail whose process stopped after storing it and
before marking it (the next start handles it, as it does any mail left ``received``).

    imaps://user:password@imap.example.com/INBOX      (TLS, port 993)
    imap://user:password@127.0.0.1:1143/Support       (plain, for a local bridge)
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import imaplib
import logging
import re
from typing import Protocol
from urllib.parse import unquote, urlsplit

from samen.channels.base import ChannelError
from samen.channels.email.inbound import EmailInbound
from samen.errors import ConfigError

log = logging.getLogger(__name__)


class Mailbox(Protocol):
    """A mailbox seen from the poller; blocking calls, run in a thread."""

    def open(self) -> None: ...
    def unseen(self, limit: int) -> list[tuple[str, bytes]]: ...
    def mark_seen(self, uid: str) -> None: ...
    def close(self) -> None: ...


class ImapMailbox:
    def __init__(self, url: str, timeout: float = 60.0) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("imap", "imaps") or not parts.hostname or not parts.username:
            raise ConfigError(
                "invalid_email_imap_url",
                "SAMEN_EMAIL_IMAP_URL must look like imaps://user:password@host/INBOX.",
            )
        self.tls = parts.scheme == "imaps"
        self.host = parts.hostname
        self.port = parts.port or (993 if self.tls else 143)
        self.username = unquote(parts.username)
        self.password = unquote(parts.password or "")
        self.folder = unquote(parts.path.strip("/")) or "INBOX"
        self.timeout = timeout
        self._client: imaplib.IMAP4 | None = None

    def __repr__(self) -> str:
        return f"ImapMailbox({'imaps' if self.tls else 'imap'}://{self.host}:{self.port}/{self.folder})"

    def open(self) -> None:
        try:
            if self.tls:
                client: imaplib.IMAP4 = imaplib.IMAP4_SSL(
                    self.host, self.port, timeout=self.timeout
                )
            else:
                client = imaplib.IMAP4(self.host, self.port, timeout=self.timeout)
                if "STARTTLS" in client.capabilities:
                    client.starttls()
            client.login(self.username, self.password)
            status, _ = client.select(_quoted(self.folder))
            if status != "OK":
                raise ChannelError(
                    "imap_folder", f"The IMAP folder {self.folder} cannot be opened."
                )
        except (imaplib.IMAP4.error, OSError) as exc:
            raise ChannelError("imap_unreachable", f"Cannot read {self!r}: {exc}") from exc
        self._client = client

    def unseen(self, limit: int) -> list[tuple[str, bytes]]:
        client = self._require()
        try:
            status, data = client.uid("search", "UNSEEN")
            uids = [u.decode() for u in (data[0] or b"").split()[:limit]] if status == "OK" else []
            found = []
            for uid in uids:
                status, parts = client.uid("fetch", uid, "(BODY.PEEK[])")
                raw = next((p[1] for p in parts if isinstance(p, tuple) and len(p) > 1), None)
                if status == "OK" and isinstance(raw, bytes):
                    found.append((uid, raw))
            return found
        except (imaplib.IMAP4.error, OSError) as exc:
            raise ChannelError("imap_unreachable", f"Reading {self!r} failed: {exc}") from exc

    def mark_seen(self, uid: str) -> None:
        try:
            self._require().uid("store", uid, "+FLAGS", r"(\Seen)")
        except (imaplib.IMAP4.error, OSError) as exc:
            raise ChannelError(
                "imap_unreachable", f"Marking mail in {self!r} failed: {exc}"
            ) from exc

    def close(self) -> None:
        if self._client is not None:
            with contextlib.suppress(imaplib.IMAP4.error, OSError):
                self._client.logout()
            self._client = None

    def _require(self) -> imaplib.IMAP4:
        if self._client is None:
            raise ChannelError("imap_closed", "The IMAP mailbox is not open.")
        return self._client


def _quoted(folder: str) -> str:
    return folder if re.fullmatch(r"[\w./-]+", folder) else '"' + folder.replace('"', r"\"") + '"'


def mail_key(uid: str, raw: bytes) -> str:
    """The same mail read again, by any process, has the same key; another mail under a reused
    UID (a mailbox that was rebuilt) has another."""
    return f"imap:{uid}:{hashlib.sha256(raw).hexdigest()}"


class MailboxPoller:
    def __init__(
        self, mailbox: Mailbox, inbound: EmailInbound, interval: float = 60.0, batch: int = 50
    ) -> None:
        self.mailbox = mailbox
        self.inbound = inbound
        self.interval = interval
        self.batch = batch
        self._task: asyncio.Task[None] | None = None

    async def poll_once(self) -> int:
        """Read what is unseen now; returns how many mails were stored."""
        await asyncio.to_thread(self.mailbox.open)
        stored = 0
        try:
            for uid, raw in await asyncio.to_thread(self.mailbox.unseen, self.batch):
                # raises if it could not be stored; None: another process stored it
                if await self.inbound.accept_once(raw, mail_key(uid, raw)) is not None:
                    stored += 1
                await asyncio.to_thread(self.mailbox.mark_seen, uid)
        finally:
            await asyncio.to_thread(self.mailbox.close)
        return stored

    async def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._loop(), name="samen-email-imap")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _loop(self) -> None:
        while True:
            try:
                await self.poll_once()
            except ChannelError as exc:
                log.warning("e-mail: %s", exc.message)
            except Exception:  # keep polling; one bad round must not stop the mailbox
                log.exception("e-mail: polling the mailbox failed")
            await asyncio.sleep(self.interval)
