"""Typing slips made on purpose, so the intent model learns messages as customers type them."""

from __future__ import annotations

from samen.nlu.typos import typo_copies


def _distance(a: str, b: str) -> int:
    row = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        previous, row[0] = row[0], i
        for j, y in enumerate(b, 1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (x != y))
    return row[-1]


def test_that_each_copy_has_a_slip_or_two_and_no_copy_is_the_text_itself():
    text = "mijn internet valt steeds weg sinds gisteren"
    copies = typo_copies(text, 3)
    assert len(copies) == 3 and len(set(copies)) == 3
    # a swap of two letters is two edits; two slips at most four
    assert all(0 < _distance(text, copy) <= 4 for copy in copies)


def test_that_the_copies_depend_on_the_text_alone():
    alone = typo_copies("factuur klopt niet", 2)
    typo_copies("eerst een ander bericht", 3)
    assert typo_copies("factuur klopt niet", 2) == alone
    assert alone != typo_copies("factuur klopt niet!", 2)
    # nor on the process (no hash seed, no global random state): the module's own example
    assert typo_copies("ik wil mijn wachtwoord veranderen", 2) == [
        "ik wli mijn wachtwwoord veranderen",
        "ik wil mijnn wachtwoorrd veranderen",
    ]


def test_that_a_text_of_a_few_letters_gets_no_copies():
    assert typo_copies("hoi", 2) == []
    assert typo_copies("ok?", 2) == []


def test_that_only_letters_slip_so_digits_and_punctuation_stay_in_order():
    text = "ORD-2026-004512, waar is die?"
    for copy in typo_copies(text, 5):
        assert [c for c in copy if not c.isalpha()] == [c for c in text if not c.isalpha()]
