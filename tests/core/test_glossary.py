"""The Russian keeps to docs/glossary.md: no message of the catalogue, nor the Russian demo
text, uses a word the glossary's "never" block forbids, and the typography holds (a no-break
space after «№» and between a number and «МБ», «КБ» or «ГБ»)."""

import ast
import re
from pathlib import Path

import pytest

import kenesh

PACKAGE = Path(kenesh.__file__).parent
PO = PACKAGE / "locale" / "ru" / "LC_MESSAGES" / "django.po"
GLOSSARY = Path(__file__).resolve().parents[2] / "docs" / "glossary.md"
DEMO = PACKAGE / "demo"
CYRILLIC = re.compile(r"[А-Яа-яЁё]")
IN_CATALOGUE = ("catalogue", "all")  # where each rule of the "never" block is checked
IN_DEMO = ("all",)


def fenced(name: str) -> list[str]:
    """The non-empty, non-comment lines of the glossary's ```name block."""
    text = GLOSSARY.read_text(encoding="utf-8")
    match = re.search(rf"^```{name}\n(.*?)^```", text, flags=re.M | re.S)
    assert match, f"docs/glossary.md has no ```{name} block"
    lines = [ln.strip() for ln in match.group(1).splitlines()]
    return [ln for ln in lines if ln and not ln.startswith("#")]


def never() -> list[tuple[re.Pattern, str, str]]:
    """(pattern, scope, instead) for each line of the "never" block."""
    rules = []
    for line in fenced("never"):
        pattern, scope, instead = (part.strip() for part in line.split(" | ", 2))
        assert scope in ("all", "catalogue"), line
        whole_word = rf"(?<!\w)(?:{pattern})(?!\w)"
        rules.append((re.compile(whole_word, re.I), scope, instead))
    return rules


def allowed() -> list[re.Pattern]:
    return [re.compile(rf"(?<!\w){p}(?!\w)", re.I) for p in fenced("allowed")]


def unquote(text: str) -> str:
    escapes = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}
    return re.sub(r"\\(.)", lambda m: escapes.get(m.group(1), m.group(0)), text)


def messages(path: Path):
    """(msgctxt, msgid, [msgstr...]) for each entry of a .po file, header left out."""
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        fields: dict[str, str] = {}
        current = None
        for line in block.splitlines():
            if line.startswith("#"):
                continue
            match = re.match(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d\])?) "(.*)"$', line)
            if match:
                current = match.group(1)
                fields[current] = match.group(2)
            elif line.startswith('"') and current:
                fields[current] += line[1:-1]
        if not fields.get("msgid"):
            continue
        strs = [unquote(v) for k, v in fields.items() if k.startswith("msgstr")]
        yield fields.get("msgctxt"), unquote(fields["msgid"]), strs


def demo_texts():
    """(where, text) for each Russian string of the demo's code and each demo paper."""
    for path in sorted(DEMO.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
                continue
            if CYRILLIC.search(node.value):
                yield f"{path.name}:{node.lineno}", node.value
    for path in sorted((DEMO / "paper_texts").glob("*.toml")):
        yield f"paper_texts/{path.name}", path.read_text(encoding="utf-8")


def offences(text: str, scopes: tuple[str, ...]) -> list[str]:
    for phrase in allowed():
        text = phrase.sub(" ", text)
    found = []
    for pattern, scope, instead in never():
        if scope in scopes:
            found += [f"«{m.group(0)}» (use: {instead})" for m in pattern.finditer(text)]
    return found


def name(ctxt, msgid) -> str:
    return f"[{ctxt}] {msgid!r}" if ctxt else repr(msgid)


def test_the_glossary_has_rules():
    assert len(never()) >= 10
    assert allowed()


def test_the_rules_catch_what_they_should():
    assert offences("Заседание РКРГ", IN_CATALOGUE)
    assert offences("Гендер", IN_CATALOGUE)
    assert not offences("гендерный баланс", IN_CATALOGUE)
    assert offences("экспертиза", IN_CATALOGUE)
    assert not offences("Области экспертизы", IN_CATALOGUE)
    assert offences("Докладчик", IN_CATALOGUE)
    assert not offences("Секретарь-докладчик", IN_CATALOGUE)
    assert not offences("дата публикации", IN_CATALOGUE)


def test_no_message_uses_a_forbidden_term():
    bad = [
        f"{name(ctxt, msgid)}: {', '.join(found)}"
        for ctxt, msgid, strs in messages(PO)
        for found in [offences("\n".join(strs), IN_CATALOGUE)]
        if found
    ]
    assert not bad, "Terms docs/glossary.md forbids:\n" + "\n".join(bad)


def test_no_russian_demo_text_uses_a_forbidden_term():
    bad = [f"{where}: {', '.join(found)}" for where, text in demo_texts()
           for found in [offences(text, IN_DEMO)] if found]  # fmt: skip
    assert not bad, "Terms docs/glossary.md forbids:\n" + "\n".join(bad)


@pytest.mark.parametrize(
    ("rule", "pattern"),
    [
        ("a no-break space after «№»", re.compile(r"№(?!\u00a0)")),
        (
            "a no-break space between a number and its unit",
            re.compile(r"(?:\d|%\(\w+\)[sd])[ \t]?(?:МБ|КБ|ГБ)(?!\w)"),
        ),
    ],
)
def test_typography(rule, pattern):
    bad = [name(ctxt, msgid) for ctxt, msgid, strs in messages(PO)
           if any(pattern.search(s) for s in strs)]  # fmt: skip
    assert not bad, f"Russian needs {rule}:\n" + "\n".join(bad)
