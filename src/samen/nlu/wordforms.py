"""Words as the intent model sees them: informal spellings undone, inflections folded to lemmas.

Customers write "mn pakketje is nog nie bezorgd" and "my packages were not delivered"; the
training data may only have "mijn pakket" and "bezorgen". ``lemmas`` turns both into the same
dictionary forms (``simplemma``, Dutch first, then English), so a word seen in one form counts
for all its forms, and chat shorthand counts as the word it stands for.

>>> lemmas("wanneer komt mn pakketje nou")
['wanneer', 'komen', 'mijn', 'pakket', 'nou']
"""

from __future__ import annotations

import itertools
import re
from functools import lru_cache

from simplemma import Lemmatizer, is_known
from simplemma.strategies import DefaultStrategy

# Chat shorthand and informal spellings → the word the training data most likely has.
SHORTHAND = {
    "mn": "mijn", "m'n": "mijn", "zn": "zijn", "z'n": "zijn", "ff": "even", "effe": "even",
    "efkes": "even", "evt": "eventueel", "k": "ik", "nie": "niet", "nt": "niet", "ns": "eens",
    "tis": "het", "'t": "het", "t": "het", "da": "dat", "wa": "wat", "wnr": "wanneer",
    "aub": "alsjeblieft", "ajb": "alsjeblieft", "svp": "alsjeblieft", "pls": "please",
    "plz": "please", "plis": "please", "thx": "thanks", "tnx": "thanks", "thnx": "thanks",
    "ty": "thanks", "dankuwel": "bedankt", "dankjewel": "bedankt", "dankje": "bedankt",
    "merci": "bedankt", "idd": "inderdaad", "nr": "nummer", "nmr": "nummer", "nummr": "nummer",
    "teevee": "tv", "wiefie": "wifi", "pw": "wachtwoord", "ww": "wachtwoord", "acc": "account",
    "abbo": "abonnement", "abo": "abonnement", "info": "informatie", "ok": "oke", "okay": "oke",
    "oké": "oke", "okee": "oke", "oki": "oke", "hoi": "hallo", "hai": "hallo", "hee": "hallo",
    "hey": "hallo", "heey": "hallo", "hi": "hallo", "hello": "hallo", "hiya": "hallo",
    "heya": "hallo", "hoii": "hallo", "hooi": "hallo", "hoj": "hallo", "hej": "hallo",
    "yo": "hallo",
    "hallootjes": "hallo", "hellaw": "hallo", "moi": "hallo", "goeiedag": "goedendag",
    "goeiemorgen": "goedemorgen", "goeiemiddag": "goedemiddag", "goeieavond": "goedenavond",
    "mogguh": "goedemorgen", "môgge": "goedemorgen", "mogge": "goedemorgen",
}  # fmt: skip

# Chat shorthand the sentence encoder never learned, spelled out before a text is embedded
# ("mn ww werkt nie" reads as "mijn wachtwoord werkt niet"). Only shorthand that is no word of
# its own in Dutch or English: "k", "t", "da", "info" and greetings stay as written.
ENCODER_SPELLING = {
    key: SHORTHAND[key]
    for key in (
        "mn", "m'n", "zn", "z'n", "ff", "effe", "efkes", "evt", "nie", "nt", "ns", "wnr",
        "aub", "ajb", "svp", "pls", "plz", "plis", "thx", "tnx", "thnx", "idd", "nr", "nmr",
        "nummr", "teevee", "wiefie", "ww", "pw", "abbo", "abo", "dankuwel", "dankjewel",
        "dankje",
    )
}  # fmt: skip
_SHORTHAND_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?", re.UNICODE)


def spelled_out(text: str) -> str:
    """``text`` with the chat shorthand of ``ENCODER_SPELLING`` written out in full."""
    return _SHORTHAND_WORD.sub(lambda m: ENCODER_SPELLING.get(m.group(0).lower(), m.group(0)), text)


def unshouted(text: str) -> str:
    """``text`` in lower case if it is written mostly in capitals, else as it is.

    The sentence encoder reads case: "WANNEER KOMT DE MONTEUR" is to it another sentence than
    "wanneer komt de monteur", and one that no training example resembles. A customer who
    shouts means the same thing (the frustration score reads the capitals from the text itself).
    """
    letters = [c for c in text if c.isalpha()]
    capitals = sum(c.isupper() for c in letters)
    if len(letters) >= 4 and capitals * 2 > len(letters):
        return text.lower()
    return text


_TOKEN = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?|'[st]\b|\d+", re.UNICODE)
_LANGUAGES = ("nl", "en")
# Dictionary lookup, then rules and compound splitting for words the dictionary lacks: about
# 0.5 ms for such a word the first time, after that it comes from ``lemma``'s cache.
_LEMMATIZER = Lemmatizer(lemmatization_strategy=DefaultStrategy(greedy=False))


@lru_cache(maxsize=100_000)
def lemma(word: str) -> str:
    """The dictionary form of one lower-cased word (Dutch first, then English)."""
    word = SHORTHAND.get(word, word)
    if word.isdigit():
        return "0"
    if len(word) < 3:
        return word
    return str(_LEMMATIZER.lemmatize(word, lang=_LANGUAGES))


def lemmas(text: str) -> list[str]:
    """The lemmas of ``text``'s words, in order; "op te zeggen" counts as "opzeggen"."""
    tokens = _TOKEN.findall(text.lower().replace("\u2019", "'"))
    out: list[str] = []
    i = 0
    while i < len(tokens):
        if i + 2 < len(tokens) and tokens[i + 1] == "te" and _separable(tokens[i], tokens[i + 2]):
            out.append(tokens[i] + tokens[i + 2])
            i += 3
            continue
        out.append(lemma(tokens[i]))
        i += 1
    return out


# Dutch separable verbs split around "te": "af te lossen", "op te zeggen", "aan te vechten".
_PARTICLES = frozenset(
    {"aan", "af", "bij", "door", "in", "mee", "na", "om", "op", "over", "terug", "toe", "uit"}
    | {"vast", "voor", "weg", "los", "stop"}
)


@lru_cache(maxsize=20_000)
def _separable(particle: str, verb: str) -> bool:
    return particle in _PARTICLES and is_known(particle + verb, lang="nl")


_STRETCH = re.compile(r"(.)\1{2,}")


def unstretched(word: str) -> list[str]:
    """The word, and as typed without letters held down: "jooo" → "jooo", "joo", "jo"."""
    if not _STRETCH.search(word):
        return [word]
    return [word, _STRETCH.sub(r"\1\1", word), _STRETCH.sub(r"\1", word)]


def lemma_ngrams(text: str) -> list[str]:
    """Lemmas and lemma pairs: the analyser of the intent model's third word view."""
    words = lemmas(text)
    return words + [f"{a} {b}" for a, b in itertools.pairwise(words)]


def warm_up() -> None:
    """Load the lemma dictionaries now (~0.4 s), not during the first customer's message."""
    lemma("pakketten")
