from django.urls import path

from kenesh.monitoring import edit_views as v

urlpatterns = [
    path("phases/new/", v.phase_create, name="phase-create"),
    path("<uuid:code>/edit/", v.phase_edit, name="phase-edit"),
    path("<uuid:code>/statements/new/", v.statement_create, name="statement-create"),
    path("statements/<uuid:code>/edit/", v.statement_edit, name="statement-edit"),
    path("statements/<uuid:code>/assumptions/new/", v.assumption_create, name="assumption-create"),
    path("assumptions/<uuid:code>/evidence/new/", v.evidence_create, name="evidence-create"),
    path("<uuid:code>/results/new/", v.node_create, name="node-create"),
    path("results/<uuid:code>/edit/", v.node_edit, name="node-edit"),
    path("<uuid:code>/indicators/new/", v.indicator_create, name="indicator-create"),
    path("indicators/<uuid:code>/edit/", v.indicator_edit, name="indicator-edit"),
    path("<uuid:code>/periods/new/", v.period_create, name="period-create"),
    path("periods/<uuid:code>/edit/", v.period_edit, name="period-edit"),
    path("indicators/<uuid:code>/targets/", v.targets, name="targets"),
    path("indicators/<uuid:code>/values/new/", v.value_enter, name="value-enter"),
    path("values/<uuid:code>/approve/", v.value_approve, name="value-approve"),
    path("<uuid:code>/reports/new/", v.report_create, name="report-create"),
    path("reports/<uuid:code>/edit/", v.report_edit, name="report-edit"),
    path("reports/<uuid:code>/submit/", v.report_submit, name="report-submit"),
]
