from django_tasks import task


@task()
def deliver(message_id: int) -> str:
    """Hand one queued message to the mail server (``services.deliver``)."""
    from kenesh.notifications.services import deliver as deliver_message

    return deliver_message(message_id)


@task()
def deliver_many(keys: list[str]) -> int:
    """Hand a batch of queued messages (a round of digests) to the mail server, one by
    one. Returns how many were delivered."""
    from kenesh.notifications.models import Message
    from kenesh.notifications.services import deliver as deliver_message

    ids = Message.objects.filter(key__in=keys).values_list("pk", flat=True)
    return sum(deliver_message(pk) == Message.Status.SENT for pk in ids)
