"""An answer e-mail: the conversation's new messages as one letter, in plain text and HTML.

Several bot messages of one turn ("Thank you, Anna. I found you." + the answer) become one
e-mail with a greeting by name and a closing; a bot e-mail always says it was written by the
digital assistant and how to reach a person; when the bot still needs details, a personal
link lets the customer finish in the web chat with the conversation resumed.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from samen.bot.formats import moment
from samen.bot.texts import Texts
from samen.channels.email.plaintext import ends_with_closing, starts_with_greeting
from samen.conversations.models import Message, Sender

CHANNEL = "email"
_URL = re.compile(r"https?://[^\s<>()\"']+[^\s<>()\"'.,;:!?]")
MAX_QUOTED_LINES = 30
TEXT_KEYS = (
    "disclosure_short",
    "email_salutation",
    "email_salutation_unknown",
    "email_closing_bot",
    "email_closing_agent",
    "email_footer_bot",
    "email_resume",
    "email_quote",
    "email_no_subject",
)


@dataclass(frozen=True, slots=True)
class Letter:
    text: str
    html: str
    automatic: bool  # written by the bot: sent with Auto-Submitted: auto-replied
    author: str | None  # the agent who wrote it, for the From name


@dataclass(frozen=True, slots=True)
class Quote:
    """The customer's mail we answer, quoted below the answer as mail programs do."""

    text: str
    at: datetime


class Composer:
    def __init__(self, texts: Texts, zone: ZoneInfo) -> None:
        self.texts = texts
        self.zone = zone

    def check(self) -> None:
        """Fail at start, not at the first e-mail, when the tenant's texts lack e-mail wording."""
        for language in self.texts.languages:
            for key in TEXT_KEYS:
                self.texts.say_on(CHANNEL, key, language, name="x", agent="x", link="x", date="x")

    def say(self, key: str, language: str, **values: str) -> str:
        return self.texts.say_on(CHANNEL, key, language, **values)

    def letter(
        self,
        messages: Sequence[Message],
        *,
        language: str,
        customer_name: str | None,
        resume_link: str | None = None,
        quote: Quote | None = None,
    ) -> Letter:
        agents = [m for m in messages if m.sender is Sender.AGENT]
        automatic = not agents
        author = agents[-1].author_name if agents else None
        body = [_with_sources(m) for m in messages]
        parts: list[str] = []
        if not starts_with_greeting(body[0]):
            first = (customer_name or "").split()[0] if customer_name else ""
            parts.append(
                self.say("email_salutation", language, name=first)
                if first
                else self.say("email_salutation_unknown", language)
            )
        parts.extend(body)
        if resume_link:
            parts.append(self.say("email_resume", language, link=resume_link))
        if automatic:
            parts.append(self.say("email_closing_bot", language))
        elif not ends_with_closing(body[-1]):
            parts.append(self.say("email_closing_agent", language, agent=author or ""))
        footer = None
        disclosure = self.say("disclosure_short", language)
        if automatic and not any(disclosure in m.text for m in messages):
            footer = self.say("email_footer_bot", language)
        quoted = self._quoted(quote, language)
        return Letter(
            text=_plain(parts, footer, quoted),
            html=_html(parts, footer, quoted),
            automatic=automatic,
            author=author,
        )

    def _quoted(self, quote: Quote | None, language: str) -> tuple[str, list[str]] | None:
        if quote is None or not quote.text.strip():
            return None
        when = moment(quote.at, language, self.zone)
        lines = quote.text.strip().split("\n")[:MAX_QUOTED_LINES]
        return self.say("email_quote", language, date=when), lines


def _with_sources(message: Message) -> str:
    """A knowledge answer's text names its source; the e-mail adds where to read it."""
    text = message.text.strip()
    for source in message.metadata.get("sources") or []:
        url = (source or {}).get("url")
        if url and url not in text:
            text = f"{text}\n{url}"
    return text


def _plain(parts: list[str], footer: str | None, quoted: tuple[str, list[str]] | None) -> str:
    text = "\n\n".join(parts)
    if footer:
        text += f"\n\n-- \n{footer}"
    if quoted:
        header, lines = quoted
        text += f"\n\n{header}\n" + "\n".join(f"> {line}" if line else ">" for line in lines)
    return text + "\n"


def _html(parts: list[str], footer: str | None, quoted: tuple[str, list[str]] | None) -> str:
    paragraphs = "".join(f"<p>{_html_text(part)}</p>" for part in parts)
    if footer:
        paragraphs += f'<p style="color:#666;font-size:small">{_html_text(footer)}</p>'
    if quoted:
        header, lines = quoted
        paragraphs += (
            f"<p>{_html_text(header)}</p>"
            f'<blockquote style="margin:0 0 0 .8ex;border-left:1px solid #ccc;padding-left:1ex">'
            f"{_html_text(chr(10).join(lines))}</blockquote>"
        )
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"></head>'
        f'<body style="font-family:Arial,Helvetica,sans-serif;font-size:14px">{paragraphs}'
        "</body></html>"
    )


def _html_text(text: str) -> str:
    pieces: list[str] = []
    last = 0
    for match in _URL.finditer(text):
        pieces.append(html.escape(text[last : match.start()]))
        url = html.escape(match.group(0), quote=True)
        pieces.append(f'<a href="{url}">{url}</a>')
        last = match.end()
    pieces.append(html.escape(text[last:]))
    return "".join(pieces).replace("\n", "<br>\n")
