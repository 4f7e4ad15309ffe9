from django.db.models import Q, QuerySet

from kenesh.access.models import User
from kenesh.notifications.models import Delivery, Message, Notice


def unread_count(user: User) -> int:
    return Notice.objects.filter(user=user, read_at__isnull=True).count()


def delivery_of(user: User) -> Delivery:
    """The user's delivery settings, or the defaults (unsaved) until they choose."""
    return Delivery.objects.filter(user=user).first() or Delivery(user=user)


def notices_of(user: User) -> QuerySet[Notice]:
    return Notice.objects.filter(user=user).order_by("-created_at", "-id")


def outbox(*, status: str = "", kind: str = "", search: str = "") -> QuerySet[Message]:
    """Every message, newest first, for staff; ``search`` matches the address or the
    recipient's names."""
    messages = Message.objects.select_related("person", "user").order_by("-created_at", "-id")
    if status:
        messages = messages.filter(status=status)
    if kind:
        messages = messages.filter(kind=kind)
    if search:
        messages = messages.filter(
            Q(to__icontains=search)
            | Q(person__name__icontains=search)
            | Q(person__name_latin__icontains=search)
            | Q(subject__icontains=search)
        )
    return messages


def outbox_counts() -> dict[str, int]:
    from django.db.models import Count

    return dict(Message.objects.values_list("status").annotate(n=Count("id")).order_by())
