"""The catalogue reads as Russian written in Russian, not as English word for word:

- a message used in more than one place without a context is reviewed: one Russian form
  must fit every place (tests/core/shared_msgids.txt), or the places get contexts;
- a number of things is said with plural forms (ngettext / blocktranslate count), never
  put into a singular sentence nor after a label ("people invited: 5"); every placeholder
  name is reviewed as a count or not (tests/core/placeholder_names.txt).

The messages are extracted once per test session from a copy of the package, with their
locations, by the same makemessages run tests/core/test_translations.py uses.
"""

import ast
import atexit
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest

import kenesh
from tests.conftest import skip_or_fail

PACKAGE = Path(kenesh.__file__).parent
HERE = Path(__file__).parent
SHARED = HERE / "shared_msgids.txt"
PLACEHOLDERS = HERE / "placeholder_names.txt"

_extracted: dict[str, Path] = {}


def extract_catalogue() -> Path:
    """The .po file makemessages writes for a copy of the package (with full locations).

    Made once per process and shared with test_translations.py; skips (or fails, when
    KENESH_REQUIRE_GETTEXT is set) without GNU gettext."""
    if "po" in _extracted:
        return _extracted["po"]
    if shutil.which("xgettext") is None:
        skip_or_fail("gettext", "GNU gettext (xgettext) is not installed")
    root = Path(tempfile.mkdtemp(prefix="kenesh-catalogue-"))
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    copy = root / "kenesh"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo", "*.po"))
    # Without settings, makemessages writes into the copy's own locale folder, never
    # into the real catalogue named by LOCALE_PATHS.
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "ru", "--add-location=full"],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    _extracted["po"] = copy / "locale" / "ru" / "LC_MESSAGES" / "django.po"
    return _extracted["po"]


@pytest.fixture(scope="session")
def extracted():
    return list(messages(extract_catalogue()))


@dataclass
class Message:
    msgid: str
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: list[str] = field(default_factory=list)
    occurrences: list[str] = field(default_factory=list)
    fuzzy: bool = False

    def placeholders(self) -> set[str]:
        return set(PLACEHOLDER.findall(self.msgid + (self.msgid_plural or "")))


PLACEHOLDER = re.compile(r"(?<!%)%\((\w+)\)[#0 +-]*\d*(?:\.\d+)?[sdifr]")
_LINE = re.compile(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d\])?) "(.*)"$')


def messages(path: Path):
    """Each entry of a .po file (header and obsolete `#~` entries left out); strings
    stay C-escaped as written in the file."""
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        lines = [ln for ln in block.splitlines() if ln and not ln.startswith("#~")]
        fields: dict[str, str] = {}
        occurrences: list[str] = []
        fuzzy, current = False, None
        for line in lines:
            if line.startswith("#:"):
                occurrences += line[2:].split()
            elif line.startswith("#,"):
                fuzzy = fuzzy or "fuzzy" in line
            elif match := _LINE.match(line):
                current = match.group(1)
                fields[current] = match.group(2)
            elif line.startswith('"') and current:
                fields[current] += line[1:-1]
        if fields.get("msgid", "") == "":
            continue
        yield Message(
            msgid=fields["msgid"],
            msgctxt=fields.get("msgctxt"),
            msgid_plural=fields.get("msgid_plural"),
            msgstr=[v for k, v in fields.items() if k.startswith("msgstr")],
            occurrences=occurrences,
            fuzzy=fuzzy,
        )


def reviewed_lines(path: Path) -> list[str]:
    return [
        line
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]


def places(occurrences: list[str]) -> list[str]:
    """file:line occurrences; a message used twice on one line counts once."""
    return sorted(set(occurrences))


def where(message: Message) -> str:
    return " ".join(places(message.occurrences))


def test_a_message_used_in_several_places_is_reviewed_or_has_a_context(extracted):
    allowed = set(reviewed_lines(SHARED))
    shared = {m.msgid: m for m in extracted if m.msgctxt is None and len(places(m.occurrences)) > 1}
    unreviewed = [m for msgid, m in sorted(shared.items()) if msgid not in allowed]
    stale = sorted(allowed - set(shared))
    problems = []
    if unreviewed:
        problems.append(
            "These messages are used in more than one place without a context. Give each "
            "place its own context (pgettext / npgettext, `{% translate ... context ... %}`, "
            "`{% blocktranslate context ... %}`) or, if one Russian form fits every place, "
            f"add the msgid to {SHARED.relative_to(HERE.parent.parent)} under the comment "
            "saying why:\n" + "\n".join(f"  {m.msgid!r}\n      {where(m)}" for m in unreviewed)
        )
    if stale:
        problems.append(
            f"These lines of {SHARED.name} no longer match a message used in more than one "
            "place without a context; remove them:\n" + "\n".join(f"  {s!r}" for s in stale)
        )
    assert not problems, "\n\n".join(problems)


def placeholder_classes() -> dict[str, str]:
    classes = {}
    for line in reviewed_lines(PLACEHOLDERS):
        name, kind = line.split("#")[0].split()
        assert kind in {"count", "other"}, line
        assert name not in classes, f"{name} is listed twice in {PLACEHOLDERS.name}"
        classes[name] = kind
    return classes


def test_every_placeholder_name_is_reviewed(extracted):
    classes = placeholder_classes()
    used: dict[str, list[str]] = {}
    for m in extracted:
        for name in m.placeholders():
            used.setdefault(name, []).append(m.msgid)
    new = sorted(set(used) - set(classes))
    assert not new, (
        f"Classify these placeholder names in {PLACEHOLDERS.name} as `count` (a quantity of "
        "things: the message needs plural forms) or `other` (a name, a date, an ordinal or "
        "identifier such as a version or page number, an amount with a unit symbol):\n"
        + "\n".join(f"  {name}: {used[name][0]!r}" for name in new)
    )
    unused = sorted(set(classes) - set(used))
    assert not unused, f"No message uses these names any more; remove them: {unused}"


def test_a_count_is_said_with_plural_forms(extracted):
    classes = placeholder_classes()
    singular, crowded = [], []
    for m in extracted:
        counts = sorted(n for n in m.placeholders() if classes.get(n) == "count")
        if counts and m.msgid_plural is None:
            singular.append(f"  {m.msgid!r} ({', '.join(counts)})\n      {where(m)}")
        elif len(counts) > 1:
            crowded.append(f"  {m.msgid!r} ({', '.join(counts)})\n      {where(m)}")
    assert not singular, (
        "A number of things needs plural forms: use ngettext / npgettext or "
        "`{% blocktranslate count counter=... %}...{% plural %}...`, and say it as a "
        "sentence rather than `label: number`:\n" + "\n".join(singular)
    )
    assert not crowded, (
        "One plural message can follow one number only: split these into pieces, each with "
        "its own plural, joined by a translatable pattern:\n" + "\n".join(crowded)
    )


# `{% translate "People invited" %}: {{ count }}` or `{{ n }} {% translate "people" %}`:
# a count glued to a label or a noun outside any plural message.
# (A number that names, such as a page or version number, may follow its label.)
COUNTISH = r"\{\{\s*[\w.]*(?:count|total|_n|\bn|\|length)\b[^}]*\}\}"
GLUED = [
    re.compile(r"\{%\s*translate\s+(['\"]).*?\1[^%]*%\}\s*:?\s*\(?\s*" + COUNTISH),
    re.compile(COUNTISH + r"\s*\{%\s*translate\s"),
]


def test_no_template_glues_a_count_to_a_translated_label():
    glued = []
    for template in sorted(PACKAGE.rglob("templates/**/*")):
        if template.suffix not in {".html", ".txt"}:
            continue
        text = template.read_text(encoding="utf-8")
        for pattern in GLUED:
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                glued.append(f"  {template.relative_to(PACKAGE)}:{line}: {match.group(0)}")
    assert not glued, (
        "Say a count inside a plural message "
        "(`{% blocktranslate count counter=n %}...{% plural %}...{% endblocktranslate %}`), "
        "not after a label or before a translated noun:\n" + "\n".join(glued)
    )


# --- messages xgettext cannot see ---------------------------------------------------------
# makemessages passes xgettext these keywords (django/core/management/commands/
# makemessages.py); a translation function called by any other name, or inside an
# f-string (which xgettext reads as one string), is never extracted and shows in English.
XGETTEXT_KEYWORDS = {
    "gettext_noop", "gettext_lazy", "ngettext_lazy", "pgettext", "pgettext_lazy",
    "npgettext", "npgettext_lazy", "ngettext", "gettext", "_",
}  # fmt: skip
TRANSLATION_FUNCTIONS = XGETTEXT_KEYWORDS | {"ugettext", "ugettext_lazy", "ungettext"}


def unseen_messages(source: str, name: str = "<source>") -> list[str]:
    """Where ``source`` hides a message from xgettext: a translation function imported or
    assigned under another name, or called inside an f-string."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation":
            for alias in node.names:
                local = alias.asname or alias.name
                if alias.name in TRANSLATION_FUNCTIONS and local not in XGETTEXT_KEYWORDS:
                    found.append(f"{name}:{node.lineno}: {alias.name} imported as {local}")
        elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Name):
            if node.value.id in TRANSLATION_FUNCTIONS:
                for target in node.targets:
                    if isinstance(target, ast.Name) and target.id not in XGETTEXT_KEYWORDS:
                        found.append(f"{name}:{node.lineno}: {node.value.id} named {target.id}")
        elif isinstance(node, ast.JoinedStr):
            for call in ast.walk(node):
                if not isinstance(call, ast.Call):
                    continue
                func = call.func
                called = getattr(func, "id", None) or getattr(func, "attr", None)
                if called in XGETTEXT_KEYWORDS:
                    found.append(f"{name}:{call.lineno}: {ast.unparse(call)} inside an f-string")
    return found


def test_the_check_finds_hidden_messages():
    assert unseen_messages(
        "from django.utils.translation import gettext_lazy as _lazy\n"
        "LABEL = _lazy('Confirm')\n"
        "f = lambda n: f\"{gettext('total')} {n}\"\n"
        "g = lambda: f'{_(\"Group\")} A'\n"
    ) == [
        "<source>:1: gettext_lazy imported as _lazy",
        "<source>:3: gettext('total') inside an f-string",
        "<source>:4: _('Group') inside an f-string",
    ]
    assert not unseen_messages(
        "from django.utils.translation import gettext as _, pgettext_lazy\n"
        "x = _('Group %(letter)s') % {'letter': 'A'}\n"
        "y = f'{len(x)}'\n"
    )


def test_every_message_is_visible_to_xgettext():
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        found += unseen_messages(path.read_text(encoding="utf-8"), str(path.relative_to(PACKAGE)))
    assert not found, (
        "xgettext cannot see these messages, so they stay in English: import the function "
        "under its own name (or `_`), and translate a whole pattern with placeholders "
        "instead of calling it inside an f-string:\n  " + "\n  ".join(found)
    )
