"""A model that reads messages with multilingual-e5-small beside the sentence encoder."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from samen.cli.main import app
from samen.clock import SystemClock
from samen.nlu.embeddings import UseEncoder, shared_e5_encoder
from samen.nlu.intents import IntentModelConfig
from samen.nlu.language import LanguageDetector
from samen.nlu.pipeline import Understanding
from samen.nlu.train import train_model
from samen.nlu.training_data import Example, TrainingData

EXAMPLES = {
    "change_address": [
        "ik ga verhuizen", "mijn adres is veranderd", "nieuw adres doorgeven",
        "I am moving house", "please update my address", "we verhuizen volgende maand",
    ],
    "reset_password": [
        "ik ben mijn wachtwoord vergeten", "ik kan niet inloggen", "wachtwoord resetten",
        "I forgot my password", "can't log in to my account", "nieuw wachtwoord aanvragen",
    ],
    "out_of_scope": [
        "wat voor weer wordt het morgen", "vertel een mop", "who won the football match",
        "recept voor pannenkoeken", "how tall is the eiffel tower", "hoeveel is 17 keer 23",
    ],
}  # fmt: skip

DATA = TrainingData([Example(t, i) for i, texts in EXAMPLES.items() for t in texts])


@pytest.fixture(scope="module")
def encoder() -> UseEncoder:
    return UseEncoder()


@pytest.fixture(scope="module")
def e5_model(encoder):
    return train_model(DATA, encoder, config=IntentModelConfig.with_e5())


def test_that_an_e5_model_reads_both_encoders_and_understands(e5_model, encoder):
    vectors = e5_model.classifier.embed(["we gaan binnenkort verhuizen naar Utrecht"])
    assert vectors.shape == (1, encoder.dimensions + shared_e5_encoder().dimensions)
    assert np.linalg.norm(vectors[0]) == pytest.approx(1.0, abs=1e-5)
    assert e5_model.classifier.predict(["we gaan binnenkort verhuizen naar Utrecht"]) == [
        "change_address"
    ]
    assert e5_model.meta["config"]["e5_weight"] > 0


def test_that_knowledge_search_still_gets_the_sentence_encoders_vector(e5_model, encoder):
    understanding = Understanding(lambda: e5_model, LanguageDetector(("nl", "en")), SystemClock())
    result = understanding.parse("ik weet mijn wachtwoord niet meer")
    assert result.intent.name == "reset_password"
    expected = e5_model.classifier.embed(["ik weet mijn wachtwoord niet meer"])
    own = encoder.encode(["ik weet mijn wachtwoord niet meer"])[0]
    assert np.allclose(result.signals["vector"], own, atol=1e-5)
    assert expected.shape[1] > own.shape[0]


def test_that_a_model_stored_before_e5_existed_loads_without_it():
    config = IntentModelConfig(c=0.7)
    older = config.__getstate__()[:-1]  # as pickled before the e5 field was added
    restored = IntentModelConfig.__new__(IntentModelConfig)
    restored.__setstate__(older)
    assert restored.e5_weight == 0.0
    assert restored.c == 0.7
    assert pickle.loads(pickle.dumps(IntentModelConfig(e5_weight=0.5))).e5_weight == 0.5


def test_that_samen_train_with_e5_stores_a_model_that_uses_it(tmp_path: Path):
    data = tmp_path / "train.yml"
    data.write_text(
        "intents:\n" + "".join(f"  {i}: {texts}\n" for i, texts in EXAMPLES.items()),
        encoding="utf-8",
    )
    env = {"SAMEN_DATA_DIR": str(tmp_path / "data"), "SAMEN_SECRET_KEY": "cli-test"}
    result = CliRunner().invoke(app, ["train", str(data), "--e5"], env=env)
    assert result.exit_code == 0, result.output
    version = (tmp_path / "data" / "models" / "CURRENT").read_text().strip()
    meta = (tmp_path / "data" / "models" / version / "meta.json").read_text()
    assert json.loads(meta)["config"]["e5_weight"] == IntentModelConfig.with_e5().e5_weight


def test_that_e5_without_training_is_a_clear_error(tmp_path: Path):
    env = {"SAMEN_DATA_DIR": str(tmp_path / "data"), "SAMEN_SECRET_KEY": "cli-test"}
    test = tmp_path / "test.csv"
    test.write_text("text,intent\nhoi,greeting\n")
    result = CliRunner().invoke(app, ["eval", str(test), "--e5"], env=env)
    assert result.exit_code != 0
    assert "--e5" in result.output
