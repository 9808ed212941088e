"""Who may see and edit a place: rules registered with the platform's authority."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from core.permissions import (
    administered_scope,
    administers_territory,
    is_administrator,
    is_coordinator,
    is_network_member,
    rule,
    twin,
)
from core.territories.models import Territory
from geodirectory.models import Place


@rule(Place, "edit")
def can_edit_place(user, place: Place) -> bool:
    """Its facilitators, the local administrators of its commune, the coordinator."""
    if not is_network_member(user):
        return False
    if is_coordinator(user):
        return True
    if place.territory_id is not None and administers_territory(user, place.territory):
        return True
    return place.pk is not None and place.facilitators.filter(pk=user.pk).exists()


@rule(Place, "view")
def can_view_place(user, place: Place) -> bool:
    """Published places are public; a draft only for those who may edit it."""
    return place.is_published or can_edit_place(user, place)


@rule(None, "create_place")
def can_create_place(user, _obj) -> bool:
    """The coordinator and local administrators add places (in their territory: see
    "put_place")."""
    return is_administrator(user)


@rule(Territory, "put_place")
def can_put_place_in_territory(user, territory: Territory) -> bool:
    """Create a place in this territory, or move one into it: the coordinator anywhere, a
    local administrator inside their territory. A place's territory decides whose figures
    its workshops count in and which administrators run it, so its facilitators do not move
    it to another territory themselves."""
    return administers_territory(user, territory)


@twin(Place, "edit")
def places_editable_by(user) -> QuerySet[Place]:
    """The queryset twin of `can(user, "edit", place)`."""
    if not is_network_member(user):
        return Place.objects.none()
    scope = administered_scope(user, "territory__")
    if scope is None:
        return Place.objects.all()
    return Place.objects.filter(scope | Q(facilitators=user)).distinct()


@twin(Place, "view")
def places_visible_to(user) -> QuerySet[Place]:
    """The twin of `can(user, "view", place)`: published places, and drafts one may edit."""
    return Place.objects.filter(
        Q(is_published=True) | Q(pk__in=places_editable_by(user).values("pk"))
    )
