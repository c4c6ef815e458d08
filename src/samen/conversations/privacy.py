"""One customer's data, for their GDPR access (export) and erasure requests.

What "one customer's data" is, table by table (the SQL is in ``storage/privacy.py``):

* ``customers`` and ``identities``: the customer and every way we know them.
* ``conversations`` (without ``token_hash``, a hash of the customer's secret, meaningless to
  them), with their ``conversation_refs`` (channel thread ids), ``messages`` and ``events``
  (an event is theirs by its ``conversation_id`` or its ``customer_id``).
* ``corrections``: an agent's correction quotes a customer message in ``text``, so those on
  their conversations or messages are theirs, even after a model was trained on them.
* ``email_inbox``: received mail linked to their conversations, or sent from one of their
  e-mail addresses (mail refused before it became a conversation: spam, rate limits).
* ``email_deliveries``: mail sent in their conversations or to one of their addresses.
* ``voicemails``: recordings linked to their conversations, or left from one of their phone
  numbers (normalised as the voice channel does) and never put in a conversation.

Not theirs, and left alone: ``users``, ``agent_sessions`` and ``api_keys`` (the staff),
``articles`` and ``knowledge_revision`` (the knowledge base). A model already trained on
their corrections keeps what it learned until the next ``samen train``. The demo's ``demo_*``
tables stand in for the company's own systems (CRM, orders), which answer such requests
themselves.

The export is for a person to read, so the original bytes (voicemail audio, received
e-mails as they arrived, sent e-mails as MIME) are listed with their size only, unless
asked for with ``include_raw`` (then base64): what was said is in the messages already, and
megabytes of base64 would bury it. Example::

    privacy = CustomerPrivacy(SqlCustomerRecords(store), clock)
    document = await privacy.export("anna@example.nl")
    erasure = await privacy.erase(document["customer"]["id"])
    erasure.counts  # {"email_inbox": 1, ..., "messages": 12, ..., "customers": 1}
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from samen.channels.identity import normalise_email, normalise_phone
from samen.clock import Clock
from samen.conversations.models import CustomerId, Identity
from samen.errors import Conflict, NotFound

EXPORT_FORMAT = "samen.customer-export/1"

# Every kind of row erasure counts, in the order they are deleted (children first).
ERASED_KINDS = (
    "email_inbox",
    "email_deliveries",
    "voicemails",
    "corrections",
    "events",
    "messages",
    "conversation_refs",
    "conversations",
    "identities",
    "customers",
)


class CustomerRecords(Protocol):
    """The storage port: find a customer, read all their rows, delete all their rows."""

    async def find(self, key: str, identities: Sequence[Identity]) -> list[CustomerId]:
        """The customers whose id is ``key``, who have an identity of any kind whose value is
        ``key``, or who have one of ``identities``."""

    async def export(self, customer_id: CustomerId, *, include_raw: bool) -> dict[str, Any] | None:
        """Everything of theirs as JSON-ready values, or None if there is no such customer."""

    async def erase(
        self, customer_id: CustomerId, *, dry_run: bool = False
    ) -> dict[str, int] | None:
        """Delete everything of theirs in one transaction; rows per kind (``ERASED_KINDS``).
        ``dry_run`` counts the same deletes and rolls them back. None: no such customer."""


@dataclass(frozen=True, slots=True)
class Erasure:
    customer_id: CustomerId
    counts: dict[str, int]
    done: bool  # False for a dry run: nothing was changed

    def view(self) -> dict[str, Any]:
        return {"customer_id": self.customer_id, "erased": self.counts, "done": self.done}


def identities_for(key: str) -> list[Identity]:
    """The identities a typed key could be, normalised as the channels store them: an
    e-mail address or a phone number (``06 1234 5678`` → ``+31612345678``)."""
    key = key.strip()
    found: list[Identity] = []
    if "@" in key:
        found.append(Identity("email", normalise_email(key)))
    phone = normalise_phone(key)
    if phone is not None:
        found.append(Identity("phone", phone))
    return found


class CustomerPrivacy:
    """Export and erasure of one customer, found by their id or any identity."""

    def __init__(self, records: CustomerRecords, clock: Clock) -> None:
        self.records = records
        self.clock = clock

    async def find(self, key: str) -> CustomerId:
        found = await self.records.find(key.strip(), identities_for(key))
        if not found:
            raise NotFound(
                "customer_not_found", f"No customer has the id or identity {key.strip()!r}."
            )
        if len(found) > 1:
            raise Conflict(
                "customer_ambiguous",
                f"{key.strip()!r} matches {len(found)} customers; give a customer id.",
                customers=sorted(found),
            )
        return found[0]

    async def export(self, key: str, *, include_raw: bool = False) -> dict[str, Any]:
        customer_id = await self.find(key)
        data = await self.records.export(customer_id, include_raw=include_raw)
        if data is None:  # erased between the two reads
            raise NotFound("customer_not_found", f"Customer {customer_id} no longer exists.")
        return {
            "format": EXPORT_FORMAT,
            "exported_at": self.clock.now().isoformat(),
            "raw_included": include_raw,
            **data,
        }

    async def erase(self, key: str, *, dry_run: bool = False) -> Erasure:
        customer_id = await self.find(key)
        counts = await self.records.erase(customer_id, dry_run=dry_run)
        if counts is None:
            raise NotFound("customer_not_found", f"Customer {customer_id} no longer exists.")
        return Erasure(customer_id, counts, done=not dry_run)
