"""The printed paper: what a donor files. Its published text only (never a draft, a
review or the workflow's history), the recommendations recorded with it, a cover with the
programme, the authors and the funder's acknowledgement, all labelled in the paper's own
language whatever the reader's, and a tagged PDF (PDF/UA) named after its title.

Recommendations live in ``influence``, above papers: influence registers in its
``ready()`` a function that gives a paper's recommendations as a reader may see them, so
that papers imports nothing of it.
"""

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.text import Truncator, slugify
from django.utils.translation import gettext as _

from kenesh.core.settings_store import get_setting
from kenesh.papers.models import PaperVersion, PolicyPaper, Status
from kenesh.papers.rendering import anchor_sections, markdown_to_html, strip_leading_title
from kenesh.people import display
from kenesh.people.transliteration import to_latin

# Languages written in Cyrillic: their papers print names as written; others in Latin.
CYRILLIC_LANGUAGES = {"ru", "ky", "kk", "tg"}
# Characters of the running title in the page header.
RUNNING_TITLE_CHARS = 70
STYLESHEET = Path(__file__).parent / "static" / "papers" / "print.css"


@dataclass(frozen=True)
class PrintedRecommendation:
    """A recommendation as the printed paper lists it; labels in the active language."""

    text: str
    addressee: str
    priority: str
    timeframe: str


@dataclass(frozen=True)
class PrintedAuthor:
    name: str
    role: str


@dataclass(frozen=True)
class Cover:
    programme: str
    acknowledgement: str
    disclaimer: str


# provider(paper, viewer) -> the paper's recommendations ``viewer`` may see, in order;
# ``viewer`` None is the public reading a published public paper.
Provider = Callable[[PolicyPaper, object], Iterable[PrintedRecommendation]]
_providers: list[Provider] = []


def register_recommendations(provider: Provider) -> None:
    """List what ``provider`` gives under the paper's text (influence does, in ready())."""
    if provider not in _providers:
        _providers.append(provider)


def recommendations_for(paper: PolicyPaper, viewer) -> list[PrintedRecommendation]:
    """The recommendations recorded with ``paper`` that ``viewer`` may see."""
    return [item for provider in _providers for item in provider(paper, viewer)]


def published_version(paper: PolicyPaper) -> PaperVersion | None:
    """The text readers read: the last version saved before the paper was published;
    None for a paper not published (its drafts are its authors' and reviewers').

    A published paper takes no new version (``services.save_version`` refuses), so one
    saved afterwards came through the back office and is not the published text. Records
    loaded with a past date of publication (the demo, an import) have every version saved
    after it: their last version is the text."""
    if paper.status != Status.PUBLISHED:
        return None
    versions = paper.versions.order_by("-number")
    if paper.published_at is not None:
        before = versions.filter(created_at__lte=paper.published_at).first()
        if before is not None:
            return before
    return versions.first()


def published_html(paper: PolicyPaper, version: PaperVersion | None) -> str:
    """The published text as safe HTML, without a first heading repeating the title."""
    if version is None:
        return ""
    return markdown_to_html(strip_leading_title(version.body, paper.title))


def _in_language(value, language: str) -> str:
    """A setting given as a string, or as {"en": ..., "ru": ...}, in ``language``."""
    if isinstance(value, dict):
        return str(value.get(language) or value.get("en") or "")
    return str(value or "")


def _cover_text(key: str, configured: dict, language: str) -> str:
    """A cover text in ``language``: for Russian, what staff or the demo stored as
    ``<key>_ru``, then the Russian setting; then the stored ``<key>``, then the setting."""
    candidates = []
    if language == "ru":
        candidates += [get_setting(f"{key}_ru"), configured.get("ru")]
    candidates += [get_setting(key), configured.get("en")]
    return next((str(text) for text in candidates if text), "")


def cover_for(language: str) -> Cover:
    """The programme's name, the funder's acknowledgement and the disclaimer in the
    paper's language: stored platform settings first (``programme_name[_ru]``,
    ``funder_acknowledgement[_ru]``, ``disclaimer[_ru]``, as the demo stores them), else
    ``KENESH_PROGRAMME_NAME[_RU]``, ``KENESH_FUNDER_ACKNOWLEDGEMENT[_RU]`` and
    ``KENESH_DISCLAIMER[_RU]``. No acknowledgement is printed until one is set."""
    programme_setting = {
        "en": settings.KENESH_PROGRAMME_NAME,
        "ru": settings.KENESH_PROGRAMME_NAME_RU,
    }
    return Cover(
        programme=_cover_text("programme_name", programme_setting, language),
        acknowledgement=_cover_text(
            "funder_acknowledgement", settings.KENESH_FUNDER_ACKNOWLEDGEMENT, language
        ),
        disclaimer=_cover_text("disclaimer", settings.KENESH_DISCLAIMER, language),
    )


def authors_for(paper: PolicyPaper, viewer) -> list[PrintedAuthor]:
    """The authors with their roles, each name as ``viewer`` may see it (a withdrawn
    expert is "an expert from <country>" to anyone but staff and themselves)."""
    latin = paper.language not in CYRILLIC_LANGUAGES
    return [
        PrintedAuthor(display.shown_name(a.person, viewer, latin=latin), a.get_role_display())
        for a in paper.authorships.all()
    ]


def print_html(paper: PolicyPaper, *, viewer) -> str:
    """The printed paper as HTML, labelled in the paper's language."""
    version = published_version(paper)
    body, sections = anchor_sections(published_html(paper, version))
    with translation.override(paper.language):
        authors = authors_for(paper, viewer)
        recommendations = recommendations_for(paper, viewer)
        contents = []
        if paper.abstract:
            contents.append(("summary", _("Summary")))
        if recommendations:
            contents.append(("recommendations", _("Key recommendations")))
        return render_to_string(
            "papers/paper_print.html",
            {
                "paper": paper,
                "html": body,
                "contents": contents + sections,
                "authors": authors,
                "author_names": ", ".join(a.name for a in authors),
                "recommendations": recommendations,
                "cover": cover_for(paper.language),
                "running_title": Truncator(paper.title).chars(RUNNING_TITLE_CHARS),
            },
        )


def _css_string(text: str) -> str:
    return '"' + re.sub(r'(["\\])', r"\\\1", re.sub(r"\s+", " ", text)) + '"'


def page_numbers_css(language: str) -> str:
    """The footer's "Page n of m" in ``language``, as CSS: its words are the translation's,
    the numbers WeasyPrint's page counters."""
    with translation.override(language):
        words = _("Page %(number)s of %(total)s") % {"number": "\0n\0", "total": "\0t\0"}
    parts = []
    for piece in re.split(r"\0(n|t)\0", words):
        if piece == "n":
            parts.append("counter(page)")
        elif piece == "t":
            parts.append("counter(pages)")
        elif piece:
            parts.append(_css_string(piece))
    content = " ".join(parts)
    return "@page { @bottom-center { content: " + content + "; } }"


def pdf_of(paper: PolicyPaper, *, viewer, base_url: str) -> bytes:
    """The printed paper as a tagged PDF (PDF/UA-1: structure tree, document language,
    title shown in the viewer's window). Raises ImportError or OSError when WeasyPrint or
    its Pango library is missing."""
    from weasyprint import CSS, HTML

    document = HTML(string=print_html(paper, viewer=viewer), base_url=base_url)
    return document.write_pdf(
        stylesheets=[CSS(filename=str(STYLESHEET)), CSS(string=page_numbers_css(paper.language))],
        pdf_variant="pdf/ua-1",
        pdf_tags=True,
    )


def pdf_filenames(title: str) -> tuple[str, str]:
    """The PDF's file name from the paper's title: in ASCII (Cyrillic transliterated), and
    as written, for ``filename*``."""
    ascii_name = slugify(to_latin(title))[:80].strip("-") or "paper"
    readable = " ".join(re.sub(r'[\x00-\x1f\x7f"\\/:*?<>|;]+', " ", title).split())[:100]
    return f"{ascii_name}.pdf", f"{readable.strip(' .') or ascii_name}.pdf"


def content_disposition(title: str) -> str:
    """An inline Content-Disposition naming the file after ``title`` (RFC 6266: an ASCII
    ``filename`` for old clients and ``filename*`` in UTF-8)."""
    ascii_name, name = pdf_filenames(title)
    return f"inline; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"
