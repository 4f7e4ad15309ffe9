from kenesh.core.models import AuditEntry


def log_action(target, action: str, *, by=None, data: dict | None = None) -> AuditEntry:
    """Record that ``by`` did ``action`` to ``target`` (any model with a ``code``)."""
    code = getattr(target, "code", None) or getattr(target, "pk", "")
    return AuditEntry.objects.create(
        actor=by if by is not None and by.is_authenticated else None,
        action=action,
        target_type=target._meta.label_lower,
        target_code=str(code),
        data=data or {},
    )
