"""Writes on places: create, edit (with the change recorded), locate."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from core.accounts.models import User
from core.http_cache import purge_on_commit
from core.permissions import can, is_coordinator, require, users_managed_by
from core.territories.models import PostalCode, Territory, TerritoryKind
from geodirectory.models import GeocodingPrecision, Place, PlaceRevision

# Fields whose change is not worth a line in the history.
UNTRACKED = {"id", "created_at", "updated_at", "slug"}


def tracked_fields() -> list[str]:
    return [
        f.name for f in Place._meta.concrete_fields if f.name not in UNTRACKED and not f.primary_key
    ]


def snapshot(place: Place) -> dict[str, str]:
    """The place's tracked values as strings (what the history compares)."""
    values = {}
    for name in tracked_fields():
        field = Place._meta.get_field(name)
        value = field.value_from_object(place)
        values[name] = "" if value is None else str(value)
    if place.pk:
        values["facilitators"] = ", ".join(sorted(str(u) for u in place.facilitators.all()))
    return values


def diff(before: dict[str, str], after: dict[str, str]) -> dict[str, list[str]]:
    return {
        name: [before.get(name, ""), value]
        for name, value in after.items()
        if before.get(name, "") != value
    }


def unique_slug(name: str, commune: str, *, exclude_pk: int | None = None) -> str:
    base = slugify(f"{name} {commune}")[:180].strip("-") or "lieu"
    slug, n = base, 2
    taken = Place.objects.exclude(pk=exclude_pk) if exclude_pk else Place.objects.all()
    while taken.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def resolve_commune(*, code_insee: str, code_postal: str, commune: str) -> Territory | None:
    """The commune in the territory tree: by INSEE code, else by postcode and name."""
    from core.territories.text import normalize

    communes = Territory.objects.filter(kind=TerritoryKind.COMMUNE)
    if code_insee:
        found = communes.filter(code=code_insee).first()
        if found:
            return found
    if code_postal:
        served = list(
            communes.filter(pk__in=PostalCode.objects.filter(code=code_postal).values("commune_id"))
        )
        if len(served) == 1:
            return served[0]
        wanted = normalize(commune)
        named = [c for c in served if c.search_name == wanted]
        if len(named) == 1:
            return named[0]
    return None


def record(place: Place, *, author: User | None, origin: str, changes: dict) -> None:
    if changes:
        PlaceRevision.objects.create(place=place, author=author, origin=origin, changes=changes)


def _moved(place: Place, stored: Place) -> bool:
    """Whether the edit changed the commune or postcode."""
    return (place.code_postal, place.commune) != (stored.code_postal, stored.commune)


def _check_territory(actor: User | None, place: Place, stored: Place | None) -> None:
    """A place goes only where the actor may put it (see the "put_place" rule)."""
    if stored is not None and place.territory_id == stored.territory_id:
        return  # edits that do not move the place stay its editors' business
    if is_coordinator(actor):
        return
    if place.territory is None:
        raise ValidationError(
            {
                "commune": _("No commune named %(commune)s has the postcode %(postcode)s.")
                % {"commune": place.commune, "postcode": place.code_postal}
            },
            code="unknown_commune",
        )
    if not can(actor, "put_place", place.territory):
        raise ValidationError(
            {
                "commune": _(
                    "Only the local administrators of %(commune)s and the network's "
                    "coordinator may put a place there: ask them."
                )
                % {"commune": place.territory}
            },
            code="territory",
        )


def _check_facilitators(actor: User | None, place: Place, facilitators: list[User]) -> None:
    """Administrators attach the facilitators whose accounts they manage (a place's
    facilitators run its workshops, counted in its territory's figures)."""
    if is_coordinator(actor):
        return
    current = set(place.facilitators.values_list("pk", flat=True)) if place.pk else set()
    added = {user.pk for user in facilitators} - current
    managed = set(users_managed_by(actor).filter(pk__in=added).values_list("pk", flat=True))
    refused = [user for user in facilitators if user.pk in added - managed]
    if refused:
        raise ValidationError(
            {
                "facilitators": _(
                    "You may only add facilitators whose accounts you manage, not %(names)s."
                )
                % {"names": ", ".join(str(user) for user in refused)}
            },
            code="facilitators",
        )


@transaction.atomic
def place_save(
    *,
    place: Place,
    actor: User | None,
    origin: str = PlaceRevision.Origin.EXTRANET,
    facilitators: list[User] | None = None,
    check_permission: bool = True,
) -> Place:
    """Validate and save a new or edited place, record what changed, locate it if needed.

    `place` carries the new values (a form or the import set them); the stored row is
    read again to compute the change. Unless `check_permission` is off (imports, the
    demo), the actor must be allowed to edit it, to put it in its territory (rule
    "put_place") and to attach its new facilitators.
    """
    creating = place.pk is None
    if check_permission:
        require(actor, "create_place" if creating else "edit", None if creating else place)
    stored = None if creating else Place.objects.select_related("territory").get(pk=place.pk)
    before = {} if creating else snapshot(stored)
    if origin in (PlaceRevision.Origin.EXTRANET, PlaceRevision.Origin.ADMIN):
        # The schema's date_maj is the date the data was last checked: now.
        place.date_maj = timezone.localdate()
    if not place.slug:
        place.slug = unique_slug(place.nom, place.commune, exclude_pk=place.pk)
    if stored is not None and origin != PlaceRevision.Origin.IMPORT and _moved(place, stored):
        # A new commune or postcode with the old INSEE code (the members' form does not
        # show it) would keep the place in its old commune: find the commune again. An
        # import's INSEE code is the source's data and stays.
        if place.code_insee == stored.code_insee:
            place.code_insee = ""
        # The old coordinates belong to the old commune: locate it again, unless they were
        # changed with it.
        if (place.latitude, place.longitude) == (stored.latitude, stored.longitude):
            place.latitude = place.longitude = None
            place.geocoding_precision = GeocodingPrecision.NONE
    place.territory = resolve_commune(
        code_insee=place.code_insee, code_postal=place.code_postal, commune=place.commune
    )
    if place.territory and not place.code_insee:
        place.code_insee = place.territory.code
    if check_permission:
        _check_territory(actor, place, stored)
        if facilitators is not None:
            _check_facilitators(actor, place, facilitators)
    if place.is_located and place.geocoding_precision == GeocodingPrecision.NONE:
        place.geocoding_precision = (
            GeocodingPrecision.MANUAL
            if origin != PlaceRevision.Origin.IMPORT
            else GeocodingPrecision.SOURCE
        )
    if not place.is_located:
        place.geocoding_precision = GeocodingPrecision.NONE
    place.full_clean(validate_constraints=False)
    place.save()
    if facilitators is not None:
        place.facilitators.set(facilitators)
    record(place, author=actor, origin=origin, changes=diff(before, snapshot(place)))
    if not place.is_located:
        schedule_geocoding(place)
    public_pages_changed(place)
    return place


def public_pages_changed(place: Place) -> None:
    """Purge, after commit, the pages a shared cache may keep that show this place (the
    directory's other pages, one per search, expire on their own)."""
    purge_on_commit(lambda: [place.get_absolute_url(), reverse("geodirectory:directory")])


def schedule_geocoding(place: Place) -> None:
    from geodirectory.tasks import geocode_place

    place_id = place.pk
    transaction.on_commit(lambda: geocode_place.enqueue(place_id=place_id))


@transaction.atomic
def place_set_location(
    *,
    place_id: int,
    latitude: float | None,
    longitude: float | None,
    precision: str,
    error: str = "",
) -> Place | None:
    """Store the result of geocoding (a failure stores the message, never (0, 0))."""
    place = Place.objects.select_for_update().filter(pk=place_id).first()
    if place is None or place.is_located:
        return place  # deleted, or located by hand meanwhile
    before = snapshot(place)
    if latitude is None or longitude is None or (latitude == 0 and longitude == 0):
        place.geocoding_error = error
        place.geocoding_precision = GeocodingPrecision.NONE
    else:
        place.latitude, place.longitude = latitude, longitude
        place.geocoding_precision = precision
        place.geocoding_error = ""
    place.save(
        update_fields=[
            "latitude",
            "longitude",
            "geocoding_precision",
            "geocoding_error",
            "updated_at",
        ]
    )
    record(
        place,
        author=None,
        origin=PlaceRevision.Origin.GEOCODING,
        changes=diff(before, snapshot(place)),
    )
    public_pages_changed(place)
    return place
