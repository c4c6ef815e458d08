"""`samen kb`: importing a folder of articles, listing and exporting them."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from samen.cli.main import app

runner = CliRunner()

MODEM = """---
id: modem-nl
title: Modem herstarten
language: nl
tags: [modem, storing]
intents: [tech_support]
owner: Techniek
last_reviewed: 2026-10-12
---
Haal de stekker van de modem eruit, wacht 30 seconden en steek hem er weer in.
"""

HOURS = """---
id: hours-en
title: Opening hours
language: en
intents: [opening_hours]
---
Customer service is open Monday to Friday from 8:00 to 20:00.

## Shops
Our shops are open from 10:00 to 18:00.
"""

NO_LANGUAGE = """---
id: zonder-taal
title: Zonder taal
---
Tekst.
"""

BAD_DATE = """---
id: slechte-datum-nl
title: Slechte datum
language: nl
last_reviewed: gisteren
---
Tekst.
"""

NOT_YAML = """---
id: [kapot
title: Kapot
---
Tekst.
"""


@pytest.fixture
def env(tmp_path: Path, database_url: str) -> dict[str, str]:
    return {
        "SAMEN_DATA_DIR": str(tmp_path / "data"),
        "SAMEN_DATABASE_URL": database_url,
        "SAMEN_SECRET_KEY": "cli-test",
    }


def folder_with(tmp_path: Path, **files: str) -> Path:
    folder = tmp_path / "articles"
    folder.mkdir(exist_ok=True)
    for name, text in files.items():
        (folder / f"{name.replace('_', '-')}.md").write_text(text, encoding="utf-8")
    return folder


def test_that_import_takes_the_good_files_and_names_file_and_field_of_the_bad_ones(env, tmp_path):
    folder = folder_with(
        tmp_path, modem=MODEM, hours=HOURS, no_language=NO_LANGUAGE, bad_date=BAD_DATE,
        not_yaml=NOT_YAML,
    )  # fmt: skip
    result = runner.invoke(app, ["kb", "import", str(folder)], env=env)

    assert result.exit_code == 1, result.output
    assert "no-language.md: language: is required." in result.output
    assert "bad-date.md: last_reviewed: 'gisteren' is not a date" in result.output
    assert "not-yaml.md: front matter: not valid YAML" in result.output
    assert "2 created, 0 updated, 0 unchanged, 3 failed." in result.output

    listed = runner.invoke(app, ["kb", "list"], env=env)
    assert listed.exit_code == 0, listed.output
    assert "modem-nl" in listed.output and "hours-en" in listed.output
    assert "2 articles." in listed.output


def test_that_importing_again_updates_what_changed_and_leaves_the_rest(env, tmp_path):
    folder = folder_with(tmp_path, modem=MODEM, hours=HOURS)
    first = runner.invoke(app, ["kb", "import", str(folder)], env=env)
    assert first.exit_code == 0, first.output
    assert "2 created, 0 updated, 0 unchanged, 0 failed." in first.output

    folder_with(tmp_path, hours=HOURS.replace("20:00", "21:00"))
    second = runner.invoke(app, ["kb", "import", str(folder)], env=env)
    assert second.exit_code == 0, second.output
    assert "0 created, 1 updated, 1 unchanged, 0 failed." in second.output


def test_that_two_files_with_one_id_import_the_first_and_report_the_second(env, tmp_path):
    folder = folder_with(tmp_path, a_modem=MODEM, b_modem=MODEM.replace("30 seconden", "1 minuut"))
    result = runner.invoke(app, ["kb", "import", str(folder)], env=env)
    assert result.exit_code == 1
    assert "b-modem.md: id: 'modem-nl' is also the id of a-modem.md." in result.output
    assert "1 created, 0 updated, 0 unchanged, 1 failed." in result.output


def test_that_an_export_imports_back_unchanged(env, tmp_path):
    folder = folder_with(tmp_path, modem=MODEM, hours=HOURS)
    assert runner.invoke(app, ["kb", "import", str(folder)], env=env).exit_code == 0

    exported = tmp_path / "exported"
    result = runner.invoke(app, ["kb", "export", str(exported)], env=env)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in exported.glob("*.md")) == ["hours-en.md", "modem-nl.md"]

    again = runner.invoke(app, ["kb", "import", str(exported)], env=env)
    assert "0 created, 0 updated, 2 unchanged, 0 failed." in again.output


def test_that_list_filters_by_language(env, tmp_path):
    folder = folder_with(tmp_path, modem=MODEM, hours=HOURS)
    runner.invoke(app, ["kb", "import", str(folder)], env=env)
    result = runner.invoke(app, ["kb", "list", "--language", "en"], env=env)
    assert "hours-en" in result.output and "modem-nl" not in result.output
