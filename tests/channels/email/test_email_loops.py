"""Never a mail loop, never lost mail: automatic mail is stored and shown, but gets no answer."""

from __future__ import annotations

import pytest
from mail_desk import ADDRESS, MailDesk, text_of, write

from samen.conversations.models import Sender

ANNA = "Anna de Vries <anna.devries@example.nl>"

BOUNCE = b"""From: Mail Delivery System <MAILER-DAEMON@mx.example.nl>
To: klantenservice@polderlink.example
Subject: Undelivered Mail Returned to Sender
Message-ID: <bounce-1@mx.example.nl>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="b1"

--b1
Content-Type: text/plain; charset=us-ascii

This is the mail system at host mx.example.nl. Your message could not be delivered
to one or more recipients: <oud.adres@example.nl>: mailbox unavailable.

--b1
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.nl
Final-Recipient: rfc822; oud.adres@example.nl
Action: failed
Status: 5.1.1

--b1--
""".replace(b"\n", b"\r\n")


def automatic(kind: str) -> tuple[bytes, str]:
    """An automatic e-mail of one kind, and its Message-ID."""
    if kind == "bounce":
        return BOUNCE, "<bounce-1@mx.example.nl>"
    sender, subject, headers = {
        "out_of_office": (
            ANNA,
            "Automatisch antwoord: Je vraag",
            {"Auto-Submitted": "auto-replied", "X-Auto-Response-Suppress": "All"},
        ),
        "x_autoreply": (ANNA, "Afwezig", {"X-Autoreply": "yes"}),
        "bulk": ("Nieuws <nieuws@winkel.example>", "Aanbiedingen", {"Precedence": "bulk"}),
        "mailing_list": (
            "Lijst <leden@lijst.example>",
            "[leden] Vergadering",
            {"List-Id": "<leden.lijst.example>", "List-Unsubscribe": "<mailto:x@lijst.example>"},
        ),
        "noreply": ("Webshop <noreply@webshop.example>", "Je bestelling", {}),
        "ourselves": (f"Polderlink <{ADDRESS}>", "Waar blijft mijn bestelling?", {}),
    }[kind]
    return write(
        sender, subject, "Ik ben tot maandag afwezig. Waar blijft mijn bestelling?", headers=headers
    )


@pytest.mark.parametrize(
    "kind",
    ["out_of_office", "x_autoreply", "bulk", "mailing_list", "noreply", "ourselves", "bounce"],
)
async def test_that_an_auto_reply_or_bounce_gets_no_answer_but_is_shown_to_people(
    mail: MailDesk, kind: str
) -> None:
    raw, message_id = automatic(kind)
    await mail.send(raw, sender="" if kind == "bounce" else None)  # a bounce comes from <>

    assert mail.relay.received == []
    conversation = await mail.conversation_of(message_id)
    assert str(conversation.state) == "queued"  # a person sees it
    [message] = await mail.messages(conversation.id)
    assert message.sender is Sender.CUSTOMER
    assert message.metadata["no_automatic_answer"]
    assert message.metadata["triage"]["urgency"] == "low"
    entry = await mail.channel.mail_log.get_inbound(message.metadata["email"]["inbox_id"])
    assert entry is not None and entry.raw == raw and entry.status == "queued"


async def test_that_an_out_of_office_reply_to_our_answer_stays_in_the_thread_unanswered(
    mail: MailDesk,
) -> None:
    raw, first_id = write(ANNA, "Bestelling", "Waar blijft bestelling ORD-2026-004512?")
    await mail.send(raw)
    [answer] = mail.relay.received
    away, away_id = write(
        ANNA,
        f"Automatisch antwoord: {answer['Subject']}",
        "Ik ben afwezig tot 1 december.",
        in_reply_to=answer["Message-ID"],
        headers={"Auto-Submitted": "auto-replied"},
    )
    await mail.send(away)

    assert len(mail.relay.received) == 1
    conversation = await mail.conversation_of(away_id)
    assert conversation.id == (await mail.conversation_of(first_id)).id
    assert str(conversation.state) == "queued" and conversation.topic == "order_status"
    assert "No automatic answer" in (conversation.route or {})["reason"]


async def test_that_a_sender_writing_too_often_gets_no_more_automatic_answers(
    mail: MailDesk,
) -> None:
    for number in range(11):
        raw, _ = write(ANNA, f"Vraag {number}", "Tot hoe laat is de klantenservice zaterdag open?")
        await mail.send(raw)
    assert len(mail.relay.received) == 10
    assert all("17:00" in text_of(answer) for answer in mail.relay.received)
    last = await mail.channel.mail_log.inbound_with_status("queued")
    assert len(last) == 1 and last[0].sender == "anna.devries@example.nl"


async def test_that_agents_cannot_mail_a_noreply_address_and_see_why(mail: MailDesk) -> None:
    raw, message_id = write(
        "Webshop <noreply@webshop.example>", "Je bestelling", "Bedankt voor je bestelling."
    )
    await mail.send(raw)
    conversation = await mail.conversation_of(message_id)
    await mail.container.conversations.post(
        conversation.id, "Dit is geen klant.", sender=Sender.AGENT, author_name="Sanne"
    )
    assert mail.relay.received == []
    [failed] = await mail.events(conversation.id, "email_failed")
    assert "noreply@webshop.example" in failed.data["error"]
