"""iCal feeds: a published place's public one, and each person's private ones.

A private feed answers only while its token is live, its owner's account active and the
calendar readable by them now: someone who left a secret group loses the feed at once.
Every refusal is the same 404, so a feed address reveals nothing.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from calendars import ical
from calendars.models import Calendar, Event, FeedToken
from calendars.recurrence import visible_events
from core.permissions import can
from geodirectory.models import Place


def _ics(body: bytes, filename: str, *, public: bool = False) -> HttpResponse:
    response = HttpResponse(body, content_type=ical.CONTENT_TYPE)
    response["Content-Disposition"] = f'inline; filename="{filename}.ics"'
    # Clients poll feeds: a few minutes of caching spares the server without going stale.
    # A place's public feed may be kept by shared caches too; a personal one may not.
    response["Cache-Control"] = f"{'public' if public else 'private'}, max-age=300"
    return response


@require_GET
def place_feed(request: HttpRequest, slug: str) -> HttpResponse:
    """A published place's public calendar: its published workshops' sessions and its events."""
    place = Place.objects.filter(slug=slug, is_published=True).first()
    if place is None:
        raise Http404
    calendar = Calendar.objects.filter(place=place).first()
    # Anonymous readers see what the public sees, whoever asks: published workshops only.
    events = (
        ical.feed_events(visible_events(AnonymousUser(), [calendar]))
        if calendar is not None
        else Event.objects.none()
    )
    return _ics(ical.build_feed(name=place.nom, events=events), place.slug, public=True)


@require_GET
def private_feed(request: HttpRequest, token: str) -> HttpResponse:
    feed_token = (
        FeedToken.objects.select_related("user", "calendar__workspace", "calendar__place")
        .filter(token=token, revoked_at__isnull=True)
        .first()
    )
    if feed_token is None:
        raise Http404
    user, calendar = feed_token.user, feed_token.calendar
    if not user.is_active or not can(user, "view", calendar):
        raise Http404
    events = ical.feed_events(visible_events(user, [calendar]))
    return _ics(
        ical.build_feed(name=calendar.name, events=events), slugify(calendar.name) or "agenda"
    )
