"""Writes of the network of colleagues: status posts, their comments and reactions."""

from __future__ import annotations

import uuid
from typing import IO

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.accounts.models import User
from core.activity.services import activity_forget, activity_record
from core.permissions import require
from core.ratelimit import over_limit
from core.uploads import UploadRefused, check_upload
from extranet.files import services as file_services
from extranet.network.models import StatusComment, StatusPost, StatusReaction

PICTURE_TYPES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp"})
PICTURE_MAX_BYTES = 8 * 1024 * 1024


def _check_rate(user: User) -> None:
    if over_limit("network.status", user.pk, limit=20, window=600):
        raise ValidationError(_("You are posting a lot: wait a few minutes and try again."))


def _store_picture(author: User, upload: IO[bytes], name: str, size: int | None):
    try:
        checked = check_upload(
            upload, name=name, size=size, allowed=PICTURE_TYPES, max_bytes=PICTURE_MAX_BYTES
        )
    except UploadRefused as refused:
        raise ValidationError(str(refused)) from refused
    upload.seek(0)
    extension = checked.name.rsplit(".", 1)[-1] if "." in checked.name else "img"
    version = file_services.file_upload(
        actor=author,
        workspace=author.personal_workspace,
        folder=None,
        upload=upload,
        name=f"statut-{uuid.uuid4().hex[:12]}.{extension}",
        size=size,
    )
    return version.file


def status_create(
    *,
    author: User,
    text: str,
    link: str = "",
    picture: IO[bytes] | None = None,
    picture_name: str = "",
    picture_size: int | None = None,
) -> StatusPost:
    """Post a status on one's profile; followers see it in their feed."""
    require(author, "edit_profile", author)
    text = text.strip()
    if not text:
        raise ValidationError(_("Write something first."))
    _check_rate(author)
    status = StatusPost(author=author, text=text, link=link.strip())
    status.full_clean(exclude=["picture"])
    stored = _store_picture(author, picture, picture_name, picture_size) if picture else None
    with transaction.atomic():
        status.picture = stored
        status.save()
        activity_record(
            kind="network.status",
            actor=author,
            subject=status,
            title=text[:120],
            url=status.get_absolute_url(),
        )
    return status


@transaction.atomic
def status_delete(*, actor: User, status: StatusPost) -> None:
    require(actor, "delete", status)
    activity_forget(status)
    status.delete()


def comment_create(*, actor: User, status: StatusPost, text: str) -> StatusComment:
    require(actor, "comment", status)
    text = text.strip()
    if not text:
        raise ValidationError(_("Write something first."))
    _check_rate(actor)
    comment = StatusComment(status=status, author=actor, text=text)
    comment.full_clean()
    comment.save()
    return comment


def comment_delete(*, actor: User, comment: StatusComment) -> None:
    require(actor, "delete", comment)
    comment.delete()


@transaction.atomic
def reaction_toggle(*, actor: User, status: StatusPost) -> bool:
    """Thank (or stop thanking) for a post. Returns whether the reaction is now there."""
    require(actor, "comment", status)
    deleted, _rows = StatusReaction.objects.filter(status=status, user=actor).delete()
    if deleted:
        return False
    StatusReaction.objects.create(status=status, user=actor)
    return True
