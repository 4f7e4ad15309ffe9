"""Drafting: versions, differences, concurrent edits, sanitised Markdown, uploads."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kenesh.core.testing.documents import docx_bytes
from kenesh.papers.models import PaperVersion
from kenesh.papers.rendering import line_diff, markdown_to_html


def edit(client, paper, body, base, **extra):
    return client.post(f"/papers/{paper.code}/edit/", {"body": body, "base": base, **extra})


def test_authors_save_versions_and_see_the_changes(login, paper):
    client = login("young_expert")
    assert edit(client, paper, "# Sharing river data\n\nSecond draft.", 1).status_code == 302
    assert paper.versions.count() == 2
    page = client.get(f"/papers/{paper.code}/diff/?a=1&b=2").content.decode()
    assert "diff-removed" in page and "Second draft." in page


def test_two_people_saving_the_same_draft_lose_nothing(login, paper):
    first, second = login("young_expert"), login("expert")
    assert edit(first, paper, "Text by the young expert.", 1).status_code == 302
    response = edit(second, paper, "Text by the seasoned expert.", 1)
    assert response.status_code == 409
    page = response.content.decode()
    assert 'data-testid="conflict"' in page
    assert "Text by the young expert." in page and "Text by the seasoned expert." in page
    assert paper.versions.count() == 2  # nothing overwritten
    # The merged text saves on top of the newer version.
    assert edit(second, paper, "Merged text.", 2).status_code == 302
    assert paper.versions.order_by("-number").first().body == "Merged text."


def test_others_cannot_edit(login, paper):
    assert login("mentor").get(f"/papers/{paper.code}/edit/").status_code == 404
    assert login("observer").get(f"/papers/{paper.code}/edit/").status_code == 404


@pytest.mark.parametrize(
    ("source", "absent"),
    [
        ("<script>alert(1)</script>", "<script"),
        ('<img src=x onerror="alert(1)">', "<img"),
        ("[click](javascript:alert(1))", 'href="javascript'),
        ('<a href="#" onclick="steal()">x</a>', "<a href"),
        ("<iframe src='//evil'></iframe>", "<iframe"),
    ],
)
def test_markdown_is_sanitised(source, absent):
    assert absent not in markdown_to_html(source)


def test_markdown_keeps_the_useful_parts():
    html = markdown_to_html(
        "## Title\n\n**bold** [link](https://example.org)\n\n| a | b |\n|---|---|\n| 1 | 2 |"
    )
    assert "<h2>" in html and "<strong>bold</strong>" in html and "<table>" in html
    assert 'rel="noopener noreferrer nofollow"' in html


def test_a_page_with_injected_markdown_renders_it_harmless(login, paper):
    client = login("young_expert")
    edit(client, paper, "Hello <script>alert('x')</script>", 1)
    page = client.get(f"/papers/{paper.code}/").content.decode()
    assert "<script>alert" not in page


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("paper.exe", b"MZ", "cannot be attached"),
        ("paper.pdf", b"not a pdf", "does not match"),
        ("paper.docx", b"%PDF-1.4", "does not match"),
    ],
)
def test_wrong_uploads_are_refused(login, paper, settings, tmp_path, name, content, message):
    settings.MEDIA_ROOT = tmp_path
    response = edit(login("young_expert"), paper, "Body", 1, file=SimpleUploadedFile(name, content))
    assert response.status_code == 200 and message in response.content.decode()
    assert paper.versions.count() == 1


def test_a_docx_upload_becomes_a_version(login, paper, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("paper.docx", docx_bytes())
    assert edit(login("young_expert"), paper, "Body", 1, file=upload).status_code == 302
    version = PaperVersion.objects.get(paper=paper, number=2)
    assert version.filename == "paper.docx" and version.file


def test_line_diff_shortens_long_unchanged_stretches():
    old = "\n".join(f"line {i}" for i in range(20))
    new = old.replace("line 10", "line ten")
    rows = line_diff(old, new)
    assert ("removed", "line 10") in rows and ("added", "line ten") in rows
    assert ("same", "…") in rows


def test_oversized_uploads_are_refused(login, paper, settings, tmp_path, monkeypatch):
    from kenesh.papers import forms

    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(forms, "MAX_VERSION_FILE", 1024)
    big = SimpleUploadedFile("paper.pdf", b"%PDF-1.4" + b"0" * 4096)
    response = edit(login("young_expert"), paper, "Body", 1, file=big)
    assert response.status_code == 200 and "the limit is" in response.content.decode()
    assert paper.versions.count() == 1


def test_members_start_papers_they_write(login, personas):
    from kenesh.papers.models import PolicyPaper

    client = login("young_expert")
    own = personas["young_expert"].person
    mentor = personas["mentor"].person
    data = {
        "title": "A new fictional paper",
        "language": "en",
        "visibility": "programme",
        "lead": own.pk,
        "mentor": mentor.pk,
        "body": "Draft.",
    }
    assert client.post("/papers/new/", data).status_code == 302
    paper = PolicyPaper.objects.get(title="A new fictional paper")
    assert {a.role for a in paper.authorships.all()} == {"lead", "mentor"}
    # Someone who is not among the authors cannot start a paper for others.
    data.update(title="Not mine", lead=mentor.pk, mentor="")
    response = client.post("/papers/new/", data)
    assert response.status_code == 200 and "must be one of the authors" in response.content.decode()
    # One person, one role.
    data.update(title="Twice", lead=own.pk, co_authors=[own.pk])
    assert "only one authorship role" in client.post("/papers/new/", data).content.decode()
    assert not PolicyPaper.objects.filter(title__in=["Not mine", "Twice"]).exists()
    assert login("observer").get("/papers/new/").status_code == 403
