import pytest

from samen.nlu.sensitive import KINDS, detect_sensitive


def kinds(text: str, language: str) -> list[str]:
    return [signal.kind for signal in detect_sensitive(text, language)]


DUTCH_FLAGGED = [
    ("Mijn man is vorige week overleden, hoe zeg ik zijn abonnement op?", "bereavement"),
    ("mijn vader is vorige maand heengegaan en zijn abonnement loopt nog", "bereavement"),
    ("Mijn moeder is overleeden en de rekening staat op haar naam", "bereavement"),
    ("Mijn vader overleidt vorige week, wat moet ik met zijn telefoon doen", "bereavement"),
    ("De begravenis is vrijdag, kan het contract daarna worden stopgezet?", "bereavement"),
    ("Ik ben sinds maart weduwe en wil de rekening op mijn naam zetten", "bereavement"),
    ("Namens de nabestaanden wil ik het contract van mijn oom beëindigen", "bereavement"),
    ("Ik heb vorig jaar mijn vrouw verloren en snap niets van deze facturen", "bereavement"),
    ("Na de uitvaart van mijn schoonvader kwam er nog een factuur binnen", "bereavement"),
    ("mijn man is er niet meer sinds de zomer", "bereavement"),
    ("Ik wil het abonnement van mijn overleden vader opzeggen", "bereavement"),
    ("Ik kan niet meer. Dit is de derde storing en niemand helpt me", "distress"),
    ("Ik ben echt ten einde raad met jullie", "distress"),
    ("Ik zie het echt niet meer zitten, alles gaat mis", "distress"),
    ("ik ben wanhoppig, niks werkt en ik moet werken", "distress"),
    ("Ik zit hier te huilen aan de telefoon", "distress"),
    ("Ik kan het allemaal niet meer aan", "distress"),
    ("Mijn moeder van 89 heeft geen telefoon meer en woont alleen", "vulnerability"),
    ("Als het internet uitvalt werkt het alarmsysteem van mijn vader niet", "vulnerability"),
    ("Ik ben slechtziend en kan de factuur niet lezen", "vulnerability"),
    ("Mijn vrouw heeft dementie en belt steeds per ongeluk naar het buitenland", "vulnerability"),
    ("De thuiszorg kan mijn moeder niet bereiken", "vulnerability"),
    ("Ik lig in het ziekenhuis en heb chemo, kan de monteur later komen?", "vulnerability"),
    ("Ik zit in de schulden en heb een bewindvoerder", "financial_hardship"),
    ("Ik kan de rekening deze maand niet betalen, ik ben werkloos", "financial_hardship"),
    ("Sinds ik in de bijstand zit heb ik geen geld voor dit abonnement", "financial_hardship"),
    ("Mijn schuldhulpverlening vraagt om een overzicht", "financial_hardship"),
    ("Als dit niet wordt opgelost neem ik een advocaat", "legal_threat"),
    ("Ik stap naar de rechter en dien een klacht in bij de Geschillencommissie", "legal_threat"),
    ("Hierbij stuur ik u een ingebrekestelling", "legal_threat"),
    ("ik ga jullie voor de rechter slepen als dit niet wordt opgelost", "legal_threat"),
    ("dan klaag ik jullie gewoon aan", "legal_threat"),
    ("mijn partner slaat me en ik moet mijn nummer veranderen", "vulnerability"),
    ("ik ben slachtoffer van huiselijk geweld, mijn adres mag niet op de factuur", "vulnerability"),
    ("ik ga een proces tegen jullie aanspannen", "legal_threat"),
    ("Ik ga dit melden bij de ACM en de Consumentenbond", "legal_threat"),
    ("Ik onderneem juridische stappen als dit zo doorgaat", "legal_threat"),
    ("sinds pa er niet meer is weet ik niet hoe ik die rekeningen moet regelen", "bereavement"),
    ("sinds mijn man dood is lukt niks meer", "bereavement"),
    ("we hebben afscheid genomen van mijn vader", "bereavement"),
    ("mijn opa is ingeslapen, hoe zeg ik zijn internet op", "bereavement"),
    ("Mijn broer heeft een eind aan zijn leven gemaakt", "bereavement"),
    ("ik weet niet meer hoe ik verder moet", "distress"),
    ("het heeft allemaal geen zin meer", "distress"),
    ("ik slaap al weken niet meer van de stress", "distress"),
    ("mijn vriend heeft zichzelf wat aangedaan", "distress"),
    ("ik zit in een blijf-van-mijn-lijfhuis", "vulnerability"),
    ("ik word binnenkort uit huis gezet", "financial_hardship"),
    ("ik heb geen cent meer", "financial_hardship"),
]

ENGLISH_FLAGGED = [
    ("My husband passed away last month and the account is in his name", "bereavement"),
    ("My mother passed awy last week, how do I close her account?", "bereavement"),
    ("I need to send you the death certificate for my father", "bereavement"),
    ("I lost my husband in March and can't find the login", "bereavement"),
    ("The funeral is on Friday, can the line stay connected until then?", "bereavement"),
    ("I'm a widow and need to move the contract to my name", "bereavement"),
    ("My dad passed last week", "bereavement"),
    ("The account holder is deceased", "bereavement"),
    ("My wife died in June and I keep getting her bills", "bereavement"),
    ("Since my late husband handled this I have no idea what to do", "bereavement"),
    ("The funerall director needs the number cancelled", "bereavement"),
    ("I can't cope with this anymore", "distress"),
    ("I'm at the end of my rope with your company", "distress"),
    ("Honestly I feel suicidal, nothing ever works out", "distress"),
    ("I'm desparate, I need the internet for work tomorrow", "distress"),
    ("I was in tears on the phone with your agent yesterday", "distress"),
    ("I'm panicking, my phone is blocked and my kids are away", "distress"),
    ("I can't take it anymore, please just fix it", "distress"),
    ("My mother is 91 and relies on her landline", "vulnerability"),
    ("My dad's medical alarm needs the phone line to work", "vulnerability"),
    ("I'm disabled and can't get to the shop", "vulnerability"),
    ("I'm having chemo and can't be home for the engineer", "vulnerability"),
    ("She is in hospital so I am handling her account", "vulnerability"),
    ("I'm deaf so please don't call me, email instead", "vulnerability"),
    ("I'm in debt and can't afford this bill", "financial_hardship"),
    ("I lost my job last month, can we set up a payment plan?", "financial_hardship"),
    ("My debt counsellor asked me to contact you", "financial_hardship"),
    ("I cannot afford the new price", "financial_hardship"),
    ("I will sue you if this is not fixed", "legal_threat"),
    ("My lawyer will be in touch", "legal_threat"),
    ("My ex is stalking me, I need a new number that isn't listed", "vulnerability"),
    ("I'm taking legal action and filing in small claims court", "legal_threat"),
]

ORDINARY = [
    ("Wanneer zijn jullie open?", "nl"),
    ("Ik kan niet meer inloggen op mijn account", "nl"),
    ("Ik weet mijn wachtwoord niet meer", "nl"),
    ("De batterij van mijn modem is dood", "nl"),
    ("Mijn router is overleden, ik heb een nieuwe nodig", "nl"),
    ("Kan ik mijn afspraak met de monteur verzetten?", "nl"),
    ("Het is om te huilen met jullie wifi", "nl"),
    ("Ik wil graag overleggen over mijn abonnement", "nl"),
    ("het heeft geen zin meer om jullie te bellen", "nl"),
    ("ik ben ingeslapen op de bank", "nl"),
    ("Het internet valt steeds uit in de avond", "nl"),
    ("Mijn huisnummer is 78 en de postcode 3511 AB", "nl"),
    ("Ik kan niet betalen met iDEAL, de pagina geeft een fout", "nl"),
    ("Ik ben bang dat de factuur niet klopt", "nl"),
    ("Het is mijn schuld, ik heb het verkeerde adres gegeven", "nl"),
    ("My phone died yesterday, can I get a replacement?", "en"),
    ("The battery is dead again", "en"),
    ("My son passed his exam and wants a new phone", "en"),
    ("Hi, this is Sue from accounting, about invoice 2026-0012", "en"),
    ("I lost my son's phone, can you block the SIM?", "en"),
    ("Can you send me an itemised breakdown of my bill?", "en"),
    ("The price decreased but my bill did not", "en"),
    ("I would like to change my direct debit date", "en"),
]


@pytest.mark.parametrize(("text", "kind"), DUTCH_FLAGGED)
def test_that_a_dutch_customer_who_needs_a_person_is_flagged(text: str, kind: str) -> None:
    assert kind in kinds(text, "nl")


@pytest.mark.parametrize(("text", "kind"), ENGLISH_FLAGGED)
def test_that_an_english_customer_who_needs_a_person_is_flagged(text: str, kind: str) -> None:
    assert kind in kinds(text, "en")


@pytest.mark.parametrize(("text", "language"), ORDINARY)
def test_that_an_ordinary_message_is_not_flagged(text: str, language: str) -> None:
    assert detect_sensitive(text, language) == []


def test_that_a_grieving_widow_is_flagged_as_bereavement() -> None:
    assert kinds("Mijn man is vorige week overleden en ik ben nu weduwe", "nl") == ["bereavement"]


def test_that_the_cue_is_the_customers_own_words() -> None:
    [signal] = detect_sensitive("Mijn vader is vorige maand OVERLEEEDEN.", "nl")
    assert signal.cue == "OVERLEEEDEN"
    assert signal.as_dict() == {"type": "bereavement", "cue": "OVERLEEEDEN"}


def test_that_the_cue_keeps_the_accents_of_the_original() -> None:
    [signal] = detect_sensitive("Ik heb een condoléancekaart gekregen van jullie", "nl")
    assert signal.cue == "condoléancekaart"


def test_that_a_device_that_died_is_not_a_bereavement_but_a_person_is() -> None:
    assert kinds("Mijn telefoon is overleden", "nl") == []
    assert kinds("my router just died on me", "en") == []
    assert kinds("Mijn telefoon is kapot en mijn vader is overleden", "nl") == ["bereavement"]


def test_that_a_cue_in_the_wrong_language_is_still_found() -> None:
    assert kinds("My father is overleden, I want to cancel", "en") == ["bereavement"]
    assert kinds("Mijn moeder passed away vorige week", "nl") == ["bereavement"]


def test_that_several_kinds_come_back_once_each_most_urgent_first() -> None:
    text = (
        "Mijn vrouw is overleden, ik kan de rekening niet betalen, ik zie het niet meer zitten "
        "en mijn vrouw haar begrafenis was gisteren"
    )
    assert kinds(text, "nl") == ["distress", "bereavement", "financial_hardship"]
    assert list(KINDS).index("distress") == 0


def test_that_an_empty_message_has_no_signals() -> None:
    assert detect_sensitive("", "nl") == []


@pytest.mark.parametrize(
    "text",
    [
        "Ik ga aangifte doen van oplichting",
        "ik doe aangifte bij de politie tegen jullie",
        "aangifte gedaan tegen polderlink",
    ],
)
def test_that_a_police_report_against_the_company_is_a_legal_threat(text: str) -> None:
    assert "legal_threat" in kinds(text, "nl")


@pytest.mark.parametrize(
    "text",
    [
        "alle rekeningen van vorig jaar graag voor mijn aangifte",
        "ik moet mijn aangifte doen en heb de facturen nodig",
    ],
)
def test_that_a_tax_return_is_not_a_legal_threat(text: str) -> None:
    assert "legal_threat" not in kinds(text, "nl")


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("mijn zoontje is doodgeboren en ik wil het extra nummer opzeggen", "nl"),
        ("na mijn miskraam wil ik het babyfoon-abonnement stoppen", "nl"),
        ("mijn broer heeft zelfmoord gepleegd, ik regel zijn zaken", "nl"),
        ("mijn zus is uit het leven gestapt, haar telefoon moet eraf", "nl"),
        ("my brother committed suicide and I'm sorting out his phone", "en"),
        ("our daughter was stillborn, please stop the baby plan", "en"),
        ("we lost the baby last week, can you cancel the extra line", "en"),
    ],
)
def test_that_a_suicide_a_stillbirth_or_a_miscarriage_in_the_family_is_a_bereavement(
    text: str, language: str
) -> None:
    assert "bereavement" in kinds(text, language)
