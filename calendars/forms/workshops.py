"""Forms of workshops: the public's registration and survey, the facilitators' planning."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from calendars.models import FeeKind, Level, Registration, SurveyResponse, Theme, Workshop
from calendars.recurrence import on_paris_clock
from calendars.services.workshops import WORKSHOP_FIELDS, SessionTimes


class RegistrationForm(forms.ModelForm):
    """The public's registration: a name and a way to be reached."""

    class Meta:
        model = Registration
        fields = ["name", "email", "phone"]
        labels = {
            "name": _("Your name"),
            "email": _("Your e-mail address"),
            "phone": _("Your phone number"),
        }
        help_texts = {
            "email": _("We send the confirmation and a reminder there."),
            "phone": _("If you have no e-mail address: the place may call you."),
        }
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
        }

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("email") and not cleaned.get("phone"):
            self.add_error(
                "email", _("Give an e-mail address or a phone number, so we can reach you.")
            )
        return cleaned

    def _post_clean(self):
        # The service validates the registration as a whole (status, token…).
        pass


class BehalfRegistrationForm(RegistrationForm):
    """A facilitator registering someone (met at the desk, or on the phone)."""

    class Meta(RegistrationForm.Meta):
        fields = ["name", "email", "phone", "note"]
        labels = {
            "name": _("Name"),
            "email": _("E-mail address"),
            "phone": _("Phone number"),
            "note": _("Note for the facilitators"),
        }
        help_texts = {
            "email": _("Optional: the person then gets the confirmation and reminders."),
            "phone": _("Many participants have no e-mail: a phone number will do."),
        }


class WorkshopForm(forms.ModelForm):
    class Meta:
        model = Workshop
        fields = WORKSHOP_FIELDS
        widgets = {"fee_kind": forms.RadioSelect}

    def clean_capacity(self):
        capacity = self.cleaned_data.get("capacity")
        if capacity is not None and capacity < 1:
            raise forms.ValidationError(_("A workshop has at least one seat."))
        return capacity

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("fee_kind") == FeeKind.PAID and cleaned.get("fee_amount") is None:
            self.add_error("fee_amount", _("Give the price of a paid workshop."))
        if cleaned.get("fee_kind") == FeeKind.CONDITIONS and not cleaned.get("fee_conditions"):
            self.add_error("fee_conditions", _("Say on what conditions it is free or paid."))
        return cleaned

    def _post_clean(self):
        pass  # the services validate the model


def _aware(day: date, at: time) -> datetime:
    """A date and a time of the form, on the wall clock of Paris (as events repeat)."""
    return on_paris_clock(datetime.combine(day, at))


class SessionsForm(forms.Form):
    """The sessions of a new workshop: one, or a cycle at the same hour every N weeks."""

    first_date = forms.DateField(
        label=_("Date of the first session"), widget=forms.DateInput(attrs={"type": "date"})
    )
    start_time = forms.TimeField(
        label=_("Starts at"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    end_time = forms.TimeField(label=_("Ends at"), widget=forms.TimeInput(attrs={"type": "time"}))
    count = forms.IntegerField(
        label=_("Number of sessions"),
        min_value=1,
        max_value=30,
        initial=1,
        help_text=_("More than one makes a cycle: people register for all its sessions."),
    )
    every_weeks = forms.IntegerField(
        label=_("One session every … weeks"), min_value=1, max_value=4, initial=1
    )

    def clean(self):
        cleaned = super().clean()
        day, start, end = (cleaned.get(k) for k in ("first_date", "start_time", "end_time"))
        if day and start and end:
            if end <= start:
                self.add_error("end_time", _("The session must end after it starts."))
            elif _aware(day, start) < timezone.now():
                self.add_error("first_date", _("The first session cannot be in the past."))
        return cleaned

    def sessions(self) -> list[SessionTimes]:
        data = self.cleaned_data
        result = []
        for n in range(data["count"]):
            day = data["first_date"] + timedelta(weeks=n * data["every_weeks"])
            # Each session on the wall clock: 14:00 stays 14:00 across a change of time.
            result.append(
                SessionTimes(_aware(day, data["start_time"]), _aware(day, data["end_time"]))
            )
        return result


class SessionMoveForm(forms.Form):
    date = forms.DateField(label=_("New date"), widget=forms.DateInput(attrs={"type": "date"}))
    start_time = forms.TimeField(
        label=_("Starts at"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    end_time = forms.TimeField(label=_("Ends at"), widget=forms.TimeInput(attrs={"type": "time"}))
    reason = forms.CharField(
        label=_("Why (told to the participants)"), required=False, max_length=300
    )

    def clean(self):
        cleaned = super().clean()
        day, start, end = (cleaned.get(k) for k in ("date", "start_time", "end_time"))
        if day and start and end:
            if end <= start:
                self.add_error("end_time", _("The session must end after it starts."))
            elif _aware(day, start) < timezone.now():
                self.add_error("date", _("A session cannot be moved into the past."))
        return cleaned

    def times(self) -> tuple[datetime, datetime]:
        d = self.cleaned_data
        return _aware(d["date"], d["start_time"]), _aware(d["date"], d["end_time"])


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Why (told to the participants)"), required=False, max_length=300
    )


RATING_CHOICES = [(n, str(n)) for n in range(1, 6)]


class SurveyForm(forms.ModelForm):
    class Meta:
        model = SurveyResponse
        fields = ["overall", "content", "facilitation", "comment"]
        labels = {
            "overall": _("Overall, how satisfied are you? (1: not at all, 5: very)"),
            "content": _("Did you learn what you came for? (1: not at all, 5: completely)"),
            "facilitation": _("How was the facilitation? (1: poor, 5: excellent)"),
            "comment": _("Anything to add? (optional)"),
        }
        widgets = {
            "overall": forms.RadioSelect(choices=RATING_CHOICES),
            "content": forms.RadioSelect(choices=RATING_CHOICES),
            "facilitation": forms.RadioSelect(choices=RATING_CHOICES),
            "comment": forms.Textarea(attrs={"rows": 4}),
        }

    def _post_clean(self):
        pass


class WorkshopFilterForm(forms.Form):
    """The filters of /ateliers/, all in the query string so a search can be shared."""

    q = forms.CharField(
        label=_("Near (commune, postcode or address)"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "address-level2"}),
    )
    radius = forms.TypedChoiceField(
        label=_("Within"),
        required=False,
        coerce=int,
        empty_value=20,
        choices=[(5, _("5 km")), (10, _("10 km")), (20, _("20 km")), (50, _("50 km"))],
        initial=20,
    )
    theme = forms.ChoiceField(
        label=_("Theme"), required=False, choices=[("", _("All themes")), *Theme.choices]
    )
    level = forms.ChoiceField(
        label=_("Level"), required=False, choices=[("", _("All levels")), *Level.choices]
    )
    day_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    day_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    free_only = forms.BooleanField(label=_("Free workshops only"), required=False)
    seats_left = forms.BooleanField(label=_("With seats left"), required=False)

    def clean(self):
        cleaned = super().clean()
        day_from, day_to = cleaned.get("day_from"), cleaned.get("day_to")
        if day_from and day_to and day_to < day_from:
            self.add_error("day_to", _("The end date is before the start date."))
        return cleaned
