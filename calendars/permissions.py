"""Who may read and write calendars, events and workshops: rules of the platform's authority.

- A workspace's calendar is read by who may read the workspace's content, when its calendar
  module is on; who may contribute to it adds events.
- A place's calendar is public while the place is published; its editors (facilitators,
  local administrators of its commune, the coordinator) write it and run its workshops.
- An event is changed or deleted by its author, while they may still add events there, and
  by the calendar's moderators: a group's moderators, owners and overseers, a place's team,
  the coordinator for the network's calendar, the owner of a personal desktop. They also
  read the calendar's log of changes.
- Activity figures: a place's editors see the place's, a local administrator their
  territory's, the coordinator the whole network's.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from calendars.models import Calendar, Event, Registration, Workshop
from core.permissions import (
    administered_scope,
    administers_territory,
    can,
    is_coordinator,
    is_network_member,
    rule,
    twin,
    workspaces_readable_by,
)
from core.territories.models import Territory
from core.workspaces.models import Membership, MembershipStatus, Module, Workspace, WorkspaceKind
from geodirectory.models import Place
from geodirectory.permissions import places_editable_by


@rule(Calendar, "view")
def can_view_calendar(user, calendar: Calendar) -> bool:
    if calendar.place_id is not None:
        return can(user, "view", calendar.place)
    workspace = calendar.workspace
    return workspace.has_module(Module.CALENDAR) and can(user, "read", workspace)


@rule(Calendar, "edit")
def can_edit_calendar(user, calendar: Calendar) -> bool:
    """Add events (changing them is the "edit" rule of the event)."""
    if calendar.place_id is not None:
        return can(user, "edit", calendar.place)
    workspace = calendar.workspace
    return workspace.has_module(Module.CALENDAR) and can(user, "contribute", workspace)


@rule(Calendar, "moderate")
def can_moderate_calendar(user, calendar: Calendar) -> bool:
    """Change or delete anyone's events, read the log."""
    if calendar.place_id is not None:
        return can(user, "edit", calendar.place)
    workspace = calendar.workspace
    if not workspace.has_module(Module.CALENDAR):
        return False
    if workspace.kind == WorkspaceKind.PERSONAL:
        return can(user, "contribute", workspace)  # its owner
    # Group moderators, owners and overseers; the coordinator for the network.
    return can(user, "moderate", workspace)


@rule(Calendar, "view_log")
def can_view_calendar_log(user, calendar: Calendar) -> bool:
    if can_moderate_calendar(user, calendar):
        return True
    # An archived group's calendar is read-only; who may restore the group still reads its log.
    workspace = calendar.workspace
    return (
        workspace is not None
        and workspace.is_archived
        and workspace.has_module(Module.CALENDAR)
        and can(user, "unarchive", workspace)
    )


@rule(Calendar, "subscribe")
def can_subscribe_calendar(user, calendar: Calendar) -> bool:
    """Have a private feed address: members of the network who may read the calendar."""
    return is_network_member(user) and can_view_calendar(user, calendar)


@rule(Event, "view")
def can_view_event(user, event: Event) -> bool:
    if event.workshop_id is not None and not can(user, "view", event.workshop):
        return False
    return can_view_calendar(user, event.calendar)


@rule(Event, "edit")
def can_edit_event(user, event: Event) -> bool:
    """Change, move, cancel or delete it: its author, while they may still add events to the
    calendar, and the calendar's moderators (others' events are not theirs to rewrite)."""
    calendar = event.calendar
    own = is_network_member(user) and event.created_by_id == user.pk
    return (own and can_edit_calendar(user, calendar)) or can_moderate_calendar(user, calendar)


@rule(Workshop, "manage")
def can_manage_workshop(user, workshop: Workshop) -> bool:
    """Change it, see and add registrations, mark attendance, read the surveys."""
    return can(user, "edit", workshop.place)


@rule(Workshop, "view")
def can_view_workshop(user, workshop: Workshop) -> bool:
    if workshop.is_published and workshop.place.is_published:
        return True
    return can_manage_workshop(user, workshop)


@rule(Registration, "manage")
def can_manage_registration(user, registration: Registration) -> bool:
    return can_manage_workshop(user, registration.workshop)


@rule(Registration, "view")
def can_view_registration(user, registration: Registration) -> bool:
    # Participants reach theirs through its secret token, not through an account.
    return can_manage_registration(user, registration)


@rule(Place, "view_activity")
def can_view_place_activity(user, place: Place) -> bool:
    return can(user, "edit", place)


@rule(Territory, "view_activity")
def can_view_territory_activity(user, territory: Territory) -> bool:
    return administers_territory(user, territory)


@rule(None, "view_network_activity")
def can_view_network_activity(user, _obj) -> bool:
    return is_coordinator(user)


# --- Queryset twins ---------------------------------------------------------------------------


@twin(Calendar, "view")
def calendars_visible_to(user) -> QuerySet[Calendar]:
    """The twin of `can(user, "view", calendar)`."""
    workspaces = workspaces_readable_by(user).filter(
        Q(calendar_enabled=True) | ~Q(kind=WorkspaceKind.GROUP)
    )
    places = Place.objects.filter(Q(is_published=True) | Q(pk__in=places_editable_by(user)))
    return Calendar.objects.filter(
        Q(workspace__in=workspaces.values("pk")) | Q(place__in=places.values("pk"))
    )


def agenda_calendars(user) -> QuerySet[Calendar]:
    """The calendars merged in a person's agenda: their desktop, the network, the groups
    they belong to (calendar on) and the places they run. Public calendars of other places
    are one click away but not merged: 687 places would drown one's own week."""
    if not is_network_member(user):
        return Calendar.objects.none()
    member_of = Membership.objects.filter(user=user, status=MembershipStatus.ACTIVE).values(
        "workspace_id"
    )
    workspaces = Workspace.objects.filter(
        Q(personal_owner=user)
        | Q(kind=WorkspaceKind.NETWORK)
        | Q(pk__in=member_of, kind=WorkspaceKind.GROUP, calendar_enabled=True)
    )
    places = Place.objects.filter(facilitators=user)
    return Calendar.objects.filter(
        Q(workspace__in=workspaces.values("pk")) | Q(place__in=places.values("pk"))
    ).select_related("workspace", "place")


@twin(Workshop, "view")
def workshops_visible_to(user) -> QuerySet[Workshop]:
    """The twin of `can(user, "view", workshop)`."""
    public = Q(is_published=True, place__is_published=True)
    if not is_network_member(user):
        return Workshop.objects.filter(public)
    return Workshop.objects.filter(public | Q(place__in=places_editable_by(user).values("pk")))


def events_visible_to(user) -> QuerySet[Event]:
    """Events `user` may see (what `can(user, "view", event)` says, as one query): those of
    calendars they see, a workshop's sessions only when they see the workshop."""
    return Event.objects.filter(calendar__in=calendars_visible_to(user).values("pk")).filter(
        Q(workshop__isnull=True) | Q(workshop__in=workshops_visible_to(user).values("pk"))
    )


@twin(Workshop, "manage")
def workshops_managed_by(user) -> QuerySet[Workshop]:
    """The twin of `can(user, "manage", workshop)`."""
    return Workshop.objects.filter(place__in=places_editable_by(user).values("pk"))


@twin(Registration, "view")
@twin(Registration, "manage")
def registrations_managed_by(user) -> QuerySet[Registration]:
    """The twin of `can(user, "manage" or "view", registration)`: the place's team."""
    return Registration.objects.filter(workshop__in=workshops_managed_by(user).values("pk"))


def places_with_activity_for(user) -> QuerySet[Place]:
    """Places whose figures `user` may read (the twin of "view_activity" on a place)."""
    return places_editable_by(user)


def territories_with_activity_for(user) -> QuerySet[Territory]:
    if not is_network_member(user):
        return Territory.objects.none()
    scope = administered_scope(user, "")
    return Territory.objects.all() if scope is None else Territory.objects.filter(scope)
