from kenesh import __version__
from kenesh.core import navigation
from kenesh.core.settings_store import get_setting


def platform(request):
    user = getattr(request, "user", None)
    return {
        "nav_entries": (
            navigation.entries_for(user)
            if user is not None and not getattr(request, "kenesh_signing_in", False)
            else []
        ),
        "demo_programme": get_setting("demo"),
        "kenesh_version": __version__,
    }
