"""The demo model on messages that are not about anything, or written in capitals."""

from __future__ import annotations

from pathlib import Path

import pytest

from samen.nlu.intents import IntentClassifier
from samen.nlu.models import OUT_OF_SCOPE
from samen.nlu.store import ModelStore


@pytest.fixture(scope="module")
def classifier(demo_models_dir: Path) -> IntentClassifier:
    model = ModelStore(demo_models_dir).current()
    assert model is not None
    return model.classifier


@pytest.mark.parametrize(
    "text",
    [
        "uhh wacht ff",
        "momentje hoor ik zoek het op",
        "ehm even kijken",
        "wacht even, de kat loopt over mijn toetsenbord",
    ],
)
def test_that_a_customer_holding_the_line_is_not_read_as_asking_for_something(classifier, text):
    assert classifier.predict([text]) == [OUT_OF_SCOPE]


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("WAAR BLIJFT MIJN BESTELLING NOU", "order_status"),
        ("IK WIL MIJN ABONNEMENT OPZEGGEN", "cancel_subscription"),
        ("IS ER EEN STORING IN 3511 AB??", "outage_check"),
    ],
)
def test_that_a_shouting_customer_is_understood(classifier, text, intent):
    assert classifier.predict([text]) == [intent]
