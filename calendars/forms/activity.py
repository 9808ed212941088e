"""The scope and period of the activity figures (a GET form: the address can be shared)."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.utils.translation import gettext_lazy as _

from calendars.activity import Period, Scope

# Five years: more makes an unreadable chart and is never what a funder asks for.
MAX_PERIOD_DAYS = 5 * 366


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class ActivityFilterForm(forms.Form):
    # Checked by the view against the permission authority, not against the list: a scope
    # one may not see answers 404, and a territory below one's own is allowed by address.
    scope = forms.CharField(label=_("Figures of"), max_length=32)
    date_from = forms.DateField(label=_("From"), widget=DateInput())
    date_to = forms.DateField(label=_("To (included)"), widget=DateInput())

    def __init__(self, *args, scopes: list[Scope], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scope"].widget = forms.Select(choices=self._grouped(scopes))

    @staticmethod
    def _grouped(scopes: list[Scope]) -> list:
        groups = {
            Scope.NETWORK: (_("Network"), []),
            Scope.TERRITORY: (_("Territories"), []),
            Scope.PLACE: (_("Places"), []),
        }
        for scope in scopes:
            groups[scope.kind][1].append((scope.key, scope.label))
        return [(label, options) for label, options in groups.values() if options]

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end:
            if start > end:
                raise forms.ValidationError(
                    _("The start of the period must be on or before its end."), code="reversed"
                )
            if end - start > timedelta(days=MAX_PERIOD_DAYS):
                raise forms.ValidationError(
                    _("Choose a period of at most five years."), code="too_long"
                )
        return data

    @property
    def period(self) -> Period:
        return Period(self.cleaned_data["date_from"], self.cleaned_data["date_to"])
