"""Twilio's request signature: base64(HMAC-SHA1(auth token, URL + sorted POST params)).

>>> sign("12345", "https://mycompany.com/myapp.php?foo=1&bar=2", {"CallSid": "CA1234567890ABCDE", ...})
'0/KCTR6DLpKmkAf8muzZqo1nDgQ='
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping
from urllib.parse import urlsplit, urlunsplit

_DEFAULT_PORTS = {"https": 443, "http": 80, "wss": 443, "ws": 80}


def sign(token: str, url: str, params: Mapping[str, str]) -> str:
    payload = url + "".join(key + params[key] for key in sorted(params))
    digest = hmac.new(token.encode(), payload.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def valid(token: str, url: str, params: Mapping[str, str], signature: str | None) -> bool:
    """Whether ``signature`` is Twilio's for this request. Twilio may sign the URL with or
    without the default port, so both spellings are tried (as Twilio's own helpers do)."""
    if not signature:
        return False
    # As bytes: a header can hold any character, and comparing str outside ASCII would raise.
    given = signature.encode("utf-8", "surrogateescape")
    return any(
        hmac.compare_digest(sign(token, candidate, params).encode(), given)
        for candidate in _spellings(url)
    )


def _spellings(url: str) -> list[str]:
    parts = urlsplit(url)
    port = parts.port or _DEFAULT_PORTS.get(parts.scheme)
    host = parts.hostname or ""
    bare = urlunsplit(parts._replace(netloc=host))
    with_port = urlunsplit(parts._replace(netloc=f"{host}:{port}")) if port else bare
    return list(dict.fromkeys([url, bare, with_port]))
