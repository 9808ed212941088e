"""Template tags of the public site: menus, optional includes, absolute URLs."""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings
from django.template import Context, TemplateDoesNotExist
from django.utils.safestring import SafeString

from public_site.selectors import public_menu as select_public_menu

register = template.Library()


@register.simple_tag(takes_context=True)
def include_if_exists(context: Context, template_name: str) -> SafeString | str:
    """`{% include_if_exists "app/part.html" %}`: like `{% include %}`, but renders nothing
    when the template does not exist (yet), e.g. a part another app will provide.

    Also `{% include_if_exists "app/part.html" as part %}` to wrap it only when present.
    Errors *inside* an existing template still raise: only absence is forgiven.
    """
    try:
        included = context.template.engine.get_template(template_name)
    except TemplateDoesNotExist as error:
        # Only the absence of this very template is forgiven, not of one it needs.
        if error.args and error.args[0] != template_name:
            raise
        return ""
    with context.push():
        # Already safe: the template escaped its own variables.
        return included.render(context)


@register.inclusion_tag("public_site/includes/menu.html", takes_context=True)
def public_menu(context: Context, placement: str = "header") -> dict[str, Any]:
    """The public site's menu as `<li>` items (the surrounding `<ul>` is the caller's).

    `placement` is "header" or "footer"; the footer adds the charter page. At most two
    queries per request, shared by header and footer (see `selectors.public_menu`).
    """
    request = context.get("request")
    menu = select_public_menu(request)
    items = list(menu.items)
    if placement == "footer" and menu.charter and menu.charter.url not in {i.url for i in items}:
        items.append(menu.charter)
    return {"items": items, "placement": placement, "request": request}


@register.simple_tag
def absolute_url(url: str) -> str:
    """`url` made absolute on SITE_URL, the public address (og:image needs it)."""
    if not url or url.startswith(("http://", "https://")):
        return url
    return settings.SITE_URL + url
