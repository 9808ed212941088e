from __future__ import annotations

from django.utils.functional import SimpleLazyObject

from core.notifications.selectors import UNREAD_COUNT_LIMIT, unread_count
from core.permissions import is_administrator, is_coordinator


def platform(request) -> dict:
    """What every page's header needs; computed only if the template uses it."""
    user = request.user
    if not user.is_authenticated:
        return {}
    return {
        "unread_notifications": SimpleLazyObject(lambda: unread_count(user)),
        "unread_notifications_limit": UNREAD_COUNT_LIMIT,
        "user_is_administrator": SimpleLazyObject(lambda: is_administrator(user)),
        "user_is_coordinator": is_coordinator(user),
    }
