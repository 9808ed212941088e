"""Reads of the territory tree: search by name or code, communes of a postcode.

Search runs on every keystroke of an autocomplete, so each step is an indexed lookup:
codes are equality lookups, names are prefix lookups on `search_name` (which the loader
fills with `core.territories.text.normalize`). Only when the prefix lookups leave room in
the result does a query scan names for a word starting with the query.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.db import connection
from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When

from core.territories.models import PostalCode, Territory, TerritoryKind
from core.territories.text import normalize

POSTCODE_OR_COMMUNE_CODE = re.compile(r"\d{5}|2[AB]\d{3}", re.IGNORECASE)
DEPARTEMENT_CODE = re.compile(r"\d{2}|2[AB]|97\d", re.IGNORECASE)
SIREN = re.compile(r"\d{9}")

# Broader territories first when everything else ties (e.g. département and commune Paris).
KIND_RANK = {
    TerritoryKind.REGION: 0,
    TerritoryKind.DEPARTEMENT: 1,
    TerritoryKind.EPCI: 2,
    TerritoryKind.COMMUNE: 3,
}

# Below this, a "contains a word starting with" scan matches too much to be worth it.
MIN_WORD_SEARCH_LENGTH = 3


def search_territories(
    query: str, *, kinds: Iterable[str] | None = None, limit: int = 10
) -> list[Territory]:
    """Territories matching what someone typed, best first.

    - a 5-character code ("46300", "46127", "2A004"): communes with that postcode or INSEE
      code, most populous first;
    - a département code ("46", "2A", "971");
    - a 9-digit SIREN: that EPCI;
    - otherwise a name: names starting with the query (the exact name first), then names
      with a word starting with it ("montbeliard" finds "CA Pays de Montbéliard
      Agglomération"), ties broken by population, largest first.

    `kinds` restricts the result to those kinds of territory.
    """
    query = query.strip()
    if limit <= 0 or not query:
        return []
    territories = Territory.objects.all()
    if kinds is not None:
        territories = territories.filter(kind__in=list(kinds))

    if POSTCODE_OR_COMMUNE_CODE.fullmatch(query):
        code = query.upper()
        # Two indexed lookups; an OR with a subquery makes PostgreSQL scan every commune.
        served = list(PostalCode.objects.filter(code=code).values_list("commune_id", flat=True))
        return list(
            _by_population(
                territories.filter(kind=TerritoryKind.COMMUNE).filter(
                    Q(code=code) | Q(pk__in=served)
                )
            )[:limit]
        )
    if DEPARTEMENT_CODE.fullmatch(query):
        return list(territories.filter(kind=TerritoryKind.DEPARTEMENT, code=query.upper())[:limit])
    if SIREN.fullmatch(query):
        return list(territories.filter(kind=TerritoryKind.EPCI, code=query)[:limit])
    return _search_by_name(territories, query, limit)


def commune_for_postcode(code: str) -> list[Territory]:
    """The communes a postcode serves (often one, sometimes a dozen), most populous first."""
    code = code.strip()
    if not code:
        return []
    return list(
        _by_population(
            Territory.objects.filter(kind=TerritoryKind.COMMUNE, postal_codes__code=code)
        )
    )


def _search_by_name(territories: QuerySet[Territory], query: str, limit: int) -> list[Territory]:
    key = normalize(query)
    if not key:
        return []
    # "st" may be a whole word ("St Etienne") or the start of one ("Strasbourg"): while the
    # abbreviation is the last thing typed, look for both.
    prefixes = {key, normalize(query, expand_abbreviations=False)}
    prefix_filter = Q()
    for prefix in prefixes:
        prefix_filter |= _prefix_q("search_name", prefix)
    exact = Case(
        When(search_name__in=prefixes, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    found = list(
        _by_population(territories.filter(prefix_filter).alias(exact=exact), first="exact")[:limit]
    )
    if len(found) < limit and len(key) >= MIN_WORD_SEARCH_LENGTH:
        # A word inside the name starts with the query. `search_name` has single spaces
        # between words, so " " + key marks a word start. This one scans the table (no
        # index helps a LIKE '%…'), which is ~35,000 short strings, a few milliseconds.
        word_filter = Q()
        for prefix in prefixes:
            word_filter |= Q(search_name__contains=f" {prefix}")
        found += _by_population(
            territories.filter(word_filter).exclude(pk__in=[t.pk for t in found])
        )[: limit - len(found)]
    return found


def _prefix_q(field: str, prefix: str) -> Q:
    """An index-friendly "field starts with prefix" for a normalized (lower-case) value.

    PostgreSQL uses the varchar_pattern_ops index Django adds to an indexed CharField for
    LIKE 'prefix%'. SQLite's LIKE is case-insensitive and cannot use a plain index, but a
    range can: under its binary collation, strings starting with `prefix` are exactly those
    in [prefix, prefix + U+10FFFF). (Not done on PostgreSQL, where a linguistic collation
    may order "saint e" and "sainte" differently.)
    """
    if connection.vendor == "sqlite":
        return Q(**{f"{field}__gte": prefix, f"{field}__lt": prefix + "\U0010ffff"})
    return Q(**{f"{field}__startswith": prefix})


def _by_population(territories: QuerySet[Territory], *, first: str = "") -> QuerySet[Territory]:
    kind_rank = Case(
        *(When(kind=kind, then=Value(rank)) for kind, rank in KIND_RANK.items()),
        output_field=IntegerField(),
    )
    ordering = [F("population").desc(nulls_last=True), "kind_rank", "name", "code"]
    if first:
        ordering.insert(0, first)
    return territories.alias(kind_rank=kind_rank).order_by(*ordering)
