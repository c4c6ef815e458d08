"""Adding and changing people: ``samen users add``, the admin API and the demo's users."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Protocol

from samen.agents.models import Role, User, UserId
from samen.agents.passwords import Passwords
from samen.agents.ports import People
from samen.clock import Clock
from samen.conversations.models import new_id
from samen.errors import BadRequest, Conflict, NotFound

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_CAPACITY = 50


class UserSpec(Protocol):
    """What a seeded user needs to say (``samen.demo.users.DemoUser`` is one)."""

    @property
    def email(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def role(self) -> str: ...
    @property
    def queues(self) -> tuple[str, ...]: ...
    @property
    def capacity(self) -> int: ...
    @property
    def password(self) -> str: ...


class Directory:
    def __init__(
        self, people: People, passwords: Passwords, clock: Clock, queues: Iterable[str]
    ) -> None:
        self.people = people
        self.passwords = passwords
        self.clock = clock
        self.queues = tuple(queues)

    async def add(
        self,
        email: str,
        *,
        name: str,
        role: str = "agent",
        queues: Sequence[str] = (),
        password: str,
        capacity: int = 3,
        password_hash: str | None = None,
    ) -> User:
        email = email.strip().lower()
        if not _EMAIL.match(email):
            raise BadRequest("invalid_email", f"'{email}' is not an e-mail address.")
        if await self.people.find_user(email) is not None:
            raise Conflict("user_exists", f"There is already a user {email}.")
        if password_hash is None:
            password_hash = await asyncio.to_thread(self.passwords.hash, password)
        user = User(
            id=UserId(new_id()),
            email=email,
            name=name.strip() or email.split("@")[0],
            role=_role(role),
            queues=self._queues(queues),
            capacity=_capacity(capacity),
            password_hash=password_hash,
            created_at=self.clock.now(),
        )
        await self.people.add_user(user)
        return user

    async def ensure(self, specs: Iterable[UserSpec]) -> list[User]:
        """Create the users that do not exist yet (safe to call on every start, also by
        several server processes starting together: a user another one created is skipped)."""
        created = []
        for spec in specs:
            if await self.people.find_user(spec.email) is not None:
                continue
            hashed = await asyncio.to_thread(_seed_hash, self.passwords, spec.password)
            try:
                user = await self.add(
                    spec.email, name=spec.name, role=spec.role, queues=spec.queues,
                    password=spec.password, capacity=spec.capacity, password_hash=hashed,
                )  # fmt: skip
            except Conflict:
                continue
            created.append(user)
        return created

    async def change(
        self,
        email: str,
        *,
        name: str | None = None,
        role: str | None = None,
        queues: Sequence[str] | None = None,
        capacity: int | None = None,
        password: str | None = None,
        active: bool | None = None,
    ) -> User:
        user = await self.people.find_user(email)
        if user is None:
            raise NotFound("user_not_found", f"There is no user {email}.")
        if name is not None:
            user.name = name.strip() or user.name
        if role is not None:
            user.role = _role(role)
        if queues is not None:
            user.queues = self._queues(queues)
        if capacity is not None:
            user.capacity = _capacity(capacity)
        if password is not None:
            user.password_hash = await asyncio.to_thread(self.passwords.hash, password)
        if active is not None:
            user.active = active
        await self.people.save_user(user)
        if password is not None or active is False:
            await self.people.delete_sessions_of(user.id)  # old logins end with the old password
        return user

    def _queues(self, queues: Sequence[str]) -> tuple[str, ...]:
        names = tuple(dict.fromkeys(q.strip() for q in queues if q.strip()))
        unknown = [q for q in names if q not in self.queues]
        if unknown:
            raise BadRequest(
                "unknown_queue",
                f"Unknown queue {', '.join(unknown)}; the queues are {', '.join(self.queues)}.",
            )
        return names


def _role(role: str) -> Role:
    try:
        return Role(role)
    except ValueError:
        raise BadRequest("invalid_role", "A role is agent, supervisor or admin.") from None


def _capacity(capacity: int) -> int:
    if not 1 <= capacity <= MAX_CAPACITY:
        raise BadRequest("invalid_capacity", f"Capacity is between 1 and {MAX_CAPACITY}.")
    return capacity


def _seed_hash(passwords: Passwords, password: str) -> str:
    # Seeded users share fixed passwords: one slow hash per password and process is enough.
    # (A login rehashes it if the tenant's hasher uses other parameters.)
    return _cached_hash(password)


@lru_cache(maxsize=32)
def _cached_hash(password: str) -> str:
    return Passwords().hash(password)
