"""Results in a real browser: staff read the dashboard in Russian, open the draft final
report and download it as PDF and Word; the donor reads the report shared with them."""

import re

import pytest

from tests.browser.conftest import screenshot, sign_in

pytestmark = pytest.mark.browser


def download(page, base, report_url, fmt, tmp_path) -> bytes:
    page.goto(report_url)
    page.click(f"[data-testid={fmt}]")
    page.wait_for_url(re.compile(rf"/render/{fmt}/$"))
    page.click("[data-testid=render]")
    # The file is drawn in the background; the page follows it until it is ready.
    page.wait_for_selector("[data-testid=render-status][data-status=done]", timeout=60_000)
    with page.expect_download() as info:
        page.click("[data-testid=download]")
    path = tmp_path / f"report.{fmt}"
    info.value.save_as(path)
    return path.read_bytes()


def test_staff_read_the_dashboard_in_russian_and_download_the_report(page, demo_site, tmp_path):
    sign_in(page, demo_site, "staff")
    page.click("[data-testid=lang-ru]")
    page.wait_for_selector("html[lang=ru]")
    page.goto(f"{demo_site}/monitoring/")
    page.wait_for_selector("h1:has-text('Панель результатов')")
    # Every chart has its table beside it.
    assert page.locator("svg[role=img]").count() >= 5
    assert page.locator("table").count() >= page.locator("svg[role=img]").count()
    screenshot(page, "monitoring-dashboard-staff-ru")
    page.goto(f"{demo_site}/monitoring/reports/")
    page.locator("a", has_text=re.compile("[Ff]inal|[Ии]тогов")).first.click()
    page.wait_for_selector("[data-testid=draft-note]")
    report_url = page.url
    screenshot(page, "monitoring-report-staff-ru")
    pdf = download(page, demo_site, report_url, "pdf", tmp_path)
    assert pdf.startswith(b"%PDF") and len(pdf) > 20_000
    docx = download(page, demo_site, report_url, "docx", tmp_path)
    assert docx.startswith(b"PK")  # a Word file is a zip

    from io import BytesIO

    from docx import Document

    text = "\n".join(p.text for p in Document(BytesIO(docx)).paragraphs)
    assert "Контекст" in text or "Context" in text


def test_the_donor_reads_the_shared_report_without_small_cells(page, demo_site):
    sign_in(page, demo_site, "donor")
    page.goto(f"{demo_site}/monitoring/reports/")
    links = page.locator("main a[href*='/monitoring/reports/']")
    assert links.count() == 1  # the submitted interim report; the draft is not theirs
    links.first.click()
    page.wait_for_selector("[data-testid=status]")
    body = page.locator("main").inner_text()
    assert not re.search(r"\b[1-4] (people|человек)\b", body)
    screenshot(page, "monitoring-report-donor-en")
