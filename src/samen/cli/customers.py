"""``samen customers``: a customer's data requests (GDPR): export it all, or erase it all."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer

from samen.cli.main import app, console, load_settings
from samen.errors import SamenError

if TYPE_CHECKING:
    from samen.conversations.privacy import CustomerPrivacy

customers_app = typer.Typer(
    help="Customers' data requests: export or erase one customer.", no_args_is_help=True
)
app.add_typer(customers_app, name="customers")
T = TypeVar("T")
Key = Annotated[
    str, typer.Argument(help="A customer id, or one of their e-mail addresses or phone numbers.")
]


def _run(work: Callable[[CustomerPrivacy], Awaitable[T]]) -> T:
    from samen.clock import SystemClock
    from samen.conversations.privacy import CustomerPrivacy
    from samen.storage.database import create_engine, upgrade
    from samen.storage.privacy import SqlCustomerRecords
    from samen.storage.repositories import SqlStore

    settings = load_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)

    async def go() -> T:
        engine = create_engine(settings.effective_database_url)
        try:
            await upgrade(engine)
            return await work(CustomerPrivacy(SqlCustomerRecords(SqlStore(engine)), SystemClock()))
        finally:
            await engine.dispose()

    try:
        return asyncio.run(go())
    except SamenError as error:
        console.print(f"[red]{error.message}[/red]", highlight=False)
        raise typer.Exit(1) from None


@customers_app.command("export")
def export(
    key: Key,
    out: Annotated[
        Path | None, typer.Option(help="Write the JSON here, not to the screen.")
    ] = None,
    raw: Annotated[
        bool, typer.Option(help="Add voicemail audio and e-mails as they were, in base64.")
    ] = False,
) -> None:
    """Everything Samen holds about one customer, as one JSON document."""
    document = _run(lambda privacy: privacy.export(key, include_raw=raw))
    text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    if out is None:
        typer.echo(text, nl=False)
        return
    out.write_text(text, encoding="utf-8")
    conversations = len(document["conversations"])
    console.print(f"Wrote customer {document['customer']['id']} ({conversations} conversations) "
                  f"to {out}.", highlight=False)  # fmt: skip


@customers_app.command("erase")
def erase(
    key: Key,
    yes: Annotated[
        bool, typer.Option("--yes", help="Really erase; without it, only count.")
    ] = False,
) -> None:
    """Erase one customer and all their data for good (counts it only, without --yes)."""
    erasure = _run(lambda privacy: privacy.erase(key, dry_run=not yes))
    counts = ", ".join(f"{kind}: {n}" for kind, n in erasure.counts.items() if n)
    if not erasure.done:
        console.print(f"Customer {erasure.customer_id} has {counts}. Nothing was erased: "
                      "run again with --yes to erase it all.", highlight=False)  # fmt: skip
        raise typer.Exit(1)
    console.print(f"Erased customer {erasure.customer_id}: {counts}.", highlight=False)
