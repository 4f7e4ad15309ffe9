"""Forms of the page where staff change a paper's authors and mentor.

People are posted by their public code. Every choice goes through the viewer's
``visible_to`` and leaves out people withdrawn or erased, so someone the viewer may not
see is refused exactly as a code that names no one.
"""

import copy

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kenesh.core.forms import ModelChoiceField, UserForm
from kenesh.papers import author_services
from kenesh.papers.models import AuthorRole
from kenesh.people.models import Person

WRITING_ROLE_CHOICES = [(role.value, role.label) for role in author_services.WRITING_ROLES]
NOT_OFFERED = {"invalid_choice": _("Choose someone from the list.")}


class PersonChoiceField(ModelChoiceField):
    """A person named by code; the label is the name as written and in Latin letters."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("to_field_name", "code")
        kwargs.setdefault("error_messages", NOT_OFFERED)
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        # A malformed code is refused in the same words as a code that names no one.
        try:
            return super().to_python(value)
        except ValidationError as error:
            raise ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            ) from error

    def label_from_instance(self, person):
        if person.name_latin and person.name_latin != person.name:
            return f"{person.name} ({person.name_latin})"
        return person.name


def _people(user, paper, *, bound: bool, search: str = "", mentors: bool = False):
    """Whom the form offers: people not yet on the paper. A submitted form takes anyone
    the user may name, so that naming an author again is refused in words."""
    people = author_services.candidates(user)
    if not bound:
        people = people.exclude(pk__in=paper.authorships.values("person_id"))
    if mentors and bound:
        # An author posted as mentor is refused in words, whether or not they mentor.
        authors = paper.authorships.values("person_id")
        people = people.filter(Q(can_mentor=True) | Q(pk__in=authors))
    elif mentors:
        people = people.filter(can_mentor=True)
    if search and not bound:
        people = people.search(search)
    return people.order_by("name", "pk")


def _show_only(field, queryset) -> None:
    """Offer ``queryset`` in ``field``'s list while the field still takes its own, wider
    one: a form shown again after a refusal lists only people not yet on the paper."""
    shown = copy.copy(field)
    shown.queryset = queryset  # sets the widget's choices, which both share


class AddAuthorForm(UserForm):
    person = PersonChoiceField(label=_("Person"), queryset=Person.objects.none())
    role = forms.ChoiceField(
        label=_("Role"),
        choices=WRITING_ROLE_CHOICES,
        initial=AuthorRole.CO_AUTHOR,
        error_messages={"invalid_choice": _("Choose a role.")},
    )

    def __init__(self, *args, paper, search: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        # Narrowed by the search only when shown: a posted code is checked against all.
        field = self.fields["person"]
        field.empty_label = None
        field.queryset = _people(self.user, paper, bound=self.is_bound, search=search)
        if self.is_bound:
            _show_only(field, _people(self.user, paper, bound=False))


class AuthorForm(UserForm):
    """One writing author's role and place on the list."""

    person = PersonChoiceField(label=_("Person"), queryset=Person.objects.none())
    role = forms.ChoiceField(
        label=_("Role"),
        choices=WRITING_ROLE_CHOICES,
        error_messages={"invalid_choice": _("Choose a role.")},
    )
    position = forms.TypedChoiceField(
        label=_("Place"),
        coerce=int,
        error_messages={"invalid_choice": _("Choose a place on the list.")},
    )

    def __init__(self, *args, paper, writers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = Person.objects.filter(
            pk__in=[row.person_id for row in writers]
        )
        self.fields["position"].choices = [(n, n) for n in range(1, len(writers) + 1)]


class RemoveAuthorForm(UserForm):
    person = PersonChoiceField(label=_("Person"), queryset=Person.objects.none())

    def __init__(self, *args, paper, writers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = Person.objects.filter(
            pk__in=[row.person_id for row in writers]
        )


class MentorForm(UserForm):
    mentor = PersonChoiceField(
        label=_("Mentor"),
        queryset=Person.objects.none(),
        required=False,
        help_text=_(
            "Someone who can mentor young experts; not an author or a reviewer of the paper."
        ),
    )

    def __init__(self, *args, paper, current=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["mentor"]
        field.empty_label = _("No mentor")

        def mentors(bound):
            people = _people(self.user, paper, bound=bound, mentors=True)
            if current is not None:
                people = people | Person.objects.filter(pk=current.pk)
            return people.order_by("name", "pk")

        field.queryset = mentors(self.is_bound)
        if self.is_bound:
            _show_only(field, mentors(False))
