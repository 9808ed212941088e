"""What browsers and shared caches may keep: public pages for a few minutes, nothing personal.

A view declares that its answers to anonymous visitors are the same for everyone with
`@public`; Wagtail's pages are public unless Wagtail itself said otherwise (a page behind a
password or a sign-in gets Wagtail's no-cache headers). `CacheHeadersMiddleware` then adds,
to a response that has no Cache-Control yet:

- `public, max-age=PUBLIC_CACHE_SECONDS` to a successful GET of a public view by an
  anonymous visitor, when the response sets no cookie (a page holding a form that needs a
  CSRF token sets one, so it stays private) and uses no CSP nonce (a nonce shared by every
  visitor of a cached page would protect nothing);
- `private, no-store` to everything a signed-in person gets (public computers of the places
  keep nothing on disk after they sign out);
- `private` to any other answer.

Vary is left to Django: the session middleware adds `Cookie` when the page was built from
the session (signed in or not), the locale middleware `Accept-Language`. A view whose
answer does not depend on the language says `@public(language=False)`.

Shared caches in front learn that a page changed through `purge_on_commit` (Wagtail's
front-end cache invalidation, configured by FRONTEND_CACHE_PURGE_URL; see README.md).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control
from wagtail.views import serve as wagtail_serve

V = TypeVar("V", bound=Callable)

SAFE_METHODS = {"GET", "HEAD"}


def public(view: V | None = None, *, language: bool = True) -> V | Callable[[V], V]:
    """Mark a view whose answers to anonymous visitors are the same for everyone.

    `@public` or `@public(language=False)` when the answer is the same in every language
    (open data): then it does not vary on Accept-Language either.
    """

    def mark(func: V) -> V:
        func.http_cache_public = True  # type: ignore[attr-defined]
        func.http_cache_language = language  # type: ignore[attr-defined]
        return func

    return mark(view) if view is not None else mark


class CacheHeadersMiddleware:
    """Sets Cache-Control where the view did not (see the module's docstring).

    Placed before the session, CSRF and message middleware, so that it sees the cookies
    they set on the way out.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.has_header("Cache-Control"):
            return response
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        elif (
            getattr(request, "http_cache_public", False)
            and request.method in SAFE_METHODS
            and response.status_code == 200
            and not response.cookies
            and not isinstance(getattr(request, "_csp_nonce", None), str)
        ):
            patch_cache_control(response, public=True, max_age=settings.PUBLIC_CACHE_SECONDS)
            if not getattr(request, "http_cache_language", True):
                _drop_vary(response, "Accept-Language")
        else:
            patch_cache_control(response, private=True)
        return response

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> None:
        request.http_cache_public = view_func is wagtail_serve or getattr(
            view_func, "http_cache_public", False
        )
        request.http_cache_language = getattr(view_func, "http_cache_language", True)


def _drop_vary(response: HttpResponse, header: str) -> None:
    kept = [
        v.strip()
        for v in response.get("Vary", "").split(",")
        if v.strip() and v.strip().lower() != header.lower()
    ]
    if kept:
        response["Vary"] = ", ".join(kept)
    elif response.has_header("Vary"):
        del response["Vary"]


def purge_on_commit(paths: Callable[[], Iterable[str]]) -> None:
    """After the transaction commits, tell the shared cache in front (if any) that the
    pages at these paths ("/lieux/epn-du-centre/") changed.

    `paths` is called only then, and only when a shared cache is configured: without one,
    nothing is computed or queried.
    """
    if not getattr(settings, "WAGTAILFRONTENDCACHE", None):
        return

    def purge() -> None:
        from wagtail.contrib.frontend_cache.utils import purge_urls_from_cache

        purge_urls_from_cache(sorted({settings.SITE_URL + path for path in paths()}))

    transaction.on_commit(purge)
