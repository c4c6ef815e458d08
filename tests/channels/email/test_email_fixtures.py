"""Real-world mail shapes, each handled with a clear outcome, and nothing lost.

Every fixture goes through Samen's SMTP receiver. Whatever the outcome, the mail is stored
exactly as it arrived and its text is in a conversation a person can open.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest
from mail_desk import MailDesk, text_of

from samen.conversations.models import Sender

FIXTURES = Path(__file__).parent / "fixtures"


@dataclass(frozen=True)
class Expected:
    status: str  # what became of the mail (answered, queued, unreadable)
    mailed: str | None  # "answer", "acknowledgement" or None: what the customer got back
    topic: str | None = None
    queue: str | None = None
    understood: tuple[str, ...] = ()  # in the text the pipeline read
    left_out: tuple[str, ...] = ()  # quoted mail, signatures, markup: kept only in the original
    answer: tuple[str, ...] = ()  # in the e-mail sent back
    attachments: tuple[str, ...] = ()
    problems: bool = False
    extra: dict[str, str] = field(default_factory=dict)


CASES = {
    "outlook_nl.eml": Expected(
        "answered", "answer", topic="tech_support",
        understood=("Mijn wifi valt nog steeds elke avond weg",),
        left_out=("Oorspronkelijk bericht", "Herstart je Polderlink Box", "Kalverstraat"),
        answer=("Beste Sophie,", "Stap 1"),
    ),
    "gmail_en.eml": Expected(
        "answered", "answer", topic="order_status",
        understood=("where my order ORD-2026-004601 is",),
        left_out=("Thank you for your order", "wrote:", "Mohamed"),
        answer=("Dear Mohamed,", "being prepared", "digital assistant"),
    ),
    "apple_mail_nl.eml": Expected(
        "queued", "acknowledgement", topic="invoice_complaint", queue="billing",
        understood=("twee keer gefactureerd", "€ 48,95"),
        left_out=("Verstuurd vanaf mijn iPhone", "Mijn Polderlink", "Groetjes"),
        answer=("Beste Jan,", "Financiële afdeling"),
    ),
    "html_only_en.eml": Expected(
        "answered", "answer", topic="opening_hours",
        understood=("Until what time is your customer service open on Saturday?",),
        left_out=("<p>", "trackOpen", "font-family", "Cheers"),
        answer=("17:00",),
    ),
    "forwarded_nl.eml": Expected(
        "queued", "acknowledgement", topic="invoice_complaint", queue="billing",
        understood=("Deze factuur klopt niet",),
        left_out=("F-2026-0081777", "Forwarded message"),
        answer=("Financiële afdeling",),
    ),
    "attachments_nl.eml": Expected(
        "answered", "answer", topic="tech_support",
        understood=("knippert oranje",),
        attachments=("modem lampje.jpg", "factuur november €.pdf"),
    ),
    "broken_encoding_nl.eml": Expected(
        "answered", "answer", topic="tech_support",
        understood=("“geen signaal”", "Wat kan ik doen?"),
        answer=("Beste José,",), problems=True,
    ),
    "hostile_nested_huge_header.eml": Expected(
        "queued", None, understood=("Internet not working",), problems=True,
    ),
    "unreadable.eml": Expected("unreadable", None, understood=("could not be handled automatically",)),
    "out_of_office_outlook.eml": Expected("queued", None, understood=("afwezig tot en met 30 november",)),
    "bounce_report.eml": Expected("queued", None, understood=("User unknown",)),
}  # fmt: skip


def test_that_every_fixture_has_an_expected_outcome() -> None:
    assert sorted(CASES) == sorted(p.name for p in FIXTURES.glob("*.eml"))


@pytest.mark.parametrize("name", sorted(CASES))
async def test_that_a_real_world_email_is_handled_with_a_clear_outcome_and_nothing_lost(
    mail: MailDesk, name: str
) -> None:
    expected = CASES[name]
    raw = (FIXTURES / name).read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    sender = "" if name.startswith("bounce") else "sender@example.nl"
    await mail.send(raw, sender=sender)

    [entry] = await mail.channel.mail_log.inbound_with_status(expected.status)
    assert entry.raw.rstrip(b"\r\n") == raw.rstrip(b"\r\n")  # stored exactly as received
    assert entry.conversation_id is not None
    conversation = await mail.container.conversations.get(entry.conversation_id)
    [message] = [m for m in await mail.messages(conversation.id) if m.sender is Sender.CUSTOMER]
    for words in expected.understood:
        assert words in message.text, message.text
    for words in expected.left_out:
        assert words not in message.text, message.text
        assert words in message.metadata["email"]["body"] or words in entry.raw.decode(
            "utf-8", "replace"
        )
    if expected.topic:
        assert message.metadata["triage"]["topic"] == expected.topic
    if expected.status != "answered":
        assert str(conversation.state) == "queued"
    if expected.queue:
        assert conversation.queue == expected.queue
    assert [a["filename"] for a in message.metadata["email"]["attachments"]] == list(
        expected.attachments
    )
    if expected.attachments:
        assert all(a["size"] > 1000 for a in message.metadata["email"]["attachments"])
    assert bool(message.metadata["email"]["problems"]) == expected.problems

    if expected.mailed is None:
        assert mail.relay.received == []
        return
    [reply] = mail.relay.received
    text = text_of(reply)
    assert reply["Auto-Submitted"] == "auto-replied"
    for words in expected.answer:
        assert words in text, text
    if expected.mailed == "acknowledgement":
        assert "Bedankt voor je e-mail" in text or "Thank you for your e-mail" in text
