"""Language detection, also on the very short messages customers send."""

from __future__ import annotations

import pytest

from samen.nlu.language import LanguageDetector


@pytest.fixture(scope="module")
def detector() -> LanguageDetector:
    return LanguageDetector(("nl", "en"))


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Hoi", "nl"),
        ("hi", "en"),
        ("dank je", "nl"),
        ("thanks!", "en"),
        ("mn wifi doet raar sinds gister", "nl"),
        ("kan ik ff iemand spreken", "nl"),
        ("where is my package", "en"),
        ("my internet is not working since yesterday", "en"),
        ("Waar blijft mijn pakket? Ik wacht al een week", "nl"),
    ],
)
def test_that_dutch_and_english_are_told_apart(detector, text, language):
    assert detector.detect(text) == language


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Wo ist mein Paket? Ich warte schon seit Tagen darauf", "de"),
        ("Bonjour, je voudrais résilier mon abonnement internet", "fr"),
        ("Mi internet no funciona desde ayer, ayuda por favor", "es"),
        ("merhaba internetim calismiyor yardim edin lutfen", "tr"),
        ("meine Nummer ist +49 151 23456789", "de"),
        ("Guten Morgen", "de"),
        ("Bonjour", "fr"),
        ("Merhaba", "tr"),
        ("Dzień dobry", "pl"),
    ],
)
def test_that_other_languages_are_reported_not_misread_as_dutch(detector, text, language):
    assert detector.detect(text) == language


@pytest.mark.parametrize("text", ["ok", "👍", "PL-104233", "3511 AB"])
def test_that_a_message_without_language_follows_the_conversation(detector, text):
    assert detector.detect(text, hint="en") == "en"
    assert detector.detect(text, hint="nl") == "nl"


@pytest.mark.parametrize(("text", "language"), [("opening times", "en"), ("storing?", "nl")])
def test_that_a_short_message_without_context_or_cue_words_is_read_by_the_detector_when_sure(
    detector, text, language
):
    assert detector.detect(text) == language


@pytest.mark.parametrize("text", ["thx", "merci", "ciao"])
def test_that_a_short_word_dutch_customers_use_too_stays_dutch_without_context(detector, text):
    assert detector.detect(text) == "nl"
