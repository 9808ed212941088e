"""The project's URLs: the kernel's, then what each installed module registered
(`core.registry.urls`, from its apps.py), then Wagtail's pages, which catch the rest."""

from django.conf import settings
from django.urls import include, path, re_path
from django.views.decorators.cache import cache_control
from django.views.static import serve
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from core import registry
from core.sitemaps import sitemap
from core.views import switch_language

urlpatterns = [
    path("i18n/<str:code>/", switch_language, name="switch_language"),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    # allauth: sign in and out, password reset, e-mail addresses, two-factor authentication.
    path("comptes/", include("allauth.urls")),
    path("", include("core.accounts.urls")),
    path("espace/groupes/", include("core.workspaces.urls")),
    path("espace/notifications/", include("core.notifications.urls")),
    path("api/territoires/", include("core.territories.urls")),
    path("sitemap.xml", sitemap, name="sitemap"),
]
urlpatterns += [path(entry.prefix, include(entry.urlconf)) for entry in registry.urls]

if settings.SERVE_STATIC:
    # The embedded server also serves Wagtail's image renditions (public pictures of the
    # public site); originals and every other upload stay behind permission-checked views.
    urlpatterns += [
        re_path(
            r"^media/(?P<path>images/[^/]+)$",
            # A day: a rendition's name changes with its image and its size.
            cache_control(public=True, max_age=86400)(serve),
            {"document_root": settings.MEDIA_ROOT},
        )
    ]


# Wagtail serves the public site's pages: last, it catches every other path.
urlpatterns += [path("", include(wagtail_urls))]

handler400 = "core.views.bad_request"
handler403 = "core.views.permission_denied"
handler404 = "core.views.page_not_found"
handler500 = "core.views.server_error"
