"""What the whole-platform proofs share: every URL pattern, and the row count of every
table (to show a request wrote nothing)."""

from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver

# Tables a request may touch whatever it asks: the session and its bookkeeping.
SESSION_TABLES = frozenset(
    {
        "sessions.session",
        "access.usersession",
        "axes.accessattempt",
        "axes.accesslog",
        "axes.accessfailurelog",
        "otp_static.staticdevice",
    }
)


def url_patterns():
    """(name, kwarg names) of every URL pattern outside the admin; a pattern outside any
    namespace is named as Django names it ("set_language")."""

    def walk(patterns, namespaces=()):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                if entry.namespace == "admin":
                    continue
                inner = (*namespaces, entry.namespace) if entry.namespace else namespaces
                yield from walk(entry.url_patterns, inner)
            elif isinstance(entry, URLPattern):
                name = ":".join((*namespaces, entry.name)) if namespaces else entry.name
                yield name, frozenset(entry.pattern.regex.groupindex)

    return list(walk(get_resolver().url_patterns))


def row_counts(ignore=SESSION_TABLES) -> dict[str, int]:
    """Rows in every table of the platform but those in ``ignore``."""
    return {
        model._meta.label_lower: model.objects.count()
        for model in apps.get_models()
        if model._meta.label_lower not in ignore and model._meta.managed
    }
