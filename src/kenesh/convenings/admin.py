from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.db import models

from kenesh.convenings.models import (
    Convening,
    Decision,
    Document,
    Inject,
    Participation,
    Scenario,
    Session,
    Team,
)
from kenesh.people.admin import RulesModelAdmin


class SessionInline(admin.TabularInline):
    model = Session
    extra = 0
    fields = ("starts_at", "ends_at", "title", "format")


class ParticipationInline(admin.TabularInline):
    model = Participation
    extra = 0
    autocomplete_fields = ("person",)
    fields = ("person", "role", "invitation", "attended")


class DateHierarchyChangeList(ChangeList):
    """Keeps the "Clear all filters" link valid when ``date_hierarchy`` is a DateField.

    Django turns the chosen year, month or day into ``__gte``/``__lt`` bounds and, with
    USE_TZ, makes them aware datetimes; the clear-all link carries those bounds into
    its query string ("2024-01-01 00:00:00+06:00"), which a DateField refuses, and the
    admin answers "Database error". Keep the hierarchy's own parameters in that link
    instead, so clearing the filters keeps the chosen period, as it means to.
    """

    def get_filters(self, request):
        filters = super().get_filters(request)
        self._remaining_lookups = filters[2]
        return filters

    def get_queryset(self, request, exclude_parameters=None):
        queryset = super().get_queryset(request, exclude_parameters)
        field = self.lookup_opts.get_field(self.date_hierarchy) if self.date_hierarchy else None
        if isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField):
            bounds = {f"{self.date_hierarchy}__gte", f"{self.date_hierarchy}__lt"}
            parts = [f"{self.date_hierarchy}__{part}" for part in ("year", "month", "day")]
            kept = {k: v for k, v in self._remaining_lookups.items() if k not in bounds}
            kept.update({k: self.filter_params[k] for k in parts if k in self.filter_params})
            self.clear_all_filters_qs = self.get_query_string(
                new_params=kept, remove=list(self.get_filters_params())
            )
        return queryset


@admin.register(Convening)
class ConveningAdmin(RulesModelAdmin):
    list_display = ("title", "kind", "starts_on", "ends_on", "confidentiality")
    list_filter = ("kind", "confidentiality")
    search_fields = ("title", "series")
    date_hierarchy = "starts_on"
    inlines = [SessionInline, ParticipationInline]

    def get_changelist(self, request, **kwargs):
        return DateHierarchyChangeList


@admin.register(Document)
class DocumentAdmin(RulesModelAdmin):
    list_display = ("title", "convening", "kind", "size", "uploaded_at")
    readonly_fields = ("filename", "content_type", "size", "uploaded_by")


class InjectInline(admin.TabularInline):
    model = Inject
    extra = 0
    fields = ("order", "planned_minute", "title", "body", "released_at")


class TeamInline(admin.TabularInline):
    model = Team
    extra = 0
    fields = ("order", "name", "role_card")


@admin.register(Scenario)
class ScenarioAdmin(RulesModelAdmin):
    list_display = ("title", "convening")
    inlines = [TeamInline, InjectInline]


@admin.register(Decision)
class DecisionAdmin(RulesModelAdmin):
    list_display = ("team", "recorded_at", "text")
    list_filter = ("team__scenario",)
