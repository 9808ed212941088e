"""The public territory search endpoint, for autocompletes and the map's "go to" box."""

from __future__ import annotations

from django.db.models import Prefetch, prefetch_related_objects
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core.territories.forms import territory_choice_label
from core.territories.models import PostalCode, Territory, TerritoryKind
from core.territories.selectors import search_territories

MIN_QUERY_LENGTH = 2
RESULT_LIMIT = 10


@require_GET
def search(request: HttpRequest) -> JsonResponse:
    """`?q=<name or code>[&kind=commune&kind=epci]` → `{"results": [...]}`.

    Public data (the official administrative division), so no sign-in is needed. Each
    result's `label` is what `TerritoryChoiceField` accepts, so a script can feed the
    results straight into a form's <datalist>.
    """
    kinds = request.GET.getlist("kind")
    unknown = sorted(set(kinds) - set(TerritoryKind.values))
    if unknown:
        return JsonResponse(
            {
                "error": _("Unknown territory kind: %(kinds)s. Use one of: %(allowed)s.")
                % {"kinds": ", ".join(unknown), "allowed": ", ".join(TerritoryKind.values)}
            },
            status=400,
        )
    query = request.GET.get("q", "").strip()
    if len(query) < MIN_QUERY_LENGTH:
        return JsonResponse({"results": []})
    territories = search_territories(query, kinds=kinds or None, limit=RESULT_LIMIT)
    prefetch_related_objects(
        territories, Prefetch("postal_codes", queryset=PostalCode.objects.order_by("code"))
    )
    return JsonResponse({"results": [_as_json(t) for t in territories]})


def _as_json(territory: Territory) -> dict:
    return {
        "id": territory.pk,
        "kind": territory.kind,
        "code": territory.code,
        "name": territory.name,
        "label": territory_choice_label(territory),
        "departement_code": territory.departement_code,
        "postcodes": [postal_code.code for postal_code in territory.postal_codes.all()],
        "latitude": territory.latitude,
        "longitude": territory.longitude,
    }
