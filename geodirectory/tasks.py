"""Background work of the directory (django-tasks)."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django_tasks import task

from geodirectory.geocoding import GeocodingError, locate_place
from geodirectory.models import GeocodingPrecision, Place


@task()
def geocode_place(*, place_id: int) -> str:
    """Give a place without coordinates some; on failure, tell its editors why."""
    from geodirectory.services import place_set_location

    place = Place.objects.select_related("territory").filter(pk=place_id).first()
    if place is None or place.is_located:
        return "skipped"
    # The message is stored and shown to editors: the network's language.
    with translation.override(settings.LANGUAGE_CODE):
        try:
            point = locate_place(place)
        except GeocodingError as error:
            place_set_location(
                place_id=place_id,
                latitude=None,
                longitude=None,
                precision=GeocodingPrecision.NONE,
                error=str(error),
            )
            return "failed"
    place_set_location(
        place_id=place_id,
        latitude=point.latitude,
        longitude=point.longitude,
        precision=point.precision,
    )
    return point.precision
