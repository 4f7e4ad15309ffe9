from django.contrib import admin

from kenesh.influence.models import Outcome, Presentation, Recommendation
from kenesh.people.admin import RulesModelAdmin


class PresentationInline(admin.TabularInline):
    model = Presentation
    extra = 0


@admin.register(Recommendation)
class RecommendationAdmin(RulesModelAdmin):
    list_display = ("text", "paper", "level", "priority")
    list_filter = ("level", "priority")
    search_fields = ("text", "addressee")
    raw_id_fields = ("statement",)
    inlines = [PresentationInline]


@admin.register(Outcome)
class OutcomeAdmin(RulesModelAdmin):
    list_display = ("change", "social_actor", "when", "substantiation")
    list_filter = ("substantiation",)
    filter_horizontal = ("recommendations",)
