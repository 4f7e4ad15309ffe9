"""What every form of the platform shares: choices the user may know, service refusals
on the right field, and text that a reader can see."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from kenesh.core.text import require_visible_text

# The widest id a database integer holds: a larger one names no record, and SQLite would
# raise OverflowError on it (a 500) rather than find nothing.
LARGEST_ID = 2**63 - 1
# Error codes of a submission naming a choice the form never offered: a forged or stale
# id or code, answered 400 rather than as an ordinary mistake.
NOT_OFFERED = ("invalid_choice", "invalid_pk_value", "invalid_list", "unknown", "declined")


def _beyond_any_id(value) -> bool:
    try:
        return abs(int(str(value))) > LARGEST_ID
    except (TypeError, ValueError):
        return False  # Django's own check names it


class ModelChoiceField(forms.ModelChoiceField):
    """Django's field, refusing an id out of the database's integer range as unknown."""

    def to_python(self, value):
        unbounded = value not in self.empty_values and self.to_field_name is None
        if unbounded and _beyond_any_id(value):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's field, refusing ids out of the database's integer range as unknown."""

    def _check_values(self, value):
        if self.to_field_name is None:
            for pk in value:
                if _beyond_any_id(pk):
                    raise ValidationError(
                        self.error_messages["invalid_pk_value"],
                        code="invalid_pk_value",
                        params={"pk": pk},
                    )
        return super()._check_values(value)


_GUARDED = {
    forms.ModelChoiceField: ModelChoiceField,
    forms.ModelMultipleChoiceField: ModelMultipleChoiceField,
}


def refusal_status(form: forms.BaseForm) -> int:
    """The status of a page re-shown with ``form``'s errors: 400 when the submission
    named a choice the form never offered, 200 for the ordinary mistakes it explains."""
    if not form.is_bound:
        return 200
    fields = [*form.fields, NON_FIELD_ERRORS]
    refused = any(form.has_error(name, code) for name in fields for code in NOT_OFFERED)
    return 400 if refused else 200


def restrict_choices(form: forms.BaseForm, user) -> None:
    """Narrow every model choice field of ``form`` to what ``user`` may know exists.

    A choice whose model's queryset has ``visible_to`` goes through it, so a form never
    offers (nor accepts) a closed convening, an unlisted person or an unpublished paper
    to someone who may not know of it. Fields whose model has no ``visible_to`` are
    left as the form built them: they hold reference data (themes, languages) or were
    narrowed by the view to one object the user already opened.
    """
    for field in form.fields.values():
        if not isinstance(field, forms.ModelChoiceField):
            continue
        # Fields a model form made for itself are Django's own: give them the id guard.
        field.__class__ = _GUARDED.get(type(field), type(field))
        queryset = field.queryset
        if queryset is None or not hasattr(queryset, "visible_to"):
            continue
        field.queryset = queryset.filter(
            pk__in=queryset.model.objects.visible_to(user).values("pk")
        )


class GuardedIdsMixin:
    """Give a form's model choice fields the guard against ids no database holds (for
    forms that are not ``UserForm``/``UserModelForm``, whose choices need no narrowing)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.__class__ = _GUARDED.get(type(field), type(field))


class VisibleTextMixin:
    """Refuse, field by field, text made only of spaces and invisible characters (a
    zero-width space is not a name, a title or a statement)."""

    def _clean_fields(self):
        super()._clean_fields()
        for name, field in self.fields.items():
            value = self.cleaned_data.get(name)
            if isinstance(field, forms.CharField) and isinstance(value, str) and value:
                try:
                    require_visible_text(value)
                except ValidationError as error:
                    self.add_error(name, error)


class UserForm(VisibleTextMixin, forms.Form):
    """A form that knows who fills it in; its choices pass through ``visible_to``."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        restrict_choices(self, user)


class UserModelForm(VisibleTextMixin, forms.ModelForm):
    """A model form that knows who fills it in; its choices pass through ``visible_to``."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        restrict_choices(self, user)


def add_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Put a service's refusal on ``form``: each message on the field it names when the
    form has that field, the rest above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.error_list if hasattr(error, "error_list") else error)


class VisibleCharField(forms.CharField):
    """A text field that refuses text made only of spaces and invisible characters."""

    def clean(self, value):
        value = super().clean(value)
        if value:
            require_visible_text(value)
        return value
