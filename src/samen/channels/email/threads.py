"""Threading: which conversation an e-mail belongs to.

A reply names the mail it answers in ``In-Reply-To``/``References``; every Message-ID we send
or receive is remembered as a conversation reference of kind ``email_message_id``. When a mail
program drops those headers, the conversation token in the subject (``[#k7d3xq2m]``) still
finds it, but only for the same customer. Anything else, even a new subject from a customer
we know, is a new conversation (which still counts for repeat-contact routing).
"""

from __future__ import annotations

import secrets

from samen.channels.email.parsing import ParsedEmail
from samen.channels.email.plaintext import SUBJECT_TOKEN, clean_subject
from samen.conversations.models import Conversation, Identity
from samen.conversations.ports import Store

MESSAGE_ID_REF = "email_message_id"
TOKEN_REF = "email_token"
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread


def new_token() -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(8))


def subject_token(subject: str) -> str | None:
    found = SUBJECT_TOKEN.search(subject or "")
    return found.group(1).lower() if found else None


def reply_subject(subject: str | None, token: str | None, *, fallback: str = "") -> str:
    base = clean_subject(subject or "") or fallback
    marker = f" [#{token}]" if token else ""
    return f"Re: {base}{marker}"


async def find_thread(store: Store, email: ParsedEmail) -> Conversation | None:
    """The conversation this e-mail continues, if any."""
    candidates = [*email.in_reply_to, *reversed(email.references)]
    if email.message_id:
        candidates.insert(0, email.message_id)  # the same mail delivered twice
    async with store.transaction() as tx:
        for reference in dict.fromkeys(candidates):
            found = await tx.find_conversation_by_reference(MESSAGE_ID_REF, reference)
            if found is not None:
                return found
        token = subject_token(email.subject)
        if token is None or email.sender is None:
            return None
        found = await tx.find_conversation_by_reference(TOKEN_REF, token)
        customer = await tx.find_customer(Identity("email", email.sender))
    if found is not None and customer is not None and found.customer_id == customer.id:
        return found
    return None


async def unused_token(store: Store) -> str:
    async with store.transaction() as tx:
        while True:
            token = new_token()
            if await tx.find_conversation_by_reference(TOKEN_REF, token) is None:
                return token
