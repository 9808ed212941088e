"""Shared view plumbing: permission checks with the right answer, and error pages."""

from __future__ import annotations

from typing import Any, NoReturn, TypeVar

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core.permissions import can

M = TypeVar("M", bound=Model)


class LoginRequired(Exception):
    """Raised by `deny` for anonymous visitors; `LoginRequiredMiddleware` redirects them."""


def deny(request: HttpRequest, obj: object | None) -> NoReturn:
    """Refuse, revealing nothing the user may not know.

    - An anonymous visitor is sent to sign in, whether or not the object exists.
    - A signed-in user who may not see the object gets 404, as if it did not exist.
    - A signed-in user who sees it but may not do this gets 403.
    """
    if not request.user.is_authenticated:
        raise LoginRequired
    if obj is None or not can(request.user, "view", obj):
        raise Http404
    raise PermissionDenied


def get_object_or_deny(
    request: HttpRequest, queryset: QuerySet[M] | type[M], action: str = "view", **lookup: Any
) -> M:
    """Fetch the object and check `action` on it through the permission authority."""
    qs = queryset._default_manager.all() if isinstance(queryset, type) else queryset
    obj = qs.filter(**lookup).first()
    if obj is None or not can(request.user, action, obj):
        deny(request, obj)
    return obj


def require_or_deny(request: HttpRequest, action: str, obj: object | None = None) -> None:
    """Check an action on an object already fetched (or on none)."""
    if not can(request.user, action, obj):
        if obj is None:
            if not request.user.is_authenticated:
                raise LoginRequired
            raise PermissionDenied
        deny(request, obj)


def add_service_errors(form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its field where the form has one."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class PermissionMixin:
    """For class-based views: the object is fetched and checked before the view runs.

    Set `model` (or override `get_permission_queryset`), `permission_action`, and
    `lookup_field` / `lookup_url_kwarg`. The object is then `self.object`.
    """

    permission_action = "view"
    lookup_field = "pk"
    lookup_url_kwarg = "pk"

    def get_permission_queryset(self) -> QuerySet:
        return self.model._default_manager.all()

    def dispatch(self, request, *args, **kwargs):
        self.object = get_object_or_deny(
            request,
            self.get_permission_queryset(),
            self.permission_action,
            **{self.lookup_field: kwargs[self.lookup_url_kwarg]},
        )
        return super().dispatch(request, *args, **kwargs)

    def get_object(self, queryset=None):
        return self.object


class LoginRequiredMiddleware:
    """Turns `LoginRequired` into a redirect to the sign-in page, back here afterwards."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, LoginRequired):
            return redirect_to_login(request.get_full_path())
        return None


# --- Error pages (translated; see core/templates/4xx.html, 500.html) ------------------------


def page_not_found(request: HttpRequest, exception: Exception | None) -> HttpResponse:
    return render(request, "404.html", {"title": _("Page not found")}, status=404)


def permission_denied(request: HttpRequest, exception: Exception | None) -> HttpResponse:
    return render(request, "403.html", {"title": _("Access denied")}, status=403)


def bad_request(request: HttpRequest, exception: Exception | None) -> HttpResponse:
    if not hasattr(request, "user"):
        # Refused before the middleware knew the visitor or the site (a Host header that
        # is not ours): the page without the site's header, which needs both.
        return _standalone("400_standalone.html", request, 400)
    return render(request, "400.html", {"title": _("Bad request")}, status=400)


def _standalone(template_name: str, request: HttpRequest, status: int) -> HttpResponse:
    """An error page rendered without context processors (no database, no site)."""
    from django.template import loader

    template = loader.get_template(template_name)
    return HttpResponse(template.render({"request": request}), status=status)


def server_error(request: HttpRequest) -> HttpResponse:
    # No context processors that touch the database: the error may come from it.
    return _standalone("500.html", request, 500)


# --- Language ------------------------------------------------------------------------------


@never_cache
@require_GET
def switch_language(request: HttpRequest, code: str) -> HttpResponseRedirect:
    """`/i18n/en/?next=/lieux/`: remember the language in its cookie, and go back.

    A link rather than Django's POST form: a form needs a CSRF cookie, which would be set on
    every page and keep shared caches from storing them. Changing the language is the only
    effect (harmless if another site links here); `next` must be a path of this site.
    """
    if code not in dict(settings.LANGUAGES):
        raise Http404
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response
