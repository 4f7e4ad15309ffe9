from django.contrib import admin

from kenesh.papers.models import Authorship, PaperEvent, PaperReview, PaperVersion, PolicyPaper
from kenesh.people.admin import RulesModelAdmin


class AuthorshipInline(admin.TabularInline):
    model = Authorship
    extra = 0
    autocomplete_fields = ("person",)


class ReviewInline(admin.TabularInline):
    model = PaperReview
    extra = 0
    fields = ("reviewer", "kind", "verdict", "submitted_at")
    readonly_fields = ("verdict", "submitted_at")


@admin.register(PolicyPaper)
class PolicyPaperAdmin(RulesModelAdmin):
    list_display = ("title", "status", "visibility", "published_at")
    list_filter = ("status", "visibility")
    search_fields = ("title",)
    readonly_fields = ("status", "submitted_at", "published_at")
    inlines = [AuthorshipInline, ReviewInline]


@admin.register(PaperVersion)
class PaperVersionAdmin(RulesModelAdmin):
    list_display = ("paper", "number", "created_by", "created_at")
    readonly_fields = ("paper", "number", "body", "file", "created_by")


@admin.register(PaperEvent)
class PaperEventAdmin(RulesModelAdmin):
    list_display = ("paper", "from_status", "to_status", "by", "at")
