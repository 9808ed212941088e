from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class UploadForm(forms.Form):
    """The plain form, for browsers without JavaScript; Uppy posts to the same view."""

    files = forms.FileField(
        label=_("Files"),
        widget=MultipleFileInput(attrs={"multiple": True}),
        help_text=_(
            "Several files at once. Sending a file under a name that exists adds a new version."
        ),
    )


class NameForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=255)


class DestinationForm(forms.Form):
    """A target space and folder, as "<workspace id>:<folder id or empty>"."""

    target = forms.CharField(label=_("Destination"))

    def clean_target(self) -> tuple[int, int | None]:
        workspace, _sep, folder = self.cleaned_data["target"].partition(":")
        try:
            return int(workspace), int(folder) if folder else None
        except ValueError:
            raise forms.ValidationError(_("Choose a destination in the list.")) from None


class QuotaForm(forms.Form):
    limit_mb = forms.IntegerField(
        label=_("Quota (MB)"),
        min_value=0,
        required=False,
        help_text=_("Leave empty for the default of this kind of space."),
    )


class ShareForm(forms.Form):
    expires_at = forms.DateField(
        label=_("Expires on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Optional: the link stops working after this day."),
    )
    password = forms.CharField(
        label=_("Password"),
        required=False,
        max_length=128,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Optional: asked before anything is shown."),
    )


class SharePasswordForm(forms.Form):
    password = forms.CharField(
        label=_("Password"), max_length=128, widget=forms.PasswordInput(attrs={"autofocus": True})
    )
