"""The public directory: search, place pages, open-data exports and the map's API."""

from __future__ import annotations

import json
from dataclasses import dataclass

from asgiref.sync import sync_to_async
from django.conf import settings
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core import registry
from core.http_cache import public
from core.permissions import can
from core.views import get_object_or_deny
from geodirectory import hours, selectors
from geodirectory import vocabulary as voc
from geodirectory.forms import DirectorySearchForm
from geodirectory.geo import Box
from geodirectory.geocoding import Located, alocate, locate, search_to_locate
from geodirectory.interchange import export_csv_lines, export_json_items
from geodirectory.models import Place

PER_PAGE = 20
MAX_NEAREST = 100
MAX_BOX_FEATURES = 2000


@dataclass
class Page:
    """A page of results whose total may be unknown (when "open now" filters in Python)."""

    object_list: list
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1


def _page_number(request: HttpRequest) -> int:
    try:
        return max(1, min(int(request.GET.get("page", 1)), 500))
    except ValueError:
        return 1


@public
@require_GET
async def directory(request: HttpRequest) -> HttpResponse:
    # The address is located first: the national API is called in the geocoder's own pool
    # and awaited (geocoding.alocate); the page is then built synchronously.
    query = search_to_locate(request.GET, DirectorySearchForm)
    located = {query: await alocate(query)} if query else {}
    return await sync_to_async(directory_page)(request, located)


def directory_page(request: HttpRequest, located: dict[str, Located | None]) -> HttpResponse:
    form = DirectorySearchForm(request.GET or None)
    number = _page_number(request)
    context = {"form": form, "located": None, "not_found": False}
    places: list[Place] = []
    distances: dict[int, float] = {}
    page = None
    if not request.GET or form.is_valid():
        data = form.cleaned_data if form.is_bound else {}
        filters = form.filters() if form.is_bound else selectors.Filters()
        around = None
        if data.get("lat") is not None:
            around = (data["lat"], data["lon"])
            context["located"] = {"label": _("your position"), "precision": "address"}
        elif data.get("q"):
            found = located[data["q"]] if data["q"] in located else locate(data["q"])
            if found is None:
                context["not_found"] = True
            else:
                around = (found.latitude, found.longitude)
                context["located"] = {"label": found.label, "precision": found.precision}
        if not context["not_found"]:
            wanted = number * PER_PAGE + 1
            if around is not None:
                wanted = min(wanted, MAX_NEAREST + 1)
            places, distances = selectors.search(filters=filters, around=around, limit=wanted)
            start = (number - 1) * PER_PAGE
            page = Page(
                places[start : start + PER_PAGE],
                number,
                has_next=len(places) > number * PER_PAGE,
            )
            context["around"] = around
            context["open_at"] = filters.open_at
    now = timezone.localtime()
    shown = page.object_list if page else []
    # What other modules show on each line (the next workshop…), for the page at once.
    extras = registry.item_sections_for("place.result", request, list(shown))
    results = [
        {
            "place": place,
            "distance_m": distances.get(place.pk),
            "status": _status(place, now),
            "sections": extras[place.pk],
        }
        for place in shown
    ]
    context.update(
        {
            "page_obj": page,
            "start_index": (number - 1) * PER_PAGE + 1,
            "results": results,
            "map_points": json.dumps(
                [
                    {
                        "id": r["place"].pk,
                        "name": r["place"].nom,
                        "lat": r["place"].latitude,
                        "lon": r["place"].longitude,
                        "url": r["place"].get_absolute_url(),
                        "commune": r["place"].commune,
                    }
                    for r in results
                    if r["place"].is_located
                ]
            ),
            "tile_url": settings.MAP_TILE_URL,
            "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
            "total_published": Place.objects.published().count(),
            # What a phone shows first: the nearest places after a search, else the map.
            "view": "list" if context["located"] or context["not_found"] else "map",
        }
    )
    return render(request, "geodirectory/place_list.html", context)


@public
def place_detail(request: HttpRequest, slug: str) -> HttpResponse:
    place = get_object_or_deny(
        request, Place.objects.select_related("territory").prefetch_related("photos"), slug=slug
    )
    now = timezone.localtime()
    try:
        week = hours.weekly_table(place.horaires, week_of=now.date()) if place.horaires else None
        hours_text = hours.describe(place.horaires) if place.horaires else ""
    except hours.HoursError:
        week, hours_text = None, ""
    return render(
        request,
        "geodirectory/place_detail.html",
        {
            "place": place,
            "status": _status(place, now),
            "week": week,
            "hours_text": hours_text,
            "lists": _labelled_lists(place),
            "json_ld": _json_ld(place),
            "canonical_url": settings.SITE_URL + place.get_absolute_url(),
            "may_edit": can(request.user, "edit", place),
            "tile_url": settings.MAP_TILE_URL,
            "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        },
    )


def _status(place: Place, now) -> hours.Status | None:
    """Open now or not; None when there are no hours, or hours that cannot be read."""
    if not place.horaires:
        return None
    try:
        return hours.status(place.horaires, now)
    except hours.HoursError:
        return None


def place_photo(request: HttpRequest, slug: str, photo_pk: int) -> FileResponse:
    """A place's photo, served to whoever may see the place."""
    place = get_object_or_deny(request, Place, slug=slug)
    photo = place.photos.filter(pk=photo_pk).first()
    if photo is None or not photo.image:
        raise Http404
    response = FileResponse(photo.image.open("rb"))
    response["Cache-Control"] = "public, max-age=86400" if place.is_published else "private"
    return response


def _labelled_lists(place: Place) -> dict[str, list[str]]:
    return {
        name: [voc.label(vocabulary, v) for v in place.values(name)]
        for name, vocabulary in [
            ("services", voc.SERVICES),
            ("publics_specifiquement_adresses", voc.PUBLICS),
            ("prise_en_charge_specifique", voc.SPECIFIC_SUPPORT),
            ("frais_a_charge", voc.FEES),
            ("modalites_acces", voc.ACCESS_MODES),
            ("modalites_accompagnement", voc.SUPPORT_MODES),
            ("dispositif_programmes_nationaux", voc.NATIONAL_PROGRAMMES),
            ("formations_labels", voc.TRAININGS_LABELS),
            ("typologie", voc.TYPOLOGIES),
            ("itinerance", voc.MOBILITY),
        ]
    }


def _json_ld(place: Place) -> dict:
    """schema.org description of the place, for search engines."""
    data = {
        "@context": "https://schema.org",
        "@type": "Place",
        "name": place.nom,
        "url": settings.SITE_URL + place.get_absolute_url(),
        "address": {
            "@type": "PostalAddress",
            "streetAddress": ", ".join(filter(None, [place.adresse, place.complement_adresse])),
            "postalCode": place.code_postal,
            "addressLocality": place.commune,
            "addressCountry": "FR",
        },
    }
    if place.is_located:
        data["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": place.latitude,
            "longitude": place.longitude,
        }
    if place.telephone:
        data["telephone"] = place.telephone
    if place.courriels:
        data["email"] = voc.split(place.courriels)[0]
    if place.presentation_resume:
        data["description"] = place.presentation_resume
    if place.horaires:
        data["openingHours"] = place.horaires
    websites = voc.split(place.site_web)
    if websites:
        data["sameAs"] = websites
    return data


# --- Open data and the map's API --------------------------------------------------------------


def _published_for_export():
    return Place.objects.published().order_by("pk").iterator(chunk_size=1000)


@public(language=False)
@require_GET
def export_csv(request: HttpRequest) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        export_csv_lines(_published_for_export()), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="lieux-mediation-numerique.csv"'
    return response


@public(language=False)
@require_GET
def export_json(request: HttpRequest) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        export_json_items(_published_for_export()), content_type="application/json"
    )
    response["Content-Disposition"] = 'attachment; filename="lieux-mediation-numerique.json"'
    return response


def _bad_request(message: str) -> JsonResponse:
    return JsonResponse({"error": message}, status=400)


@public(language=False)
@require_GET
def geojson(request: HttpRequest) -> JsonResponse:
    """`?bbox=west,south,east,north`: the published places in a box (a map's view)."""
    raw = request.GET.get("bbox", "")
    try:
        west, south, east, north = (float(v) for v in raw.split(","))
    except ValueError:
        return _bad_request(_("bbox must be four numbers: west,south,east,north."))
    if not (-90 <= south <= north <= 90 and -180 <= west <= 180 and -180 <= east <= 180):
        return _bad_request(_("bbox is out of range or south is above north."))
    places = list(
        selectors.in_box(Box(south, west, north, east), limit=MAX_BOX_FEATURES + 1).only(
            "pk", "nom", "slug", "commune", "latitude", "longitude"
        )
    )
    truncated = len(places) > MAX_BOX_FEATURES
    features = [
        {
            "type": "Feature",
            "id": p.pk,
            "geometry": {"type": "Point", "coordinates": [p.longitude, p.latitude]},
            "properties": {"name": p.nom, "commune": p.commune, "url": p.get_absolute_url()},
        }
        for p in places[:MAX_BOX_FEATURES]
    ]
    return JsonResponse({"type": "FeatureCollection", "features": features, "truncated": truncated})


@public(language=False)
@require_GET
def nearby(request: HttpRequest) -> JsonResponse:
    """`?lat=…&lon=…&limit=…`: the nearest published places, with distances in metres."""
    try:
        lat = float(request.GET["lat"])
        lon = float(request.GET["lon"])
    except (KeyError, ValueError):
        return _bad_request(_("lat and lon are required numbers."))
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return _bad_request(_("lat must be within ±90 and lon within ±180."))
    try:
        limit = int(request.GET.get("limit", 10))
    except ValueError:
        return _bad_request(_("limit must be a whole number."))
    if not 1 <= limit <= MAX_NEAREST:
        return _bad_request(_("limit must be between 1 and %(max)s.") % {"max": MAX_NEAREST})
    hits = selectors.nearest(lat, lon, limit=limit)
    names = Place.objects.in_bulk([h.place_id for h in hits])
    return JsonResponse(
        {
            "results": [
                {
                    "id": names[h.place_id].id_schema,
                    "name": names[h.place_id].nom,
                    "commune": names[h.place_id].commune,
                    "distance_m": round(h.distance_m),
                    "url": settings.SITE_URL + names[h.place_id].get_absolute_url(),
                }
                for h in hits
            ]
        }
    )
