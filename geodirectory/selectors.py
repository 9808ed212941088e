"""Reads of the directory: nearest places, filtered lists, places in a map box."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.core.cache import cache
from django.db.models import Q, QuerySet

from geodirectory.geo import Box, box_around, haversine_m
from geodirectory.models import LAT_BANDS_PER_DEGREE, Place

# Nearest-place search starts with a box this wide and grows it until it holds enough.
START_RADIUS_M = 1_000
GROWTH_WHEN_EMPTY = 4
GROWTH_WHEN_STUCK = 8
# Margin over the radius the density seen so far suggests (fewer rounds, small boxes).
GROWTH_MARGIN = 1.3
# Past this radius a box no longer saves anything: read every place.
WHOLE_MAP_RADIUS_M = 2_000_000
# Metropolitan France and its overseas départements, in m²: with the number of places, the
# mean density, from which the first box is sized to hold about `limit` places (one round
# trip most of the time instead of three, see bench/nearest.py).
FRANCE_AREA_M2 = 632_700e6
# Places cluster where people live, so the density around a search is mostly above the
# mean: a box of 0.4 × the mean radius holds `limit` places at once in about half the
# searches, and does not read many more rows than needed in towns.
START_RADIUS_SHARE = 0.4
COUNT_CACHE_SECONDS = 600


def _start_radius(limit: int) -> float:
    """A first radius from the directory's mean density (the place count, cached)."""
    count = cache.get("geodirectory:located-count")
    if count is None:
        count = Place.objects.published().located().count()
        cache.set("geodirectory:located-count", count, COUNT_CACHE_SECONDS)
    if not count:
        return START_RADIUS_M
    mean = math.sqrt(limit * FRANCE_AREA_M2 / (math.pi * count))
    return max(START_RADIUS_M, START_RADIUS_SHARE * mean)


@dataclass
class Hit:
    place_id: int
    distance_m: float


def _box_q(box: Box) -> Q:
    bands = range(
        math.floor(box.south * LAT_BANDS_PER_DEGREE),
        math.floor(box.north * LAT_BANDS_PER_DEGREE) + 1,
    )
    lat = Q(lat_band__in=list(bands), latitude__gte=box.south, latitude__lte=box.north)
    if box.crosses_antimeridian:
        return lat & (Q(longitude__gte=box.west) | Q(longitude__lte=box.east))
    return lat & Q(longitude__gte=box.west, longitude__lte=box.east)


def nearest(
    latitude: float,
    longitude: float,
    *,
    limit: int,
    queryset: QuerySet[Place] | None = None,
    keep: Callable[[dict], bool] | None = None,
    keep_fields: Iterable[str] = (),
) -> list[Hit]:
    """The `limit` places nearest to a point, nearest first, exactly.

    Scans a box around the point (index on latitude, longitude) and grows it until the
    circle inscribed in it holds `limit` places: any place outside that circle is farther
    than all of them. `keep` filters rows in Python (e.g. "open now"), given a dict with
    `keep_fields`. When the box would cover a pole or every longitude, everything is read.
    """
    if limit <= 0:
        return []
    base = (queryset if queryset is not None else Place.objects.published()).located()
    fields = ["pk", "latitude", "longitude", *keep_fields]
    radius = _start_radius(limit)
    previous = -1
    while True:
        box = box_around(latitude, longitude, radius) if radius < WHOLE_MAP_RADIUS_M else None
        rows = base.filter(_box_q(box)) if box else base
        hits = []
        for row in rows.values(*fields):
            d = haversine_m(latitude, longitude, row["latitude"], row["longitude"])
            if (box is None or d <= radius) and (keep is None or keep(row)):
                hits.append(Hit(row["pk"], d))
        if len(hits) >= limit or box is None:
            hits.sort(key=lambda h: (h.distance_m, h.place_id))
            return hits[:limit]
        # Places per area seen so far → the radius that should hold `limit` of them; when
        # growing found nobody new, the places are few and far: widen much faster.
        if len(hits) == previous:
            radius *= GROWTH_WHEN_STUCK
        elif hits:
            radius *= max(2.0, GROWTH_MARGIN * math.sqrt(limit / len(hits)))
        else:
            radius *= GROWTH_WHEN_EMPTY
        previous = len(hits)


def in_box(box: Box, *, queryset: QuerySet[Place] | None = None, limit: int = 2000):
    base = (queryset if queryset is not None else Place.objects.published()).located()
    return base.filter(_box_q(box)).order_by("pk")[:limit]


@dataclass
class Filters:
    """What the directory's search form asks; each list is "any of" these values."""

    services: list[str] = field(default_factory=list)
    publics: list[str] = field(default_factory=list)
    support: list[str] = field(default_factory=list)
    fees: list[str] = field(default_factory=list)
    access: list[str] = field(default_factory=list)
    modes: list[str] = field(default_factory=list)
    typologies: list[str] = field(default_factory=list)
    open_at: datetime | None = None

    FIELDS = {
        "services": "services",
        "publics": "publics_specifiquement_adresses",
        "support": "prise_en_charge_specifique",
        "fees": "frais_a_charge",
        "access": "modalites_acces",
        "modes": "modalites_accompagnement",
        "typologies": "typologie",
    }

    def q(self) -> Q:
        """The SQL part: every list narrows (AND between fields, OR within a field)."""
        query = Q()
        for attr, column in self.FIELDS.items():
            values = getattr(self, attr)
            if values:
                any_of = Q()
                for value in values:
                    any_of |= multi_value_q(column, value)
                query &= any_of
        return query

    def keep(self) -> Callable[[dict], bool] | None:
        """The Python part: opening hours, evaluated with the opening_hours library."""
        if self.open_at is None:
            return None
        from geodirectory.hours import HoursError, is_open

        at = self.open_at

        def open_then(row: dict) -> bool:
            try:
                return bool(row["horaires"]) and is_open(row["horaires"], at) is True
            except HoursError:
                return False  # unreadable hours: not known to be open

        return open_then


def multi_value_q(column: str, value: str) -> Q:
    """Rows whose "a|b|c" column holds exactly `value` among its values."""
    return (
        Q(**{column: value})
        | Q(**{f"{column}__startswith": f"{value}|"})
        | Q(**{f"{column}__endswith": f"|{value}"})
        | Q(**{f"{column}__contains": f"|{value}|"})
    )


def search(
    *,
    filters: Filters,
    around: tuple[float, float] | None,
    limit: int,
    queryset: QuerySet[Place] | None = None,
) -> tuple[list[Place], dict[int, float]]:
    """Places matching the filters: nearest first around a point, else by name.

    Returns the places (at most `limit`) and their distances in metres by id.
    """
    base = (queryset if queryset is not None else Place.objects.published()).filter(filters.q())
    keep = filters.keep()
    if around is not None:
        hits = nearest(
            around[0],
            around[1],
            limit=limit,
            queryset=base,
            keep=keep,
            keep_fields=("horaires",) if keep else (),
        )
        by_id = base.select_related("territory").in_bulk([h.place_id for h in hits])
        return [by_id[h.place_id] for h in hits], {h.place_id: h.distance_m for h in hits}
    rows = base.select_related("territory").order_by("nom", "pk")
    if keep is None:
        return list(rows[:limit]), {}
    kept = []
    for place in rows.iterator(chunk_size=500):
        if keep({"horaires": place.horaires}):
            kept.append(place)
            if len(kept) >= limit:
                break
    return kept, {}


def places_by_departement() -> list[dict]:
    """Published places counted per département, placed at the département's centre: what a
    map of the whole country shows instead of every single place."""
    from django.db.models import Count

    from core.territories.models import Territory, TerritoryKind

    counts = (
        Place.objects.published()
        .filter(territory__isnull=False)
        .values("territory__departement_code")
        .annotate(n=Count("pk"))
    )
    by_code = {row["territory__departement_code"]: row["n"] for row in counts}
    departements = Territory.objects.filter(
        kind=TerritoryKind.DEPARTEMENT, code__in=list(by_code), latitude__isnull=False
    ).only("code", "name", "latitude", "longitude")
    return sorted(
        (
            {
                "code": d.code,
                "name": d.name,
                "lat": d.latitude,
                "lon": d.longitude,
                "count": by_code[d.code],
            }
            for d in departements
        ),
        key=lambda row: -row["count"],
    )
