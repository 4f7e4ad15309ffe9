"""Numbers in a sentence, as the reader's language writes them (issue 16): Django's
localisation gives the decimal mark and the thousands separator («1,85», «15 000» in
Russian), a stored Decimal loses its trailing zeros («15.0000» reads «15»), and a negative
number takes a real minus sign (U+2212), not a hyphen.

For a number built into a sentence or a description in Python; templates keep
``floatformat`` / ``localize``.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.formats import number_format

MINUS = "\u2212"


def format_number(value, *, most: int | None = None, empty: str = "—") -> str:
    """``value`` (a Decimal, float, int or a string holding one) localized, with its
    significant decimals only, at most ``most`` of them when given (rounded half up);
    ``empty`` for None or ""; a value that is not a number comes back as it was."""
    if value is None or value == "":
        return empty
    if isinstance(value, bool):
        return str(value)
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return str(value)
    if not number.is_finite():
        return str(value)
    if most is not None:
        number = number.quantize(Decimal(1).scaleb(-most), rounding=ROUND_HALF_UP)
    if number == 0:
        number = Decimal(0)  # no "-0"
    places = max(0, -int(number.normalize().as_tuple().exponent))
    text = number_format(number, decimal_pos=places, force_grouping=True)
    return MINUS + text[1:] if text.startswith("-") else text


def number_formatter(most: int | None = 2):
    """A one-argument formatter for pure modules that take one (monitoring's charts):
    None reads as ``-`` there, as their own default does."""

    def formatted(value) -> str:
        return format_number(value, most=most, empty="-")

    return formatted
