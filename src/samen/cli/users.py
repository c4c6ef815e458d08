"""``samen users``: add people, list them, give them a new password or an API key."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer
from rich.table import Table

from samen.cli.main import app, console, load_settings
from samen.errors import NotFound, SamenError

if TYPE_CHECKING:
    from samen.agents.auth import Authenticator
    from samen.agents.directory import Directory

users_app = typer.Typer(help="People: agents, supervisors and admins.", no_args_is_help=True)
app.add_typer(users_app, name="users")
T = TypeVar("T")


@asynccontextmanager
async def _services() -> AsyncIterator[tuple[Directory, Authenticator]]:
    from samen.agents.auth import Authenticator
    from samen.agents.directory import Directory
    from samen.agents.passwords import Passwords
    from samen.clock import SystemClock
    from samen.storage.database import create_engine, upgrade
    from samen.storage.people import SqlPeople
    from samen.storage.repositories import SqlStore
    from samen.tenant import Tenant

    settings = load_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    tenant = Tenant.load(settings.tenant_dir)
    engine = create_engine(settings.effective_database_url)
    try:
        await upgrade(engine)
        people = SqlPeople(SqlStore(engine))
        passwords, clock = Passwords(), SystemClock()
        yield (
            Directory(people, passwords, clock, tenant.queues),
            Authenticator(people, passwords, clock, settings.resolved_secret_key()),
        )
    finally:
        await engine.dispose()


def _run(work: Callable[[Directory, Authenticator], Awaitable[T]]) -> T:
    async def go() -> T:
        async with _services() as (directory, auth):
            return await work(directory, auth)

    try:
        return asyncio.run(go())
    except SamenError as error:
        console.print(f"[red]{error.message}[/red]")
        raise typer.Exit(1) from None


def _queues(value: str) -> list[str]:
    return [q.strip() for q in value.split(",") if q.strip()]


@users_app.command("add")
def add(
    email: Annotated[str, typer.Argument(help="Their e-mail address: also their login.")],
    name: Annotated[str, typer.Option(help="Full name; customers see the first name.")],
    role: Annotated[str, typer.Option(help="agent, supervisor or admin.")] = "agent",
    queues: Annotated[str, typer.Option(help="The queues they work, comma-separated.")] = "",
    capacity: Annotated[int, typer.Option(help="Conversations at once.")] = 3,
    password: Annotated[str | None, typer.Option(help="Asked for (hidden) when left out.")] = None,
) -> None:
    """Add a person who can log in to the console."""
    if password is None:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    assert password is not None
    user = _run(lambda d, _: d.add(email, name=name, role=role, queues=_queues(queues),
                                   password=password, capacity=capacity))  # fmt: skip
    console.print(f"Added {user.email}: {user.role}, queues {', '.join(user.queues) or '(none)'}, "
                  f"{user.capacity} at once.")  # fmt: skip


@users_app.command("list")
def list_users() -> None:
    """Everyone who can log in."""
    people = _run(lambda d, _: d.people.list_users(active_only=False))
    table = Table("e-mail", "name", "role", "queues", "capacity", "presence", "active")
    for u in people:
        table.add_row(u.email, u.name, str(u.role), ", ".join(u.queues), str(u.capacity),
                      str(u.presence), "yes" if u.active else "no")  # fmt: skip
    console.print(table)


@users_app.command("password")
def password(
    email: Annotated[str, typer.Argument(help="Whose password.")],
    new: Annotated[
        str | None, typer.Option("--password", help="Asked for (hidden) when left out.")
    ] = None,
) -> None:
    """Set a new password (their open sessions end)."""
    if new is None:
        new = typer.prompt("New password", hide_input=True, confirmation_prompt=True)
    _run(lambda d, _: d.change(email, password=new))
    console.print(f"New password set for {email}.")


@users_app.command("key")
def key(
    email: Annotated[str, typer.Argument(help="The person the integration acts as.")],
    name: Annotated[str, typer.Option(help="What the key is for.")] = "integration",
) -> None:
    """Create an API key for an integration; it is shown once, so keep it now."""

    async def create(directory: Directory, auth: Authenticator) -> str:
        user = await directory.people.find_user(email)
        if user is None:
            raise NotFound("user_not_found", f"There is no user {email}.")
        _, plain = await auth.create_key(user, name)
        return plain

    plain = _run(create)
    console.print("API key (shown once; send it as 'Authorization: Bearer <key>'):")
    typer.echo(plain)
