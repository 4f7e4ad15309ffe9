"""The report's outputs (chart, DOCX, CSV, XLSX) from plain data: no database, no Django.
A hidden small cell (its true value 3) never appears as a number anywhere."""

import csv
import io
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

from kenesh.core import exports
from kenesh.monitoring import charts, docx_report, spreadsheets
from kenesh.monitoring.document import (
    ChartPoint,
    ChartSeries,
    DisaggregationRow,
    IndicatorRow,
)
from tests.monitoring.report_fixtures import RU_LABELS, SERIES, russian_report

SVG = "{http://www.w3.org/2000/svg}"
SVG_BUDGET = 25_000


def test_output_modules_import_neither_django_nor_matplotlib_at_import():
    code = (
        "import sys; import kenesh.monitoring.charts, kenesh.monitoring.docx_report, "
        "kenesh.monitoring.spreadsheets, kenesh.monitoring.iati; "
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'django', 'matplotlib', 'docx', 'openpyxl', 'lxml'} "
        "or (m.startswith('kenesh.') and not m.startswith('kenesh.monitoring'))); "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


# Chart -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def chart_svg():
    return charts.svg(SERIES, RU_LABELS)


def test_chart_svg_is_accessible_xml_without_scripts(chart_svg):
    root = ET.fromstring(chart_svg)
    assert root.tag == SVG + "svg"
    assert root.get("role") == "img"
    assert [child.tag for child in root][:2] == [SVG + "title", SVG + "desc"]
    assert "Эксперты" in root.find(SVG + "title").text
    desc = root.find(SVG + "desc").text
    assert "I кв. 2024: Цель 20, Факт 18" in desc
    assert "II кв. 2024: Цель 40, Факт 47" in desc
    assert not list(root.iter(SVG + "script")) and b"<script" not in chart_svg
    assert not list(root.iter(SVG + "foreignObject")) and b"javascript:" not in chart_svg
    assert not [a for e in root.iter() for a in e.attrib if a.lower().startswith("on")]
    # Text is kept as text (not glyph paths), in the Cyrillic-capable font.
    texts = "".join(t.text or "" for t in root.iter(SVG + "text"))
    assert "II кв. 2024" in texts and "человек" in texts
    assert b"DejaVu Sans" in chart_svg


def test_chart_svg_is_deterministic_and_small(chart_svg):
    assert charts.svg(SERIES, RU_LABELS) == chart_svg
    assert len(chart_svg) < SVG_BUDGET


def test_chart_png_is_a_png():
    picture = charts.png(SERIES, RU_LABELS)
    assert picture.startswith(b"\x89PNG\r\n\x1a\n")
    assert charts.png(SERIES, RU_LABELS) == picture


def test_chart_with_gaps_and_no_points_still_draws():
    gappy = ChartSeries("9", "Пусто", "", (ChartPoint("Q1", None, None), ChartPoint("Q2", 5, None)))
    assert ET.fromstring(charts.svg(gappy)).find(SVG + "desc") is not None
    empty = ChartSeries("9", "Пусто", "", ())
    assert ET.fromstring(charts.svg(empty)) is not None


# DOCX --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def docx():
    from docx import Document

    return Document(io.BytesIO(docx_report.render(russian_report())))


def test_docx_headings_use_word_heading_styles(docx):
    headings = [
        (p.style.name, p.text)
        for p in docx.paragraphs
        if p.style.name.startswith(("Heading", "Title"))
    ]
    assert ("Title", "Отчёт о ходе программы") in headings
    assert ("Heading 1", "Контекст") in headings
    assert ("Heading 1", "Результаты по индикаторам") in headings
    assert ("Heading 2", "1.1 Эксперты, собранные на встречи") in headings
    assert ("Heading 3", "Страна") in headings
    assert ("Heading 1", "Истории перемен") in headings
    assert ("Heading 2", "Министерство опубликовало данные") in headings


def test_docx_results_table_has_the_values_and_repeats_its_header(docx):
    from docx.oxml.ns import qn

    results = docx.tables[0]
    rows = [[c.text for c in row.cells] for row in results.rows]
    assert rows[0] == ["Код", "Индикатор", "Исходное значение", "Цель", "Факт", "Статус"]
    assert rows[1] == [
        "1.1",
        "Эксперты, собранные на встречи (человек)",
        "0",
        "40",
        "47",
        "Достигнуто",
    ]
    assert rows[2][3:5] == ["12", "10.5"]
    assert rows[3][4] == "Скрыто: меньше 5"
    assert results.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None


def test_docx_disaggregation_hides_the_small_cell(docx):
    country = [[c.text for c in row.cells] for row in docx.tables[1].rows]
    assert country == [
        ["Категория", "Значение"],
        ["Кыргызстан", "21"],
        ["Казахстан", "23"],
        ["Афганистан", "Скрыто: меньше 5"],
    ]


def test_docx_chart_is_a_picture_with_alt_text(docx):
    shapes = list(docx.inline_shapes)
    assert len(shapes) == 1
    descr = shapes[0]._inline.docPr.get("descr")
    assert "I кв. 2024: Цель 20, Факт 18" in descr


def test_docx_keeps_russian_text_and_core_properties(docx):
    text = "\n".join(p.text for p in docx.paragraphs)
    assert "Водные ресурсы остаются главной темой." in text
    assert "Я впервые вела заседание." in text
    assert "Письмо министерства, 12.03.2024" in text
    assert docx.core_properties.title == "Отчёт о ходе программы"
    assert docx.core_properties.language == "ru"


def test_docx_for_an_empty_period_is_an_honest_empty_report():
    from docx import Document

    empty = russian_report(indicators=(), series=(), stories=(), outcomes=(), sections=())
    document = Document(io.BytesIO(docx_report.render(empty)))
    assert "Нет значений индикаторов за этот период." in [p.text for p in document.paragraphs]
    assert not document.tables


# CSV and XLSX ------------------------------------------------------------------------


def test_csv_is_formula_safe_and_hides_the_small_cell():
    data = spreadsheets.to_csv(russian_report())
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Код", "Индикатор", "Единица"]
    assert rows[1][:8] == [
        "1.1",
        "Эксперты, собранные на встречи",
        "человек",
        "",
        "",
        "0",
        "40",
        "47",
    ]
    assert rows[1][9] == '\'=HYPERLINK("http://example.invalid")'
    hidden = [r for r in rows if r[4] == "Афганистан"]
    assert hidden[0][7] == "Скрыто: меньше 5"
    assert [r[7] for r in rows if r[0] == "3.1" and not r[3]] == ["Скрыто: меньше 5"]
    for row in rows:
        for cell in row:
            assert not cell.startswith(exports.FORMULA_STARTS)


def test_csv_takes_the_platforms_neutralise():
    assert spreadsheets.FORMULA_STARTS == exports.FORMULA_STARTS
    for value in ("=1+1", "+7", "-x", "@SUM", "\tx", "＝1", "plain", 5, None):
        assert spreadsheets.neutralise(value) == exports.neutralise(value)
    data = spreadsheets.to_csv(russian_report(), neutralise=exports.neutralise, bom=False)
    assert data == spreadsheets.to_csv(russian_report(), bom=False)


def test_xlsx_keeps_numbers_as_numbers_and_formulas_as_text():
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(spreadsheets.to_xlsx(russian_report())))
    values, split, periods = book.worksheets
    assert values.freeze_panes == "A2"
    assert [c.value for c in values[1]][:6] == [
        "Код",
        "Индикатор",
        "Единица",
        "Исходное значение",
        "Цель",
        "Факт",
    ]
    assert values["D2"].value == 0 and values["E2"].value == 40 and values["F2"].value == 47
    assert values["F3"].value == 10.5 and values["F3"].data_type == "n"
    assert values["F4"].value == "Скрыто: меньше 5"
    note = values["H2"]
    assert note.value == '=HYPERLINK("http://example.invalid")'
    assert note.data_type == "s" and note.quotePrefix
    assert values.column_dimensions["B"].width > 20
    rows = [[c.value for c in row] for row in split.iter_rows(min_row=2)]
    assert [
        "1.1",
        "Эксперты, собранные на встречи",
        "Страна",
        "Афганистан",
        "Скрыто: меньше 5",
    ] in rows
    assert ["1.1", "Эксперты, собранные на встречи", "Пол", "Женщины", 24] in rows
    assert [c.value for c in periods[3]] == [
        "1.1",
        "Эксперты, собранные на встречи",
        "II кв. 2024",
        40,
        47,
    ]


def test_spreadsheets_with_no_data_have_their_headers_only():
    from openpyxl import load_workbook

    empty = russian_report(indicators=(), series=())
    rows = list(csv.reader(io.StringIO(spreadsheets.to_csv(empty).decode("utf-8-sig"))))
    assert len(rows) == 1
    book = load_workbook(io.BytesIO(spreadsheets.to_xlsx(empty)))
    assert [sheet.max_row for sheet in book.worksheets] == [1, 1]


# Small cells -------------------------------------------------------------------------


def test_a_hidden_cell_cannot_carry_a_value():
    with pytest.raises(ValueError):
        DisaggregationRow("Афганистан", 3, hidden=True)
    with pytest.raises(ValueError):
        IndicatorRow("1", "x", "", None, None, 3, actual_hidden=True)


def test_the_hidden_cells_appear_in_no_output_as_numbers():
    """The hidden country cell and the hidden total of 3.1: where their value would sit,
    every output prints the hidden label, never a number."""
    from docx import Document
    from openpyxl import load_workbook

    report = russian_report()
    hidden = RU_LABELS["hidden"]
    document = Document(io.BytesIO(docx_report.render(report)))
    cells = {
        row.cells[0].text: [c.text for c in row.cells] for t in document.tables for row in t.rows
    }
    assert cells["Афганистан"] == ["Афганистан", hidden]
    assert cells["3.1"][4] == hidden

    book = load_workbook(io.BytesIO(spreadsheets.to_xlsx(report)))
    values = {row[0]: row for row in book.worksheets[0].iter_rows(values_only=True)}
    assert values["3.1"][5] == hidden
    split = {row[3]: row for row in book.worksheets[1].iter_rows(values_only=True)}
    assert split["Афганистан"][4] == hidden

    rows = list(csv.reader(io.StringIO(spreadsheets.to_csv(report).decode("utf-8-sig"))))
    assert [r[7] for r in rows if r[4] == "Афганистан"] == [hidden]
    assert [r[7] for r in rows if r[0] == "3.1"] == [hidden]
