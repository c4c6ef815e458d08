"""The intent classifier on a small data set a company might write in an afternoon."""

from __future__ import annotations

import time

import numpy as np
import pytest

from samen.clock import SystemClock
from samen.nlu.embeddings import UseEncoder
from samen.nlu.intents import IntentClassifier, IntentModelConfig
from samen.nlu.language import LanguageDetector
from samen.nlu.models import OUT_OF_SCOPE
from samen.nlu.pipeline import NoModel, Understanding
from samen.nlu.store import ModelStore
from samen.nlu.train import train_model
from samen.nlu.training_data import Example, TrainingData
from samen.nlu.typos import typo_copies

EXAMPLES = {
    "opening_hours": [
        "hoe laat zijn jullie open", "wanneer gaat de winkel open", "zijn jullie zaterdag open",
        "what are your opening hours", "when do you open on sunday", "tot hoe laat kan ik bellen",
    ],
    "order_status": [
        "waar blijft mijn bestelling", "is mijn pakket al verzonden", "where is my order",
        "my package has not arrived yet", "wanneer wordt mijn bestelling bezorgd", "track my order",
    ],
    "human_handoff": [
        "ik wil een mens spreken", "mag ik een medewerker", "can I talk to a person",
        "I want a human agent", "verbind me door met iemand", "real person please",
    ],
    "out_of_scope": [
        "wat voor weer wordt het morgen", "vertel een mop", "who won the football match",
        "recept voor pannenkoeken", "how tall is the eiffel tower", "hoeveel is 17 keer 23",
    ],
}  # fmt: skip


@pytest.fixture(scope="module")
def encoder() -> UseEncoder:
    return UseEncoder()


@pytest.fixture(scope="module")
def small_data() -> TrainingData:
    return TrainingData([Example(t, i) for i, texts in EXAMPLES.items() for t in texts])


@pytest.fixture(scope="module")
def model(small_data, encoder):
    return train_model(small_data, encoder)


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("om hoe laat gaan jullie dicht vandaag", "opening_hours"),
        ("ik wacht nog steeds op mijn pakketje", "order_status"),
        ("could I speak to somebody please", "human_handoff"),
    ],
)
def test_that_unseen_phrasings_are_understood_from_a_few_examples(model, text, intent):
    assert model.classifier.predict([text]) == [intent]


def test_that_nonsense_is_out_of_scope(model):
    assert model.classifier.predict(["xqzt vlorp grmbl"]) == [OUT_OF_SCOPE]


def test_that_a_word_typed_with_letters_held_down_is_still_a_known_word(model):
    assert model.classifier.predict(["bestellinggg??"]) == ["order_status"]


@pytest.mark.parametrize(
    "text", ["WAAR BLIJFT MIJN PAKKET NOU", "IK WIL EEN MENS SPREKEN!!!", "WHERE IS MY ORDER"]
)
def test_that_a_shouted_message_is_understood_as_the_same_message_typed_quietly(model, text):
    shouted, quiet = model.classifier.probabilities([text, text.lower()])
    assert shouted == pytest.approx(quiet)


def test_that_confidences_are_probabilities_and_the_ranking_is_ordered(model):
    best, ranking = model.classifier.rank(["waar is mijn bestelling"])[0]
    assert 0.0 <= best.confidence <= 1.0
    assert [r.confidence for r in ranking] == sorted((r.confidence for r in ranking), reverse=True)
    assert sum(model.classifier.probabilities(["waar is mijn bestelling"])[0]) == pytest.approx(1.0)


def test_that_the_model_is_stored_with_version_data_hash_and_evaluation(
    model, small_data, tmp_path
):
    store = ModelStore(tmp_path)
    version = store.save(model)
    meta = store.versions()[0]
    assert meta["version"] == version == store.current_version()
    assert meta["data_hash"] == small_data.digest()
    assert set(meta["calibration"]["held_out"]) >= {"in_scope_accuracy", "oos_recall"}


def test_that_a_running_pipeline_picks_up_a_new_model_without_restart(model, encoder, tmp_path):
    store = ModelStore(tmp_path, encoder, poll_seconds=0.0)
    understanding = Understanding(store.current, LanguageDetector(), SystemClock())
    with pytest.raises(NoModel):
        understanding.parse("hoi")
    first = store.save(model)
    assert understanding.parse("waar is mijn pakket").signals["model_version"] == first
    time.sleep(0.001)
    second = store.save(model)
    assert understanding.parse("waar is mijn pakket").signals["model_version"] == second != first


def test_that_a_parse_has_the_shape_of_the_public_contract(model, encoder, tmp_path):
    store = ModelStore(tmp_path, encoder)
    store.save(model)
    result = (
        Understanding(store.current, LanguageDetector(), SystemClock())
        .parse("Mijn bestelling ORD-2026-004512 is nog steeds niet binnen!!")
        .as_dict()
    )
    assert set(result) >= {
        "language",
        "intent",
        "ranking",
        "entities",
        "sentiment",
        "frustration",
        "sensitive",
    }
    assert result["language"] == "nl"
    assert result["entities"][0]["type"] == "order_number"
    assert set(result["sentiment"]) == {"score", "label"}


def test_that_training_reports_its_progress(small_data, encoder):
    steps: list[str] = []
    train_model(small_data, encoder, progress=lambda step, _fraction: steps.append(step))
    assert steps[0] == "embedding" and steps[-1] == "done"


def test_that_a_word_with_one_typo_is_not_taken_for_an_unknown_word(model):
    assert model.classifier.predict(["medewerkerr"]) == ["human_handoff"]


def test_that_examples_given_for_calibration_also_teach_the_final_model(small_data, encoder):
    tune = TrainingData(
        [
            Example("wanneer is de klantenservice bereikbaar", "opening_hours"),
            Example("is mijn order onderweg", "order_status"),
            Example("geef me een echte medewerker", "human_handoff"),
            Example("hoe oud is de koning", "out_of_scope"),
            Example("xylofoonles voor beginners", "music_lessons"),  # an intent training lacks
        ]
    )
    classifier = train_model(small_data, encoder, tune=tune).classifier
    vocabulary = classifier._words.vocabulary_
    assert "klantenservice" in vocabulary and "koning" in vocabulary
    assert "xylofoonles" not in vocabulary and "music_lessons" not in classifier.classes


def test_that_the_model_reads_chat_shorthand_as_the_words_it_stands_for(model, encoder):
    shorthand = model.classifier.embed(["mn ww werkt nie"])
    written_out = encoder.encode(["mijn wachtwoord werkt niet"])
    assert np.allclose(shorthand, written_out, atol=1e-6)


def test_that_only_examples_in_a_typo_language_are_copied_with_typing_slips(encoder):
    texts = ["waar blijft mijn bestelling", "where is my order", "hoe laat zijn jullie open"]
    labels = np.asarray(["order_status", "order_status", "opening_hours"])
    classifier = IntentClassifier(encoder, IntentModelConfig(typo_copies=2))
    slips = classifier._slips(texts, labels, ["nl", "en", "nl"])
    assert slips.texts == [*typo_copies(texts[0], 2), *typo_copies(texts[2], 2)]
    assert slips.origin.tolist() == [0, 0, 2, 2]
    assert slips.labels.tolist() == ["order_status"] * 2 + ["opening_hours"] * 2
    assert np.allclose(slips.vectors, classifier.embed(slips.texts))
    # a cross-validation fold that holds example 2 out holds its slips out with it
    assert slips.of(np.asarray([0, 1])).texts == typo_copies(texts[0], 2)


def test_that_typing_slips_change_what_the_model_learned_but_not_its_vocabulary(encoder):
    data = TrainingData([Example(t, i, "nl") for i, texts in EXAMPLES.items() for t in texts])
    plain = train_model(data, encoder, config=IntentModelConfig(typo_copies=0)).classifier
    slipped = train_model(data, encoder, config=IntentModelConfig(typo_copies=2)).classifier
    assert plain._words.vocabulary_ == slipped._words.vocabulary_
    assert not np.allclose(plain._svm.coef_, slipped._svm.coef_)
