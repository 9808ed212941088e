"""Working groups: create, join, request, invite, accept, refuse, leave, remove, roles,
archive; each step as the people involved see it."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.notifications.models import Notification, Verb
from core.workspaces.models import (
    JoinPolicy,
    Membership,
    MembershipRole,
    MembershipStatus,
    Visibility,
    Workspace,
)
from tests.factories import (
    GroupFactory,
    MembershipFactory,
    UserFactory,
    coordinator,
    france,
    local_admin,
)

pytestmark = pytest.mark.django_db


def owned_group(**kwargs):
    owner = UserFactory()
    group = GroupFactory(**kwargs)
    MembershipFactory(workspace=group, user=owner, role=MembershipRole.OWNER)
    return group, owner


def test_a_facilitator_creates_a_group_and_owns_it(client):
    france()
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("workspaces:create"),
        {
            "name": "Logiciels libres",
            "description": "Linux en EPN",
            "visibility": Visibility.PUBLIC,
            "join_policy": JoinPolicy.OPEN,
            "modules": ["forum", "files"],
            "territory": "25388",
        },
    )
    group = Workspace.objects.get(name="Logiciels libres")
    assert response["Location"] == group.get_absolute_url()
    assert group.has_module("forum") and not group.has_module("chat")
    assert group.territory.code == "25388"
    assert Membership.objects.get(workspace=group, user=user).role == MembershipRole.OWNER
    page = client.get(response["Location"])
    assert "Logiciels libres" in page.content.decode()


def test_a_group_form_with_errors_keeps_what_was_typed(client):
    client.force_login(UserFactory())
    response = client.post(
        reverse("workspaces:create"),
        {"name": "", "description": "Texte à garder", "visibility": "nope", "join_policy": "open"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Texte à garder" in body
    assert "error-summary" in body
    assert not Workspace.objects.filter(kind="group").exists()


def test_members_cannot_create_groups(client):
    client.force_login(UserFactory(network_role="member"))
    assert client.get(reverse("workspaces:create")).status_code == 403


def test_a_group_named_like_a_page_gets_another_address():
    from core.workspaces.services import group_create

    group = group_create(creator=coordinator(), name="Nouveau")
    assert group.slug != "nouveau"


def test_join_an_open_group_tells_the_owner(client):
    group, owner = owned_group(join_policy=JoinPolicy.OPEN)
    user = UserFactory()
    client.force_login(user)
    client.post(reverse("workspaces:join", args=[group.slug]))
    assert Membership.objects.get(workspace=group, user=user).status == MembershipStatus.ACTIVE
    assert Notification.objects.filter(recipient=owner, verb=Verb.GROUP_JOINED).exists()


def test_request_then_moderator_accepts_and_requester_is_notified(client):
    group, owner = owned_group(join_policy=JoinPolicy.REQUEST)
    user = UserFactory()
    client.force_login(user)
    client.post(reverse("workspaces:request", args=[group.slug]), {"message": "Bonjour"})
    membership = Membership.objects.get(workspace=group, user=user)
    assert membership.status == MembershipStatus.REQUESTED
    assert Notification.objects.filter(recipient=owner, verb=Verb.GROUP_REQUESTED).exists()
    # The requester cannot accept their own request.
    assert (
        client.post(reverse("workspaces:membership_accept", args=[membership.pk])).status_code
        == 403
    )
    client.force_login(owner)
    members_page = client.get(reverse("workspaces:members", args=[group.slug])).content.decode()
    assert "Bonjour" in members_page
    client.post(reverse("workspaces:membership_accept", args=[membership.pk]))
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.ACTIVE
    assert Notification.objects.filter(recipient=user, verb=Verb.GROUP_REQUEST_ACCEPTED).exists()


def test_moderator_refuses_a_request_and_the_requester_is_told(client):
    group, owner = owned_group(join_policy=JoinPolicy.REQUEST)
    membership = MembershipFactory(workspace=group, status=MembershipStatus.REQUESTED)
    client.force_login(owner)
    client.post(reverse("workspaces:membership_decline", args=[membership.pk]))
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert Notification.objects.filter(
        recipient=membership.user, verb=Verb.GROUP_REQUEST_REFUSED
    ).exists()


def test_invite_then_the_invitee_accepts(client):
    group, owner = owned_group(visibility=Visibility.SECRET, join_policy=JoinPolicy.INVITATION)
    invitee = UserFactory(display_name="Nadia Benali")
    client.force_login(owner)
    found = client.get(reverse("workspaces:members", args=[group.slug]), {"q": "nadia"})
    assert "Nadia Benali" in found.content.decode()
    client.post(reverse("workspaces:invite", args=[group.slug]), {"user": invitee.pk})
    membership = Membership.objects.get(workspace=group, user=invitee)
    assert membership.status == MembershipStatus.INVITED
    assert Notification.objects.filter(recipient=invitee, verb=Verb.GROUP_INVITED).exists()

    client.force_login(invitee)
    # The invitee sees the secret group's home page, to answer.
    assert client.get(group.get_absolute_url()).status_code == 200
    dashboard = client.get(reverse("dashboard:home")).content.decode()
    assert group.name in dashboard
    client.post(reverse("workspaces:membership_accept", args=[membership.pk]))
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.ACTIVE
    assert Notification.objects.filter(
        recipient=owner, verb=Verb.GROUP_INVITATION_ACCEPTED
    ).exists()


def test_inviting_twice_says_so(client):
    group, owner = owned_group()
    invitee = UserFactory()
    client.force_login(owner)
    client.post(reverse("workspaces:invite", args=[group.slug]), {"user": invitee.pk})
    response = client.post(
        reverse("workspaces:invite", args=[group.slug]), {"user": invitee.pk}, follow=True
    )
    assert "déjà invité" in response.content.decode()
    assert Membership.objects.filter(workspace=group, user=invitee).count() == 1


def test_the_invitee_declines(client):
    group, _owner = owned_group()
    membership = MembershipFactory(workspace=group, status=MembershipStatus.INVITED)
    client.force_login(membership.user)
    client.post(reverse("workspaces:membership_decline", args=[membership.pk]))
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_leave_a_group(client):
    group, _owner = owned_group()
    membership = MembershipFactory(workspace=group)
    client.force_login(membership.user)
    assert client.get(reverse("workspaces:leave", args=[group.slug])).status_code == 200
    client.post(reverse("workspaces:leave", args=[group.slug]))
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_the_last_owner_cannot_leave(client):
    group, owner = owned_group()
    client.force_login(owner)
    response = client.post(reverse("workspaces:leave", args=[group.slug]), follow=True)
    assert "dernier" in response.content.decode()
    assert Membership.objects.filter(workspace=group, user=owner).exists()


def test_owner_changes_a_role_and_removes_a_member(client):
    group, owner = owned_group()
    membership = MembershipFactory(workspace=group)
    client.force_login(owner)
    client.post(reverse("workspaces:membership_role", args=[membership.pk]), {"role": "moderator"})
    membership.refresh_from_db()
    assert membership.role == MembershipRole.MODERATOR
    assert Notification.objects.filter(
        recipient=membership.user, verb=Verb.GROUP_ROLE_CHANGED
    ).exists()
    assert (
        client.get(reverse("workspaces:membership_remove", args=[membership.pk])).status_code == 200
    )
    client.post(reverse("workspaces:membership_remove", args=[membership.pk]))
    assert not Membership.objects.filter(pk=membership.pk).exists()
    removed = Notification.objects.get(recipient=membership.user, verb=Verb.GROUP_REMOVED)
    assert removed.data["target"] == group.name


def test_a_moderator_removes_members_but_not_other_moderators(client):
    group, _owner = owned_group()
    moderator = MembershipFactory(workspace=group, role=MembershipRole.MODERATOR)
    other = MembershipFactory(workspace=group, role=MembershipRole.MODERATOR)
    member = MembershipFactory(workspace=group)
    client.force_login(moderator.user)
    assert client.post(reverse("workspaces:membership_remove", args=[other.pk])).status_code == 403
    client.post(reverse("workspaces:membership_remove", args=[member.pk]))
    assert not Membership.objects.filter(pk=member.pk).exists()


def test_the_only_owner_cannot_step_down(client):
    group, owner = owned_group()
    membership = Membership.objects.get(workspace=group, user=owner)
    client.force_login(owner)
    response = client.post(
        reverse("workspaces:membership_role", args=[membership.pk]), {"role": "member"}, follow=True
    )
    assert "au moins un" in response.content.decode()
    membership.refresh_from_db()
    assert membership.role == MembershipRole.OWNER


def test_archive_makes_the_group_read_only_and_restore_undoes_it(client):
    group, owner = owned_group(join_policy=JoinPolicy.OPEN)
    client.force_login(owner)
    client.post(reverse("workspaces:archive", args=[group.slug]))
    group.refresh_from_db()
    assert group.is_archived
    outsider = UserFactory()
    client.force_login(outsider)
    page = client.get(group.get_absolute_url()).content.decode()
    assert "archivé" in page
    assert client.post(reverse("workspaces:join", args=[group.slug])).status_code == 403
    client.force_login(owner)
    client.post(reverse("workspaces:unarchive", args=[group.slug]))
    group.refresh_from_db()
    assert not group.is_archived


def test_local_admin_oversees_groups_of_their_territory(client):
    places = france()
    group, _owner = owned_group(visibility=Visibility.SECRET, territory=places["montbeliard"])
    admin = local_admin(places["pma"])
    client.force_login(admin)
    listing = client.get(reverse("network:groups")).content.decode()
    assert group.name in listing
    assert client.get(reverse("workspaces:edit", args=[group.slug])).status_code == 200
    other = local_admin(places["lot"])
    client.force_login(other)
    assert group.name not in client.get(reverse("network:groups")).content.decode()
    assert client.get(reverse("workspaces:edit", args=[group.slug])).status_code == 404


def test_group_list_is_paginated_and_searchable(client):
    for i in range(25):
        GroupFactory(name=f"Groupe atelier {i:02d}", visibility=Visibility.PUBLIC)
    GroupFactory(name="Imprimantes et Linux", visibility=Visibility.PUBLIC)
    first = client.get(reverse("workspaces:list"))
    assert len(first.context["groups"]) == 20
    second = client.get(reverse("workspaces:list"), {"page": 2})
    assert len(second.context["groups"]) == 6
    found = client.get(reverse("workspaces:list"), {"q": "linux"})
    assert [g.name for g in found.context["groups"]] == ["Imprimantes et Linux"]


def test_group_list_query_count_does_not_grow_with_groups(client, django_assert_max_num_queries):
    user = UserFactory()
    for i in range(15):
        group = GroupFactory(name=f"G{i}")
        MembershipFactory(workspace=group, user=user)
    client.force_login(user)
    client.get(reverse("workspaces:list"))  # warm caches (session, content types)
    with django_assert_max_num_queries(8):
        client.get(reverse("workspaces:list"))


def test_members_page_costs_the_same_queries_whatever_the_number_of_members(client):
    group, owner = owned_group()
    client.force_login(owner)
    url = reverse("workspaces:members", args=[group.slug])

    def queries() -> int:
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    MembershipFactory(workspace=group)
    few = queries()
    for _ in range(5):
        MembershipFactory(workspace=group)
        MembershipFactory(workspace=group, status=MembershipStatus.REQUESTED)
    assert queries() == few
