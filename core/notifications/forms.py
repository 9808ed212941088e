from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.notifications.models import EmailFrequency


class EmailPreferenceForm(forms.Form):
    # Radio buttons in a fieldset whose legend is the label (Django's RadioSelect).
    frequency = forms.ChoiceField(
        label=_("E-mail me my notifications"),
        choices=EmailFrequency.choices,
        widget=forms.RadioSelect,
        help_text=_("Whatever you choose, your notifications stay on the site."),
    )
