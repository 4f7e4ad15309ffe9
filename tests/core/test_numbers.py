"""Numbers in sentences as the reader's language writes them (issue 16, item 3)."""

from decimal import Decimal

import pytest
from django.utils import translation

from kenesh.core.numbers import MINUS, format_number, number_formatter


@pytest.mark.parametrize(
    ("value", "english", "russian"),
    [
        ("15.0000", "15", "15"),  # a stored Decimal loses its trailing zeros
        ("2.5", "2.5", "2,5"),
        (Decimal("1500.00"), "1,500", "1\xa0500"),
        (1.85, "1.85", "1,85"),
        (-0.12, f"{MINUS}0.12", f"{MINUS}0,12"),  # a real minus sign, not a hyphen
        ("-0.00", "0", "0"),
        (7, "7", "7"),
    ],
)
def test_a_number_reads_as_the_language_writes_it(value, english, russian):
    with translation.override("en"):
        assert format_number(value) == english
    with translation.override("ru"):
        assert format_number(value) == russian


def test_decimals_are_cut_to_the_most_asked_for_and_nothing_else_changes():
    with translation.override("ru"):
        assert format_number(2 / 3, most=2) == "0,67"
        assert format_number(-0.1234, most=2) == f"{MINUS}0,12"
        assert format_number(None) == "—"
        assert format_number("n/a") == "n/a"
        assert number_formatter()(None) == "-"
        assert number_formatter()(1.855) == "1,86"
