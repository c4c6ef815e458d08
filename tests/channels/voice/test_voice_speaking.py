"""Spoken versions of written answers, and what callers say or key made readable."""

from __future__ import annotations

from datetime import date

import pytest
from twilio_phone import check_twiml

from samen.channels.voice.heard import keypad_text, normalise_transcript
from samen.channels.voice.numbers import money, words
from samen.channels.voice.speech import prompt_for
from samen.channels.voice.spoken import speakable
from samen.tenant import Tenant


@pytest.mark.parametrize(
    ("n", "nl", "en"),
    [
        (21, "eenentwintig", "twenty-one"),
        (22, "tweeëntwintig", "twenty-two"),
        (54, "vierenvijftig", "fifty-four"),
        (100, "honderd", "one hundred"),
        (2026, "tweeduizend zesentwintig", "two thousand twenty-six"),
    ],
)
def test_that_numbers_are_said_in_words(n, nl, en):
    assert words(n, "nl") == nl
    assert words(n, "en") == en


def test_that_amounts_are_said_as_euros():
    assert money(54, 95, "nl") == "vierenvijftig euro vijfennegentig"
    assert money(54, 95, "en") == "fifty-four euros and ninety-five cents"
    assert speakable("Het kost €54,95 per maand.", "nl") == [
        "Het kost vierenvijftig euro vijfennegentig per maand."
    ]


def test_that_order_numbers_are_read_digit_by_digit():
    [said] = speakable("Je bestelling ORD-2026-004512 is onderweg.", "nl")
    assert said == "Je bestelling O R D, twee nul twee zes, nul nul vier vijf één twee is onderweg."


def test_that_iso_dates_and_times_are_said_as_a_person_would():
    said = speakable("Monteur op 2026-11-24 om 14:00.", "nl", today=date(2026, 11, 20))
    assert said == ["Monteur op dinsdag 24 november om 14 uur."]
    assert speakable("Open until 18:30.", "en") == ["Open until 6:30 PM."]


def test_that_links_sources_and_typing_instructions_are_not_read_aloud():
    text = (
        "Bekijk https://polderlink.nl/winkels voor alles. Typ 'medewerker' voor een mens. "
        "Klopt dat? (ja/nee)\n\nBron: Winkels"
    )
    assert speakable(text, "nl") == ["Zeg 'medewerker' voor een mens.", "Klopt dat?"]


def test_that_long_answers_are_cut_short_and_slow_speech_is_in_short_pieces():
    long = " ".join(
        f"Dit is zin nummer {i} van een lang artikel over glasvezel." for i in range(30)
    )
    assert sum(map(len, speakable(long, "nl"))) <= 320
    assert speakable("Eerst dit, dan dat: klaar.", "nl", slow=True) == [
        "Eerst dit",
        "dan dat",
        "klaar.",
    ]


@pytest.mark.parametrize(
    ("heard", "text"),
    [
        ("mijn bestelnummer is ORD 2026 004512", "mijn bestelnummer is ORD-2026-004512"),
        ("Mijn bestelnummer is O R D 2026 004512.", "Mijn bestelnummer is ORD-2026-004512."),
        ("o-r-d twee nul twee zes nul nul vier vijf een twee", "ORD-2026-004512"),
        ("My order number in ORD-2026-004512.", "My order number in ORD-2026-004512."),
        ("klantnummer P L 104 233", "klantnummer PL-104233"),
        ("ik heb een vraag over een factuur", "ik heb een vraag over een factuur"),
    ],
)
def test_that_spoken_identifiers_are_written_as_the_bot_knows_them(heard, text):
    assert normalise_transcript(heard) == text


def test_that_keyed_digits_become_the_number_the_bot_waits_for():
    assert keypad_text("2026004512", "order_number") == "ORD-2026-004512"
    assert keypad_text("104233#", "customer_number") == "PL-104233"
    assert keypad_text("104233", None) == "PL-104233"
    assert keypad_text("12", None) == "12"


def test_that_twiml_checks_refuse_what_twilio_would_refuse():
    with pytest.raises(AssertionError):
        check_twiml("<Response><Speak>hallo</Speak></Response>")
    with pytest.raises(AssertionError):
        check_twiml('<Response><Gather input="speech"><Dial>+31</Dial></Gather></Response>')
    with pytest.raises(AssertionError):
        check_twiml('<Response><Say rate="slow">hallo</Say></Response>')


def test_that_the_recogniser_expects_the_words_the_tenant_names_in_its_configuration(tmp_path):
    (tmp_path / "tenant.yml").write_text(
        "name: Acme\nvoice:\n  vocabulary:\n    nl: 'Klantenservice Acme: glasvezel, modem.'\n"
    )
    vocabulary = Tenant.load(tmp_path).speech_vocabulary
    assert prompt_for("nl", "order_number", vocabulary).startswith("Klantenservice Acme")
    assert "bestelnummer" in prompt_for("nl", "order_number", vocabulary)
    # where the tenant names nothing for a language, a neutral prompt without a company name
    assert prompt_for("en", None, vocabulary).startswith("Customer service:")
