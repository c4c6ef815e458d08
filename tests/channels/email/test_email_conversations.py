"""E-mail conversations over real SMTP: automatic answers, acknowledgements, agents, threads."""

from __future__ import annotations

import re
import smtplib

import pytest
from mail_desk import ADDRESS, MailDesk, html_of, text_of, write

from samen.channels.email.outbound import SmtpOutbound
from samen.conversations.models import Sender

ANNA = "Anna de Vries <anna.devries@example.nl>"
PETER = "Peter Bakker <p.bakker@example.nl>"


async def test_that_an_order_status_email_gets_a_threaded_automatic_answer_with_the_order_status(
    mail: MailDesk,
) -> None:
    raw, message_id = write(
        ANNA,
        "Waar blijft mijn bestelling?",
        "Hallo,\n\nIk heb een modem en een tv-box besteld (ORD-2026-004512) maar nog niets "
        "ontvangen. Waar blijft het?\n\nMet vriendelijke groet,\nAnna de Vries",
    )
    await mail.send(raw)

    [answer] = mail.relay.received
    assert answer["To"] == "anna.devries@example.nl"
    assert answer["In-Reply-To"] == message_id
    assert message_id in answer["References"]
    assert re.fullmatch(r"Re: Waar blijft mijn bestelling\? \[#[a-z2-9]{8}\]", answer["Subject"])
    assert answer["Auto-Submitted"] == "auto-replied"
    assert answer["Message-ID"].endswith("@polderlink.example>")
    assert answer.get_content_type() == "multipart/alternative"
    text = text_of(answer)
    assert text.startswith("Beste Anna,")
    assert "onderweg met PostNL" in text and "3SPLK004512NL" in text
    assert "digitale assistent" in text and "'medewerker'" in text
    assert "3SPLK004512NL" in html_of(answer)
    assert mail.relay.logins, "the relay asked for a login and got it"
    assert isinstance(mail.container.channels.get("email"), SmtpOutbound)

    conversation = await mail.conversation_of(message_id)
    assert conversation.channel == "email" and str(conversation.state) == "bot"
    [question, reply] = await mail.messages(conversation.id)
    assert question.metadata["triage"]["topic"] == "order_status"
    assert question.metadata["email"]["from"] == "anna.devries@example.nl"
    assert reply.sender is Sender.BOT and "3SPLK004512NL" in reply.text


async def test_that_an_order_status_email_without_a_number_is_answered_for_the_senders_order(
    mail: MailDesk,
) -> None:
    raw, _ = write(ANNA, "Bestelling", "Hoi, wanneer wordt mijn bestelling bezorgd?\n\nAnna")
    await mail.send(raw)
    [answer] = mail.relay.received
    assert "ORD-2026-004512" in text_of(answer) and "onderweg" in text_of(answer)


async def test_that_an_invoice_complaint_gets_an_acknowledgement_and_is_queued_in_billing(
    mail: MailDesk,
) -> None:
    raw, message_id = write(
        PETER,
        "Factuur november klopt niet",
        "Goedemiddag,\n\nOp mijn factuur van november staat 89 euro, terwijl ik 42,50 per maand "
        "betaal. Ik wil dat dit wordt gecorrigeerd.\n\nGroet,\nPeter Bakker",
    )
    await mail.send(raw)

    [acknowledgement] = mail.relay.received
    text = text_of(acknowledgement)
    assert text.startswith("Beste Peter,")
    assert "Bedankt voor je e-mail" in text and "Financiële afdeling" in text
    assert "minuten" in text  # when: the queue's expected answer time
    assert acknowledgement["Auto-Submitted"] == "auto-replied"
    conversation = await mail.conversation_of(message_id)
    assert str(conversation.state) == "queued" and conversation.queue == "billing"
    assert conversation.topic == "invoice_complaint"
    assert conversation.route and conversation.route["queue"] == "billing"
    packet = conversation.context["handover"]
    assert packet["urgency"]["level"] == "normal" and packet["intent"] == "invoice_complaint"
    assert conversation.context["triage"]["topic"] == "invoice_complaint"


async def test_that_an_urgent_email_is_queued_with_high_priority_and_its_reasons(
    mail: MailDesk,
) -> None:
    raw, message_id = write(
        PETER,
        "SPOED: dubbel afgeschreven",
        "Er is deze maand twee keer 42,50 van mijn rekening afgeschreven. Ik wil het geld terug.",
    )
    await mail.send(raw)
    conversation = await mail.conversation_of(message_id)
    assert conversation.queue == "billing" and str(conversation.priority) == "high"
    urgency = conversation.context["handover"]["urgency"]
    assert urgency["level"] == "high" and any("spoed" in r.lower() for r in urgency["reasons"])
    assert await mail.events(conversation.id, "priority_raised")


async def test_that_an_agents_reply_arrives_in_the_customers_thread(mail: MailDesk) -> None:
    raw, message_id = write(
        PETER, "Factuur te hoog", "Mijn factuur is veel te hoog, dit klopt niet."
    )
    await mail.send(raw)
    conversation = await mail.conversation_of(message_id)
    [acknowledgement] = mail.relay.received

    await mail.container.conversations.post(
        conversation.id,
        "We hebben het verschil van 46,50 euro gecrediteerd; je ziet het op je volgende factuur.",
        sender=Sender.AGENT,
        author_id="agent-1",
        author_name="Sanne",
    )

    [_, reply] = mail.relay.received
    assert reply["To"] == "p.bakker@example.nl"
    assert reply["In-Reply-To"] == message_id
    assert reply["Subject"] == acknowledgement["Subject"]  # the same thread, the same token
    assert "Auto-Submitted" not in reply  # a person wrote it
    assert reply["From"].addresses[0].addr_spec == ADDRESS
    assert reply["From"].addresses[0].display_name == "Sanne (Polderlink)"
    text = text_of(reply)
    assert text.startswith("Beste Peter,") and "gecrediteerd" in text and "Sanne" in text
    assert "digitale assistent" not in text
    assert "> Mijn factuur is veel te hoog" in text  # the customer's mail, quoted below


async def test_that_a_reply_to_our_answer_joins_the_same_conversation(mail: MailDesk) -> None:
    raw, first_id = write(
        ANNA, "Verhuizing", "Ik ga verhuizen, hoe geef ik mijn nieuwe adres door?"
    )
    await mail.send(raw)
    [answer] = mail.relay.received
    conversation = await mail.conversation_of(first_id)

    reply, reply_id = write(
        ANNA,
        answer["Subject"],
        f"Mijn klantnummer is PL-104233.\n\nOp 23 nov. 2026 om 10:31 schreef Polderlink <{ADDRESS}>:\n"
        "> Dan moet ik eerst weten wie je bent.",
        in_reply_to=answer["Message-ID"],
        references=[first_id, answer["Message-ID"]],
    )
    await mail.send(reply)

    assert (await mail.conversation_of(reply_id)).id == conversation.id
    customer_messages = [
        m for m in await mail.messages(conversation.id) if m.sender is Sender.CUSTOMER
    ]
    assert [m.text for m in customer_messages][-1] == "Mijn klantnummer is PL-104233."
    [_, second] = mail.relay.received
    assert second["In-Reply-To"] == reply_id and "postcode" in text_of(second)
    assert "Beste Anna" in text_of(second)


async def test_that_a_reply_without_thread_headers_is_found_by_the_token_in_its_subject(
    mail: MailDesk,
) -> None:
    raw, first_id = write(ANNA, "Wachtwoord", "Ik ben mijn wachtwoord vergeten.")
    await mail.send(raw)
    [answer] = mail.relay.received
    conversation = await mail.conversation_of(first_id)

    reply, reply_id = write(ANNA, f"Antw: {answer['Subject']}", "PL-104233 en postcode 3511 AB")
    await mail.send(reply)
    assert (await mail.conversation_of(reply_id)).id == conversation.id

    stranger, stranger_id = write("Eve <eve@example.org>", answer["Subject"], "PL-104233, 3511 AB")
    await mail.send(stranger)
    assert (await mail.conversation_of(stranger_id)).id != conversation.id


async def test_that_a_new_subject_from_the_same_customer_is_a_new_conversation(
    mail: MailDesk,
) -> None:
    first, first_id = write(ANNA, "Bestelling", "Waar blijft bestelling ORD-2026-004512?")
    second, second_id = write(
        ANNA, "Openingstijden", "Tot hoe laat is de klantenservice zaterdag open?"
    )
    await mail.send(first)
    await mail.send(second)
    one, two = await mail.conversation_of(first_id), await mail.conversation_of(second_id)
    assert one.id != two.id and one.customer_id == two.customer_id
    assert "17:00" in text_of(mail.relay.received[1])


async def test_that_a_repeat_invoice_email_goes_straight_to_billing(mail: MailDesk) -> None:
    first, first_id = write(PETER, "Factuur", "Mijn factuur is te hoog, er klopt iets niet.")
    await mail.send(first)
    mail.clock.advance(days=2)
    second, second_id = write(PETER, "Nog steeds niets gehoord", "Hallo, kunt u mij helpen?")
    await mail.send(second)
    conversation = await mail.conversation_of(second_id)
    assert (
        conversation.queue == "billing" and "repeat_contact" in (conversation.route or {})["rules"]
    )
    assert (await mail.conversation_of(first_id)).id in conversation.route["linked"]
    assert "onlangs" in text_of(mail.relay.received[-1])


async def test_that_mail_for_another_domain_is_refused_at_the_door(mail: MailDesk) -> None:
    raw, _ = write(ANNA, "Hoi", "Hallo")
    with pytest.raises(smtplib.SMTPRecipientsRefused):
        await mail.send(raw, recipients=("iemand@elders.example",))
    assert await mail.channel.mail_log.inbound_with_status("answered") == []


async def test_that_control_characters_in_an_email_are_taken_out_of_the_stored_message(
    mail: MailDesk,
) -> None:
    raw, message_id = write(
        ANNA, "Modem", "Hallo,\n\nMijn modem\x1b doet het\x7f niet\x07 meer.\x85\n\nAnna"
    )
    await mail.send(raw)
    conversation = await mail.conversation_of(message_id)
    question = (await mail.messages(conversation.id))[0]
    assert question.sender is Sender.CUSTOMER
    assert "Mijn modem doet het niet meer." in question.text
    assert not set("\x1b\x7f\x07\x85") & set(question.text)
