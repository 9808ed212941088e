"""The permission matrix: role × visibility × join policy × archived × action.

`expected()` is the policy written as a specification, in the words of README.md
("Permissions"); each test builds one group and checks every role and action against it,
through `can`, through the list queryset, and through the pages a user would open.
"""

from __future__ import annotations

import itertools

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone

from core.permissions import can, workspaces_visible_to
from core.workspaces.models import (
    JoinPolicy,
    MembershipRole,
    MembershipStatus,
    Visibility,
)
from tests.factories import (
    GroupFactory,
    MembershipFactory,
    UserFactory,
    coordinator,
    france,
    local_admin,
)

ROLES = [
    "anonymous",
    "network_member",
    "requested",
    "invited",
    "group_member",
    "group_moderator",
    "group_owner",
    "local_admin_here",
    "local_admin_elsewhere",
    "coordinator",
]
ACTIONS = [
    "view",
    "read",
    "view_members",
    "contribute",
    "moderate",
    "manage",
    "unarchive",
    "invite",
    "join",
    "request_join",
    "leave",
]
WORLDS = list(itertools.product(Visibility.values, JoinPolicy.values, [False, True]))


def expected(role: str, visibility: str, policy: str, archived: bool, action: str) -> bool:
    signed_in = role != "anonymous"
    member = role in {"group_member", "group_moderator", "group_owner"}
    overseer = role in {"local_admin_here", "coordinator"}
    moderator = role in {"group_moderator", "group_owner"} or overseer
    owner = role == "group_owner" or overseer
    unattached = role in {
        "network_member",
        "local_admin_here",
        "local_admin_elsewhere",
        "coordinator",
    }
    open_to_view = visibility == Visibility.PUBLIC or (
        visibility == Visibility.NETWORK and signed_in
    )
    sees = open_to_view or member or overseer or role == "invited"
    reads = open_to_view or member or overseer
    return {
        "view": sees,
        "read": reads,
        "view_members": signed_in and reads,
        "contribute": member and not archived,
        "moderate": moderator and not archived,
        "manage": owner and not archived,
        "unarchive": owner and archived,
        "invite": not archived and (moderator or (member and policy != JoinPolicy.INVITATION)),
        "join": not archived and policy == JoinPolicy.OPEN and unattached and sees,
        "request_join": not archived and policy == JoinPolicy.REQUEST and unattached and sees,
        # The owner is the group's only owner here: they must hand over before leaving.
        "leave": role in {"group_member", "group_moderator"},
    }[action]


def build_world(visibility: str, policy: str, archived: bool):
    places = france()
    group = GroupFactory(
        visibility=visibility,
        join_policy=policy,
        territory=places["montbeliard"],
        archived_at=timezone.now() if archived else None,
    )
    users = {
        "anonymous": AnonymousUser(),
        "network_member": UserFactory(),
        "local_admin_here": local_admin(places["pma"]),
        "local_admin_elsewhere": local_admin(places["lot"]),
        "coordinator": coordinator(),
    }
    for role, (status, membership_role) in {
        "requested": (MembershipStatus.REQUESTED, MembershipRole.MEMBER),
        "invited": (MembershipStatus.INVITED, MembershipRole.MEMBER),
        "group_member": (MembershipStatus.ACTIVE, MembershipRole.MEMBER),
        "group_moderator": (MembershipStatus.ACTIVE, MembershipRole.MODERATOR),
        "group_owner": (MembershipStatus.ACTIVE, MembershipRole.OWNER),
    }.items():
        users[role] = MembershipFactory(workspace=group, status=status, role=membership_role).user
    return group, users


@pytest.mark.django_db
@pytest.mark.parametrize(("visibility", "policy", "archived"), WORLDS)
def test_every_role_and_action_follows_the_policy(visibility, policy, archived):
    group, users = build_world(visibility, policy, archived)
    wrong = []
    for role, action in itertools.product(ROLES, ACTIONS):
        want = expected(role, visibility, policy, archived, action)
        got = can(users[role], action, group)
        if got != want:
            wrong.append(f"{role} {action}: got {got}, expected {want}")
    assert wrong == []


@pytest.mark.django_db
@pytest.mark.parametrize(("visibility", "policy", "archived"), WORLDS)
def test_group_lists_show_exactly_the_groups_one_may_view(visibility, policy, archived):
    group, users = build_world(visibility, policy, archived)
    for role in ROLES:
        listed = workspaces_visible_to(users[role]).filter(pk=group.pk).exists()
        assert listed == expected(role, visibility, policy, archived, "view"), role


@pytest.mark.django_db
@pytest.mark.parametrize("visibility", Visibility.values)
def test_group_pages_answer_200_404_or_sign_in_as_visibility_says(client, visibility):
    group, users = build_world(visibility, JoinPolicy.REQUEST, archived=False)
    pages = {
        "view": reverse("workspaces:detail", args=[group.slug]),
        "view_members": reverse("workspaces:members", args=[group.slug]),
    }
    for role in ROLES:
        client.logout()
        if role != "anonymous":
            client.force_login(users[role])
        for action, url in pages.items():
            response = client.get(url)
            if expected(role, visibility, JoinPolicy.REQUEST, False, action):
                assert response.status_code == 200, (role, url)
            elif role == "anonymous":
                assert response.status_code == 302, (role, url)
                assert response["Location"].startswith(reverse("account_login"))
            elif expected(role, visibility, JoinPolicy.REQUEST, False, "view"):
                assert response.status_code == 403, (role, url)
            else:
                assert response.status_code == 404, (role, url)


@pytest.mark.django_db
def test_a_secret_group_is_indistinguishable_from_a_missing_one(client):
    group, users = build_world(Visibility.SECRET, JoinPolicy.INVITATION, archived=False)
    client.force_login(users["network_member"])
    missing = client.get(reverse("workspaces:detail", args=["no-such-group"]))
    secret = client.get(reverse("workspaces:detail", args=[group.slug]))
    assert secret.status_code == missing.status_code == 404
    assert group.name not in secret.content.decode()
    listing = client.get(reverse("workspaces:list"))
    assert group.name not in listing.content.decode()


@pytest.mark.django_db
def test_anonymous_visitor_is_sent_to_sign_in_for_missing_and_secret_groups_alike(client):
    group, _users = build_world(Visibility.SECRET, JoinPolicy.INVITATION, archived=False)
    missing = client.get(reverse("workspaces:detail", args=["no-such-group"]))
    secret = client.get(reverse("workspaces:detail", args=[group.slug]))
    assert missing.status_code == secret.status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_posting_a_refused_action_changes_nothing(client, role):
    group, users = build_world(Visibility.NETWORK, JoinPolicy.INVITATION, archived=False)
    if role != "anonymous":
        client.force_login(users[role])
    before = list(group.memberships.values_list("user_id", "status", "role").order_by("user_id"))
    response = client.post(reverse("workspaces:join", args=[group.slug]))
    assert response.status_code in {302, 403}
    after = list(group.memberships.values_list("user_id", "status", "role").order_by("user_id"))
    assert after == before


@pytest.mark.django_db
@pytest.mark.parametrize("visibility", Visibility.values)
def test_who_runs_the_group_is_named_to_those_who_may_see_its_members(client, visibility):
    group, users = build_world(visibility, JoinPolicy.REQUEST, archived=False)
    owner = users["group_owner"]
    owner.display_name = "Odile Propriétaire"
    owner.save()
    for role in ROLES:
        client.logout()
        if role != "anonymous":
            client.force_login(users[role])
        response = client.get(reverse("workspaces:detail", args=[group.slug]))
        if response.status_code != 200:
            continue
        named = "Odile Propriétaire" in response.content.decode()
        assert named == expected(role, visibility, JoinPolicy.REQUEST, False, "view_members"), role


@pytest.mark.django_db
@pytest.mark.parametrize(("visibility", "policy", "archived"), WORLDS)
def test_a_members_profile_lists_the_group_to_those_who_may_read_it(visibility, policy, archived):
    from core.workspaces.selectors import user_groups

    group, users = build_world(visibility, policy, archived)
    for role in ROLES:
        listed = group in user_groups(users["group_member"], viewer=users[role])
        assert listed == expected(role, visibility, policy, archived, "read"), role
