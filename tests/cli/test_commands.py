"""The `samen` command as an administrator uses it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from samen.cli.main import app

runner = CliRunner()
DATA = Path(__file__).parents[1] / "nlu" / "data"


@pytest.fixture
def env(tmp_path, demo_models_dir) -> dict[str, str]:
    return {
        "SAMEN_DATA_DIR": str(tmp_path / "data"),
        "SAMEN_MODELS_DIR": str(demo_models_dir),
        "SAMEN_SECRET_KEY": "cli-test",
    }


def test_that_parse_prints_the_contract_shape_as_json(env):
    result = runner.invoke(
        app,
        ["parse", "Mijn vader is overleden, ik wil zijn abonnement opzeggen", "--json"],
        env=env,
    )
    assert result.exit_code == 0, result.output
    parsed = json.loads(result.output)
    assert parsed["language"] == "nl"
    assert parsed["sensitive"][0]["type"] == "bereavement"


def test_that_route_explains_where_a_first_message_would_go(env):
    result = runner.invoke(
        app, ["route", "ik wil een klacht indienen over jullie monteur", "--json"], env=env
    )
    assert result.exit_code == 0, result.output
    route = json.loads(result.output)["route"]
    assert (route["handler"], route["queue"]) == ("human", "care")
    assert route["reason"] and route["rules"]


def test_that_eval_trains_and_reports_per_intent_figures(env, tmp_path):
    train = tmp_path / "train.yml"
    train.write_text(
        "intents:\n"
        "  greeting: [hoi, hallo, goedemorgen, hi there, hello, good morning]\n"
        "  order_status: [waar is mijn pakket, where is my order, is mijn bestelling verzonden,"
        " track my parcel, wanneer komt mijn bestelling, has my order shipped]\n"
    )
    test = tmp_path / "test.csv"
    test.write_text(
        "text,intent\nhallo goedemorgen,greeting\nwaar blijft mijn bestelling,order_status\n"
    )
    result = runner.invoke(app, ["eval", str(test), "--train", str(train), "--json"], env=env)
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output)
    assert figures["examples"] == 2
    assert set(figures["per_intent"]) == {"greeting", "order_status"}
    assert {"accuracy", "macro_f1", "confusions"} <= set(figures)


def test_that_eval_cross_validates_with_folds(env):
    result = runner.invoke(
        app, ["eval", str(DATA / "rasa_nlu.yml"), "--folds", "2", "--json"], env=env
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["extra"]["folds"] == 2


def test_that_train_stores_a_new_current_model(tmp_path):
    env = {"SAMEN_DATA_DIR": str(tmp_path / "data"), "SAMEN_SECRET_KEY": "cli-test"}
    result = runner.invoke(
        app, ["train", str(DATA / "rasa_nlu.yml"), str(DATA / "examples.csv")], env=env
    )
    assert result.exit_code == 0, result.output
    assert "Stored model" in result.output
    assert (tmp_path / "data" / "models" / "CURRENT").exists()


def test_that_missing_training_data_is_a_clear_error(env, tmp_path):
    result = runner.invoke(app, ["train", str(tmp_path / "nope.yml")], env=env)
    assert result.exit_code != 0
    assert "No training data" in str(result.exception) or "No training data" in result.output
