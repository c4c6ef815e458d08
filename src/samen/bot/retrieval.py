"""Finding the passage that answers a question phrased nothing like the article.

Two views of every passage: BM25 over stemmed words (Snowball, Dutch and English), which is
exact about names and numbers, and the multilingual sentence embedding, which matches meaning
across wording. Their scores are blended; the understood intent nudges articles about it.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
import Stemmer

from samen.bot.articles import Article, Passage
from samen.nlu.embeddings import Encoder

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
# Expected answer types: a question that asks "when/how late" wants a passage with clock times,
# "how much" one with prices, "how long" one with durations (a classic question-answering cue).
_ANSWER_TYPES = (
    (
        re.compile(
            r"\b(hoe laat|wanneer|open|geopend|bereikbaar|what time|when|opening|closed?|dicht)\b",
            re.I,
        ),
        re.compile(r"\b\d{1,2}[:.]\d{2}\b"),
    ),
    (
        re.compile(
            r"\b(kost|kosten|prijs|prijzen|tarief|hoeveel betaal|how much|price|cost|fee)\b", re.I
        ),
        re.compile(r"€\s?\d"),
    ),
    (
        re.compile(r"\b(hoe lang|duurt|how long|takes?)\b", re.I),
        re.compile(
            r"\b\d+\s*(?:werk)?(?:dagen|dag|weken|uur|minuten|days?|weeks?|hours?|minutes?)\b", re.I
        ),
    ),
)
_STOP = {
    "nl": set(
        [
            "de",
            "het",
            "een",
            "en",
            "van",
            "ik",
            "je",
            "jij",
            "u",
            "mijn",
            "m'n",
            "is",
            "zijn",
            "was",
            "wat",
            "hoe",
            "waar",
            "wanneer",
            "wie",
            "kan",
            "kun",
            "kunnen",
            "wil",
            "wilt",
            "graag",
            "ook",
            "niet",
            "wel",
            "dat",
            "die",
            "dit",
            "er",
            "op",
            "in",
            "aan",
            "met",
            "voor",
            "naar",
            "om",
            "bij",
            "te",
            "tot",
            "of",
            "als",
            "maar",
            "dan",
            "nog",
            "al",
            "hebben",
            "heb",
            "heeft",
            "hoeveel",
            "welke",
            "jullie",
            "ons",
            "we",
            "wij",
            "zo",
            "hier",
            "daar",
        ]
    ),
    "en": set(
        [
            "the",
            "a",
            "an",
            "and",
            "of",
            "i",
            "you",
            "my",
            "is",
            "are",
            "was",
            "what",
            "how",
            "where",
            "when",
            "who",
            "can",
            "could",
            "would",
            "will",
            "want",
            "to",
            "do",
            "does",
            "did",
            "not",
            "be",
            "it",
            "that",
            "this",
            "there",
            "on",
            "in",
            "at",
            "with",
            "for",
            "from",
            "by",
            "or",
            "if",
            "but",
            "then",
            "have",
            "has",
            "had",
            "how",
            "much",
            "which",
            "your",
            "our",
            "we",
            "us",
            "me",
            "please",
        ]
    ),
}


@dataclass(frozen=True, slots=True)
class Hit:
    passage: Passage
    article: Article
    score: float
    lexical: float
    semantic: float
    also: Passage | None = None  # a second passage of the same article that fits almost as well


class _Bm25:
    """BM25 as one sparse matrix of term weights: a query sums its terms' columns."""

    def __init__(self, documents: list[list[str]], k1: float = 1.3, b: float = 0.6) -> None:
        vocabulary: dict[str, int] = {}
        rows, cols, values = [], [], []
        lengths = np.array([len(d) for d in documents], dtype=float)
        average = float(lengths.mean()) if documents else 1.0
        df: Counter[str] = Counter()
        for doc in documents:
            df.update(set(doc))
        n = len(documents)
        for i, doc in enumerate(documents):
            norm = k1 * (1 - b + b * lengths[i] / average)
            for term, tf in Counter(doc).items():
                idf = math.log(1 + (n - df[term] + 0.5) / (df[term] + 0.5))
                rows.append(i)
                cols.append(vocabulary.setdefault(term, len(vocabulary)))
                values.append(idf * tf * (k1 + 1) / (tf + norm))
        self.vocabulary = vocabulary
        self.matrix = sp.csc_matrix((values, (rows, cols)), shape=(n, max(len(vocabulary), 1)))

    def scores(self, query: list[str]) -> np.ndarray:
        columns = sorted({self.vocabulary[t] for t in query if t in self.vocabulary})
        if not columns:
            return np.zeros(self.matrix.shape[0])
        return np.asarray(self.matrix[:, columns].sum(axis=1)).ravel()


class Retriever:
    def __init__(
        self,
        articles: Sequence[Article],
        encoder: Encoder,
        known: Mapping[str, np.ndarray] | None = None,
    ) -> None:
        """``known``: embeddings of passages already indexed (``vectors()`` of the index this
        one replaces), so an edit re-encodes only the passages it changed."""
        self.encoder = encoder
        self.articles = {a.id: a for a in articles}
        self.passages: list[Passage] = [p for a in articles for p in a.passages()]
        self._stemmers = {"nl": Stemmer.Stemmer("dutch"), "en": Stemmer.Stemmer("english")}
        docs = [
            self._terms(self._document(p), self.articles[p.article_id].language)
            for p in self.passages
        ]
        self._bm25 = _Bm25(docs)
        self._texts = [self._document(p) for p in self.passages]
        self._vectors = _encode(encoder, self._texts, known or {})
        # Within an article the passage is chosen on its own words and heading, without the
        # article's title and tags that every passage of it shares.
        own = [
            self._terms(f"{p.heading}. {p.text}", self.articles[p.article_id].language)
            for p in self.passages
        ]
        self._own_bm25 = _Bm25(own)

    def vectors(self) -> dict[str, np.ndarray]:
        """Each passage's indexed text with its embedding."""
        return dict(zip(self._texts, self._vectors, strict=True))

    def _document(self, passage: Passage) -> str:
        article = self.articles[passage.article_id]
        tags = " ".join(article.tags)
        return f"{article.title}. {passage.heading}. {passage.text} {tags}"

    def _terms(self, text: str, language: str) -> list[str]:
        stop = _STOP.get(language, set())
        words = [w.lower() for w in _WORD.findall(text)]
        stemmer = self._stemmers.get(language, self._stemmers["en"])
        return [stemmer.stemWord(w) for w in words if w not in stop]

    def _within(self, article_id: str, terms: list[str], question: str) -> dict[int, float]:
        """Which passage of an article answers: the question's own words, without the words of
        the article's title (every passage shares those), plus the expected answer type.
        Measured on hand-labelled questions, sentence embeddings only blurred this choice."""
        article = self.articles[article_id]
        shared = set(self._terms(article.title, article.language))
        own = self._own_bm25.scores([t for t in terms if t not in shared])
        members = [i for i, p in enumerate(self.passages) if p.article_id == article_id]
        top = max((own[i] for i in members), default=0.0) or 1.0
        scores = {}
        for i in members:
            score = own[i] / top - 0.02 * self.passages[i].position
            if self.passages[i].heading == article.title and len(members) > 1:
                score -= 0.1  # the lead introduces; a section answers
            for asks, holds in _ANSWER_TYPES:
                if asks.search(question) and holds.search(self.passages[i].text):
                    score += 0.3
            scores[i] = score
        return scores

    def search(
        self,
        question: str,
        language: str,
        *,
        intent: str | None = None,
        vector: np.ndarray | None = None,
        top: int = 3,
    ) -> list[Hit]:
        if not self.passages:
            return []
        lexical = self._bm25.scores(self._terms(question, language))
        if lexical.max() > 0:
            lexical = lexical / lexical.max()
        query = vector if vector is not None else self.encoder.encode([question])[0]
        semantic = self._vectors @ query
        scores = 0.35 * lexical + semantic
        for i, passage in enumerate(self.passages):
            article = self.articles[passage.article_id]
            if article.language != language:
                scores[i] -= 0.5
            if intent and intent in article.intents:
                scores[i] += 0.08
        best_per_article: dict[str, int] = {}
        for i in np.argsort(-scores):
            article_id = self.passages[i].article_id
            if article_id not in best_per_article:
                best_per_article[article_id] = int(i)
            if len(best_per_article) >= top:
                break
        terms = self._terms(question, language)
        hits = []
        for article_id, first in best_per_article.items():
            within = self._within(article_id, terms, question)
            members = sorted(within, key=lambda i: -within[i])
            best = members[0]
            second = (
                members[1]
                if len(members) > 1 and within[members[1]] >= 0.95 * within[best]
                else None
            )
            hits.append(
                Hit(
                    self.passages[best],
                    self.articles[article_id],
                    float(scores[first]),
                    float(lexical[first]),
                    float(semantic[first]),
                    self.passages[second] if second is not None else None,
                )
            )
        return hits


def _encode(encoder: Encoder, texts: list[str], known: Mapping[str, np.ndarray]) -> np.ndarray:
    missing = list(dict.fromkeys(t for t in texts if t not in known))
    if not texts or len(missing) == len(texts):
        return encoder.encode(texts)
    fresh = dict(zip(missing, encoder.encode(missing), strict=True)) if missing else {}
    return np.stack([known[t] if t in known else fresh[t] for t in texts])
