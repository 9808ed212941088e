from __future__ import annotations

from django import template
from django.templatetags.static import static
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def distance(metres: float | None) -> str:
    """ "350 m", "2,4 km", "38 km", in the active language's number format."""
    if metres is None:
        return ""
    if metres < 1000:
        # Tens of metres are precise enough (and honest about the commune centre).
        return _("%(n)s m") % {"n": max(10, round(metres / 10) * 10)}
    km = metres / 1000
    shown = number_format(round(km, 1), 1) if km < 10 else number_format(round(km), 0)
    return _("%(n)s km") % {"n": shown}


@register.filter
def getfield(form, name: str):
    """A bound field by name, for templates that loop over field names."""
    return form[name]


@register.filter
def split_values(value: str) -> list[str]:
    """The values of a "|"-separated schema field."""
    from geodirectory.vocabulary import split

    return split(value)


@register.simple_tag
def map_assets(cluster: bool = False) -> SafeString:
    """The data-* attributes of a map element: what geodirectory/maps.js loads when the map
    nears the viewport (Leaflet's files, the marker clusters' for the directory, the map
    code), and Leaflet's marker pictures by their hashed names."""
    styles = ["vendor/leaflet/leaflet.css"]
    scripts = ["vendor/leaflet/leaflet.js"]
    if cluster:
        styles += [
            "vendor/leaflet.markercluster/MarkerCluster.css",
            "vendor/leaflet.markercluster/MarkerCluster.Default.css",
        ]
        scripts.append("vendor/leaflet.markercluster/leaflet.markercluster.js")
    scripts.append("geodirectory/directory-map.js")
    return format_html(
        'data-styles="{}" data-scripts="{}" data-icon="{}" data-icon-retina="{}" '
        'data-icon-shadow="{}"',
        " ".join(static(name) for name in styles),
        " ".join(static(name) for name in scripts),
        static("vendor/leaflet/images/marker-icon.png"),
        static("vendor/leaflet/images/marker-icon-2x.png"),
        static("vendor/leaflet/images/marker-shadow.png"),
    )


@register.inclusion_tag("geodirectory/components/map_teaser_content.html", takes_context=True)
def directory_teaser(context):
    """The home page's map teaser: places per département, and the way to the search."""
    import json

    from django.conf import settings

    from geodirectory.models import Place
    from geodirectory.selectors import places_by_departement

    rows = places_by_departement()
    return {
        "total": Place.objects.published().count(),
        "top": rows[:6],
        "points": json.dumps(rows),
        "tile_url": settings.MAP_TILE_URL,
        "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        "request": context.get("request"),
    }
