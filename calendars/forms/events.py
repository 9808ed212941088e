"""Event forms. Dates and times are typed on the Paris clock (Django's current time zone);
the rules on them are the services' (`schedule_errors`), checked here too so the person
sees every problem at once, next to the field concerned."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from calendars.services.events import MAX_INTERVAL_WEEKS, schedule_errors

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format=DATETIME_FORMAT)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def _datetime_field(label, help_text="") -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        help_text=help_text,
        widget=DateTimeLocalInput(),
        input_formats=[DATETIME_FORMAT, "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"],
        error_messages={
            "required": _("Give a date and a time."),
            "invalid": _("Give a date and a time, e.g. 14/03/2027 14:00."),
        },
    )


class EventForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    start = _datetime_field(_("Start"), _("Paris time."))
    end = _datetime_field(_("End"), _("Paris time."))
    location = forms.CharField(label=_("Place or address"), max_length=255, required=False)
    online_url = forms.URLField(
        label=_("Online link"),
        required=False,
        help_text=_("A video-conference address, if the event is also held online."),
        assume_scheme="https",
    )
    description = forms.CharField(
        label=_("Description"), max_length=5000, required=False, widget=forms.Textarea
    )
    repeat_every_weeks = forms.IntegerField(
        label=_("Repeat every … weeks"),
        min_value=0,
        max_value=MAX_INTERVAL_WEEKS,
        initial=0,
        help_text=_("0: does not repeat; 1: every week; 2: every other week…"),
        error_messages={
            "min_value": _("Repeat every 0 to 52 weeks."),
            "max_value": _("Repeat every 0 to 52 weeks."),
            "invalid": _("Give a whole number of weeks."),
        },
    )
    repeat_until = forms.DateField(
        label=_("Repeat until"),
        required=False,
        widget=DateInput(),
        help_text=_("Last day an occurrence may fall on (included). Empty: no end."),
        error_messages={"invalid": _("Give a date, e.g. 30/06/2027.")},
    )

    def __init__(self, *args, event=None, **kwargs):
        self.event = event
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        start = data.get("start")
        # A new event cannot start in the past; an existing one may keep its past start.
        is_new_start = self.event is None or (start is not None and start != self.event.start)
        errors = schedule_errors(
            start=start,
            end=data.get("end"),
            repeat_every_weeks=data.get("repeat_every_weeks"),
            repeat_until=data.get("repeat_until"),
            now=timezone.now() if is_new_start else None,
        )
        for field, message in errors.items():
            if field not in self.errors:
                self.add_error(field, message)
        return data


class OccurrenceMoveForm(forms.Form):
    start = _datetime_field(_("New start"), _("Paris time."))
    end = _datetime_field(_("New end"), _("Paris time."))

    def clean(self):
        data = super().clean()
        errors = schedule_errors(
            start=data.get("start"), end=data.get("end"), repeat_every_weeks=0, repeat_until=None
        )
        for field, message in errors.items():
            if field not in self.errors:
                self.add_error(field, message)
        return data
