"""Which language a message is in, offline, also for the very short ones.

``py3langid`` ranks a fixed set of languages; short greetings get help from cue words and the
conversation's earlier language, because no detector can tell "ok" apart on its own. A short
message in another language is known by its greeting or function words ("Guten Morgen",
"Merhaba", "meine Nummer ist"); one without any cue word and without a conversation around it
is left to ``py3langid`` between the service's own languages when it is sure, and is in the
service's first language otherwise.

>>> LanguageDetector(("nl", "en")).detect("Waar blijft mijn pakket?")
'nl'
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence

# Languages a European customer service hears; anything in them is reported, not misread as Dutch.
KNOWN = (
    "nl", "en", "de", "fr", "es", "it", "pt", "pl", "tr", "ar", "ro", "da", "sv", "no", "fi",
    "cs", "hu", "el", "ru", "uk", "zh", "ja", "id", "fa", "bg", "hr", "sk", "sl",
)  # fmt: skip

_CUES = {
    "nl": {
        "hoi", "hallo", "hee", "goedemorgen", "goedemiddag", "goedenavond", "dag", "doei", "bedankt",
        "dank", "dankje", "dankjewel", "ja", "nee", "jawel", "mijn", "ik", "wil", "niet",
        "graag", "alsjeblieft", "aub", "een", "het", "de", "is", "van", "wat", "waar", "wanneer",
        "hoe", "klopt", "prima", "oke", "oké", "top", "medewerker", "mens", "jullie", "kan",
        "storing", "factuur", "verhuizen", "opzeggen", "m'n", "ff", "heb", "geen", "doet", "werkt",
    },
    "en": {
        "hi", "hello", "hey", "thanks", "thank", "you", "yes", "no", "my", "i", "want", "not",
        "please", "the", "is", "what", "where", "when", "how", "okay", "bye", "agent",
        "human", "person", "can", "invoice", "bill", "outage", "cancel", "moving", "doesn't",
        "have", "does", "works", "good", "morning", "evening", "afternoon", "cheers",
        "on", "at", "call", "pls", "plz", "thnx", "ty", "sorry",
    },
}  # fmt: skip
# Greetings and function words of the other languages a customer may write in, none of them a
# Dutch or English word (so not "hallo", "ja", "nie", "merci", which Dutch and Flemish use).
_OTHER_CUES = {
    "de": {
        "guten", "ich", "ist", "nicht", "bitte", "danke", "mein", "meine", "meinen", "moin",
        "tschüss", "servus", "und", "habe", "kein", "keine", "vielen", "können", "sie",
        "funktioniert", "möchte", "sprechen", "spreche", "deutsch",
    },
    "fr": {
        "bonjour", "bonsoir", "salut", "oui", "suis", "vous", "svp", "plaît", "madame",
        "monsieur", "français", "mon", "marche",
    },
    "es": {
        "hola", "buenas", "buenos", "días", "gracias", "por", "favor", "tengo", "quiero",
        "ayuda", "adiós", "español", "funciona",
    },
    "tr": {
        "merhaba", "selam", "teşekkürler", "tesekkurler", "teşekkür", "tesekkur", "evet",
        "hayır", "hayir", "lütfen", "lutfen", "iyi", "günler", "gunler", "yardım", "yardim",
        "türkçe", "turkce",
    },
    "pl": {
        "dzień", "dzien", "dobry", "dziękuję", "dziekuje", "proszę", "prosze", "cześć",
        "czesc", "polsku",
    },
    "it": {"buongiorno", "buonasera", "grazie", "prego", "italiano"},
    "pt": {"olá", "obrigado", "obrigada", "bom", "português"},
}  # fmt: skip
# On the demo's training data and BANKING77, short messages without a cue word that py3langid
# gives English at 0.9 or more (between Dutch and English) are English in 404 of 405.
_SURE_BETWEEN_PREFERRED = 0.9
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?", re.UNICODE)


class LanguageDetector:
    def __init__(self, preferred: Sequence[str] = ("nl", "en")) -> None:
        from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

        self.preferred = tuple(preferred)
        self._identifier = LanguageIdentifier.from_modelpath(
            str(MODEL_DIR / MODEL_FILE), norm_probs=True
        )
        self._identifier.set_languages(sorted(set(KNOWN) | set(self.preferred)))
        self._lock = threading.Lock()

    def detect(self, text: str, hint: str | None = None) -> str:
        """The language code; ``hint`` is the conversation's earlier language or the locale."""
        words = [w.lower() for w in _WORD.findall(text)]
        if not words:
            return hint or self.preferred[0]
        cue = self._by_cues(words)
        other = self._by_other_cues(words)
        if len(words) <= 3:
            if other and not cue:
                return other
            if cue or hint:
                return cue or str(hint)
            return self._between_preferred(text, words)
        with self._lock:
            ranked = self._identifier.rank(text)
        best, prob = ranked[0]
        if best in self.preferred:
            return str(best)
        # Another language must win clearly, and not merely on a few shared words: by a wide
        # margin, or with its own words in the message and none of ours.
        preferred_prob = max((p for lang, p in ranked if lang in self.preferred), default=0.0)
        if prob > 0.9 and preferred_prob < 0.05 and (cue is None or len(words) > 6):
            return str(best)
        if best == other and cue is None and prob > 0.5:
            return str(best)
        if cue:
            return cue
        top_preferred = max(
            ((p, lang) for lang, p in ranked if lang in self.preferred), default=(0.0, None)
        )[1]
        return str(top_preferred or hint or self.preferred[0])

    def _between_preferred(self, text: str, words: list[str]) -> str:
        """A short message without cue words or context: ``py3langid`` between the service's own
        languages when it is sure ("opening times", "password reset"), else the first one."""
        if len(self.preferred) > 1 and any(len(w) >= 3 for w in words):
            with self._lock:
                ranked = self._identifier.rank(text)
            ours = [(lang, p) for lang, p in ranked if lang in self.preferred]
            total = sum(p for _, p in ours)
            if total > 0 and ours[0][1] / total >= _SURE_BETWEEN_PREFERRED:
                return str(ours[0][0])
        return self.preferred[0]

    def _by_other_cues(self, words: list[str]) -> str | None:
        """The one other language whose cue words the message has most of, if any."""
        scores = {
            lang: n
            for lang, cues in _OTHER_CUES.items()
            if lang not in self.preferred and (n := sum(w in cues for w in words))
        }
        if not scores:
            return None
        ranked = sorted(scores.values(), reverse=True)
        if len(ranked) > 1 and ranked[0] == ranked[1]:
            return None
        return max(scores, key=lambda lang: scores[lang])

    def _by_cues(self, words: list[str]) -> str | None:
        scores = {lang: sum(w in cues for w in words) for lang, cues in _CUES.items()}
        scores = {lang: s for lang, s in scores.items() if lang in self.preferred}
        if not scores:
            return None
        best = max(scores, key=lambda lang: scores[lang])
        ranked = sorted(scores.values(), reverse=True)
        if ranked[0] > 0 and (len(ranked) == 1 or ranked[0] > ranked[1]):
            return best
        return None
