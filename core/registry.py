"""What the modules bring to the kernel, declared from their `apps.py` `ready()`.

The kernel never imports a module. A module (the forum, calendars, files…) registers here
what it adds to the pages the kernel and the project assemble: its URLs, its links in the
headers and in a workspace's menu, sections of profile and place pages, notification kinds,
activity-feed kinds, desktop widgets, search kinds, sitemaps and its part of the demo. The
pages iterate over what is registered, so adding a module is one folder and one line of
`INSTALLED_APPS`.

Each registry is a typed list with unique keys and a stable order (`order`, then key). It
is filled once, when the apps are ready, and only read afterwards.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar

if TYPE_CHECKING:
    from django.http import HttpRequest
    from django.utils.functional import Promise

    from core.accounts.models import User
    from core.notifications.models import Notification
    from core.workspaces.models import Workspace

    Text = str | Promise
else:
    Text = Any

T = TypeVar("T")


class Registry(Generic[T]):
    """Items with a unique `key`, iterated by (`order`, key)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._items: dict[str, T] = {}

    def register(self, item: T) -> T:
        key = item.key  # type: ignore[attr-defined]
        known = self._items.get(key)
        if known is not None and known != item:
            raise ValueError(f"{self.name}: {key!r} is registered twice")
        self._items[key] = item
        return item

    def get(self, key: str) -> T | None:
        return self._items.get(key)

    def __contains__(self, key: object) -> bool:
        return key in self._items

    def __iter__(self) -> Iterator[T]:
        return iter(sorted(self._items.values(), key=lambda i: (i.order, i.key)))  # type: ignore[attr-defined]

    def __len__(self) -> int:
        return len(self._items)

    def unregister(self, key: str) -> None:
        """For tests that register a throwaway item."""
        self._items.pop(key, None)


# --- Wiring: URLs, websocket routes, sitemaps -------------------------------------------------


@dataclass(frozen=True)
class Urls:
    """A module's URLconf, included by the project at `prefix` (e.g. "espace/forum/").

    Lower `order` comes first: an empty prefix that catches broad patterns goes last.
    """

    key: str
    prefix: str
    urlconf: str
    order: int = 100


@dataclass(frozen=True)
class WebsocketRoute:
    """A websocket path (under "ws/") and the consumer class that serves it (dotted path)."""

    key: str
    path: str
    consumer: str
    regex: bool = False
    order: int = 100


@dataclass(frozen=True)
class LiveStream:
    """A stream multiplexed on the tab's one websocket (/ws/): frames whose type starts
    with "<key>." go to `handler` (dotted path to a `core.live.StreamHandler` subclass),
    created for a socket on the first frame of that stream the client sends; channel-layer
    events of type "<key>.…" reach it too. Core never imports the module behind it."""

    key: str
    handler: str
    order: int = 100


@dataclass(frozen=True)
class Sitemap:
    """A section of /sitemap.xml: `sitemap` is a dotted path to a Django Sitemap class."""

    key: str
    sitemap: str
    order: int = 100


# --- Navigation ------------------------------------------------------------------------------


@dataclass(frozen=True)
class NavLink:
    """A link in a header: the members' area (`extranet`) or the public site (`public`).

    `app_names` are the URL namespaces in which the link is the current page.
    `visible` (user -> bool) hides it from whoever cannot use it.
    """

    key: str
    label: Text
    url_name: str
    area: Literal["extranet", "public"] = "extranet"
    app_names: tuple[str, ...] = ()
    visible: Callable[[Any], bool] | None = None
    order: int = 100
    # A live stream (`live_streams` key) whose frames carry an "unread_total" for the
    # link's badge: the page's socket subscribes to it ("<stream>.subscribe").
    live_stream: str = ""


@dataclass(frozen=True)
class WorkspaceModule:
    """A module's entry in a workspace's menu: `url_name` takes the workspace's `slug`."""

    key: str  # the workspace module it stands for (core.workspaces.models.Module)
    url_name: str
    order: int = 100


# --- Parts of pages ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Section:
    """A part of a page that the kernel or a module lays out, filled by another module.

    `slot` names the place (e.g. "profile.facts", "profile", "place",
    "workspace.members"); `context(request, obj)` returns the template's context, or None
    to show nothing. Every read in it asks the permission authority for `request.user`.
    """

    key: str
    slot: str
    template: str
    context: Callable[[HttpRequest, Any], dict[str, Any] | None]
    order: int = 100


WIDGET_SIZES = ("small", "medium", "large")


@dataclass(frozen=True)
class DesktopWidget:
    """A widget of the personal desktop (and of a group's home page).

    `context(request)` gives the template's context on one's desktop, or None to offer
    nothing to this person. `available(user)` (cheap, no query per widget ideally) says
    whether it is offered to `user` at all. A widget that can sit
    on a group's home page gives `group_context(request, workspace)`. `roles` are the
    network roles ("facilitator", "administrator", "coordinator", "member") whose default
    desktop holds it; `sizes` those it may take, `size` the one it starts with. Each widget
    is served at its own URL and loaded on its own: it must cost a bounded number of
    queries, and an exception in it shows a small error box in its place only.
    """

    key: str
    title: Text
    template: str
    context: Callable[[HttpRequest], dict[str, Any] | None]
    order: int = 100
    group_context: Callable[[HttpRequest, Workspace], dict[str, Any] | None] | None = None
    available: Callable[[User], bool] | None = None
    roles: tuple[str, ...] = ()
    group_default: bool = False
    sizes: tuple[str, ...] = WIDGET_SIZES
    size: str = "medium"


# --- Notifications, feed, search -------------------------------------------------------------


@dataclass(frozen=True)
class NotificationKind:
    """One kind of notification (its `verb`, e.g. "forum.reply").

    `sentence` takes %(actor)s, %(target)s and the notification's data; `url` says where
    it leads (default: its subject's page); `visible(user, notification)` says whether
    the recipient may still see it (default: may view its subject). The default is
    checked in bulk through the subject's queryset twin (`core.permissions`); a kind's own
    `visible` is asked one notification at a time, so badges and resumes cost more for it.
    """

    key: str
    label: Text
    sentence: Text
    url: Callable[[Notification], str] | None = None
    visible: Callable[[User, Notification], bool] | None = None
    order: int = 100

    @property
    def verb(self) -> str:
        return self.key


@dataclass(frozen=True)
class FeedKind:
    """A kind of item in the activity feed (e.g. "forum.solution"), offered as a filter.

    Items are recorded by the module (`core.activity.services.activity_record`). Before
    showing a page of items, the feed asks which subjects the reader may see, in bulk:
    through the subject model's "view" queryset twin (`core.permissions`), or, for a
    subject without a twin, through `visible(user, subject ids) -> the visible ids`
    (one query for the whole page).
    """

    key: str
    label: Text
    order: int = 100
    visible: Callable[[User, set[str]], set[str]] | None = None
    verb: Text = ""  # what the actor did, before the item's title ("gave a solution to")


@dataclass(frozen=True)
class SearchResult:
    kind: str  # the SearchKind's key
    title: str
    url: str
    excerpt: str = ""
    score: float = 0.0


@dataclass(frozen=True)
class SearchKind:
    """What a module offers to search: `search(user, query)` returns only what `user` may
    read (the permission authority decides; nothing hidden is returned or counted).

    `public` kinds are offered on the public site's search page.
    """

    key: str
    label: Text
    search: Callable[[Any, str], list[SearchResult]]
    public: bool = False
    order: int = 100


# --- Demo --------------------------------------------------------------------------------------


@dataclass
class DemoContext:
    """What the demo's loaders share: the demo people by key, the network, a report."""

    people: dict[str, User] = field(default_factory=dict)
    network: Workspace | None = None
    write: Callable[[str], None] = print


@dataclass(frozen=True)
class DemoLoader:
    """A module's part of the demo network; runs after the loaders named in `after`.

    `load(context)` must be idempotent (running the demo twice adds nothing) and returns a
    line for the report, or None.
    """

    key: str
    load: Callable[[DemoContext], str | None]
    after: tuple[str, ...] = ()
    order: int = 100


urls: Registry[Urls] = Registry("urls")
websocket_routes: Registry[WebsocketRoute] = Registry("websocket routes")
live_streams: Registry[LiveStream] = Registry("live streams")
sitemaps: Registry[Sitemap] = Registry("sitemaps")
nav_links: Registry[NavLink] = Registry("navigation links")
workspace_modules: Registry[WorkspaceModule] = Registry("workspace modules")
sections: Registry[Section] = Registry("page sections")
desktop_widgets: Registry[DesktopWidget] = Registry("desktop widgets")
notification_kinds: Registry[NotificationKind] = Registry("notification kinds")
feed_kinds: Registry[FeedKind] = Registry("feed kinds")
search_kinds: Registry[SearchKind] = Registry("search kinds")
demo_loaders: Registry[DemoLoader] = Registry("demo loaders")


def sections_for(slot: str, request: HttpRequest, obj: Any) -> list[tuple[Section, dict]]:
    """The sections registered for `slot`, with their context, that have something to show."""
    shown = []
    for section in sections:
        if section.slot != slot:
            continue
        context = section.context(request, obj)
        if context is not None:
            shown.append((section, context))
    return shown


def item_sections_for(
    slot: str, request: HttpRequest, objects: list[Any]
) -> dict[Any, list[tuple[str, dict]]]:
    """For a list of objects, the registered sections of `slot` of each, by primary key.

    Here a section's `context(request, objects)` answers for the whole list at once (one
    query for the page, not one per line): {pk: context} for the objects it has something
    to show about.
    """
    shown: dict[Any, list[tuple[str, dict]]] = {obj.pk: [] for obj in objects}
    for section in sections:
        if section.slot != slot:
            continue
        for pk, context in (section.context(request, objects) or {}).items():
            if pk in shown:
                shown[pk].append((section.template, context))
    return shown


def demo_order() -> list[DemoLoader]:
    """The demo loaders, each after those it names in `after` (a missing one is an error)."""
    done: dict[str, DemoLoader] = {}
    visiting: set[str] = set()

    def visit(loader: DemoLoader) -> None:
        if loader.key in done:
            return
        if loader.key in visiting:
            raise ValueError(f"demo loaders: a cycle through {loader.key!r}")
        visiting.add(loader.key)
        for name in loader.after:
            before = demo_loaders.get(name)
            if before is None:
                raise ValueError(f"demo loader {loader.key!r} runs after unknown {name!r}")
            visit(before)
        visiting.discard(loader.key)
        done[loader.key] = loader

    for loader in demo_loaders:
        visit(loader)
    return list(done.values())
