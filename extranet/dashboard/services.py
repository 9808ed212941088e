"""Writes of the desktop: arranging widgets, notes, bookmarks."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.accounts.models import User
from core.permissions import can
from core.workspaces.models import Workspace, WorkspaceKind
from extranet.dashboard.models import Bookmark, Desktop, Note
from extranet.dashboard.selectors import MAX_WIDGETS, layout, offered

ACTIONS = ("add", "remove", "up", "down", "size", "order", "reset")


def may_arrange(user: User, workspace: Workspace) -> bool:
    """One arranges one's own desktop; a group's home page is arranged by its owners."""
    if workspace.kind == WorkspaceKind.PERSONAL:
        return workspace.personal_owner_id == user.pk
    return workspace.kind == WorkspaceKind.GROUP and can(user, "manage", workspace)


@transaction.atomic
def desktop_arrange(
    *,
    actor: User,
    workspace: Workspace,
    action: str,
    key: str = "",
    size: str = "",
    order: list[str] | None = None,
) -> list[dict]:
    """Add, remove, move, resize, reorder (drag and drop) or reset the desktop's widgets."""
    if not may_arrange(actor, workspace):
        raise ValidationError(_("You may not arrange this desktop."))
    if action not in ACTIONS:
        raise ValidationError(_("Unknown action."))
    if action == "reset":
        Desktop.objects.filter(workspace=workspace).delete()
        return []
    available = {w.key: w for w in offered(actor, workspace)}
    rows = [{"key": p.widget.key, "size": p.size} for p in layout(actor, workspace)]
    keys = [r["key"] for r in rows]
    if action == "order":
        order = order or []
        if sorted(order) != sorted(keys):
            raise ValidationError(_("The new order must list the same widgets."))
        by_key = {r["key"]: r for r in rows}
        rows = [by_key[k] for k in order]
    else:
        if key not in available:
            raise ValidationError(_("This widget does not exist or is not offered here."))
        if action == "add":
            if key in keys:
                raise ValidationError(_("This widget is already on the desktop."))
            if len(rows) >= MAX_WIDGETS:
                raise ValidationError(
                    _("A desktop holds at most %(n)s widgets.") % {"n": MAX_WIDGETS}
                )
            rows.insert(0, {"key": key, "size": available[key].size})
        else:
            if key not in keys:
                raise ValidationError(_("This widget is not on the desktop."))
            i = keys.index(key)
            if action == "remove":
                rows.pop(i)
            elif action == "up" and i > 0:
                rows[i - 1], rows[i] = rows[i], rows[i - 1]
            elif action == "down" and i < len(rows) - 1:
                rows[i + 1], rows[i] = rows[i], rows[i + 1]
            elif action == "size":
                if size not in available[key].sizes:
                    raise ValidationError(_("This size is not offered for this widget."))
                rows[i] = {"key": key, "size": size}
    Desktop.objects.update_or_create(workspace=workspace, defaults={"widgets": rows})
    return rows


def note_save(*, owner: User, text: str) -> Note:
    note, _created = Note.objects.get_or_create(owner=owner)
    note.text = text
    note.full_clean()
    note.save()
    return note


def bookmark_add(*, owner: User, title: str, url: str) -> Bookmark:
    if owner.bookmarks.count() >= 50:
        raise ValidationError(_("You have 50 bookmarks already: remove one first."))
    bookmark = Bookmark(owner=owner, title=title.strip(), url=url.strip())
    bookmark.full_clean()
    bookmark.save()
    return bookmark


def bookmark_remove(*, owner: User, bookmark: Bookmark) -> None:
    if bookmark.owner_id != owner.pk:
        raise ValidationError(_("This bookmark is not yours."))
    bookmark.delete()
