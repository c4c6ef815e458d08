"""MIME parsing: raw bytes in, a ``ParsedEmail`` out, and never an exception.

Real mail is messy: wrong or unknown character sets, HTML without a text part, headers of a
megabyte, multiparts nested fifty deep. Everything is read with limits; what could not be
read is listed in ``problems`` rather than raised, so the caller can still store it and show
it to a person. The raw original is never changed here (the caller keeps it as received).

>>> parsed = parse_email(b"From: Anna <anna@example.nl>\\r\\nSubject: Hoi\\r\\n\\r\\nHallo!")
>>> parsed.sender, parsed.subject, parsed.body
('anna@example.nl', 'Hoi', 'Hallo!')
"""

from __future__ import annotations

import email
import re
from dataclasses import dataclass, field
from email.errors import MessageError
from email.header import Header, decode_header
from email.message import Message
from email.policy import compat32
from email.utils import getaddresses, parseaddr
from typing import Any

from samen.channels.email.charsets import binary, decode_bytes
from samen.channels.email.plaintext import html_to_text
from samen.channels.identity import normalise_email

MAX_HEADER_BYTES = 16_000  # one header field; longer ones are cut in the parsed copy only
MAX_HEADER_FIELDS = 500
MAX_DEPTH = 12
MAX_PARTS = 200
MAX_TEXT_CHARS = 60_000
MAX_ATTACHMENTS = 50
# Headers kept (lower-cased) for loop protection, triage and threading.
KEPT_HEADERS = (
    "auto-submitted",
    "x-autoreply",
    "x-autorespond",
    "x-auto-response-suppress",
    "precedence",
    "list-id",
    "list-unsubscribe",
    "x-failed-recipients",
    "return-path",
    "importance",
    "x-priority",
    "priority",
    "reply-to",
    "x-mailer",
    "user-agent",
)
_ESSENTIAL = re.compile(
    rb"(?i)(content-|mime-version|from|to|cc|subject|date|message-id|in-reply-to|references|"
    rb"auto-submitted|precedence|list-|return-path|reply-to)[\w-]*:"
)
_MESSAGE_ID = re.compile(r"<[^<>\s]{1,490}>")
_WORD = re.compile(r"[^\W\d_]{2,}")
_DECODE_ERRORS = (LookupError, UnicodeError, ValueError, TypeError, IndexError, MessageError)


@dataclass(frozen=True, slots=True)
class Attachment:
    """An attachment as recorded: its name, type and size; the bytes stay in the raw original."""

    filename: str | None
    content_type: str
    size: int
    inline: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "filename": self.filename,
            "content_type": self.content_type,
            "size": self.size,
            "inline": self.inline,
        }


@dataclass(slots=True)
class ParsedEmail:
    message_id: str | None = None
    in_reply_to: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    subject: str = ""
    sender: str | None = None
    sender_name: str | None = None
    to: list[str] = field(default_factory=list)
    cc: list[str] = field(default_factory=list)
    date: str | None = None
    content_type: str = "text/plain"
    headers: dict[str, str] = field(default_factory=dict)
    body: str = ""  # all readable text, quotes and signatures included
    from_html: bool = False
    attachments: list[Attachment] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    unreadable: str | None = None  # why the message as a whole could not be read
    incomplete: bool = False  # parts were skipped (limits, broken structure): read the original

    def summary(self) -> dict[str, Any]:
        """What is kept with the stored message (the raw original is kept separately)."""
        return {
            "message_id": self.message_id,
            "in_reply_to": self.in_reply_to[:5],
            "references": self.references[-10:],
            "subject": self.subject[:300],
            "from": self.sender,
            "from_name": self.sender_name,
            "to": self.to[:10],
            "cc": self.cc[:10],
            "date": self.date,
            "content_type": self.content_type,
            "from_html": self.from_html,
            "body": self.body[:20_000],
            "attachments": [a.as_dict() for a in self.attachments],
            "problems": self.problems[:20],
        }


def parse_email(raw: bytes) -> ParsedEmail:
    parsed = ParsedEmail()
    try:
        message = email.message_from_bytes(_tame_headers(raw, parsed.problems), policy=compat32)
    except (RecursionError, *_DECODE_ERRORS) as exc:
        parsed.unreadable = f"The MIME structure could not be read ({type(exc).__name__})."
        return parsed
    _read_headers(message, parsed)
    try:
        _read_body(message, parsed)
    except (RecursionError, *_DECODE_ERRORS) as exc:
        parsed.problems.append(f"body unreadable ({type(exc).__name__})")
        parsed.incomplete = True
    if not _WORD.search(f"{parsed.subject} {parsed.body}") and not parsed.attachments:
        parsed.unreadable = parsed.unreadable or "The e-mail has no readable text."
    parsed.problems = list(dict.fromkeys(parsed.problems))
    return parsed


# headers ------------------------------------------------------------------------------------
def _tame_headers(raw: bytes, problems: list[str]) -> bytes:
    """Cut monstrous header fields in the copy we parse (the stored original keeps them)."""
    end = raw.find(b"\r\n\r\n")
    end = raw.find(b"\n\n") if end < 0 else end
    if end < 0:
        end = len(raw)
    head, rest = raw[:end], raw[end:]
    if len(head) <= MAX_HEADER_BYTES and head.count(b"\n") < MAX_HEADER_FIELDS:
        return raw
    fields: list[bytes] = []
    for line in head.splitlines(keepends=True):
        if line[:1] in (b" ", b"\t") and fields:
            if len(fields[-1]) < MAX_HEADER_BYTES:
                fields[-1] += line
            continue
        fields.append(line)
    long = sum(1 for f in fields if len(f) >= MAX_HEADER_BYTES)
    if long:
        problems.append(f"{long} header field(s) longer than {MAX_HEADER_BYTES} bytes were cut")
    if len(fields) > MAX_HEADER_FIELDS:
        essential = [f for f in fields[MAX_HEADER_FIELDS:] if _ESSENTIAL.match(f)]
        problems.append(
            f"{len(fields) - MAX_HEADER_FIELDS} header fields beyond the first "
            f"{MAX_HEADER_FIELDS} were ignored (the standard ones kept)"
        )
        fields = fields[:MAX_HEADER_FIELDS] + essential
    tamed = [f if f.endswith(b"\n") else f + b"\r\n" for f in fields]
    return b"".join(tamed).rstrip(b"\r\n") + rest


def header_text(message: Message, name: str, problems: list[str] | None = None) -> str:
    """A header as readable text: RFC 2047 words decoded, stray 8-bit bytes guessed."""
    value = message.get(name)
    if value is None:
        return ""
    try:
        pieces = []
        # A Header object (raw 8-bit bytes in the field) keeps its bytes in its chunks.
        for chunk, charset in decode_header(value if isinstance(value, Header) else str(value)):
            pieces.append(
                chunk if isinstance(chunk, str) else decode_bytes(chunk, charset, problems)
            )
        text = "".join(pieces)
    except _DECODE_ERRORS:
        text = str(value)
        if problems is not None:
            problems.append(f"header {name} has a broken encoding")
    return re.sub(r"\s+", " ", text).strip()


def _read_headers(message: Message, parsed: ParsedEmail) -> None:
    problems = parsed.problems
    parsed.subject = header_text(message, "Subject", problems)[:1000]
    name, address = parseaddr(header_text(message, "From", problems))
    parsed.sender = normalise_email(address) if "@" in address else None
    parsed.sender_name = name.strip().strip('"') or None
    parsed.to = _addresses(message, "To")
    parsed.cc = _addresses(message, "Cc")
    parsed.date = header_text(message, "Date")[:100] or None
    ids = _MESSAGE_ID.findall(str(message.get("Message-ID", "")))
    parsed.message_id = ids[0] if ids else None
    parsed.in_reply_to = _MESSAGE_ID.findall(str(message.get("In-Reply-To", "")))[:5]
    parsed.references = _MESSAGE_ID.findall(str(message.get("References", "")))[-30:]
    parsed.content_type = message.get_content_type()
    for key in KEPT_HEADERS:
        if key in message:
            parsed.headers[key] = header_text(message, key)[:500]


def _addresses(message: Message, name: str) -> list[str]:
    values = [str(v) for v in message.get_all(name, [])][:5]
    try:
        pairs = getaddresses(values)
    except _DECODE_ERRORS:
        return []
    return [normalise_email(a) for _, a in pairs if "@" in a][:50]


# bodies -------------------------------------------------------------------------------------
def _read_body(message: Message, parsed: ParsedEmail) -> None:
    texts: list[tuple[str, bool]] = []  # (text, came from HTML)
    stack: list[tuple[Message, int]] = [(message, 0)]
    seen = 0
    while stack:
        part, depth = stack.pop()
        seen += 1
        if seen > MAX_PARTS:
            parsed.problems.append(f"more than {MAX_PARTS} MIME parts; the rest was not read")
            parsed.incomplete = True
            break
        kind = part.get_content_type()
        if part.is_multipart():
            if depth >= MAX_DEPTH:
                parsed.problems.append(f"parts nested deeper than {MAX_DEPTH} levels were not read")
                parsed.incomplete = True
                continue
            children = [p for p in part.get_payload() if isinstance(p, Message)]
            if kind == "multipart/alternative":
                children = _best_alternative(children)
            stack.extend((child, depth + 1) for child in reversed(children))
        elif kind == "message/rfc822" or _is_attachment(part):
            _record_attachment(part, parsed)
        elif kind in ("text/plain", "text/html"):
            text = _part_text(part, parsed.problems)
            if binary(text):
                parsed.problems.append(f"a {kind} part held binary data, not text")
                parsed.incomplete = True
                continue
            if kind == "text/html":
                text = html_to_text(text)
            texts.append((text, kind == "text/html"))
        elif kind.startswith(("message/", "text/")):
            texts.append((_part_text(part, parsed.problems), False))
    parsed.from_html = bool(texts) and all(html for _, html in texts)
    parsed.body = "\n\n".join(t.strip() for t, _ in texts if t.strip())[:MAX_TEXT_CHARS]


def _best_alternative(children: list[Message]) -> list[Message]:
    """Plain text when it has words in it, else HTML, else whatever there is."""
    for kind in ("text/plain", "text/html", "multipart/related", "multipart/mixed"):
        for child in children:
            if child.get_content_type() != kind:
                continue
            payload = child.get_payload(decode=True) if not child.is_multipart() else b"x"
            if isinstance(payload, bytes) and payload.strip():
                return [child]
    return children[:1]


def _is_attachment(part: Message) -> bool:
    disposition = str(part.get("Content-Disposition", "")).split(";")[0].strip().lower()
    if disposition == "attachment" or (part.get_filename() is not None and disposition != "inline"):
        return True
    return not part.get_content_type().startswith(("text/", "message/", "multipart/"))


def _record_attachment(part: Message, parsed: ParsedEmail) -> None:
    if len(parsed.attachments) >= MAX_ATTACHMENTS:
        if not any(p.startswith("more than") and "attachments" in p for p in parsed.problems):
            parsed.problems.append(f"more than {MAX_ATTACHMENTS} attachments; the rest not listed")
        return
    payload = part.get_payload()
    encoded = len(payload) if isinstance(payload, str) else sum(len(str(p)) for p in payload or [])
    encoding = str(part.get("Content-Transfer-Encoding", "")).strip().lower()
    size = encoded * 3 // 4 if encoding == "base64" else encoded  # no decoding needed to measure
    try:
        filename = part.get_filename()
        if filename:  # RFC 2231 is undone by get_filename; RFC 2047 words are still to decode
            filename = "".join(
                c if isinstance(c, str) else decode_bytes(c, cs)
                for c, cs in decode_header(filename)
            )
    except _DECODE_ERRORS:
        filename = None
        parsed.problems.append("an attachment's file name could not be decoded")
    if part.get_content_type() == "message/rfc822" and not filename:
        inner = part.get_payload()
        if isinstance(inner, list) and inner and isinstance(inner[0], Message):
            filename = (header_text(inner[0], "Subject") or "forwarded message") + ".eml"
    disposition = str(part.get("Content-Disposition", "")).lower()
    parsed.attachments.append(
        Attachment(
            filename=(filename or "")[:200] or None,
            content_type=part.get_content_type()[:100],
            size=size,
            inline=disposition.startswith("inline"),
        )
    )


def _part_text(part: Message, problems: list[str]) -> str:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        raw = part.get_payload()
        return raw if isinstance(raw, str) else ""
    return decode_bytes(payload[: MAX_TEXT_CHARS * 4], part.get_content_charset(), problems)
