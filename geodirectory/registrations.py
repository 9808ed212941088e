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


def load_demo(context: DemoContext) -> str:
    from geodirectory.demo import load_places_demo

    created, own = load_places_demo(context.people)
    return f"Directory: {created} real places imported, {own} network places."


def register() -> None:
    registry.urls.register(registry.Urls("geodirectory", "", "geodirectory.urls"))
    registry.sitemaps.register(
        registry.Sitemap("places", "geodirectory.sitemaps.PlaceSitemap", order=20)
    )
    registry.search_kinds.register(
        registry.SearchKind("place", _("Place"), search_places, public=True, order=50)
    )
    registry.demo_loaders.register(registry.DemoLoader("places", load_demo, after=("network",)))
