from itertools import pairwise

import pytest

from samen.nlu.sentiment import (
    Trend,
    conversation_trend,
    frustration_signals,
    score_frustration,
    score_sentiment,
)


def frustration(text: str, language: str) -> float:
    return score_frustration(text, language, score_sentiment(text, language))


def label(text: str, language: str) -> str:
    return score_sentiment(text, language).label


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("Jullie service is waardeloos", "nl", "negative"),
        ("Wat een belachelijke en schandalige gang van zaken", "nl", "negative"),
        ("Kutbedrijf, alles is bagger", "nl", "negative"),
        ("Ik ben erg teleurgesteld in jullie", "nl", "negative"),
        ("Top, dank je wel voor de snelle hulp!", "nl", "positive"),
        ("Super geholpen, eindelijk werkt alles", "nl", "positive"),
        ("Ik ben heel tevreden", "nl", "positive"),
        ("Ik wil graag mijn adres wijzigen", "nl", "neutral"),
        ("Met vriendelijke groet, Jan de Vries", "nl", "neutral"),
        ("This is ridiculous, your service is useless", "en", "negative"),
        ("Worst provider ever, I'm fed up", "en", "negative"),
        ("Thanks a lot, that was really helpful", "en", "positive"),
        ("I would like to change my address please", "en", "neutral"),
        ("Kind regards, John", "en", "neutral"),
    ],
)
def test_that_the_sentiment_label_follows_the_words(
    text: str, language: str, expected: str
) -> None:
    assert label(text, language) == expected


@pytest.mark.parametrize(
    ("negated", "plain", "language"),
    [
        ("Ik ben niet tevreden", "Ik ben tevreden", "nl"),
        ("Dit is geen goede service", "Dit is een goede service", "nl"),
        ("I'm not happy with this", "I'm happy with this", "en"),
        ("It was never good", "It was good", "en"),
    ],
)
def test_that_a_negation_turns_praise_into_a_complaint(
    negated: str, plain: str, language: str
) -> None:
    assert label(plain, language) == "positive"
    assert label(negated, language) == "negative"


def test_that_a_negated_complaint_is_no_longer_negative() -> None:
    assert score_sentiment("Dat is niet slecht", "nl").score > 0
    assert score_sentiment("Not bad at all", "en").score > 0


def test_that_an_intensifier_makes_a_feeling_stronger() -> None:
    for strong, plain, language in [
        ("Het is heel erg slecht", "Het is slecht", "nl"),
        ("It is so very bad", "It is bad", "en"),
    ]:
        assert score_sentiment(strong, language).score < score_sentiment(plain, language).score


def test_that_an_inflected_or_misspelled_word_still_counts() -> None:
    assert label("waardeloze klantenservice", "nl") == "negative"
    assert label("superslechte service", "nl") == "negative"
    assert label("wat belachlijk dit", "nl") == "negative"
    assert label("rediculous service", "en") == "negative"
    assert label("slechttt", "nl") == "negative"


def test_that_the_score_stays_between_minus_one_and_one() -> None:
    text = "kut kut klote waardeloos belachelijk schandalig bagger " * 10
    assert -1.0 <= score_sentiment(text, "nl").score < -0.9


def test_that_a_neutral_question_is_not_frustrated() -> None:
    assert frustration("wanneer zijn jullie open?", "nl") < 0.1
    assert frustration("When are you open?", "en") < 0.1


def test_that_a_third_call_with_shouting_and_exclamations_is_very_frustrated() -> None:
    assert frustration("Dit is nu al de DERDE keer dat ik bel!!! Belachelijk", "nl") > 0.7
    assert frustration("This is the THIRD time I'm calling!!! Ridiculous", "en") > 0.7


@pytest.mark.parametrize(
    ("angry", "annoyed", "neutral", "language"),
    [
        (
            "Dit is nu al de DERDE keer dat ik bel!!! Belachelijk, ik zeg op",
            "Mijn internet werkt alweer niet, erg vervelend",
            "Kan ik mijn abonnement verlengen?",
            "nl",
        ),
        (
            "Kutbedrijf!!! Al 2 weken geen internet, ik stap over naar Ziggo",
            "Mijn pakket is nog steeds niet bezorgd",
            "Hoe laat komt de monteur?",
            "nl",
        ),
        (
            "For the third time: this is RIDICULOUS!!! I'm going to cancel",
            "My internet is down again, quite annoying",
            "Can you tell me my balance?",
            "en",
        ),
        (
            "I've been waiting for weeks, this is fucking useless!!",
            "Still no reply to my email",
            "What are your opening hours?",
            "en",
        ),
    ],
)
def test_that_angry_is_more_frustrated_than_annoyed_than_neutral(
    angry: str, annoyed: str, neutral: str, language: str
) -> None:
    scores = [frustration(t, language) for t in (angry, annoyed, neutral)]
    assert all(a > b for a, b in pairwise(scores)), scores
    assert scores[0] > 0.7
    assert scores[2] < 0.1


def test_that_shouting_adds_frustration() -> None:
    assert frustration("WAAROM WERKT MIJN INTERNET NIET", "nl") > frustration(
        "Waarom werkt mijn internet niet", "nl"
    )
    assert frustration("WHY IS MY INTERNET NOT WORKING", "en") > frustration(
        "Why is my internet not working", "en"
    )


def test_that_acronyms_are_not_shouting() -> None:
    text = "Mijn KPN IBAN staat op de PDF van de ACM"
    assert "shouting" not in frustration_signals(text, score_sentiment(text, "nl"))


def test_that_repeated_punctuation_adds_frustration() -> None:
    assert frustration("Waar blijft mijn pakket???", "nl") > frustration(
        "Waar blijft mijn pakket?", "nl"
    )


def test_that_delight_in_capitals_and_exclamations_is_not_frustration() -> None:
    assert frustration("DANK JE WEL!!! Super geholpen!!!", "nl") < 0.15
    assert frustration("THANK YOU SO MUCH!!!", "en") < 0.15


@pytest.mark.parametrize(
    ("text", "language", "signal"),
    [
        ("Ik heb al drie keer gebeld", "nl", "repeat"),
        ("Het is nog steeds niet opgelost", "nl", "repeat"),
        ("I'm writing for the fourth time", "en", "repeat"),
        ("Still not fixed", "en", "repeat"),
        ("ik wacht nu al 3 weken op een monteur", "nl", "waiting"),
        ("ze zouden terugbellen maar ik heb niks gehoord", "nl", "repeat"),
        ("ze vragen geld voor een factuur die ik al betaald heb", "nl", "repeat"),
        ("slechtste provider ooit, ik ben weg", "nl", "leaving"),
        ("nou, bedankt voor niks hoor", "nl", "sarcasm"),
        ("Ik heb al 2 weken geen internet", "nl", "waiting"),
        ("I have been without a connection for weeks", "en", "waiting"),
        ("Ik zeg mijn abonnement op", "nl", "leaving"),
        ("Dan ga ik overstappen naar Odido", "nl", "leaving"),
        ("I'm going to switch provider", "en", "leaving"),
        ("Ik wil een echte medewerker spreken", "nl", "person"),
        ("Let me talk to a human", "en", "person"),
        ("Super hoor, weer een storing", "nl", "sarcasm"),
        ("Thanks for nothing", "en", "sarcasm"),
        ("Klotezooi", "nl", "profanity"),
        ("What the hell is going on", "en", "profanity"),
    ],
)
def test_that_each_frustration_signal_is_recognised(text: str, language: str, signal: str) -> None:
    assert signal in frustration_signals(text, score_sentiment(text, language))


def test_that_a_weaker_cue_does_not_hide_a_stronger_one_inside_it() -> None:
    # "wacht nu al" (0.6) must not swallow "al 3 weken" (0.8)
    text = "ik wacht nu al 3 weken"
    assert frustration_signals(text, score_sentiment(text, "nl"))["waiting"] == 0.8


def test_that_a_fixed_problem_is_not_a_repeat_complaint() -> None:
    text = "Dank u wel, het werkt weer"
    assert "repeat" not in frustration_signals(text, score_sentiment(text, "nl"))
    assert frustration("Thank you, it works again", "en") < 0.1


def test_that_the_illness_is_not_a_curse() -> None:
    text = "Mijn moeder heeft kanker"
    assert "profanity" not in frustration_signals(text, score_sentiment(text, "nl"))


def test_that_frustration_stays_between_zero_and_one() -> None:
    text = "KUT!!! AL 3 WEKEN!!! DERDE KEER!!! IK ZEG OP!!! MEDEWERKER SPREKEN!!! Lekker dan"
    assert 0.95 < frustration(text, "nl") <= 1.0
    assert frustration("", "nl") == 0.0


def test_that_rising_frustration_is_escalating() -> None:
    trend = conversation_trend([0.1, 0.3, 0.5])
    assert trend == Trend(
        mean=pytest.approx(0.3), last=0.5, slope=pytest.approx(0.2), escalating=True
    )


def test_that_a_high_last_message_above_the_mean_is_escalating() -> None:
    assert conversation_trend([0.2, 0.1, 0.7]).escalating
    assert conversation_trend([0.0, 0.0, 0.0, 0.0, 0.65]).escalating


def test_that_steady_or_calming_frustration_is_not_escalating() -> None:
    assert not conversation_trend([0.8, 0.7, 0.6]).escalating
    assert not conversation_trend([0.2, 0.2, 0.2]).escalating
    assert not conversation_trend([0.9, 0.9, 0.9, 0.7]).escalating
    assert conversation_trend([0.8, 0.7, 0.6]).slope == pytest.approx(-0.1)


def test_that_a_tiny_rise_is_noise_not_escalation() -> None:
    assert not conversation_trend([0.01, 0.02, 0.03]).escalating


def test_that_a_short_or_empty_conversation_has_a_trend() -> None:
    assert conversation_trend([]) == Trend(mean=0.0, last=0.0, slope=0.0, escalating=False)
    assert conversation_trend([0.3]) == Trend(mean=0.3, last=0.3, slope=0.0, escalating=False)
    assert conversation_trend([0.7]).escalating is False
    assert conversation_trend([0.2, 0.9]).escalating
