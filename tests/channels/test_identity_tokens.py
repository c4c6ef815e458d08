"""Signed identity tokens: a genuine, current token is believed; nothing else is."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta

import pytest

from samen.channels.identity_tokens import InvalidIdentityToken, sign, verify
from samen.settings import DEMO_IDENTITY_SECRET, Settings

SECRET = "s3cret-shared-with-the-company-site"
NOW = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def company_token(claims: object, secret: str = SECRET) -> str:
    """Signed the way the module's docstring tells a company to, without Samen's code."""
    payload = b64(json.dumps(claims).encode())
    signature = hmac.new(secret.encode(), f"v1.{payload}".encode(), hashlib.sha256).digest()
    return f"v1.{payload}.{b64(signature)}"


def reason(token: str, secret: str | None = SECRET, now: datetime = NOW) -> str:
    with pytest.raises(InvalidIdentityToken) as caught:
        verify(token, secret, now=now)
    assert caught.value.code == "invalid_identity_token"
    assert caught.value.http_status == 422
    return str(caught.value.fields["reason"])


def test_that_a_token_signed_as_the_docstring_shows_is_accepted():
    issued = int(NOW.timestamp())
    token = company_token(
        {"sub": "pl-104233", "name": "Anna de Vries", "email": "Anna.deVries@example.nl",
         "iat": issued, "exp": issued + 600}
    )  # fmt: skip
    claims = verify(token, SECRET, now=NOW)
    assert claims.customer_number == "PL-104233"
    assert claims.name == "Anna de Vries"
    assert claims.email == "anna.devries@example.nl"
    assert claims.expires_at == NOW + timedelta(minutes=10)


def test_that_sign_and_verify_agree_and_a_name_with_accents_survives():
    token = sign(SECRET, "PL-106114", now=NOW, name="Liam O'Connor-Ëlberg")
    assert verify(token, SECRET, now=NOW + timedelta(minutes=5)).name == "Liam O'Connor-Ëlberg"


def test_that_an_expired_token_is_refused():
    token = sign(SECRET, "PL-104233", now=NOW, lifetime=timedelta(minutes=10))
    assert reason(token, now=NOW + timedelta(minutes=12)) == "expired"


def test_that_a_token_signed_with_another_secret_is_refused():
    assert reason(sign("someone-elses-secret", "PL-104233", now=NOW)) == "signature"


def test_that_a_tampered_payload_is_refused():
    token = sign(SECRET, "PL-104233", now=NOW)
    version, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["sub"] = "PL-105002"
    forged = f"{version}.{b64(json.dumps(claims).encode())}.{signature}"
    assert reason(forged) == "signature"


def test_that_a_token_that_claims_to_live_for_a_year_is_refused():
    issued = int(NOW.timestamp())
    token = company_token({"sub": "PL-104233", "iat": issued, "exp": issued + 365 * 86400})
    assert reason(token) == "lifetime"


def test_that_a_token_issued_in_the_future_is_refused():
    issued = int((NOW + timedelta(hours=1)).timestamp())
    token = company_token({"sub": "PL-104233", "iat": issued, "exp": issued + 600})
    assert reason(token) == "lifetime"


@pytest.mark.parametrize(
    "token",
    [
        "",
        "not-a-token",
        "v2.abc.def",
        "v1.%%%.###",
        "v1." + "a" * 5000 + ".b",
    ],
)
def test_that_a_malformed_token_is_refused(token):
    assert reason(token) == "malformed"


@pytest.mark.parametrize(
    "claims",
    [
        {"iat": 1795000000, "exp": 1795000600},
        {"sub": "", "iat": 1795000000, "exp": 1795000600},
        {"sub": "PL-104233", "iat": "yesterday", "exp": 1795000600},
        {"sub": "PL-104233", "iat": True, "exp": 1795000600},
        ["PL-104233"],
    ],
)
def test_that_a_signed_token_without_proper_claims_is_refused(claims):
    assert reason(company_token(claims)) == "malformed"


def test_that_no_token_is_accepted_without_a_configured_secret():
    assert reason(sign(SECRET, "PL-104233", now=NOW), secret=None) == "not_accepted"


def test_that_only_the_demo_has_an_identity_secret_without_configuration(tmp_path):
    assert Settings(data_dir=tmp_path).resolved_identity_secret() == DEMO_IDENTITY_SECRET
    assert Settings(data_dir=tmp_path, tenant_dir=tmp_path).resolved_identity_secret() is None
    configured = Settings(data_dir=tmp_path, tenant_dir=tmp_path, identity_secret="ours")
    assert configured.resolved_identity_secret() == "ours"
