"""Back-office changes in the audit trail, like every change made through a service.

``AuditedAdminMixin`` puts one audit entry beside each admin ``LogEntry``: what was added,
changed (the field names and, for inlines, which kinds of related record) or deleted, by
whom. It records field names and counts, never the values, so that nothing personal is
copied into the log.
"""

from kenesh.core.audit import log_action

_PENDING = "_kenesh_audit_change"


def _related(formsets) -> list[str]:
    """The kinds of related record (inlines) added, changed or deleted with the form."""
    kinds = set()
    for formset in formsets or ():
        touched = [
            *formset.new_objects,
            *(obj for obj, _fields in formset.changed_objects),
            *formset.deleted_objects,
        ]
        kinds.update(obj._meta.label_lower for obj in touched)
    return sorted(kinds)


class AuditedAdminMixin:
    """Mix into a ``ModelAdmin`` (before it) to record its writes in the audit trail."""

    def construct_change_message(self, request, form, formsets, add=False):
        data = {"fields": sorted(form.changed_data)} if not add else {}
        related = _related(formsets)
        if related:
            data["related"] = related
        setattr(request, _PENDING, data)
        return super().construct_change_message(request, form, formsets, add)

    def log_addition(self, request, obj, message):
        data = getattr(request, _PENDING, {})
        log_action(obj, "admin.record.added", by=request.user, data=data)
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        data = getattr(request, _PENDING, {})
        log_action(obj, "admin.record.changed", by=request.user, data=data)
        return super().log_change(request, obj, message)

    def log_deletions(self, request, queryset):
        objects = list(queryset)
        for obj in objects:
            log_action(obj, "admin.record.deleted", by=request.user, data={"count": len(objects)})
        return super().log_deletions(request, queryset)
