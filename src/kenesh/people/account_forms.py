"""Forms of the account page of a roster person, and of the set-password page."""

from django import forms
from django.contrib.auth.password_validation import password_validators_help_text_html
from django.utils.translation import gettext_lazy as _

from kenesh.core.forms import UserForm
from kenesh.people import accounts

ACTIONS = ("invite", "role", "deactivate", "reactivate")


class RoleForm(UserForm):
    """A role among those the signed-in user may give (administrators: every role)."""

    role = forms.ChoiceField(label=_("Role"), choices=())

    def __init__(self, *args, user, initial_role: str = "", **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["role"].choices = accounts.roles_for(user)
        if initial_role:
            self.fields["role"].initial = initial_role


class SetPasswordForm(forms.Form):
    password1 = forms.CharField(
        label=_("New password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validators_help_text_html,
    )
    password2 = forms.CharField(
        label=_("The same password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        cleaned = super().clean()
        one, two = cleaned.get("password1"), cleaned.get("password2")
        if one and two and one != two:
            self.add_error("password2", _("The two passwords differ. Type the same one twice."))
        return cleaned
