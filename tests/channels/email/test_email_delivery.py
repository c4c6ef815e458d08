"""Sending: a failing mail server is retried with growing pauses; failures are visible."""

from __future__ import annotations

import pytest
from mail_desk import MailDesk, free_port, text_of, write

from samen.channels.base import ChannelError
from samen.channels.email.transport import SmtpTransport
from samen.errors import ConfigError

ANNA = "Anna de Vries <anna.devries@example.nl>"


async def test_that_a_failing_outbound_server_is_retried_and_the_failure_is_visible(
    mail: MailDesk,
) -> None:
    mail.relay.refuse = ["451 4.3.0 Mailbox busy, try later", "421 4.7.0 Too many connections"]
    raw, message_id = write(ANNA, "Bestelling", "Waar blijft bestelling ORD-2026-004512?")
    await mail.send(raw)
    conversation = await mail.conversation_of(message_id)

    assert mail.relay.received == []
    [delivery] = await mail.channel.mail_log.deliveries(conversation_id=conversation.id)
    assert delivery.status == "retrying" and "451" in (delivery.last_error or "")
    [retrying] = await mail.events(conversation.id, "email_retrying")
    assert retrying.data["attempts"] == 1

    assert await mail.channel.outbound.retry_due() == 0  # the pause is not over yet
    mail.clock.advance(minutes=2)
    assert await mail.channel.outbound.retry_due() == 1  # refused again: a longer pause
    mail.clock.advance(minutes=6)
    assert await mail.channel.outbound.retry_due() == 1

    [answer] = mail.relay.received
    assert "3SPLK004512NL" in text_of(answer) and answer["In-Reply-To"] == message_id
    [delivery] = await mail.channel.mail_log.deliveries(conversation_id=conversation.id)
    assert delivery.status == "sent" and delivery.attempts == 3
    assert len(await mail.events(conversation.id, "email_retrying")) == 2
    assert await mail.events(conversation.id, "email_sent")


async def test_that_a_refused_answer_fails_visibly_and_goes_to_a_person(mail: MailDesk) -> None:
    mail.relay.refuse = ["550 5.1.1 No such user here"]
    raw, message_id = write(ANNA, "Bestelling", "Waar blijft bestelling ORD-2026-004512?")
    await mail.send(raw)
    conversation = await mail.conversation_of(message_id)

    [delivery] = await mail.channel.mail_log.deliveries(conversation_id=conversation.id)
    assert delivery.status == "failed" and delivery.attempts == 1
    [failed] = await mail.events(conversation.id, "email_failed")
    assert "550" in failed.data["error"]
    conversation = await mail.conversation_of(message_id)
    assert str(conversation.state) == "queued" and conversation.queue == "sales"


async def test_that_an_unreachable_mail_server_is_a_temporary_channel_error() -> None:
    transport = SmtpTransport(f"smtp://127.0.0.1:{free_port()}", timeout=5)
    with pytest.raises(ChannelError) as caught:
        await transport.transmit("a@example.nl", ["b@example.nl"], "Subject: x\r\n\r\nx\r\n")
    assert caught.value.fields["temporary"] is True


def test_that_a_password_is_never_sent_unencrypted_to_another_host() -> None:
    assert SmtpTransport("smtp://user:pass@smtp.example.nl:587").start_tls is True
    assert SmtpTransport("smtp://user:pass@127.0.0.1:2525").start_tls is None
    assert SmtpTransport("smtps://user:pass@smtp.example.nl").port == 465
    assert "pass" not in repr(SmtpTransport("smtp://user:pass@smtp.example.nl"))
    with pytest.raises(ConfigError):
        SmtpTransport("http://smtp.example.nl")
