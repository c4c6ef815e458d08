"""Who is calling the agent API or the console: a session cookie (with CSRF) or an API key.

* ``samen_session``: HTTP-only, SameSite=Lax, Secure when the public URL is https; holds a random
  token whose SHA-256 is the session's id in the database.
* Unsafe requests (POST, PUT, PATCH, DELETE) made with the cookie must carry the session's CSRF
  token, as the ``X-CSRF-Token`` header (HTMX, fetch) or a ``csrf_token`` form field.
* ``Authorization: Bearer sk_…``: an API key for integrations; no cookie, so no CSRF.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request, Response, Security
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer

from samen.agents.auth import SESSION_HOURS
from samen.agents.models import User
from samen.agents.service import AgentServices
from samen.errors import Forbidden, Unauthorized

SESSION_COOKIE = "samen_session"
LOGIN_COOKIE = "samen_login"  # the pre-login CSRF token of the login form (double submit)
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}

_bearer = HTTPBearer(auto_error=False, description="An API key: `Authorization: Bearer sk_…`.")
_cookie = APIKeyCookie(
    name=SESSION_COOKIE,
    auto_error=False,
    description="The console's login session; unsafe requests also need the `X-CSRF-Token` header.",
)


@dataclass(frozen=True, slots=True)
class Principal:
    user: User
    session: str | None  # the session token, or None for an API key


def agents_of(request: Request) -> AgentServices:
    agents: AgentServices = request.app.state.container.extras["agents"]
    return agents


async def principal(request: Request) -> Principal:
    """The caller, without checking CSRF (that needs the body for forms; see ``check_csrf``)."""
    agents = agents_of(request)
    authorization = request.headers.get("authorization", "")
    if authorization.lower().startswith("bearer "):
        user = await agents.auth.key_user(authorization[7:].strip())
        return _remember(request, Principal(user, None))
    token = request.cookies.get(SESSION_COOKIE, "")
    if not token:
        raise Unauthorized("not_logged_in", "Log in, or send an API key as a Bearer token.")
    user = await agents.auth.session_user(token)
    return _remember(request, Principal(user, token))


def _remember(request: Request, found: Principal) -> Principal:
    request.state.principal = found
    request.state.csrf = agents_of(request).auth.csrf_token(found.session) if found.session else ""
    return found


def check_csrf(request: Request, found: Principal, given: str | None) -> None:
    if request.method in SAFE_METHODS or found.session is None:
        return
    if not agents_of(request).auth.csrf_ok(found.session, given):
        raise Forbidden("csrf_failed", "This request lacks a valid CSRF token; reload the page.")


async def api_user(
    request: Request,
    _key: HTTPAuthorizationCredentials | None = Security(_bearer),
    _session: str | None = Security(_cookie),
) -> User:
    """The agent API's dependency: the caller, with the CSRF header checked for cookie sessions."""
    found = await principal(request)
    check_csrf(request, found, request.headers.get(CSRF_HEADER))
    return found.user


def secure_cookies(request: Request) -> bool:
    public = request.app.state.container.settings.public_url or ""
    return public.startswith("https://")


def set_session(request: Request, response: Response, token: str) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=SESSION_HOURS * 3600,
        httponly=True,
        samesite="lax",
        secure=secure_cookies(request),
        path="/",
    )


def clear_session(request: Request, response: Response) -> None:
    response.delete_cookie(
        SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=secure_cookies(request)
    )


def client_address(request: Request) -> str:
    return request.client.host if request.client else ""
