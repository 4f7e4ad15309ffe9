"""Markdown to safe HTML, and readable differences between two versions."""

import difflib
import re
from html import unescape

import nh3
from markdown_it import MarkdownIt

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")

ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "strong",
    "em",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}


def markdown_to_html(text: str) -> str:
    """Render Markdown and sanitise the result: raw HTML in the source is shown as text
    by the parser, and nh3 strips anything unsafe that remains (scripts, event handlers,
    javascript: links)."""
    html = _markdown.render(text or "")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href", "title"}, "th": {"align"}, "td": {"align"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


def line_diff(old: str, new: str) -> list[tuple[str, str]]:
    """Each line of the two texts as ("same" | "removed" | "added", text), in reading
    order, with unchanged stretches longer than six lines shortened to their ends."""
    old_lines, new_lines = (old or "").splitlines(), (new or "").splitlines()
    rows: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            same = old_lines[a1:a2]
            if len(same) > 6:
                same = [*same[:3], "…", *same[-3:]]
            rows.extend(("same", line) for line in same)
            continue
        rows.extend(("removed", line) for line in old_lines[a1:a2])
        rows.extend(("added", line) for line in new_lines[b1:b2])
    return rows


def _comparable(text: str) -> str:
    """A title as compared with a heading: without Markdown emphasis, a trailing remark in
    brackets (the demo's "(fictional)"), case, punctuation at the end or extra spaces."""
    text = re.sub(r"[*_`]", "", text)
    text = re.sub(r"\s*\([^()]*\)\s*$", "", text.strip())
    return " ".join(text.casefold().split()).rstrip(" .:;!?")


def _repeats(heading: str, title: str) -> bool:
    """The heading is the title, or the title's first part (before a colon or a dash)."""
    if not heading:
        return False
    return title == heading or re.match(re.escape(heading) + r"\s*[:—–-]", title) is not None


def strip_leading_title(text: str, title: str) -> str:
    """``text`` without its first line when that line is a level-one heading repeating
    ``title`` (or the part of it before a colon or a dash): the page prints the title
    itself, and a reader should see it once."""
    lines = (text or "").splitlines()
    first = next((k for k, line in enumerate(lines) if line.strip()), None)
    if first is None:
        return text or ""
    match = re.fullmatch(r" {0,3}#[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*", lines[first])
    if match is None or not _repeats(_comparable(match.group(1)), _comparable(title)):
        return text
    return "\n".join(lines[first + 1 :]).lstrip("\n")


_H2 = re.compile(r"<h2>(.*?)</h2>", re.DOTALL)
_TAG = re.compile(r"<[^>]+>")


def anchor_sections(html: str, *, prefix: str = "section") -> tuple[str, list[tuple[str, str]]]:
    """Give each level-two heading of sanitised ``html`` an id, for a table of contents:
    the HTML with ids, and (id, plain heading text) in reading order."""
    sections: list[tuple[str, str]] = []

    def anchor(match: re.Match[str]) -> str:
        ident = f"{prefix}-{len(sections) + 1}"
        sections.append((ident, unescape(_TAG.sub("", match.group(1))).strip()))
        return f'<h2 id="{ident}">{match.group(1)}</h2>'

    return _H2.sub(anchor, html), sections
