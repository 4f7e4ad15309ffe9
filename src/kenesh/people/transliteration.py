"""Latin transliteration and search keys for names written in Cyrillic.

Pure: no Django, no kenesh. Covers Russian and the Cyrillic letters of Kazakh, Kyrgyz,
Tajik and Uzbek, so that a name typed in either script finds the same person.
"""

import re
import unicodedata

_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "zh",
    "з": "z", "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu",
    "я": "ya",
    # Kazakh
    "ә": "a", "ғ": "gh", "қ": "q", "ң": "ng", "ө": "o", "ұ": "u", "ү": "u", "һ": "h",
    "і": "i",
    # Tajik
    "ӣ": "i", "ӯ": "u", "ҳ": "h", "ҷ": "j",
    # Uzbek Cyrillic
    "ў": "o",
}  # fmt: skip

_SPACES = re.compile(r"\s+")
_NOT_WORD = re.compile(r"[^\w\s]", re.UNICODE)


def to_latin(text: str) -> str:
    """Transliterate Cyrillic letters to Latin; other characters pass unchanged."""
    out = []
    for char in text:
        lower = char.lower()
        latin = _CYRILLIC.get(lower)
        if latin is None:
            out.append(char)
        elif char != lower and latin:
            out.append(latin[0].upper() + latin[1:])
        else:
            out.append(latin)
    return "".join(out)


def fold(text: str) -> str:
    """Lower-case, strip accents and apostrophes, collapse spaces: the form search compares."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    stripped = _NOT_WORD.sub("", stripped)
    return _SPACES.sub(" ", stripped).strip()


def search_forms(text: str) -> set[str]:
    """The folded forms of ``text`` that a search should try: as typed and in Latin."""
    forms = {fold(text), fold(to_latin(text))}
    forms.discard("")
    return forms


def search_text(*names: str) -> str:
    """What is stored for a person so that any of their names, in either script, matches."""
    forms: list[str] = []
    for name in names:
        for form in sorted(search_forms(name)):
            if form not in forms:
                forms.append(form)
    return " | ".join(forms)


def name_key(name: str) -> str:
    """A key equal for the same name written in another script or word order."""
    return " ".join(sorted(fold(to_latin(name)).split()))
