"""Knowledge answers: the best passage for a question, with its source, or honestly nothing."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from samen.bot.articles import Article, load_folder
from samen.bot.retrieval import Hit, Retriever
from samen.nlu.embeddings import Encoder

_INDEXES: dict[tuple[tuple[str, int, str], ...], KnowledgeBase] = {}

# Below this blended score the best passage is more likely wrong than right (measured on the
# retrieval benchmark's questions and on out-of-scope questions): say so instead of guessing.
MIN_SCORE = 0.55
MAX_ANSWER_CHARS = 900


@dataclass(frozen=True, slots=True)
class Answer:
    text: str
    article: Article
    heading: str
    score: float

    def source(self) -> dict[str, str | None]:
        return {"article_id": self.article.id, "title": self.article.title, "url": self.article.url}


class KnowledgeBase:
    def __init__(self, articles: list[Article], encoder: Encoder) -> None:
        self.articles = articles
        self.encoder = encoder
        self.retriever = Retriever(articles, encoder)

    @classmethod
    def from_folder(cls, folder: Path, encoder: Encoder) -> KnowledgeBase:
        return cls.from_articles(load_folder(folder) if folder.exists() else [], encoder)

    @classmethod
    def from_articles(cls, articles: list[Article], encoder: Encoder) -> KnowledgeBase:
        key = tuple((a.id, hash(a.body), a.title) for a in articles)
        cached = _INDEXES.get(key)
        if cached is None or cached.encoder is not encoder:
            cached = cls(articles, encoder)
            _INDEXES.clear()  # one tenant's index per process is what a server needs
            _INDEXES[key] = cached
        # Each knowledge base gets its own list; the index (embeddings) is shared and read-only.
        knowledge = cls.__new__(cls)
        knowledge.articles, knowledge.encoder, knowledge.retriever = (
            list(articles),
            encoder,
            cached.retriever,
        )
        return knowledge

    def index(self, articles: list[Article]) -> Retriever:
        """A new index over ``articles``, encoding only passages this one does not hold yet
        (slow: run it in a worker thread, then ``use`` it)."""
        return Retriever(articles, self.encoder, known=self.retriever.vectors())

    def use(self, articles: list[Article], retriever: Retriever) -> None:
        """Answer from now on from ``articles``: a search running meanwhile sees the old index."""
        self.retriever, self.articles = retriever, articles

    def replace(self, articles: list[Article]) -> None:
        """Swap in a new set of articles (after an import or an edit through the API)."""
        self.use(articles, self.index(articles))

    def search(
        self,
        question: str,
        language: str,
        intent: str | None = None,
        vector: np.ndarray | None = None,
        top: int = 3,
    ) -> list[Hit]:
        return self.retriever.search(question, language, intent=intent, vector=vector, top=top)

    def answer(
        self,
        question: str,
        language: str,
        intent: str | None = None,
        vector: np.ndarray | None = None,
    ) -> Answer | None:
        return self.answer_from(self.search(question, language, intent, vector, top=1))

    @staticmethod
    def answer_from(hits: list[Hit]) -> Answer | None:
        """The best hit as an answer, or ``None`` when it is not good enough to give."""
        if not hits or hits[0].score < MIN_SCORE:
            return None
        best = hits[0]
        text = best.passage.text
        if best.also is not None and len(text) + len(best.also.text) <= MAX_ANSWER_CHARS:
            # Two passages fit almost equally well: give both rather than the wrong half.
            text = f"{text}\n\n{best.also.heading}:\n{best.also.text}"
        return Answer(text, best.article, best.passage.heading, best.score)
