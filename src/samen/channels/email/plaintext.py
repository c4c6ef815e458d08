"""E-mail text as a person wrote it: HTML to clean text, and what is new in a reply.

``understood_text`` keeps what the customer wrote this time: without the greeting line, the
quoted earlier mail ("Op ... schreef ...:", "-----Original Message-----", "> ..."), the closing
and the signature. Only the understanding pipeline sees this cut; the stored original keeps all.

>>> understood_text("Hoi,\\n\\nWaar blijft mijn modem?\\n\\nGroet,\\nAnna\\n\\nOp ma schreef X:\\n> ...")
'Waar blijft mijn modem?'
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from samen.channels.email.parsing import ParsedEmail

SUBJECT_TOKEN = re.compile(r"\[#([a-z2-9]{8})\]", re.I)  # the conversation token: [#k7d3xq2m]
_REPLY_PREFIX = re.compile(
    r"^\s*(?:(?:re|fw|fwd|aw|wg|antw|doorst|tr|sv|vs)(?:\[\d+\])?\s*:\s*)+", re.I
)
MAX_TEXT = 3900  # the message road takes 4000 characters; the whole mail stays in the original
_SKIP = {"script", "style", "head", "title", "template", "noscript"}
_BLOCK = {
    "p",
    "div",
    "br",
    "tr",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "ul",
    "ol",
    "pre",
    "hr",
    "section",
    "article",
    "header",
    "footer",
    "blockquote",
    "dd",
    "dt",
    "address",
}
_PARAGRAPH = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol", "blockquote"}
# Where mail programs start the quoted earlier message in HTML.
_QUOTE_CLASSES = ("gmail_quote", "yahoo_quoted", "moz-cite-prefix", "protonmail_quote")
_OUTLOOK_REPLY_IDS = ("divrplyfwdmsg", "appendonsend", "mail-editor-reference-message-container")
OUTLOOK_SEPARATOR = "_" * 32


class _TextMaker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = [""]
        self.skip = 0
        self.quote = 0
        self.pre = 0
        self.stack: list[tuple[str, bool]] = []  # (tag, opened a quote)
        self.links: list[str | None] = []

    def _newline(self) -> None:
        if self.lines[-1].strip():
            self.lines.append("")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {k.lower(): (v or "") for k, v in attrs}
        if tag in _SKIP:
            self.skip += 1
            return
        if tag in ("br", "hr", "img", "meta", "link", "input", "wbr"):  # void elements
            if tag in ("br", "hr"):
                self.lines.append("")
            return
        classes = attributes.get("class", "").lower()
        quote = tag == "blockquote" or any(c in classes for c in _QUOTE_CLASSES)
        if attributes.get("id", "").lower() in _OUTLOOK_REPLY_IDS:
            self._newline()
            self.lines.extend([OUTLOOK_SEPARATOR, ""])
        if tag in _BLOCK or quote:
            self._newline()
        if tag == "li":
            self._write("- ")
        if tag == "pre":
            self.pre += 1
        if tag == "a":
            self.links.append(attributes.get("href"))
        self.stack.append((tag, quote))
        self.quote += quote

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skip = max(0, self.skip - 1)
            return
        if tag == "a" and self.links:
            href = self.links[-1] or ""
            if href.startswith(("http://", "https://")) and href not in self.lines[-1]:
                self.lines[-1] = f"{self.lines[-1].rstrip()} ({href})"
        if all(opened != tag for opened, _ in self.stack):
            return  # a stray end tag
        while self.stack:  # close up to the matching tag: real-world HTML forgets end tags
            opened, quote = self.stack.pop()
            self.quote -= quote
            if opened == "pre":
                self.pre = max(0, self.pre - 1)
            if opened == "a" and self.links:
                self.links.pop()
            if opened == tag:
                break
        if tag in _BLOCK:
            self._newline()
        if tag in _PARAGRAPH and self.lines[-1] == "" and len(self.lines) > 1 and self.lines[-2]:
            self.lines.append("")

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        if not self.pre:
            data = re.sub(r"\s+", " ", data)
        parts = data.split("\n")
        for index, part in enumerate(parts):
            if index:
                self.lines.append("")
            self._write(part)

    def _write(self, text: str) -> None:
        if not text:
            return
        if not self.lines[-1] and self.quote:
            self.lines[-1] = "> " * self.quote
        if self.lines[-1].endswith(" ") or self.lines[-1].endswith("> "):
            text = text.lstrip() if not self.pre else text
        self.lines[-1] += text


def html_to_text(html: str) -> str:
    maker = _TextMaker()
    maker.feed(html)
    maker.close()
    lines = [line.rstrip() for line in maker.lines]
    return _squeeze("\n".join(lines)).strip()


def _squeeze(text: str) -> str:
    text = re.sub(r"[ \t\u00a0]+\n", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text)


# what is new in a reply ---------------------------------------------------------------------
_REPLY_HEADER = re.compile(
    r"^\s*(?:"
    r"on\b.{0,300}\bwrote\s*:?"
    r"|op\b.{0,300}\b(?:schreef|geschreven)\b.{0,200}:?"
    r"|am\b.{0,300}\bschrieb\b.{0,100}:?"
    r"|-{2,}\s*(?:original message|oorspronkelijk bericht|origineel bericht|forwarded message|"
    r"doorgestuurd bericht|ursprüngliche nachricht)\s*-*"
    r"|begin (?:forwarded message|doorgestuurd bericht)\s*:?"
    r"|_{10,}"
    r")\s*$",
    re.I,
)
_HEADER_BLOCK_START = re.compile(r"^\s*\*?(?:from|van|von)\s*:\*?\s*\S", re.I)
_HEADER_BLOCK_NEXT = re.compile(
    r"^\s*\*?(?:sent|verzonden|date|datum|gesendet|to|aan|subject|onderwerp)\s*:", re.I
)
_SIGNATURE = re.compile(
    r"^\s*(?:--\s*|__\s*"
    r"|(?:sent|verzonden|verstuurd|gesendet) (?:from|vanaf|met|via|van) (?:my|mijn|mein)\b.*"
    r"|(?:get|download) outlook for\b.*|sent from (?:mail|outlook|yahoo)\b.*"
    r")$",
    re.I,
)
_CLOSING = re.compile(
    r"^\s*(?i:met vriendelijke groet(?:en)?|vriendelijke groet(?:en)?|hartelijke groet(?:en)?"
    r"|met hartelijke groet(?:en)?|groet(?:en|jes)?|mvg|m\.v\.g\.?|gr\.?|grt\.?"
    r"|kind regards|best regards|warm regards|regards|best wishes|best|cheers|sincerely"
    r"|yours sincerely|yours faithfully|many thanks|thanks in advance|thanks|thank you"
    r"|alvast bedankt|bij voorbaat dank|dank u|dank je|bedankt|liefs)"
    r"[\s,.!]*(?:[A-Z][\w.'-]*(?:\s+[\w.'-]+){0,3})?\s*$"
)
_GREETING = re.compile(
    r"^\s*(?i:beste|geachte|hallo|hoi|hi|hey|dag|dear|hello|goedemorgen|goedemiddag|goedenavond"
    r"|good morning|good afternoon|good evening|l\.s\.?|to whom it may concern)"
    r"(?:\s+[\w./'&-]+){0,4}\s*[,!:]?\s*$"
)


def split_reply(text: str) -> tuple[str, str]:
    """``(new, quoted)``: what was written now, and the earlier mail it quotes or forwards."""
    lines = text.replace("\r\n", "\n").split("\n")
    cut = len(lines)
    for index, line in enumerate(lines):
        pair = f"{line} {lines[index + 1]}" if index + 1 < len(lines) else line
        if _REPLY_HEADER.match(line) or (
            re.match(r"^\s*(on|op)\b", line, re.I) and _REPLY_HEADER.match(pair)
        ):
            cut = index
            break
        if _HEADER_BLOCK_START.match(line) and any(
            _HEADER_BLOCK_NEXT.match(following) for following in lines[index + 1 : index + 5]
        ):
            cut = index
            break
    new = [line for line in lines[:cut] if not line.lstrip().startswith(">")]
    quoted = lines[cut:] + [line for line in lines[:cut] if line.lstrip().startswith(">")]
    return "\n".join(new), "\n".join(quoted)


def understood_text(text: str) -> str:
    """What the customer wrote this time, for the understanding pipeline."""
    new, quoted = split_reply(text)
    fresh = _without_frame(new)
    if fresh:
        return fresh
    # A forward without a comment: the forwarded mail is what they want us to read.
    unquoted = "\n".join(re.sub(r"^\s*(?:>\s?)+", "", line) for line in quoted.split("\n"))
    return _without_frame(_drop_forward_headers(unquoted))


def _without_frame(text: str) -> str:
    lines = [line.rstrip() for line in text.split("\n")]
    while lines and not lines[0].strip():
        lines.pop(0)
    if lines and _GREETING.match(lines[0]):
        lines.pop(0)
    for index, line in enumerate(lines):
        if _SIGNATURE.match(line):
            lines = lines[:index]
            break
    body = [i for i, line in enumerate(lines) if line.strip()]
    for index in body[1:]:  # a closing needs something before it to close
        if _CLOSING.match(lines[index]) and index >= len(lines) - 8:
            lines = lines[:index]
            break
    return _squeeze("\n".join(lines)).strip()


def _drop_forward_headers(text: str) -> str:
    lines = text.split("\n")
    kept: list[str] = []
    in_header = False
    for line in lines:
        if _REPLY_HEADER.match(line):
            in_header = True
            continue
        if in_header and (
            _HEADER_BLOCK_START.match(line)
            or _HEADER_BLOCK_NEXT.match(line)
            or re.match(r"^\s*(cc|reply-to|antwoord aan)\s*:", line, re.I)
        ):
            continue
        in_header = False
        kept.append(line)
    return "\n".join(kept)


def starts_with_greeting(text: str) -> bool:
    first = next((line for line in text.split("\n") if line.strip()), "")
    return bool(_GREETING.match(first)) or bool(re.match(r"^\s*(?i:beste|dear|hallo|hi)\s", first))


def ends_with_closing(text: str) -> bool:
    lines = [line for line in text.split("\n") if line.strip()][-4:]
    return any(_CLOSING.match(line) for line in lines)


def clean_subject(subject: str) -> str:
    """The subject without "Re:"/"Fwd:"/"Antw:" prefixes and our token."""
    without = SUBJECT_TOKEN.sub("", subject or "")
    return re.sub(r"\s+", " ", _REPLY_PREFIX.sub("", without)).strip()


def message_text(email: ParsedEmail, *, new: bool) -> str:
    """What the understanding pipeline reads: a new mail's subject and fresh text; a reply's
    fresh text only (its subject only repeats the thread's)."""
    fresh = understood_text(email.body)
    subject = clean_subject(email.subject)
    if new and subject and subject.lower() not in fresh[:300].lower():
        text = f"{subject}\n\n{fresh}".strip()
    else:
        text = fresh or subject
    if not text.strip():
        names = ", ".join(a.filename or a.content_type for a in email.attachments[:5])
        text = f"({names})" if names else "(empty e-mail)"
    if len(text) > MAX_TEXT:
        text = text[:MAX_TEXT].rsplit(" ", 1)[0] + " […]"
    return text


def person_name(display: str | None) -> str | None:
    """A display name as a name: not an address, and "Jansen, Sophie" (Outlook) as "Sophie Jansen"."""
    if not display or "@" in display:
        return None
    last, comma, first = display.partition(",")
    if comma and first.strip() and "," not in first:
        return f"{first.strip()} {last.strip()}"
    return display.strip()[:200]
