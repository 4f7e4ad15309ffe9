from django.contrib import admin, messages

from kenesh.people import queries
from kenesh.people.models import Organization, Person, Theme


class RulesModelAdmin(admin.ModelAdmin):
    """Asks the rules permissions (people/rules.py) rather than Django's permission tables."""

    def has_module_permission(self, request):
        return request.user.has_perm(f"{self.opts.app_label}.view_{self.opts.model_name}")


@admin.register(Person)
class PersonAdmin(RulesModelAdmin):
    list_display = ("name", "name_latin", "country", "track", "sector", "organization")
    list_filter = ("country", "track", "sector", "gender")
    search_fields = ("name", "name_latin", "search_text")
    autocomplete_fields = ("organization",)
    filter_horizontal = ("themes", "languages")
    readonly_fields = ("code", "created_at", "updated_at")

    def save_model(self, request, obj, form, change):
        obj.refresh_derived_fields()
        # The back office's audit entry (fields changed, by whom) is the admin site's.
        super().save_model(request, obj, form, change)
        warning = queries.duplicate_warning(obj)
        if warning:
            self.message_user(request, warning, messages.WARNING)


@admin.register(Organization)
class OrganizationAdmin(RulesModelAdmin):
    list_display = ("name", "name_en", "country", "sector")
    list_filter = ("country", "sector")
    search_fields = ("name", "name_en")


@admin.register(Theme)
class ThemeAdmin(RulesModelAdmin):
    list_display = ("name", "name_ru", "slug")
    search_fields = ("name", "name_ru")
    prepopulated_fields = {"slug": ("name",)}
