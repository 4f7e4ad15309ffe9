import pytest
from django.contrib.auth.models import AnonymousUser

from kenesh.access import predicates
from kenesh.access.models import Role, User


@pytest.mark.parametrize(
    ("role", "staff", "member", "observer"),
    [
        (Role.ADMINISTRATOR, True, True, False),
        (Role.STAFF, True, True, False),
        (Role.MENTOR, False, True, False),
        (Role.EXPERT, False, True, False),
        (Role.OBSERVER, False, False, True),
    ],
)
def test_role_predicates(role, staff, member, observer):
    user = User(username="u", role=role)
    assert predicates.is_staff(user) is staff
    assert predicates.is_member(user) is member
    assert predicates.is_observer(user) is observer


def test_anonymous_and_inactive_users_have_no_role():
    assert not predicates.is_authenticated(AnonymousUser())
    assert not predicates.is_staff(User(username="x", role=Role.STAFF, is_active=False))


def test_superuser_counts_as_administrator():
    user = User(username="root", role=Role.OBSERVER, is_superuser=True)
    assert predicates.is_administrator(user)
    assert predicates.is_staff(user)


@pytest.mark.django_db
def test_createsuperuser_makes_an_administrator():
    user = User.objects.create_superuser("boss", "boss@example.org", "x-long-password-1")
    assert user.role == Role.ADMINISTRATOR
