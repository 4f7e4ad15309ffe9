"""The demo's fourteen papers: written texts that read like policy briefs, labelled
fictional, whose published versions hold what readers read and nothing of the review."""

import re
import tomllib

import pytest

from kenesh.demo import papers as demo_papers
from kenesh.influence.models import Level, Priority, Timeframe

FILES = sorted(demo_papers.TEXTS.glob("*.toml"))
HEADINGS = {
    "en": ("## Context", "## Analysis", "## Recommendations"),
    "ru": ("## Контекст", "## Анализ", "## Рекомендации"),
}
NOTICE = {
    "en": "*Fictional demo paper: the people, figures and events in it are invented.*",
    "ru": "*Вымышленный демонстрационный документ: люди, цифры и события в нём придуманы.*",
}
REVIEW_WORDS = ("reviewers asked", "what reviewers", "рецензенты просили")
# Names the region no longer uses (stems, so that inflected forms are caught too).
OUTDATED = (
    "kirghiz", "kirgiz", "киргизи", "alma-ata", "алма-ат", "leninabad", "ленинабад",
    "frunze", "фрунзе", "khodzhent", "ходжент",
)  # fmt: skip


def words(text):
    return re.findall(r"\w+(?:[-'’]\w+)*", text)


def published_text(text):
    """Everything of a paper file that readers see."""
    return "\n".join(
        [text["title"], text["abstract"], text["body"]]
        + [f"{r['text']} {r['addressee']}" for r in text["recommendations"]]
    )


def test_there_is_one_text_per_published_paper():
    assert [f.name[:2] for f in FILES] == [f"{n:02d}" for n in range(1, demo_papers.PUBLISHED + 1)]
    texts = demo_papers.paper_texts()
    for i, (_title, theme, countries) in enumerate(demo_papers.PAPERS[: demo_papers.PUBLISHED]):
        assert (texts[i]["theme"], texts[i]["countries"]) == (theme, countries), FILES[i].name
    assert sum(len(t["recommendations"]) for t in texts.values()) == 42
    assert {t["language"] for t in texts.values()} == {"en", "ru"}


@pytest.mark.parametrize("path", FILES, ids=[f.stem for f in FILES])
def test_a_paper_text_reads_like_a_policy_brief(path):
    with path.open("rb") as file:
        text = tomllib.load(file)
    language, body = text["language"], text["body"]
    assert language in HEADINGS
    assert 600 <= len(words(body)) <= 1500, len(words(body))
    assert body.count(NOTICE[language]) == 1
    assert not re.search(r"^# ", body, flags=re.M), "the page prints the title"
    lines = body.splitlines()
    places = [lines.index(heading) for heading in HEADINGS[language]]
    assert places == sorted(places)
    if language == "ru":
        assert len(re.findall("[а-яё]", body, flags=re.I)) > len(
            re.findall("[a-z]", body, flags=re.I)
        )
    # The Recommendations section lists each recorded recommendation, numbered in order.
    section = []
    for line in lines[places[2] + 1 :]:
        if line.startswith("## "):
            break
        section.append(line)
    numbers = [int(m) for m in re.findall(r"^(\d+)\. ", "\n".join(section), flags=re.M)]
    assert numbers == list(range(1, len(text["recommendations"]) + 1))
    assert len(text["recommendations"]) == 3
    for recommendation in text["recommendations"]:
        assert recommendation["text"].strip() and recommendation["addressee"].strip()
        assert recommendation["level"] in Level.values
        assert recommendation["priority"] in Priority.values
        assert recommendation["timeframe"] in Timeframe.values
    assert text["review_request"].strip()
    shown = published_text(text).lower()
    assert not [w for w in REVIEW_WORDS if w in shown]
    assert not [w for w in OUTDATED if w in path.read_text(encoding="utf-8").lower()]


def test_the_demo_publishes_the_texts_without_the_reviewers_requests(db):
    from kenesh.demo import loader
    from kenesh.influence.models import Recommendation
    from kenesh.papers.models import PolicyPaper, ReviewKind

    loader.load_demo(scale=1)
    texts = demo_papers.paper_texts()
    for version in PolicyPaper.objects.get(
        title__endswith="(fictional)", status="draft"
    ).versions.all():
        assert not [w for w in REVIEW_WORDS if w in version.body.lower()]
    for i, paper in enumerate(
        PolicyPaper.objects.filter(status="published").order_by("published_at")
    ):
        text = texts[i]
        label = demo_papers.FICTIONAL[text["language"]]
        assert paper.title == f"{text['title']} {label}"
        assert (paper.language, paper.abstract) == (text["language"], text["abstract"].strip())
        versions = list(paper.versions.order_by("number"))
        assert versions[-1].body.strip() == text["body"].strip()
        # Earlier versions are drafts of the published text: shorter, each one growing.
        sizes = [len(v.body) for v in versions]
        assert sizes == sorted(set(sizes)) and len(versions) >= 2
        for version in versions:
            assert not [w for w in REVIEW_WORDS if w in version.body.lower()], version
            assert all(h in version.body for h in HEADINGS[text["language"]])
        peer = paper.reviews.get(kind=ReviewKind.PEER)
        assert peer.comments.startswith(text["review_request"].strip())
        recorded = Recommendation.objects.filter(paper=paper).order_by("order")
        assert [(r.text, r.addressee, r.level, r.priority, r.timeframe) for r in recorded] == [
            (r["text"], r["addressee"], r["level"], r["priority"], r["timeframe"])
            for r in text["recommendations"]
        ]
        assert all(r.countries == text["countries"] for r in recorded)
    assert Recommendation.objects.filter(paper__isnull=False).count() == 42
