"""Form widgets the platform shares.

``SearchablePicker`` replaces a long multi-select (forty recommendations, say): without
JavaScript it is a plain list of checkboxes; with ``kenesh/picker.js`` a text box above
the list hides the options that do not match, and a line announced to screen readers
says how many are chosen and shown."""

from django import forms
from django.utils.translation import gettext_lazy as _


class SearchablePicker(forms.CheckboxSelectMultiple):
    """Checkboxes with a filter box (progressive enhancement, no other host's script).

    The template marks its parts with ``data-picker*`` attributes, the hooks of
    ``picker.js``; the filter and the status line stay ``hidden`` until the script runs,
    so a browser without it shows nothing that does not work."""

    template_name = "core/widgets/searchable_picker.html"

    class Media:
        css = {"all": ["kenesh/picker.css"]}
        js = ["kenesh/picker.js"]

    def __init__(self, attrs=None, choices=(), *, group_label=None):
        super().__init__(attrs, choices)
        self.group_label = group_label

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"].update(
            {
                "group_label": self.group_label,
                "filter_label": _("Filter the list"),
                # Filled in by the script; {chosen}, {shown} and {total} are its numbers.
                "status_template": _("Chosen: {chosen}. Shown: {shown} of {total}."),
                "none_text": _("Nothing matches the filter."),
                "empty_text": _("There is nothing to choose from."),
            }
        )
        return context
