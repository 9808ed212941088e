from __future__ import annotations

import json

from django import template
from django.conf import settings
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from core import registry
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


# What may not appear raw inside a <script> element: "</script>" or "<!--" in a value
# would end it or change how it is parsed. Escaped as JSON \u sequences, the data is intact.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@register.filter
def ld_json(data) -> str:
    """`<script type="application/ld+json">{{ data|ld_json }}</script>`: structured data
    (schema.org) from a dict, safe whatever text the dict holds."""
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(_SCRIPT_ESCAPES))  # noqa: S308


def _render_into(context, template_name: str, values: dict) -> str:
    template_ = context.template.engine.get_template(template_name)
    with context.push(**values):
        return template_.render(context)


@register.simple_tag(takes_context=True)
def sections(context, slot: str, obj=None) -> str:
    """The parts of this page that modules registered for `slot` (core.registry.sections).

    Each is rendered with the page's context plus its own; a section that has nothing to
    show for this visitor renders nothing.
    """
    request = context.get("request")
    return mark_safe(  # noqa: S308 - templates rendered with autoescaping on
        "".join(
            _render_into(context, section.template, values)
            for section, values in registry.sections_for(slot, request, obj)
        )
    )


@register.simple_tag(takes_context=True)
def item_sections(context, parts) -> str:
    """One line's parts from `registry.item_sections_for` (e.g. a result of a list)."""
    return mark_safe(  # noqa: S308 - templates rendered with autoescaping on
        "".join(_render_into(context, name, values) for name, values in parts)
    )


@register.simple_tag(takes_context=True)
def include_with(context, template_name: str, values: dict) -> str:
    """`{% include %}` of a template named at run time with a dict of extra context (a
    registered desktop widget…)."""
    return mark_safe(_render_into(context, template_name, values))  # noqa: S308 - autoescaped


# --- The language of what is shown (WCAG 3.1.2) -------------------------------------------------


def _interface_language() -> str:
    return (get_language() or settings.LANGUAGE_CODE).split("-")[0]


@register.simple_tag
def content_lang() -> str:
    """`<h1{% content_lang %}>`: ` lang="fr"` on an element showing what people wrote (pages,
    news, places, workshops, posts: French) when the interface is in another language, so
    that screen readers read it as French; nothing when the page is in French already."""
    if _interface_language() == settings.CONTENT_LANGUAGE:
        return ""
    return format_html(' lang="{}"', settings.CONTENT_LANGUAGE)


@register.simple_tag
def ui_lang() -> str:
    """`<time{% ui_lang %}>`: the interface's language back on a part of the interface inside
    an element marked `{% content_lang %}` (a date inside a news card)."""
    language = _interface_language()
    if language == settings.CONTENT_LANGUAGE:
        return ""
    return format_html(' lang="{}"', language)
