from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from core.registry import WIDGET_SIZES
from extranet.dashboard.services import ACTIONS


class ArrangeForm(forms.Form):
    action = forms.ChoiceField(choices=[(a, a) for a in ACTIONS])
    key = forms.CharField(max_length=100, required=False)
    size = forms.ChoiceField(choices=[("", "")] + [(s, s) for s in WIDGET_SIZES], required=False)
    # Drag and drop sends the whole new order: widget keys separated by commas.
    order = forms.CharField(max_length=3000, required=False)

    def clean_order(self) -> list[str]:
        return [k for k in self.cleaned_data["order"].split(",") if k]


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("My notes"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )


def _web_or_local(value: str) -> None:
    # A path of this site, or an http(s) address: never "javascript:" and the like.
    if value.startswith("/") and not value.startswith("//"):
        return
    URLValidator(
        schemes=["http", "https"], message=_("Enter an http(s) address or a path of this site.")
    )(value)


class BookmarkForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=120)
    url = forms.CharField(label=_("Address"), max_length=500, validators=[_web_or_local])

    def clean_title(self) -> str:
        title = self.cleaned_data["title"].strip()
        if not title:
            raise ValidationError(_("Give the bookmark a title."))
        return title
