from __future__ import annotations

from django.conf import settings
from django.shortcuts import resolve_url
from django.utils.functional import SimpleLazyObject

from core import registry
from core.notifications.selectors import UNREAD_COUNT_LIMIT, unread_count
from core.permissions import is_administrator, is_coordinator


def _nav_links(request, area: str) -> list[dict]:
    """The registered header links of `area` that this visitor may use."""
    match = getattr(request, "resolver_match", None)
    current = match.app_name if match else ""
    return [
        {
            "key": link.key,
            "label": link.label,
            "url": resolve_url(link.url_name),
            "current": current in link.app_names,
            "live_stream": link.live_stream,
        }
        for link in registry.nav_links
        if link.area == area and (link.visible is None or link.visible(request.user))
    ]


def platform(request) -> dict:
    """What every page's header needs; computed only if the template uses it."""
    user = request.user
    context = {
        "public_nav_links": SimpleLazyObject(lambda: _nav_links(request, "public")),
        # The members' area's home (the desktop): where signing in leads.
        "extranet_home_url": SimpleLazyObject(lambda: resolve_url(settings.LOGIN_REDIRECT_URL)),
    }
    if not user.is_authenticated:
        return context
    return {
        **context,
        "extranet_nav_links": SimpleLazyObject(lambda: _nav_links(request, "extranet")),
        "unread_notifications": SimpleLazyObject(lambda: unread_count(user)),
        "unread_notifications_limit": UNREAD_COUNT_LIMIT,
        "user_is_administrator": SimpleLazyObject(lambda: is_administrator(user)),
        "user_is_coordinator": is_coordinator(user),
    }
