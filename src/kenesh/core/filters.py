import django_filters
from django import forms
from django.apps import apps
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kenesh.core import audit_display
from kenesh.core.models import AuditEntry


def _record_choices():
    models = [m for m in apps.get_models() if m.__module__.startswith("kenesh.")]
    choices = {m._meta.label_lower: str(m._meta.verbose_name).capitalize() for m in models}
    return sorted(choices.items(), key=lambda item: item[1])


class AuditFilter(django_filters.FilterSet):
    """The audit log's search: kind of action, who, which kind of record, when, which record."""

    action = django_filters.ChoiceFilter(label=_("Action"), choices=audit_display.action_choices)
    actor = django_filters.CharFilter(
        label=_("Who"), method="filter_actor", max_length=150,
        widget=forms.TextInput(attrs={"placeholder": _("Name or username"), "type": "search"}),
    )  # fmt: skip
    target_type = django_filters.ChoiceFilter(label=_("Record type"), choices=_record_choices)
    q = django_filters.CharFilter(
        label=_("Record code"), field_name="target_code", lookup_expr="icontains", max_length=64,
        widget=forms.TextInput(attrs={"type": "search"}),
    )  # fmt: skip
    since = django_filters.DateFilter(
        label=_("From"), field_name="at", lookup_expr="date__gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )  # fmt: skip
    until = django_filters.DateFilter(
        label=_("Until"), field_name="at", lookup_expr="date__lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )  # fmt: skip

    class Meta:
        model = AuditEntry
        fields = ["action", "actor", "target_type", "q", "since", "until"]

    def filter_actor(self, queryset, name, value):
        words = value.split()
        for word in words:
            queryset = queryset.filter(
                Q(actor__username__icontains=word)
                | Q(actor__first_name__icontains=word)
                | Q(actor__last_name__icontains=word)
            )
        return queryset

    def filtered(self):
        """The matching entries, or none when a filter value is invalid: a wrong filter
        must not silently widen the result to everything."""
        if self.is_bound and not self.is_valid():
            return AuditEntry.objects.none()
        return self.qs
