"""Turning an address, a commune or a postcode into coordinates.

By default (GEOCODER=gazetteer) everything is offline: the territory tree knows every
commune's coordinates and postcodes, so a place or a search lands on its commune. With
GEOCODER=ban, geopy's BANFrance geocodes full addresses through the national address API
(https://adresse.data.gouv.fr), and the gazetteer remains the fallback.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from core.territories.models import Territory, TerritoryKind
from core.territories.selectors import search_territories

logger = logging.getLogger(__name__)

POSTCODE_IN_TEXT = re.compile(r"\b(\d{5})\b")
BAN_TIMEOUT_S = 5


@dataclass(frozen=True)
class Located:
    latitude: float
    longitude: float
    label: str
    precision: str  # "address" or "commune"


class GeocodingError(Exception):
    """Why a place or a query could not be located (a translated sentence)."""


def _commune_point(territory: Territory) -> Located | None:
    if territory.latitude is None or territory.longitude is None:
        return None
    return Located(territory.latitude, territory.longitude, str(territory), "commune")


def gazetteer(query: str) -> Located | None:
    """Offline: a commune name, a postcode, an INSEE code, or an address ending with them."""
    query = query.strip()
    if not query:
        return None
    candidates = search_territories(query, kinds=[TerritoryKind.COMMUNE], limit=1)
    if not candidates:
        # An address: look for its postcode, then for the commune name after it.
        match = POSTCODE_IN_TEXT.search(query)
        if match:
            after = query[match.end() :].strip(" ,")
            found = search_territories(match.group(1), kinds=[TerritoryKind.COMMUNE], limit=10)
            if after:
                from core.territories.text import normalize

                named = [c for c in found if c.search_name == normalize(after)]
                found = named or found
            candidates = found[:1]
        else:
            # "place de la mairie, Gourdon": try the last comma-separated part.
            tail = query.rsplit(",", 1)[-1].strip()
            if tail and tail != query:
                candidates = search_territories(tail, kinds=[TerritoryKind.COMMUNE], limit=1)
    if not candidates:
        # A département or an intercommunality, by name or code ("Lot", "46"): its centre.
        candidates = search_territories(query, limit=1)
    for territory in candidates:
        point = _commune_point(territory)
        if point:
            return point
    return None


def ban(query: str) -> Located | None:
    """The national address API through geopy (network access)."""
    from geopy.exc import GeopyError
    from geopy.geocoders import BANFrance

    try:
        location = BANFrance(timeout=BAN_TIMEOUT_S).geocode(query)
    except GeopyError as error:
        logger.warning("BAN geocoding failed for %r: %s", query, error)
        raise GeocodingError(_("The national address service did not answer.")) from error
    if location is None:
        return None
    kind = (location.raw or {}).get("properties", {}).get("type")
    precision = "address" if kind in {"housenumber", "street", "locality"} else "commune"
    return Located(location.latitude, location.longitude, location.address, precision)


def locate(query: str) -> Located | None:
    """Where a search box's text points to, with the configured geocoder."""
    if settings.GEOCODER == "ban":
        try:
            found = ban(query)
        except GeocodingError:
            found = None
        if found:
            return found
    return gazetteer(query)


def locate_place(place) -> Located:
    """Coordinates for a place without any, or GeocodingError saying why not."""
    if settings.GEOCODER == "ban":
        address = " ".join(filter(None, [place.adresse, place.code_postal, place.commune]))
        try:
            found = ban(address)
        except GeocodingError:
            found = None  # the service is down: the commune will do for now
        if found and found.precision == "address":
            return found
    commune = place.territory
    if commune is None:
        raise GeocodingError(
            _("The commune “%(commune)s” (%(postcode)s) is not in the list of French communes.")
            % {"commune": place.commune, "postcode": place.code_postal}
        )
    point = _commune_point(commune)
    if point is None:
        raise GeocodingError(
            _("No coordinates are known for the commune %(commune)s: place it by hand.")
            % {"commune": commune}
        )
    return point
