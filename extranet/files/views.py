"""Pages of the shared storage. Thin: fetch through the permission authority (404 for what
one may not see, 403 for what one sees but may not do), call a service, render."""

from __future__ import annotations

from datetime import datetime, time

from django.contrib import messages
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.permissions import can
from core.proxies import rate_limit_key
from core.ratelimit import over_limit
from core.views import LoginRequired, get_object_or_deny
from core.workspaces.models import Workspace
from extranet.files import selectors, services
from extranet.files.downloads import serve_thumbnail, serve_version
from extranet.files.forms import (
    DestinationForm,
    NameForm,
    QuotaForm,
    ShareForm,
    SharePasswordForm,
    UploadForm,
)
from extranet.files.models import File, Folder, ShareLink
from extranet.files.permissions import workspaces_with_files_for

# --- Fetching through the permission authority ---------------------------------------------------


def _workspace(request: HttpRequest, slug: str, action: str = "use_files") -> Workspace:
    return get_object_or_deny(request, Workspace, action, slug=slug)


def _files(slug: str) -> QuerySet[File]:
    return File.objects.select_related("workspace", "current", "folder").filter(
        workspace__slug=slug
    )


def _file(request: HttpRequest, slug: str, pk: int, action: str = "view") -> File:
    return get_object_or_deny(request, _files(slug), action, pk=pk)


def _folder(request: HttpRequest, slug: str, pk: int, action: str = "view") -> Folder:
    return get_object_or_deny(
        request,
        Folder.objects.select_related("workspace", "parent").filter(workspace__slug=slug),
        action,
        pk=pk,
    )


def _int(value: str) -> int:
    if not value.isdigit():
        raise Http404
    return int(value)


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


def _back(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next", "")
    return target if target.startswith("/espace/fichiers/") else fallback


def _space_url(workspace: Workspace, folder: Folder | None = None) -> str:
    if folder is not None:
        return folder.get_absolute_url()
    return reverse("files:workspace", kwargs={"slug": workspace.slug})


# --- Browsing -------------------------------------------------------------------------------------


def index(request: HttpRequest) -> HttpResponse:
    """Every space whose files the user may read, with its usage."""
    if not request.user.is_authenticated:
        raise LoginRequired
    spaces = list(workspaces_with_files_for(request.user).order_by("kind", "name"))
    quotas = {q.pk: q for q in selectors.quotas_of(spaces)}
    return render(
        request,
        "files/index.html",
        {"spaces": [(w, quotas.get(w.pk)) for w in spaces], "title": _("Files")},
    )


def workspace_root(request: HttpRequest, slug: str) -> HttpResponse:
    return _browse(request, _workspace(request, slug), None)


def folder_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    folder = _folder(request, slug, pk)
    if folder.trashed_at:
        raise Http404
    return _browse(request, folder.workspace, folder)


def _browse(request: HttpRequest, workspace: Workspace, folder: Folder | None) -> HttpResponse:
    sort = request.GET.get("tri", "name")
    descending = request.GET.get("ordre") == "desc"
    view = "grid" if request.GET.get("vue") == "grille" else "list"
    listing = selectors.folder_listing(
        workspace, folder, sort=sort, descending=descending, page=request.GET.get("page", 1)
    )
    may_write = can(request.user, "write_files", workspace)
    quota = services.quota_for(workspace)
    context = {
        "workspace": workspace,
        "folder": folder,
        "breadcrumbs": folder.ancestors() if folder else [],
        "listing": listing,
        "view": view,
        "may_write": may_write,
        "may_set_quota": can(request.user, "set_files_quota", workspace),
        "quota": quota,
        "upload_form": UploadForm(),
        "max_upload_mb": services.max_upload_bytes() // 2**20,
        "title": folder.name if folder else _("Files of %(space)s") % {"space": workspace.name},
    }
    return render(request, "files/browse.html", context)


def file_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    file = _file(request, slug, pk)
    workspace = file.workspace
    may_change = can(request.user, "change", file)
    context = {
        "workspace": workspace,
        "file": file,
        "breadcrumbs": file.folder.ancestors() if file.folder else [],
        "versions": selectors.file_versions(file),
        "share_links": selectors.share_links_of(file) if may_change else [],
        "may_change": may_change,
        "may_share": can(request.user, "share", file),
        "destinations": selectors.destinations_for(request.user) if may_change else [],
        "share_form": ShareForm(),
        "title": file.name,
    }
    return render(request, "files/file_detail.html", context)


def folder_manage(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Rename, move, share or delete a folder."""
    folder = _folder(request, slug, pk, "change")
    context = {
        "workspace": folder.workspace,
        "folder": folder,
        "breadcrumbs": folder.ancestors(),
        "share_links": selectors.share_links_of(folder),
        "may_share": can(request.user, "share", folder),
        "destinations": selectors.destinations_for(request.user),
        "share_form": ShareForm(),
        "title": folder.name,
    }
    return render(request, "files/folder_manage.html", context)


# --- Downloads ------------------------------------------------------------------------------------


def download(request: HttpRequest, slug: str, pk: int, name: str) -> HttpResponse:
    file = _file(request, slug, pk)
    if file.current is None:
        raise Http404
    return serve_version(request, file.current, name=file.name)


def version_download(request: HttpRequest, slug: str, pk: int, number: int) -> HttpResponse:
    file = _file(request, slug, pk)
    version = file.versions.filter(number=number).first()
    if version is None:
        raise Http404
    return serve_version(request, version, name=file.name)


def thumbnail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    file = _file(request, slug, pk)
    if file.current is None or not file.current.thumbnail:
        raise Http404
    return serve_thumbnail(request, file.current)


# --- Writing ------------------------------------------------------------------------------------


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@require_POST
def upload(request: HttpRequest, slug: str) -> HttpResponse:
    workspace = _workspace(request, slug, "write_files")
    folder = None
    if request.POST.get("folder"):
        folder = _folder(request, slug, _int(request.POST["folder"]), "change")
    uploads = request.FILES.getlist("files")
    results = []
    for upload in uploads:
        try:
            version = services.file_upload(
                actor=request.user,
                workspace=workspace,
                folder=folder,
                upload=upload,
                name=upload.name or "",
                size=upload.size,
            )
        except ValidationError as error:
            results.append({"name": upload.name, "error": _error_text(error)})
        else:
            results.append(
                {
                    "name": version.file.name,
                    "url": version.file.get_absolute_url(),
                    "version": version.number,
                }
            )
    if _wants_json(request):
        if not uploads:
            return JsonResponse({"error": _("Choose at least one file.")}, status=400)
        refused = [r for r in results if "error" in r]
        # Uppy sends one file per request: its error is the message shown under it.
        status = 400 if refused and len(refused) == len(results) else 200
        body = {"results": results}
        if refused:
            body["error"] = refused[0]["error"]
        return JsonResponse(body, status=status)
    if not uploads:
        messages.error(request, _("Choose at least one file."))
    for result in results:
        if "error" in result:
            messages.error(request, result["error"])
        elif result["version"] > 1:
            messages.success(
                request,
                _("“%(name)s”: version %(n)s added.")
                % {"name": result["name"], "n": result["version"]},
            )
        else:
            messages.success(request, _("“%(name)s” is stored.") % {"name": result["name"]})
    return redirect(_space_url(workspace, folder))


@require_POST
def folder_create(request: HttpRequest, slug: str) -> HttpResponse:
    workspace = _workspace(request, slug, "write_files")
    parent = None
    if request.POST.get("parent"):
        parent = _folder(request, slug, _int(request.POST["parent"]), "change")
    form = NameForm(request.POST)
    if form.is_valid():
        try:
            folder = services.folder_create(
                actor=request.user,
                workspace=workspace,
                parent=parent,
                name=form.cleaned_data["name"],
            )
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(request, _("Folder “%(name)s” created.") % {"name": folder.name})
    else:
        messages.error(request, _("Give this folder a name."))
    return redirect(_space_url(workspace, parent))


@require_POST
def file_rename(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    file = _file(request, slug, pk, "change")
    form = NameForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Give this file a name."))
        services.file_rename(actor=request.user, file=file, name=form.cleaned_data["name"])
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("Renamed “%(name)s”.") % {"name": file.name})
    return redirect(file.get_absolute_url())


@require_POST
def folder_rename(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    folder = _folder(request, slug, pk, "change")
    form = NameForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Give this folder a name."))
        services.folder_rename(actor=request.user, folder=folder, name=form.cleaned_data["name"])
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("Renamed “%(name)s”.") % {"name": folder.name})
    return redirect(reverse("files:folder_manage", kwargs={"slug": slug, "pk": folder.pk}))


def _destination(request: HttpRequest) -> tuple[Workspace, Folder | None]:
    form = DestinationForm(request.POST)
    if not form.is_valid():
        raise ValidationError(_("Choose a destination in the list."))
    workspace_id, folder_id = form.cleaned_data["target"]
    workspace = Workspace.objects.filter(pk=workspace_id).first()
    if workspace is None or not can(request.user, "write_files", workspace):
        raise ValidationError(_("You cannot add files there."))
    folder = None
    if folder_id is not None:
        folder = Folder.objects.alive().filter(pk=folder_id, workspace=workspace).first()
        if folder is None:
            raise ValidationError(_("Choose a destination in the list."))
    return workspace, folder


@require_POST
def file_move(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    file = _file(request, slug, pk, "change")
    copy = request.POST.get("action") == "copy"
    try:
        workspace, folder = _destination(request)
        if copy:
            version = services.file_copy(
                actor=request.user, file=file, workspace=workspace, folder=folder
            )
            messages.success(request, _("Copied as “%(name)s”.") % {"name": version.file.name})
            return redirect(version.file.get_absolute_url())
        services.file_move(actor=request.user, file=file, workspace=workspace, folder=folder)
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return redirect(file.get_absolute_url())
    messages.success(request, _("Moved “%(name)s”.") % {"name": file.name})
    return redirect(file.get_absolute_url())


@require_POST
def folder_move(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    folder = _folder(request, slug, pk, "change")
    try:
        workspace, parent = _destination(request)
        services.folder_move(actor=request.user, folder=folder, workspace=workspace, parent=parent)
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return redirect(reverse("files:folder_manage", kwargs={"slug": slug, "pk": folder.pk}))
    messages.success(request, _("Moved “%(name)s”.") % {"name": folder.name})
    return redirect(folder.get_absolute_url())


@require_POST
def file_trash(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    file = _file(request, slug, pk, "change")
    services.file_trash(actor=request.user, file=file)
    messages.success(
        request,
        _("“%(name)s” is in the trash; you can restore it from there.") % {"name": file.name},
    )
    return redirect(_space_url(file.workspace, file.folder))


@require_POST
def folder_trash(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    folder = _folder(request, slug, pk, "change")
    services.folder_trash(actor=request.user, folder=folder)
    messages.success(
        request,
        _("“%(name)s” is in the trash; you can restore it from there.") % {"name": folder.name},
    )
    return redirect(_space_url(folder.workspace, folder.parent))


@require_POST
def version_restore(request: HttpRequest, slug: str, pk: int, number: int) -> HttpResponse:
    file = _file(request, slug, pk, "change")
    version = file.versions.filter(number=number).first()
    if version is None:
        raise Http404
    try:
        restored = services.version_restore(actor=request.user, version=version)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(
            request,
            _("Version %(old)s is current again, as version %(new)s.")
            % {"old": number, "new": restored.number},
        )
    return redirect(file.get_absolute_url())


# --- Trash --------------------------------------------------------------------------------------


def trash(request: HttpRequest, slug: str) -> HttpResponse:
    workspace = _workspace(request, slug, "write_files")
    folders, files = services.trashed_items(workspace)
    return render(
        request,
        "files/trash.html",
        {
            "workspace": workspace,
            "folders": folders,
            "files": files,
            "days": services.settings.FILES_TRASH_DAYS,
            "title": _("Trash"),
        },
    )


@require_POST
def trash_action(request: HttpRequest, slug: str) -> HttpResponse:
    workspace = _workspace(request, slug, "write_files")
    action = request.POST.get("action")
    if action == "empty":
        count = services.trash_empty(actor=request.user, workspace=workspace)
        messages.success(request, _("The trash is empty (%(n)s files deleted).") % {"n": count})
        return redirect(reverse("files:trash", kwargs={"slug": slug}))
    kind, _sep, pk = request.POST.get("item", "").partition(":")
    model = {"file": File, "folder": Folder}.get(kind)
    if model is None or not pk.isdigit():
        raise Http404
    item = get_object_or_deny(
        request,
        model.objects.select_related("workspace"),
        "change",
        pk=int(pk),
        workspace=workspace,
    )
    if action == "restore":
        services.item_restore(actor=request.user, item=item)
        messages.success(request, _("“%(name)s” is restored.") % {"name": item.name})
    elif action == "delete":
        try:
            services.item_delete_forever(actor=request.user, item=item)
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(request, _("“%(name)s” is deleted for good.") % {"name": item.name})
    return redirect(reverse("files:trash", kwargs={"slug": slug}))


# --- Quota --------------------------------------------------------------------------------------


@require_POST
def quota_set(request: HttpRequest, slug: str) -> HttpResponse:
    workspace = _workspace(request, slug, "set_files_quota")
    form = QuotaForm(request.POST)
    if form.is_valid():
        limit = form.cleaned_data["limit_mb"]
        services.quota_set(
            actor=request.user,
            workspace=workspace,
            limit_bytes=None if limit is None else limit * 2**20,
        )
        messages.success(request, _("The quota is changed."))
    else:
        messages.error(request, _("The quota must be a whole number of megabytes."))
    return redirect(_space_url(workspace))


# --- Share links --------------------------------------------------------------------------------


@require_POST
def share_create(request: HttpRequest, slug: str, kind: str, pk: int) -> HttpResponse:
    if kind == "fichier":
        item = _file(request, slug, pk, "share")
        back = item.get_absolute_url()
    else:
        item = _folder(request, slug, pk, "share")
        back = reverse("files:folder_manage", kwargs={"slug": slug, "pk": item.pk})
    form = ShareForm(request.POST)
    if form.is_valid():
        day = form.cleaned_data["expires_at"]
        expires = timezone.make_aware(datetime.combine(day, time.max)) if day is not None else None
        try:
            link = services.share_link_create(
                actor=request.user,
                item=item,
                expires_at=expires,
                password=form.cleaned_data["password"],
            )
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(
                request,
                _("Public link created: %(url)s")
                % {"url": request.build_absolute_uri(link.get_absolute_url())},
            )
    else:
        messages.error(request, _("Check the expiry date."))
    return redirect(back)


@require_POST
def share_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    link = get_object_or_deny(
        request, ShareLink.objects.select_related("workspace", "file", "folder"), "revoke", pk=pk
    )
    services.share_link_revoke(actor=request.user, link=link)
    messages.success(request, _("The link no longer works."))
    target = link.target
    if isinstance(target, File):
        return redirect(target.get_absolute_url())
    return redirect(
        reverse("files:folder_manage", kwargs={"slug": link.workspace.slug, "pk": target.pk})
    )


# --- Public side of share links ----------------------------------------------------------------


def _share_link(request: HttpRequest, token: str) -> ShareLink:
    link = (
        ShareLink.objects.select_related("workspace", "file__current", "folder", "created_by")
        .filter(token=token)
        .first()
    )
    # Revoked, expired, trashed or no longer allowed: as if it never existed.
    if link is None or not can(link.created_by, "use_files", link.workspace):
        raise Http404
    if not can(request.user, "open", link):
        raise Http404
    return link


def _unlocked(request: HttpRequest, link: ShareLink) -> bool:
    return not link.password or request.session.get(f"share-{link.pk}") == link.password[-16:]


def _shared_file(link: ShareLink, file_pk: int | None) -> File:
    if link.file is not None:
        if file_pk is not None and file_pk != link.file.pk:
            raise Http404
        return link.file
    alive = services.alive_folder_ids(link.folder)
    file = (
        File.objects.alive()
        .select_related("current")
        .filter(pk=file_pk, folder_id__in=alive)
        .first()
    )
    if file is None:
        raise Http404
    return file


def share_open(request: HttpRequest, token: str, folder_pk: int | None = None) -> HttpResponse:
    link = _share_link(request, token)
    if not _unlocked(request, link):
        form = SharePasswordForm(request.POST or None)
        if request.method == "POST":
            if over_limit(
                "share-password",
                f"{link.pk}:{rate_limit_key(request)}",
                limit=services.settings.FILES_SHARE_PASSWORD_TRIES_PER_HOUR,
                window=3600,
            ):
                return render(request, "files/share_limited.html", status=429)
            if form.is_valid() and check_password(form.cleaned_data["password"], link.password):
                request.session[f"share-{link.pk}"] = link.password[-16:]
                return redirect(request.path)
            form.add_error("password", _("This is not the password."))
        return render(
            request, "files/share_password.html", {"form": form, "title": _("Shared file")}
        )
    context = {"link": link, "title": link.target.name}
    if link.folder is not None:
        folder = link.folder
        if folder_pk is not None:
            folders, _files = services._subtree(link.folder)
            folder = next((f for f in folders if f.pk == folder_pk and f.trashed_at is None), None)
            if folder is None:
                raise Http404
        context["folder"] = folder
        context["folders"] = Folder.objects.alive().filter(parent=folder).order_by("name")
        context["files"] = File.objects.alive().filter(folder=folder).order_by("name")[:1000]
    return render(request, "files/share_open.html", context)


def share_download(request: HttpRequest, token: str, file_pk: int | None = None) -> HttpResponse:
    link = _share_link(request, token)
    if not _unlocked(request, link):
        return redirect(link.get_absolute_url())
    if over_limit(
        "share-download",
        rate_limit_key(request),
        limit=services.settings.FILES_SHARE_DOWNLOADS_PER_HOUR,
        window=3600,
    ):
        return render(request, "files/share_limited.html", status=429)
    file = _shared_file(link, file_pk)
    if file.current is None:
        raise Http404
    if "Range" not in request.headers or request.headers["Range"].startswith("bytes=0-"):
        services.share_link_count_download(link)
    return serve_version(request, file.current, name=file.name)
