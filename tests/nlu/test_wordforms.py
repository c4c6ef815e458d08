"""The intent model's lemma view: informal Dutch and inflections folded to dictionary forms."""

import pytest

from samen.nlu.wordforms import lemma_ngrams, lemmas, spelled_out, unshouted, unstretched


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("wanneer komt mn pakketje nou", ["wanneer", "komen", "mijn", "pakket", "nou"]),
        ("m'n facturen", ["mijn", "factuur"]),
        ("kun je ff kijken", ["kunnen", "je", "even", "kijken"]),
        ("my packages were delivered", ["my", "package", "be", "deliver"]),
    ],
)
def test_that_informal_and_inflected_words_become_their_dictionary_form(text, expected):
    assert lemmas(text) == expected


def test_that_numbers_count_as_one_shape_not_as_themselves():
    assert lemmas("ORD 2026 004512") == lemmas("ORD 2025 000001")


def test_that_lemma_pairs_follow_the_lemmas():
    assert lemma_ngrams("mn pakketten") == ["mijn", "pakket", "mijn pakket"]


@pytest.mark.parametrize(
    ("text", "verb"),
    [
        ("ik verzoek u mijn abonnement op te zeggen", "opzeggen"),
        ("mag ik de achterstand af te lossen", "aflossen"),
        ("ik wens de factuur aan te vechten", "aanvechten"),
    ],
)
def test_that_a_separable_verb_split_by_te_counts_as_the_verb(text, verb):
    assert verb in lemmas(text)


def test_that_te_between_a_particle_and_a_non_verb_joins_nothing():
    assert lemmas("ik ga op te vakantie") == ["ik", "ga", "op", "te", "vakantie"]


@pytest.mark.parametrize("word", ["yo", "hoii", "hallootjes"])
def test_that_informal_greetings_count_as_hallo(word):
    assert lemmas(word) == ["hallo"]


def test_that_a_word_typed_with_letters_held_down_is_also_read_without_them():
    assert unstretched("jooo") == ["jooo", "joo", "jo"]
    assert unstretched("laterrr") == ["laterrr", "laterr", "later"]
    assert unstretched("hallo") == ["hallo"]


def test_that_chat_shorthand_is_written_out_for_the_sentence_encoder():
    assert spelled_out("mn ww werkt nie, kun je m'n Abbo ff checken pls") == (
        "mijn wachtwoord werkt niet, kun je mijn abonnement even checken please"
    )


@pytest.mark.parametrize("text", ["k weet het niet", "info over tv", "hoi, da's t", "Hi there"])
def test_that_shorthand_which_is_also_a_word_or_a_greeting_stays_as_written(text):
    assert spelled_out(text) == text


def test_that_a_message_in_capitals_is_read_in_lower_case_and_one_shouted_word_is_not():
    assert unshouted("WAAR BLIJFT MIJN MONTEUR,AL 2 KEER AFGESPROKEN") == (
        "waar blijft mijn monteur,al 2 keer afgesproken"
    )
    assert unshouted("ik wil NU iemand spreken over ORD-2026-004512") == (
        "ik wil NU iemand spreken over ORD-2026-004512"
    )
    assert unshouted("OK") == "OK"
