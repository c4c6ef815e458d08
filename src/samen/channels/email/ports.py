"""What the e-mail channel keeps: every mail as received, and every send with its attempts.

``storage.mail.SqlMailLog`` implements ``MailLog`` on SQLite and PostgreSQL::

    entry = InboxEntry.received(raw, "smtp", now)
    await log.add_inbound(entry)          # first, before the mail is even parsed

A mail read from a mailbox that other processes read too carries a ``source_key``; of the
processes storing it, one does (``add_inbound`` answers ``False`` to the others).

A process holds a received mail while it handles it: from the moment it stores it, or from when
it ``claim_inbound``s one that a stopped process left ``received``::

    for left in await log.unfinished_inbound(received_before=started):
        entry = await log.claim_inbound(left.id, held_before=now - hold, now=now)
        if entry is not None:   # no other process holds it; now this one does
            ...
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from samen.channels.leftovers import Unfinished
from samen.conversations.models import new_id


@dataclass(slots=True)
class InboxEntry:
    """One received e-mail exactly as it arrived, and what became of it."""

    id: str
    received_at: datetime
    source: str  # "smtp" or "imap"
    raw: bytes
    # What names this mail at its source, where it can be read more than once (an IMAP
    # mailbox that several processes poll): a second mail with the same key is not stored.
    source_key: str | None = None
    envelope_from: str | None = None
    recipients: list[str] = field(default_factory=list)
    sender: str | None = None
    message_id: str | None = None
    # received → answered | queued | stored | duplicate | unreadable | failed
    status: str = "received"
    conversation_id: str | None = None
    samen_message_id: str | None = None
    error: str | None = None

    @classmethod
    def received(cls, raw: bytes, source: str, at: datetime, **values: Any) -> InboxEntry:
        return cls(id=new_id(), received_at=at, source=source, raw=raw, **values)


@dataclass(slots=True)
class Delivery:
    """One outgoing e-mail; kept whole so a retry sends exactly the same mail."""

    id: str
    conversation_id: str
    message_ids: list[str]
    message_id: str  # the Message-ID header
    recipient: str
    subject: str
    raw: str
    created_at: datetime
    status: str = "pending"  # pending → sent | retrying → sent | failed
    attempts: int = 0
    last_error: str | None = None
    next_attempt_at: datetime | None = None
    sent_at: datetime | None = None


class MailLog(Protocol):
    async def add_inbound(self, entry: InboxEntry) -> bool:
        """Store it, committed, before anything else happens to it; this process holds it.
        ``False`` (nothing stored) when a mail with its ``source_key`` is stored already: one
        insert, so that of processes storing the same mail at once one stores it."""

    async def update_inbound(self, entry: InboxEntry) -> bool:
        """Save what became of it (status, sender, conversation, error); the raw stays as is.
        Only a mail still ``received`` changes: ``False`` when another process already
        decided what became of it."""

    async def unfinished_inbound(self, received_before: datetime) -> list[Unfinished]:
        """The mails received before then and still ``received``, oldest first."""

    async def claim_inbound(
        self, entry_id: str, held_before: datetime, now: datetime
    ) -> InboxEntry | None:
        """Hold a ``received`` mail nobody has held since ``held_before``, as of ``now``; the
        mail, or ``None`` when another process holds it or it is no longer received. One
        conditional update: of processes claiming at once, one gets it."""

    async def get_inbound(self, entry_id: str) -> InboxEntry | None: ...
    async def count_inbound_from(self, sender: str, since: datetime) -> int: ...
    async def inbound_with_status(self, status: str, limit: int = 100) -> list[InboxEntry]: ...
    async def add_delivery(self, delivery: Delivery) -> None: ...
    async def update_delivery(self, delivery: Delivery) -> None: ...
    async def due_deliveries(self, now: datetime, limit: int = 50) -> list[Delivery]: ...
    async def claim_delivery(self, delivery_id: str, now: datetime, until: datetime) -> bool:
        """Hold a delivery still due at ``now`` (retrying, its next try not later) until
        ``until``; ``False`` when it is not due (any more). One conditional update: of processes
        claiming at once, one gets it."""

    async def deliveries(
        self,
        *,
        conversation_id: str | None = None,
        statuses: Sequence[str] | None = None,
        limit: int = 100,
    ) -> list[Delivery]: ...
