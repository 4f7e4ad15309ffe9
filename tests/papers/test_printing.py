"""The printed paper a donor files: the published text only, its recommendations, a cover
with the programme, the authors and the funder, labels in the paper's own language, page
numbers, a file name from the title, and a tagged PDF."""

import datetime
import io
from urllib.parse import unquote

import pytest
from django.conf import settings
from django.utils import timezone

from kenesh.influence.models import Recommendation
from kenesh.papers import printing, services
from kenesh.papers.models import (
    AuthorRole,
    Authorship,
    PaperReview,
    PaperVersion,
    PolicyPaper,
)
from kenesh.papers.rendering import anchor_sections, strip_leading_title
from tests.factories import PersonFactory

pypdf = pytest.importorskip("pypdf")

ENGLISH_BODY = """# Sharing river data

## Context

The published argument about rivers.

## Analysis

Where the countries' interests meet.
"""

RUSSIAN_BODY = """# Обмен данными о реках

## Контекст

Опубликованный довод о реках.
"""


def _publish(paper, body_after=None):
    """Publish ``paper`` now; with ``body_after``, a version saved afterwards (as the
    back office could) that readers must never get."""
    PolicyPaper.objects.filter(pk=paper.pk).update(status="published", published_at=timezone.now())
    if body_after:
        PaperVersion.objects.create(paper=paper, number=2, body=body_after)
    paper.refresh_from_db()
    return paper


def _recommend(paper, text, addressee, order, **fields):
    return Recommendation.objects.create(
        paper=paper, text=text, addressee=addressee, level="regional", order=order, **fields
    )


ACKNOWLEDGEMENT = {
    "en": "Prepared with the support of the Test Foundation.",
    "ru": "Подготовлено при поддержке Тестового фонда.",
}


@pytest.fixture(autouse=True)
def funder(settings):
    """A funder to thank on the cover (a real deployment sets its own; none by default)."""
    settings.KENESH_FUNDER_ACKNOWLEDGEMENT = ACKNOWLEDGEMENT


@pytest.fixture
def english(personas):
    """A published public English paper: lead, co-author, mentor and a withdrawn
    co-author; two recommendations; a mentor's review with comments; a later draft."""
    mentor = PersonFactory(name="Ментор Печатный", name_latin="Mentor Pechatnyi")
    paper = services.create_paper(
        by=personas["staff"],
        authors=[
            (personas["young_expert"].person, AuthorRole.LEAD),
            (personas["expert"].person, AuthorRole.CO_AUTHOR),
            (mentor, AuthorRole.MENTOR),
        ],
        title="Sharing river data (fictional)",
        abstract="Why data on the rivers should be shared.",
        body=ENGLISH_BODY,
        language="en",
        visibility="public",
    )
    hidden = PersonFactory(
        name="Скрытый Соавтор", name_latin="Skrytyi Soavtor", withdrawn_at=timezone.now()
    )
    Authorship.objects.create(paper=paper, person=hidden, role=AuthorRole.CO_AUTHOR, order=9)
    PaperReview.objects.create(
        paper=paper,
        reviewer=personas["mentor"],
        kind="mentor",
        verdict="revise",
        comments="Reviewer wants a clearer link to the evidence.",
        submitted_at=timezone.now(),
    )
    _recommend(
        paper,
        "Exchange hydrological data monthly.",
        "National water agencies",
        1,
        priority="high",
        timeframe="short",
    )
    _recommend(
        paper,
        "Hold a yearly joint review of the data.",
        "Regional commission",
        2,
        priority="low",
        timeframe="long",
    )
    return _publish(paper, body_after="A draft written after publication.")


@pytest.fixture
def russian(personas):
    paper = services.create_paper(
        by=personas["staff"],
        authors=[(personas["young_expert"].person, AuthorRole.LEAD)],
        title="Обмен данными о реках: «вода» и 2024",
        abstract="Зачем обмениваться данными о реках.",
        body=RUSSIAN_BODY,
        language="ru",
        visibility="public",
    )
    _recommend(
        paper,
        "Ежемесячно обмениваться данными.",
        "Водные ведомства",
        1,
        priority="high",
        timeframe="short",
    )
    return _publish(paper)


def _pdf(client, paper, *, reader_language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = reader_language
    response = client.get(f"/papers/{paper.code}/paper.pdf")
    if response.status_code == 503:
        pytest.skip("WeasyPrint cannot find Pango on this machine")
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == "application/pdf"
    return response, pypdf.PdfReader(io.BytesIO(response.content))


def _text(reader) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def test_english_paper_prints_in_english_for_a_russian_reader(login, english):
    response, reader = _pdf(login("observer"), english, reader_language="ru")
    text = _text(reader)
    for label in (
        "Policy paper",
        "Authors",
        "Published",
        "Contents",
        "Summary",
        "Key recommendations",
        "Addressed to:",
        "Priority:",
        "Timeframe:",
    ):
        assert label in text, label
    assert "Авторы" not in text and "Адресат" not in text
    # Every recommendation with its addressee, priority and timeframe, in order.
    first = text.index("Exchange hydrological data monthly.")
    assert first < text.index("Hold a yearly joint review of the data.")
    for detail in (
        "National water agencies",
        "High",
        "Within a year",
        "Regional commission",
        "Low",
        "Longer term",
    ):
        assert detail in text, detail
    # The cover: programme, funder, disclaimer, authors with roles, the date.
    assert ACKNOWLEDGEMENT["en"] in text
    assert settings.KENESH_DISCLAIMER["en"] in text
    for author in (
        "Molodoi Ekspert — Lead author",
        "Ekspert Opytnyi — Co-author",
        "Mentor Pechatnyi — Mentor",
    ):
        assert author in text, author
    # The withdrawn co-author is not named to a donor.
    assert "Skrytyi" not in text and "Скрытый" not in text
    assert "an expert from Kyrgyzstan — Co-author" in text
    # Page numbers in the footer; the title once on the cover, as a running title after.
    assert f"Page 1 of {len(reader.pages)}" in text
    assert text.count("Sharing river data (fictional)") == len(reader.pages)
    assert "Sharing river data Context" not in text
    # The published text only: no later draft, no review, no reviewer.
    assert "The published argument about rivers." in text
    for private in (
        "A draft written after publication.",
        "clearer link to the evidence",
        "Nastavnik",
        "Наставник",
    ):
        assert private not in text, private
    assert response["Content-Disposition"] == (
        'inline; filename="sharing-river-data-fictional.pdf"; '
        "filename*=UTF-8''Sharing%20river%20data%20%28fictional%29.pdf"
    )


def test_staff_see_the_withdrawn_co_author_s_name(personas, english):
    assert "Skrytyi Soavtor" in printing.print_html(english, viewer=personas["staff"])


def test_russian_paper_prints_in_russian_for_an_english_reader(login, russian):
    response, reader = _pdf(login("staff"), russian, reader_language="en")
    text = _text(reader)
    for label in (
        "Аналитический документ",
        "Авторы",
        "Опубликован",
        "Резюме",
        "Адресат:",
        "Молодой Эксперт — Ведущий автор",
        "Высокий",
        "В течение года",
        "Страница 1 из 2",
        "Опубликованный довод о реках.",
    ):
        assert label in text, label
    for english_label in ("Authors", "Lead author", "Addressed to", "Within a year", "Page 1"):
        assert english_label not in text, english_label
    assert ACKNOWLEDGEMENT["ru"] in text
    disposition = response["Content-Disposition"]
    assert disposition.startswith('inline; filename="obmen-dannymi-o-rekakh-voda-i-2024.pdf"; ')
    encoded = disposition.split("filename*=UTF-8''")[1]
    assert encoded.isascii() and unquote(encoded) == "Обмен данными о реках «вода» и 2024.pdf"


@pytest.mark.parametrize("fixture", ["english", "russian"])
def test_the_pdf_is_tagged_with_its_language_and_title(request, login, fixture):
    paper = request.getfixturevalue(fixture)
    _response, reader = _pdf(login("staff"), paper, reader_language="en")
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert root["/MarkInfo"]["/Marked"] == pypdf.generic.BooleanObject(True)
    assert str(root["/Lang"]) == paper.language
    assert reader.metadata.title == paper.title
    assert root["/ViewerPreferences"]["/DisplayDocTitle"] == pypdf.generic.BooleanObject(True)


def test_print_shows_the_title_once_and_the_recommendations(personas, english):
    html = printing.print_html(english, viewer=personas["observer"])
    assert html.count("<h1") == 1
    assert '<h2 id="section-1">Context</h2>' in html
    assert '<a href="#section-2">Analysis</a>' in html
    assert '<a href="#recommendations">Key recommendations</a>' in html


def test_a_recommendation_the_reader_may_not_see_is_not_printed(personas, english):
    """Recommendations follow their paper: a programme-only paper's are not the
    observer's, and another paper's never print with this one."""
    other = services.create_paper(
        by=personas["staff"],
        authors=[(personas["expert"].person, AuthorRole.LEAD)],
        title="Another paper (fictional)",
        body="Text.",
        language="en",
        visibility="programme",
    )
    _recommend(other, "Not this paper's advice.", "Someone", 1)
    _publish(other)
    assert "Not this paper's advice." not in printing.print_html(
        english, viewer=personas["observer"]
    )
    assert printing.recommendations_for(other, personas["observer"]) == []
    assert printing.recommendations_for(other, None) == []
    assert [r.text for r in printing.recommendations_for(other, personas["mentor"])] == [
        "Not this paper's advice."
    ]


def test_a_paper_not_published_has_no_pdf_even_for_its_authors(login, personas, paper):
    for who in ("staff", "young_expert"):
        assert login(who).get(f"/papers/{paper.code}/paper.pdf").status_code == 404


def test_bad_requests_get_a_clear_answer(login, client, english):
    staff = login("staff")
    assert staff.get("/papers/00000000-0000-0000-0000-000000000000/paper.pdf").status_code == 404
    assert staff.get("/papers/not-a-code/paper.pdf").status_code == 404
    assert staff.post(f"/papers/{english.code}/paper.pdf").status_code == 405
    anonymous = client.get(f"/papers/{english.code}/paper.pdf")
    assert anonymous.status_code in (302, 403)
    assert client.post(f"/papers/public/{english.code}/").status_code == 405


def test_public_page_shows_the_published_text_and_recommendations_only(client, english):
    page = client.get(f"/papers/public/{english.code}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert text.count("<h1") == 1
    assert "The published argument about rivers." in text
    assert "Exchange hydrological data monthly." in text and "National water agencies" in text
    for private in (
        "A draft written after publication.",
        "clearer link to the evidence",
        "Nastavnik",
        "Наставник",
        "Skrytyi",
        "Скрытый",
    ):
        assert private not in text, private


@pytest.mark.parametrize(
    "title",
    ['Quotes " and \\ back\nslash', "«»—!?", "Обмен;  данными / о реках" * 10],
)
def test_any_title_gives_a_safe_file_name(title):
    header = printing.content_disposition(title)
    ascii_name = header.split('filename="')[1].split('"')[0]
    assert ascii_name.endswith(".pdf") and ascii_name.isascii() and len(ascii_name) <= 84
    assert '"' not in ascii_name and "\n" not in header
    assert header.isascii()


def test_page_numbers_css_quotes_the_translation():
    assert printing.page_numbers_css("en") == (
        '@page { @bottom-center { content: "Page " counter(page) " of " counter(pages); } }'
    )
    assert '"Страница " counter(page) " из " counter(pages)' in printing.page_numbers_css("ru")


@pytest.mark.parametrize(
    ("body", "kept"),
    [
        ("# Sharing river data\n\nText.", "Text."),
        ("\n  # sharing  River data.\nText.", "Text."),
        ("# Sharing river data (fictional)\nText.", "Text."),
        ("# Another heading\nText.", "# Another heading\nText."),
        ("# Sharing river\nText.", "# Sharing river\nText."),
        ("## Sharing river data\nText.", "## Sharing river data\nText."),
        ("Text first.\n# Sharing river data", "Text first.\n# Sharing river data"),
        ("", ""),
    ],
)
def test_a_first_heading_repeating_the_title_is_dropped(body, kept):
    assert strip_leading_title(body, "Sharing river data (fictional)") == kept


def test_a_first_heading_repeating_the_title_s_first_part_is_dropped():
    title = "Sharing river data: a joint exchange (fictional)"
    assert strip_leading_title("# Sharing river data\nText.", title) == "Text."
    assert strip_leading_title("# Sharing\nText.", title) == "# Sharing\nText."


def test_sections_get_anchors_for_the_contents():
    html, sections = anchor_sections("<h2>A &amp; <em>B</em></h2><p>x</p><h2>C</h2>")
    assert sections == [("section-1", "A & B"), ("section-2", "C")]
    assert html.startswith('<h2 id="section-1">A &amp; <em>B</em></h2>')


def test_a_paper_loaded_with_a_past_publication_date_prints_its_last_version(personas, paper):
    """The demo (or an import) saves every version after the paper's date of publication."""
    PaperVersion.objects.create(paper=paper, number=2, body="The final text.")
    PolicyPaper.objects.filter(pk=paper.pk).update(
        status="published", published_at=timezone.now() - datetime.timedelta(days=400)
    )
    paper.refresh_from_db()
    assert printing.published_version(paper).number == 2
    assert "The final text." in printing.print_html(paper, viewer=personas["observer"])


@pytest.mark.django_db
def test_the_cover_names_the_programme_in_the_paper_s_language():
    """Staff (or the demo) store the programme's name in both languages: a Russian paper's
    cover takes the Russian one, an English paper's the English one; without a Russian
    name, the English one serves both."""
    from kenesh.core.settings_store import set_setting

    set_setting("programme_name", "Regional Expert Dialogue")
    assert printing.cover_for("ru").programme == "Regional Expert Dialogue"
    set_setting("programme_name_ru", "Региональный экспертный диалог")
    assert printing.cover_for("ru").programme == "Региональный экспертный диалог"
    assert printing.cover_for("en").programme == "Regional Expert Dialogue"


@pytest.mark.django_db
def test_no_funder_is_thanked_until_one_is_set(settings):
    """A deployment that set no acknowledgement prints none (never the demo's funder);
    one stored by staff or the demo comes before the setting, in the paper's language."""
    from kenesh.core.settings_store import set_setting

    settings.KENESH_FUNDER_ACKNOWLEDGEMENT = {"en": "", "ru": ""}
    assert printing.cover_for("en").acknowledgement == ""
    assert printing.cover_for("ru").acknowledgement == ""
    set_setting("funder_acknowledgement", "With thanks to a funder.")
    set_setting("funder_acknowledgement_ru", "С благодарностью донору.")
    assert printing.cover_for("en").acknowledgement == "With thanks to a funder."
    assert printing.cover_for("ru").acknowledgement == "С благодарностью донору."
