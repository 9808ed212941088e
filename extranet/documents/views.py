"""Pages of the co-edited documents. Thin: fetch through the permission authority (404 for
what one may not see, 403 for what one sees but may not do), call a service, render."""

from __future__ import annotations

import difflib

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.permissions import can
from core.views import LoginRequired, get_object_or_deny
from core.workspaces.models import Workspace
from extranet.documents import convert, selectors, services
from extranet.documents.forms import ImportForm, TitleForm, VersionNameForm
from extranet.documents.models import Document, Version
from extranet.documents.permissions import workspaces_with_documents_for

IMPORT_MAX_BYTES = 10 * 2**20


def _workspace(request: HttpRequest, slug: str, action: str = "use_documents") -> Workspace:
    return get_object_or_deny(request, Workspace, action, slug=slug)


def _document(request: HttpRequest, slug: str, pk: int, action: str = "view") -> Document:
    return get_object_or_deny(
        request,
        Document.objects.select_related("workspace", "last_edited_by").filter(workspace__slug=slug),
        action,
        pk=pk,
    )


def _alive(document: Document) -> Document:
    if document.trashed_at is not None:
        raise Http404
    return document


def _errors(error: ValidationError) -> str:
    return " ".join(error.messages)


def _list_url(workspace: Workspace) -> str:
    return reverse("documents:workspace", kwargs={"slug": workspace.slug})


# --- Lists ------------------------------------------------------------------------------------


def index(request: HttpRequest) -> HttpResponse:
    """Every space whose documents the user may read."""
    if not request.user.is_authenticated:
        raise LoginRequired
    spaces = list(workspaces_with_documents_for(request.user).order_by("kind", "name"))
    return render(request, "documents/index.html", {"spaces": spaces, "title": _("Documents")})


def workspace_documents(request: HttpRequest, slug: str) -> HttpResponse:
    workspace = _workspace(request, slug)
    documents = list(selectors.documents_of(workspace))
    rows = [(d, selectors.people_present(d)) for d in documents]
    return render(
        request,
        "documents/list.html",
        {
            "workspace": workspace,
            "rows": rows,
            "may_write": can(request.user, "write_documents", workspace),
            "form": TitleForm(),
            "import_form": ImportForm(),
            "title": _("Documents of %(space)s") % {"space": workspace.name},
        },
    )


@require_POST
def create(request: HttpRequest, slug: str) -> HttpResponse:
    workspace = _workspace(request, slug, "write_documents")
    form = TitleForm(request.POST)
    if form.is_valid():
        try:
            document = services.document_create(
                actor=request.user, workspace=workspace, title=form.cleaned_data["title"]
            )
        except ValidationError as error:
            messages.error(request, _errors(error))
        else:
            return redirect(document.get_absolute_url())
    else:
        messages.error(request, _("Give the document a title (200 characters at most)."))
    return redirect(_list_url(workspace))


@require_POST
def import_file(request: HttpRequest, slug: str) -> HttpResponse:
    workspace = _workspace(request, slug, "write_documents")
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a Markdown or Word (.docx) file."))
        return redirect(_list_url(workspace))
    upload = form.cleaned_data["file"]
    if upload.size > IMPORT_MAX_BYTES:
        messages.error(request, _("This file is too large to import (10 MB at most)."))
        return redirect(_list_url(workspace))
    try:
        title, state = convert.import_upload(upload.name, upload.read())
        document = services.document_create(
            actor=request.user, workspace=workspace, title=title, state=state
        )
    except convert.ImportRefused as refused:
        messages.error(request, str(refused))
    except ValidationError as error:
        messages.error(request, _errors(error))
    else:
        messages.success(request, _("“%(title)s” was imported.") % {"title": document.title})
        return redirect(document.get_absolute_url())
    return redirect(_list_url(workspace))


def trash(request: HttpRequest, slug: str) -> HttpResponse:
    workspace = _workspace(request, slug, "write_documents")
    return render(
        request,
        "documents/trash.html",
        {
            "workspace": workspace,
            "documents": selectors.trashed_documents_of(workspace),
            "title": _("Trash"),
        },
    )


# --- One document -----------------------------------------------------------------------------


def edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    document = _alive(_document(request, slug, pk))
    may_write = can(request.user, "change", document)
    return render(
        request,
        "documents/edit.html",
        {
            "workspace": document.workspace,
            "document": document,
            "may_write": may_write,
            "max_update": settings.DOCUMENTS_UPDATE_MAX_BYTES,
            "title": document.title,
        },
    )


def rename(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    document = _alive(_document(request, slug, pk, "change"))
    form = TitleForm(request.POST or None, initial={"title": document.title})
    if request.method == "POST" and form.is_valid():
        try:
            services.document_rename(
                actor=request.user, document=document, title=form.cleaned_data["title"]
            )
        except ValidationError as error:
            form.add_error("title", error.messages)
        else:
            return redirect(_list_url(document.workspace))
    return render(
        request,
        "documents/rename.html",
        {"workspace": document.workspace, "document": document, "form": form, "title": _("Rename")},
    )


@require_POST
def duplicate(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    document = _alive(_document(request, slug, pk, "change"))
    copy = services.document_duplicate(actor=request.user, document=document)
    messages.success(request, _("“%(title)s” was created.") % {"title": copy.title})
    return redirect(_list_url(document.workspace))


@require_POST
def trash_document(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    document = _alive(_document(request, slug, pk, "change"))
    services.document_trash(actor=request.user, document=document)
    messages.success(request, _("“%(title)s” was moved to the trash.") % {"title": document.title})
    return redirect(_list_url(document.workspace))


@require_POST
def restore_document(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    document = _document(request, slug, pk, "change")
    services.document_restore(actor=request.user, document=document)
    messages.success(request, _("“%(title)s” was restored.") % {"title": document.title})
    return redirect(_list_url(document.workspace))


# --- History ----------------------------------------------------------------------------------


def history(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    document = _alive(_document(request, slug, pk))
    return render(
        request,
        "documents/history.html",
        {
            "workspace": document.workspace,
            "document": document,
            "versions": selectors.versions_of(document),
            "may_write": can(request.user, "change", document),
            "form": VersionNameForm(),
            "title": _("History of %(title)s") % {"title": document.title},
        },
    )


@require_POST
def version_name(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    document = _alive(_document(request, slug, pk, "change"))
    form = VersionNameForm(request.POST)
    if form.is_valid():
        try:
            services.version_name(
                actor=request.user, document=document, name=form.cleaned_data["name"]
            )
        except ValidationError as error:
            messages.error(request, _errors(error))
        else:
            messages.success(request, _("The version was saved."))
    else:
        messages.error(request, _("Give the version a name (200 characters at most)."))
    return redirect("documents:history", slug=slug, pk=pk)


def _version(document: Document, number: int) -> Version:
    version = document.versions.filter(pk=number).first()
    if version is None:
        raise Http404
    return version


def version_detail(request: HttpRequest, slug: str, pk: int, version: int) -> HttpResponse:
    document = _alive(_document(request, slug, pk))
    found = _version(document, version)
    return render(
        request,
        "documents/version.html",
        {
            "workspace": document.workspace,
            "document": document,
            "version": found,
            "content": convert.to_html_fragment(bytes(found.state)),
            "may_write": can(request.user, "change", document),
            "title": str(found.name or found.get_kind_display()),
        },
    )


@require_POST
def version_restore(request: HttpRequest, slug: str, pk: int, version: int) -> HttpResponse:
    document = _alive(_document(request, slug, pk, "change"))
    found = _version(document, version)
    try:
        services.version_restore(actor=request.user, version=found)
    except ValidationError as error:
        messages.error(request, _errors(error))
        return redirect("documents:history", slug=slug, pk=pk)
    messages.success(request, _("The version was restored for everyone."))
    return redirect(document.get_absolute_url())


def compare(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Who wrote what between two versions (or a version and now)."""
    document = _alive(_document(request, slug, pk))
    versions = list(selectors.versions_of(document))
    by_pk = {str(v.pk): v for v in versions}
    old = by_pk.get(request.GET.get("de", ""))
    new = by_pk.get(request.GET.get("a", ""))
    if old is None:
        raise Http404
    if new is not None and new.seq < old.seq:
        old, new = new, old
    if new is None:  # until now: the text brought up to the log first
        services.text_refresh(document_id=document.pk)
        document.refresh_from_db(fields=["text", "text_seq", "seq"])
    new_text = new.text if new is not None else document.text
    new_seq = new.seq if new is not None else document.seq
    diff = difflib.ndiff(old.text.splitlines(), new_text.splitlines())
    lines = [(line[0], line[2:]) for line in diff if line[:1] in ("+", "-", " ")]
    return render(
        request,
        "documents/compare.html",
        {
            "workspace": document.workspace,
            "document": document,
            "old": old,
            "new": new,
            "lines": lines,
            "authors": selectors.authors_between(document, old.seq, new_seq),
            "title": _("Changes in %(title)s") % {"title": document.title},
        },
    )


# --- Export and images ------------------------------------------------------------------------


def export(request: HttpRequest, slug: str, pk: int, fmt: str) -> HttpResponse:
    document = _alive(_document(request, slug, pk))
    if fmt not in convert.EXPORTS:
        raise Http404
    state = services.document_state(document)
    content, content_type = convert.export(fmt, document.title, state)
    response = HttpResponse(content, content_type=content_type)
    filename = convert.filename(document.title, fmt)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


def images(request: HttpRequest, slug: str, pk: int) -> JsonResponse:
    """The workspace's pictures the editor may insert (records of the files module)."""
    document = _alive(_document(request, slug, pk, "change"))
    return JsonResponse({"images": convert.workspace_images(request.user, document.workspace)})
