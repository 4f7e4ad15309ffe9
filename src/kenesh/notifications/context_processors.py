from kenesh.notifications.queries import unread_count


def unread(request):
    """The number the header shows beside "Notifications" (one query, signed-in only)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or getattr(request, "kenesh_signing_in", False):
        return {}
    return {"unread_notices": unread_count(user)}
