"""What the calendars bring to the kernel's pages (core.registry), registered by apps.py."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core import registry
from core.permissions import can
from core.registry import DemoContext


def place_workshops(request, place) -> dict:
    """The next workshops on a place's page."""
    from calendars.selectors import next_workshops_of_place

    return {
        "workshops": next_workshops_of_place(place, request.user),
        "may_edit": can(request.user, "edit", place),
    }


def place_results_next_workshop(request, places) -> dict:
    """The soonest workshop of each place of a page of the directory (one query)."""
    from calendars.selectors import next_workshop_by_place

    soonest = next_workshop_by_place([p.pk for p in places], request.user)
    return {pk: {"next_workshop": workshop} for pk, workshop in soonest.items()}


def visible_events(user, ids: set[str]) -> set[str]:
    """The feed's bulk check: which of these events `user` may see (one query)."""
    from calendars.permissions import events_visible_to

    pks = [int(i) for i in ids if i.isdigit()]
    return {
        str(pk) for pk in events_visible_to(user).filter(pk__in=pks).values_list("pk", flat=True)
    }


def next_dates_widget(request) -> dict:
    from calendars.selectors import next_dates_for

    return next_dates_for(request.user)


def next_dates_group_widget(request, workspace) -> dict:
    from calendars.selectors import next_dates_for

    return next_dates_for(request.user, workspace=workspace)


def figures_widget(request) -> dict | None:
    from calendars.activity import month_figures_of_places

    return {"rows": month_figures_of_places(request.user)}


def _runs_places(user) -> bool:
    return bool(user.is_authenticated and user.places.exists())


def profile_workshops(request, person) -> dict | None:
    """Workshops the person ran or will run (those they created), that the viewer sees."""
    from calendars.permissions import workshops_visible_to

    workshops = list(
        workshops_visible_to(request.user)
        .filter(created_by=person)
        .select_related("place")
        .order_by("-starts_at", "-pk")[:5]
    )
    return {"workshops_run": [(w, _public_url(w)) for w in workshops]} if workshops else None


def _public_url(workshop) -> str | None:
    # A slug made before slugs were kept to ASCII has no public URL: listed without a link.
    from django.urls import NoReverseMatch

    try:
        return workshop.get_absolute_url()
    except NoReverseMatch:
        return None


def load_demo(context: DemoContext) -> str:
    from calendars.demo import load_calendars_demo

    workshops = load_calendars_demo(context.people, context.network)
    return f"Calendars: {workshops} demo workshops added."


def register() -> None:
    from calendars.notifications import KINDS

    for key, prefix, urlconf in [
        ("workshops", "ateliers/", "calendars.urls"),
        ("feeds", "agenda/", "calendars.urls_feeds"),
        ("agenda", "espace/agenda/", "calendars.urls_agenda"),
        ("workshops_manage", "espace/ateliers/", "calendars.urls_manage"),
        ("activity", "espace/activite/", "calendars.urls_activity"),
    ]:
        registry.urls.register(registry.Urls(f"calendars.{key}", prefix, urlconf))
    registry.nav_links.register(
        registry.NavLink("agenda", _("Agenda"), "agenda:index", app_names=("agenda",), order=30)
    )
    registry.nav_links.register(
        registry.NavLink(
            "workshops_manage",
            _("Workshops"),
            "workshops_manage:index",
            app_names=("workshops_manage", "activity"),
            order=40,
        )
    )
    registry.nav_links.register(
        registry.NavLink(
            "workshops", _("Workshops"), "workshops:list", area="public", app_names=("workshops",)
        )
    )
    registry.workspace_modules.register(registry.WorkspaceModule("calendar", "agenda:workspace"))
    for kind in KINDS:
        registry.notification_kinds.register(kind)
    registry.sections.register(
        registry.Section(
            "calendars.place_workshops",
            "place",
            "calendars/sections/place_workshops.html",
            place_workshops,
        )
    )
    registry.sections.register(
        registry.Section(
            "calendars.place_next_workshop",
            "place.result",
            "calendars/sections/place_result_workshop.html",
            place_results_next_workshop,
        )
    )
    registry.sections.register(
        registry.Section(
            "calendars.profile_workshops",
            "profile",
            "calendars/sections/profile_workshops.html",
            profile_workshops,
            order=30,
        )
    )
    registry.sitemaps.register(
        registry.Sitemap("workshops", "calendars.sitemaps.WorkshopSitemap", order=30)
    )
    registry.desktop_widgets.register(
        registry.DesktopWidget(
            "calendars.next",
            _("My next events and workshops"),
            "calendars/widgets/next.html",
            next_dates_widget,
            group_context=next_dates_group_widget,
            group_default=True,
            order=35,
            roles=("facilitator", "coordinator"),
        )
    )
    registry.desktop_widgets.register(
        registry.DesktopWidget(
            "calendars.figures",
            _("My places' figures this month"),
            "calendars/widgets/figures.html",
            figures_widget,
            available=_runs_places,
            order=50,
            roles=("facilitator", "administrator"),
            size="small",
        )
    )
    registry.feed_kinds.register(
        registry.FeedKind(
            "calendars.workshop", _("Workshops"), order=50, verb=_("announced the workshop")
        )
    )
    registry.feed_kinds.register(
        registry.FeedKind(
            "calendars.event",
            _("Events"),
            order=60,
            visible=visible_events,
            verb=_("added the event"),
        )
    )
    registry.demo_loaders.register(
        registry.DemoLoader("calendars", load_demo, after=("network", "places"))
    )
