from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from samen.nlu.dates import extract_dates

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
MONDAY = datetime(2026, 11, 23, 10, 0, tzinfo=AMSTERDAM)
FRIDAY = datetime(2026, 11, 27, 10, 0, tzinfo=AMSTERDAM)


def only(text: str, language: str, now: datetime = MONDAY) -> tuple[str, str]:
    entities = extract_dates(text, language, now)
    assert len(entities) == 1, entities
    return entities[0].type, entities[0].value


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("vandaag", "2026-11-23"),
        ("morgen", "2026-11-24"),
        ("overmorgen", "2026-11-25"),
        ("gisteren", "2026-11-22"),
        ("eergisteren", "2026-11-21"),
        ("volgende week dinsdag", "2026-12-01"),
        ("volgende week op vrijdag", "2026-12-04"),
        ("dinsdag volgende week", "2026-12-01"),
        ("volgende week", "2026-11-30"),
        ("vorige week", "2026-11-16"),
        ("vorige week dinsdag", "2026-11-17"),
        ("aanstaande vrijdag", "2026-11-27"),
        ("komende vrijdag", "2026-11-27"),
        ("vrijdag a.s.", "2026-11-27"),
        ("volgende vrijdag", "2026-11-27"),
        ("afgelopen vrijdag", "2026-11-20"),
        ("dinsdag", "2026-11-24"),
        ("maandag", "2026-11-30"),
        ("over 3 dagen", "2026-11-26"),
        ("over twee weken", "2026-12-07"),
        ("5 dagen geleden", "2026-11-18"),
        ("over een maand", "2026-12-23"),
        ("volgende maand", "2026-12-23"),
        ("3 december", "2026-12-03"),
        ("3e december", "2026-12-03"),
        ("12 januari", "2027-01-12"),
        ("1 mei 2027", "2027-05-01"),
        ("12-01-2027", "2027-01-12"),
        ("12/01/27", "2027-01-12"),
        ("2027-01-12", "2027-01-12"),
        ("morgenochtend", "2026-11-24"),
        ("eind van de maand", "2026-11-30"),
        ("eind volgende maand", "2026-12-31"),
        ("begin volgende maand", "2026-12-01"),
        ("op de 4e", "2026-12-04"),
        ("vrijdag de 4e", "2026-12-04"),
        ("donderdag de 12e", "2026-11-12"),
        ("sinds zaterdag", "2026-11-21"),
    ],
)
def test_that_a_dutch_date_is_resolved_against_now(text: str, expected: str) -> None:
    assert only(f"Kan het {text}?", "nl") == ("date", expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("today", "2026-11-23"),
        ("tomorrow", "2026-11-24"),
        ("the day after tomorrow", "2026-11-25"),
        ("yesterday", "2026-11-22"),
        ("next Friday", "2026-11-27"),
        ("Friday", "2026-11-27"),
        ("this coming Friday", "2026-11-27"),
        ("next Monday", "2026-11-30"),
        ("last Friday", "2026-11-20"),
        ("Tuesday next week", "2026-12-01"),
        ("next week on Tuesday", "2026-12-01"),
        ("next week", "2026-11-30"),
        ("in 3 days", "2026-11-26"),
        ("in two weeks", "2026-12-07"),
        ("a week from now", "2026-11-30"),
        ("3 days ago", "2026-11-20"),
        ("next month", "2026-12-23"),
        ("3 December", "2026-12-03"),
        ("December 3rd", "2026-12-03"),
        ("the 3rd of December, 2026", "2026-12-03"),
        ("Dec 3, 2026", "2026-12-03"),
        ("at the end of the month", "2026-11-30"),
        ("on the 3rd", "2026-12-03"),
        ("on Thursday the 12th", "2026-11-12"),
        ("the 31st of August", "2026-08-31"),
        ("since Friday", "2026-11-20"),
    ],
)
def test_that_an_english_date_is_resolved_against_now(text: str, expected: str) -> None:
    assert only(f"Can you deliver {text}?", "en") == ("date", expected)


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("morgen om 10 uur", "nl", "2026-11-24T10:00+01:00"),
        ("morgen om 10", "nl", "2026-11-24T10:00+01:00"),
        ("om 10 uur morgen", "nl", "2026-11-24T10:00+01:00"),
        ("morgen om half 3 's middags", "nl", "2026-11-24T14:30+01:00"),
        ("vanmiddag om half 3", "nl", "2026-11-23T14:30+01:00"),
        ("vanavond om 8 uur", "nl", "2026-11-23T20:00+01:00"),
        ("morgenochtend om 9 uur", "nl", "2026-11-24T09:00+01:00"),
        ("volgende week dinsdag om 15:00", "nl", "2026-12-01T15:00+01:00"),
        ("vrijdag 4 december om 9.30 uur", "nl", "2026-12-04T09:30+01:00"),
        ("3 december om 10 uur", "nl", "2026-12-03T10:00+01:00"),
        ("tomorrow at 3pm", "en", "2026-11-24T15:00+01:00"),
        ("Friday at 3:30 pm", "en", "2026-11-27T15:30+01:00"),
        ("tonight at 8", "en", "2026-11-23T20:00+01:00"),
        ("at noon tomorrow", "en", "2026-11-24T12:00+01:00"),
        ("Tuesday next week at 10am", "en", "2026-12-01T10:00+01:00"),
        ("3 December at 10:00", "en", "2026-12-03T10:00+01:00"),
    ],
)
def test_that_a_day_with_a_time_becomes_a_datetime_in_amsterdam(
    text: str, language: str, expected: str
) -> None:
    assert only(text, language) == ("datetime", expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("om 10 uur", "10:00"),
        ("rond 3 uur", "15:00"),
        ("om 14:00", "14:00"),
        ("half 3", "14:30"),
        ("om half 3", "14:30"),
        ("om half 3 's middags", "14:30"),
        ("'s middags om half 3", "14:30"),
        ("half 1 's middags", "12:30"),
        ("'s avonds om 10 uur", "22:00"),
        ("'s ochtends om 8 uur", "08:00"),
        ("kwart over 3", "15:15"),
        ("kwart voor 4 's middags", "15:45"),
        ("tien voor half 4", "15:20"),
        ("at 3pm", "15:00"),
        ("at 12 am", "00:00"),
        ("half past 3 in the afternoon", "15:30"),
        ("quarter to 4", "15:45"),
        ("at 8 o'clock in the evening", "20:00"),
        ("at noon", "12:00"),
        ("om 8 uur", "08:00"),
        ("om 03:00", "03:00"),
        ("half 3 's nachts", "02:30"),
        ("at 6 am", "06:00"),
        ("around 6", "18:00"),
    ],
)
def test_that_a_time_of_day_is_a_customers_time_unless_a_part_of_the_day_says_otherwise(
    text: str, expected: str
) -> None:
    assert only(text, "nl") == ("time", expected)


@pytest.mark.parametrize(
    ("dutch", "english"),
    [
        ("vrijdag", "Friday"),
        ("volgende vrijdag", "next Friday"),
        ("maandag", "Monday"),
        ("deze vrijdag", "this Friday"),
        ("vorige vrijdag", "last Friday"),
        ("volgende week dinsdag", "Tuesday next week"),
        ("over 3 dagen", "in 3 days"),
        ("morgen om 15:00", "tomorrow at 3pm"),
    ],
)
@pytest.mark.parametrize("now", [MONDAY, FRIDAY], ids=["on a Monday", "on a Friday"])
def test_that_dutch_and_english_follow_the_same_weekday_convention(
    dutch: str, english: str, now: datetime
) -> None:
    assert only(dutch, "nl", now) == only(english, "en", now)


@pytest.mark.parametrize(("text", "language"), [("vrijdag", "nl"), ("next Friday", "en")])
def test_that_a_weekday_never_means_today(text: str, language: str) -> None:
    assert only(text, language, FRIDAY) == ("date", "2026-12-04")


@pytest.mark.parametrize(("text", "language"), [("deze vrijdag", "nl"), ("this Friday", "en")])
def test_that_this_weekday_can_mean_today(text: str, language: str) -> None:
    assert only(text, language, FRIDAY) == ("date", "2026-11-27")


def test_that_a_date_without_a_year_is_put_in_the_nearest_year() -> None:
    assert only("ik heb het op 3 november besteld", "nl") == ("date", "2026-11-03")
    assert only("I ordered it on 20 December", "en") == ("date", "2026-12-20")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("from May 2nd through the 5th", ["2027-05-02", "2027-05-05"]),
        ("from the 5th to the 9th of March", ["2027-03-05", "2027-03-09"]),
        ("van de 28e tot 3 december", ["2026-11-28", "2026-12-03"]),
        ("the 8th of this month", ["2026-11-08"]),
        ("de 1e van volgende maand", ["2026-12-01"]),
    ],
)
def test_that_a_day_of_the_month_takes_its_month_from_the_words_around_it(
    text: str, expected: list[str]
) -> None:
    assert [e.value for e in extract_dates(text, "en", MONDAY)] == expected


def test_that_29_february_goes_to_the_nearest_leap_year_instead_of_failing() -> None:
    assert only("kan het op 29 februari?", "nl") == ("date", "2028-02-29")


def test_that_summer_time_gets_the_summer_offset() -> None:
    june = datetime(2027, 6, 1, 10, 0, tzinfo=AMSTERDAM)
    assert only("morgen om 10 uur", "nl", june) == ("datetime", "2027-06-02T10:00+02:00")


def test_that_now_in_utc_is_read_as_amsterdam_local_time() -> None:
    # 23:30 UTC is already 00:30 on Tuesday in Amsterdam
    now = datetime(2026, 11, 23, 23, 30, tzinfo=UTC)
    assert only("morgen", "nl", now) == ("date", "2026-11-25")


def test_that_the_offsets_point_at_the_expression_in_the_text() -> None:
    text = "Hoi! Kan het morgen om 10 uur, of anders op 3 december?"
    entities = extract_dates(text, "nl", MONDAY)
    assert [(e.text, e.start, e.end) for e in entities] == [
        ("morgen om 10 uur", 13, 29),
        ("3 december", 44, 54),
    ]
    assert all(text[e.start : e.end] == e.text for e in entities)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("ik wacht al 3 uur op antwoord", "nl"),
        ("Goede morgen, mijn pakket is zoek", "nl"),
        ("mijn ordernummer is ORD-2026-004512", "nl"),
        ("ik heb €12.50 betaald", "nl"),
        ("2 voor 1 aanbieding", "nl"),
        ("ik wil om 10 pakketten vragen", "nl"),
        ("in mei was alles goed", "nl"),
        ("bel 06-12-34-56-78", "nl"),
        ("factuur F-2026-0081234", "nl"),
        ("31 februari", "nl"),
        ("we have been waiting for over 3 days", "en"),
        ("I need 3 hours", "en"),
        ("postcode 3511 AB 12", "nl"),
        ("dit is de 2e keer dat ik bel", "nl"),
        ("ik woon op de 2e verdieping", "nl"),
        ("for the 3rd time", "en"),
        ("Guten Morgen", "de"),
    ],
)
def test_that_words_and_numbers_that_are_no_date_are_left_alone(text: str, language: str) -> None:
    assert extract_dates(text, language, MONDAY) == []


@pytest.mark.parametrize(
    "text", ["MORGEN OM HALF 3", "Volgende Week Dinsdag", "NEXT FRIDAY AT 3PM", "3 DECEMBER"]
)
def test_that_capitals_read_as_the_same_date_with_the_customers_own_text(text: str) -> None:
    shouted = extract_dates(text, "nl", MONDAY)
    quiet = extract_dates(text.lower(), "nl", MONDAY)
    assert [(e.type, e.value, e.start, e.end) for e in shouted] == [
        (e.type, e.value, e.start, e.end) for e in quiet
    ]
    assert shouted and all(e.text == text[e.start : e.end] for e in shouted)


def test_that_a_letter_that_lower_cases_to_two_keeps_the_offsets() -> None:
    (entity,) = extract_dates("İk kom morgen", "nl", MONDAY)
    assert (entity.value, entity.text, entity.start) == ("2026-11-24", "morgen", 7)
