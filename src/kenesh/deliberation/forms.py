from django import forms
from django.utils.translation import gettext_lazy as _

from kenesh.convenings.models import Convening
from kenesh.core.forms import UserModelForm, VisibleCharField
from kenesh.deliberation.models import Conversation, StatementStatus
from kenesh.people.models import Country, LanguageCode, Sector, Track

MAX_UPLOAD = 50 * 1024 * 1024


class ConversationForm(UserModelForm):
    """Opening a conversation; the convening offered are those the user may know."""

    convening = forms.ModelChoiceField(
        label=_("Convening"), queryset=Convening.objects.order_by("-starts_on"), required=False
    )

    class Meta:
        model = Conversation
        fields = [
            "title",
            "description",
            "language",
            "convening",
            "anonymity",
            "open_to_members",
            "participants_may_submit",
            "is_open",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class StatementForm(forms.Form):
    text = VisibleCharField(
        label=_("Statement"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 500}),
        help_text=_("One clear claim others can agree or disagree with; 500 characters at most."),
    )
    language = forms.ChoiceField(label=_("Language"), choices=LanguageCode.choices)


class TranslationForm(forms.Form):
    statement = forms.IntegerField(label=_("Statement number"), min_value=1)
    language = forms.ChoiceField(label=_("Language"), choices=LanguageCode.choices)
    text = VisibleCharField(
        label=_("Translation"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class ModerationForm(forms.Form):
    """One decision from the moderation queue."""

    statement = forms.UUIDField()
    moderate = forms.ChoiceField(
        choices=[("accept", _("Accept")), ("reject", _("Reject"))],
        error_messages={"invalid_choice": _("Choose to accept or to reject the statement.")},
    )
    reason = VisibleCharField(label=_("Reason"), max_length=300, required=False)

    @property
    def accept(self) -> bool:
        return self.cleaned_data["moderate"] == "accept"


class VoteForm(forms.Form):
    """One vote from the vote card: which statement, which answer, in which language it
    was read."""

    statement = forms.UUIDField(
        error_messages={
            "invalid": _("That vote could not be read; nothing was recorded."),
            "required": _("That vote could not be read; nothing was recorded."),
        }
    )
    value = forms.TypedChoiceField(
        coerce=int,
        choices=[("1", _("Agree")), ("-1", _("Disagree")), ("0", _("Pass / unsure"))],
        error_messages={
            "invalid_choice": _("A vote is agree, disagree or pass; nothing was recorded."),
            "required": _("A vote is agree, disagree or pass; nothing was recorded."),
        },
    )
    language = forms.CharField(required=False, max_length=8)

    def statement_in(self, conversation):
        """The voted statement, if it is one of ``conversation``'s (accepted or not)."""
        return (
            conversation.statements.filter(code=self.cleaned_data["statement"])
            .exclude(status=StatementStatus.PENDING)
            .first()
        )


class AttributesForm(forms.Form):
    """Declared attributes: optional, and used only in aggregate."""

    country = forms.ChoiceField(
        label=_("Country"), choices=[("", "—"), *Country.choices], required=False
    )
    track = forms.ChoiceField(
        label=_("Generation"), choices=[("", "—"), *Track.choices], required=False
    )
    sector = forms.ChoiceField(
        label=_("Sector"), choices=[("", "—"), *Sector.choices], required=False
    )


class LinksForm(forms.Form):
    count = forms.IntegerField(label=_("How many links"), min_value=1, max_value=500, initial=10)


class PolisImportForm(forms.Form):
    title = VisibleCharField(label=_("Title"), max_length=300)
    comments = forms.FileField(label=_("comments.csv"))
    votes = forms.FileField(label=_("votes.csv"))

    def clean(self):
        data = super().clean()
        for name in ("comments", "votes"):
            upload = data.get(name)
            if upload is not None and upload.size > MAX_UPLOAD:
                self.add_error(name, _("The file is larger than 50 MB."))
        return data
