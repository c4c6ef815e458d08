from datetime import datetime
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest

from samen.nlu.entities import extract_entities
from samen.nlu.models import Entity

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))


def found(text: str, language: str = "nl") -> list[tuple[str, str, str]]:
    entities = extract_entities(text, language, NOW)
    assert all(text[e.start : e.end] == e.text for e in entities)
    return [(e.type, e.value, e.text) for e in entities]


def values(text: str, type_: str, language: str = "nl") -> list[str]:
    return [e.value for e in extract_entities(text, language, NOW) if e.type == type_]


@pytest.mark.parametrize(
    ("text", "language", "span"),
    [
        ("Mijn bestelling ORD-2026-004512 is niet aangekomen", "nl", "ORD-2026-004512"),
        ("het gaat om ord 2026 004512", "nl", "ord 2026 004512"),
        ("Where is ORD2026004512?", "en", "ORD2026004512"),
        ("ordernummer 2026-004512", "nl", "2026-004512"),
        ("my order number is 2026004512", "en", "2026004512"),
    ],
)
def test_that_an_order_number_is_normalised(text: str, language: str, span: str) -> None:
    assert found(text, language) == [("order_number", "ORD-2026-004512", span)]


@pytest.mark.parametrize(
    ("text", "language", "span"),
    [
        ("Ik ben klant PL-104233", "nl", "PL-104233"),
        ("klant pl104233", "nl", "pl104233"),
        ("account PL 104233", "en", "PL 104233"),
        ("mijn klantnummer is 104233", "nl", "104233"),
        ("klantnr: 104233", "nl", "104233"),
        ("customer number 104233", "en", "104233"),
    ],
)
def test_that_a_customer_number_is_normalised(text: str, language: str, span: str) -> None:
    assert found(text, language) == [("customer_number", "PL-104233", span)]


@pytest.mark.parametrize(
    ("text", "language", "span"),
    [
        ("factuur F-2026-0081234 klopt niet", "nl", "F-2026-0081234"),
        ("factuurnummer 2026-0081234", "nl", "2026-0081234"),
        ("invoice F20260081234 is wrong", "en", "F20260081234"),
        ("invoice number: F 2026 0081234", "en", "F 2026 0081234"),
    ],
)
def test_that_an_invoice_number_is_normalised(text: str, language: str, span: str) -> None:
    assert found(text, language) == [("invoice_number", "F-2026-0081234", span)]


@pytest.mark.parametrize("text", ["ik heb 104233 punten", "code 2026004512", "nummer 20260081234"])
def test_that_bare_digits_without_a_prefix_or_keyword_are_no_identifier(text: str) -> None:
    assert found(text) == []


@pytest.mark.parametrize(
    ("text", "language", "span"),
    [
        ("Mijn postcode is 3511 AB", "nl", "3511 AB"),
        ("woonachtig op 3511ab", "nl", "3511ab"),
        ("3511-AB Utrecht", "nl", "3511-AB"),
        ("postcode 3511 ab", "nl", "3511 ab"),
        ("My zip code is 3511AB", "en", "3511AB"),
        ("ik verhuis naar 3511 ab Utrecht", "nl", "3511 ab"),
    ],
)
def test_that_a_dutch_postcode_is_normalised(text: str, language: str, span: str) -> None:
    assert found(text, language) == [("postcode", "3511 AB", span)]


@pytest.mark.parametrize(
    "text",
    [
        "1234 SA",
        "1234 SD",
        "1234 SS",
        "0123 AB",
        "13511 AB",
        "X3511AB",
        "in 2026 en 2027",
        "I paid 1000 as a deposit",
        "in 2026 en Amsterdam",
        "modem type 7590 AX",
    ],
)
def test_that_something_that_only_looks_like_a_postcode_is_not_one(text: str) -> None:
    assert values(text, "postcode") == []


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("3511 AB 12", "nl", "12"),
        ("Oudegracht 112a, 3511 AB Utrecht", "nl", "112a"),
        ("ik woon op de Kerkstraat 12 A", "nl", "12a"),
        ("huisnummer 12", "nl", "12"),
        ("Dorpsweg nr 4", "nl", "4"),
        ("Main Street 5", "en", "5"),
        ("house number 7", "en", "7"),
        ("Lindenlaan 12 bis", "nl", "12bis"),
        ("Dorpsstraat 3 hs, 1234 AB", "nl", "3hs"),
        ("huisnummer 12-a", "nl", "12a"),
    ],
)
def test_that_a_house_number_is_found_after_a_street_postcode_or_keyword(
    text: str, language: str, expected: str
) -> None:
    assert values(text, "house_number", language) == [expected]


@pytest.mark.parametrize(
    "text", ["ik ben al onderweg 2 dagen", "order nr 1234", "Ik woon in Amsterdam 2 jaar"]
)
def test_that_a_number_after_an_ordinary_word_is_no_house_number(text: str) -> None:
    assert values(text, "house_number") == []


@pytest.mark.parametrize(
    ("text", "language", "expected", "span"),
    [
        ("Ik heb €54,95 betaald", "nl", "54.95", "€54,95"),
        ("I paid € 54.95 twice", "en", "54.95", "€ 54.95"),
        ("het was 54,95 euro", "nl", "54.95", "54,95 euro"),
        ("EUR 100 refund please", "en", "100.00", "EUR 100"),
        ("100 euro terug", "nl", "100.00", "100 euro"),
        ("totaal €1.234,50", "nl", "1234.50", "€1.234,50"),
        ("a total of €1,234.50", "en", "1234.50", "€1,234.50"),
        ("kost €54,-", "nl", "54.00", "€54,-"),
        ("nog 12,5 euro", "nl", "12.50", "12,5 euro"),
    ],
)
def test_that_an_amount_in_euros_gets_two_decimals_and_a_decimal_point(
    text: str, language: str, expected: str, span: str
) -> None:
    assert found(text, language) == [("amount", expected, span)]


@pytest.mark.parametrize("text", ["twintig euro", "ik heb 3 pakketten", "de euro is gedaald"])
def test_that_a_number_without_a_currency_is_no_amount(text: str) -> None:
    assert values(text, "amount") == []


@pytest.mark.parametrize(
    ("text", "language", "expected", "span"),
    [
        (
            "mail naar Jan.Jansen@Example.NL.",
            "nl",
            "jan.jansen@example.nl",
            "Jan.Jansen@Example.NL",
        ),
        ("my address is j+shop@mail.co.uk", "en", "j+shop@mail.co.uk", "j+shop@mail.co.uk"),
    ],
)
def test_that_an_email_address_is_lowercased(
    text: str, language: str, expected: str, span: str
) -> None:
    assert found(text, language) == [("email", expected, span)]


@pytest.mark.parametrize(
    ("text", "language", "expected", "span"),
    [
        ("bel me op 06-12345678", "nl", "+31612345678", "06-12345678"),
        ("mijn nummer is 06 12 34 56 78", "nl", "+31612345678", "06 12 34 56 78"),
        ("call +31 6 12345678 please", "en", "+31612345678", "+31 6 12345678"),
        ("tel: 0031612345678", "nl", "+31612345678", "0031612345678"),
        ("ons kantoor: 020-1234567", "nl", "+31201234567", "020-1234567"),
        ("call me on +44 20 7946 0958", "en", "+442079460958", "+44 20 7946 0958"),
        ("mijn gsm is 0470 12 34 56", "nl", "+32470123456", "0470 12 34 56"),
        ("Handy 0151 23456789", "nl", "+4915123456789", "0151 23456789"),
    ],
)
def test_that_a_valid_phone_number_is_given_in_e164(
    text: str, language: str, expected: str, span: str
) -> None:
    assert found(text, language) == [("phone", expected, span)]


@pytest.mark.parametrize(
    "text", ["bel 06-1234", "mijn nummer is 0612345", "06-123456789012", "call 555-0199"]
)
def test_that_an_invalid_phone_number_is_not_extracted(text: str) -> None:
    assert values(text, "phone") == []


@pytest.mark.parametrize(
    ("text", "types"),
    [
        ("ORD-2026-004512", ["order_number"]),
        ("ord 2026 004512", ["order_number"]),
        ("F-2026-0081234", ["invoice_number"]),
        ("klantnummer 104233", ["customer_number"]),
        ("NL91 ABNA 0417 1643 00", ["iban"]),
        ("NL91 ABNA 0417 1643 01", []),
        ("3511 AB 12", ["postcode", "house_number"]),
        ("€ 1.234.567,89", ["amount"]),
        ("12-01-2027", ["date"]),
    ],
)
def test_that_other_numbers_are_not_taken_for_phone_numbers(text: str, types: list[str]) -> None:
    assert [e.type for e in extract_entities(text, "nl", NOW)] == types


@pytest.mark.parametrize(
    ("text", "expected", "span"),
    [
        ("IBAN NL91 ABNA 0417 1643 00, graag", "NL91ABNA0417164300", "NL91 ABNA 0417 1643 00"),
        ("rekening nl91abna0417164300", "NL91ABNA0417164300", "nl91abna0417164300"),
        (
            "my IBAN is DE89 3704 0044 0532 0130 00.",
            "DE89370400440532013000",
            "DE89 3704 0044 0532 0130 00",
        ),
        ("GB82WEST12345698765432 thanks", "GB82WEST12345698765432", "GB82WEST12345698765432"),
    ],
)
def test_that_a_valid_iban_is_compacted(text: str, expected: str, span: str) -> None:
    assert found(text) == [("iban", expected, span)]


@pytest.mark.parametrize(
    "text", ["NL91 ABNA 0417 1643 01", "NL92ABNA0417164300", "DE89 3704 0044 0532 0130 01"]
)
def test_that_an_invalid_iban_is_not_extracted(text: str) -> None:
    assert found(f"mijn rekening is {text}") == []


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        (
            "kan het morgen om 10 uur?",
            "nl",
            ("datetime", "2026-11-24T10:00+01:00", "morgen om 10 uur"),
        ),
        ("volgende week dinsdag", "nl", ("date", "2026-12-01", "volgende week dinsdag")),
        ("can you come next Friday?", "en", ("date", "2026-11-27", "next Friday")),
        ("om half 3", "nl", ("time", "14:30", "om half 3")),
    ],
)
def test_that_dates_come_out_of_the_entity_extractor_too(
    text: str, language: str, expected: tuple[str, str, str]
) -> None:
    assert found(text, language) == [expected]


def test_that_a_whole_message_gives_every_entity_in_order_with_exact_offsets() -> None:
    text = (
        "Ik heb €54,95 betaald voor ORD-2026-004512 op 3 december. Bel 06-12345678 of mail "
        "a@b.nl. IBAN NL91 ABNA 0417 1643 00, klantnummer 104233, Oudegracht 112a, 3511 AB."
    )
    entities = extract_entities(text, "nl", NOW)
    assert [(e.type, e.value) for e in entities] == [
        ("amount", "54.95"),
        ("order_number", "ORD-2026-004512"),
        ("date", "2026-12-03"),
        ("phone", "+31612345678"),
        ("email", "a@b.nl"),
        ("iban", "NL91ABNA0417164300"),
        ("customer_number", "PL-104233"),
        ("house_number", "112a"),
        ("postcode", "3511 AB"),
    ]
    assert entities[1] == Entity("order_number", "ORD-2026-004512", "ORD-2026-004512", 27, 42)
    assert all(text[e.start : e.end] == e.text for e in entities)
    assert all(a.end <= b.start for a, b in pairwise(entities))


def test_that_the_longer_of_two_overlapping_candidates_wins() -> None:
    # the customer number inside the address, and the phone-like digits inside the IBAN
    assert found("mail pl104233@example.nl") == [
        ("email", "pl104233@example.nl", "pl104233@example.nl")
    ]
    assert values("NL91ABNA0417164300", "phone") == []


def test_that_a_message_without_entities_gives_an_empty_list() -> None:
    assert extract_entities("Hallo, ik heb een vraag over mijn pakket", "nl", NOW) == []
