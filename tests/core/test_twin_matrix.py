"""Every registered queryset twin agrees with its rule, on a grid of users × objects.

`core.permissions.twin` registers, per (model, action), a queryset of exactly the objects on
which `can(user, action, obj)` holds; `filter_allowed`, `allowed_pks` and
`allowed_references` check many objects at once through it. A twin that disagrees with its
rule would show in a list, a count or a notification what a page refuses (or the
opposite), so each one is checked here against `can`, object by object, for every kind of
user; and a twin this grid does not exercise (no object allowed to someone and refused to
someone else) fails, so a new twin comes with its objects.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from calendars.models import Calendar
from calendars.services.calendars import calendar_for_place, calendar_for_workspace
from core.accounts.models import Invitation
from core.permissions import (
    allowed_pks,
    allowed_references,
    can,
    filter_allowed,
    registered_twins,
)
from core.workspaces.models import (
    MembershipRole,
    MembershipStatus,
    Visibility,
    Workspace,
    WorkspaceKind,
)
from core.workspaces.services import network_workspace
from extranet.chat.models import Message, Room, RoomKind, RoomMember
from extranet.network.models import StatusPost
from forum.models import Category, Post, Topic
from tests.calendars.factories import make_workshop, register
from tests.factories import (
    GroupFactory,
    MembershipFactory,
    PlaceFactory,
    UserFactory,
    coordinator,
    france,
    local_admin,
)

pytestmark = pytest.mark.django_db


def forum_of(workspace: Workspace, author) -> None:
    """A category with a plain topic (two posts) and a hidden one."""
    category = Category.objects.create(
        workspace=workspace, name=f"Entraide {workspace.pk}", slug=f"entraide-{workspace.pk}"
    )
    for hidden in (False, True):
        topic = Topic.objects.create(
            category=category, author=author, title=f"Sujet {hidden}", is_hidden=hidden
        )
        Post.objects.create(topic=topic, author=author, body="Question", is_first=True)
        Post.objects.create(topic=topic, author=author, body="Réponse")


def chat_rooms_of(users, places, groups) -> None:
    """A room of each kind, each with a message: the groups' rooms (one with the chat off),
    a direct conversation, a network channel, channels of a département and of an EPCI."""
    rooms = [Room.objects.create(kind=RoomKind.GROUP, workspace=group) for group in groups]
    direct = Room.objects.create(kind=RoomKind.DIRECT)
    for key in ("network_member", "group_member"):
        RoomMember.objects.create(room=direct, user=users[key])
    rooms.append(direct)
    rooms.append(Room.objects.create(kind=RoomKind.CHANNEL, name="Entraide"))
    rooms.append(Room.objects.create(kind=RoomKind.CHANNEL, name="Lot", territory=places["lot"]))
    pma = Room.objects.create(kind=RoomKind.CHANNEL, name="PMA", territory=places["pma"])
    RoomMember.objects.create(room=pma, user=users["group_owner"])  # a chosen poster
    rooms.append(pma)
    for room in rooms:
        Message.objects.create(
            room=room, seq=1, rev=1, author=users["group_owner"], client_id="x", body="b"
        )


@pytest.fixture
def world():
    """Users of every kind, and objects of every registered twin's model around them."""
    places = france()
    users = {
        "anonymous": AnonymousUser(),
        "network_member": UserFactory(),
        "closed_account": UserFactory(is_active=False),
        "local_admin_here": local_admin(places["pma"]),
        "local_admin_elsewhere": local_admin(places["lot"]),
        "coordinator": coordinator(),
        "place_facilitator": UserFactory(home_territory=places["gourdon"]),
    }
    secret = GroupFactory(visibility=Visibility.SECRET, territory=places["montbeliard"])
    archived = GroupFactory(
        visibility=Visibility.SECRET,
        territory=places["montbeliard"],
        archived_at=timezone.now(),
    )
    public = GroupFactory(visibility=Visibility.PUBLIC, territory=places["gourdon"])
    no_modules = GroupFactory(
        visibility=Visibility.NETWORK,
        forum_enabled=False,
        calendar_enabled=False,
        chat_enabled=False,
    )
    for role, (status, membership_role) in {
        "requested": (MembershipStatus.REQUESTED, MembershipRole.MEMBER),
        "invited": (MembershipStatus.INVITED, MembershipRole.MEMBER),
        "group_member": (MembershipStatus.ACTIVE, MembershipRole.MEMBER),
        "group_moderator": (MembershipStatus.ACTIVE, MembershipRole.MODERATOR),
        "group_owner": (MembershipStatus.ACTIVE, MembershipRole.OWNER),
    }.items():
        users[role] = MembershipFactory(workspace=secret, status=status, role=membership_role).user
    MembershipFactory(workspace=archived, user=users["group_owner"], role=MembershipRole.OWNER)
    MembershipFactory(workspace=public, user=users["group_member"], role=MembershipRole.MODERATOR)
    network = network_workspace()
    author = users["group_owner"]
    for workspace in (secret, archived, public, no_modules, network):
        forum_of(workspace, author)
        calendar_for_workspace(workspace)
    for user in (users["network_member"], users["group_owner"]):
        calendar_for_workspace(user.personal_workspace)

    chat_rooms_of(users, places, (secret, archived, public, no_modules))

    published = PlaceFactory(territory=places["montbeliard"])
    draft_here = PlaceFactory(territory=places["montbeliard"], is_published=False)
    draft_lot = PlaceFactory(
        territory=places["gourdon"], commune="Gourdon", code_insee="46127", is_published=False
    )
    draft_lot.facilitators.add(users["place_facilitator"])
    for place in (published, draft_here, draft_lot):
        calendar_for_place(place)
        for is_published in (True, False):
            register(make_workshop(place, is_published=is_published))

    # Status posts (extranet.network): an open account's, and a closed account's.
    StatusPost.objects.create(author=users["network_member"], text="Bonjour")
    StatusPost.objects.create(author=users["closed_account"], text="Au revoir")

    Invitation.objects.create(
        email="a@exemple.fr",
        token_hash="a",
        invited_by=users["local_admin_here"],
        territory=places["montbeliard"],
        expires_at=timezone.now(),
    )
    Invitation.objects.create(
        email="b@exemple.fr",
        token_hash="b",
        invited_by=users["network_member"],
        territory=places["gourdon"],
        expires_at=timezone.now(),
    )
    Invitation.objects.create(
        email="c@exemple.fr",
        token_hash="c",
        invited_by=users["coordinator"],
        expires_at=timezone.now(),
    )
    return users


def fresh(user):
    """The user as a new request would see them: no permission caches."""
    if not user.is_authenticated and user.pk is None:
        return AnonymousUser()
    return type(user).objects.get(pk=user.pk)


TWINS = sorted(registered_twins(), key=lambda key: (key[0].__name__, key[1]))


def test_the_twins_under_test_include_every_notification_subject():
    assert len(TWINS) >= 15
    names = {(model.__name__, action) for model, action in TWINS}
    for subject in ("Workspace", "Topic", "Post", "Registration", "Workshop", "Place", "User"):
        assert (subject, "view") in names, subject


def test_every_twin_agrees_with_its_rule_for_every_user_and_object(world):
    wrong = []
    for model, action in TWINS:
        name = f"{model.__name__}.{action}"
        objects = list(model._default_manager.all())
        assert len(objects) >= 2, f"the grid holds too few objects for {name}"
        twin = registered_twins()[(model, action)]
        outcomes = set()
        for role, user in world.items():
            listed = set(twin(fresh(user)).values_list("pk", flat=True))
            user = fresh(user)
            for obj in objects:
                allowed = can(user, action, obj)
                outcomes.add(allowed)
                if (obj.pk in listed) != allowed:
                    wrong.append(f"{name} {role} {obj!r}: rule {allowed}, twin {not allowed}")
        if outcomes != {True, False}:
            wrong.append(f"{name}: the grid does not exercise it (always {outcomes})")
    assert wrong == []


def test_bulk_checks_agree_with_the_rule_in_one_query_per_model(
    world, django_assert_max_num_queries
):
    wrong = []
    for model, action in TWINS:
        objects = list(model._default_manager.all())
        content_type = ContentType.objects.get_for_model(model)
        for role, user in world.items():
            expected = [obj for obj in objects if can(fresh(user), action, obj)]
            user = fresh(user)
            # One query for the twin, and what the twin reads once about the user (their
            # territories).
            with django_assert_max_num_queries(2):
                kept = filter_allowed(user, action, objects)
            pks = allowed_pks(user, action, model, [o.pk for o in objects])
            refs = allowed_references(user, action, {(content_type.pk, str(o.pk)) for o in objects})
            if not (
                kept == expected
                and pks == {o.pk for o in expected}
                and refs == {(content_type.pk, str(o.pk)) for o in expected}
            ):
                wrong.append(f"{model.__name__}.{action} {role}")
    assert wrong == []


def test_a_reference_to_a_deleted_or_malformed_object_is_never_allowed(world):
    content_type = ContentType.objects.get_for_model(Workspace)
    network = network_workspace()
    refs = {
        (content_type.pk, str(network.pk)),
        (content_type.pk, "999999"),
        (content_type.pk, "not-a-number"),
    }
    assert allowed_references(world["coordinator"], "view", refs) == {
        (content_type.pk, str(network.pk))
    }


def test_a_model_without_a_twin_falls_back_to_the_rule_object_by_object(world):
    # Calendars have a "view" twin but not an "edit" one: asked one by one, never allowed
    # by omission.
    assert (Calendar, "edit") not in registered_twins()
    calendars = list(Calendar.objects.all())
    for user in world.values():
        expected = [c for c in calendars if can(fresh(user), "edit", c)]
        assert filter_allowed(fresh(user), "edit", calendars) == expected


def test_no_user_is_allowed_nothing():
    groups = [GroupFactory(visibility=Visibility.PUBLIC)]
    assert filter_allowed(None, "view", groups) == []
    assert can(None, "view", groups[0]) is False


def test_personal_desktops_stay_private_to_their_owner_in_every_twin(world):
    owner = world["group_owner"]
    desktop = owner.personal_workspace
    for role, user in world.items():
        for action in ("view", "read", "moderate"):
            twin = registered_twins()[(Workspace, action)]
            listed = twin(fresh(user)).filter(pk=desktop.pk).exists()
            assert listed == (role == "group_owner" and action != "moderate"), (role, action)
    assert Workspace.objects.filter(kind=WorkspaceKind.PERSONAL).count() >= 2
