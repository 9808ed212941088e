"""Writes on files: upload (new file or new version), folders, rename, move, copy, trash,
quotas and share links. Each service asks the permission authority itself.

Uploads never leave anything half-stored: the type is checked on the content first, the
bytes are written under a fresh random name outside any transaction, then the quota is
accounted under a lock on the workspace's quota row (SELECT … FOR UPDATE on PostgreSQL;
SQLite takes its write lock at BEGIN IMMEDIATE) together with the rows; if anything fails
the blob is deleted.
"""

from __future__ import annotations

import re
import secrets
from datetime import datetime, timedelta
from typing import IO

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from core.accounts.models import User
from core.activity.services import activity_record
from core.permissions import require
from core.uploads import ALL_TYPES, CheckedUpload, check_upload, clean_filename
from core.workspaces.models import Workspace
from extranet.files import storage
from extranet.files.models import MAX_FOLDER_DEPTH, File, Folder, Quota, ShareLink, Version


class QuotaExceeded(ValidationError):
    pass


def max_upload_bytes() -> int:
    return settings.FILES_MAX_UPLOAD_MB * 2**20


# --- Quotas ------------------------------------------------------------------------------------


def quota_for(workspace: Workspace) -> Quota:
    quota, _created = Quota.objects.get_or_create(workspace=workspace)
    quota.workspace = workspace
    return quota


def _quota_refusal(name: str, quota: Quota, size: int) -> QuotaExceeded:
    return QuotaExceeded(
        _(
            "“%(name)s” does not fit: this space has %(free)s left of its %(limit)s, "
            "and the file weighs %(size)s. Empty the trash or delete old files first."
        )
        % {
            "name": name,
            "free": _size(quota.free),
            "limit": _size(quota.limit),
            "size": _size(size),
        },
        code="quota",
    )


def _size(n: int) -> str:
    from django.template.defaultfilters import filesizeformat

    return str(filesizeformat(n))


def _charge(workspace: Workspace, nbytes: int, name: str) -> None:
    """Take `nbytes` from the workspace's quota, or refuse. Must run inside a transaction:
    the row lock holds until it commits, so concurrent uploads cannot both pass."""
    quota_for(workspace)
    quota = Quota.objects.select_for_update().get(pk=workspace.pk)
    quota.workspace = workspace
    if nbytes > 0 and quota.used_bytes + nbytes > quota.limit:
        raise _quota_refusal(name, quota, nbytes)
    Quota.objects.filter(pk=workspace.pk).update(used_bytes=F("used_bytes") + nbytes)


def _release(workspace_id: int, nbytes: int) -> None:
    if nbytes:
        Quota.objects.filter(pk=workspace_id).update(used_bytes=F("used_bytes") - nbytes)


def quota_set(*, actor: User, workspace: Workspace, limit_bytes: int | None) -> Quota:
    require(actor, "set_files_quota", workspace)
    if limit_bytes is not None and limit_bytes < 0:
        raise ValidationError({"limit": _("A quota cannot be negative.")})
    quota = quota_for(workspace)
    quota.limit_bytes = limit_bytes
    quota.save(update_fields=["limit_bytes"])
    return quota


def quota_recount(workspace: Workspace) -> Quota:
    """Recompute the usage from the versions (an admin repair; uploads keep it exact)."""
    with transaction.atomic():
        quota = Quota.objects.select_for_update().get(pk=quota_for(workspace).pk)
        used = Version.objects.filter(file__workspace=workspace).aggregate(n=Sum("counted_bytes"))[
            "n"
        ]
        quota.used_bytes = used or 0
        quota.save(update_fields=["used_bytes"])
    return quota


# --- Names and places ------------------------------------------------------------------------


def _check_folder(workspace: Workspace, folder: Folder | None) -> None:
    if folder is not None and (folder.workspace_id != workspace.pk or folder.trashed_at):
        raise ValidationError({"folder": _("This folder is not in this space.")})


def _name_taken(
    workspace: Workspace, folder: Folder | None, name: str, *, exclude: File | Folder | None = None
) -> bool:
    files = File.objects.alive().filter(workspace=workspace, folder=folder, name=name)
    folders = Folder.objects.alive().filter(workspace=workspace, parent=folder, name=name)
    if isinstance(exclude, File):
        files = files.exclude(pk=exclude.pk)
    elif isinstance(exclude, Folder):
        folders = folders.exclude(pk=exclude.pk)
    return files.exists() or folders.exists()


def _taken_error(name: str) -> ValidationError:
    return ValidationError(
        {"name": _("“%(name)s” already exists here: choose another name.") % {"name": name}},
        code="name_taken",
    )


def _free_name(workspace: Workspace, folder: Folder | None, name: str) -> str:
    """`name`, or `name (2)`, `name (3)`… whichever is free in the folder."""
    if not _name_taken(workspace, folder, name):
        return name
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem:
        stem, ext = name, ""
    stem = re.sub(r" \(\d+\)$", "", stem)
    n = 2
    while True:
        candidate = f"{stem} ({n})" + (f".{ext}" if ext else "")
        if not _name_taken(workspace, folder, candidate):
            return candidate
        n += 1


def _folder_name(name: str) -> str:
    cleaned = clean_filename(name)
    if not cleaned:
        raise ValidationError({"name": _("Give this folder a name.")})
    return cleaned


def _depth(folder: Folder | None) -> int:
    return len(folder.ancestors()) if folder else 0


def _subtree_height(folder: Folder) -> int:
    children = list(folder.children.all())
    return 1 + max((_subtree_height(c) for c in children), default=0)


# --- Folders -----------------------------------------------------------------------------------


def folder_create(*, actor: User, workspace: Workspace, parent: Folder | None, name: str) -> Folder:
    require(actor, "write_files", workspace)
    _check_folder(workspace, parent)
    name = _folder_name(name)
    if _depth(parent) >= MAX_FOLDER_DEPTH:
        raise ValidationError(
            {"name": _("Folders can nest %(n)s levels deep at most.") % {"n": MAX_FOLDER_DEPTH}}
        )
    with transaction.atomic():
        if _name_taken(workspace, parent, name):
            raise _taken_error(name)
        folder = Folder(workspace=workspace, parent=parent, name=name, created_by=actor)
        folder.full_clean(exclude=["created_by", "trashed_by"])
        folder.save()
    return folder


# --- Uploads -----------------------------------------------------------------------------------


def check_file(file: IO[bytes], *, name: str, size: int | None = None) -> CheckedUpload:
    """The kernel's checks (type from content, allowlist, clean name) with this module's
    size limit."""
    return check_upload(file, name=name, size=size, allowed=ALL_TYPES, max_bytes=max_upload_bytes())


def file_upload(
    *,
    actor: User,
    workspace: Workspace,
    folder: Folder | None,
    upload: IO[bytes],
    name: str,
    size: int | None = None,
) -> Version:
    """Store an upload as a new file, or as a new version of the file of that name."""
    require(actor, "write_files", workspace)
    _check_folder(workspace, folder)
    checked = check_file(upload, name=name, size=size)
    quota = quota_for(workspace)
    if quota.used_bytes + checked.size > quota.limit:  # early answer; the real check is below
        raise _quota_refusal(checked.name, quota, checked.size)
    digest = storage.sha256_of(upload)
    blob = storage.save_blob(upload)
    try:
        with transaction.atomic():
            _charge(workspace, checked.size, checked.name)
            version = _add_version(
                actor=actor,
                workspace=workspace,
                folder=folder,
                name=checked.name,
                mime=checked.mime,
                blob=blob,
                size=checked.size,
                counted=checked.size,
                sha256=digest,
            )
            if version.number == 1:
                activity_record(
                    kind="files.file",
                    actor=actor,
                    subject=version.file,
                    title=version.file.name,
                    url=version.file.get_absolute_url(),
                    workspace=workspace,
                )
    except BaseException:
        storage.delete_blob(blob)
        raise
    _after_new_version(version)
    return version


def _add_version(
    *,
    actor: User,
    workspace: Workspace,
    folder: Folder | None,
    name: str,
    mime: str,
    blob: str,
    size: int,
    counted: int,
    sha256: str,
) -> Version:
    now = timezone.now()
    file = (
        File.objects.alive()
        .select_for_update()
        .filter(workspace=workspace, folder=folder, name=name)
        .first()
    )
    if file is None:
        if Folder.objects.alive().filter(workspace=workspace, parent=folder, name=name).exists():
            raise _taken_error(name)
        file = File(
            workspace=workspace, folder=folder, name=name, created_by=actor, mime=mime, size=size
        )
        file.full_clean(exclude=["current", "created_by", "trashed_by"], validate_constraints=False)
        file.save()
        number = 1
    else:
        number = (
            file.versions.order_by("-number").values_list("number", flat=True).first() or 0
        ) + 1
    version = Version.objects.create(
        file=file,
        number=number,
        blob=blob,
        size=size,
        counted_bytes=counted,
        mime=mime,
        sha256=sha256,
        uploaded_by=actor,
        created_at=now,
    )
    File.objects.filter(pk=file.pk).update(
        current=version, mime=mime, size=size, updated_at=now, text="", text_extracted_at=None
    )
    file.current, file.mime, file.size, file.updated_at = version, mime, size, now
    version.file = file
    return version


def _after_new_version(version: Version) -> None:
    """Previews and text extraction, in the task system once the rows are committed."""
    from extranet.files import tasks

    version_id, file_id = version.pk, version.file_id
    transaction.on_commit(lambda: tasks.make_preview.enqueue(version_id=version_id))
    transaction.on_commit(lambda: tasks.extract_text.enqueue(file_id=file_id))


def version_restore(*, actor: User, version: Version) -> Version:
    """Make an old version current again, as a new version sharing its bytes."""
    file = version.file
    require(actor, "change", file)
    if file.trashed_at:
        raise ValidationError(_("Restore the file from the trash first."))
    with transaction.atomic():
        restored = _add_version(
            actor=actor,
            workspace=file.workspace,
            folder=file.folder,
            name=file.name,
            mime=version.mime,
            blob=version.blob,
            size=version.size,
            counted=0,
            sha256=version.sha256,
        )
        Version.objects.filter(pk=restored.pk).update(thumbnail=version.thumbnail)
    _after_new_version(restored)
    return restored


# --- Rename, move, copy --------------------------------------------------------------------------


def file_rename(*, actor: User, file: File, name: str) -> File:
    require(actor, "change", file)
    kind = file.type
    new = clean_filename(name, kind) if kind else clean_filename(name)
    if not new:
        raise ValidationError({"name": _("Give this file a name.")})
    with transaction.atomic():
        if _name_taken(file.workspace, file.folder, new, exclude=file):
            raise _taken_error(new)
        File.objects.filter(pk=file.pk).update(name=new, updated_at=timezone.now())
    file.name = new
    return file


def folder_rename(*, actor: User, folder: Folder, name: str) -> Folder:
    require(actor, "change", folder)
    new = _folder_name(name)
    with transaction.atomic():
        if _name_taken(folder.workspace, folder.parent, new, exclude=folder):
            raise _taken_error(new)
        Folder.objects.filter(pk=folder.pk).update(name=new, updated_at=timezone.now())
    folder.name = new
    return folder


def _file_bytes(file: File) -> int:
    return file.versions.aggregate(n=Sum("counted_bytes"))["n"] or 0


def _subtree(folder: Folder) -> tuple[list[Folder], list[File]]:
    folders, frontier = [folder], [folder]
    while frontier:
        frontier = list(Folder.objects.filter(parent__in=frontier))
        folders += frontier
    return folders, list(File.objects.filter(folder__in=folders))


def file_move(*, actor: User, file: File, workspace: Workspace, folder: Folder | None) -> File:
    """Move into another folder, possibly of another workspace where the actor writes."""
    require(actor, "change", file)
    require(actor, "write_files", workspace)
    _check_folder(workspace, folder)
    source = file.workspace
    with transaction.atomic():
        if _name_taken(workspace, folder, file.name, exclude=file):
            raise _taken_error(file.name)
        if workspace.pk != source.pk:
            nbytes = _file_bytes(file)
            _charge(workspace, nbytes, file.name)
            _release(source.pk, nbytes)
            ShareLink.objects.filter(file=file).update(revoked_at=timezone.now())
        File.objects.filter(pk=file.pk).update(workspace=workspace, folder=folder)
    file.workspace, file.folder = workspace, folder
    return file


def folder_move(
    *, actor: User, folder: Folder, workspace: Workspace, parent: Folder | None
) -> Folder:
    require(actor, "change", folder)
    require(actor, "write_files", workspace)
    _check_folder(workspace, parent)
    if parent is not None and folder in parent.ancestors():
        raise ValidationError({"folder": _("A folder cannot go inside itself.")})
    if _depth(parent) + _subtree_height(folder) > MAX_FOLDER_DEPTH:
        raise ValidationError(
            {"folder": _("Folders can nest %(n)s levels deep at most.") % {"n": MAX_FOLDER_DEPTH}}
        )
    source = folder.workspace
    with transaction.atomic():
        if _name_taken(workspace, parent, folder.name, exclude=folder):
            raise _taken_error(folder.name)
        if workspace.pk != source.pk:
            folders, files = _subtree(folder)
            nbytes = (
                Version.objects.filter(file__in=files).aggregate(n=Sum("counted_bytes"))["n"] or 0
            )
            _charge(workspace, nbytes, folder.name)
            _release(source.pk, nbytes)
            Folder.objects.filter(pk__in=[f.pk for f in folders]).update(workspace=workspace)
            File.objects.filter(pk__in=[f.pk for f in files]).update(workspace=workspace)
            ShareLink.objects.filter(Q(file__in=files) | Q(folder__in=folders)).update(
                revoked_at=timezone.now()
            )
        Folder.objects.filter(pk=folder.pk).update(workspace=workspace, parent=parent)
    folder.workspace, folder.parent = workspace, parent
    return folder


def file_copy(*, actor: User, file: File, workspace: Workspace, folder: Folder | None) -> Version:
    """A new file with the bytes of the current version (copied: each file owns its blobs)."""
    require(actor, "view", file)
    require(actor, "write_files", workspace)
    _check_folder(workspace, folder)
    current = file.current
    if current is None:
        raise ValidationError(_("This file has no content yet."))
    quota = quota_for(workspace)
    if quota.used_bytes + current.size > quota.limit:
        raise _quota_refusal(file.name, quota, current.size)
    blob = storage.copy_blob(current.blob)
    try:
        with transaction.atomic():
            _charge(workspace, current.size, file.name)
            version = _add_version(
                actor=actor,
                workspace=workspace,
                folder=folder,
                name=_free_name(workspace, folder, file.name),
                mime=current.mime,
                blob=blob,
                size=current.size,
                counted=current.size,
                sha256=current.sha256,
            )
    except BaseException:
        storage.delete_blob(blob)
        raise
    _after_new_version(version)
    return version


# --- Trash -------------------------------------------------------------------------------------


def file_trash(*, actor: User, file: File) -> None:
    require(actor, "change", file)
    File.objects.filter(pk=file.pk).update(trashed_at=timezone.now(), trashed_by=actor)
    ShareLink.objects.filter(file=file, revoked_at__isnull=True).update(revoked_at=timezone.now())


def folder_trash(*, actor: User, folder: Folder) -> None:
    require(actor, "change", folder)
    now = timezone.now()
    Folder.objects.filter(pk=folder.pk).update(trashed_at=now, trashed_by=actor)
    folders, files = _subtree(folder)
    ShareLink.objects.filter(Q(file__in=files) | Q(folder__in=folders)).filter(
        revoked_at__isnull=True
    ).update(revoked_at=now)


def item_restore(*, actor: User, item: File | Folder) -> File | Folder:
    """Back from the trash, under a free name if another item took its place meanwhile."""
    require(actor, "change", item)
    if item.trashed_at is None:
        return item
    with transaction.atomic():
        place = item.folder if isinstance(item, File) else item.parent
        if place is not None and (place.trashed_at or not _alive_path(place)):
            place = None  # its folder is gone: back to the top of the space
        name = _free_name(item.workspace, place, item.name)
        fields = {"trashed_at": None, "trashed_by": None, "name": name}
        if isinstance(item, File):
            File.objects.filter(pk=item.pk).update(folder=place, **fields)
            item.folder = place
        else:
            Folder.objects.filter(pk=item.pk).update(parent=place, **fields)
            item.parent = place
    item.name, item.trashed_at = name, None
    return item


def _alive_path(folder: Folder) -> bool:
    return all(f.trashed_at is None for f in folder.ancestors())


def alive_folder_ids(folder: Folder) -> set[int]:
    """The folders under `folder` (itself included) in the trash neither themselves nor
    through a parent: one query per level, not per folder (each is judged by its parent,
    met before it)."""
    if not _alive_path(folder):
        return set()
    folders, _files = _subtree(folder)
    alive = {folder.pk}
    for child in folders[1:]:
        if child.trashed_at is None and child.parent_id in alive:
            alive.add(child.pk)
    return alive


def trashed_items(workspace: Workspace) -> tuple[list[Folder], list[File]]:
    return (
        list(Folder.objects.trashed().filter(workspace=workspace).order_by("-trashed_at")),
        list(
            File.objects.trashed()
            .filter(workspace=workspace)
            .select_related("trashed_by")
            .order_by("-trashed_at")
        ),
    )


def _purge(folders: list[Folder], files: list[File]) -> int:
    """Delete rows for good, release their bytes, delete the blobs once committed."""
    for folder in list(folders):
        more_folders, more_files = _subtree(folder)
        folders += more_folders[1:]
        files += more_files
    file_ids = {f.pk for f in files}
    versions = list(
        Version.objects.filter(file_id__in=file_ids).values(
            "blob", "counted_bytes", "file__workspace_id"
        )
    )
    blobs = {v["blob"] for v in versions}
    by_workspace: dict[int, int] = {}
    for v in versions:
        by_workspace[v["file__workspace_id"]] = (
            by_workspace.get(v["file__workspace_id"], 0) + v["counted_bytes"]
        )
    with transaction.atomic():
        for workspace_id in sorted(by_workspace):
            Quota.objects.select_for_update().filter(pk=workspace_id).first()
            _release(workspace_id, by_workspace[workspace_id])
        File.objects.filter(pk__in=file_ids).update(current=None)
        Version.objects.filter(file_id__in=file_ids).delete()
        File.objects.filter(pk__in=file_ids).delete()
        Folder.objects.filter(pk__in=[f.pk for f in folders]).delete()

        def delete_blobs() -> None:
            still_used = set(Version.objects.filter(blob__in=blobs).values_list("blob", flat=True))
            for blob in blobs - still_used:
                storage.delete_blob(blob)
            from extranet.files.tasks import delete_thumbnails

            delete_thumbnails(blobs)

        transaction.on_commit(delete_blobs)
    return len(file_ids)


def trash_empty(*, actor: User, workspace: Workspace) -> int:
    require(actor, "write_files", workspace)
    folders, files = trashed_items(workspace)
    return _purge(folders, files)


def item_delete_forever(*, actor: User, item: File | Folder) -> None:
    require(actor, "change", item)
    if item.trashed_at is None:
        raise ValidationError(_("Put it in the trash first."))
    if isinstance(item, File):
        _purge([], [item])
    else:
        _purge([item], [])


def purge_trash(*, older_than: timedelta | None = None, now: datetime | None = None) -> int:
    """What has been in the trash longer than FILES_TRASH_DAYS (manage.py purge_trash)."""
    limit = (now or timezone.now()) - (older_than or timedelta(days=settings.FILES_TRASH_DAYS))
    folders = list(Folder.objects.filter(trashed_at__lt=limit))
    files = list(File.objects.filter(trashed_at__lt=limit))
    return _purge(folders, files)


# --- Share links -------------------------------------------------------------------------------


def share_link_create(
    *,
    actor: User,
    item: File | Folder,
    expires_at: datetime | None = None,
    password: str = "",
) -> ShareLink:
    require(actor, "share", item)
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": _("The expiry date must be in the future.")})
    link = ShareLink(
        token=secrets.token_urlsafe(24),
        workspace=item.workspace,
        file=item if isinstance(item, File) else None,
        folder=item if isinstance(item, Folder) else None,
        created_by=actor,
        expires_at=expires_at,
        password=make_password(password) if password else "",
    )
    link.full_clean()
    link.save()
    return link


def share_link_revoke(*, actor: User, link: ShareLink) -> None:
    require(actor, "revoke", link)
    ShareLink.objects.filter(pk=link.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


def share_link_count_download(link: ShareLink) -> None:
    ShareLink.objects.filter(pk=link.pk).update(download_count=F("download_count") + 1)
