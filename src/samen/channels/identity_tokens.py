"""Signed identity tokens: the company's own site vouches for a logged-in customer.

A customer who is logged in on the company's site need not prove again who they are in the
chat: the site signs a short-lived token with the secret it shares with Samen
(``SAMEN_IDENTITY_SECRET``) and hands it to the widget::

    <script src="https://samen.example.com/static/widget/samen-widget.js"
            data-identity-token="{{ token }}" defer></script>

or later, from the page's own code: ``SamenWidget.identify(token)``. The widget sends it along
when it starts a conversation, and the bot then treats the customer as verified for account
actions (no customer number and postcode asked).

The token is ``v1.<payload>.<signature>``: the payload is base64url (no padding) of a JSON
object ``{"sub": customer number, "name"?, "email"?, "iat": issued at, "exp": expires at}``
(times in Unix seconds), the signature base64url of HMAC-SHA256 over ``v1.<payload>`` with the
shared secret. A company signs one in Python with nothing but the standard library::

    import base64, hashlib, hmac, json, time

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    def identity_token(secret: str, customer_number: str, name: str | None = None) -> str:
        now = int(time.time())
        claims = {"sub": customer_number, "name": name, "iat": now, "exp": now + 600}
        payload = b64(json.dumps(claims, separators=(",", ":")).encode())
        signature = hmac.new(secret.encode(), f"v1.{payload}".encode(), hashlib.sha256)
        return f"v1.{payload}.{b64(signature.digest())}"

(``sign`` below does the same.) Keep tokens short-lived: one is refused once expired, when it
claims to live longer than ``MAX_LIFETIME``, or when it was issued in the future.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from samen.conversations.models import Identity
from samen.errors import SamenError

VERSION = "v1"
MAX_LIFETIME = timedelta(hours=24)
LEEWAY = timedelta(seconds=60)  # clocks of the company's site and Samen may differ a little
MAX_TOKEN_CHARS = 4096


class InvalidIdentityToken(SamenError):
    """The token is malformed, forged, tampered with or expired; ``reason`` says which."""

    code = "invalid_identity_token"
    http_status = 422


@dataclass(frozen=True, slots=True)
class IdentityClaims:
    """Who the company's site says the customer is, and until when it says so."""

    customer_number: str
    issued_at: datetime
    expires_at: datetime
    name: str | None = None
    email: str | None = None


def sign(
    secret: str,
    customer_number: str,
    *,
    now: datetime,
    lifetime: timedelta = timedelta(minutes=10),
    name: str | None = None,
    email: str | None = None,
) -> str:
    """A token for ``customer_number``, valid from ``now`` for ``lifetime``."""
    claims: dict[str, Any] = {
        "sub": customer_number,
        "iat": int(now.timestamp()),
        "exp": int((now + lifetime).timestamp()),
    }
    if name:
        claims["name"] = name
    if email:
        claims["email"] = email
    payload = _b64(json.dumps(claims, separators=(",", ":"), ensure_ascii=False).encode())
    return f"{VERSION}.{payload}.{_b64(_mac(secret, payload))}"


def verify(token: str, secret: str | None, *, now: datetime) -> IdentityClaims:
    """The claims of a genuine, current token; ``InvalidIdentityToken`` for anything else."""
    if not secret:
        raise _invalid("not_accepted", "This service accepts no identity tokens.")
    parts = token.strip().split(".") if len(token) <= MAX_TOKEN_CHARS else []
    if len(parts) != 3 or parts[0] != VERSION:
        raise _invalid("malformed", "The identity token is not a v1.<payload>.<signature> token.")
    _, payload, signature = parts
    try:
        given = _unb64(signature)
        claims = json.loads(_unb64(payload))
    except (binascii.Error, ValueError) as exc:
        raise _invalid("malformed", "The identity token cannot be decoded.") from exc
    # The signature first: nothing of an unsigned payload is believed, not even its format.
    if not hmac.compare_digest(given, _mac(secret, payload)):
        raise _invalid("signature", "The identity token's signature is not valid.")
    return _claims(claims, now)


def identified_start(
    claims: IdentityClaims, identities: list[Identity], name: str | None
) -> tuple[list[Identity], str | None, dict[str, Any]]:
    """What a conversation started with a genuine token begins with: the customer's number
    first among their identities (so their earlier conversations are theirs), the name, and the
    context that tells the bot the customer is verified."""
    found = [Identity("customer_number", claims.customer_number), *identities]
    if claims.email and not any(i.kind == "email" for i in identities):
        found.append(Identity("email", claims.email))
    context = {
        "identity": {
            "customer_number": claims.customer_number,
            "name": claims.name,
            "verified_by": "identity_token",
            "expires_at": claims.expires_at.isoformat(),
        }
    }
    return found, name or claims.name, context


def _claims(claims: Any, now: datetime) -> IdentityClaims:
    if not isinstance(claims, dict):
        raise _invalid("malformed", "The identity token's payload is not an object.")
    subject, issued, expires = claims.get("sub"), claims.get("iat"), claims.get("exp")
    if not isinstance(subject, str) or not subject.strip() or len(subject) > 64:
        raise _invalid("malformed", "The identity token names no customer number ('sub').")
    if not (isinstance(issued, int) and isinstance(expires, int)) or not (
        _seconds(issued) and _seconds(expires)
    ):
        raise _invalid("malformed", "The identity token needs 'iat' and 'exp' in Unix seconds.")
    issued_at = datetime.fromtimestamp(issued, UTC)
    expires_at = datetime.fromtimestamp(expires, UTC)
    if expires_at <= now - LEEWAY:
        raise _invalid("expired", "The identity token has expired.")
    if issued_at > now + LEEWAY or expires_at - issued_at > MAX_LIFETIME + LEEWAY:
        raise _invalid("lifetime", "The identity token's times are not believable.")
    name, email = claims.get("name"), claims.get("email")
    return IdentityClaims(
        customer_number=subject.strip().upper(),
        issued_at=issued_at,
        expires_at=expires_at,
        name=name.strip()[:200] if isinstance(name, str) and name.strip() else None,
        email=email.strip().lower()[:200] if isinstance(email, str) and "@" in email else None,
    )


def _seconds(value: int) -> bool:
    return not isinstance(value, bool) and 0 < value < 2**33


def _invalid(reason: str, message: str) -> InvalidIdentityToken:
    return InvalidIdentityToken(message=message, reason=reason)


def _mac(secret: str, payload: str) -> bytes:
    return hmac.new(secret.encode(), f"{VERSION}.{payload}".encode(), hashlib.sha256).digest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    if not text or not all(c.isascii() and (c.isalnum() or c in "-_") for c in text):
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
