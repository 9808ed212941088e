"""Turning an address, a commune or a postcode into coordinates.

By default (GEOCODER=gazetteer) everything is offline: the territory tree knows every
commune's coordinates and postcodes, so a place or a search lands on its commune. With
GEOCODER=ban, geopy's BANFrance geocodes full addresses through the national address API
(https://adresse.data.gouv.fr), and the gazetteer remains the fallback.

The national API is a network call that may take seconds: it never runs on a thread that
serves requests or sockets. Places are located in a background task (`tasks.geocode_place`);
searches await `alocate`, which calls the API in a pool of its own, at most
BAN_CONCURRENCY at a time (past that the gazetteer answers at once rather than queueing),
and keeps each answer BAN_CACHE_SECONDS. Synchronous code calls `locate`, which never waits
on the network.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _

from core.territories.models import Territory, TerritoryKind
from core.territories.selectors import search_territories

logger = logging.getLogger(__name__)

POSTCODE_IN_TEXT = re.compile(r"\b(\d{5})\b")
BAN_TIMEOUT_S = 5
# Lookups of the national API under way at once, from searches (one process).
BAN_CONCURRENCY = 4
# How long an answer of the national API (or its "not found") is kept.
BAN_CACHE_SECONDS = 24 * 3600

_ban_pool = ThreadPoolExecutor(max_workers=BAN_CONCURRENCY, thread_name_prefix="geocoder")
_ban_slots = threading.BoundedSemaphore(BAN_CONCURRENCY)
_NOT_CACHED = object()


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


def _ban_cache_key(query: str) -> str:
    normal = " ".join(query.casefold().split())
    return "geocoder:ban:" + hashlib.sha256(normal.encode()).hexdigest()


def _ban_in_slot(query: str) -> Located | None:
    # Runs in the geocoder pool; the slot is given back when the call ends, even if the
    # request that asked has gone meanwhile.
    try:
        return ban(query)
    finally:
        _ban_slots.release()


async def aban(query: str) -> Located | None:
    """The national API for async code: a remembered answer, or a call in the geocoder's
    own pool that holds no request or socket thread. GeocodingError when it fails or when
    every slot is taken (the caller falls back to the gazetteer at once)."""
    key = _ban_cache_key(query)
    known = await cache.aget(key, _NOT_CACHED)
    if known is not _NOT_CACHED:
        return known
    if not _ban_slots.acquire(blocking=False):
        raise GeocodingError(_("The national address service is busy."))
    try:
        future = _ban_pool.submit(_ban_in_slot, query)
    except BaseException:
        _ban_slots.release()
        raise
    # Cancelled before it started (the request went away): the call never gives it back.
    future.add_done_callback(lambda done: done.cancelled() and _ban_slots.release())
    found = await asyncio.wrap_future(future)
    await cache.aset(key, found, BAN_CACHE_SECONDS)
    return found


async def alocate(query: str) -> Located | None:
    """Where a search box's text points to, with the configured geocoder, for async views."""
    query = query.strip()
    if not query:
        return None
    if settings.GEOCODER == "ban":
        try:
            found = await aban(query)
        except GeocodingError:
            found = None
        if found:
            return found
    return await sync_to_async(gazetteer)(query)


def search_to_locate(params, form_class: type) -> str:
    """The text of a search form's `q` that its page will locate, if the form would accept
    it: what an async view hands to `alocate` before building the page."""
    if params.get("lat"):
        return ""  # "around me": the browser gave its position
    query = params.get("q", "").strip()
    return query if len(query) <= form_class.base_fields["q"].max_length else ""


def locate(query: str) -> Located | None:
    """The same for synchronous code, which must not wait on the network: an answer of the
    national API already known, else the gazetteer."""
    if settings.GEOCODER == "ban":
        known = cache.get(_ban_cache_key(query.strip()))
        if known:
            return known
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
