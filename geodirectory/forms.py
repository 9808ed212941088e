from __future__ import annotations

from datetime import datetime, time, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from geodirectory import vocabulary as voc
from geodirectory.models import Place
from geodirectory.selectors import Filters

WEEKDAYS = [
    ("0", _("Monday")),
    ("1", _("Tuesday")),
    ("2", _("Wednesday")),
    ("3", _("Thursday")),
    ("4", _("Friday")),
    ("5", _("Saturday")),
    ("6", _("Sunday")),
]


def _checkboxes(label, vocabulary):
    return forms.MultipleChoiceField(
        label=label, choices=vocabulary, required=False, widget=forms.CheckboxSelectMultiple
    )


class DirectorySearchForm(forms.Form):
    """The directory's search: where, and what. Everything lives in the query string."""

    q = forms.CharField(
        label=_("Commune, postcode or address"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "address-level2", "type": "search"}),
    )
    lat = forms.FloatField(required=False, min_value=-90, max_value=90, widget=forms.HiddenInput)
    lon = forms.FloatField(required=False, min_value=-180, max_value=180, widget=forms.HiddenInput)
    services = _checkboxes(_("Services"), voc.SERVICES)
    publics = _checkboxes(_("Publics"), voc.PUBLICS)
    support = _checkboxes(_("Specific support"), voc.SPECIFIC_SUPPORT)
    fees = _checkboxes(_("Fees"), voc.FEES)
    access = _checkboxes(_("How to get help"), voc.ACCESS_MODES)
    modes = _checkboxes(_("Kinds of support"), voc.SUPPORT_MODES)
    typologies = _checkboxes(_("Kind of place"), voc.TYPOLOGIES)
    open = forms.ChoiceField(
        label=_("Opening"),
        required=False,
        choices=[("", _("Any time")), ("now", _("Open now")), ("at", _("Open on…"))],
        widget=forms.RadioSelect,
    )
    day = forms.ChoiceField(label=_("Day"), required=False, choices=[("", "—"), *WEEKDAYS])
    at = forms.TimeField(
        label=_("Time"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )

    FILTER_FIELDS = ("services", "publics", "support", "fees", "access", "modes", "typologies")

    def clean(self):
        cleaned = super().clean()
        if (cleaned.get("lat") is None) != (cleaned.get("lon") is None):
            raise forms.ValidationError(_("Your position is incomplete: try “around me” again."))
        if cleaned.get("open") == "at" and (
            cleaned.get("day") in (None, "") or not cleaned.get("at")
        ):
            self.add_error("day", _("Choose a day and a time."))
        return cleaned

    def open_at(self, now: datetime | None = None) -> datetime | None:
        """The instant "open" asks about: now, or the next such weekday and time."""
        choice = self.cleaned_data.get("open")
        now = timezone.localtime(now)
        if choice == "now":
            return now
        if choice == "at":
            day = int(self.cleaned_data["day"])
            wanted: time = self.cleaned_data["at"]
            days_ahead = (day - now.weekday()) % 7
            candidate = (now + timedelta(days=days_ahead)).replace(
                hour=wanted.hour, minute=wanted.minute, second=0, microsecond=0
            )
            if candidate < now:
                candidate += timedelta(days=7)
            return candidate
        return None

    def filters(self, now: datetime | None = None) -> Filters:
        data = self.cleaned_data
        return Filters(
            **{name: list(data.get(name) or []) for name in self.FILTER_FIELDS},
            open_at=self.open_at(now),
        )

    def active_filter_count(self) -> int:
        if not hasattr(self, "cleaned_data"):
            return 0
        count = sum(len(self.cleaned_data.get(n) or []) for n in self.FILTER_FIELDS)
        return count + (1 if self.cleaned_data.get("open") else 0)


class PlaceForm(forms.ModelForm):
    """What facilitators and administrators edit, schema fields and the network's own."""

    MULTI = {
        "services": voc.SERVICES,
        "publics_specifiquement_adresses": voc.PUBLICS,
        "prise_en_charge_specifique": voc.SPECIFIC_SUPPORT,
        "frais_a_charge": voc.FEES,
        "dispositif_programmes_nationaux": voc.NATIONAL_PROGRAMMES,
        "formations_labels": voc.TRAININGS_LABELS,
        "modalites_acces": voc.ACCESS_MODES,
        "modalites_accompagnement": voc.SUPPORT_MODES,
        "itinerance": voc.MOBILITY,
        "typologie": voc.TYPOLOGIES,
    }

    class Meta:
        model = Place
        fields = [
            "nom",
            "typologie",
            "itinerance",
            "adresse",
            "complement_adresse",
            "code_postal",
            "commune",
            "latitude",
            "longitude",
            "telephone",
            "courriels",
            "site_web",
            "prise_rdv",
            "fiche_acces_libre",
            "horaires",
            "presentation_resume",
            "presentation_detail",
            "services",
            "publics_specifiquement_adresses",
            "prise_en_charge_specifique",
            "frais_a_charge",
            "membership_fee",
            "workshop_fee",
            "pricing_notes",
            "modalites_acces",
            "modalites_accompagnement",
            "dispositif_programmes_nationaux",
            "formations_labels",
            "autres_formations_labels",
            "computers",
            "kiosks",
            "training_seats",
            "equipment_notes",
            "pivot",
            "structure_parente",
            "source",
            "is_published",
        ]
        widgets = {
            "presentation_resume": forms.Textarea(attrs={"rows": 3, "maxlength": 280}),
            "presentation_detail": forms.Textarea(attrs={"rows": 6}),
            "pricing_notes": forms.Textarea(attrs={"rows": 3}),
            "equipment_notes": forms.Textarea(attrs={"rows": 3}),
            "autres_formations_labels": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "courriels": _("Several addresses: separate them with |"),
            "site_web": _("Several addresses: separate them with |"),
            "latitude": _("Leave empty: the place will be located from its address."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, vocabulary in self.MULTI.items():
            model_field = self.fields[name]
            known = {value for value, _label in vocabulary}
            # Values from an import that the form does not list stay choosable.
            extra = [(v, v) for v in voc.split(getattr(self.instance, name, "")) if v not in known]
            self.fields[name] = forms.MultipleChoiceField(
                label=model_field.label,
                choices=[*vocabulary, *extra],
                required=False,
                widget=forms.CheckboxSelectMultiple,
                help_text=model_field.help_text,
                initial=voc.split(getattr(self.instance, name, "")),
            )
            if self.instance.pk:
                self.initial[name] = voc.split(getattr(self.instance, name))

    def clean(self):
        cleaned = super().clean()
        for name in self.MULTI:
            if name in cleaned:
                cleaned[name] = voc.join(cleaned[name])
                setattr(self.instance, name, cleaned[name])
        return cleaned
