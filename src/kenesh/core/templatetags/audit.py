"""``{% audit_history obj %}``: the record's last audit entries as sentences, for staff."""

from django import template
from django.urls import reverse
from django.utils.http import urlencode

from kenesh.core.audit_display import describe
from kenesh.core.models import AuditEntry

register = template.Library()

HISTORY_LENGTH = 20


@register.inclusion_tag("core/audit_history.html", takes_context=True)
def audit_history(context, obj):
    """The last entries about ``obj``, newest first, in one query; nothing for non-staff."""
    request = context.get("request")
    if request is None or not request.user.has_perm("core.view_audit"):
        return {"show": False}
    target_type, target_code = obj._meta.label_lower, str(obj.code)
    entries = (
        AuditEntry.objects.filter(target_type=target_type, target_code=target_code)
        .select_related("actor")
        .order_by("-at", "-id")[:HISTORY_LENGTH]
    )
    query = urlencode({"target_type": target_type, "q": target_code})
    return {
        "show": True,
        "rows": [(entry, describe(entry)) for entry in entries],
        "full_log": f"{reverse('core:audit-log')}?{query}",
    }
