from django.contrib import admin

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


@admin.register(Convening)
class ConveningAdmin(RulesModelAdmin):
    list_display = ("title", "kind", "starts_on", "ends_on", "confidentiality")
    list_filter = ("kind", "confidentiality")
    search_fields = ("title", "series")
    date_hierarchy = "starts_on"
    inlines = [SessionInline, ParticipationInline]


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
