"""Places (lieux de médiation numérique): field for field the national schema v1.0.2, plus
what the network needs beyond it (photos, equipment, pricing, facilitators, history).

Multi-valued schema fields are stored as the schema writes them, values joined by "|";
`vocabulary.split()` reads them. Field names in French are the schema's own, so import and
export map one to one.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import (
    MaxLengthValidator,
    RegexValidator,
    URLValidator,
    validate_email,
)
from django.db import models
from django.db.models import F
from django.db.models.functions import Cast, Floor
from django.urls import reverse
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _
from wagtail.search import index
from wagtail.search.queryset import SearchableQuerySetMixin

from geodirectory import vocabulary as voc

LAT_BANDS_PER_DEGREE = 10

PIVOT = RegexValidator(
    r"^[a-zA-Z0-9]{9,14}$", _("A SIRET, SIREN or RNA number: 9 to 14 letters or digits.")
)
POSTCODE = RegexValidator(r"^\d{5}$", _("A postcode has 5 digits."))
INSEE = RegexValidator(
    r"^([013-9]\d|2[AB1-9])\d{3}$", _("An INSEE commune code has 5 characters, e.g. 25388.")
)
PHONE = RegexValidator(
    r"^(\+33|\+590|\+594|\+262|\+596|\+269|\+687|\+689|\+508|\+681)(\d){6,9}$",
    _("Write the number in international form without spaces, e.g. +33381990000."),
)


@deconstructible
class MultiValueValidator:
    """Every "|"-separated value belongs to the schema's vocabulary for `field_name`."""

    def __init__(self, field_name: str):
        self.field_name = field_name

    def __call__(self, value: str) -> None:
        allowed = {v for v, _label in voc.CLOSED_FIELDS[self.field_name]}
        unknown = [v for v in voc.split(value) if v not in allowed]
        if unknown:
            raise ValidationError(
                _("Unknown value(s): %(values)s."),
                params={"values": ", ".join(unknown)},
                code="unknown_value",
            )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, MultiValueValidator) and other.field_name == self.field_name


TYPOLOGY_CODE = re.compile(voc.TYPOLOGY_CODE_PATTERN)


def validate_typologie(value: str) -> None:
    bad = [v for v in voc.split(value) if not TYPOLOGY_CODE.match(v)]
    if bad:
        raise ValidationError(
            _("Typology codes are upper-case letters, digits and underscores: %(values)s."),
            params={"values": ", ".join(bad)},
        )


def validate_emails(value: str) -> None:
    """Each "|"-separated address is an e-mail address; accented local parts
    (chambéry@…, allowed by SMTPUTF8 and found in real data) are accepted."""
    for address in voc.split(value):
        local, at, domain = address.rpartition("@")
        ascii_local = "".join(c if c.isascii() else "x" for c in local)
        validate_email(f"{ascii_local}{at}{domain}")


def validate_urls(value: str) -> None:
    check = URLValidator(schemes=["http", "https"])
    for url in voc.split(value):
        check(url)


def validate_hours(value: str) -> None:
    if value:
        from geodirectory.hours import validate

        error = validate(value)
        if error:
            raise ValidationError(error)


class HttpsURLField(models.URLField):
    """A URL whose form field takes "example.org" for https://example.org."""

    def formfield(self, **kwargs):
        return super().formfield(**{"assume_scheme": "https", **kwargs})


class GeocodingPrecision(models.TextChoices):
    SOURCE = "source", _("From the source data")
    MANUAL = "manual", _("Placed by hand")
    ADDRESS = "address", _("Address")
    COMMUNE = "commune", _("Commune (approximate)")
    NONE = "none", _("Not located")


class PlaceQuerySet(SearchableQuerySetMixin, models.QuerySet):
    def published(self) -> PlaceQuerySet:
        return self.filter(is_published=True)

    def located(self) -> PlaceQuerySet:
        return self.filter(latitude__isnull=False, longitude__isnull=False)


class Place(index.Indexed, models.Model):
    # --- The national schema, v1.0.2 ---------------------------------------------------------
    id_schema = models.CharField(
        _("identifier"),
        max_length=100,
        unique=True,
        db_column="schema_id",
        help_text=_("The schema's unique local identifier (id)."),
    )
    pivot = models.CharField(_("SIRET / RNA"), max_length=14, validators=[PIVOT])
    nom = models.CharField(_("name"), max_length=250)
    commune = models.CharField(_("commune"), max_length=150)
    code_postal = models.CharField(_("postcode"), max_length=5, validators=[POSTCODE])
    code_insee = models.CharField(_("INSEE code"), max_length=5, blank=True, validators=[INSEE])
    adresse = models.CharField(_("address"), max_length=250)
    complement_adresse = models.CharField(_("address complement"), max_length=250, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    # Tenth-of-a-degree latitude band (about 11 km): nearest-place search reads a few bands,
    # each through the (band, longitude) index, so it never walks a whole latitude strip.
    lat_band = models.GeneratedField(
        expression=Cast(Floor(F("latitude") * LAT_BANDS_PER_DEGREE), models.IntegerField()),
        output_field=models.IntegerField(null=True),
        db_persist=True,
    )
    typologie = models.CharField(
        _("typology"), max_length=250, blank=True, validators=[validate_typologie]
    )
    telephone = models.CharField(_("phone"), max_length=16, blank=True, validators=[PHONE])
    courriels = models.CharField(
        _("e-mail addresses"), max_length=500, blank=True, validators=[validate_emails]
    )
    site_web = models.CharField(
        _("websites"), max_length=1000, blank=True, validators=[validate_urls]
    )
    horaires = models.CharField(
        _("opening hours"),
        max_length=500,
        blank=True,
        validators=[validate_hours],
        help_text=_("OpenStreetMap syntax, e.g. Mo-Fr 09:00-12:00,14:00-18:00; Sa 09:00-12:00"),
    )
    presentation_resume = models.TextField(
        _("short presentation"), blank=True, validators=[MaxLengthValidator(280)]
    )
    presentation_detail = models.TextField(_("detailed presentation"), blank=True)
    source = models.CharField(_("source"), max_length=250, blank=True)
    itinerance = models.CharField(
        _("mobility"), max_length=50, blank=True, validators=[MultiValueValidator("itinerance")]
    )
    structure_parente = models.CharField(_("parent organisation"), max_length=250, blank=True)
    date_maj = models.DateField(_("last updated"))
    services = models.TextField(
        _("services"), blank=True, validators=[MultiValueValidator("services")]
    )
    publics_specifiquement_adresses = models.TextField(
        _("publics specifically served"),
        blank=True,
        validators=[MultiValueValidator("publics_specifiquement_adresses")],
    )
    prise_en_charge_specifique = models.TextField(
        _("specific support"),
        blank=True,
        validators=[MultiValueValidator("prise_en_charge_specifique")],
    )
    frais_a_charge = models.CharField(
        _("fees"), max_length=100, blank=True, validators=[MultiValueValidator("frais_a_charge")]
    )
    dispositif_programmes_nationaux = models.TextField(
        _("national programmes"),
        blank=True,
        validators=[MultiValueValidator("dispositif_programmes_nationaux")],
    )
    formations_labels = models.TextField(
        _("trainings and labels"), blank=True, validators=[MultiValueValidator("formations_labels")]
    )
    autres_formations_labels = models.TextField(_("other trainings and labels"), blank=True)
    modalites_acces = models.TextField(
        _("how to get help"), blank=True, validators=[MultiValueValidator("modalites_acces")]
    )
    modalites_accompagnement = models.TextField(
        _("kinds of support"),
        blank=True,
        validators=[MultiValueValidator("modalites_accompagnement")],
    )
    fiche_acces_libre = HttpsURLField(_("acceslibre page"), max_length=500, blank=True)
    prise_rdv = HttpsURLField(_("appointment booking link"), max_length=500, blank=True)

    # --- What the network adds -------------------------------------------------------------------
    slug = models.SlugField(_("address on the site"), max_length=200, unique=True)
    territory = models.ForeignKey(
        "territories.Territory",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="places",
        verbose_name=_("commune"),
    )
    geocoding_precision = models.CharField(
        _("location precision"),
        max_length=16,
        choices=GeocodingPrecision.choices,
        default=GeocodingPrecision.NONE,
    )
    geocoding_error = models.CharField(_("locating problem"), max_length=300, blank=True)
    computers = models.PositiveSmallIntegerField(
        _("computers for the public"), null=True, blank=True
    )
    kiosks = models.PositiveSmallIntegerField(_("e-administration kiosks"), null=True, blank=True)
    training_seats = models.PositiveSmallIntegerField(
        _("seats in the training room"), null=True, blank=True
    )
    equipment_notes = models.TextField(
        _("other equipment"),
        blank=True,
        help_text=_("Printer, scanner, tablets, 3D printer, accessible keyboards…"),
    )
    membership_fee = models.DecimalField(
        _("yearly membership (€)"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    workshop_fee = models.DecimalField(
        _("fee per workshop (€)"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    pricing_notes = models.TextField(_("pricing details"), blank=True)
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="places",
        verbose_name=_("facilitators who manage it"),
    )
    is_published = models.BooleanField(_("published in the directory"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PlaceQuerySet.as_manager()

    # The public search (/recherche/) finds places with pages, news and dossiers.
    search_fields = [
        index.SearchField("nom", boost=3),
        index.AutocompleteField("nom"),
        index.SearchField("commune", boost=2),
        index.SearchField("presentation_resume"),
        index.SearchField("presentation_detail"),
        index.SearchField("services"),
        index.SearchField("adresse"),
        index.FilterField("is_published"),
    ]

    # Places refer to no page, image or document: Wagtail's usage index has nothing to
    # learn from them (and would run a task at every save).
    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("place")
        verbose_name_plural = _("places")
        ordering = ["nom"]
        indexes = [
            models.Index(fields=["lat_band", "longitude"], name="place_band_lon"),
            models.Index(fields=["is_published", "nom"], name="place_published_name"),
        ]
        constraints = [
            # Never (0, 0): a failed geocoding stores nothing.
            models.CheckConstraint(
                condition=~models.Q(latitude=0, longitude=0), name="place_not_null_island"
            ),
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True, longitude__isnull=True)
                | models.Q(
                    latitude__gte=-90, latitude__lte=90, longitude__gte=-180, longitude__lte=180
                ),
                name="place_coordinates_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.nom} ({self.commune})"

    def get_absolute_url(self) -> str:
        return reverse("geodirectory:place", kwargs={"slug": self.slug})

    def clean(self) -> None:
        # The same rules as the check constraints, with messages; services validate with
        # `full_clean(validate_constraints=False)` rather than one query per constraint.
        errors = {}
        if (self.latitude is None) != (self.longitude is None):
            errors["longitude"] = _("Give both latitude and longitude, or neither.")
        elif self.latitude is not None:
            if not (-90 <= self.latitude <= 90 and -180 <= self.longitude <= 180):
                errors["latitude"] = _("Latitude must be within ±90 and longitude within ±180.")
            elif self.latitude == 0 and self.longitude == 0:
                errors["latitude"] = _("(0, 0) is not a place in France.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_located(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    def values(self, field: str) -> list[str]:
        return voc.split(getattr(self, field))

    def distance_to(self, latitude: float, longitude: float) -> float:
        from geodirectory.geo import haversine_m

        return haversine_m(latitude, longitude, self.latitude, self.longitude)


class PlacePhoto(models.Model):
    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("photo"), upload_to="places/%Y/")
    alt_text = models.CharField(
        _("description for screen readers"),
        max_length=250,
        help_text=_("What the photo shows, in a sentence."),
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("photo")
        verbose_name_plural = _("photos")

    def __str__(self) -> str:
        return self.alt_text


class PlaceRevision(models.Model):
    """One recorded change of a place: who, when, how, and each field's old and new value."""

    class Origin(models.TextChoices):
        EXTRANET = "extranet", _("Members' area")
        ADMIN = "admin", _("Administration")
        IMPORT = "import", _("Import")
        GEOCODING = "geocoding", _("Automatic locating")

    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="revisions")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    origin = models.CharField(max_length=16, choices=Origin.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    # {field name: [old value, new value]} as strings.
    changes = models.JSONField(default=dict)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("change")
        verbose_name_plural = _("changes")

    def __str__(self) -> str:
        return f"{self.place} — {self.created_at:%Y-%m-%d %H:%M}"
