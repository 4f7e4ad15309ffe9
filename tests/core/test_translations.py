"""English and Russian are complete: every message has a Russian translation, and the
catalogue holds every message in the code."""

from pathlib import Path

import pytest

import kenesh

PACKAGE = Path(kenesh.__file__).parent
PO = PACKAGE / "locale" / "ru" / "LC_MESSAGES" / "django.po"


def entries(path: Path):
    """(msgid, [msgstr...], fuzzy) for each entry of a .po file, header left out."""
    import re

    text = path.read_text(encoding="utf-8")
    for block in text.split("\n\n"):
        lines = [ln for ln in block.splitlines() if ln and not ln.startswith("#~")]
        if not any(ln.startswith("msgid") for ln in lines):
            continue
        fuzzy = any(ln.startswith("#,") and "fuzzy" in ln for ln in lines)
        current, fields = None, {}
        for line in lines:
            match = re.match(r'^(msgid|msgid_plural|msgstr(?:\[\d\])?) "(.*)"$', line)
            if match:
                current = match.group(1)
                fields[current] = match.group(2)
            elif line.startswith('"') and current:
                fields[current] += line[1:-1]
        if fields.get("msgid") == "":
            continue
        strs = [v for k, v in fields.items() if k.startswith("msgstr")]
        yield fields["msgid"], strs, fuzzy


def test_every_message_has_a_russian_translation():
    missing = [msgid for msgid, strs, fuzzy in entries(PO) if fuzzy or not all(strs)]
    assert not missing, "Untranslated or fuzzy:\n" + "\n".join(missing)


def test_compiled_catalogue_is_current():
    mo = PO.with_suffix(".mo")
    assert mo.exists(), "run `kenesh manage compilemessages`"
    assert mo.stat().st_mtime >= PO.stat().st_mtime - 1, "django.mo is older than django.po"


def test_catalogue_holds_every_message_in_the_code():
    from tests.core.test_catalogue import extract_catalogue

    # One makemessages run per test session, shared with tests/core/test_catalogue.py.
    fresh = {msgid for msgid, _s, _f in entries(extract_catalogue())}
    ours = {msgid for msgid, _s, _f in entries(PO)}
    assert fresh - ours == set(), "run makemessages and translate: " + repr(sorted(fresh - ours))


@pytest.mark.parametrize("msgid", ["Roster", "Sign in", "Kazakhstan"])
def test_key_words_are_russian(msgid):
    from django.utils import translation

    with translation.override("ru"):
        assert translation.gettext(msgid) != msgid
