"""Training data in Samen's YAML, Rasa's nlu.yml, CSV and CLINC-style JSON."""

from __future__ import annotations

import json
from collections import Counter
from difflib import SequenceMatcher
from pathlib import Path

import pytest

from samen.errors import ConfigError
from samen.nlu.training_data import load, load_many, parse_annotated

DATA = Path(__file__).parent / "data"


def test_that_rasa_annotations_become_plain_text_with_entities():
    text, entities = parse_annotated(
        'wat kost [glas duizend]{"entity": "plan", "value": "Glas 1000"} nu'
    )
    assert text == "wat kost glas duizend nu"
    assert entities[0].type == "plan" and entities[0].value == "Glas 1000"
    assert text[entities[0].start : entities[0].end] == "glas duizend"


def test_that_a_rasa_file_keeps_intents_languages_entities_and_synonyms():
    data = load(DATA / "rasa_nlu.yml")
    assert data.counts() == {"order_status": 3, "pricing": 2, "greeting": 2}
    first = data.examples[0]
    assert first.text == "waar is mijn bestelling ORD-2026-004512"
    assert first.entities[0].type == "order_number"
    assert {e.language for e in data.examples if e.intent == "pricing"} == {"nl"}
    assert data.synonyms["gigabit"] == "Glas 1000"
    assert data.synonyms["glas duizend"] == "Glas 1000"


def test_that_a_csv_with_text_and_intent_columns_is_read():
    data = load(DATA / "examples.csv")
    assert data.labels() == ["opening_hours", "opening_hours", "human_handoff"]


def test_that_samen_yaml_accepts_one_language_per_file_or_per_intent(tmp_path):
    (tmp_path / "a.yml").write_text("language: nl\nintents:\n  greeting: [hoi, hallo]\n")
    (tmp_path / "b.yml").write_text("intents:\n  greeting:\n    en: [hi]\n    nl: [dag]\n")
    data = load(tmp_path)
    assert sorted((e.language, e.text) for e in data.examples) == [
        ("en", "hi"), ("nl", "dag"), ("nl", "hallo"), ("nl", "hoi"),
    ]  # fmt: skip


def test_that_benchmark_json_splits_are_chosen_and_oos_is_out_of_scope(tmp_path):
    path = tmp_path / "clinc.json"
    path.write_text(
        json.dumps({"train": [["hi", "greeting"]], "oos_train": [["what is love", "oos"]]})
    )
    data = load(f"{path}#train+oos_train")
    assert data.labels() == ["greeting", "out_of_scope"]


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("just a string", "expected a mapping"),
        ("other: {}", "'intents:'"),
        ("intents: [", "not valid YAML"),
    ],
)
def test_that_broken_training_files_get_a_clear_error(tmp_path, content, problem):
    path = tmp_path / "bad.yml"
    path.write_text(content)
    with pytest.raises(ConfigError) as error:
        load(path)
    assert problem in error.value.message


def test_that_no_examples_at_all_is_refused(tmp_path):
    with pytest.raises(ConfigError):
        load_many([])


def test_that_the_data_hash_changes_with_the_examples(tmp_path):
    (tmp_path / "a.yml").write_text("intents:\n  greeting: [hoi]\n")
    before = load(tmp_path).digest()
    (tmp_path / "a.yml").write_text("intents:\n  greeting: [hoi, hallo]\n")
    assert load(tmp_path).digest() != before


def _words(text: str) -> list[str]:
    return "".join(c if c.isalnum() else " " for c in text.lower()).split()


def test_that_no_held_out_demo_message_is_also_a_training_example_or_nearly():
    """Not the same words, and not the same sentence with a word or two changed (held-out and
    the blind test set alike)."""
    folder = Path(__file__).parents[2] / "src" / "samen" / "demo" / "nlu"
    training = [_words(t) for t in load_many(sorted(folder.glob("train*.yml"))).texts()]
    held_out = load_many(
        [*sorted(folder.glob("heldout*.yml")), *sorted(folder.glob("blind*.yml"))]
    ).texts()
    with_word: dict[str, list[int]] = {}
    for i, words in enumerate(training):
        for word in set(words):
            with_word.setdefault(word, []).append(i)

    too_close = []
    for text in held_out:
        words = _words(text)
        shared = Counter(i for word in set(words) for i in with_word.get(word, []))
        for i, count in shared.items():
            if count < len(set(words)) * 0.7:
                continue  # too few words in common to be as close as that
            if training[i] == words or (
                len(words) >= 4
                and SequenceMatcher(None, words, training[i], autojunk=False).ratio() >= 0.85
            ):
                too_close.append((text, " ".join(training[i])))
    assert too_close == []
