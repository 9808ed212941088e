"""Pages of the chat. Thin: fetch through the permission authority (404 for a room one may
not read), call a service, render. The live part runs on the tab's socket (live.py); these
pages work without JavaScript: the history is readable, a plain form posts."""

from __future__ import annotations

import uuid

from django.contrib import messages as flash
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.accounts.models import User
from core.permissions import administered_territories, can, is_coordinator
from core.territories.models import Territory
from core.views import LoginRequired, add_service_errors, get_object_or_deny
from core.workspaces.models import Workspace
from extranet.chat import selectors, services
from extranet.chat.forms import ChannelForm, DirectForm, HandleForm, MessageForm
from extranet.chat.models import Attachment, Message, ModerationLog, Room


def _signed_in(request: HttpRequest) -> None:
    if not request.user.is_authenticated:
        raise LoginRequired


def _room(request: HttpRequest, pk: int, action: str = "view") -> Room:
    return get_object_or_deny(
        request, Room.objects.select_related("workspace", "territory"), action, pk=pk
    )


def _sidebar(request: HttpRequest) -> dict:
    rooms = list(selectors.rooms_for(request.user)[:200])
    names = selectors.direct_names(rooms, request.user)
    for r in rooms:
        r.title = selectors.room_title(r, names)
    return {
        "rooms": rooms,
        "unread_total": selectors.unread_total(rooms),
        "may_create_channel": can(request.user, "create_chat_channel"),
    }


def index(request: HttpRequest) -> HttpResponse:
    _signed_in(request)
    return render(
        request,
        "chat/index.html",
        {**_sidebar(request), "direct_form": DirectForm(), "title": _("Chat")},
    )


def room(request: HttpRequest, pk: int) -> HttpResponse:
    room = _room(request, pk)
    before = request.GET.get("avant")
    try:
        before = int(before) if before else None
    except ValueError:
        raise Http404 from None
    history, more = selectors.history(room, before=before)
    context = _sidebar(request)
    current = next((r for r in context["rooms"] if r.pk == room.pk), None)
    title = current.title if current else str(room)
    return render(
        request,
        "chat/room.html",
        {
            **context,
            "room": room,
            "room_title": title,
            "current": current,
            "history": history,
            "older": history[0].seq if more and history else None,
            "newer": before is not None,
            "can_post": can(request.user, "post", room),
            "can_moderate": can(request.user, "moderate", room),
            "reactions": services.REACTIONS,
            "form": MessageForm(initial={"client_id": uuid.uuid4().hex}),
            "title": title,
        },
    )


def people(request: HttpRequest, pk: int) -> HttpResponse:
    """Who is in a conversation (and who may post in a channel): its members add someone or
    leave; a channel's moderators choose its posters."""
    room = _room(request, pk)
    form = HandleForm(request.POST or None)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "leave":
                services.member_remove(actor=request.user, room=room, user=request.user)
                flash.success(request, _("You left the conversation."))
                return redirect("chat:index")
            if action == "remove":
                person = get_object_or_404(User, pk=request.POST.get("user") or 0)
                services.member_remove(actor=request.user, room=room, user=person)
                flash.success(request, _("%(name)s was taken off.") % {"name": person})
                return redirect("chat:people", pk=room.pk)
            if action == "add" and form.is_valid():
                person = User.objects.filter(
                    handle=form.cleaned_data["handle"], is_active=True
                ).first()
                if person is None:
                    form.add_error("handle", _("Nobody answers to that handle."))
                else:
                    services.member_add(actor=request.user, room=room, user=person)
                    flash.success(request, _("%(name)s was added.") % {"name": person})
                    return redirect("chat:people", pk=room.pk)
        except ValidationError as error:
            add_service_errors(form, error)
    may_moderate = can(request.user, "moderate", room)
    members = list(room.members.select_related("user").order_by("user__display_name", "user__pk"))
    title = selectors.room_title(room, selectors.direct_names([room], request.user))
    return render(
        request,
        "chat/people.html",
        {
            "room": room,
            "room_title": title,
            "members": members,
            "form": form,
            "may_add": (
                can(request.user, "post", room)
                if room.kind == "direct"
                else may_moderate and room.kind == "channel"
            ),
            "may_moderate": may_moderate,
            "title": _("People of %(room)s") % {"room": title},
        },
    )


MODERATION_LOG_PER_PAGE = 50


def moderation_log(request: HttpRequest, pk: int) -> HttpResponse:
    """The messages the room's moderators deleted: who, whose, when, and what it said. For
    those who moderate the room (the text of a deleted message is theirs to see)."""
    room = _room(request, pk, "moderate")
    entries = ModerationLog.objects.filter(room=room).select_related("moderator", "author")
    page = Paginator(entries.order_by("-created_at", "-pk"), MODERATION_LOG_PER_PAGE).get_page(
        request.GET.get("page")
    )
    title = str(room)  # never a direct conversation: those have no moderators
    return render(
        request,
        "chat/moderation_log.html",
        {
            "room": room,
            "room_title": title,
            "page_obj": page,
            "title": _("Moderation log of %(room)s") % {"room": title},
        },
    )


def workspace_room(request: HttpRequest, slug: str) -> HttpResponse:
    workspace = get_object_or_deny(request, Workspace, "read", slug=slug)
    try:
        room = services.group_room(workspace=workspace)
    except ValidationError:
        raise Http404 from None
    if not can(request.user, "view", room):
        raise Http404
    return redirect(room)


@require_POST
def post(request: HttpRequest, pk: int) -> HttpResponse:
    room = _room(request, pk)
    form = MessageForm(request.POST)
    if form.is_valid():
        try:
            services.message_post(
                actor=request.user,
                room=room,
                body=form.cleaned_data["body"],
                client_id=form.cleaned_data["client_id"],
                reply_to=form.cleaned_data["reply_to"],
            )
        except PermissionDenied:
            raise
        except ValidationError as error:
            for text in error.messages:
                flash.error(request, text)
    else:
        for errors in form.errors.values():
            for text in errors:
                flash.error(request, text)
    return redirect(room)


@require_POST
def mute(request: HttpRequest, pk: int) -> HttpResponse:
    room = _room(request, pk)
    services.room_mute(user=request.user, room=room, muted=request.POST.get("muted") == "1")
    return redirect(room)


@require_POST
def delete(request: HttpRequest, pk: int, seq: int) -> HttpResponse:
    room = _room(request, pk)
    message = get_object_or_deny(
        request, Message.objects.select_related("room"), "delete", room=room, seq=seq
    )
    services.message_delete(actor=request.user, message=message)
    flash.success(request, _("The message was deleted."))
    return redirect(room)


@require_POST
def direct_new(request: HttpRequest) -> HttpResponse:
    _signed_in(request)
    form = DirectForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for text in errors:
                flash.error(request, text)
        return redirect("chat:index")
    handles = form.handles()
    people = list(User.objects.filter(handle__in=handles, is_active=True))
    if len(people) != len(set(handles)):
        flash.error(request, _("Nobody answers to some of these handles."))
        return redirect("chat:index")
    try:
        room = services.direct_start(
            actor=request.user, people=people, name=form.cleaned_data["name"]
        )
    except ValidationError as error:
        for text in error.messages:
            flash.error(request, text)
        return redirect("chat:index")
    return redirect(room)


def direct_with(request: HttpRequest, user_pk: int) -> HttpResponse:
    """« Send a message » from a colleague's profile or « Who can help me? »: the
    conversation with that person if there is one, else a button that starts it (a GET
    never creates anything). Someone one may not see answers 404."""
    _signed_in(request)
    if not can(request.user, "start_chat"):
        raise PermissionDenied
    person = get_object_or_deny(request, User.objects.filter(is_active=True), "view", pk=user_pk)
    if person.pk == request.user.pk:
        return redirect("chat:index")
    existing = selectors.direct_room_between(request.user, person)
    if existing is not None:
        return redirect(existing)
    if request.method == "POST":
        try:
            room = services.direct_start(actor=request.user, people=[person])
        except ValidationError as error:
            for text in error.messages:
                flash.error(request, text)
            return redirect("chat:index")
        return redirect(room)
    return render(request, "chat/direct_with.html", {**_sidebar(request), "person": person})


def channel_new(request: HttpRequest) -> HttpResponse:
    _signed_in(request)
    if not can(request.user, "create_chat_channel"):
        raise PermissionDenied
    territories = Territory.objects.filter(
        pk__in=[t.pk for t in administered_territories(request.user)]
    )
    if is_coordinator(request.user):
        territories = Territory.objects.filter(kind__in=["region", "departement", "epci"])
    form = ChannelForm(request.POST or None, territories=territories)
    if request.method == "POST" and form.is_valid():
        handles = form.handles()
        posters = list(User.objects.filter(handle__in=handles, is_active=True))
        try:
            room = services.channel_create(
                actor=request.user,
                name=form.cleaned_data["name"],
                topic=form.cleaned_data["topic"],
                territory=form.cleaned_data["territory"],
                restricted_posting=form.cleaned_data["restricted_posting"],
                posters=[*posters, request.user],
            )
        except PermissionDenied:
            form.add_error(
                "territory", _("Only the coordinator creates channels of the whole network.")
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect(room)
    return render(request, "chat/channel_form.html", {"form": form, "title": _("New channel")})


def attachment(request: HttpRequest, pk: int) -> HttpResponse:
    """A file shown with a message: for who may read the room and still read the file."""
    from extranet.files.downloads import serve_version
    from extranet.files.permissions import files_visible_to

    item = get_object_or_deny(
        request, Attachment.objects.select_related("message__room__workspace"), "view", pk=pk
    )
    stored = (
        files_visible_to(request.user)
        .select_related("workspace", "current", "folder")
        .filter(pk=item.file_id)
        .first()
    )
    if stored is None or stored.current is None or not can(request.user, "view", stored):
        raise Http404
    return serve_version(request, stored.current, name=stored.name)
