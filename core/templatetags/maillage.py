from __future__ import annotations

from django import template

from core.permissions import can as permission_can

register = template.Library()


@register.simple_tag(takes_context=True)
def can(context, action: str, obj=None) -> bool:
    """`{% can "join" group as may_join %}`: the permission authority, in templates."""
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    return permission_can(user, action, obj)


@register.simple_tag(takes_context=True)
def query_replace(context, **changes) -> str:
    """The current query string with some parameters replaced (pagination keeps filters)."""
    query = context["request"].GET.copy()
    for key, value in changes.items():
        query[key] = value
    return query.urlencode()
