"""``samen kb``: import a folder of Markdown articles into the knowledge base, list, export.

The running servers notice an import within a few seconds (the knowledge base's revision).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer
from rich.table import Table

from samen.cli.main import app, console, load_settings
from samen.errors import SamenError

if TYPE_CHECKING:
    from samen.bot.library import KnowledgeLibrary

kb_app = typer.Typer(
    help="The knowledge base: articles the bot answers from.", no_args_is_help=True
)
app.add_typer(kb_app, name="kb")
T = TypeVar("T")
Config = Annotated[Path | None, typer.Option(help="A file of SAMEN_*=value lines.")]


@asynccontextmanager
async def _library(config: Path | None) -> AsyncIterator[KnowledgeLibrary]:
    from samen.bot.library import KnowledgeLibrary
    from samen.clock import SystemClock
    from samen.storage.articles import SqlArticles
    from samen.storage.database import create_engine, upgrade
    from samen.storage.repositories import SqlStore
    from samen.tenant import Tenant

    settings = load_settings(config)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    tenant = Tenant.load(settings.tenant_dir)
    engine = create_engine(settings.effective_database_url)
    try:
        await upgrade(engine)
        yield KnowledgeLibrary(SqlArticles(SqlStore(engine)), SystemClock(), tenant.languages)
    finally:
        await engine.dispose()


def _run(config: Path | None, work: Callable[[KnowledgeLibrary], Awaitable[T]]) -> T:
    async def go() -> T:
        async with _library(config) as library:
            return await work(library)

    try:
        return asyncio.run(go())
    except SamenError as error:
        console.print(f"[red]{error.message}[/red]")
        raise typer.Exit(1) from None


@kb_app.command("import")
def import_articles(
    folder: Annotated[
        Path, typer.Argument(help="A folder of *.md articles.", exists=True, file_okay=False)
    ],
    config: Config = None,
) -> None:
    """Import or update every *.md article of FOLDER (by id); bad files are reported, the good
    ones imported all the same."""
    report = _run(config, lambda library: library.import_folder(folder))
    table = Table("file", "article", "result")
    for status in ("created", "updated", "unchanged"):
        for article_id in getattr(report, status):
            table.add_row(report.sources[article_id], article_id, status)
    for error in report.failed:
        table.add_row(str(error.fields.get("source")), "", "[red]failed[/red]")
    console.print(table)
    for error in report.failed:
        console.print(f"[red]{error.message}[/red]", soft_wrap=True)
    counts = ", ".join(
        f"{len(getattr(report, s))} {s}" for s in ("created", "updated", "unchanged")
    )
    console.print(f"{counts}, {len(report.failed)} failed.")
    if report.failed:
        raise typer.Exit(1)


@kb_app.command("list")
def list_articles(
    language: Annotated[str | None, typer.Option(help="Only this language.")] = None,
    tag: Annotated[str | None, typer.Option(help="Only articles with this tag.")] = None,
    intent: Annotated[str | None, typer.Option(help="Only articles about this intent.")] = None,
    config: Config = None,
) -> None:
    """The articles in the knowledge base."""
    found = _run(config, lambda lib: lib.list(language=language, tag=tag, intent=intent))
    table = Table("article", "language", "title", "intents", "reviewed", "updated")
    for stored in found:
        a = stored.article
        reviewed = a.last_reviewed.isoformat() if a.last_reviewed else ""
        table.add_row(a.id, a.language, a.title, ", ".join(a.intents), reviewed,
                      stored.updated_at.strftime("%Y-%m-%d %H:%M"))  # fmt: skip
    console.print(table)
    console.print(f"{len(found)} articles.")


@kb_app.command("export")
def export_articles(
    folder: Annotated[Path, typer.Argument(help="Where to write one <id>.md per article.")],
    config: Config = None,
) -> None:
    """Write every article as a Markdown file that `samen kb import` reads back."""
    from samen.bot.articles import to_markdown

    found = _run(config, lambda library: library.list())
    folder.mkdir(parents=True, exist_ok=True)
    for stored in found:
        path = folder / f"{stored.article.id}.md"
        path.write_text(to_markdown(stored.article), encoding="utf-8")
    console.print(f"{len(found)} articles written to {folder}.")
