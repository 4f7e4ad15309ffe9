"""Small hand-made reports for the output tests: Russian labels, a formula-like note and
a hidden small cell whose true value (3) must never be printed."""

import datetime

from kenesh.monitoring.document import (
    ChartPoint,
    ChartSeries,
    Disaggregation,
    DisaggregationRow,
    IndicatorRow,
    OutcomeItem,
    ReportDocument,
    Section,
    Story,
)

RU_LABELS = {
    "programme": "Программа",
    "phase": "Фаза",
    "period": "Отчётный период",
    "audience": "Для кого",
    "generated": "Создан",
    "results": "Результаты по индикаторам",
    "disaggregations": "Разбивки",
    "ref": "Код",
    "indicator": "Индикатор",
    "unit": "Единица",
    "baseline": "Исходное значение",
    "target": "Цель",
    "actual": "Факт",
    "status": "Статус",
    "note": "Примечание",
    "dimension": "Измерение",
    "category": "Категория",
    "value": "Значение",
    "hidden": "Скрыто: меньше 5",
    "chart": "Цели и факт",
    "chart_period": "Период",
    "stories": "Истории перемен",
    "outcomes": "Результаты влияния",
    "evidence": "Подтверждения",
    "no_indicators": "Нет значений индикаторов за этот период.",
}

# Values chosen to be unmistakable in any output: a hidden cell hides 3 (so "3" must not
# appear where it would be), every visible number is two digits or more.
EXPERTS = IndicatorRow(
    ref="1.1",
    name="Эксперты, собранные на встречи",
    unit="человек",
    baseline=0,
    target=40,
    actual=47,
    status="Достигнуто",
    note='=HYPERLINK("http://example.invalid")',
    disaggregations=(
        Disaggregation(
            "Страна",
            (
                DisaggregationRow("Кыргызстан", 21),
                DisaggregationRow("Казахстан", 23),
                DisaggregationRow("Афганистан", None, hidden=True),
            ),
        ),
        Disaggregation("Пол", (DisaggregationRow("Женщины", 24), DisaggregationRow("Мужчины", 23))),
    ),
)
PAPERS = IndicatorRow(
    ref="2.1", name="Опубликованные аналитические записки", unit="записки",
    baseline=None, target=12, actual=10.5, status="Не достигнуто",
)  # fmt: skip
YOUNG = IndicatorRow(
    ref="3.1", name="Молодые эксперты-модераторы", unit="человек",
    baseline=None, target=10, actual=None, actual_hidden=True, status="",
)  # fmt: skip

SERIES = ChartSeries(
    ref="1.1",
    name="Эксперты, собранные на встречи",
    unit="человек",
    points=(ChartPoint("I кв. 2024", 20, 18), ChartPoint("II кв. 2024", 40, 47)),
)


def russian_report(**changes) -> ReportDocument:
    values = {
        "title": "Отчёт о ходе программы",
        "programme": "Кенеш: региональный экспертный диалог",
        "phase": "Фаза II",
        "period_label": "I полугодие 2024",
        "start": datetime.date(2024, 1, 1),
        "end": datetime.date(2024, 6, 30),
        "language": "ru",
        "generated_at": datetime.datetime(2024, 7, 15, 9, 30, tzinfo=datetime.UTC),
        "audience": "Донор",
        "sections": (
            Section("Контекст", ("Водные ресурсы остаются главной темой.", "Второй абзац.")),
            Section("Дальнейшие шаги", ("Подготовить саммит.",)),
        ),
        "indicators": (EXPERTS, PAPERS, YOUNG),
        "series": (SERIES,),
        "stories": (Story("Я впервые вела заседание.", "Молодой эксперт, Ош"),),
        "outcomes": (
            OutcomeItem(
                "Министерство опубликовало данные",
                "После брифинга данные гидропостов стали открытыми.",
                ("Письмо министерства, 12.03.2024", "https://example.invalid/evidence"),
            ),
        ),
        "labels": RU_LABELS,
    }
    values.update(changes)
    return ReportDocument(**values)
