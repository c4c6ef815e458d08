"""Who is asking: console sessions, API keys, CSRF tokens and login throttling.

    user, token = await auth.login("anna@polderlink.example", "…", client="203.0.113.7")
    await auth.session_user(token)            # the same user, until the session expires
    auth.csrf_token(token)                    # what every form and HTMX POST must carry

A session token lives only in the browser's HTTP-only cookie; the database keeps its SHA-256.
API keys (``sk_…``) are shown once and kept as a SHA-256 too: they are long random strings,
so a slow hash adds nothing.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import secrets
from datetime import timedelta

from samen.agents.models import ApiKey, Presence, Session, User, UserId
from samen.agents.passwords import Passwords
from samen.agents.ports import People
from samen.clock import Clock
from samen.conversations.limits import MemoryTally, Tally
from samen.conversations.models import new_id
from samen.errors import NotFound, RateLimited, Unauthorized

SESSION_HOURS = 12  # one working day; a new day starts with a new login
TOUCH_EVERY = timedelta(seconds=60)
KEY_PREFIX = "sk_"


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class LoginThrottle:
    """Failed logins per e-mail and per client address within a window; beyond it, refuse.

    Counted in the tally every server process shares (Redis, with several workers), so a
    guesser gets no more tries by reaching another worker; a success clears the e-mail's count.
    """

    def __init__(
        self,
        tally: Tally | None = None,
        per_email: int = 5,
        per_client: int = 20,
        minutes: float = 15,
    ) -> None:
        self.tally = tally or MemoryTally()
        self.limits = {"email": per_email, "client": per_client}
        self.window = minutes * 60

    async def check(self, email: str, client: str) -> None:
        for kind, key in (("email", email), ("client", client)):
            if await self.tally.count(f"login:{kind}:{key}", self.window) >= self.limits[kind]:
                raise RateLimited(
                    "too_many_logins",
                    f"Too many failed logins; try again in {int(self.window // 60)} minutes.",
                    retry_after=self.window,
                )

    async def failed(self, email: str, client: str) -> None:
        for key in (f"login:email:{email}", f"login:client:{client}"):
            await self.tally.add(key, self.window)

    async def succeeded(self, email: str) -> None:
        await self.tally.clear(f"login:email:{email}", self.window)


class Authenticator:
    def __init__(
        self,
        people: People,
        passwords: Passwords,
        clock: Clock,
        secret: str,
        throttle: LoginThrottle | None = None,
    ) -> None:
        self.people = people
        self.passwords = passwords
        self.clock = clock
        self._secret = secret.encode()
        self.throttle = throttle or LoginThrottle()

    # sessions ------------------------------------------------------------------------------
    async def login(self, email: str, password: str, *, client: str = "") -> tuple[User, str]:
        email = email.strip().lower()
        await self.throttle.check(email, client)
        user = await self.people.find_user(email)
        stored = user.password_hash if user and user.active else None
        if not await asyncio.to_thread(self.passwords.verify, stored, password) or user is None:
            await self.throttle.failed(email, client)
            raise Unauthorized("invalid_login", "That e-mail address and password do not match.")
        await self.throttle.succeeded(email)
        now = self.clock.now()
        if self.passwords.needs_rehash(user.password_hash):
            user.password_hash = await asyncio.to_thread(self.passwords.hash, password)
            await self.people.save_user(user)
        token = secrets.token_urlsafe(32)
        await self.people.delete_expired_sessions(now)
        await self.people.add_session(
            Session(digest(token), user.id, now, now + timedelta(hours=SESSION_HOURS))
        )
        if user.presence is Presence.OFFLINE:
            user.presence = Presence.AVAILABLE
        await self.people.set_presence(user.id, user.presence, now)
        user.last_seen_at = now
        return user, token

    async def session_user(self, token: str) -> User:
        session = await self.people.get_session(digest(token)) if token else None
        if session is None or session.expires_at <= self.clock.now():
            raise Unauthorized("not_logged_in", "Please log in.")
        return await self._active(session.user_id)

    async def logout(self, token: str, user: User) -> None:
        await self.people.delete_session(digest(token))
        await self.people.set_presence(user.id, Presence.OFFLINE, self.clock.now())

    def csrf_token(self, session_token: str) -> str:
        return hmac.new(self._secret, b"csrf:" + session_token.encode(), hashlib.sha256).hexdigest()

    def csrf_ok(self, session_token: str, given: str | None) -> bool:
        return bool(given) and hmac.compare_digest(self.csrf_token(session_token), given or "")

    # API keys ------------------------------------------------------------------------------
    async def create_key(self, user: User, name: str) -> tuple[ApiKey, str]:
        """A new key; the plain text is returned this once and never again."""
        prefix = secrets.token_hex(6)
        plain = f"{KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
        key = ApiKey(new_id(), user.id, name.strip()[:100] or "API key", prefix, digest(plain),
                     self.clock.now())  # fmt: skip
        await self.people.add_api_key(key)
        return key, plain

    async def key_user(self, plain: str) -> User:
        refused = Unauthorized("invalid_api_key", "This API key is not valid.")
        if not plain.startswith(KEY_PREFIX) or "_" not in plain[len(KEY_PREFIX) :]:
            raise refused
        prefix = plain[len(KEY_PREFIX) :].split("_", 1)[0]
        key = await self.people.find_api_key(prefix)
        if (
            key is None
            or key.revoked_at is not None
            or not hmac.compare_digest(key.key_hash, digest(plain))
        ):
            raise refused
        now = self.clock.now()
        if key.last_used_at is None or now - key.last_used_at > TOUCH_EVERY:
            await self.people.used_api_key(key.id, now)
        return await self._active(key.user_id)

    async def revoke_key(self, user: User, key_id: str) -> None:
        if not await self.people.revoke_api_key(key_id, user.id, self.clock.now()):
            raise NotFound("api_key_not_found", "No such API key of yours.")

    # internals -----------------------------------------------------------------------------
    async def _active(self, user_id: UserId) -> User:
        user = await self.people.get_user(user_id)
        if user is None or not user.active:
            raise Unauthorized("not_logged_in", "Please log in.")
        now = self.clock.now()
        if user.last_seen_at is None or now - user.last_seen_at > TOUCH_EVERY:
            await self.people.touch(user.id, now)
            user.last_seen_at = now
        return user
