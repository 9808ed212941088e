"""What the directory brings to the kernel's pages (core.registry), registered by apps.py."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core import registry
from core.registry import DemoContext, SearchResult

# Enough to fill many pages; a search that matches more should be narrowed.
MAX_RESULTS = 200


def search_places(user, query: str) -> list[SearchResult]:
    """Published places (public to everyone), best first."""
    from geodirectory.models import Place

    places = Place.objects.published().search(query).annotate_score("score")[:MAX_RESULTS]
    return [
        SearchResult(
            "place",
            place.nom,
            place.get_absolute_url(),
            " — ".join(
                filter(None, [f"{place.code_postal} {place.commune}", place.presentation_resume])
            ),
            place.score,
        )
        for place in places
    ]


def profile_places(request, person) -> dict | None:
    """The places where the person works (the team that manages them), on their profile:
    published ones, and drafts only for who may edit them."""
    from django.db.models import Q

    from geodirectory.permissions import places_editable_by

    places = list(
        person.places.filter(
            Q(is_published=True) | Q(pk__in=places_editable_by(request.user).values("pk"))
        ).order_by("nom")[:20]
    )
    return {"places": places} if places else None


def load_demo(context: DemoContext) -> str:
    from geodirectory.demo import load_places_demo

    created, own = load_places_demo(context.people)
    return f"Directory: {created} real places imported, {own} network places."


def register() -> None:
    registry.sections.register(
        registry.Section(
            "geodirectory.profile_places",
            "profile.facts",
            "geodirectory/sections/profile_places.html",
            profile_places,
            order=5,
        )
    )
    registry.urls.register(registry.Urls("geodirectory", "", "geodirectory.urls"))
    registry.sitemaps.register(
        registry.Sitemap("places", "geodirectory.sitemaps.PlaceSitemap", order=20)
    )
    registry.search_kinds.register(
        registry.SearchKind("place", _("Place"), search_places, public=True, order=50)
    )
    registry.demo_loaders.register(registry.DemoLoader("places", load_demo, after=("network",)))
