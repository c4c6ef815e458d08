"""Personal links from an e-mail into the web chat, with the conversation resumed.

The chat token of an e-mail conversation is derived from the server's secret and the
conversation's subject token, so any later e-mail in the thread can carry the same link; the
link puts it in the URL fragment, which browsers do not send to servers or write to logs.

>>> links = ResumeLinks("secret", "https://samen.example.com")
>>> links.link("c0ffee", "k7d3xq2m", "nl").startswith("https://samen.example.com/?lang=nl#samen-chat=c0ffee.")
True
"""

from __future__ import annotations

import base64
import hashlib
import hmac


class ResumeLinks:
    def __init__(self, secret: str, base_url: str) -> None:
        self._secret = secret.encode()
        self.base_url = base_url.rstrip("/")

    def token(self, subject_token: str) -> str:
        digest = hmac.new(self._secret, f"email-chat:{subject_token}".encode(), hashlib.sha256)
        return base64.urlsafe_b64encode(digest.digest()).decode().rstrip("=")

    def link(self, conversation_id: str, subject_token: str, language: str | None) -> str:
        lang = "en" if language == "en" else "nl"
        token = self.token(subject_token)
        return f"{self.base_url}/?lang={lang}#samen-chat={conversation_id}.{token}"
