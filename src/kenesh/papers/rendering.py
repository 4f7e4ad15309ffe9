"""Markdown to safe HTML, and readable differences between two versions."""

import difflib

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
