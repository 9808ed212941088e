from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from extranet.chat.models import MAX_MESSAGE_LENGTH


class MessageForm(forms.Form):
    """The composer without JavaScript: a plain form that posts one message."""

    body = forms.CharField(
        label=_("Message"),
        max_length=MAX_MESSAGE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Markdown: **bold**, *italics*, links, lists; @handle to mention someone."),
    )
    client_id = forms.RegexField(regex=r"^[A-Za-z0-9_-]{1,64}$", widget=forms.HiddenInput)
    reply_to = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)


class DirectForm(forms.Form):
    people = forms.CharField(
        label=_("People"),
        max_length=800,
        help_text=_("Their handles, separated by commas (up to 11 people)."),
    )
    name = forms.CharField(label=_("Name (optional)"), max_length=80, required=False)

    def handles(self) -> list[str]:
        raw = self.cleaned_data["people"].replace(";", ",")
        return [h.strip().lstrip("@").lower() for h in raw.split(",") if h.strip()]


class ChannelForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80)
    topic = forms.CharField(label=_("Topic"), max_length=200, required=False)
    territory = forms.ModelChoiceField(
        label=_("Territory"),
        queryset=None,
        required=False,
        help_text=_("Empty: a channel of the whole network (the coordinator only)."),
    )
    restricted_posting = forms.BooleanField(label=_("Only chosen people may post"), required=False)
    posters = forms.CharField(
        label=_("Who may post"),
        max_length=2000,
        required=False,
        help_text=_("Handles, separated by commas, when only chosen people may post."),
    )

    def __init__(self, *args, territories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["territory"].queryset = territories

    def handles(self) -> list[str]:
        raw = self.cleaned_data.get("posters") or ""
        return [h.strip().lstrip("@").lower() for h in raw.split(",") if h.strip()]


class HandleForm(forms.Form):
    """One person, by handle: added to a conversation or to a channel's posters."""

    handle = forms.CharField(label=_("Their handle"), max_length=40)

    def clean_handle(self) -> str:
        return self.cleaned_data["handle"].strip().lstrip("@").lower()
