"""The optional generative mode: a language model writes the knowledge answer, grounded only in
the passages retrieval found, citing them as [1], [2]. Off unless ``SAMEN_LLM_URL`` is set.

The model is asked only when retrieval found a passage good enough to answer from itself, and
whatever goes wrong (an error, a timeout, an empty or uncited answer) the bot gives the
extractive answer instead::

    writer = OpenAiCompatibleWriter("http://127.0.0.1:8080", model="qwen2.5-3b-instruct")
    grounded = await write_grounded(writer, question, "nl", hits)
    grounded.text if grounded else "…the passage itself…"
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import httpx

from samen.bot.retrieval import Hit

log = logging.getLogger(__name__)

LANGUAGE_NAMES = {"nl": "Dutch", "en": "English", "de": "German", "fr": "French"}
MAX_PASSAGES = 4
_CITATION = re.compile(r"\[(\d{1,2})\]")


@dataclass(frozen=True, slots=True)
class Source:
    number: int
    article_id: str
    title: str
    heading: str
    text: str
    url: str | None = None

    def view(self) -> dict[str, Any]:
        return {"article_id": self.article_id, "title": self.title, "url": self.url}


@dataclass(frozen=True, slots=True)
class Grounded:
    text: str
    cited: list[Source]


class AnswerWriter(Protocol):
    """Writes an answer to ``question`` from ``sources`` only; ``None`` when it could not."""

    async def write(
        self, question: str, language: str, sources: Sequence[Source]
    ) -> str | None: ...


def system_prompt(language: str, sources: Sequence[Source]) -> str:
    name = LANGUAGE_NAMES.get(language, language)
    passages = "\n\n".join(f"[{s.number}] {s.title} — {s.heading}\n{s.text}" for s in sources)
    return (
        "You are the digital assistant of a customer service. Answer the customer's question "
        "using ONLY the numbered passages below; add nothing they do not say. "
        f"Answer in {name}, the customer's language, in at most four short sentences. "
        "Cite the passages you used as [1], [2] right after what you took from them. "
        "If the passages do not answer the question, say that you do not know.\n\n"
        f"Passages:\n\n{passages}"
    )


def sources_of(hits: Sequence[Hit], min_score: float) -> list[Source]:
    """The passages worth showing the model: every hit good enough, with its close second."""
    chosen: list[tuple[Hit, Any]] = []
    for hit in hits:
        if hit.score < min_score:
            continue
        chosen.append((hit, hit.passage))
        if hit.also is not None:
            chosen.append((hit, hit.also))
    return [
        Source(i, hit.article.id, hit.article.title, passage.heading, passage.text, hit.article.url)
        for i, (hit, passage) in enumerate(chosen[:MAX_PASSAGES], start=1)
    ]


async def write_grounded(
    writer: AnswerWriter, question: str, language: str, sources: Sequence[Source]
) -> Grounded | None:
    """The model's answer with the sources it cites, or ``None`` (then answer extractively)."""
    if not sources:
        return None
    text = await writer.write(question, language, sources)
    if not text or not text.strip():
        return None
    by_number = {s.number: s for s in sources}
    cited = [by_number[n] for n in dict.fromkeys(int(m) for m in _CITATION.findall(text))
             if n in by_number]  # fmt: skip
    if not cited:
        log.warning("The language model's answer cites no passage; answering extractively.")
        return None
    return Grounded(text.strip(), cited)


def chat_completions_url(url: str) -> str:
    """Accept a server's base URL, its ``/v1``, or the full endpoint."""
    url = url.rstrip("/")
    if url.endswith("/chat/completions"):
        return url
    return f"{url}/chat/completions" if url.endswith("/v1") else f"{url}/v1/chat/completions"


class OpenAiCompatibleWriter:
    """``AnswerWriter`` over any OpenAI-compatible ``/v1/chat/completions`` endpoint (OpenAI,
    vLLM, llama.cpp's server, Ollama, LocalAI…)."""

    def __init__(
        self,
        url: str,
        model: str = "default",
        api_key: str | None = None,
        timeout: float = 10.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.url = chat_completions_url(url)
        self.model = model
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._http = httpx.AsyncClient(timeout=timeout, headers=headers, transport=transport)

    async def write(self, question: str, language: str, sources: Sequence[Source]) -> str | None:
        payload = {
            "model": self.model,
            "temperature": 0.1,
            "max_tokens": 400,
            "messages": [
                {"role": "system", "content": system_prompt(language, sources)},
                {"role": "user", "content": question},
            ],
        }
        try:
            response = await self._http.post(self.url, json=payload)
            response.raise_for_status()
            content = response.json()["choices"][0]["message"]["content"]
        except httpx.TimeoutException:
            log.warning("The language model did not answer in time; answering extractively.")
            return None
        except httpx.HTTPError as exc:
            log.warning("The language model failed (%s); answering extractively.", exc)
            return None
        except (ValueError, KeyError, IndexError, TypeError):
            log.warning("The language model's answer is not chat-completions JSON.")
            return None
        return content if isinstance(content, str) else None

    async def aclose(self) -> None:
        await self._http.aclose()
