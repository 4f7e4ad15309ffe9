"""Deny by default: every routed view says who may open it."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver

from kenesh.access.decorators import PUBLIC, declared_access
from kenesh.access.middleware import SELF_GUARDED_NAMESPACES, DenyByDefaultMiddleware


def walk(patterns, namespaces=()):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from walk(
                entry.url_patterns,
                (*namespaces, entry.namespace) if entry.namespace else namespaces,
            )
        elif isinstance(entry, URLPattern):
            yield namespaces, entry


def test_every_url_pattern_declares_a_permission():
    undeclared = []
    for namespaces, pattern in walk(get_resolver().url_patterns):
        if namespaces and namespaces[0] in SELF_GUARDED_NAMESPACES:
            continue
        if declared_access(pattern.callback) is None:
            undeclared.append(f"{':'.join(namespaces)} {pattern.pattern} -> {pattern.lookup_str}")
    assert not undeclared, "Views without a declared permission:\n" + "\n".join(undeclared)


def test_declared_permissions_exist_as_rules():
    import rules

    for _namespaces, pattern in walk(get_resolver().url_patterns):
        access = declared_access(pattern.callback)
        if access is None or access is PUBLIC:
            continue
        assert rules.perm_exists(access), f"{pattern.lookup_str} needs unknown rule {access!r}"


@pytest.mark.django_db
def test_a_view_without_declaration_is_refused_at_run_time(personas):
    from django.core.exceptions import PermissionDenied

    def undeclared_view(request):
        return HttpResponse("secret")

    request = RequestFactory().get("/somewhere")
    request.user = personas["administrator"]
    request.resolver_match = None
    middleware = DenyByDefaultMiddleware(lambda r: HttpResponse())
    with pytest.raises(PermissionDenied):
        middleware.process_view(request, undeclared_view, (), {})


def test_admin_site_asks_the_back_office_rule(login):
    assert login("administrator").get("/admin/").status_code == 200
    for name in ("staff", "mentor", "expert", "observer"):
        response = login(name).get("/admin/")
        assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_only_administrators_manage_users(login):
    assert login("administrator").get("/admin/access/user/").status_code == 200
    assert login("staff").get("/admin/access/user/").status_code == 302
