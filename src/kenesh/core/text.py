"""Text that a person can read: no value made only of invisible characters."""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Format (Cf), separators (Z*), controls (Cc), unassigned and private-use code points,
# plus the handful of "letters" that render as nothing (Hangul fillers, braille blank).
_INVISIBLE_CATEGORIES = {"Cf", "Cc", "Cs", "Co", "Cn", "Zs", "Zl", "Zp", "Mn", "Me"}
_BLANK_LETTERS = {"\u115f", "\u1160", "\u3164", "\uffa0", "\u2800"}


def is_visible(text: str) -> bool:
    """True when ``text`` holds at least one character a reader can see."""
    for char in text:
        if char in _BLANK_LETTERS:
            continue
        if unicodedata.category(char) not in _INVISIBLE_CATEGORIES:
            return True
    return False


def require_visible_text(value: str) -> None:
    """Model and form validator: refuse text with nothing visible in it."""
    if value and not is_visible(value):
        raise ValidationError(
            _("Write some visible text: this holds only spaces or invisible characters."),
            code="invisible",
        )
