"""Reading mail: text from HTML, what is new in a reply, charsets, limits, threads and triage."""

from __future__ import annotations

import pytest

from samen.channels.email.loops import answerable_address, automatic_reasons
from samen.channels.email.parsing import MAX_DEPTH, parse_email
from samen.channels.email.plaintext import html_to_text, understood_text
from samen.channels.email.threads import clean_subject, reply_subject, subject_token
from samen.channels.email.triage import triage


def mail(*headers: str, body: str = "Hallo") -> bytes:
    return ("\r\n".join(headers) + "\r\n\r\n" + body).encode()


def test_that_html_becomes_clean_text_without_markup_scripts_or_styles() -> None:
    text = html_to_text(
        "<html><head><style>p{color:red}</style><script>track()</script></head><body>"
        "<p>Beste&nbsp;Polderlink,</p><p>Mijn <b>factuur</b> is te hoog.<br>Zie "
        '<a href="https://mijn.example/f/1">mijn factuur</a>.</p><ul><li>november</li>'
        "<li>december</li></ul></body></html>"
    )
    assert text == (
        "Beste Polderlink,\n\nMijn factuur is te hoog.\nZie mijn factuur (https://mijn.example/f/1)."
        "\n\n- november\n- december"
    )


@pytest.mark.parametrize(
    "quote_header",
    [
        "Op ma 23 nov 2026 om 10:00 schreef Polderlink <klantenservice@polderlink.example>:",
        "On Mon, 23 Nov 2026 at 10:00, Polderlink <klantenservice@polderlink.example> wrote:",
        "Op 23 nov. 2026 om 10:00 heeft Polderlink <k@polderlink.example> het volgende geschreven:",
        "-----Oorspronkelijk bericht-----",
        "-----Original Message-----",
        "________________________________",
    ],
)
def test_that_a_quoted_earlier_mail_is_not_read_as_new(quote_header: str) -> None:
    body = f"Hoi,\n\nHet werkt nog steeds niet.\n\nGroet,\nAnna\n\n{quote_header}\n> Herstart je modem."
    assert understood_text(body) == "Het werkt nog steeds niet."


def test_that_an_outlook_header_block_starts_the_quoted_mail() -> None:
    body = (
        "Dat klopt niet.\n\nVan: Polderlink <k@polderlink.example>\nVerzonden: vrijdag 20 november\n"
        "Aan: Anna\nOnderwerp: Factuur\n\nJe factuur is € 89."
    )
    assert understood_text(body) == "Dat klopt niet."


def test_that_signatures_and_closings_are_left_out_but_a_thank_you_mail_is_kept() -> None:
    assert (
        understood_text("Waar blijft mijn modem?\n\nVerstuurd vanaf mijn iPhone")
        == "Waar blijft mijn modem?"
    )
    assert (
        understood_text("Waar blijft mijn modem?\n-- \nAnna de Vries\n06-12345678")
        == "Waar blijft mijn modem?"
    )
    assert understood_text("Kind regards,\nJohn") == "Kind regards,\nJohn"  # nothing before it
    assert understood_text("Bedankt voor de snelle hulp!") == "Bedankt voor de snelle hulp!"


def test_that_a_forward_without_a_comment_is_read_for_what_it_forwards() -> None:
    body = (
        "---------- Forwarded message ---------\nVan: Webshop <w@example.nl>\nDate: vandaag\n\n"
        "Uw modem is onderweg."
    )
    assert understood_text(body) == "Uw modem is onderweg."


def test_that_mislabelled_and_unknown_charsets_are_read_and_reported() -> None:
    raw = (
        b"From: =?x-unknown?q?Jos=E9?= <jose@example.nl>\r\nSubject: =?utf-8?b?Q2Fmw6k=?=\r\n"
        b"Content-Type: text/plain; charset=iso-8859-1\r\n\r\n" + "café “ok”".encode()
    )
    parsed = parse_email(raw)
    assert parsed.subject == "Café"
    assert parsed.body == "café “ok”"
    assert "text labelled iso-8859-1 was UTF-8" in parsed.problems
    latin = parse_email(b"Content-Type: text/plain; charset=iso-8859-1\r\n\r\ncaf\xe9")
    assert latin.body == "café" and not latin.problems


def test_that_a_monstrous_header_and_deep_nesting_are_cut_and_reported_not_fatal() -> None:
    depth = MAX_DEPTH + 10
    parts = "".join(
        f'--b{i}\r\nContent-Type: multipart/mixed; boundary="b{i + 1}"\r\n\r\n'
        for i in range(depth)
    )
    parts += f"--b{depth}\r\nContent-Type: text/plain\r\n\r\ndiep\r\n"
    parts += "".join(f"--b{i}--\r\n" for i in reversed(range(depth + 1)))
    raw = mail(
        "From: a@example.nl",
        "Subject: Hoi",
        "X-Junk: " + "\r\n ".join(["x" * 70] * 2000),
        'Content-Type: multipart/mixed; boundary="b0"',
        body=parts,
    )
    parsed = parse_email(raw)
    assert parsed.sender == "a@example.nl" and parsed.subject == "Hoi"
    assert parsed.incomplete and any("nested deeper" in p for p in parsed.problems)
    assert any("were cut" in p for p in parsed.problems)


def test_that_attachments_are_recorded_by_name_type_and_size_without_reading_them() -> None:
    raw = mail(
        "From: a@example.nl",
        'Content-Type: multipart/mixed; boundary="x"',
        body="--x\r\nContent-Type: text/plain\r\n\r\nZie bijlage\r\n--x\r\nContent-Type: application/pdf\r\n"
        'Content-Disposition: attachment; filename="f.pdf"\r\nContent-Transfer-Encoding: base64\r\n\r\n'
        + "QUJD" * 100
        + "\r\n--x--\r\n",
    )
    parsed = parse_email(raw)
    assert parsed.body == "Zie bijlage"
    assert [(a.filename, a.content_type, a.size) for a in parsed.attachments] == [
        ("f.pdf", "application/pdf", 300)
    ]


def test_that_garbage_is_reported_unreadable_rather_than_raising() -> None:
    for raw in (b"", b"\x00\xff\xfe", b"Content-Type: multipart/mixed; boundary=q\r\n\r\n\xff"):
        assert parse_email(raw).unreadable


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        (("From: a@example.nl", "Auto-Submitted: auto-replied"), "auto-reply"),
        (("From: a@example.nl", "Precedence: junk"), "bulk"),
        (("From: a@example.nl", "List-Unsubscribe: <mailto:u@example.nl>"), "mailing list"),
        (("From: MAILER-DAEMON@mx.example.nl",), "bounce"),
        (("From: no-reply@shop.example",), "noreply"),
        (("From: Klantenservice <KLANTENSERVICE@polderlink.example>",), "our own address"),
        (("From: a@example.nl", "Subject: Out of Office: vakantie"), "auto-reply"),
    ],
)
def test_that_automatic_mail_is_recognised(headers: tuple[str, ...], reason: str) -> None:
    reasons = automatic_reasons(parse_email(mail(*headers)), {"klantenservice@polderlink.example"})
    assert any(reason in r for r in reasons), reasons


def test_that_a_person_writing_is_not_automatic_and_can_be_answered() -> None:
    parsed = parse_email(
        mail("From: Anna <anna@example.nl>", "Auto-Submitted: no", "Subject: Re: Factuur")
    )
    assert automatic_reasons(parsed, {"klantenservice@polderlink.example"}) == []
    assert answerable_address("anna@example.nl", set())
    assert not answerable_address("noreply@example.nl", set())


def test_that_subjects_keep_their_thread_token_and_lose_reply_prefixes() -> None:
    assert clean_subject("Re: AW: Antw: Fwd: Factuur [#k7d3xq2m]") == "Factuur"
    assert subject_token("Antw: Factuur [#K7D3XQ2M]") == "k7d3xq2m"
    assert reply_subject("RE: Factuur", "k7d3xq2m") == "Re: Factuur [#k7d3xq2m]"
    assert reply_subject("", "k7d3xq2m", fallback="Je vraag") == "Re: Je vraag [#k7d3xq2m]"


def _understood(intent: str, confidence: float = 0.95, **extra: object) -> dict[str, object]:
    return {
        "intent": {"name": intent, "confidence": confidence},
        "language": "nl",
        "text": "",
        **extra,
    }


@pytest.mark.parametrize(
    ("understanding", "route", "subject", "urgency"),
    [
        (
            _understood("invoice_complaint"),
            {"priority": "normal", "handler": "human"},
            "Factuur",
            "normal",
        ),
        (
            _understood("invoice_complaint"),
            {"priority": "high", "rules": ["repeat_contact"]},
            "",
            "high",
        ),
        (_understood("invoice_complaint"), None, "SPOED: factuur", "high"),
        (_understood("complaint", sensitive=[{"type": "legal_threat"}]), None, "", "high"),
        (_understood("tech_support", text="We hebben geen internet"), None, "", "high"),
        (_understood("outage_check"), None, "Storing?", "high"),
        (_understood("opening_hours"), {"handler": "bot"}, "Openingstijden", "low"),
        (_understood("goodbye"), None, "Bedankt", "low"),
        (_understood("order_status"), {"handler": "bot"}, "Bestelling", "normal"),
    ],
)
def test_that_urgency_follows_routing_signals_and_wording(
    understanding: dict[str, object], route: dict[str, object] | None, subject: str, urgency: str
) -> None:
    verdict = triage(understanding, route, subject=subject)
    assert verdict.urgency == urgency and verdict.reasons


def test_that_automatic_mail_is_never_urgent_whatever_it_says() -> None:
    verdict = triage(
        _understood("complaint", text="URGENT"), None, subject="urgent", automatic=["auto-reply"]
    )
    assert verdict.urgency == "low"
