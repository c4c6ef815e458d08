"""Never a mail loop: which e-mails must not get an automatic answer, and why.

Auto-replies, bounces, mailing lists, ``noreply`` senders and our own address never get one
(RFC 3834 is the guide); neither does a sender who writes more often than a person would. Such
mail is still stored and shown to people: these reasons only silence the bot.

>>> automatic_reasons(parse_email(b"From: MAILER-DAEMON@mx.example\\r\\n\\r\\nfailed"), set())
['bounce: sent by MAILER-DAEMON@mx.example']
"""

from __future__ import annotations

import re
from collections.abc import Collection

from samen.channels.email.parsing import ParsedEmail

_NOREPLY = re.compile(
    r"^(?:no[-_.]?reply|do[-_.]?not[-_.]?reply|donotreply|noreply-\w+|bounces?|mailer[-_.]?daemon|"
    r"postmaster|auto[-_.]?reply|autoresponder|notifications?-noreply)(?:[+-].*)?$",
    re.I,
)
_BOUNCE_SENDER = re.compile(r"^(?:mailer[-_.]?daemon|postmaster)(?:[+-].*)?$", re.I)
_AUTO_SUBJECT = re.compile(
    r"^\s*(?:automatic reply|auto(?:matic)?[- ]?reply|autoreply|out of (?:the )?office|"
    r"automatisch antwoord|afwezig(?:heidsbericht)?|niet aanwezig|abwesenheitsnotiz|"
    r"undeliverable|undelivered mail|delivery status notification|mail delivery failed|"
    r"returned mail|onbestelbaar|niet bezorgd)\b",
    re.I,
)


def automatic_reasons(
    email: ParsedEmail, own_addresses: Collection[str], envelope_sender: str | None = None
) -> list[str]:
    """Why this e-mail must not get an automatic answer; empty when it may."""
    reasons: list[str] = []
    headers = email.headers
    auto = headers.get("auto-submitted", "").split(";")[0].strip().lower()
    if auto and auto != "no":
        reasons.append(f"auto-reply: Auto-Submitted {auto}")
    for name in ("x-autoreply", "x-autorespond"):
        if name in headers:
            reasons.append(f"auto-reply: {name} header")
    suppress = headers.get("x-auto-response-suppress", "").lower()
    if "all" in suppress or ("oof" in suppress and "autoreply" in suppress):
        reasons.append("auto-reply: the sender asks for no automatic responses")
    precedence = headers.get("precedence", "").strip().lower()
    if precedence in ("bulk", "junk", "list", "auto_reply"):
        reasons.append(f"bulk mail: Precedence {precedence}")
    if "list-id" in headers or "list-unsubscribe" in headers:
        reasons.append("mailing list: List-Id or List-Unsubscribe header")
    reasons.extend(_bounce_reasons(email, envelope_sender))
    if _AUTO_SUBJECT.match(email.subject) and not reasons:
        reasons.append(f"auto-reply: subject '{email.subject[:60]}'")
    sender = email.sender
    if sender is None:
        reasons.append("no sender address to answer")
    elif sender in {a.lower() for a in own_addresses}:
        reasons.append("sent from our own address")
    elif _NOREPLY.match(sender.split("@")[0]) and not _BOUNCE_SENDER.match(sender.split("@")[0]):
        reasons.append(f"noreply address {sender}")
    return reasons


def _bounce_reasons(email: ParsedEmail, envelope_sender: str | None) -> list[str]:
    reasons = []
    local = (email.sender or "").split("@")[0]
    if _BOUNCE_SENDER.match(local):
        reasons.append(f"bounce: sent by {email.sender}")
    if email.content_type == "multipart/report":
        reasons.append("bounce: a delivery report (multipart/report)")
    if "x-failed-recipients" in email.headers:
        reasons.append("bounce: X-Failed-Recipients header")
    null = envelope_sender is not None and envelope_sender.strip() in ("", "<>")
    if null or email.headers.get("return-path", "").strip() == "<>":
        reasons.append("bounce: null sender (<>)")
    return reasons


def answerable_address(address: str | None, own_addresses: Collection[str]) -> bool:
    """Whether we may send mail to this address at all (agents' replies included)."""
    if not address or "@" not in address:
        return False
    if address.lower() in {a.lower() for a in own_addresses}:
        return False
    return not _NOREPLY.match(address.split("@")[0])
