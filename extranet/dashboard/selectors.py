"""Reads of the desktop: which widgets, in which order and size."""

from __future__ import annotations

from dataclasses import dataclass

from core import registry
from core.accounts.models import NetworkRole, User
from core.permissions import is_administrator
from core.registry import DesktopWidget
from core.workspaces.models import Workspace, WorkspaceKind
from extranet.dashboard.models import Desktop

MAX_WIDGETS = 24


@dataclass
class Placed:
    widget: DesktopWidget
    size: str


def role_of(user: User) -> str:
    """The role whose default desktop `user` starts with."""
    if user.is_coordinator:
        return "coordinator"
    if is_administrator(user):
        return "administrator"
    if user.network_role == NetworkRole.FACILITATOR:
        return "facilitator"
    return "member"


def _fits(widget: DesktopWidget, user: User, *, on_group: bool) -> bool:
    """Whether `widget` may sit on a group's home page (made for one) or on `user`'s own
    desktop (available to them; asking may cost a query)."""
    if on_group:
        return widget.group_context is not None
    return widget.available is None or widget.available(user)


def offered(user: User, workspace: Workspace) -> list[DesktopWidget]:
    """The widgets that may sit on this desktop (a group's home page: those made for it).

    Remembered on the user object for the request: `available` may cost a query."""
    if workspace.kind != WorkspaceKind.PERSONAL:
        return [w for w in registry.desktop_widgets if _fits(w, user, on_group=True)]
    cached = getattr(user, "_offered_widgets", None)
    if cached is None:
        cached = [w for w in registry.desktop_widgets if _fits(w, user, on_group=False)]
        user._offered_widgets = cached
    return cached


def offered_widget(user: User, key: str, group: Workspace | None = None) -> DesktopWidget | None:
    """The widget `key`, if `offered` would list it on the user's desktop (or on `group`'s
    home page): asking only this widget, for its own request."""
    widget = registry.desktop_widgets.get(key)
    if widget is None or not _fits(widget, user, on_group=group is not None):
        return None
    return widget


def default_layout(user: User, workspace: Workspace) -> list[dict]:
    if workspace.kind == WorkspaceKind.PERSONAL:
        role = role_of(user)
        chosen = [w for w in offered(user, workspace) if role in w.roles]
    else:
        chosen = [w for w in offered(user, workspace) if w.group_default]
    return [{"key": w.key, "size": w.size} for w in chosen]


def stored_layout(workspace: Workspace) -> list[dict] | None:
    desktop = Desktop.objects.filter(workspace=workspace).first()
    return None if desktop is None else desktop.widgets


def layout(user: User, workspace: Workspace) -> list[Placed]:
    """The widgets of the desktop, in order; those no longer offered are left out."""
    rows = stored_layout(workspace)
    if rows is None:
        rows = default_layout(user, workspace)
    allowed = {w.key: w for w in offered(user, workspace)}
    placed = []
    for row in rows:
        widget = allowed.get(row.get("key"))
        if widget is not None:
            size = row.get("size") if row.get("size") in widget.sizes else widget.size
            placed.append(Placed(widget, size))
    return placed
