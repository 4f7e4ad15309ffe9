"""Monitoring's files: a report's PDF and DOCX drawn in the background, a phase's values as
CSV and XLSX, the phase as an IATI file. Each is the reader's view: a donor's never holds a
count under five people nor a disaggregation staff did not share; members get nothing."""

import csv
import datetime
import io
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from kenesh.core.models import AuditEntry
from kenesh.mentoring import models as mentoring
from kenesh.monitoring import outputs, renders, services
from kenesh.monitoring.models import ReportRender, Target
from tests.conftest import skip_or_fail
from tests.factories import PersonFactory
from tests.monitoring.conftest import convene

ROOT = Path(__file__).resolve().parents[2]
IATI_DATA = Path(os.environ.get("KENESH_IATI_DATA", ROOT.parent / "shared" / "data" / "iati"))
MEMBERS = ["mentor", "expert", "young_expert"]


@pytest.fixture
def world(framework, personas):
    """Seven experts from Kyrgyzstan and two from Tajikistan met in the first half of
    2023; the donor's report shares the country breakdown only. A named testimonial of a
    withdrawn expert and one described by country were given in the period."""
    convene(7, country="KG")
    convene(2, country="TJ", gender="male")
    staff = personas["staff"]
    Target.objects.create(indicator=framework["computed"], period=framework["interim"], value=12)
    withdrawn = PersonFactory(
        name="Скрытый Эксперт", name_latin="Skrytyi Ekspert", country="TJ",
        withdrawn_at=timezone.now(),
    )  # fmt: skip
    named = PersonFactory(
        name="Айгуль Примерова", name_latin="Aigul Primerova", country="KG",
        quote_consent_at=timezone.now(),  # named in files only with consent to quotes
    )  # fmt: skip
    when = timezone.make_aware(datetime.datetime(2023, 4, 2, 12))
    mentoring.Testimonial.objects.create(
        person=withdrawn, quote="The dialogue changed how I write.",
        attribution=mentoring.Attribution.NAME, consent_at=when,
    )  # fmt: skip
    mentoring.Testimonial.objects.create(
        person=named, quote="Я впервые выступила на региональной встрече.",
        attribution=mentoring.Attribution.NAME, consent_at=when,
    )  # fmt: skip
    donor = services.create_report(
        phase=framework["phase"], period=framework["interim"],
        title="Interim report for the Fictional Peace Fund", by=staff,
        for_donor=True, shared_dimensions=["country"],
        context="The region in **2023**.\n\nA second paragraph.",
        progress="Meetings were held as planned.",
    )  # fmt: skip
    donor = services.submit_report(report=donor, by=staff)
    draft = services.create_report(
        phase=framework["phase"], period=framework["interim"], title="Internal draft", by=staff
    )
    return {**framework, "donor": donor, "draft": draft}


def url(name, **kwargs):
    from django.urls import reverse

    return reverse(f"monitoring:{name}", kwargs=kwargs)


# --- the documents -------------------------------------------------------------------


def test_the_donor_reads_only_shared_dimensions_and_no_small_cell(world, personas):
    doc = outputs.report_document(world["donor"], viewer=personas["observer"], language="en")
    (row, _entered) = doc.indicators
    assert row.actual == 9 and row.target == 12 and row.status == "Not met"
    assert [d.dimension for d in row.disaggregations] == ["Country"]
    cells = {c.label: (c.value, c.hidden) for c in row.disaggregations[0].rows}
    # Two from Tajikistan is a small cell: hidden, and Kyrgyzstan with it (7 = 9 - 2).
    assert all(value is None or value >= 5 for value, _h in cells.values())
    assert any(hidden for _v, hidden in cells.values())
    staff = outputs.report_document(world["donor"], viewer=personas["staff"], language="en")
    assert [d.dimension for d in staff.indicators[0].disaggregations] == ["Country", "Gender"]


def test_stories_never_name_a_withdrawn_expert_and_labels_follow_the_language(world, personas):
    doc = outputs.report_document(world["draft"], viewer=personas["staff"], language="ru")
    attributions = [s.attribution for s in doc.stories]
    assert "Aigul Primerova" in attributions
    assert not any("Skrytyi" in a or "Скрытый" in a for a in attributions)
    assert doc.language == "ru" and doc.sections == ()


# --- PDF and DOCX ----------------------------------------------------------------------


def test_the_pdf_opens_and_holds_the_title(world, personas, monkeypatch):
    pytest.importorskip("weasyprint")
    handed = []
    real = outputs.print_html
    monkeypatch.setattr(outputs, "print_html", lambda *a: handed.append(real(*a)) or handed[-1])
    doc = outputs.report_document(world["donor"], viewer=personas["observer"], language="en")
    pdf = outputs.report_pdf(world["donor"], doc)
    assert pdf.startswith(b"%PDF")
    html = handed[0]
    assert "Interim report for the Fictional Peace Fund" in html and "<svg" in html
    assert "http://" not in html.split("</style>")[0]
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
        ).stdout.decode()
        assert "Interim report for the Fictional Peace Fund" in " ".join(text.split())
        assert "Skrytyi" not in text


def test_the_print_page_fetches_nothing_from_outside(world, personas):
    fetcher = outputs._local_only_fetcher()
    with pytest.raises(ValueError):
        fetcher.fetch("https://example.org/font.woff2")
    with pytest.raises(ValueError):
        fetcher.fetch("file:///etc/passwd")


def test_the_docx_reads_back(world, personas):
    docx = pytest.importorskip("docx")
    doc = outputs.report_document(world["donor"], viewer=personas["observer"], language="en")
    data = outputs.report_docx(doc)
    read = docx.Document(io.BytesIO(data))
    text = "\n".join(p.text for p in read.paragraphs)
    cells = [c.text for t in read.tables for r in t.rows for c in r.cells]
    assert "Interim report for the Fictional Peace Fund" in text
    assert "Aigul Primerova" in text and "Skrytyi" not in text
    assert "2" not in cells  # the two from Tajikistan


# --- background renders ----------------------------------------------------------------


def test_staff_queue_a_render_then_download_it(world, login, django_capture_on_commit_callbacks):
    pytest.importorskip("weasyprint")
    client = login("staff")
    report = world["donor"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("report-render", code=report.code, fmt="pdf"))
    assert response.status_code == 302
    render = ReportRender.objects.get()
    assert render.status == "done" and render.audience == "staff" and render.file
    assert "report" not in render.file.name.rsplit("/", 1)[-1]  # a random name
    page = client.get(url("report-render", code=report.code, fmt="pdf")).content.decode()
    assert 'data-status="done"' in page
    download = client.get(url("report-download", code=report.code, fmt="pdf"))
    assert download.status_code == 200
    assert "no-store" in download["Cache-Control"]
    assert "attachment" in download["Content-Disposition"]
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert AuditEntry.objects.filter(action="monitoring.report.downloaded").count() == 1


def test_a_render_already_queued_serves_a_second_request(
    world, login, django_capture_on_commit_callbacks
):
    client = login("staff")
    report = world["donor"]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(url("report-render", code=report.code, fmt="docx"))
        client.post(url("report-render", code=report.code, fmt="docx"))
    assert ReportRender.objects.count() == 1 and len(callbacks) == 1
    polled = client.get(
        url("report-render", code=report.code, fmt="docx") + "?seen=queued", HTTP_HX_REQUEST="true"
    )
    assert polled.status_code == 204
    fresh = client.get(url("report-render", code=report.code, fmt="docx") + "?seen=none")
    assert 'data-status="queued"' in fresh.content.decode() and "hx-get" in fresh.content.decode()
    assert client.get(url("report-download", code=report.code, fmt="docx")).status_code == 404


def test_the_render_task_marks_failures(world, personas, monkeypatch):
    from kenesh.monitoring.tasks import render_report

    def broken(*args, **kwargs):
        raise RuntimeError("the fictional disk is full")

    monkeypatch.setattr(outputs, "report_docx", broken)
    render = ReportRender.objects.create(
        report=world["donor"], fmt="docx", audience="staff", language="en",
        requested_by=personas["staff"],
    )  # fmt: skip
    with pytest.raises(RuntimeError):  # raised too, so the queue records the failure
        render_report.call(render.pk)
    render.refresh_from_db()
    assert render.status == "failed" and "fictional disk" in render.message
    assert render.finished_at is not None and not render.file


def test_a_refused_queue_marks_the_render_failed(world, personas, monkeypatch,
                                                 django_capture_on_commit_callbacks):  # fmt: skip
    from kenesh.monitoring import tasks

    class Refusing:
        def enqueue(self, *args):
            raise ConnectionError("no queue")

    monkeypatch.setattr(tasks, "render_report", Refusing())
    with django_capture_on_commit_callbacks(execute=True):
        render = renders.request_render(
            report=world["donor"], fmt="pdf", language="en", by=personas["staff"]
        )
    render.refresh_from_db()
    assert render.status == "failed"


def test_a_donor_downloads_only_a_donor_render(world, personas, login):
    report = world["donor"]
    ReportRender.objects.create(
        report=report, fmt="pdf", audience="staff", language="en", status="done",
        file=ContentFile(b"%PDF staff", name="x"), requested_by=personas["staff"],
    )  # fmt: skip
    donor = login("observer")
    assert donor.get(url("report-download", code=report.code, fmt="pdf")).status_code == 404
    ReportRender.objects.create(
        report=report, fmt="pdf", audience="donor", language="en", status="done",
        file=ContentFile(b"%PDF donor", name="y"), requested_by=personas["observer"],
    )  # fmt: skip
    response = donor.get(url("report-download", code=report.code, fmt="pdf"))
    assert b"".join(response.streaming_content) == b"%PDF donor"


# --- exports ----------------------------------------------------------------------------


def read_csv(data: bytes):
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_a_donors_export_shows_no_small_cell_nor_unshared_dimension(world, login):
    client = login("observer")
    response = client.get(url("export", code=world["phase"].code, fmt="csv"))
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    rows = read_csv(response.content)
    assert rows[0][0] == "Ref."
    body = rows[1:]
    assert body and all(r[3] in ("", "Country") for r in body)
    for r in body:
        if r[7] and r[7].replace(".", "").isdigit() and r[3]:
            assert float(r[7]) >= 5
    assert not any(r[7] in ("1", "2", "3", "4") for r in body)
    assert AuditEntry.objects.filter(action="monitoring.phase.exported").count() == 1


def test_staff_export_xlsx_reads_back(world, login):
    openpyxl = pytest.importorskip("openpyxl")
    response = login("staff").get(url("export", code=world["phase"].code, fmt="xlsx"))
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    values = list(book.worksheets[0].iter_rows(values_only=True))
    assert values[0][0] == "Ref." and any(row[5] == 9 for row in values[1:])


def test_a_russian_reader_gets_russian_headers_and_todays_values(world, login):
    """The first quarter has no submitted report: staff see today's values, computed
    whatever language the reader reads in."""
    response = login("staff").get(
        url("export", code=world["phase"].code, fmt="csv"), HTTP_ACCEPT_LANGUAGE="ru"
    )
    assert response.status_code == 200
    rows = read_csv(response.content)
    assert any(r[9] == "Q1 2023" for r in rows[1:])


def test_an_export_with_no_data_is_an_honest_empty_file(framework, login):
    client = login("staff")
    phase = framework["phase"]
    framework["computed"].delete()
    framework["entered"].delete()
    rows = read_csv(client.get(url("export", code=phase.code, fmt="csv")).content)
    assert len(rows) == 1 and rows[0][0] == "Ref."
    assert client.get(url("export", code=phase.code, fmt="xlsx")).status_code == 200
    assert client.get(url("iati", code=phase.code)).status_code == 200


def test_unknown_formats_are_not_found(world, login):
    client = login("staff")
    assert client.get(url("export", code=world["phase"].code, fmt="exe")).status_code == 404
    assert client.post(url("report-render", code=world["donor"].code, fmt="exe")).status_code == 404


# --- IATI -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def schema():
    lxml = pytest.importorskip("lxml.etree")
    path = IATI_DATA / "iati-activities-schema.xsd"
    if not path.exists():
        skip_or_fail("data", f"the IATI schema is not at {path}")
    return lxml.XMLSchema(lxml.parse(str(path)))


def test_the_iati_file_validates_and_keeps_to_the_donors_view(world, login, schema):
    from lxml import etree

    staff = login("staff").get(url("iati", code=world["phase"].code))
    assert staff.status_code == 200
    document = etree.fromstring(staff.content)
    schema.assertValid(document)
    assert document.xpath("//result/@type") == ["2"]
    assert document.xpath("//sector/@code") == ["15220"]
    assert document.xpath("//recipient-region/@code") == ["619"]
    assert sorted(document.xpath("//recipient-country/@code")) == sorted(
        ["KG", "KZ", "TJ", "UZ", "AF"]
    )
    assert "gender" in document.xpath("//actual/dimension/@name")
    donor = login("observer").get(url("iati", code=world["phase"].code))
    document = etree.fromstring(donor.content)
    schema.assertValid(document)
    names = set(document.xpath("//dimension/@name"))
    assert names <= {"country"}
    values = [float(v) for v in document.xpath("//actual[dimension]/@value")]
    assert all(v >= 5 for v in values)


# --- who gets what ------------------------------------------------------------------------


@pytest.mark.parametrize("name", MEMBERS)
def test_members_get_nothing(world, login, name):
    client = login(name)
    phase, report = world["phase"].code, world["donor"].code
    for path in (
        url("report-render", code=report, fmt="pdf"),
        url("report-download", code=report, fmt="pdf"),
        url("export", code=phase, fmt="csv"),
        url("iati", code=phase),
    ):
        assert client.get(path).status_code in (403, 404), path
    assert client.post(url("report-render", code=report, fmt="pdf")).status_code in (403, 404)
    assert not ReportRender.objects.exists()


def test_a_donor_gets_404_for_a_draft_and_anonymous_is_sent_to_sign_in(world, login):
    donor = login("observer")
    draft = world["draft"].code
    assert donor.get(url("report-render", code=draft, fmt="pdf")).status_code == 404
    assert donor.post(url("report-render", code=draft, fmt="pdf")).status_code == 404
    assert login(None).get(url("iati", code=world["phase"].code)).status_code == 302
