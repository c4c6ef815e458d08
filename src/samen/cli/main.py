"""``samen``: run the server, the demo, migrations, and the understanding tools."""

from __future__ import annotations

import asyncio
import logging
import os
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from samen.errors import ConfigError
from samen.settings import Settings

app = typer.Typer(help="Samen: self-hosted hybrid customer service.", no_args_is_help=True)
db_app = typer.Typer(help="The database.", no_args_is_help=True)
app.add_typer(db_app, name="db")
console = Console()


def load_settings(config: Path | None = None, **overrides: Any) -> Settings:
    """Settings from the environment, optionally a config file (KEY=value lines) first."""
    if config is not None:
        for line in config.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if line and not line.startswith("#") and "=" in line:
                key, value = line.split("=", 1)
                os.environ.setdefault(key.strip(), value.strip())
    values = {k: v for k, v in overrides.items() if v is not None}
    return Settings(**values)


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Interface to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
    config: Annotated[Path | None, typer.Option(help="A file of SAMEN_*=value lines.")] = None,
    workers: Annotated[
        int, typer.Option(help="Server processes on this port (needs PostgreSQL and Redis).")
    ] = 1,
) -> None:
    """Start the server with the configuration from the environment (SAMEN_*)."""
    from samen.cli import serving

    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    settings = load_settings(config, host=host, port=port)
    arguments = ["--host", settings.host, "--port", str(settings.port)]
    if config is not None:
        arguments += ["--config", str(config)]
    try:
        serving.run(settings, arguments, workers)
    except ConfigError as exc:
        console.print(f"[red]{exc.message}[/red]")
        raise typer.Exit(2) from exc


@app.command()
def demo(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    data_dir: Annotated[
        Path | None, typer.Option(help="Where the demo keeps its database.")
    ] = None,
) -> None:
    """Start the Polderlink demo on the embedded database and print where to find it."""
    from samen.settings import DEMO_TENANT

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    overrides: dict[str, Any] = {"host": host, "port": port, "tenant_dir": DEMO_TENANT}
    if data_dir is not None:
        overrides["data_dir"] = data_dir
    settings = load_settings(**overrides)
    base = settings.base_url
    banner = [
        "[bold]Samen demo — Polderlink[/bold]",
        f"  Chat widget (demo website): {base}/",
        f"  Agent console:              {base}/console",
        *_demo_logins(),
        f"  API docs:                   {base}/api/docs",
        f"  Voice (Twilio webhook):     {base}/api/v1/channels/voice/twilio",
        f"  Data:                       {settings.data_dir}",
    ]
    from samen.cli import serving

    try:
        serving.run_loop(serving.serve(settings, banner))
    except ConfigError as exc:
        console.print(f"[red]{exc.message}[/red]")
        raise typer.Exit(2) from exc


def _demo_logins() -> list[str]:
    try:
        from samen.demo.users import DEMO_USERS
    except ImportError:
        return []
    return [
        f"    login {u.email} / {u.password}  ({u.role}: {', '.join(u.queues) or 'all queues'})"
        for u in DEMO_USERS
    ]


@db_app.command("upgrade")
def db_upgrade(
    config: Annotated[Path | None, typer.Option(help="A file of SAMEN_*=value lines.")] = None,
) -> None:
    """Apply the database migrations."""
    from samen.storage.database import create_engine, current_revision, upgrade

    settings = load_settings(config)
    settings.data_dir.mkdir(parents=True, exist_ok=True)

    async def run() -> str | None:
        engine = create_engine(settings.effective_database_url)
        try:
            await upgrade(engine)
            return await current_revision(engine)
        finally:
            await engine.dispose()

    console.print(f"Database at revision {asyncio.run(run())}.")


from samen.cli import customers as _customers  # noqa: E402,F401  (registers `samen customers`)
from samen.cli import kb as _kb  # noqa: E402,F401  (registers `samen kb`)
from samen.cli import nlu as _nlu  # noqa: E402,F401  (registers parse, train, eval)
from samen.cli import users as _users  # noqa: E402,F401  (registers `samen users`)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
