"""Signs that a person, not the bot, should handle a message.

A grieving or desperate customer must never be missed, so these rules favour recall: they
match on folded text (lower case, accents stripped, long runs of one letter cut to two),
with stems and a small spelling tolerance for the words that matter most. Precision guards are
kept to the cheap and common cases ("mijn router is overleden" is about a router).

>>> [s.as_dict() for s in detect_sensitive("Mijn man is vorige week overleden.", "nl")]
[{'type': 'bereavement', 'cue': 'overleden'}]
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache, lru_cache

from samen.nlu.cues import NearWords, compile_cues, fold_cached
from samen.nlu.models import SensitiveSignal


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Most urgent first: the order in which signals are returned.
KINDS = ("distress", "bereavement", "vulnerability", "financial_hardship", "legal_threat")

_KIN_WORDS = (
    r"man|vrouw|echtgenoo?te?|partner|vriend(?:in)?|vader|moeder|pa|ma|papa|mama|mam|pap"
    r"|zoon(?:tje)?|dochter(?:tje)?|kind(?:je)?|broer|zus|zuster|opa|oma|grootvader"
    r"|grootmoeder|schoon(?:vader|moeder|zus|broer)|zwager|oom|tante|neef|nicht"
    r"|husband|wife|spouse|boyfriend|girlfriend|fiancee?|father|dad|daddy|mother|mom|mum"
    r"|mommy|mummy|son|daughter|child|baby|brother|sister|grand(?:father|mother|pa|ma|dad)"
    r"|grandad|nan|nana|gran|granny|aunt|uncle|nephew|niece|cousin|friend"
)
_KIN = f"(?:{_KIN_WORDS})"
_PERSON = (
    f"(?:{_KIN_WORDS}|hij|zij|ze|he|she|they|klant|abonnee|houder|accounthouder"
    "|abonnementhouder|contracthouder|holder|owner|customer|subscriber|mevrouw|meneer|mr|mrs|ms)"
)
_MY = r"(?:mijn|m'n|mn|onze|ons)"
# The end of a clause: "ik weet het niet meer." but not "ik weet het niet meer precies".
_END = r"(?=\s*(?:[.!?,;:]|$|\b(?:en|maar|want|dus|sinds|and|but|since|so)\b))"

_PATTERNS: dict[str, tuple[str, ...]] = {
    "bereavement": (
        # overleden, overleed, overlijden, overlijdt and their common misspellings
        # (overleeden, overleidt, overlyden), but not overleg or overleven.
        r"\boverl(?:e+|ij|ei|y|ie|i)(?:d|t)\w*",
        r"\b(?:gestorven|sterven|stervende|sterft|stierf|stierven|ontslapen|verongelukt)\b",
        r"\bheengegaan\b|\bheengaan\b|\b(?:is|zijn|was)\s+heen\s?gegaan\b",
        r"\bbegrafenis\w*|\bbegraven\b|\bcrem(?:atie|eren|ering)\w*|\bgecremeerd\b",
        r"\buitvaart\w*|\bcondole\w*|\bgecondoleerd\b|\b(?:innige|oprechte) deelneming\b",
        r"\brouw(?:en|t|de|kaart\w*|centrum|dienst|verwerking|periode|advertentie)?\b",
        r"\bweduw\w*|\bnabestaand\w*|\bnalatenschap\w*|\berfgena(?:am|men)\b|\bexecuteur\w*",
        r"\bsterfgeval\w*|\bhet leven gelaten\b|\bom het leven gekomen\b",
        # Someone else's suicide, a stillbirth or a miscarriage is a death to arrange things after.
        r"\b(?:zelfmoord|zelfdoding)\s+gepleegd\b|\buit\s+het\s+leven\s+(?:gestapt|gegaan)\b",
        r"\b(?:dood|stil)geboren\b|\bmiskraam\b",
        r"\b(?:is|zijn|was|waren)\s+(?:\w+\s+){0,2}?dood\b|\bdood\s?gegaan\b",
        r"\b(?:de|het)\s+(?:dood|verlies|heengaan)\s+van\s+(?:mijn|m'n|onze|ons)\b",
        r"\b" + _MY + r"\s+(?:lieve\s+|geliefde\s+)?" + _KIN + r"\s+verloren\b",
        r"\b(?:heb|hebben|ben|zijn)\s+(?:\w+\s+){0,2}?" + _MY + r"\s+" + _KIN + r"\s+verloren\b",
        r"\b" + _KIN + r"\s+(?:is|zijn)\s+er\s+niet\s+meer" + _END,
        # "sinds pa er niet meer is", "sinds mijn man dood is", "mijn opa is ingeslapen"
        r"\b" + _KIN + r"\s+er\s+niet\s+meer\s+(?:is|zijn|was|waren)\b",
        r"\b" + _KIN + r"\s+dood\s+(?:is|was|zijn|waren|ging|gingen)\b",
        r"\b(?:is|zijn|was)\s+(?:\w+\s+){0,2}?ingeslapen\b|\bzacht(?:jes)?\s+ingeslapen\b",
        r"\b(?:een\s+)?eind(?:e)?\s+aan\s+(?:zijn|haar|hun|z'n)\s+(?:eigen\s+)?leven"
        r"\s+(?:gemaakt|maakte|maakten)\b|\bzich(?:zelf)?\s+van\s+het\s+leven\s+beroofd\b",
        r"\bleeft\s+niet\s+meer\b|\bniet\s+meer\s+onder\s+ons\b",
        r"\bafscheid\s+(?:\w+\s+){0,2}?(?:moeten\s+)?(?:nemen|genomen|namen|nam)\s+van\s+"
        + _MY
        + r"\s+"
        + _KIN,
        r"\bpas+(?:e?d|t)\s+a+w?a*y\b|\bpassing\s+of\b",
        r"\bpassed\s+on\b(?!\s+(?:the|a|an|my|your|his|her|our|their|this|that|it|to|details?"
        r"|info\w*|messages?)\b)",
        r"\b" + _PERSON + r"\b(?:\s+\w+){0,3}?\s+passed\b(?!\s+(?:his|her|the|a|an|my|their|its|it"
        r"|this|that|all|through|by|me|us|our|your|out|over)\b)",
        r"\b(?:his|her|their|'s)\s+(?:recent\s+|sudden\s+)?passing\b",
        r"\bdie[ds]\b|\bdying\b|\bdeaths?\b|\bdeceased\b|\bfuneral\w*|\bcremat\w*|\bburi(?:al|ed)\b",
        r"\bwidow\w*|\bbereave\w*|\bgriev(?:e|es|ing|ed)\b|\bgrief\b|\bcondolence\w*",
        r"\bprobate\b|\bexecut(?:or|rix)\b|\bnext of kin\b|\bmemorial service\b",
        r"\blate\s+" + _KIN + r"\b",
        r"\b(?:lost|loss\s+of)\s+(?:my|our)\s+(?:\w+\s+)?" + _KIN + r"\b(?!'s)",
        r"\bno\s+longer\s+with\s+us\b|\brest\s+in\s+peace\b|\br\.i\.p\b",
        r"\bkilled\s+in\s+(?:a|an|the)\s+(?:accident|crash|car)\b",
        r"\bcommitted\s+suicide\b|\btook\s+(?:his|her|their)\s+own\s+life\b",
        r"\bstill\s?born\b|\bmiscarr(?:iage|ied)\b|\blost\s+(?:the|our|my)\s+baby\b",
        r"\b(?:is|was|are|were)\s+(?:\w+\s+)?dead\b",
    ),
    "distress": (
        r"\bwanho(?:o?p)\w*|\bradeloos\w*|\bten\s+einde\s+raad\b|\buitzichtloos\w*",
        r"\bzie\s+(?:het|t|'t)\s+(?:echt\s+|gewoon\s+|allemaal\s+)?niet\s+meer\s+zitten\b",
        r"\bgeen\s+uitweg\b|\bweet\s+me\s+geen\s+raad\b",
        r"\bkan\s+(?:\w+\s+){0,3}?niet\s+meer\s+aan\b|\b(?:wordt|is)\s+me\s+(?:\w+\s+)?te\s?veel\b",
        # "ik kan niet meer" alone, not "ik kan niet meer inloggen".
        r"\bik\s+kan\s+(?:echt\s+|gewoon\s+|het\s+|dit\s+)?niet\s+meer(?=\s*(?:[.!?,;:]|$"
        r"|\b(?:en|maar|want|hoor|echt|ik)\b))",
        r"\btrek\s+(?:het|dit|t)\s+(?:echt\s+)?niet\s+meer\b",
        r"\bhoud?t?\s+(?:het|dit)\s+niet\s+(?:meer\s+)?vol\b",
        r"\bik\s+weet\s+het\s+(?:echt\s+|gewoon\s+)?niet\s+meer" + _END,
        r"\bweet\s+(?:echt\s+|gewoon\s+)?niet\s+meer\s+(?:wat|hoe)\s+ik\s+(?:nog\s+|verder\s+)?"
        r"(?:moet|kan)\b|\bweet\s+(?:echt\s+)?niet\s+(?:meer\s+)?hoe\s+(?:ik\s+)?(?:nog\s+)?verder\b",
        r"\b(?:allemaal|alles|het\s+leven|mijn\s+leven)\s+(?:\w+\s+)?geen\s+zin\s+meer\b"
        r"|\bgeen\s+zin\s+meer\s+in\s+(?:het\s+leven|leven|alles|mijn\s+leven)\b",
        r"\bslaap\s+(?:\w+\s+){0,3}?niet\s+meer\b|\bcan'?t\s+sleep\b",
        # Harm to oneself, or to someone close ("heeft zichzelf wat aangedaan")
        r"\b(?:zichzelf|mezelf|mijzelf|zich)\s+(?:iets|wat)\s+(?:aan\s+te\s+doen|aan(?:ge)?d(?:aan|oen))\b"
        r"|\b(?:hurt|harm)(?:ing|s)?\s+(?:myself|himself|herself|themselves)\b",
        r"\b(?:zelfmoord|suicide|suicidaal|zelfdoding)\w*|\ber\s+(?:een\s+)?eind(?:e)?\s+aan\s+"
        r"(?:te\s+)?maken\b|\beind(?:e)?\s+aan\s+mijn\s+leven\b",
        r"\bwil\s+(?:niet\s+meer\s+leven|dood)\b|\bga\s+dood\b(?!\s+van\b)|\bniet\s+meer\s+(?:willen\s+)?leven\b",
        r"\bpaniek(?!knop)\w*",
        # Crying, but not the idiom "het is om te huilen".
        r"\bik\s+huil\b|\b(?:ik|zit|sta|lig|moet)\s+(?:\w+\s+)?(?:te\s+)?(?:huilen|janken)\b",
        r"\bhuilend\w*|\bin\s+tranen\b",
        r"\bik\s+ben\s+(?:echt\s+|helemaal\s+|compleet\s+|zo\s+)?(?:op|kapot|gebroken"
        r"|overspannen|depressief)(?=\s*(?:[.!?,;:]|$|\b(?:en|van|hoor|echt)\b))",
        r"\bben\s+er\s+(?:echt\s+|helemaal\s+)?kapot\s+van\b",
        r"\boverspannen\b|\bburn-?out\b|\bdepressi\w+|\bdoodsbang\b|\bangstig\b",
        r"\bik\s+ben\s+(?:zo\s+|heel\s+|echt\s+|erg\s+)?bang\b(?!\s+(?:dat|om)\b)",
        r"\bdesperat\w*|\bdespair\w*|\bhopeless\w*|\bsuicid\w*|\bself[- ]?harm\w*",
        r"\bkill(?:ing)?\s+myself\b|\bend\s+(?:it\s+all|my\s+life)\b|\bno\s+reason\s+to\s+live\b",
        r"\b(?:want|wanna)\s+(?:to\s+)?die\b|\bdo(?:n'?t|\s+not)\s+want\s+to\s+(?:live|be\s+here)\b",
        r"\bbetter\s+off\s+dead\b",
        r"\b(?:can'?t|cannot|can\s+not|unable\s+to|not)\s+cop(?:e|ing)\b",
        r"\bcan(?:'?t|not|\s+not)\s+take\s+(?:it\s+|this\s+)?any\s?(?:more|longer)\b",
        r"\bcan(?:'?t|not|\s+not)\s+take\s+(?:much\s+)?more\s+of\s+this\b|\bcan'?t\s+go\s+on\b",
        r"\bend\s+of\s+my\s+(?:rope|tether)\b|\bwits?'?s?\s+end\b",
        r"\b(?:nervous|mental)\s+breakdown\b|\bbreaking\s+down\b|\bfalling\s+apart\b",
        r"\bpanic(?:king|ked|ky)?\b(?!\s*(?:button|alarm))",
        r"\bcrying\b|\bin\s+tears\b|\bsobbing\b|\bcried\b",
        r"\b(?:i'?m|i\s+am|so|really)\s+(?:so\s+)?(?:scared|terrified|frightened)\b|\bterrified\b",
        r"\boverwhelmed\b|\bdepress(?:ed|ion)\b|\banxiety\b|\bheartbroken\b|\bdevastated\b",
        r"\bdon'?t\s+know\s+what\s+(?:else\s+)?to\s+do\s+any\s?more\b",
        r"\bgiv(?:e|ing)\s+up\s+on\s+(?:life|everything)\b"
        r"|\bdon'?t\s+see\s+the\s+point\s+(?:any\s?more|of\s+living|in\s+living)\b",
    ),
    "vulnerability": (
        r"\b(?:" + _KIN + r"\s+(?:van|is|wordt)\s+|ik\s+ben\s+|i'?m\s+|i\s+am\s+|aged?\s+)"
        r"(?:al\s+|bijna\s+|nearly\s+|almost\s+|over\s+)?(?:[7-9]\d|1[01]\d)\b"
        r"(?!\s*(?:euro|eur|€|\$|£|%|cent|procent|percent|gb|mb|min|uur|dag|keer|pound|dollar|p\b"
        r"|x\b|[.,]\d))",
        r"\b(?:[7-9]\d|1[01]\d)\s*(?:jaar\s+oud|-?\s?jarige?|years?\s+old|-year-old|-?plusser)",
        r"\bbejaard\w*|\bhoogbejaard\w*|\bop\s+(?:hoge\s+)?leeftijd\b|\belderly\b|\bpensioner\b",
        r"\b(?:personen|zorg|val|hals|pols|nood)alarm\w*|\balarm(?:systeem|knop|centrale)\w*",
        r"\bnoodknop\b|\bpaniekknop\b|\bvaldetectie\b",
        r"\b(?:medical|personal|care|emergency)\s+alarm\b|\btelecare\b|\bpanic\s+button\b",
        r"\bthuiszorg\b|\bwijkverple\w+|\bmantelzorg\w*|\b(?:verpleeg|verzorgings)(?:huis|tehuis)\b",
        r"\bzorginstelling\b|\bhospice\b|\bcare\s+home\b|\bnursing\s+home\b|\bassisted\s+living\b",
        r"\bslechtziend\w*|\bslechthorend\w*|\bblind\b|\bdoof\b|\bdoven\w*|\bgehoorapparaat\b",
        r"\bdement\w*|\balzheimer\w*|\bparkinson\w*|\brolstoel\w*|\bscootmobiel\b|\brollator\b",
        r"\bgehandicapt\w*|\bhandicap\b|\bbeperking\b|\binvalide\b|\bbedlegerig\b",
        r"\bziekenhuis\w*|\bopgenomen\s+in\b|\brevalid\w+|\bchemo\w*|\bbestraling\w*",
        r"\b(?:heeft|heb|had|hebben|met|aan|tegen|gekregen)\s+(?:\w+\s+)?kanker\b"
        r"|\b(?:long|borst|darm|huid|prostaat|alvleesklier)kanker\b|\bkankerpatie?nt\w*"
        r"|\bkanker\s+(?:heb|heeft|had|hebben|gehad|gekregen)\b",
        r"\bleukemie\b|\btumor\w*|\bhersentumor\w*|\buitgezaaid\b|\boncolo\w+|\bterminaal\b",
        r"\bongeneeslijk\w*|\bpalliatie\w*|\bdialyse\b|\bzuurstof(?:apparaat|concentrator|fles)\b",
        r"\bbeademing\w*|\bhartpatie?nt\w*|\bhartfalen\b|\bpacemaker\b|\bberoerte\b",
        r"\bherseninfarct\b|\bhart(?:aanval|infarct)\b|\bepilepsie\b|\bautis\w+",
        r"\b(?:ernstig|chronisch|langdurig|terminaal|heel|erg|zwaar)\s+ziek\b",
        r"\blaaggeletterd\w*|\bslecht\s+ter\s+been\b|\baan\s+huis\s+gebonden\b|\bkwetsbaar\b",
        r"\bafhankelijk\s+van\s+(?:het\s+|de\s+|mijn\s+)?(?:internet|telefoon|lijn|verbinding)\b",
        r"\bhospital\w*|\bintensive\s+care\b|\bicu\b",
        r"\bdisab(?:led|ility|ilities)\b|\bhandicapped\b|\bwheelchair\b|\bmobility\s+scooter\b",
        r"\bdeaf\b|\bhard\s+of\s+hearing\b|\bhearing\s+aid\b|\bvisually\s+impaired\b",
        r"\bpartially\s+sighted\b|\bdementia\b",
        r"\bchemotherapy\b|\bradiotherapy\b|\bcancer\b|\bterminal(?:ly)?\s+ill\b|\bdialysis\b",
        r"\bhome\s+oxygen\b|\boxygen\s+(?:machine|concentrator|supply)\b|\bventilator\b",
        r"\bhad\s+a\s+stroke\b|\bheart\s+(?:attack|condition|failure)\b|\bepilep\w+",
        r"\b(?:seriously|chronically|terminally)\s+ill\b|\bchronic\s+illness\b",
        r"\bhousebound\b|\bbed-?ridden\b|\bcarer\b|\bcare-?giver\b|\bvulnerable\b",
        r"\bmental\s+health\b|\blearning\s+disabilit\w+|\brecovering\s+from\b|\bsurgery\b",
        r"\b(?:depend(?:ent|s)?|rel(?:y|ies))\s+on\s+(?:the\s+|my\s+)?(?:internet|phone|landline)"
        r"\s+for\s+(?:my\s+)?(?:medical|health|alarm|care)\b",
        # Someone unsafe at home (a new number, a hidden address) must reach a person.
        r"\bhuiselijk\s+geweld\b|\bmishandel\w*|\bveilig\s+thuis\b|\bblijf[\s-]+van[\s-]+mijn[\s-]+lijf",
        r"\b(?:slaat|sloeg|schopt|bedreigt|stalkt|achtervolgt)\s+(?:me|mij)\b|\bstalk(?:er|ing)\w*",
        r"\bcontactverbod\b|\bblijf-?weg-?huis\b|\bvrouwenopvang\b",
        r"\bdomestic\s+(?:abuse|violence)\b|\babusive\s+(?:partner|ex|husband|wife|relationship)\b",
        r"\b(?:hits|hit|beats|threatens|is\s+stalking)\s+me\b|\brestraining\s+order\b|\bwomen'?s\s+refuge\b",
    ),
    "financial_hardship": (
        r"\bschulden\w*|\bin\s+de\s+schulden\b|\bschuld(?:hulp|sanering|eiser|bemiddel)\w*",
        r"\bwsnp\b|\bbewindvoer\w*|\bonder\s+bewind\b|\bbeschermingsbewind\b|\bbudget(?:beheer"
        r"|coach)\b",
        r"\b(?:kan|kun|kunnen|kon|konden)\s+(?:\w+\s+){0,4}?niet\s+(?:meer\s+|eens\s+)?(?:be)?talen\b"
        r"(?!\s+(?:met|via|in|op|omdat|door|want)\b)",
        r"\bniet\s+kunnen\s+betalen\b|\bgeen\s+geld\b|\bweinig\s+geld\b|\bkrap\s+bij\s+kas\b"
        r"|\bgeen\s+(?:rooie\s+|rode\s+)?cent\b",
        r"\buit\s+(?:\w+\s+)?huis\s+(?:ge)?zet\w*|\bhuisuitzetting\w*|\bontruiming\w*|\bevict\w*",
        r"\brond\s?(?:te\s+)?komen\b|\bwerkloos\b|\bontslagen\b|\bbaan\s+(?:kwijt|verloren)\b",
        r"\bbijstand\w*|\buitkering\b|\bvoedselbank\b|\bdeurwaarder\w*|\bincassobureau\w*",
        r"\bfinancieel\s+(?:\w+\s+){0,2}?(?:niet\s+rond|moeilijk|krap|zwaar|lastig)\b"
        r"|\bfinanciele\s+(?:problemen|zorgen|nood|moeilijkheden)\b|\bred\s+het\s+(?:\w+\s+)?niet"
        r"\s+meer\b|\bzitten\s+(?:\w+\s+){0,4}?krap\b",
        r"\bbetalingsachterstand\w*|\bbetalingsregeling\w*|\brood\s+staan\b|\bfailliet\b"
        r"|\bfaillissement\b|\bdakloos\b|\barmoede\b",
        r"\bdebts?\b|\bin\s+debt\b|\bdebt\s+(?:collector|counsel+or|advice|relief)\w*",
        r"\b(?:can'?t|cannot|can\s+not|unable\s+to|couldn'?t|struggling\s+to)\s+"
        r"(?:afford|pay)\b(?!\s+(?:with|by|via|online|through)\b)",
        r"\bstruggling\s+financially\b|\bfinancial\s+(?:difficult|hardship|problem|trouble)\w*",
        r"\bmoney\s+is\s+tight\b|\bno\s+money\b|\blost\s+my\s+job\b|\bunemployed\b|\bjobless\b",
        r"\blaid\s+off\b|\bmade\s+redundant\b|\bredundancy\b|\bon\s+benefits\b",
        r"\buniversal\s+credit\b|\bfood\s?bank\b|\bbailiffs?\b|\bbankrupt\w*|\bpayment\s+plan\b",
        r"\bbehind\s+on\s+(?:my\s+|the\s+)?(?:payments|bills|rent)\b|\barrears\b",
        r"\b(?:i'?m|i\s+am|we'?re|we\s+are)\s+(?:flat\s+|completely\s+)?broke\b|\bhomeless\b",
    ),
    "legal_threat": (
        r"\badvoca(?:at|ten)\w*|\bjurist\b|\brechtsza?ak\w*|\bjuridisch\w*|\bgerechtelijk\w*",
        r"\b(?:naar|bij|voor)\s+de\s+rechter\b|\brechter\s+(?:stappen|slepen)\b|\bkantonrechter\b",
        r"\bvoor\s+het\s+gerecht\b|\baanklag\w*|\bklaag\s+(?:ik\s+)?(?:jullie|u|je|jou)(?:\s+\w+){0,3}?\s+aan\b",
        r"\b(?:een\s+)?(?:proces|rechtszaak|zaak)\s+(?:tegen\s+\w+\s+)?aan(?:spannen|gespannen)\b",
        r"\bdagvaard\w*|\bingebrekestelling\b|\bin\s+gebreke\b|\bsommatie\b",
        r"\baansprakelijk\s+(?:stellen|gesteld|houden)\b|\bschadevergoeding\s+(?:eisen|claimen)\b",
        r"\bconsumentenbond\b|\bgeschillencommissie\b|\bacm\b|\bautoriteit\s+consument\w*",
        r"\bombudsman\b|\brechtsbijstand\w*|\bjuridisch\s+loket\b",
        # "aangifte" against someone (police), not "mijn aangifte" (the tax return)
        r"(?<!mijn\s)(?<!onze\s)(?<!de\s)\baangifte\s+(?:\w+\s+){0,2}?(?:doen|gedaan|bij|tegen)\b",
        r"\b(?:doe|doen|deed|ga|gaan|gaat)\s+(?:(?!mijn\b|onze\b|de\b)\w+\s+){0,2}?aangifte\b",
        r"\bnaar\s+(?:kassa|radar|tros\s+radar|de\s+media|de\s+pers)\b",
        r"\blawyers?\b|\battorney\w*|\bsolicitors?\b|\blegal\s+(?:action|proceedings|advice|steps)\b",
        r"\bcourt\b|\bsmall\s+claims\b|\blaw\s?suit\w*|\bsuing\b",
        r"\b(?:will|to|gonna|'ll|and|shall|then)\s+sue\b|\bsue\s+(?:you|them|your|the)\b",
        r"\btrading\s+standards\b|\bofcom\b|\bbetter\s+business\s+bureau\b|\bcease\s+and\s+desist\b",
        r"\bletter\s+before\s+action\b|\bclass\s+action\b|\bconsumer\s+protection\b",
    ),
}

# One-edit misspellings of these words are caught too (a symmetric deletion index). Words like
# "overleden" are left to the patterns: one edit away lie overleg, overheden and overleven.
_NEAR_WORDS: dict[str, str] = {
    **dict.fromkeys(
        _words(
            "begrafenis uitvaart condoleance condoleances gecondoleerd nabestaande nabestaanden "
            "heengegaan gestorven weduwnaar overlijdensakte funeral deceased bereavement "
            "bereaved condolences widowed widower"
        ),
        "bereavement",
    ),
    **dict.fromkeys(
        _words(
            "wanhopig wanhoop radeloos zelfmoord uitzichtloos suicide suicidal desperate "
            "desperately desperation hopeless depressed"
        ),
        "distress",
    ),
}
# Real words one edit from a word above, found by checking the Dutch and English word lists.
_NEAR_MISSES = _words(
    "uitvalt uitvaagt uittart uithardt decrease decreased decreases homeless gestoven raadsels "
    "warhoop windowed hoepels desecrate"
)

_DEVICES = _words(
    "modem router wifi internet verbinding lijn telefoon telefoontje mobiel mobieltje gsm "
    "smartphone iphone samsung toestel batterij accu oplader kabel laptop computer pc tablet ipad "
    "tv televisie decoder settopbox kastje ontvanger afstandsbediening scherm printer sim "
    "simkaart app website site server netwerk signaal ding it phone cellphone mobile handset "
    "battery charger cable television box remote screen connection line signal network "
    "broadband hub"
)
_PEOPLE_RE = re.compile(rf"\b{_PERSON}\b")
_TOKEN_RE = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_CLAUSE_BREAK_RE = re.compile(r"[.!?;:\n]")


def detect_sensitive(text: str, language: str) -> list[SensitiveSignal]:
    """One signal per kind found in ``text``, most urgent kind first.

    Cues of both languages are always checked whatever ``language`` says: customers mix
    Dutch and English, and short messages are often detected as the wrong language.

    >>> detect_sensitive("De batterij van mijn modem is dood", "nl")
    []
    """
    folded = fold_cached(text)
    found: dict[str, str] = {}
    for kind in KINDS:
        for start, end in _matches(kind, folded.text):
            if kind == "bereavement" and _is_about_a_device(folded.text, start, end):
                continue
            found[kind] = folded.original(start, end)
            break
    if len(found) < len(KINDS):
        for kind, start, end in _near_matches(folded.text):
            if kind in found:
                continue
            if kind == "bereavement" and _is_about_a_device(folded.text, start, end):
                continue
            found[kind] = folded.original(start, end)
    return [SensitiveSignal(kind, found[kind]) for kind in KINDS if kind in found]


@cache
def _compiled(kind: str) -> re.Pattern[str]:
    return compile_cues(_PATTERNS[kind])


def _matches(kind: str, text: str) -> Iterator[tuple[int, int]]:
    for m in _compiled(kind).finditer(text):
        yield m.start(), m.end()


def _near_matches(text: str) -> Iterator[tuple[str, int, int]]:
    for m in _TOKEN_RE.finditer(text):
        token = m.group()
        if len(token) >= 6 and token.isalpha() and (kind := _near_kind(token)):
            yield kind, m.start(), m.end()


@lru_cache(maxsize=16384)
def _near_kind(token: str) -> str | None:
    if token in _NEAR_MISSES:
        return None
    word = _near_words().match(token)
    return _NEAR_WORDS[word] if word else None


@cache
def _near_words() -> NearWords:
    return NearWords(_NEAR_WORDS, key=_spelling_key)


def _spelling_key(word: str) -> str:
    # Dutch spellers confuse ij/ei/y, doubled letters and a final d/dt/t.
    key = re.sub(r"(.)\1+", r"\1", word.replace("ij", "ei").replace("y", "ei"))
    return re.sub(r"d?t$|d$", "t", key)


def _is_about_a_device(text: str, start: int, end: int) -> bool:
    """True for "mijn router is overleden", "my phone died": a device, not a person, died."""
    if _PEOPLE_RE.search(text, start, end):
        return False
    after = _TOKEN_RE.search(text, end)
    if after and _PEOPLE_RE.fullmatch(after.group()):  # "mijn overleden vader"
        return False
    clause_start = 0
    for m in _CLAUSE_BREAK_RE.finditer(text, 0, start):
        clause_start = m.end()
    before = _TOKEN_RE.findall(text, clause_start, start)[-4:]
    if any(_PEOPLE_RE.fullmatch(t) for t in before):
        return False
    return any(t in _DEVICES for t in before)
