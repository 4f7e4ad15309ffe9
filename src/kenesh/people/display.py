"""How a person's name is shown to a reader: the one place that hides a withdrawn expert.

A person withdrawn for their safety ("hide me now") is shown to everyone but staff and
themselves as "an expert from <country>", wherever a record of them must stay (an
authorship, a speaker, a participant); everywhere else ``Person.objects.visible_to``
leaves them out.
"""

from django.utils.translation import gettext as _

from kenesh.access.predicates import is_staff


def name_hidden_from(person, viewer) -> bool:
    """True when ``viewer`` may not see ``person``'s name: withdrawn, and the viewer is
    neither staff nor the person."""
    if person is None or person.withdrawn_at is None:
        return False
    # A template rendered without a request passes "" for the viewer: a stranger.
    if getattr(viewer, "is_authenticated", False):
        if person.user_id is not None and person.user_id == viewer.pk:
            return False
        if is_staff(viewer):
            return False
    return True


def placeholder(person) -> str:
    return _("an expert from %(country)s") % {"country": person.get_country_display()}


def shown_name(person, viewer, *, latin: bool = False) -> str:
    """``person``'s name (in Latin letters if ``latin``) as ``viewer`` may see it."""
    if person is None:
        return ""
    if name_hidden_from(person, viewer):
        return placeholder(person)
    return person.name_latin if latin else person.name


def shown_user(account, viewer) -> str:
    """A login as ``viewer`` may see it: the name of a withdrawn person's login is hidden
    like the person's own."""
    if account is None:
        return ""
    person = getattr(account, "person", None) if hasattr(account, "pk") else None
    if person is not None and name_hidden_from(person, viewer):
        return placeholder(person)
    return str(account)
