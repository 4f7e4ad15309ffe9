from django.contrib import admin

from kenesh.mentoring.models import (
    Application,
    Call,
    MentoringSession,
    Mentorship,
    Milestone,
    Testimonial,
)
from kenesh.people.admin import RulesModelAdmin


@admin.register(Call)
class CallAdmin(RulesModelAdmin):
    list_display = ("title", "opens_on", "closes_on", "cohort_size")


@admin.register(Application)
class ApplicationAdmin(RulesModelAdmin):
    list_display = ("name", "call", "country", "status")
    list_filter = ("call", "status", "country")
    search_fields = ("name", "email")


class SessionInline(admin.TabularInline):
    model = MentoringSession
    extra = 0


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0


@admin.register(Mentorship)
class MentorshipAdmin(RulesModelAdmin):
    list_display = ("mentor", "mentee", "started_on")
    autocomplete_fields = ("mentor", "mentee")
    inlines = [SessionInline, MilestoneInline]


@admin.register(Testimonial)
class TestimonialAdmin(RulesModelAdmin):
    list_display = ("quote", "person", "attribution", "consent_at")
