from django.conf import settings
from django.urls import include, path, re_path
from django.views.static import serve
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from public_site.sitemaps import sitemap
from public_site.views import search

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    # allauth: sign in and out, password reset, e-mail addresses, two-factor authentication.
    path("comptes/", include("allauth.urls")),
    path("", include("core.accounts.urls")),
    path("espace/", include("extranet.dashboard.urls")),
    path("espace/groupes/", include("core.workspaces.urls")),
    path("espace/notifications/", include("core.notifications.urls")),
    path("espace/reseau/", include("extranet.network.urls")),
    path("espace/forum/", include("forum.urls")),
    path("espace/agenda/", include("calendars.urls_agenda")),
    path("espace/ateliers/", include("calendars.urls_manage")),
    path("espace/activite/", include("calendars.urls_activity")),
    path("ateliers/", include("calendars.urls")),
    path("agenda/", include("calendars.urls_feeds")),
    path("api/territoires/", include("core.territories.urls")),
    path("", include("geodirectory.urls")),
    path("sitemap.xml", sitemap, name="sitemap"),
    path("recherche/", search, name="search"),
]

if settings.SERVE_STATIC:
    # The embedded server also serves Wagtail's image renditions (public pictures of the
    # public site); originals and every other upload stay behind permission-checked views.
    urlpatterns += [
        re_path(r"^media/(?P<path>images/[^/]+)$", serve, {"document_root": settings.MEDIA_ROOT})
    ]


# Wagtail serves the public site's pages: last, it catches every other path.
urlpatterns += [path("", include(wagtail_urls))]

handler400 = "core.views.bad_request"
handler403 = "core.views.permission_denied"
handler404 = "core.views.page_not_found"
handler500 = "core.views.server_error"
