"""The audit trail's one writer. What it records is shown to staff (``audit_display``)."""

from kenesh.core.models import AuditEntry

# Keys whose values are secrets or contact details: never written in clear.
SENSITIVE_KEYS = ("password", "token", "secret", "email", "phone", "messenger")
MASK = "***"


def _is_sensitive(key) -> bool:
    key = str(key).lower()
    return any(word in key for word in SENSITIVE_KEYS)


def mask(value):
    """``value`` with every sensitive key's value replaced by ``MASK``, at any depth."""
    if isinstance(value, dict):
        return {k: MASK if _is_sensitive(k) else mask(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [mask(v) for v in value]
    return value


def log_action(target, action: str, *, by=None, data: dict | None = None) -> AuditEntry:
    """Record that ``by`` did ``action`` to ``target`` (any model with a ``code``).

    Values under keys that name a secret or a contact detail (password, token, secret,
    email, phone, messenger) are masked: the log is read by more people than the record.
    """
    code = getattr(target, "code", None) or getattr(target, "pk", "")
    return AuditEntry.objects.create(
        actor=by if by is not None and by.is_authenticated else None,
        action=action,
        target_type=target._meta.label_lower,
        target_code=str(code),
        data=mask(data or {}),
    )
