"""From e-mail to chat: a personal link resumes the conversation in the web chat."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import httpx
import pytest
from mail_desk import MailDesk, text_of, write

from samen.channels.email.imap import ImapMailbox, MailboxPoller
from samen.conversations.models import Sender
from samen.errors import ConfigError
from samen.web.app import create_app

ANNA = "Anna de Vries <anna.devries@example.nl>"


@pytest.fixture
async def web(mail: MailDesk) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_app(mail.container))
    async with httpx.AsyncClient(transport=transport, base_url="http://samen.test") as client:
        yield client


async def test_that_a_change_by_email_offers_a_secure_link_to_finish_it_in_the_chat(
    mail: MailDesk, web: httpx.AsyncClient
) -> None:
    raw, message_id = write(ANNA, "Verhuizen", "Ik ga verhuizen. Hoe wijzig ik mijn adres?")
    await mail.send(raw)
    [answer] = mail.relay.received
    text = text_of(answer)
    assert "klantnummer" in text  # the missing details are asked for in the reply …
    link = re.search(
        r"https://hulp\.polderlink\.example/\?lang=nl#samen-chat=(\w+)\.([\w-]+)", text
    )
    assert link, text  # … and a personal link offers to finish it in the chat
    conversation_id, token = link.groups()
    assert conversation_id == (await mail.conversation_of(message_id)).id

    opened = await web.get(
        f"/api/v1/conversations/{conversation_id}", headers={"Authorization": f"Bearer {token}"}
    )
    assert opened.status_code == 200
    assert "Hoe wijzig ik mijn adres?" in opened.json()["messages"][0]["text"]
    said = await web.post(
        f"/api/v1/conversations/{conversation_id}/messages",
        json={"text": "PL-104233"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert said.status_code == 201 and "postcode" in said.json()["replies"][0]["text"]
    assert len(mail.relay.received) == 1  # answers in the chat are not also mailed

    wrong = await web.get(
        f"/api/v1/conversations/{conversation_id}", headers={"Authorization": "Bearer x"}
    )
    assert wrong.status_code == 404


async def test_that_an_answer_needing_nothing_more_has_no_chat_link(mail: MailDesk) -> None:
    raw, _ = write(ANNA, "Openingstijden", "Wanneer is de klantenservice op zaterdag open?")
    await mail.send(raw)
    assert "samen-chat" not in text_of(mail.relay.received[0])


class Mailbox:
    """An IMAP mailbox as the poller sees it, in memory."""

    def __init__(self, mails: dict[str, bytes]) -> None:
        self.mails = mails
        self.seen: list[str] = []
        self.opened = 0

    def open(self) -> None:
        self.opened += 1

    def unseen(self, limit: int) -> list[tuple[str, bytes]]:
        return [(uid, raw) for uid, raw in self.mails.items() if uid not in self.seen][:limit]

    def mark_seen(self, uid: str) -> None:
        self.seen.append(uid)

    def close(self) -> None:
        return None


async def test_that_mail_polled_from_an_imap_mailbox_is_answered_and_marked_seen(
    mail: MailDesk,
) -> None:
    raw, message_id = write(ANNA, "Bestelling", "Waar blijft bestelling ORD-2026-004512?")
    mailbox = Mailbox({"7": raw})
    poller = MailboxPoller(mailbox, mail.channel.inbound)
    assert await poller.poll_once() == 1
    assert mailbox.seen == ["7"]
    assert await poller.poll_once() == 0
    [answer] = mail.relay.received
    assert answer["In-Reply-To"] == message_id and "onderweg" in text_of(answer)
    [question, _] = await mail.messages((await mail.conversation_of(message_id)).id)
    assert question.sender is Sender.CUSTOMER
    entry = await mail.channel.mail_log.get_inbound(question.metadata["email"]["inbox_id"])
    assert entry is not None and entry.source == "imap"


def test_that_an_imap_url_names_the_server_the_login_and_the_folder() -> None:
    box = ImapMailbox(
        "imaps://support%40polderlink.example:ge%20heim@imap.example.nl/Klanten%20mail"
    )
    assert (box.host, box.port, box.tls) == ("imap.example.nl", 993, True)
    assert (box.username, box.password, box.folder) == (
        "support@polderlink.example",
        "ge heim",
        "Klanten mail",
    )
    assert "heim" not in repr(box)
    with pytest.raises(ConfigError):
        ImapMailbox("https://imap.example.nl/INBOX")
