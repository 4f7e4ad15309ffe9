from django import forms
from django.utils.translation import gettext_lazy as _

from kenesh.convenings.models import Convening
from kenesh.deliberation.models import Conversation
from kenesh.people.models import Country, LanguageCode, Sector, Track

MAX_UPLOAD = 50 * 1024 * 1024


class ConversationForm(forms.ModelForm):
    convening = forms.ModelChoiceField(
        label=_("Convening"), queryset=Convening.objects.all(), required=False
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
    text = forms.CharField(
        label=_("Statement"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 500}),
        help_text=_("One clear claim others can agree or disagree with; 500 characters at most."),
    )
    language = forms.ChoiceField(label=_("Language"), choices=LanguageCode.choices)


class TranslationForm(forms.Form):
    statement = forms.IntegerField(label=_("Statement number"), min_value=1)
    language = forms.ChoiceField(label=_("Language"), choices=LanguageCode.choices)
    text = forms.CharField(
        label=_("Translation"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
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
    title = forms.CharField(label=_("Title"), max_length=300)
    comments = forms.FileField(label=_("comments.csv"))
    votes = forms.FileField(label=_("votes.csv"))

    def clean(self):
        data = super().clean()
        for name in ("comments", "votes"):
            upload = data.get(name)
            if upload is not None and upload.size > MAX_UPLOAD:
                self.add_error(name, _("The file is larger than 50 MB."))
        return data
