"""``samen users``: adding people and keys from the command line."""

from __future__ import annotations

from typer.testing import CliRunner

from samen.cli.main import app


def run(env: dict[str, str], *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["users", *args], env=env)
    return result.exit_code, result.output


def test_that_samen_users_add_creates_a_person_who_can_get_an_api_key(tmp_path, database_url):
    env = {
        "SAMEN_DATA_DIR": str(tmp_path / "data"),
        "SAMEN_DATABASE_URL": database_url,
        "SAMEN_SECRET_KEY": "test-secret",
        "COLUMNS": "200",
    }
    code, output = run(
        env,
        "add",
        "lotte@polderlink.example",
        "--name",
        "Lotte de Wit",
        "--role",
        "supervisor",
        "--queues",
        "care,tech",
        "--capacity",
        "4",
        "--password",
        "een-lang-wachtwoord",
    )
    assert code == 0, output
    assert "supervisor, queues care, tech, 4 at once" in output
    code, output = run(env, "list")
    assert "lotte@polderlink.example" in output and "Lotte de Wit" in output
    code, output = run(env, "key", "lotte@polderlink.example", "--name", "CRM")
    assert code == 0 and output.strip().splitlines()[-1].startswith("sk_")


def test_that_samen_users_add_refuses_a_duplicate_or_an_unknown_queue(tmp_path, database_url):
    env = {
        "SAMEN_DATA_DIR": str(tmp_path / "data"),
        "SAMEN_DATABASE_URL": database_url,
        "SAMEN_SECRET_KEY": "x",
    }
    args = ("add", "jo@polderlink.example", "--name", "Jo", "--password", "een-lang-wachtwoord")
    assert run(env, *args)[0] == 0
    code, output = run(env, *args)
    assert code == 1 and "already a user" in output
    code, output = run(
        env,
        "add",
        "ik@polderlink.example",
        "--name",
        "Ik",
        "--queues",
        "verkoop",
        "--password",
        "een-lang-wachtwoord",
    )
    assert code == 1 and "Unknown queue verkoop" in output
